/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-history.h"

G_BEGIN_DECLS

#define PL_TYPE_HISTORY_MODEL (pl_history_model_get_type ())
G_DECLARE_FINAL_TYPE (PlHistoryModel, pl_history_model, PL, HISTORY_MODEL, GObject)

/* A GListModel of PlHistoryEntry, newest first, loaded lazily: n_items comes
 * from an asynchronous COUNT (the model is empty and "loading" until it
 * arrives), and get_item() fetches the page of rows around the position the
 * first time it is asked for (a few pages are cached). Changing "filter" or
 * "search" re-counts and replaces the items; new calls in the store are
 * announced as insertions at the top (the list keeps its scroll position).
 *
 * GTK 4.8 has no list sections: each entry's "day" property is the section
 * key, and pl_history_model_starts_day() says where a header row goes.
 *
 * Properties: "history" (construct-only), "filter" (PlHistoryFilter),
 * "search" (string), "loading" (read-only), "n-items" (read-only). */

PlHistoryModel *pl_history_model_new (PlHistory *history);
PlHistory *pl_history_model_get_history (PlHistoryModel *self);
PlHistoryFilter pl_history_model_get_filter (PlHistoryModel *self);
void pl_history_model_set_filter (PlHistoryModel *self, PlHistoryFilter filter);
const char *pl_history_model_get_search (PlHistoryModel *self);
void pl_history_model_set_search (PlHistoryModel *self, const char *search);
gboolean pl_history_model_get_loading (PlHistoryModel *self);
gboolean pl_history_model_starts_day (PlHistoryModel *self, guint position);

G_END_DECLS
