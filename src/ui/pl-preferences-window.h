/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-account-dialog.h"
#include "pl-core.h"
#include "pl-lot-editor.h"

G_BEGIN_DECLS

#define PL_TYPE_PREFERENCES_WINDOW (pl_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PlPreferencesWindow, pl_preferences_window, PL, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Accounts, park lots (the "park-lots" key), audio devices and behaviour.
 * Settings are those of the application id; the core's account store and
 * engine supply accounts and the live registration state. */
PlPreferencesWindow *pl_preferences_window_new (GtkWindow *parent, PlCore *core);

/* What the page buttons do, for the application and tests. Each returns the
 * window it opened (owned by GTK). */
PlAccountDialog *pl_preferences_window_edit_account (PlPreferencesWindow *self, PlAccount *account);
AdwMessageDialog *pl_preferences_window_remove_account (PlPreferencesWindow *self,
                                                        PlAccount *account);
/* index -1 adds a lot. */
PlLotEditor *pl_preferences_window_edit_lot (PlPreferencesWindow *self, int index);
AdwMessageDialog *pl_preferences_window_remove_lot (PlPreferencesWindow *self, guint index);
/* The lots as the window shows them: PlParkLotConfig. */
GPtrArray *pl_preferences_window_get_lots (PlPreferencesWindow *self);

G_END_DECLS
