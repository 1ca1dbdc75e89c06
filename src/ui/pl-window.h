/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-call-manager.h"
#include "pl-history.h"
#include "pl-history-page.h"
#include "pl-park-pager.h"

G_BEGIN_DECLS

#define PL_TYPE_WINDOW (pl_window_get_type ())
G_DECLARE_FINAL_TYPE (PlWindow, pl_window, PL, WINDOW, AdwApplicationWindow)

/* The main window. Everything it does goes through win.* actions on the call
 * manager it was given ("call-manager", construct-only); the engine and its
 * account are reached through the manager. */
PlWindow *pl_window_new (GtkApplication *application, PlCallManager *manager);
PlCallManager *pl_window_get_call_manager (PlWindow *self);
/* The history the History page shows (win.show-history); NULL for none. */
void pl_window_set_history (PlWindow *self, PlHistory *history);
/* Adds the page view and win.end-page; NULL for none. */
void pl_window_set_park_pager (PlWindow *self, PlParkPager *pager);
/* The History page; built the first time it is shown or asked for. */
PlHistoryPage *pl_window_get_history_page (PlWindow *self);
/* Puts a widget (the park sidebar) on the right; NULL removes it. */
void pl_window_set_sidebar (PlWindow *self, GtkWidget *sidebar);
void pl_window_show_toast (PlWindow *self, const char *text);
/* Shows message in the problem banner until dismissed. */
void pl_window_show_problem (PlWindow *self, const char *message);
/* Fills the dial entry, e.g. with a number that could not be dialled yet. */
void pl_window_set_dial_text (PlWindow *self, const char *text);
/* Walks the widget tree and appends each action's accelerator to the
 * tooltip ("Answer (Ctrl+Return)"), so tooltips follow the one table. */
void pl_window_refresh_tooltips (PlWindow *self);

G_END_DECLS
