/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-provision"

#include "config.h"

#include "pl-account-store.h"
#include "pl-lot-secrets.h"
#include "pl-keyfile.h"
#include "pl-park-profile.h"
#include "pl-provision.h"

typedef struct
{
  guint pending;
  GError *error;
} SaveResult;

/* The first error is the one reported. */
static void
save_done (SaveResult *save, GError *error)
{
  if (error != NULL && save->error == NULL)
    save->error = error;
  else
    g_clear_error (&error);
  save->pending--;
}

static void
account_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  pl_account_store_save_finish (PL_ACCOUNT_STORE (source), result, &error);
  save_done (user_data, error);
}

static void
secret_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  pl_lot_secrets_save_finish (result, &error);
  save_done (user_data, error);
}

/* Runs the context until every save has answered. */
static gboolean
wait_for (GMainContext *context, SaveResult *save, GError **error)
{
  while (save->pending > 0)
    g_main_context_iteration (context, TRUE);
  if (save->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&save->error));
  return FALSE;
}

/* The lots stored before this provisioning. */
static GPtrArray *
previous_lots (GSettings *settings)
{
  g_autofree char *text = g_settings_get_string (settings, "park-lots");
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();

  if (*text == '\0' || !g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, NULL))
    return NULL;
  return pl_park_lot_configs_load (keyfile, NULL);
}

static PlParkLotConfig *
find_lot (GPtrArray *lots, const char *name)
{
  for (guint i = 0; lots != NULL && i < lots->len; i++)
    if (g_strcmp0 (((PlParkLotConfig *)g_ptr_array_index (lots, i))->name, name) == 0)
      return g_ptr_array_index (lots, i);
  return NULL;
}

gboolean
pl_provision_from_file (GSettings *settings, const char *path, GError **error)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GKeyFile) lots_keyfile = g_key_file_new ();
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GPtrArray) previous = NULL;
  g_autoptr (PlAccountStore) store = NULL;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autofree char *lots_text = NULL;
  g_autofree char *password = NULL;
  SaveResult save = { 0 };
  gboolean ok;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  /* with its text, so that every error names its line */
  if (!(keyfile = pl_keyfile_load (path, &text, error))
      || !(account = pl_account_from_keyfile_text (keyfile, text, path, error))
      || !(lots = pl_park_lot_configs_load_text (keyfile, text, path, error))
      || !pl_park_lot_configs_validate (lots, error))
    return FALSE;

  g_main_context_push_thread_default (context);

  /* Manager secrets first: a running Parkline reloads the lots as soon as
   * they change and must find their secrets already in the keyring. */
  previous = previous_lots (settings);
  for (guint i = 0; i < lots->len; i++)
    {
      PlParkLotConfig *lot = g_ptr_array_index (lots, i);

      save.pending++;
      pl_lot_secrets_save_async (lot, find_lot (previous, lot->name), NULL, secret_saved_cb, &save);
    }
  /* Lots the file drops take their secrets along. */
  for (guint i = 0; previous && i < previous->len; i++)
    {
      PlParkLotConfig *gone = g_ptr_array_index (previous, i);

      if (find_lot (lots, gone->name) != NULL)
        continue;
      g_clear_pointer (&gone->manager_host, g_free);
      save.pending++;
      pl_lot_secrets_save_async (gone, NULL, NULL, secret_saved_cb, &save);
    }
  ok = wait_for (context, &save, error);
  if (ok)
    {
      /* Whatever file held the secret is not needed any more. */
      for (guint i = 0; i < lots->len; i++)
        g_clear_pointer (&((PlParkLotConfig *)g_ptr_array_index (lots, i))->manager_secret_file,
                         g_free);
      pl_park_lot_configs_save (lots, lots_keyfile);
      lots_text = g_key_file_to_data (lots_keyfile, NULL, NULL);
      g_settings_set_string (settings, "park-lots", lots_text);

      password = g_strdup (pl_account_get_password (account));
      store = pl_account_store_new (settings);
      save.pending++;
      pl_account_store_save_async (store, account, password, NULL, account_saved_cb, &save);
      ok = wait_for (context, &save, error);
    }
  g_main_context_pop_thread_default (context);
  g_settings_sync ();
  return ok;
}
