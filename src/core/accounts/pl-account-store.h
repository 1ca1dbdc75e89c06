/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-account.h"

G_BEGIN_DECLS

#define PL_ACCOUNT_STORE_ERROR (pl_account_store_error_quark ())

typedef enum
{
  PL_ACCOUNT_STORE_ERROR_INVALID, /* a field is missing or malformed */
  PL_ACCOUNT_STORE_ERROR_KEYFILE, /* a provisioning file could not be read */
  PL_ACCOUNT_STORE_ERROR_SECRET,  /* the Secret Service refused or is absent */
} PlAccountStoreError;

GQuark pl_account_store_error_quark (void);

#define PL_TYPE_ACCOUNT_STORE (pl_account_store_get_type ())
G_DECLARE_FINAL_TYPE (PlAccountStore, pl_account_store, PL, ACCOUNT_STORE, GObject)

/* Accounts live in GSettings (relocatable schema per account), their
 * passwords in the Secret Service, never in GSettings or files. The model
 * holds PlAccount items; "accounts" is a GListModel property. */
PlAccountStore *pl_account_store_new (GSettings *settings);
GListModel *pl_account_store_get_accounts (PlAccountStore *self);
PlAccount *pl_account_store_get_default (PlAccountStore *self);
/* Loads accounts and their passwords; the callback runs when passwords are in. */
void pl_account_store_load_async (PlAccountStore *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean pl_account_store_load_finish (PlAccountStore *self, GAsyncResult *result, GError **error);
/* Adds the account if new. password NULL keeps the stored one. */
void pl_account_store_save_async (PlAccountStore *self, PlAccount *account, const char *password,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean pl_account_store_save_finish (PlAccountStore *self, GAsyncResult *result, GError **error);
void pl_account_store_remove (PlAccountStore *self, PlAccount *account);
/* Uses the account for this run only: nothing reaches GSettings or the
 * keyring (demo, tests, kiosk setups). */
void pl_account_store_add_ephemeral (PlAccountStore *self, PlAccount *account);
gboolean pl_account_validate (PlAccount *account, GError **error);

/* Provisioning keyfile, for admins rolling out many desks:
 *
 *   [account]
 *   id=desk-12                 # optional, default "default"
 *   display-name=Front Desk
 *   user=100
 *   domain=pbx.example.org     # registrar host[:port]
 *   auth-user=100              # optional
 *   password=…                 # or password-file=/path (first line)
 *   transport=udp              # udp | tcp | tls
 *   outbound-proxy=            # optional SIP URI
 *
 * Other groups (park lots) are read by their own loaders. */
PlAccount *pl_account_from_keyfile (GKeyFile *keyfile, GError **error);
/* Same, with the keyfile's text and file name (either may be NULL) so that
 * errors say where: "desk.conf:3: …". */
PlAccount *pl_account_from_keyfile_text (GKeyFile *keyfile, const char *text, const char *origin,
                                         GError **error);

G_END_DECLS
