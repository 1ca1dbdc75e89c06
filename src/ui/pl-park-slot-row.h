/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-park-lot.h"

G_BEGIN_DECLS

#define PL_TYPE_PARK_SLOT_ROW (pl_park_slot_row_get_type ())
G_DECLARE_FINAL_TYPE (PlParkSlotRow, pl_park_slot_row, PL, PARK_SLOT_ROW, GtkListBoxRow)

/* One slot of a park lot in the sidebar: number, caller, live parked time,
 * a countdown to the ring-back and a Retrieve button while occupied. A call
 * dropped on a free slot is parked there through the "park.call" action of
 * an ancestor (PlParkSidebar). */
GtkWidget *pl_park_slot_row_new (PlParkLot *lot, PlParkSlot *slot);
PlParkLot *pl_park_slot_row_get_lot (PlParkSlotRow *self);
PlParkSlot *pl_park_slot_row_get_slot (PlParkSlotRow *self);
/* What a drop of text (a call handle, as the call views drag it) does:
 * parks that call here. FALSE when the text names no call or the slot is
 * not free. */
gboolean pl_park_slot_row_drop_call (PlParkSlotRow *self, const char *handle_text);

G_END_DECLS
