/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-history.h"
#include "pl-history-model.h"

G_BEGIN_DECLS

#define PL_TYPE_HISTORY_PAGE (pl_history_page_get_type ())
G_DECLARE_FINAL_TYPE (PlHistoryPage, pl_history_page, PL, HISTORY_PAGE, GtkWidget)

/* The call history: a lazy list of every call with day headers, filters,
 * search as you type, each call's park timeline, and the privacy tools
 * (clear, retention, CSV export) in its menu. Calling back goes through the
 * window's win.call-number action.
 *
 * Signal "toast" (const char *text): something finished that the user should
 * hear about (export written, history cleared, an error); the window shows
 * it as a toast. */
GtkWidget *pl_history_page_new (void);
void pl_history_page_set_history (PlHistoryPage *self, PlHistory *history);
PlHistory *pl_history_page_get_history (PlHistoryPage *self);
/* (nullable): NULL until a history is set. */
PlHistoryModel *pl_history_page_get_model (PlHistoryPage *self);
void pl_history_page_focus_search (PlHistoryPage *self);
/* Writes the calls shown (filter and search applied) to file as CSV in the
 * background, then toasts the result. The menu asks for the file first. */
void pl_history_page_export_to (PlHistoryPage *self, GFile *file);

G_END_DECLS
