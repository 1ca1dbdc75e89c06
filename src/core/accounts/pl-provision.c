/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-provision"

#include "config.h"

#include "pl-account-store.h"
#include "pl-keyfile.h"
#include "pl-park-profile.h"
#include "pl-provision.h"

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} SaveResult;

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SaveResult *save = user_data;

  save->ok = pl_account_store_save_finish (PL_ACCOUNT_STORE (source), result, &save->error);
  save->done = TRUE;
}

gboolean
pl_provision_from_file (GSettings *settings, const char *path, GError **error)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GKeyFile) lots_keyfile = g_key_file_new ();
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (PlAccountStore) store = NULL;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autofree char *lots_text = NULL;
  g_autofree char *password = NULL;
  SaveResult save = { 0 };

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  /* with its text, so that every error names its line */
  if (!(keyfile = pl_keyfile_load (path, &text, error))
      || !(account = pl_account_from_keyfile_text (keyfile, text, path, error))
      || !(lots = pl_park_lot_configs_load_text (keyfile, text, path, error))
      || !pl_park_lot_configs_validate (lots, error))
    return FALSE;

  /* Lots first: they cannot fail once validated, the keyring can. */
  pl_park_lot_configs_save (lots, lots_keyfile);
  lots_text = g_key_file_to_data (lots_keyfile, NULL, NULL);
  g_settings_set_string (settings, "park-lots", lots_text);

  password = g_strdup (pl_account_get_password (account));
  store = pl_account_store_new (settings);
  g_main_context_push_thread_default (context);
  pl_account_store_save_async (store, account, password, NULL, saved_cb, &save);
  while (!save.done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_settings_sync ();

  if (!save.ok)
    g_propagate_error (error, save.error);
  return save.ok;
}
