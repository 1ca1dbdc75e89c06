/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-account-store"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "pl-account-store.h"
#include "pl-keyfile.h"
#include "pl-sip-uri.h"
#include "pl-quark.h"

#define ACCOUNT_SCHEMA_ID APP_ID ".Account"
#define ACCOUNT_PATH_FMT  "/io/github/parkline/Parkline/accounts/%s/"

struct _PlAccountStore
{
  GObject parent_instance;

  GSettings *settings;
  GListStore *accounts;
};

G_DEFINE_FINAL_TYPE (PlAccountStore, pl_account_store, G_TYPE_OBJECT)
PL_DEFINE_QUARK ("pl-account-store-error-quark", pl_account_store_error)

enum
{
  PROP_0,
  PROP_ACCOUNTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Password",
    SECRET_SCHEMA_NONE,
    {
        { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "NULL", 0 },
    },
  };
  return &schema;
}

static GSettings *
account_settings (const char *id)
{
  g_autofree char *path = g_strdup_printf (ACCOUNT_PATH_FMT, id);
  return g_settings_new_with_path (ACCOUNT_SCHEMA_ID, path);
}

static PlAccount *
account_from_settings (const char *id)
{
  g_autoptr (GSettings) settings = account_settings (id);
  g_autofree char *transport_name = g_settings_get_string (settings, "transport");
  PlAccount *account = pl_account_new (id);
  PlTransport transport = PL_TRANSPORT_UDP;
  static const char *const keys[]
      = { "display-name", "user", "domain", "auth-user", "outbound-proxy" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = g_settings_get_string (settings, keys[i]);
      g_object_set (account, keys[i], value, NULL);
    }
  pl_transport_from_string (transport_name, &transport);
  pl_account_set_transport (account, transport);
  return account;
}

static void
account_to_settings (PlAccount *account)
{
  g_autoptr (GSettings) settings = account_settings (pl_account_get_id (account));
  static const char *const keys[]
      = { "display-name", "user", "domain", "auth-user", "outbound-proxy" };

  g_settings_delay (settings);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = NULL;
      g_object_get (account, keys[i], &value, NULL);
      g_settings_set_string (settings, keys[i], value ? value : "");
    }
  g_settings_set_string (settings, "transport",
                         pl_transport_to_string (pl_account_get_transport (account)));
  g_settings_apply (settings);
}

static void
pl_account_store_dispose (GObject *object)
{
  PlAccountStore *self = PL_ACCOUNT_STORE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (pl_account_store_parent_class)->dispose (object);
}

static void
pl_account_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlAccountStore *self = PL_ACCOUNT_STORE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNTS:
        g_value_set_object (value, self->accounts);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_account_store_class_init (PlAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_account_store_dispose;
  object_class->get_property = pl_account_store_get_property;

  properties[PROP_ACCOUNTS] = g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_account_store_init (PlAccountStore *self)
{
  self->accounts = g_list_store_new (PL_TYPE_ACCOUNT);
}

PlAccountStore *
pl_account_store_new (GSettings *settings)
{
  PlAccountStore *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PL_TYPE_ACCOUNT_STORE, NULL);
  self->settings = g_object_ref (settings);
  return self;
}

GListModel *
pl_account_store_get_accounts (PlAccountStore *self)
{
  g_return_val_if_fail (PL_IS_ACCOUNT_STORE (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

/* Returns: (transfer none) (nullable) */
PlAccount *
pl_account_store_get_default (PlAccountStore *self)
{
  g_autoptr (PlAccount) first = NULL;

  g_return_val_if_fail (PL_IS_ACCOUNT_STORE (self), NULL);

  first = g_list_model_get_item (G_LIST_MODEL (self->accounts), 0);
  /* The store keeps its reference; callers borrow this one. */
  return first;
}

static gboolean
find_account (PlAccountStore *self, const char *id, guint *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      if (g_strcmp0 (pl_account_get_id (account), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Loading: settings synchronously, then one keyring lookup per account. */
typedef struct
{
  guint pending;
  GError *first_error;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_error (&data->first_error);
  g_free (data);
}

/* One keyring lookup: which load it belongs to and which account it fills. */
typedef struct
{
  GTask *task;
  PlAccount *account;
} Lookup;

static Lookup *
lookup_new (GTask *task, PlAccount *account)
{
  Lookup *lookup = g_new0 (Lookup, 1);
  lookup->task = g_object_ref (task);
  lookup->account = g_object_ref (account);
  return lookup;
}

static void
password_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;
  g_autoptr (GTask) task = lookup->task;
  g_autoptr (PlAccount) account = lookup->account;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  g_free (lookup);
  if (password)
    pl_account_set_password (account, password);
  secret_password_free (password);
  if (error && data->first_error == NULL)
    data->first_error = g_steal_pointer (&error);

  if (--data->pending > 0)
    return;
  if (data->first_error)
    g_task_return_new_error (task, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_SECRET,
                             _ ("Could not read the account password from the keyring: %s"),
                             data->first_error->message);
  else
    g_task_return_boolean (task, TRUE);
}

void
pl_account_store_load_async (PlAccountStore *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_auto (GStrv) ids = NULL;
  LoadData *data;

  g_return_if_fail (PL_IS_ACCOUNT_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_account_store_load_async);
  data = g_new0 (LoadData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify)load_data_free);

  ids = g_settings_get_strv (self->settings, "accounts");
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr (PlAccount) account = NULL;
      guint position;

      if (find_account (self, ids[i], &position))
        continue;
      account = account_from_settings (ids[i]);
      g_list_store_append (self->accounts, account);

      data->pending++;
      secret_password_lookup (password_schema (), cancellable, password_looked_up,
                              lookup_new (task, account), "account-id", ids[i], NULL);
    }

  if (data->pending == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
pl_account_store_load_finish (PlAccountStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* bad_key: the provisioning key the complaint is about. */
static gboolean
validate_account (PlAccount *account, const char **bad_key, GError **error)
{
  g_autofree char *aor = NULL;
  const char *proxy;

  *bad_key = "user";
  if (*pl_account_get_user (account) == '\0')
    {
      g_set_error_literal (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID,
                           _ ("Enter the SIP user name"));
      return FALSE;
    }
  *bad_key = "domain";
  if (*pl_account_get_domain (account) == '\0')
    {
      g_set_error_literal (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID,
                           _ ("Enter the SIP domain or registrar"));
      return FALSE;
    }
  aor = pl_account_dup_aor (account);
  if (!pl_sip_uri_is_valid (aor) || strchr (pl_account_get_domain (account), ';'))
    {
      g_autofree char *domain_only = g_strdup_printf ("sip:%s", pl_account_get_domain (account));

      *bad_key = pl_sip_uri_is_valid (domain_only) && !strchr (pl_account_get_domain (account), ';')
                     ? "user"
                     : "domain";
      g_set_error (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID,
                   _ ("“%s” is not a valid SIP address"), aor);
      return FALSE;
    }
  proxy = pl_account_get_outbound_proxy (account);
  *bad_key = "outbound-proxy";
  if (*proxy != '\0' && !pl_sip_uri_is_valid (proxy))
    {
      g_set_error (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID,
                   _ ("The outbound proxy “%s” is not a SIP URI (e.g. sip:proxy.example.org)"),
                   proxy);
      return FALSE;
    }
  *bad_key
      = strpbrk (pl_account_get_display_name (account), "\"<>\r\n") ? "display-name" : "auth-user";
  if (strpbrk (pl_account_get_display_name (account), "\"<>\r\n")
      || strpbrk (pl_account_get_auth_user (account), "\"<>;\r\n "))
    {
      g_set_error_literal (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID,
                           _ ("Names must not contain quotes, angle brackets or line breaks"));
      return FALSE;
    }
  *bad_key = NULL;
  return TRUE;
}

gboolean
pl_account_validate (PlAccount *account, GError **error)
{
  const char *bad_key;

  g_return_val_if_fail (PL_IS_ACCOUNT (account), FALSE);
  return validate_account (account, &bad_key, error);
}

static void
remember_account (PlAccountStore *self, PlAccount *account, gboolean persistent)
{
  guint position;

  if (!find_account (self, pl_account_get_id (account), &position))
    g_list_store_append (self->accounts, account);

  if (persistent)
    {
      g_auto (GStrv) ids = g_settings_get_strv (self->settings, "accounts");
      account_to_settings (account);
      if (!g_strv_contains ((const char *const *)ids, pl_account_get_id (account)))
        {
          g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
          g_auto (GStrv) new_ids = NULL;
          g_strv_builder_addv (builder, (const char **)ids);
          g_strv_builder_add (builder, pl_account_get_id (account));
          new_ids = g_strv_builder_end (builder);
          g_settings_set_strv (self->settings, "accounts", (const char *const *)new_ids);
        }
    }
}

static void
password_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_new_error (task, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_SECRET,
                             _ ("The account was saved, but its password could not be stored "
                                "in the keyring: %s"),
                             error->message);
  else
    g_task_return_boolean (task, TRUE);
}

void
pl_account_store_save_async (PlAccountStore *self, PlAccount *account, const char *password,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (PL_IS_ACCOUNT_STORE (self));
  g_return_if_fail (PL_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_account_store_save_async);

  if (!pl_account_validate (account, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  remember_account (self, account, TRUE);
  if (password == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  pl_account_set_password (account, password);
  label = g_strdup_printf (_ ("Parkline SIP password for %s@%s"), pl_account_get_user (account),
                           pl_account_get_domain (account));
  secret_password_store (password_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, password_stored, g_steal_pointer (&task), "account-id",
                         pl_account_get_id (account), NULL);
}

gboolean
pl_account_store_save_finish (PlAccountStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pl_account_store_add_ephemeral (PlAccountStore *self, PlAccount *account)
{
  g_return_if_fail (PL_IS_ACCOUNT_STORE (self));
  g_return_if_fail (PL_IS_ACCOUNT (account));
  remember_account (self, account, FALSE);
}

void
pl_account_store_remove (PlAccountStore *self, PlAccount *account)
{
  g_auto (GStrv) ids = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) kept = NULL;
  g_autoptr (GSettings) settings = NULL;
  guint position;

  g_return_if_fail (PL_IS_ACCOUNT_STORE (self));
  g_return_if_fail (PL_IS_ACCOUNT (account));

  /* Callers usually borrow the store's reference, which the removal drops. */
  g_object_ref (account);
  if (find_account (self, pl_account_get_id (account), &position))
    g_list_store_remove (self->accounts, position);

  ids = g_settings_get_strv (self->settings, "accounts");
  builder = g_strv_builder_new ();
  for (guint i = 0; ids[i]; i++)
    if (g_strcmp0 (ids[i], pl_account_get_id (account)) != 0)
      g_strv_builder_add (builder, ids[i]);
  kept = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "accounts", (const char *const *)kept);

  settings = account_settings (pl_account_get_id (account));
  for (const char *const *key
       = (const char *const[]){ "display-name", "user", "domain", "auth-user", "transport",
                                "outbound-proxy", NULL };
       *key; key++)
    g_settings_reset (settings, *key);
  secret_password_clear (password_schema (), NULL, NULL, NULL, "account-id",
                         pl_account_get_id (account), NULL);
  g_object_unref (account);
}

/* Bigger than any password file; a provisioning file naming something
 * huge is a mistake. */
#define PASSWORD_FILE_MAX (64 * 1024)

static char *
read_password_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  GStatBuf st;

  /* A device or a pipe (/dev/zero, a FIFO nobody writes to) would hang
   * the start-up or fill the memory: only small regular files. */
  if (g_stat (path, &st) == 0)
    {
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("“%s” is not a regular file"),
                       path);
          return NULL;
        }
      if (st.st_size > PASSWORD_FILE_MAX)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _ ("“%s” is too large to be a password file"), path);
          return NULL;
        }
    }
  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_steal_pointer (&contents);
}

/* Sets the error at the line of the [account] key. */
#define FAIL_AT(key)                                                                               \
  G_STMT_START                                                                                     \
  {                                                                                                \
    pl_keyfile_prefix_error (error, text, origin, "account", (key));                               \
    return NULL;                                                                                   \
  }                                                                                                \
  G_STMT_END

PlAccount *
pl_account_from_keyfile (GKeyFile *keyfile, GError **error)
{
  return pl_account_from_keyfile_text (keyfile, NULL, NULL, error);
}

PlAccount *
pl_account_from_keyfile_text (GKeyFile *keyfile, const char *text, const char *origin,
                              GError **error)
{
  static const char *const string_keys[]
      = { "display-name", "user", "domain", "auth-user", "outbound-proxy" };
  g_autoptr (PlAccount) account = NULL;
  g_autofree char *id = NULL;
  g_autofree char *transport_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *password_file = NULL;
  g_autoptr (GError) local_error = NULL;
  PlTransport transport = PL_TRANSPORT_UDP;
  const char *bad_key;

  if (!g_key_file_has_group (keyfile, "account"))
    {
      g_set_error_literal (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_KEYFILE,
                           _ ("The provisioning file has no [account] section"));
      if (origin != NULL)
        g_prefix_error (error, "%s: ", origin);
      return NULL;
    }

  id = pl_keyfile_get_string (keyfile, "account", "id");
  if (id == NULL || *id == '\0')
    {
      g_free (id);
      id = g_strdup ("default");
    }
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      {
        g_set_error (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_KEYFILE,
                     _ ("Account id “%s” may only hold letters, digits and dashes"), id);
        FAIL_AT ("id");
      }

  account = pl_account_new (id);
  for (guint i = 0; i < G_N_ELEMENTS (string_keys); i++)
    {
      g_autofree char *value = pl_keyfile_get_string (keyfile, "account", string_keys[i]);
      if (value)
        g_object_set (account, string_keys[i], g_strstrip (value), NULL);
    }

  transport_name = pl_keyfile_get_string (keyfile, "account", "transport");
  if (transport_name && !pl_transport_from_string (g_strstrip (transport_name), &transport))
    {
      g_set_error (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_KEYFILE,
                   _ ("Unknown transport “%s” (use udp, tcp or tls)"), transport_name);
      FAIL_AT ("transport");
    }
  pl_account_set_transport (account, transport);

  password = pl_keyfile_get_string (keyfile, "account", "password");
  password_file = pl_keyfile_get_string (keyfile, "account", "password-file");
  if (password == NULL && password_file != NULL)
    {
      password = read_password_file (password_file, &local_error);
      if (password == NULL)
        {
          g_set_error (error, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_KEYFILE,
                       _ ("Could not read the password file: %s"), local_error->message);
          FAIL_AT ("password-file");
        }
    }
  pl_account_set_password (account, password);

  if (!validate_account (account, &bad_key, error))
    FAIL_AT (bad_key);
  return g_steal_pointer (&account);
}

#undef FAIL_AT
