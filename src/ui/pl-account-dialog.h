/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-account-store.h"

G_BEGIN_DECLS

#define PL_TYPE_ACCOUNT_DIALOG (pl_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PlAccountDialog, pl_account_dialog, PL, ACCOUNT_DIALOG, AdwWindow)

/* Edits "account" (or creates one when NULL) and saves it into "store",
 * the password into the Secret Service. Emits "saved" (PlAccount) once the
 * store has it, then closes. */
PlAccountDialog *pl_account_dialog_new (GtkWindow *parent, PlAccountStore *store,
                                        PlAccount *account);
/* Runs the same checks and save as the Save button; for tests. */
void pl_account_dialog_save (PlAccountDialog *self);
const char *pl_account_dialog_get_error (PlAccountDialog *self);

G_END_DECLS
