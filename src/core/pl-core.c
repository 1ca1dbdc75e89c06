/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-core"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pl-core.h"
#include "pl-thread.h"
#include "pl-dbus-service.h"
#include "pl-lot-secrets.h"
#include "pl-keyfile.h"
#include "pl-util.h"

struct _PlCore
{
  GObject parent_instance;

  GSettings *settings;
  PlEngine *engine;
  PlAccountStore *accounts;
  PlCallManager *calls;
  PlDBusService *dbus;
  PlHistory *history;
  PlHistoryRecorder *recorder;
  PlParkService *park;
  PlParkPager *pager;
  GPtrArray *lot_configs; /* NULL: the stored ones */
  GCancellable *cancellable;
  GCancellable *secrets_lookup; /* the stored lots' manager secrets, in flight */
  gboolean ephemeral;
  gboolean accounts_loading; /* stored accounts listed, passwords not in yet */
  gboolean server_was_lost;
  guint window_hold_id;       /* pl_core_hold_for_window's time limit */
  gboolean engine_start_held; /* started while held: spawn at the release */
};

G_DEFINE_FINAL_TYPE (PlCore, pl_core, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROBLEM,
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pl_core_dispose (GObject *object)
{
  PlCore *self = PL_CORE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->secrets_lookup);
  g_clear_handle_id (&self->window_hold_id, g_source_remove);
  g_clear_object (&self->secrets_lookup);
  g_clear_object (&self->dbus);
  g_clear_object (&self->pager);
  if (self->park)
    pl_park_service_shutdown (self->park);
  g_clear_object (&self->park);
  g_clear_pointer (&self->lot_configs, g_ptr_array_unref);
  g_clear_object (&self->recorder);
  g_clear_object (&self->calls);
  g_clear_object (&self->history);
  if (self->engine)
    pl_engine_stop (self->engine);
  g_clear_object (&self->engine);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pl_core_parent_class)->dispose (object);
}

static void
pl_core_class_init (PlCoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pl_core_dispose;

  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pl_core_init (PlCore *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
forward_message (PlCore *self, const char *text)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, text);
}

/* The keepalive watches the PBX for the park lots; the registration is
 * baresip's, and only as true as the server behind it. */
static void
on_server_state (PlCore *self)
{
  switch (pl_park_service_get_server_state (self->park))
    {
      case PL_SERVER_STATE_NOT_ANSWERING:
        self->server_was_lost = TRUE;
        pl_engine_server_lost (self->engine, _ ("The phone system is not answering"));
        break;
      case PL_SERVER_STATE_ANSWERING:
        /* it may have restarted and forgotten every registration */
        if (self->server_was_lost)
          pl_engine_reregister (self->engine);
        self->server_was_lost = FALSE;
        break;
      case PL_SERVER_STATE_UNKNOWN:
      default:
        /* the lots were set up anew: a loss before still needs mending */
        break;
    }
}

PlCore *
pl_core_new (PlEngine *engine, GSettings *settings, const char *history_path)
{
  PlCore *self;

  g_return_val_if_fail (PL_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PL_TYPE_CORE, NULL);
  self->settings = g_object_ref (settings);
  self->engine = g_object_ref (engine);
  self->accounts = pl_account_store_new (settings);
  self->calls = pl_call_manager_new (engine);
  self->dbus = pl_dbus_service_new (self->calls);
  self->history = pl_history_new (history_path);
  /* Rows are written by the core as calls happen, whatever the UI shows. */
  self->recorder = pl_history_recorder_new (self->history, pl_call_manager_get_calls (self->calls));
  self->park = pl_park_service_new (self->calls, self->recorder);
  pl_dbus_service_set_park_service (self->dbus, self->park);
  g_signal_connect_object (self->park, "message", G_CALLBACK (forward_message), self,
                           G_CONNECT_SWAPPED);
  self->pager = pl_park_pager_new (self->park, self->calls, self->recorder);
  pl_dbus_service_set_park_pager (self->dbus, self->pager);
  g_signal_connect_object (self->pager, "message", G_CALLBACK (forward_message), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->park, "notify::server-state", G_CALLBACK (on_server_state), self,
                           G_CONNECT_SWAPPED);
  return self;
}

PlParkPager *
pl_core_get_park_pager (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->pager;
}

PlEngine *
pl_core_get_engine (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->engine;
}

PlAccountStore *
pl_core_get_account_store (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->accounts;
}

PlCallManager *
pl_core_get_call_manager (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->calls;
}

PlHistory *
pl_core_get_history (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->history;
}

PlParkService *
pl_core_get_park_service (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->park;
}

/* Loopback PBXs (the demo, tests) must be watched from loopback: the system's
 * default address would put a LAN address in our Contact. */
static const char *
local_address_for (PlAccount *account)
{
  g_autofree char *host = g_strdup (pl_account_get_domain (account));
  char *colon;

  if (host[0] == '[')
    return g_str_has_prefix (host, "[::1]") ? "::1" : NULL;
  if ((colon = strchr (host, ':')) != NULL)
    *colon = '\0';
  if (g_str_has_prefix (host, "127.") || g_strcmp0 (host, "localhost") == 0)
    return "127.0.0.1";
  return NULL;
}

static GPtrArray *
stored_lot_configs (PlCore *self)
{
  g_autofree char *text = g_settings_get_string (self->settings, "park-lots");
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  GPtrArray *configs;

  if (*text == '\0')
    return g_ptr_array_new ();
  if (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error)
      || !(configs = pl_park_lot_configs_load (keyfile, &error)))
    {
      pl_emit_message (self, signals[SIGNAL_PROBLEM], _ ("The park lot settings are broken: %s"),
                       error->message);
      return g_ptr_array_new ();
    }
  return configs;
}

static void
apply_lots (PlCore *self, GPtrArray *configs)
{
  PlAccount *account = pl_engine_get_account (self->engine);

  pl_park_service_configure (self->park, account, configs,
                             account ? local_address_for (account) : NULL);
}

typedef struct
{
  PlCore *core;
  GPtrArray *configs; /* as stored, for when the keyring fails */
} SecretsLookup;

static void
secrets_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SecretsLookup *lookup = user_data;
  g_autoptr (PlCore) self = lookup->core;
  g_autoptr (GPtrArray) stored = lookup->configs;
  g_autoptr (GPtrArray) filled = NULL;
  g_autoptr (GError) error = NULL;

  g_free (lookup);
  filled = pl_lot_secrets_fill_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->secrets_lookup);
  if (filled == NULL)
    pl_emit_message (self, signals[SIGNAL_PROBLEM], _ ("Park lots cannot name their callers: %s"),
                     error->message);
  apply_lots (self, filled ? filled : stored);
}

/* Stored lots come without their manager secrets: the keyring is asked
 * first (asynchronously), so that no feed tries to log in without one. */
static void
configure_park (PlCore *self)
{
  g_autoptr (GPtrArray) stored = NULL;
  SecretsLookup *lookup;

  g_cancellable_cancel (self->secrets_lookup);
  g_clear_object (&self->secrets_lookup);
  if (self->lot_configs != NULL)
    {
      apply_lots (self, self->lot_configs);
      return;
    }
  stored = stored_lot_configs (self);
  if (!pl_lot_secrets_needed (stored))
    {
      apply_lots (self, stored);
      return;
    }
  self->secrets_lookup = g_cancellable_new ();
  lookup = g_new0 (SecretsLookup, 1);
  lookup->core = g_object_ref (self);
  lookup->configs = g_ptr_array_ref (stored);
  pl_lot_secrets_fill_async (stored, self->secrets_lookup, secrets_filled, lookup);
}

void
pl_core_use_lots (PlCore *self, GPtrArray *lot_configs)
{
  g_return_if_fail (PL_IS_CORE (self));
  g_ptr_array_ref (lot_configs);
  g_clear_pointer (&self->lot_configs, g_ptr_array_unref);
  self->lot_configs = lot_configs;
}

GPtrArray *
pl_core_get_run_lots (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->lot_configs;
}

gboolean
pl_core_use_keyfile (PlCore *self, const char *path, GError **error)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autofree char *text = NULL;
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GPtrArray) lots = NULL;

  g_return_val_if_fail (PL_IS_CORE (self), FALSE);

  /* with its text, so that every error names its line */
  if (!(keyfile = pl_keyfile_load (path, &text, error))
      || !(account = pl_account_from_keyfile_text (keyfile, text, path, error))
      || !(lots = pl_park_lot_configs_load_text (keyfile, text, path, error)))
    return FALSE;
  /* A file with just the account does not replace the lots in use. */
  if (lots->len > 0)
    pl_core_use_lots (self, lots);
  pl_core_use_account (self, account);
  return TRUE;
}

PlHistoryRecorder *
pl_core_get_history_recorder (PlCore *self)
{
  g_return_val_if_fail (PL_IS_CORE (self), NULL);
  return self->recorder;
}

void
pl_core_use_account (PlCore *self, PlAccount *account)
{
  g_return_if_fail (PL_IS_CORE (self));
  g_return_if_fail (PL_IS_ACCOUNT (account));

  self->ephemeral = TRUE;
  pl_account_store_add_ephemeral (self->accounts, account);
  pl_engine_set_account (self->engine, account);
}

/* The engine follows the first account: a new or edited account
 * re-registers without a restart of the app. */
static void
on_accounts_changed (GListModel *accounts, guint position, guint removed, guint added, PlCore *self)
{
  pl_engine_set_account (self->engine, pl_account_store_get_default (self->accounts));
}

/* Forking baresip and its start (loading some fifty libraries, the
 * control connection, registering) compete with the window's first frame
 * for the main thread and the CPUs; the UI holds the spawn until that
 * frame is drawn. */
static void
start_engine (PlCore *self)
{
  if (self->window_hold_id != 0)
    self->engine_start_held = TRUE;
  else
    pl_engine_start (self->engine);
}

static void
window_hold_expired (gpointer user_data)
{
  PlCore *self = user_data;

  self->window_hold_id = 0; /* the source is ending: not to be removed */
  pl_core_window_shown (self);
}

void
pl_core_hold_for_window (PlCore *self, guint max_ms)
{
  g_return_if_fail (PL_IS_CORE (self));
  g_clear_handle_id (&self->window_hold_id, g_source_remove);
  self->window_hold_id = g_timeout_add_once (max_ms, window_hold_expired, self);
  pl_thread_defer_deliveries (TRUE);
}

void
pl_core_window_shown (PlCore *self)
{
  g_return_if_fail (PL_IS_CORE (self));
  g_clear_handle_id (&self->window_hold_id, g_source_remove);
  pl_thread_defer_deliveries (FALSE);
  if (self->engine_start_held && !g_cancellable_is_cancelled (self->cancellable))
    pl_engine_start (self->engine);
  self->engine_start_held = FALSE;
}

static void
accounts_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlCore) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_account_store_load_finish (PL_ACCOUNT_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The account still registers if the server lets it; say why it may not. */
      pl_emit_message (self, signals[SIGNAL_PROBLEM], "%s", error->message);
    }
  self->accounts_loading = FALSE;
  pl_engine_set_account (self->engine, pl_account_store_get_default (self->accounts));
  /* The engine already had the account (without its password): the lots
   * subscribe now, with the password in. */
  configure_park (self);
  start_engine (self);
}

static void
old_calls_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gint64 n = pl_history_delete_older_than_finish (PL_HISTORY (source), result, &error);

  if (n < 0)
    g_message ("History retention not applied: %s", error->message);
  else if (n > 0)
    g_debug ("History retention deleted %" G_GINT64_FORMAT " calls", n);
}

/* "history-retention-days" (0 = forever) applies when history opens and
 * whenever the user changes it. */
static void
apply_retention (PlCore *self)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  guint days;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "history-retention-days")
      || pl_history_get_disabled (self->history))
    return;
  days = g_settings_get_uint (self->settings, "history-retention-days");
  if (days > 0)
    pl_history_delete_older_than_async (self->history, days, self->cancellable, old_calls_deleted,
                                        NULL);
}

/* History that breaks while Parkline runs (a damaged page, a full disk)
 * is told like history that failed to open; the window takes the banner
 * away once history works again. */
static void
history_problem_changed (PlCore *self)
{
  const char *problem = pl_history_get_problem (self->history);

  if (problem == NULL)
    return;
  if (pl_history_get_disabled (self->history))
    pl_emit_message (self, signals[SIGNAL_PROBLEM], _ ("Call history is off: %s Calls still work."),
                     problem);
  else
    pl_emit_message (self, signals[SIGNAL_PROBLEM], "%s", problem);
}

static void
history_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlCore) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_history_open_finish (PL_HISTORY (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pl_emit_message (self, signals[SIGNAL_PROBLEM],
                         _ ("Call history is off: %s Calls still work."), error->message);
      return;
    }
  g_signal_connect_object (self->history, "notify::problem", G_CALLBACK (history_problem_changed),
                           self, G_CONNECT_SWAPPED);
  apply_retention (self);
}

static void
on_engine_account (PlEngine *engine, GParamSpec *pspec, PlCore *self)
{
  /* A stored account reaches the engine before its password does. */
  if (self->accounts_loading)
    return;
  configure_park (self);
}

static void
on_park_lots_changed (GSettings *settings, const char *key, PlCore *self)
{
  if (self->lot_configs == NULL)
    configure_park (self);
}

void
pl_core_start (PlCore *self)
{
  g_return_if_fail (PL_IS_CORE (self));

  g_signal_connect_object (self->engine, "notify::account", G_CALLBACK (on_engine_account), self,
                           0);
  g_signal_connect_object (self->settings, "changed::park-lots", G_CALLBACK (on_park_lots_changed),
                           self, 0);
  configure_park (self);

  pl_history_open_async (self->history, self->cancellable, history_opened, g_object_ref (self));
  g_signal_connect_object (self->settings, "changed::history-retention-days",
                           G_CALLBACK (apply_retention), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_account_store_get_accounts (self->accounts), "items-changed",
                           G_CALLBACK (on_accounts_changed), self, 0);
  if (self->ephemeral)
    {
      start_engine (self);
      return;
    }
  self->accounts_loading = TRUE;
  pl_account_store_load_async (self->accounts, self->cancellable, accounts_loaded,
                               g_object_ref (self));
}

void
pl_core_stop (PlCore *self)
{
  g_return_if_fail (PL_IS_CORE (self));
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->secrets_lookup);
  g_clear_handle_id (&self->window_hold_id, g_source_remove);
  self->engine_start_held = FALSE;
  pl_thread_defer_deliveries (FALSE);
  pl_park_service_shutdown (self->park);
  pl_engine_stop (self->engine);
}

gboolean
pl_core_export_dbus (PlCore *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (PL_IS_CORE (self), FALSE);
  return pl_dbus_service_export (self->dbus, connection, PL_DBUS_OBJECT_PATH, error);
}
