/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-lot-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <libsecret/secret.h>

#include "pl-lot-secrets.h"
#include "pl-quark.h"

PL_DEFINE_QUARK ("pl-lot-secrets-error-quark", pl_lot_secrets_error)

static const SecretSchema *
manager_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".ManagerSecret",
    SECRET_SCHEMA_NONE,
    {
        { "lot", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "manager-host", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "manager-user", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "NULL", 0 },
    },
  };
  return &schema;
}

static gboolean
has_manager (const PlParkLotConfig *config)
{
  return config->manager_host != NULL && *config->manager_host != '\0';
}

static GError *
keyring_error (const GError *cause)
{
  return g_error_new (PL_LOT_SECRETS_ERROR, PL_LOT_SECRETS_ERROR_KEYRING,
                      _ ("The keyring did not answer: %s"), cause->message);
}

/* Saving runs in steps, in order: find the old secret if it is to be
 * kept, store, then remove what is stale. Storing first matters twice: an
 * item with the same attributes is replaced in place, and gnome-keyring 42
 * has been seen to die when an item is created right after one was deleted
 * (the new item reuses the object path of the old). */
typedef enum
{
  SAVE_LOOKUP_OLD,
  SAVE_STORE,
  SAVE_CLEAR_OLD,
  SAVE_CLEAR_UNMANAGED,
  SAVE_DONE,
} SaveStep;

typedef struct
{
  PlParkLotConfig *config;
  PlParkLotConfig *old; /* NULL for a new lot */
  char *secret;         /* what to store; NULL: nothing */
  SaveStep step;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_pointer (&data->config, pl_park_lot_config_free);
  g_clear_pointer (&data->old, pl_park_lot_config_free);
  if (data->secret)
    memset (data->secret, 0, strlen (data->secret));
  g_free (data->secret);
  g_free (data);
}

static void save_step (GTask *task);

/* Each keyring step ends here: on to the next step, or the task fails. */
static void
step_done (GTask *task, GError *error)
{
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      g_error_free (error);
      g_object_unref (task);
      return;
    }
  save_step (task);
}

static void
secret_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  secret_password_store_finish (result, &error);
  step_done (user_data, error);
}

static void
secret_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  /* FALSE without an error: there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  step_done (user_data, error);
}

static void
old_secret_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SaveData *data = g_task_get_task_data (user_data);
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  data->secret = g_strdup (secret);
  secret_password_free (secret);
  step_done (user_data, error);
}

static const char *
user_or_empty (const PlParkLotConfig *config)
{
  return config->manager_user ? config->manager_user : "";
}

static gboolean
same_item (const PlParkLotConfig *a, const PlParkLotConfig *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->manager_host, b->manager_host) == 0
         && g_strcmp0 (user_or_empty (a), user_or_empty (b)) == 0;
}

/* Takes over the reference to task. */
static void
save_step (GTask *task)
{
  SaveData *data = g_task_get_task_data (task);
  const PlParkLotConfig *c = data->config;
  const PlParkLotConfig *old = data->old;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *label = NULL;

  switch (data->step++)
    {
      case SAVE_LOOKUP_OLD:
        if (data->secret == NULL && has_manager (c) && old != NULL && has_manager (old))
          {
            secret_password_lookup (manager_schema (), cancellable, old_secret_found_cb, task,
                                    "lot", old->name, "manager-host", old->manager_host,
                                    "manager-user", user_or_empty (old), NULL);
            return;
          }
        save_step (task);
        return;

      case SAVE_STORE:
        if (!has_manager (c) || data->secret == NULL)
          {
            save_step (task);
            return;
          }
        label = g_strdup_printf (_ ("Parkline manager secret for %s@%s (park lot “%s”)"),
                                 user_or_empty (c), c->manager_host, c->name);
        secret_password_store (manager_schema (), SECRET_COLLECTION_DEFAULT, label, data->secret,
                               cancellable, secret_stored_cb, task, "lot", c->name, "manager-host",
                               c->manager_host, "manager-user", user_or_empty (c), NULL);
        return;

      case SAVE_CLEAR_OLD:
        if (old != NULL && has_manager (old) && !same_item (old, c))
          {
            secret_password_clear (manager_schema (), cancellable, secret_cleared_cb, task, "lot",
                                   old->name, "manager-host", old->manager_host, "manager-user",
                                   user_or_empty (old), NULL);
            return;
          }
        save_step (task);
        return;

      case SAVE_CLEAR_UNMANAGED:
        /* No manager: nothing stays under this lot's name. */
        if (!has_manager (c))
          {
            secret_password_clear (manager_schema (), cancellable, secret_cleared_cb, task, "lot",
                                   c->name, NULL);
            return;
          }
        save_step (task);
        return;

      case SAVE_DONE:
      default:
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
}

void
pl_lot_secrets_save_async (const PlParkLotConfig *config, const PlParkLotConfig *old,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;
  SaveData *data;

  g_return_if_fail (config != NULL && config->name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_lot_secrets_save_async);
  data = g_new0 (SaveData, 1);
  data->config = pl_park_lot_config_copy (config);
  data->old = old ? pl_park_lot_config_copy (old) : NULL;
  if (config->manager_secret != NULL && *config->manager_secret != '\0')
    data->secret = g_strdup (config->manager_secret);
  g_task_set_task_data (task, data, (GDestroyNotify)save_data_free);
  save_step (task);
}

gboolean
pl_lot_secrets_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *name = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_message ("Could not remove the manager secret of park lot “%s”: %s", name, error->message);
}

void
pl_lot_secrets_forget (const char *lot_name)
{
  g_return_if_fail (lot_name != NULL);
  secret_password_clear (manager_schema (), NULL, forgotten_cb, g_strdup (lot_name), "lot",
                         lot_name, NULL);
}

static gboolean
lacks_secret (const PlParkLotConfig *config)
{
  return has_manager (config) && config->manager_secret == NULL;
}

gboolean
pl_lot_secrets_needed (GPtrArray *configs)
{
  for (guint i = 0; configs != NULL && i < configs->len; i++)
    if (lacks_secret (g_ptr_array_index (configs, i)))
      return TRUE;
  return FALSE;
}

/* Filling: one lookup per lot that lacks its secret, all at once. */
typedef struct
{
  GPtrArray *configs;
  guint pending;
  GError *error;
} FillData;

static void
fill_data_free (FillData *data)
{
  g_ptr_array_unref (data->configs);
  g_clear_error (&data->error);
  g_free (data);
}

typedef struct
{
  GTask *task;
  PlParkLotConfig *config; /* borrowed from the task's array */
} FillLookup;

static void
secret_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FillLookup *lookup = user_data;
  g_autoptr (GTask) task = lookup->task;
  FillData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (secret != NULL)
    lookup->config->manager_secret = g_strdup (secret);
  else if (error != NULL && data->error == NULL)
    data->error = keyring_error (error);
  else if (error == NULL)
    g_message ("No manager secret stored for park lot “%s”", lookup->config->name);
  secret_password_free (secret);
  g_free (lookup);

  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->configs),
                           (GDestroyNotify)g_ptr_array_unref);
}

void
pl_lot_secrets_fill_async (GPtrArray *configs, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  FillData *data;

  g_return_if_fail (configs != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_lot_secrets_fill_async);
  data = g_new0 (FillData, 1);
  data->configs = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  for (guint i = 0; i < configs->len; i++)
    g_ptr_array_add (data->configs, pl_park_lot_config_copy (g_ptr_array_index (configs, i)));
  g_task_set_task_data (task, data, (GDestroyNotify)fill_data_free);

  for (guint i = 0; i < data->configs->len; i++)
    {
      PlParkLotConfig *c = g_ptr_array_index (data->configs, i);
      FillLookup *lookup;

      if (!lacks_secret (c))
        continue;
      lookup = g_new0 (FillLookup, 1);
      lookup->task = g_object_ref (task);
      lookup->config = c;
      data->pending++;
      secret_password_lookup (manager_schema (), cancellable, secret_found_cb, lookup, "lot",
                              c->name, "manager-host", c->manager_host, "manager-user",
                              user_or_empty (c), NULL);
    }
  if (data->pending == 0)
    g_task_return_pointer (task, g_ptr_array_ref (data->configs),
                           (GDestroyNotify)g_ptr_array_unref);
}

GPtrArray *
pl_lot_secrets_fill_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
