/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-liveness"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "pbx-test-lib.h"
#include "pl-application.h"
#include "pl-call-pane.h"
#include "pl-park-sidebar.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"
#include "pl-ui-test.h"
#include "pl-window.h"

/* The window while the PBX stops answering: the real application window on
 * a real PlCore whose park service watches the loopback test PBX (real
 * subscriptions, real keepalive); calls come from the scripted engine. The
 * PBX is frozen through its control port, so the server state reaches the
 * widgets the way it does in use: keepalive → park service → window. */

#define FREEZE_SEEN_MS 12000
#define THAW_SEEN_MS   8000

typedef struct
{
  PlUiTestNotifications notifications; /* the incoming call is announced */
  TestPbx *pbx;
  PlAccount *account;
  PlScriptEngine *engine;
  PlCore *core;
  PlApplication *app;
  PlWindow *window;
  PlParkSidebar *sidebar;
} Fixture;

/* Owned before the first notification: GIO picks its backend then. */
static void
start_notification_server (Fixture *fx)
{
  pl_ui_test_notifications_start (&fx->notifications, G_APPLICATION (fx->app));
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GPtrArray) configs
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_autofree char *domain = NULL;
  PlParkLotConfig *main_lot = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);

  fx->pbx = test_pbx_start (NULL);
  domain = g_strdup_printf ("127.0.0.1:%u", fx->pbx->sip_port);
  main_lot->last_slot = 705;
  g_ptr_array_add (configs, main_lot);
  fx->account = pl_ui_test_desk_account (domain);
  pl_account_set_user (fx->account, "alice");
  pl_account_set_password (fx->account, "alicepw");
  fx->engine = pl_script_engine_new (NULL);
  fx->core = pl_core_new (PL_ENGINE (fx->engine), settings, NULL);
  pl_core_use_lots (fx->core, configs);
  pl_core_use_account (fx->core, fx->account);
  fx->app = pl_application_new_with_core (fx->core);
  g_signal_connect_swapped (fx->app, "startup", G_CALLBACK (start_notification_server), fx);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  pl_ui_test_finalize_all (fx->app, fx->core, fx->engine, fx->account);
  test_pbx_stop (fx->pbx);
  pl_ui_test_notifications_clear (&fx->notifications);
}

static PlParkService *
service (Fixture *fx)
{
  return pl_core_get_park_service (fx->core);
}

static gboolean
lot_is_fresh (Fixture *fx)
{
  PlParkLot *lot = pl_park_service_find_lot (service (fx), "Main");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      if (pl_park_slot_get_state (slot) != PL_PARK_SLOT_FREE)
        return FALSE;
    }
  return n > 0;
}

static const char *
tooltip (gpointer widget, GType type, const char *name)
{
  return gtk_widget_get_tooltip_text (pl_ui_test_template_child (widget, type, name));
}

static void
control (Fixture *fx, const char *command)
{
  g_autofree char *reply = test_pbx_cmd (fx->pbx, command);

  g_assert_true (g_str_has_prefix (reply, "OK"));
}

static void
server_not_answering (Fixture *fx)
{
  GtkWidget *status
      = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "account_status_label");
  GtkWidget *pane = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "call_pane");
  GtkWidget *banner = pl_park_sidebar_get_stale_banner (fx->sidebar, "Main");
  PlCallManager *manager = pl_core_get_call_manager (fx->core);
  PlCall *call;

  /* live: subscribed for real, registered (scripted), a call to park */
  g_assert_true (
      PL_TEST_WAIT (pl_park_service_get_server_state (service (fx)) == PL_SERVER_STATE_ANSWERING
                        && lot_is_fresh (fx),
                    10000));
  pl_account_set_registration (fx->account, PL_REGISTRATION_REGISTERED, NULL);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Online");
  g_assert_false (gtk_widget_get_visible (banner));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_INCOMING, "c1",
                         PL_CALL_DIRECTION_INCOMING, "sip:201@pbx", NULL);
  call = pl_call_manager_find_call (manager, "c1");
  g_assert_nonnull (call);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_INCOMING, "sip:201@pbx", NULL);
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_cmpstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), ==, "Park (Shift+Ctrl+P)");
  g_assert_cmpstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"), ==,
                   "Park the current call (Shift+Ctrl+P)");

  /* The PBX freezes: the header says so though the registration (scripted
   * here) still claims success, Park is off and says why on both of its
   * buttons, the lot is unknown, the call is left alone. */
  control (fx, "faults freeze");
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (status)), "Server not answering") == 0,
      FREEZE_SEEN_MS));
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-to-selected"));
  g_assert_nonnull (
      strstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), "phone system is not answering"));
  g_assert_nonnull (strstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"),
                            "phone system is not answering"));
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (banner)), ==,
                   "The phone system is not answering — lot state unknown");
  g_assert_true (
      pl_ui_test_log_has (fx->engine, "server-lost - The phone system is not answering"));
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "server-not-answering");

  /* It answers again: everything comes back by itself. */
  control (fx, "faults thaw");
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (gtk_label_get_label (GTK_LABEL (status)), "Online") == 0
                                   && lot_is_fresh (fx),
                               THAW_SEEN_MS));
  g_assert_false (gtk_widget_has_css_class (status, "error"));
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_cmpstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), ==, "Park (Shift+Ctrl+P)");
  g_assert_cmpstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"), ==,
                   "Park the current call (Shift+Ctrl+P)");
  g_assert_false (gtk_widget_get_visible (banner));
  g_assert_true (pl_ui_test_log_has (fx->engine, "reregister - "));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_INCOMING,
                         "sip:201@pbx", NULL);
}

static gboolean
body_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);
  GtkWidget *slot;

  pl_ui_test_park_pointer ();
  pl_ui_test_await_window (app, (gpointer *)&fx->window);
  slot = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "sidebar_slot");
  fx->sidebar = PL_PARK_SIDEBAR (gtk_widget_get_first_child (slot));
  g_assert_true (PL_IS_PARK_SIDEBAR (fx->sidebar));

  server_not_answering (fx);

  pl_ui_test_destroy_windows (app, (gpointer *)&fx->window);
  pl_ui_test_notifications_stop (&fx->notifications, G_APPLICATION (app));
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
run_test (Fixture *fx, gconstpointer data)
{
  pl_ui_test_run_app (G_APPLICATION (fx->app), NULL, body_idle, fx);
  g_assert_null (fx->window);
}

int
main (int argc, char *argv[])
{
  g_autofree char *scratch = pl_ui_test_init (&argc, &argv, "pl-liveness-ui-XXXXXX");
  int status;

  g_test_add ("/ui/liveness/server-not-answering", Fixture, NULL, fixture_setup, run_test,
              fixture_teardown);
  status = g_test_run ();
  pl_test_remove_tree (scratch);
  return status;
}
