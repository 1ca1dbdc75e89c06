/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-history-entry.h"

G_BEGIN_DECLS

#define PL_TYPE_HISTORY_ROW (pl_history_row_get_type ())
G_DECLARE_FINAL_TYPE (PlHistoryRow, pl_history_row, PL, HISTORY_ROW, GtkWidget)

/* One call of the history list, recycled by the list factory: the page sets
 * the entry, the day header above it (GTK 4.8 lists have no sections), the
 * park line and, when the row is opened, the park timeline. */
GtkWidget *pl_history_row_new (void);
PlHistoryEntry *pl_history_row_get_entry (PlHistoryRow *self);
void pl_history_row_set_entry (PlHistoryRow *self, PlHistoryEntry *entry);
/* header NULL: the row continues the day of the row above. */
void pl_history_row_set_day (PlHistoryRow *self, const char *header);
void pl_history_row_set_park_summary (PlHistoryRow *self, const char *text);
/* events (PlHistoryParkEvent) NULL closes the timeline. */
void pl_history_row_set_timeline (PlHistoryRow *self, GPtrArray *events);
/* A leg of a consult transfer: "Consulted Bob, then joined them"; NULL hides it. */
void pl_history_row_set_transfer_summary (PlHistoryRow *self, const char *text);
gboolean pl_history_row_get_expanded (PlHistoryRow *self);

G_END_DECLS
