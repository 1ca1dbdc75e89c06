/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pl-audio-check.h"
#include "pl-audio-devices.h"
#include "pl-autostart.h"
#include "pl-lot-secrets.h"
#include "pl-preferences-window.h"
#include "pl-ui-util.h"

#define METER_INTERVAL_MS 50

struct _PlPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  PlCore *core;
  GSettings *settings;
  PlAccountStore *store;  /* borrowed from the core */
  PlEngine *engine;       /* borrowed from the core */
  PlAccount *watched;     /* the engine's account, whose state is shown */
  GPtrArray *lots;        /* PlParkLotConfig, as stored in "park-lots" */
  GPtrArray *devices;     /* PlAudioDevice, NULL when PortAudio failed */
  GArray *input_indices;  /* PortAudio index per input_row item */
  GArray *output_indices; /* PortAudio index per output/ringer_row item */
  GCancellable *cancellable;
  PlLevelMeter *meter;
  guint meter_id;
  guint lot_rows_id; /* rows rebuilt once the running lots settle */
  gboolean filling_audio;

  GtkListBox *accounts_list;
  AdwActionRow *registration_row;
  GtkImage *registration_icon;
  GtkWidget *test_registration_button;
  GtkListBox *lots_list;
  GtkLabel *lots_error_label;
  GtkLabel *run_lots_label;
  GtkWidget *audio_page;
  GtkWidget *no_devices_group;
  GtkWidget *no_devices_row;
  GtkWidget *devices_group;
  GtkWidget *level_group;
  AdwComboRow *input_row;
  AdwComboRow *output_row;
  AdwComboRow *ringer_row;
  GtkWidget *tone_button;
  GtkLevelBar *level_bar;
  GtkWidget *notify_calls_switch;
  GtkWidget *notify_parks_switch;
  GtkWidget *background_switch;
  GtkWidget *autostart_switch;
};

G_DEFINE_FINAL_TYPE (PlPreferencesWindow, pl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
set_accessible_label (gpointer widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static GtkWidget *
row_button (const char *icon, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  set_accessible_label (button, label);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
toast (PlPreferencesWindow *self, const char *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static gboolean
calls_in_progress (PlPreferencesWindow *self)
{
  PlCallManager *manager = pl_core_get_call_manager (self->core);

  return g_list_model_get_n_items (pl_call_manager_get_calls (manager)) > 0;
}

/* Accounts ----------------------------------------------------------------- */

static void
update_registration (PlPreferencesWindow *self)
{
  PlAccount *account = self->watched;
  g_autofree char *subtitle = NULL;
  const char *icon = "network-offline-symbolic";
  gboolean failed = FALSE;

  if (account == NULL)
    subtitle = g_strdup (_ ("No account"));
  else
    switch (pl_account_get_registration_state (account))
      {
        case PL_REGISTRATION_REGISTERING:
          subtitle = g_strdup (_ ("Signing in…"));
          icon = "content-loading-symbolic";
          break;
        case PL_REGISTRATION_REGISTERED:
          {
            g_autofree char *aor = pl_account_dup_aor (account);
            subtitle = g_strdup_printf (_ ("Online as %s"), aor);
            icon = "network-transmit-receive-symbolic";
          }
          break;
        case PL_REGISTRATION_FAILED:
          failed = TRUE;
          icon = "dialog-error-symbolic";
          if (pl_account_get_registration_error (account) != NULL)
            subtitle = g_strdup_printf (_ ("Sign-in failed: %s"),
                                        pl_account_get_registration_error (account));
          else
            subtitle = g_strdup (_ ("Sign-in failed"));
          break;
        case PL_REGISTRATION_NONE:
        default:
          subtitle = g_strdup (pl_engine_get_state (self->engine) == PL_ENGINE_STATE_RUNNING
                                   ? _ ("Not signed in")
                                   : _ ("Waiting for the phone engine…"));
          break;
      }
  adw_action_row_set_subtitle (self->registration_row, subtitle);
  gtk_image_set_from_icon_name (self->registration_icon, icon);
  pl_ui_set_css_class (self->registration_row, "registration-failed", failed);
  set_accessible_label (self->registration_row, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-registration",
                                 pl_account_store_get_default (self->store) != NULL);
}

static void
watch_engine_account (PlPreferencesWindow *self)
{
  PlAccount *account = pl_engine_get_account (self->engine);

  if (self->watched != account)
    {
      if (self->watched)
        g_signal_handlers_disconnect_by_func (self->watched, update_registration, self);
      g_set_object (&self->watched, account);
      if (account)
        {
          g_signal_connect_object (account, "notify::registration-state",
                                   G_CALLBACK (update_registration), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (account, "notify::registration-error",
                                   G_CALLBACK (update_registration), self, G_CONNECT_SWAPPED);
        }
    }
  update_registration (self);
}

static void
engine_changed_cb (PlPreferencesWindow *self)
{
  watch_engine_account (self);
}

/* The engine ignores being handed the account it already has, so signing in
 * afresh takes the account away (which restarts the engine) and hands it
 * straight back; a starting engine registers whatever account it has once
 * it is up. */
static void
reregister (PlPreferencesWindow *self, PlAccount *account)
{
  g_autoptr (PlAccount) keep = g_object_ref (account);

  if (calls_in_progress (self))
    {
      toast (self, _ ("Sign in again once the current calls are over"));
      return;
    }
  pl_engine_set_account (self->engine, NULL);
  pl_engine_set_account (self->engine, keep);
  watch_engine_account (self);
}

static void
test_registration_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PlPreferencesWindow *self = PL_PREFERENCES_WINDOW (widget);
  PlAccount *account = pl_account_store_get_default (self->store);

  if (account != NULL)
    reregister (self, account);
}

static void
account_saved_cb (PlAccountDialog *dialog, PlAccount *account, PlPreferencesWindow *self)
{
  /* A new first account reaches the engine through the store; an edit of
   * the one in use needs a fresh sign-in to take effect. */
  if (g_object_get_data (G_OBJECT (dialog), "pl-editing")
      && pl_engine_get_account (self->engine) == account)
    reregister (self, account);
  toast (self, _ ("Account saved"));
}

PlAccountDialog *
pl_preferences_window_edit_account (PlPreferencesWindow *self, PlAccount *account)
{
  PlAccountDialog *dialog;

  g_return_val_if_fail (PL_IS_PREFERENCES_WINDOW (self), NULL);

  dialog = pl_account_dialog_new (GTK_WINDOW (self), self->store, account);
  g_object_set_data (G_OBJECT (dialog), "pl-editing", GINT_TO_POINTER (account != NULL));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (account_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
add_account_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pl_preferences_window_edit_account (PL_PREFERENCES_WINDOW (widget), NULL);
}

static void
remove_account_response_cb (AdwMessageDialog *dialog, const char *response,
                            PlPreferencesWindow *self)
{
  PlAccount *account = g_object_get_data (G_OBJECT (dialog), "account");

  if (g_strcmp0 (response, "remove") == 0)
    pl_account_store_remove (self->store, account);
}

static char *
account_title (PlAccount *account)
{
  const char *name = pl_account_get_display_name (account);

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  return pl_account_dup_aor (account);
}

AdwMessageDialog *
pl_preferences_window_remove_account (PlPreferencesWindow *self, PlAccount *account)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (PL_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (PL_IS_ACCOUNT (account), NULL);

  title = account_title (account);
  body = g_strdup_printf (_ ("“%s” and its stored password will be deleted."), title);
  dialog = pl_ui_confirm_destructive (GTK_WINDOW (self), _ ("Remove Account?"), body, "remove",
                                      _ ("_Remove"));
  g_object_set_data_full (G_OBJECT (dialog), "account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_account_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* The row's position names the account: rows hold no reference of their own,
 * and a removed account takes its row along. */
static void
account_button_clicked_cb (GtkButton *button, PlPreferencesWindow *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  g_autoptr (PlAccount) account = NULL;

  if (row == NULL)
    return;
  account = g_list_model_get_item (pl_account_store_get_accounts (self->store),
                                   (guint)gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
  if (account == NULL)
    return;
  if (g_object_get_data (G_OBJECT (button), "remove"))
    pl_preferences_window_remove_account (self, account);
  else
    pl_preferences_window_edit_account (self, account);
}

static void
update_account_row (AdwActionRow *row, GParamSpec *pspec, PlAccount *account)
{
  g_autofree char *title = account_title (account);
  g_autofree char *aor = pl_account_dup_aor (account);
  g_autofree char *transport
      = g_ascii_strup (pl_transport_to_string (pl_account_get_transport (account)), -1);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", aor, transport);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);
  set_accessible_label (row, title);
}

static GtkWidget *
account_button (PlPreferencesWindow *self, PlAccount *account, gboolean remove)
{
  g_autofree char *title = account_title (account);
  g_autofree char *label
      = g_strdup_printf (remove ? _ ("Remove account %s") : _ ("Edit account %s"), title);
  GtkWidget *button = row_button (remove ? "user-trash-symbolic" : "document-edit-symbolic", label);

  g_object_set_data (G_OBJECT (button), "remove", GINT_TO_POINTER (remove));
  g_signal_connect_object (button, "clicked", G_CALLBACK (account_button_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
create_account_row (gpointer item, gpointer user_data)
{
  PlPreferencesWindow *self = user_data;
  PlAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *edit = account_button (self, account, FALSE);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("avatar-default-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), account_button (self, account, TRUE));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
  update_account_row (ADW_ACTION_ROW (row), NULL, account);
  g_signal_connect_object (account, "notify", G_CALLBACK (update_account_row), row,
                           G_CONNECT_SWAPPED);
  return row;
}

/* Rebuilt rather than bound with gtk_list_box_bind_model(), whose rows kept
 * the accounts alive after the window was gone (GTK 4.8). */
static void
rebuild_account_rows (PlPreferencesWindow *self)
{
  GListModel *accounts = pl_account_store_get_accounts (self->store);
  GtkListBoxRow *row;

  /* Rows only: the placeholder is a child too. */
  while ((row = gtk_list_box_get_row_at_index (self->accounts_list, 0)) != NULL)
    gtk_list_box_remove (self->accounts_list, GTK_WIDGET (row));
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PlAccount) account = g_list_model_get_item (accounts, i);
      gtk_list_box_append (self->accounts_list, create_account_row (account, self));
    }
}

static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "list-placeholder");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  return label;
}

/* Park lots ---------------------------------------------------------------- */

static void rebuild_lot_rows (PlPreferencesWindow *self);

/* Lots handed to this run (--account-file) win over the stored ones, so
 * editing the stored ones changes nothing until the next normal start: say
 * so rather than let an edit look ignored. */
static void
show_run_lots (PlPreferencesWindow *self)
{
  GPtrArray *run_lots = pl_core_get_run_lots (self->core);
  g_autoptr (GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->run_lots_label), run_lots != NULL);
  if (run_lots == NULL)
    return;
  for (guint i = 0; i < run_lots->len; i++)
    {
      PlParkLotConfig *config = g_ptr_array_index (run_lots, i);

      g_string_append_printf (names, "%s%s", i ? ", " : "", config->name);
    }
  text = g_strdup_printf (_ ("This run watches the lots it was started with (%s). The lots "
                             "below are stored and used when Parkline starts without an "
                             "account file."),
                          run_lots->len ? names->str : _ ("none"));
  gtk_label_set_label (self->run_lots_label, text);
}

static void
load_lots (PlPreferencesWindow *self)
{
  g_autofree char *text = g_settings_get_string (self->settings, "park-lots");
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  GPtrArray *lots = NULL;

  if (*text != '\0'
      && (!g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error)
          || !(lots = pl_park_lot_configs_load (keyfile, &error))))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The stored park lots cannot be read (%s). Saving a lot replaces them."),
          error->message);
      gtk_label_set_label (self->lots_error_label, message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->lots_error_label), error != NULL);
  if (lots == NULL)
    lots = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_clear_pointer (&self->lots, g_ptr_array_unref);
  self->lots = lots;
  rebuild_lot_rows (self);
  show_run_lots (self);
}

static void
store_lots_in (GSettings *settings, GPtrArray *lots)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *text = NULL;

  /* Without the manager secrets: those are in the keyring. */
  pl_park_lot_configs_save (lots, keyfile);
  text = g_key_file_to_data (keyfile, NULL, NULL);
  /* The core reconfigures the park service on the change; so do we. */
  g_settings_set_string (settings, "park-lots", text);
}

static void
store_lots (PlPreferencesWindow *self, GPtrArray *lots)
{
  store_lots_in (self->settings, lots);
}

static GPtrArray *
copy_lots_except (PlPreferencesWindow *self, int skip)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);

  for (guint i = 0; i < self->lots->len; i++)
    if ((int)i != skip)
      g_ptr_array_add (copy, pl_park_lot_config_copy (g_ptr_array_index (self->lots, i)));
  return copy;
}

/* A saved lot on its way: its secret into the keyring, then the lots into
 * GSettings, so that the core, which reloads the lots on that change, finds
 * the secret there. It finishes even when the window closes meanwhile. */
typedef struct
{
  GSettings *settings;
  GPtrArray *lots;
  PlPreferencesWindow *window; /* weak */
} LotSave;

static void
lot_secret_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LotSave *save = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_lot_secrets_save_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (
          _ ("The park lot was saved, but its manager secret could not be stored in the keyring: "
             "%s"),
          error->message);
      g_message ("%s", message);
      if (save->window != NULL)
        toast (save->window, message);
    }
  store_lots_in (save->settings, save->lots);
  g_clear_weak_pointer (&save->window);
  g_object_unref (save->settings);
  g_ptr_array_unref (save->lots);
  g_free (save);
}

static void
lot_saved_cb (PlLotEditor *editor, PlParkLotConfig *config, PlPreferencesWindow *self)
{
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editor), "lot-index"));
  g_autoptr (GPtrArray) lots = copy_lots_except (self, -1);
  const PlParkLotConfig *old = NULL;
  LotSave *save;

  if (index >= 0 && (guint)index < lots->len)
    {
      old = g_ptr_array_index (self->lots, index);
      pl_park_lot_config_free (g_ptr_array_index (lots, index));
      g_ptr_array_index (lots, index) = pl_park_lot_config_copy (config);
    }
  else
    g_ptr_array_add (lots, pl_park_lot_config_copy (config));

  /* Lots without a manager have nothing in the keyring. */
  if (config->manager_host == NULL && (old == NULL || old->manager_host == NULL))
    {
      store_lots (self, lots);
      return;
    }
  save = g_new0 (LotSave, 1);
  save->settings = g_object_ref (self->settings);
  save->lots = g_steal_pointer (&lots);
  g_set_weak_pointer (&save->window, self);
  pl_lot_secrets_save_async (config, old, NULL, lot_secret_saved_cb, save);
}

/* The running lot of that name, when the stored lots are the ones running. */
static PlParkFeed *
running_feed (PlPreferencesWindow *self, const char *lot_name)
{
  PlParkService *park = pl_core_get_park_service (self->core);
  PlParkLot *lot;

  if (pl_core_get_run_lots (self->core) != NULL || lot_name == NULL)
    return NULL;
  lot = pl_park_service_find_lot (park, lot_name);
  return lot ? pl_park_service_get_feed (park, lot) : NULL;
}

PlLotEditor *
pl_preferences_window_edit_lot (PlPreferencesWindow *self, int index)
{
  g_autoptr (GPtrArray) others = NULL;
  const PlParkLotConfig *config = NULL;
  PlLotEditor *editor;

  g_return_val_if_fail (PL_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (index < (int)self->lots->len, NULL);

  if (index >= 0)
    config = g_ptr_array_index (self->lots, index);
  others = copy_lots_except (self, index);
  editor = pl_lot_editor_new (GTK_WINDOW (self), config, others);
  pl_lot_editor_set_feed (editor, running_feed (self, config ? config->name : NULL));
  g_object_set_data (G_OBJECT (editor), "lot-index", GINT_TO_POINTER (index));
  g_signal_connect_object (editor, "saved", G_CALLBACK (lot_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

static void
add_lot_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pl_preferences_window_edit_lot (PL_PREFERENCES_WINDOW (widget), -1);
}

static void
remove_lot_response_cb (AdwMessageDialog *dialog, const char *response, PlPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "lot-name");
  gboolean had_manager = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "lot-manager"));
  g_autoptr (GPtrArray) lots = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  /* By name: the list may have changed while the dialog was open. */
  lots = copy_lots_except (self, -1);
  for (guint i = 0; i < lots->len; i++)
    if (g_strcmp0 (((PlParkLotConfig *)g_ptr_array_index (lots, i))->name, name) == 0)
      {
        g_ptr_array_remove_index (lots, i);
        store_lots (self, lots);
        if (had_manager)
          pl_lot_secrets_forget (name);
        return;
      }
}

AdwMessageDialog *
pl_preferences_window_remove_lot (PlPreferencesWindow *self, guint index)
{
  const PlParkLotConfig *config;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (PL_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (index < self->lots->len, NULL);

  config = g_ptr_array_index (self->lots, index);
  body = g_strdup_printf (
      _ ("Parkline stops watching the slots of “%s”. Calls parked there stay parked."),
      config->name);
  dialog = pl_ui_confirm_destructive (GTK_WINDOW (self), _ ("Remove Park Lot?"), body, "remove",
                                      _ ("_Remove"));
  g_object_set_data_full (G_OBJECT (dialog), "lot-name", g_strdup (config->name), g_free);
  g_object_set_data (G_OBJECT (dialog), "lot-manager",
                     GINT_TO_POINTER (config->manager_host != NULL));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_lot_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
lot_button_clicked_cb (GtkButton *button, PlPreferencesWindow *self)
{
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "lot-index"));

  if (g_object_get_data (G_OBJECT (button), "remove"))
    pl_preferences_window_remove_lot (self, (guint)index);
  else
    pl_preferences_window_edit_lot (self, index);
}

static const char *
profile_label (PlParkProfile profile)
{
  switch (profile)
    {
      case PL_PARK_PROFILE_ASTERISK:
        return _ ("Asterisk");
      case PL_PARK_PROFILE_FREEPBX:
        return _ ("FreePBX");
      case PL_PARK_PROFILE_FREESWITCH:
        return _ ("FreeSWITCH");
      case PL_PARK_PROFILE_CUSTOM:
      default:
        return _ ("Custom");
    }
}

static char *
lot_subtitle (const PlParkLotConfig *c)
{
  g_autofree char *slots = g_strdup_printf (_ ("slots %d–%d"), c->first_slot, c->last_slot);

  if (c->park_extension != NULL && *c->park_extension != '\0')
    return g_strdup_printf (_ ("%s · %s · park on %s"), profile_label (c->profile), slots,
                            c->park_extension);
  return g_strdup_printf ("%s · %s", profile_label (c->profile), slots);
}

static GtkWidget *
lot_button (PlPreferencesWindow *self, const PlParkLotConfig *c, guint index, gboolean remove)
{
  g_autofree char *label
      = g_strdup_printf (remove ? _ ("Remove park lot %s") : _ ("Edit park lot %s"), c->name);
  GtkWidget *button = row_button (remove ? "user-trash-symbolic" : "document-edit-symbolic", label);

  g_object_set_data (G_OBJECT (button), "lot-index", GINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "remove", GINT_TO_POINTER (remove));
  g_signal_connect_object (button, "clicked", G_CALLBACK (lot_button_clicked_cb), self, 0);
  return button;
}

/* The second line of a lot row: how its caller names are doing, live. */
static void
update_lot_row_feed (AdwActionRow *row, GParamSpec *pspec, PlParkFeed *feed)
{
  const char *base = g_object_get_data (G_OBJECT (row), "pl-lot-subtitle");
  g_autofree char *status = pl_park_feed_dup_status_text (feed);
  g_autofree char *line = NULL;
  g_autofree char *subtitle = NULL;

  line = g_strdup_printf (_ ("Caller names: %s"), status);
  subtitle = g_strdup_printf ("%s\n%s", base, line);
  adw_action_row_set_subtitle (row, subtitle);
}

static void
show_lot_feed (PlPreferencesWindow *self, AdwActionRow *row, const PlParkLotConfig *c,
               const char *base)
{
  PlParkFeed *feed;
  g_autofree char *subtitle = NULL;

  g_object_set_data_full (G_OBJECT (row), "pl-lot-subtitle", g_strdup (base), g_free);
  if (c->manager_host == NULL)
    return;
  adw_action_row_set_subtitle_lines (row, 2);
  feed = running_feed (self, c->name);
  if (feed == NULL)
    {
      subtitle = g_strdup_printf (_ ("%s\nCaller names from %s"), base, c->manager_host);
      adw_action_row_set_subtitle (row, subtitle);
      return;
    }
  update_lot_row_feed (row, NULL, feed);
  g_signal_connect_object (feed, "notify", G_CALLBACK (update_lot_row_feed), row,
                           G_CONNECT_SWAPPED);
}

static void
rebuild_lot_rows (PlPreferencesWindow *self)
{
  GtkListBoxRow *old_row;

  /* Rows only: the placeholder is a child too. */
  while ((old_row = gtk_list_box_get_row_at_index (self->lots_list, 0)) != NULL)
    gtk_list_box_remove (self->lots_list, GTK_WIDGET (old_row));
  for (guint i = 0; i < self->lots->len; i++)
    {
      const PlParkLotConfig *c = g_ptr_array_index (self->lots, i);
      g_autofree char *subtitle = lot_subtitle (c);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *edit = lot_button (self, c, i, FALSE);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), lot_button (self, c, i, TRUE));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);
      set_accessible_label (row, c->name);
      show_lot_feed (self, ADW_ACTION_ROW (row), c, subtitle);
      gtk_list_box_append (self->lots_list, row);
    }
}

static gboolean
rebuild_lot_rows_idle (gpointer user_data)
{
  PlPreferencesWindow *self = user_data;

  self->lot_rows_id = 0;
  rebuild_lot_rows (self);
  return G_SOURCE_REMOVE;
}

/* The park service gets its feeds after it lists its lots: look once the
 * reconfiguration is over. */
static void
running_lots_changed_cb (PlPreferencesWindow *self)
{
  if (self->lot_rows_id == 0)
    self->lot_rows_id = g_idle_add (rebuild_lot_rows_idle, self);
}

GPtrArray *
pl_preferences_window_get_lots (PlPreferencesWindow *self)
{
  g_return_val_if_fail (PL_IS_PREFERENCES_WINDOW (self), NULL);
  return self->lots;
}

/* Audio -------------------------------------------------------------------- */

/* Fills a combo row with the devices that can capture (or play), selects the
 * one named in key and remembers the PortAudio index of each item. */
static void
fill_device_row (PlPreferencesWindow *self, AdwComboRow *row, GArray *indices, const char *key,
                 gboolean input)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *wanted = g_settings_get_string (self->settings, key);
  const PlAudioDevice *chosen = pl_audio_devices_find (self->devices, wanted, input);
  guint selected = 0;

  if (chosen == NULL)
    chosen = pl_audio_devices_pick (self->devices, input);
  g_array_set_size (indices, 0);
  for (guint i = 0; i < self->devices->len; i++)
    {
      const PlAudioDevice *device = g_ptr_array_index (self->devices, i);

      if (!(input ? device->is_input : device->is_output))
        continue;
      if (device == chosen)
        selected = indices->len;
      gtk_string_list_append (model, device->name);
      g_array_append_val (indices, device->index);
    }
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (row, selected);
}

static const PlAudioDevice *
selected_device (PlPreferencesWindow *self, AdwComboRow *row, GArray *indices)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected >= indices->len)
    return NULL;
  for (guint i = 0; i < self->devices->len; i++)
    {
      const PlAudioDevice *device = g_ptr_array_index (self->devices, i);
      if (device->index == g_array_index (indices, int, selected))
        return device;
    }
  return NULL;
}

static void stop_meter (PlPreferencesWindow *self);
static void update_meter (PlPreferencesWindow *self);

static void
device_selected_cb (PlPreferencesWindow *self, GParamSpec *pspec, AdwComboRow *row)
{
  GArray *indices = row == self->input_row ? self->input_indices : self->output_indices;
  const char *key = row == self->input_row    ? "audio-input"
                    : row == self->output_row ? "audio-output"
                                              : "audio-ringer";
  const PlAudioDevice *device;

  if (self->filling_audio || (device = selected_device (self, row, indices)) == NULL)
    return;
  g_settings_set_string (self->settings, key, device->name);
  if (row == self->input_row)
    {
      /* Listen to the newly chosen microphone. */
      stop_meter (self);
      update_meter (self);
    }
}

static void
load_devices (PlPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  gboolean usable;

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = pl_audio_devices_list (&error);
  if (self->devices == NULL)
    {
      g_message ("Listing audio devices failed: %s", error->message);
      self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_audio_device_free);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->no_devices_row), error->message);
    }
  usable = self->devices->len > 0;
  gtk_widget_set_visible (self->no_devices_group, !usable);
  gtk_widget_set_visible (self->devices_group, usable);
  gtk_widget_set_visible (self->level_group, usable && pl_audio_devices_pick (self->devices, TRUE));

  self->filling_audio = TRUE;
  fill_device_row (self, self->input_row, self->input_indices, "audio-input", TRUE);
  fill_device_row (self, self->output_row, self->output_indices, "audio-output", FALSE);
  {
    g_autoptr (GArray) ringer_indices = g_array_new (FALSE, FALSE, sizeof (int));
    /* Same devices as the speaker, so the speaker's index list serves both. */
    fill_device_row (self, self->ringer_row, ringer_indices, "audio-ringer", FALSE);
  }
  self->filling_audio = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->tone_button), self->output_indices->len > 0);
}

static void
tone_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_audio_check_play_tone_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Test tone failed: %s", error->message);
      toast (self, error->message);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.test-tone", TRUE);
}

static void
test_tone_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PlPreferencesWindow *self = PL_PREFERENCES_WINDOW (widget);
  const PlAudioDevice *device = selected_device (self, self->output_row, self->output_indices);

  if (device == NULL)
    return;
  gtk_widget_action_set_enabled (widget, "prefs.test-tone", FALSE);
  pl_audio_check_play_tone_async (device->index, self->cancellable, tone_done_cb,
                                  g_object_ref (self));
}

static gboolean
meter_tick (gpointer user_data)
{
  PlPreferencesWindow *self = user_data;
  g_autofree char *error = pl_level_meter_dup_error (self->meter);

  if (error != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (gtk_widget_get_ancestor (
                                       GTK_WIDGET (self->level_bar), ADW_TYPE_ACTION_ROW)),
                                   error);
      self->meter_id = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_level_bar_set_value (self->level_bar, pl_level_meter_get_level (self->meter));
  return G_SOURCE_CONTINUE;
}

static void
stop_meter (PlPreferencesWindow *self)
{
  g_clear_handle_id (&self->meter_id, g_source_remove);
  g_clear_pointer (&self->meter, pl_level_meter_stop);
  gtk_level_bar_set_value (self->level_bar, 0);
}

/* The microphone is open only while the Audio page is on screen. */
static void
update_meter (PlPreferencesWindow *self)
{
  gboolean showing = gtk_widget_get_mapped (GTK_WIDGET (self))
                     && adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (self))
                            == ADW_PREFERENCES_PAGE (self->audio_page);
  const PlAudioDevice *device = selected_device (self, self->input_row, self->input_indices);

  if (!showing || device == NULL)
    {
      stop_meter (self);
      return;
    }
  if (self->meter != NULL)
    return;
  self->meter = pl_level_meter_start (device->index);
  self->meter_id = g_timeout_add (METER_INTERVAL_MS, meter_tick, self);
}

/* Behaviour ---------------------------------------------------------------- */

/* The autostart entry follows the key; a failure turns the switch back off
 * and says why. */
static void
autostart_changed_cb (PlPreferencesWindow *self)
{
  gboolean enabled = g_settings_get_boolean (self->settings, "start-in-background");
  g_autoptr (GError) error = NULL;

  if (pl_autostart_set (enabled, &error))
    return;
  g_message ("Autostart: %s", error->message);
  toast (self, error->message);
  if (enabled)
    g_settings_set_boolean (self->settings, "start-in-background", FALSE);
}

/* GObject ------------------------------------------------------------------ */

static void
pl_preferences_window_unmap (GtkWidget *widget)
{
  stop_meter (PL_PREFERENCES_WINDOW (widget));
  GTK_WIDGET_CLASS (pl_preferences_window_parent_class)->unmap (widget);
}

static void
pl_preferences_window_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_preferences_window_parent_class)->map (widget);
  update_meter (PL_PREFERENCES_WINDOW (widget));
}

static void
pl_preferences_window_dispose (GObject *object)
{
  PlPreferencesWindow *self = PL_PREFERENCES_WINDOW (object);

  stop_meter (self);
  g_clear_handle_id (&self->lot_rows_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->watched);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  self->store = NULL;
  self->engine = NULL;
  g_clear_object (&self->core);
  G_OBJECT_CLASS (pl_preferences_window_parent_class)->dispose (object);
}

static void
pl_preferences_window_finalize (GObject *object)
{
  PlPreferencesWindow *self = PL_PREFERENCES_WINDOW (object);

  g_clear_pointer (&self->lots, g_ptr_array_unref);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->input_indices, g_array_unref);
  g_clear_pointer (&self->output_indices, g_array_unref);
  G_OBJECT_CLASS (pl_preferences_window_parent_class)->finalize (object);
}

static void
pl_preferences_window_class_init (PlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pl_preferences_window_dispose;
  object_class->finalize = pl_preferences_window_finalize;
  widget_class->map = pl_preferences_window_map;
  widget_class->unmap = pl_preferences_window_unmap;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/parkline/Parkline/pl-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, PlPreferencesWindow, name)
  BIND (accounts_list);
  BIND (registration_row);
  BIND (registration_icon);
  BIND (test_registration_button);
  BIND (lots_list);
  BIND (lots_error_label);
  BIND (run_lots_label);
  BIND (audio_page);
  BIND (no_devices_group);
  BIND (no_devices_row);
  BIND (devices_group);
  BIND (level_group);
  BIND (input_row);
  BIND (output_row);
  BIND (ringer_row);
  BIND (tone_button);
  BIND (level_bar);
  BIND (notify_calls_switch);
  BIND (notify_parks_switch);
  BIND (background_switch);
  BIND (autostart_switch);
#undef BIND

  gtk_widget_class_install_action (widget_class, "prefs.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.test-registration", NULL,
                                   test_registration_action);
  gtk_widget_class_install_action (widget_class, "prefs.add-lot", NULL, add_lot_action);
  gtk_widget_class_install_action (widget_class, "prefs.test-tone", NULL, test_tone_action);
}

static void
pl_preferences_window_init (PlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->input_indices = g_array_new (FALSE, FALSE, sizeof (int));
  self->output_indices = g_array_new (FALSE, FALSE, sizeof (int));

  pl_ui_label_rows (GTK_WIDGET (self));
  set_accessible_label (self->tone_button, _ ("Play a test tone on the speaker"));
  gtk_list_box_set_placeholder (self->accounts_list,
                                placeholder_row (_ ("No account yet: add one to make calls")));
  gtk_list_box_set_placeholder (self->lots_list,
                                placeholder_row (_ ("No park lots: add the lots of your PBX")));
}

PlPreferencesWindow *
pl_preferences_window_new (GtkWindow *parent, PlCore *core)
{
  PlPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (PL_IS_CORE (core), NULL);

  self = g_object_new (PL_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->core = g_object_ref (core);
  self->store = pl_core_get_account_store (core);
  self->engine = pl_core_get_engine (core);
  self->settings = g_settings_new (APP_ID);

  g_signal_connect_object (pl_account_store_get_accounts (self->store), "items-changed",
                           G_CALLBACK (rebuild_account_rows), self, G_CONNECT_SWAPPED);
  rebuild_account_rows (self);
  g_signal_connect_object (self->engine, "notify::account", G_CALLBACK (engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_account_store_get_accounts (self->store), "items-changed",
                           G_CALLBACK (update_registration), self, G_CONNECT_SWAPPED);
  watch_engine_account (self);

  g_signal_connect_object (self->settings, "changed::park-lots", G_CALLBACK (load_lots), self,
                           G_CONNECT_SWAPPED);
  /* Feeds are born with the running lots, after the keyring has answered. */
  g_signal_connect_object (pl_park_service_get_lots (pl_core_get_park_service (core)),
                           "items-changed", G_CALLBACK (running_lots_changed_cb), self,
                           G_CONNECT_SWAPPED);
  load_lots (self);

  load_devices (self);
  g_signal_connect_object (self->input_row, "notify::selected", G_CALLBACK (device_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->output_row, "notify::selected", G_CALLBACK (device_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ringer_row, "notify::selected", G_CALLBACK (device_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::visible-page", G_CALLBACK (update_meter), self,
                           G_CONNECT_SWAPPED);

  g_settings_bind (self->settings, "notify-calls", self->notify_calls_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-parks", self->notify_parks_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-in-background", self->autostart_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::start-in-background",
                           G_CALLBACK (autostart_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}
