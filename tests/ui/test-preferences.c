/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-preferences"

#include "config.h"

#include "pl-application.h"
#include "pl-audio-devices.h"
#include "pl-autostart.h"
#include "pl-lot-editor.h"
#include "pl-lot-secrets.h"
#include "pl-preferences-window.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"
#include "pl-ui-test.h"
#include "pl-window.h"
#include "pbx-test-lib.h"

/* The Preferences window inside the real application on the scripted engine,
 * one case per process (see meson.build). */

typedef struct
{
  PlAccount *account;
  PlScriptEngine *engine;
  PlCore *core;
  PlApplication *app;
  GSettings *settings;
  PlPreferencesWindow *prefs;
  void (*body) (gpointer fx);
  gboolean reached_end;
} Fixture;

typedef void (*TestBody) (Fixture *fx);

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->settings = g_settings_new (APP_ID);
  fx->account = pl_ui_test_desk_account ("pbx.test");
  fx->engine = pl_script_engine_new (NULL);
  fx->core = pl_core_new (PL_ENGINE (fx->engine), fx->settings, NULL);
  pl_core_use_account (fx->core, fx->account);
  fx->app = pl_application_new_with_core (fx->core);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  pl_ui_test_finalize_all (fx->app, fx->core, fx->engine, fx->account);
  g_clear_object (&fx->settings);
}

static gboolean
body_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);

  pl_ui_test_await_window (app, NULL);

  /* As Ctrl+, or the menu would. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (PL_TEST_WAIT (
      (fx->prefs = pl_ui_test_find_toplevel (PL_TYPE_PREFERENCES_WINDOW)) != NULL, 5000));
  g_object_add_weak_pointer (G_OBJECT (fx->prefs), (gpointer *)&fx->prefs);
  /* A second activation presents the same window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  {
    guint n = 0;
    for (GList *l = gtk_application_get_windows (app); l; l = l->next)
      n += PL_IS_PREFERENCES_WINDOW (l->data);
    g_assert_cmpuint (n, ==, 1);
  }

  fx->body (fx);

  {
    GList *toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l; l = l->next)
      if (GTK_IS_WINDOW (l->data))
        gtk_window_destroy (l->data);
    g_list_free (toplevels);
  }
  g_assert_true (PL_TEST_WAIT (fx->prefs == NULL, 5000));
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
run_test (Fixture *fx, gconstpointer data)
{
  fx->body = (void (*) (gpointer))data;
  pl_ui_test_run_app (G_APPLICATION (fx->app), NULL, body_idle, fx);
  g_assert_null (fx->prefs);
}

static GtkWidget *
prefs_child (Fixture *fx, const char *name)
{
  return pl_ui_test_template_child (fx->prefs, PL_TYPE_PREFERENCES_WINDOW, name);
}

static GtkWidget *
editor_child (PlLotEditor *editor, const char *name)
{
  return pl_ui_test_template_child (editor, PL_TYPE_LOT_EDITOR, name);
}

static void
show_page (Fixture *fx, const char *name)
{
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (fx->prefs), name);
  g_assert_cmpstr (
      adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (fx->prefs)), ==, name);
}

static PlLotEditor *
open_lot_editor (Fixture *fx, int index)
{
  PlLotEditor *editor;

  if (index < 0)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->prefs), "prefs.add-lot", NULL));
  else
    pl_preferences_window_edit_lot (fx->prefs, index);
  g_assert_true (
      PL_TEST_WAIT ((editor = pl_ui_test_find_toplevel (PL_TYPE_LOT_EDITOR)) != NULL, 5000));
  return editor;
}

static void
close_and_wait (gpointer window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (PL_TEST_WAIT (weak == NULL, 5000));
}

static GPtrArray *
stored_lots (Fixture *fx)
{
  return pl_test_stored_lots (fx->settings);
}

/* Every row has a title that is also its accessible name; every button is
 * named. */
static void
check_accessible (GtkWidget *widget, guint *n_rows)
{
  if (ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_get_visible (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
      if (title == NULL || *title == '\0')
        g_error ("%s has no title", G_OBJECT_TYPE_NAME (widget));
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                             GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("row “%s” has no accessible label", title);
      (*n_rows)++;
    }
  if (GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget))
      && gtk_widget_get_visible (widget)
      /* GTK and libadwaita name their own window and page-switcher buttons. */
      && gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) == NULL
      && gtk_widget_get_ancestor (widget, ADW_TYPE_VIEW_SWITCHER) == NULL
      && gtk_widget_get_ancestor (widget, ADW_TYPE_VIEW_SWITCHER_BAR) == NULL
      /* A spin button's −/+ are GTK's; the spin itself is named and keyed. */
      && !GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget))
      && gtk_button_get_label (GTK_BUTTON (widget)) == NULL
      && !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_error ("button %s in %s (tooltip “%s”) has no accessible name", gtk_widget_get_name (widget),
             G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
             gtk_widget_get_tooltip_text (widget));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_accessible (c, n_rows);
}

/* Tests -------------------------------------------------------------------- */

static void
test_pages (Fixture *fx)
{
  GtkListBox *accounts = GTK_LIST_BOX (prefs_child (fx, "accounts_list"));
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (accounts, 0);
  guint n_rows = 0;

  /* The account in use is listed. */
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Desk 100");
  g_assert_null (gtk_list_box_get_row_at_index (accounts, 1));
  check_accessible (GTK_WIDGET (fx->prefs), &n_rows);
  g_assert_cmpuint (n_rows, >=, 2);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-accounts");

  show_page (fx, "lots");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-lots-empty");
  show_page (fx, "behaviour");
  check_accessible (GTK_WIDGET (fx->prefs), &n_rows);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-behaviour");

  /* Switches write their keys. */
  g_assert_true (g_settings_get_boolean (fx->settings, "notify-calls"));
  gtk_switch_set_active (GTK_SWITCH (prefs_child (fx, "notify_calls_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (fx->settings, "notify-calls"));
  g_assert_false (g_settings_get_boolean (fx->settings, "run-in-background"));
  gtk_switch_set_active (GTK_SWITCH (prefs_child (fx, "background_switch")), TRUE);
  g_assert_true (g_settings_get_boolean (fx->settings, "run-in-background"));
  gtk_switch_set_active (GTK_SWITCH (prefs_child (fx, "notify_parks_switch")), FALSE);
  g_assert_false (g_settings_get_boolean (fx->settings, "notify-parks"));

  /* Start at login: an autostart entry that starts hidden, and gone again. */
  {
    g_autofree char *path = pl_autostart_dup_path ();
    g_autoptr (GKeyFile) entry = g_key_file_new ();
    g_autofree char *exec = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    gtk_switch_set_active (GTK_SWITCH (prefs_child (fx, "autostart_switch")), TRUE);
    g_assert_true (g_settings_get_boolean (fx->settings, "start-in-background"));
    g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                                  &error);
    g_assert_cmpstr (exec, ==, "parkline --background");
    gtk_switch_set_active (GTK_SWITCH (prefs_child (fx, "autostart_switch")), FALSE);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
}

static void
count_cb (guint *counter)
{
  (*counter)++;
}

static void
test_registration (Fixture *fx)
{
  AdwActionRow *row = ADW_ACTION_ROW (prefs_child (fx, "registration_row"));
  PlAccount *account = fx->account;
  guint n_changes = 0;

  pl_account_set_registration (account, PL_REGISTRATION_FAILED, "Wrong user or password");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Wrong user or password"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "registration-failed"));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-registration-failed");

  /* Test Registration: the engine loses the account and gets it back, so
   * it signs in afresh; the row follows the new state. */
  g_signal_connect_swapped (fx->engine, "notify::account", G_CALLBACK (count_cb), &n_changes);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fx->prefs), "prefs.test-registration", NULL));
  g_assert_cmpuint (n_changes, ==, 2);
  g_assert_true (pl_engine_get_account (PL_ENGINE (fx->engine)) == account);
  g_signal_handlers_disconnect_by_func (fx->engine, count_cb, &n_changes);
  pl_account_set_registration (account, PL_REGISTRATION_REGISTERED, NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Online as sip:100@pbx.test");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "registration-failed"));
}

static void
test_remove_account (Fixture *fx)
{
  GListModel *accounts = pl_account_store_get_accounts (pl_core_get_account_store (fx->core));
  AdwMessageDialog *dialog;
  GtkListBox *list = GTK_LIST_BOX (prefs_child (fx, "accounts_list"));

  /* Cancel keeps it. */
  dialog = pl_preferences_window_remove_account (fx->prefs, fx->account);
  adw_message_dialog_response (dialog, "cancel");
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  close_and_wait (dialog);

  dialog = pl_preferences_window_remove_account (fx->prefs, fx->account);
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 5000));
  adw_message_dialog_response (dialog, "remove");
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 0);
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));
  /* The engine follows the store. */
  g_assert_null (pl_engine_get_account (PL_ENGINE (fx->engine)));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-no-accounts");
}

/* Lots handed to this run win over the stored ones: the page says so,
 * naming them, instead of letting edits look ignored. */
static void
test_run_lots (Fixture *fx)
{
  GtkWidget *label = prefs_child (fx, "run_lots_label");
  g_autoptr (GPtrArray) run_lots
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);

  show_page (fx, "lots");
  g_assert_false (gtk_widget_get_visible (label));

  g_ptr_array_add (run_lots, pl_park_lot_config_new ("Front Desk", PL_PARK_PROFILE_ASTERISK));
  pl_core_use_lots (fx->core, run_lots);
  /* Any change of the stored lots reloads the page. */
  g_settings_set_string (fx->settings, "park-lots",
                         "[lot Sales]\nprofile=freepbx\nfirst-slot=71\nlast-slot=79\n");
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "Front Desk"));
  g_assert_null (strstr (gtk_label_get_label (GTK_LABEL (label)), "Sales"));
}

static void
test_inverted_range (Fixture *fx)
{
  PlLotEditor *editor;

  show_page (fx, "lots");
  editor = open_lot_editor (fx, -1);
  /* A new lot starts valid with the Asterisk defaults. */
  g_assert_null (pl_lot_editor_get_error (editor));
  {
    guint n_rows = 0;
    check_accessible (GTK_WIDGET (editor), &n_rows);
    /* Name, profile, extension, three slot rows, subscription. */
    g_assert_cmpuint (n_rows, >=, 7);
  }
  g_assert_true (pl_lot_editor_can_save (editor));

  pl_ui_test_type_into (editor_child (editor, "first_spin"), "710");
  pl_ui_test_type_into (editor_child (editor, "last_spin"), "701");
  g_assert_nonnull (pl_lot_editor_get_error (editor));
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "710–701"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "first_spin"), "error"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "last_spin"), "error"));
  g_assert_false (pl_lot_editor_can_save (editor));
  g_assert_false (gtk_widget_get_sensitive (editor_child (editor, "save_button")));
  pl_ui_test_save_screenshot (GTK_WIDGET (editor), "prefs-lot-inverted");

  /* Save does nothing while invalid. */
  pl_lot_editor_save (editor);
  {
    g_autofree char *stored = g_settings_get_string (fx->settings, "park-lots");
    g_assert_cmpstr (stored, ==, "");
  }

  /* Fixing it clears the error at once. */
  pl_ui_test_type_into (editor_child (editor, "last_spin"), "720");
  g_assert_null (pl_lot_editor_get_error (editor));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "first_spin"), "error"));
  g_assert_true (pl_lot_editor_can_save (editor));
  close_and_wait (editor);
}

static void
test_save_and_overlap (Fixture *fx)
{
  g_autoptr (GPtrArray) lots = NULL;
  PlParkLotConfig *saved;
  PlLotEditor *editor;
  GtkListBox *list = GTK_LIST_BOX (prefs_child (fx, "lots_list"));
  GtkListBoxRow *row;

  show_page (fx, "lots");
  editor = open_lot_editor (fx, -1);
  pl_ui_test_type_into (editor_child (editor, "name_row"), "Front Desk");
  adw_combo_row_set_selected (ADW_COMBO_ROW (editor_child (editor, "profile_row")),
                              PL_PARK_PROFILE_FREEPBX);
  /* The profile's defaults came in. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_child (editor, "extension_row"))),
                   ==, "70");
  pl_ui_test_type_into (editor_child (editor, "extension_row"), "800");
  pl_ui_test_type_into (editor_child (editor, "first_spin"), "801");
  pl_ui_test_type_into (editor_child (editor, "last_spin"), "805");
  pl_ui_test_type_into (editor_child (editor, "timeout_spin"), "90");
  adw_combo_row_set_selected (ADW_COMBO_ROW (editor_child (editor, "subscribe_row")),
                              PL_PARK_SUBSCRIBE_LIST);
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "list_uri_row")));
  /* An empty list URI is an error until filled in. */
  g_assert_false (pl_lot_editor_can_save (editor));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "list_uri_row"), "error"));
  pl_ui_test_type_into (editor_child (editor, "list_uri_row"), "sip:parked@{domain}");
  g_assert_null (pl_lot_editor_get_error (editor));
  /* Park & Page: a slot is no page target; a paging group is. */
  pl_ui_test_type_into (editor_child (editor, "page_target_row"), "803");
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "page target"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "page_target_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "extension_row"), "error"));
  g_assert_false (pl_lot_editor_can_save (editor));
  pl_ui_test_type_into (editor_child (editor, "page_target_row"), "600");
  gtk_switch_set_active (GTK_SWITCH (editor_child (editor, "page_spoken_switch")), TRUE);
  g_assert_null (pl_lot_editor_get_error (editor));
  pl_ui_test_save_screenshot (GTK_WIDGET (editor), "prefs-lot-valid");
  pl_lot_editor_save (editor);
  g_assert_true (PL_TEST_WAIT (pl_ui_test_find_toplevel (PL_TYPE_LOT_EDITOR) == NULL, 5000));

  /* Stored in "park-lots" and read back by the core's loader as entered. */
  lots = stored_lots (fx);
  g_assert_cmpuint (lots->len, ==, 1);
  saved = g_ptr_array_index (lots, 0);
  g_assert_cmpstr (saved->name, ==, "Front Desk");
  g_assert_cmpint (saved->profile, ==, PL_PARK_PROFILE_FREEPBX);
  g_assert_cmpstr (saved->park_extension, ==, "800");
  g_assert_cmpint (saved->first_slot, ==, 801);
  g_assert_cmpint (saved->last_slot, ==, 805);
  g_assert_cmpuint (saved->timeout, ==, 90);
  g_assert_cmpint (saved->subscribe, ==, PL_PARK_SUBSCRIBE_LIST);
  g_assert_cmpstr (saved->list_uri, ==, "sip:parked@{domain}");
  g_assert_null (saved->park_template);
  g_assert_cmpstr (saved->page_target, ==, "600");
  g_assert_true (saved->page_spoken);

  /* ...and listed. */
  g_assert_true (PL_TEST_WAIT ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL, 2000));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Front Desk");

  /* A second lot overlapping the first. */
  editor = open_lot_editor (fx, -1);
  pl_ui_test_type_into (editor_child (editor, "name_row"), "Back Office");
  pl_ui_test_type_into (editor_child (editor, "extension_row"), "700");
  pl_ui_test_type_into (editor_child (editor, "first_spin"), "803");
  pl_ui_test_type_into (editor_child (editor, "last_spin"), "809");
  g_assert_nonnull (pl_lot_editor_get_error (editor));
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "share slots"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "first_spin"), "error"));
  g_assert_false (pl_lot_editor_can_save (editor));
  pl_ui_test_save_screenshot (GTK_WIDGET (editor), "prefs-lot-overlap");

  /* Clear of the range, but with the first lot's name. */
  pl_ui_test_type_into (editor_child (editor, "first_spin"), "901");
  pl_ui_test_type_into (editor_child (editor, "last_spin"), "905");
  pl_ui_test_type_into (editor_child (editor, "name_row"), "Front Desk");
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "Two park lots"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "name_row"), "error"));
  g_assert_false (pl_lot_editor_can_save (editor));

  pl_ui_test_type_into (editor_child (editor, "name_row"), "Back Office");
  g_assert_true (pl_lot_editor_can_save (editor));
  pl_lot_editor_save (editor);
  g_assert_true (PL_TEST_WAIT (gtk_list_box_get_row_at_index (list, 1) != NULL, 2000));
  g_clear_pointer (&lots, g_ptr_array_unref);
  lots = stored_lots (fx);
  g_assert_cmpuint (lots->len, ==, 2);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-lots");

  /* Editing the first lot does not count its own range as an overlap. */
  editor = open_lot_editor (fx, 0);
  g_assert_null (pl_lot_editor_get_error (editor));
  close_and_wait (editor);

  /* Removal asks first. */
  {
    AdwMessageDialog *dialog = pl_preferences_window_remove_lot (fx->prefs, 0);
    adw_message_dialog_response (dialog, "remove");
  }
  g_clear_pointer (&lots, g_ptr_array_unref);
  lots = stored_lots (fx);
  g_assert_cmpuint (lots->len, ==, 1);
  g_assert_cmpstr (((PlParkLotConfig *)g_ptr_array_index (lots, 0))->name, ==, "Back Office");
}

static void
test_custom_template (Fixture *fx)
{
  PlLotEditor *editor;

  show_page (fx, "lots");
  editor = open_lot_editor (fx, -1);
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "templates_group")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (editor_child (editor, "profile_row")),
                              PL_PARK_PROFILE_CUSTOM);
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "templates_group")));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "extension_row")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_child (editor, "retrieve_uri_row"))),
                   ==, "sip:{slot}@{domain}");
  g_assert_null (pl_lot_editor_get_error (editor));

  /* Retrieving needs to say which slot. */
  pl_ui_test_type_into (editor_child (editor, "retrieve_uri_row"), "sip:pickup@{domain}");
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "needs a {slot}"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "retrieve_uri_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "park_uri_row"), "error"));
  g_assert_false (pl_lot_editor_can_save (editor));
  pl_ui_test_save_screenshot (GTK_WIDGET (editor), "prefs-lot-custom-template");

  /* Unknown placeholders are pointed at too. */
  pl_ui_test_type_into (editor_child (editor, "retrieve_uri_row"), "sip:*8{slot}@{domain}");
  pl_ui_test_type_into (editor_child (editor, "park_uri_row"), "sip:{lot}@{domain}");
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "unknown placeholder"));
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "park_uri_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "retrieve_uri_row"), "error"));

  pl_ui_test_type_into (editor_child (editor, "park_uri_row"), "sip:park{slot}@{domain}");
  g_assert_true (pl_lot_editor_can_save (editor));
  pl_lot_editor_save (editor);
  {
    g_autoptr (GPtrArray) lots = stored_lots (fx);
    PlParkLotConfig *c = g_ptr_array_index (lots, 0);
    g_assert_cmpint (c->profile, ==, PL_PARK_PROFILE_CUSTOM);
    g_assert_cmpstr (c->park_template, ==, "sip:park{slot}@{domain}");
    g_assert_cmpstr (c->retrieve_template, ==, "sip:*8{slot}@{domain}");
    g_assert_cmpstr (c->subscribe_template, ==, "sip:{slot}@{domain}");
  }
}

static void
test_audio (Fixture *fx)
{
  g_autoptr (GPtrArray) devices = pl_audio_devices_list (NULL);
  guint n_inputs = 0, n_outputs = 0;
  GtkWidget *no_devices = prefs_child (fx, "no_devices_group");
  GtkWidget *devices_group = prefs_child (fx, "devices_group");

  show_page (fx, "audio");
  for (guint i = 0; devices && i < devices->len; i++)
    {
      const PlAudioDevice *device = g_ptr_array_index (devices, i);
      n_inputs += device->is_input;
      n_outputs += device->is_output;
    }
  if (devices == NULL || devices->len == 0)
    {
      g_test_message ("no audio devices here: the no-device row must show");
      g_assert_true (gtk_widget_get_visible (no_devices));
      g_assert_false (gtk_widget_get_visible (devices_group));
      g_assert_cmpstr (
          adw_preferences_row_get_title (ADW_PREFERENCES_ROW (prefs_child (fx, "no_devices_row"))),
          ==, "No audio devices found");
    }
  else
    {
      GListModel *inputs = adw_combo_row_get_model (ADW_COMBO_ROW (prefs_child (fx, "input_row")));
      GListModel *outputs
          = adw_combo_row_get_model (ADW_COMBO_ROW (prefs_child (fx, "output_row")));

      g_test_message ("%u audio devices", devices->len);
      g_assert_false (gtk_widget_get_visible (no_devices));
      g_assert_true (gtk_widget_get_visible (devices_group));
      g_assert_cmpuint (g_list_model_get_n_items (inputs), ==, n_inputs);
      g_assert_cmpuint (g_list_model_get_n_items (outputs), ==, n_outputs);

      /* The test tone plays through PortAudio and gives the button back. */
      if (n_outputs > 0)
        {
          GtkLevelBar *level = GTK_LEVEL_BAR (prefs_child (fx, "level_bar"));
          double loudest = 0;

          g_assert_true (
              gtk_widget_activate_action (GTK_WIDGET (fx->prefs), "prefs.test-tone", NULL));
          g_assert_false (gtk_widget_get_sensitive (prefs_child (fx, "tone_button")));
          /* With PulseAudio's null sink the default microphone is its
           * monitor, so the meter may hear the tone: informative only. */
          g_assert_true (PL_TEST_WAIT ((loudest = MAX (loudest, gtk_level_bar_get_value (level)),
                                        gtk_widget_get_sensitive (prefs_child (fx, "tone_button"))),
                                       10000));
          g_test_message ("loudest level while the tone played: %.3f", loudest);
        }
    }
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-audio");
}

/* "parkline --background": no window, and still running once a window has
 * come and gone. */
static gboolean
background_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);
  GtkWindow *window;

  g_assert_true (
      PL_TEST_WAIT (pl_engine_get_state (PL_ENGINE (fx->engine)) == PL_ENGINE_STATE_RUNNING, 5000));
  pl_test_spin (300);
  g_assert_null (gtk_application_get_windows (app));

  /* The launcher or a notification brings the window. */
  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (gtk_application_get_windows (app));
  window = gtk_application_get_windows (app)->data;
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (window)), 5000));
  gtk_window_destroy (window);
  pl_test_spin (300);
  g_assert_null (gtk_application_get_windows (app));
  fx->reached_end = TRUE;
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
test_background (Fixture *fx, gconstpointer data)
{
  char *argv[] = { (char *)"parkline", (char *)"--background", NULL };

  g_idle_add (background_idle, fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx->app), 2, argv), ==, 0);
  g_assert_true (fx->reached_end);
}

/* Caller names: the manager fields, each wrong in turn, the error on the
 * row at fault, Save refused until the lot is right. */
static gboolean
row_invalid (PlLotEditor *editor, const char *name)
{
  return gtk_widget_has_css_class (editor_child (editor, name), "error");
}

static void
test_manager_fields (Fixture *fx)
{
  static const char *const rows[]
      = { "manager_host_row", "manager_user_row", "manager_secret_row", "manager_parkinglot_row" };
  PlLotEditor *editor;
  g_autoptr (PlParkLotConfig) config = NULL;

  show_page (fx, "lots");
  editor = open_lot_editor (fx, -1);
  g_assert_null (pl_lot_editor_get_error (editor));
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (editor_child (editor, "manager_parkinglot_row"))), ==,
      "default");
  /* No feed for a lot that does not run yet. */
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "manager_status_row")));

  pl_ui_test_type_into (editor_child (editor, "manager_host_row"), "pbx.example.org");
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "host:port"));
  g_assert_true (row_invalid (editor, "manager_host_row"));
  g_assert_false (pl_lot_editor_can_save (editor));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (editor_child (editor, "manager_host_row")),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);

  pl_ui_test_type_into (editor_child (editor, "manager_host_row"), "pbx.example.org:5038");
  g_assert_true (row_invalid (editor, "manager_user_row"));
  g_assert_false (row_invalid (editor, "manager_host_row"));

  pl_ui_test_type_into (editor_child (editor, "manager_user_row"), "parkline");
  /* A new lot has no stored secret to keep. */
  g_assert_true (row_invalid (editor, "manager_secret_row"));
  g_assert_nonnull (strstr (pl_lot_editor_get_error (editor), "secret"));
  g_assert_false (pl_lot_editor_can_save (editor));

  pl_ui_test_type_into (editor_child (editor, "manager_secret_row"), "s3cret with space ");
  pl_ui_test_type_into (editor_child (editor, "manager_parkinglot_row"), "");
  g_assert_true (row_invalid (editor, "manager_parkinglot_row"));
  pl_ui_test_type_into (editor_child (editor, "manager_parkinglot_row"), "sales");
  g_assert_null (pl_lot_editor_get_error (editor));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_assert_false (row_invalid (editor, rows[i]));

  /* TLS moves the usual port along; the switch has a name. */
  gtk_switch_set_active (GTK_SWITCH (editor_child (editor, "manager_tls_switch")), TRUE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_child (editor, "manager_host_row"))),
                   ==, "pbx.example.org:5039");
  {
    guint n_rows = 0;
    check_accessible (GTK_WIDGET (editor), &n_rows);
  }
  /* The group alone: it sits below the window's fold. */
  pl_ui_test_save_screenshot (gtk_widget_get_ancestor (editor_child (editor, "manager_host_row"),
                                                       ADW_TYPE_PREFERENCES_GROUP),
                              "prefs-lot-manager");

  config = pl_lot_editor_dup_config (editor);
  g_assert_cmpstr (config->manager_host, ==, "pbx.example.org:5039");
  g_assert_cmpstr (config->manager_user, ==, "parkline");
  g_assert_cmpstr (config->manager_secret, ==, "s3cret with space ");
  g_assert_true (config->manager_tls);
  g_assert_cmpstr (config->manager_parkinglot, ==, "sales");

  /* No host, no manager: the other fields are not held against the lot. */
  pl_ui_test_type_into (editor_child (editor, "manager_user_row"), "");
  g_assert_true (row_invalid (editor, "manager_user_row"));
  pl_ui_test_type_into (editor_child (editor, "manager_host_row"), "");
  g_assert_null (pl_lot_editor_get_error (editor));
  g_assert_false (row_invalid (editor, "manager_user_row"));
  g_clear_pointer (&config, pl_park_lot_config_free);
  config = pl_lot_editor_dup_config (editor);
  g_assert_null (config->manager_host);
  g_assert_null (config->manager_secret);
  close_and_wait (editor);
}

static void
secret_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_lot_secrets_save_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static void
secrets_filled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  *(GPtrArray **)user_data = pl_lot_secrets_fill_finish (result, &error);
  g_assert_no_error (error);
}

/* What the keyring holds for a stored lot (NULL: nothing). */
static char *
keyring_secret (const PlParkLotConfig *lot)
{
  g_autoptr (GPtrArray) configs = g_ptr_array_new ();
  g_autoptr (GPtrArray) filled = NULL;
  g_autoptr (PlParkLotConfig) stored = pl_park_lot_config_copy (lot);

  g_clear_pointer (&stored->manager_secret, g_free);
  g_ptr_array_add (configs, stored);
  pl_lot_secrets_fill_async (configs, NULL, secrets_filled_cb, &filled);
  g_assert_true (PL_TEST_WAIT (filled != NULL, 10000));
  return g_strdup (((PlParkLotConfig *)g_ptr_array_index (filled, 0))->manager_secret);
}

static const char *
row_subtitle (gpointer row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* A lot stored as Preferences or --provision leave it (secret in the real
 * keyring, lot in GSettings), the test PBX's manager behind it: Preferences
 * shows the running feed's status and follows it when the PBX turns the
 * user away. Runs under with-keyring.sh. */
static void
test_manager_status (Fixture *fx)
{
  TestPbx *pbx = test_pbx_start ("\n[manager desk]\nsecret=deskpw\nread=call\nwrite=\n");
  g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (GPtrArray) lots = g_ptr_array_new ();
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *text = NULL;
  GtkListBox *list = GTK_LIST_BOX (prefs_child (fx, "lots_list"));
  GtkListBoxRow *row;
  GtkWidget *status, *events_only;
  PlLotEditor *editor;
  gboolean saved = FALSE;

  lot->manager_host = g_strdup_printf ("127.0.0.1:%u", pbx->ami_port);
  lot->manager_user = g_strdup ("desk");
  lot->manager_secret = g_strdup ("deskpw");
  pl_lot_secrets_save_async (lot, NULL, NULL, secret_saved_cb, &saved);
  g_assert_true (PL_TEST_WAIT (saved, 10000));
  g_ptr_array_add (lots, lot);
  pl_park_lot_configs_save (lots, keyfile);
  text = g_key_file_to_data (keyfile, NULL, NULL);
  g_assert_null (strstr (text, "deskpw"));
  g_settings_set_string (fx->settings, "park-lots", text);

  /* The core asked the keyring, the feed logged in: the lot's row says so. */
  show_page (fx, "lots");
  g_assert_true (PL_TEST_WAIT ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL
                                   && strstr (row_subtitle (row), "Caller names: Connected"),
                               20000));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->prefs), "prefs-lots-manager");

  editor = open_lot_editor (fx, 0);
  status = editor_child (editor, "manager_status_row");
  events_only = editor_child (editor, "manager_events_only_row");
  g_assert_true (gtk_widget_get_visible (status));
  g_assert_nonnull (strstr (row_subtitle (status), "Connected"));
  /* A read-only user: said here, once, and not as an error. */
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_visible (events_only), 10000));
  g_assert_false (gtk_widget_has_css_class (status, "feed-failed"));
  /* The stored secret is kept unless a new one is typed. */
  g_assert_cmpstr (adw_preferences_row_get_title (
                       ADW_PREFERENCES_ROW (editor_child (editor, "manager_secret_row"))),
                   ==, "Secret (leave empty to keep)");
  g_assert_null (pl_lot_editor_get_error (editor));
  pl_ui_test_save_screenshot (gtk_widget_get_ancestor (editor_child (editor, "manager_host_row"),
                                                       ADW_TYPE_PREFERENCES_GROUP),
                              "prefs-lot-manager-connected");

  /* The PBX turns the user away: the open editor follows, live. */
  g_free (test_pbx_cmd (pbx, "faults ami-wrong-secret on"));
  g_free (test_pbx_cmd (pbx, "faults ami-drop"));
  g_assert_true (
      PL_TEST_WAIT (strstr (row_subtitle (status), "Wrong user or secret") != NULL, 30000));
  g_assert_true (gtk_widget_has_css_class (status, "feed-failed"));
  g_assert_false (gtk_widget_get_visible (events_only));
  pl_ui_test_save_screenshot (gtk_widget_get_ancestor (editor_child (editor, "manager_host_row"),
                                                       ADW_TYPE_PREFERENCES_GROUP),
                              "prefs-lot-manager-refused");
  close_and_wait (editor);

  /* Renamed with the secret field left empty: the secret goes along, and
   * the feed logs in under the new name once the PBX lets it. */
  g_free (test_pbx_cmd (pbx, "faults clear"));
  editor = open_lot_editor (fx, 0);
  pl_ui_test_type_into (editor_child (editor, "name_row"), "Front");
  g_assert_true (pl_lot_editor_can_save (editor));
  pl_lot_editor_save (editor);
  g_assert_true (PL_TEST_WAIT (
      (row = gtk_list_box_get_row_at_index (list, 0)) != NULL
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Front") == 0
          && strstr (row_subtitle (row), "Caller names: Connected"),
      30000));
  {
    g_autoptr (PlParkLotConfig) renamed = pl_park_lot_config_copy (lot);
    g_autofree char *old_secret = keyring_secret (lot);
    g_autofree char *new_secret = NULL;

    g_free (renamed->name);
    renamed->name = g_strdup ("Front");
    new_secret = keyring_secret (renamed);
    g_assert_cmpstr (new_secret, ==, "deskpw");
    g_assert_null (old_secret);
    g_free (text);
    text = g_settings_get_string (fx->settings, "park-lots");
    g_assert_null (strstr (text, "deskpw"));

    /* Removing the lot removes its secret. */
    adw_message_dialog_response (pl_preferences_window_remove_lot (fx->prefs, 0), "remove");
    g_assert_true (PL_TEST_WAIT (({
                                   g_autofree char *left = keyring_secret (renamed);
                                   left == NULL;
                                 }),
                                 10000));
  }
  test_pbx_stop (pbx);
}

int
main (int argc, char *argv[])
{
  g_autofree char *scratch = NULL;
  int status;

  scratch = pl_ui_test_init (&argc, &argv, "pl-prefs-test-XXXXXX");

#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, (gconstpointer)(TestBody)func, fixture_setup, run_test,               \
              fixture_teardown)
  ADD ("/ui/prefs/pages", test_pages);
  ADD ("/ui/prefs/registration", test_registration);
  ADD ("/ui/prefs/remove-account", test_remove_account);
  ADD ("/ui/prefs/inverted-range", test_inverted_range);
  ADD ("/ui/prefs/run-lots", test_run_lots);
  ADD ("/ui/prefs/save-and-overlap", test_save_and_overlap);
  ADD ("/ui/prefs/custom-template", test_custom_template);
  ADD ("/ui/prefs/audio", test_audio);
  ADD ("/ui/prefs/manager-fields", test_manager_fields);
  ADD ("/ui/prefs/manager-status", test_manager_status);
#undef ADD
  g_test_add ("/ui/app/background", Fixture, NULL, fixture_setup, test_background,
              fixture_teardown);
  status = g_test_run ();
  pl_test_remove_tree (scratch);
  return status;
}
