/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-call-manager.h"
#include "pl-park-pager.h"
#include "pl-park-service.h"

G_BEGIN_DECLS

#define PL_TYPE_PARK_SIDEBAR (pl_park_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (PlParkSidebar, pl_park_sidebar, PL, PARK_SIDEBAR, GtkWidget)

/* The team's park lots beside the call area: one section per lot with every
 * slot, who is parked there and for how long, and the park and retrieve
 * actions. The sidebar never changes a slot itself: it asks the park
 * service, and the rows follow the service's models. */
GtkWidget *pl_park_sidebar_new (PlParkService *service, PlCallManager *manager);
PlParkService *pl_park_sidebar_get_service (PlParkSidebar *self);
/* Adds win.park, win.park-to-selected, win.retrieve-slot ("lot:slot"),
 * win.retrieve-nth (1-based) and win.focus-park to the window's action map;
 * the sidebar keeps their enabled state. */
void pl_park_sidebar_add_actions (PlParkSidebar *self, GActionMap *map);
/* Adds Park & Page: win.park-and-page (after add_actions) parks the active
 * call on the selected lot (else the first) and pages its page target. */
void pl_park_sidebar_set_pager (PlParkSidebar *self, PlParkPager *pager);
/* The slot row for lot/slot, or NULL. (transfer none) */
GtkWidget *pl_park_sidebar_get_row (PlParkSidebar *self, const char *lot, int slot);
/* The lot section's stale banner (for tests and focus). (transfer none) */
GtkWidget *pl_park_sidebar_get_stale_banner (PlParkSidebar *self, const char *lot);
/* Whether a lot lets the user choose the slot (FreePBX, FreeSWITCH) or the
 * PBX picks it (stock Asterisk: a REFER to a free slot drops the caller). */
gboolean pl_park_sidebar_lot_can_choose (PlParkLot *lot);

/* "Main:701" → "Main", 701: the target of the retrieve-slot actions. Lot
 * names may contain ':'; the slot is after the last one. */
gboolean pl_park_parse_slot_target (const char *target, char **lot, int *slot);
char *pl_park_format_slot_target (const char *lot, int slot);

G_END_DECLS
