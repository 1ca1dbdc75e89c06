/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-park-sidebar"

#include "config.h"

#include <gtk/gtk.h>

#include "pbx-test-lib.h"
#include "pl-application.h"
#include "pl-call-pane.h"
#include "pl-park-sidebar.h"
#include "pl-park-slot-row.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"
#include "pl-ui-test.h"
#include "pl-window.h"

/* The park sidebar in the real application window, on a real PlCore over
 * the scripted engine. Slot states come from real NOTIFY bodies (the
 * Asterisk traces in tests/park/fixtures) fed to the lots, as the
 * subscriber would; a case that needs the PBX itself (it freezes) runs on
 * the loopback test PBX with real subscriptions instead. Each case runs in
 * its own process (see meson.build). */

typedef struct
{
  PlUiTestNotifications notifications;
  GSocket *sink; /* the "PBX" address: swallows the SUBSCRIBEs sent before we stop them */
  TestPbx *pbx;  /* or the test PBX, for real */
  char *domain;
  PlAccount *account;
  PlScriptEngine *engine;
  PlCore *core;
  PlApplication *app;
  PlWindow *window;
  PlParkSidebar *sidebar;
  void (*body) (gpointer fx);
} Fixture;

/* Owned before the first notification: GIO picks its backend then. */
static void
start_notification_server (Fixture *fx)
{
  pl_ui_test_notifications_start (&fx->notifications, G_APPLICATION (fx->app));
}

enum
{
  LOTS_MAIN,
  LOTS_MAIN_SALES,
  LOTS_MAIN_VALET,
  LOTS_MAIN_PAGING, /* Main pages 600 */
};

/* One case: its body, the lots it runs with and whether the PBX is real. */
typedef struct
{
  const char *path;
  void (*body) (gpointer fx);
  int lots;
  gboolean real_pbx;
} Case;

static GPtrArray *
lot_configs (int which)
{
  GPtrArray *configs = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  PlParkLotConfig *main_lot = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);

  main_lot->last_slot = 705;
  if (which == LOTS_MAIN_PAGING)
    main_lot->page_target = g_strdup ("600");
  g_ptr_array_add (configs, main_lot);
  if (which == LOTS_MAIN_VALET)
    g_ptr_array_add (configs, pl_park_lot_config_new ("Valet", PL_PARK_PROFILE_FREESWITCH));
  if (which == LOTS_MAIN_SALES)
    {
      PlParkLotConfig *sales = pl_park_lot_config_new ("Sales", PL_PARK_PROFILE_FREEPBX);
      sales->last_slot = 74;
      g_ptr_array_add (configs, sales);
    }
  return configs;
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const Case *test_case = data;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GPtrArray) configs = lot_configs (test_case->lots);
  g_autoptr (GError) error = NULL;

  if (test_case->real_pbx)
    {
      fx->pbx = test_pbx_start (NULL);
      fx->domain = g_strdup_printf ("127.0.0.1:%u", fx->pbx->sip_port);
    }
  else
    {
      fx->sink = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                               &error);
      g_assert_no_error (error);
      g_assert_true (g_socket_bind (fx->sink, any, FALSE, &error));
      bound = g_socket_get_local_address (fx->sink, &error);
      g_assert_no_error (error);
      fx->domain = g_strdup_printf ("127.0.0.1:%u",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    }

  fx->body = test_case->body;
  fx->account = pl_ui_test_desk_account (fx->domain);
  if (fx->pbx)
    {
      pl_account_set_user (fx->account, "alice");
      pl_account_set_password (fx->account, "alicepw");
    }
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
  if (fx->sink)
    g_socket_close (fx->sink, NULL);
  g_clear_object (&fx->sink);
  g_clear_pointer (&fx->pbx, test_pbx_stop);
  g_free (fx->domain);
  pl_ui_test_notifications_clear (&fx->notifications);
}

static PlParkService *
service (Fixture *fx)
{
  return pl_core_get_park_service (fx->core);
}

static gboolean
body_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);
  GtkWidget *slot;

  pl_ui_test_park_pointer ();
  pl_ui_test_await_window (app, (gpointer *)&fx->window);
  g_assert_true (
      PL_TEST_WAIT (g_list_model_get_n_items (pl_park_service_get_lots (service (fx))) > 0, 5000));
  /* The lots get their states from this test, not from the (absent) PBX. */
  if (fx->pbx == NULL)
    pl_park_service_shutdown (service (fx));

  slot = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "sidebar_slot");
  g_assert_true (gtk_widget_get_visible (slot));
  fx->sidebar = PL_PARK_SIDEBAR (gtk_widget_get_first_child (slot));
  g_assert_true (PL_IS_PARK_SIDEBAR (fx->sidebar));

  fx->body (fx);

  pl_ui_test_quit_app (app, (gpointer *)&fx->window, &fx->notifications);
  return G_SOURCE_REMOVE;
}

static void
run_test (Fixture *fx, gconstpointer data)
{
  pl_ui_test_run_app (G_APPLICATION (fx->app), NULL, body_idle, fx);
  g_assert_null (fx->window);
}

/* Helpers ------------------------------------------------------------------ */

static char *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "park", "fixtures", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
notify_body (Fixture *fx, const char *lot_name, int slot, const char *body)
{
  PlParkLot *lot = pl_park_service_find_lot (service (fx), lot_name);
  g_autofree char *uri = g_strdup_printf ("sip:%d@%s", slot, fx->domain);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (lot);
  g_assert_true (pl_park_lot_apply_notify (lot, uri, "application/dialog-info+xml", body,
                                           strlen (body), g_get_real_time (), &error));
  g_assert_no_error (error);
}

/* The Asterisk trace of slot 701, renumbered for another slot: same body as
 * the PBX sends, other entity. */
static void
notify_fixture (Fixture *fx, const char *lot, int slot, const char *fixture)
{
  g_autofree char *text = load_fixture (fixture);
  g_autofree char *number = g_strdup_printf ("%d", slot);
  g_auto (GStrv) parts = g_strsplit (text, g_str_has_prefix (fixture, "fs-") ? "6001" : "701", -1);
  g_autofree char *body = g_strjoinv (number, parts);

  notify_body (fx, lot, slot, body);
}

/* A busy slot whose PBX names the caller (dialog-info <remote><identity>). */
static void
notify_caller (Fixture *fx, const char *lot, int slot, guint version, const char *name,
               const char *user)
{
  g_autofree char *body = g_strdup_printf (
      "<?xml version=\"1.0\"?><dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
      "version=\"%u\" state=\"full\" entity=\"sip:%d@%s\"><dialog id=\"%d\">"
      "<state>confirmed</state><remote><identity display=\"%s\">sip:%s@%s</identity></remote>"
      "</dialog></dialog-info>",
      version, slot, fx->domain, slot, name, user, fx->domain);

  notify_body (fx, lot, slot, body);
}

static void
all_free (Fixture *fx, const char *lot_name)
{
  PlParkLot *lot = pl_park_service_find_lot (service (fx), lot_name);
  const PlParkLotConfig *config = pl_park_lot_get_config (lot);

  for (int slot = config->first_slot; slot <= config->last_slot; slot++)
    notify_fixture (fx, lot_name, slot,
                    config->profile == PL_PARK_PROFILE_FREESWITCH ? "fs-6001-v0-free.xml"
                                                                  : "ast-701-v0-free.xml");
}

static PlParkSlotRow *
row (Fixture *fx, const char *lot, int slot)
{
  GtkWidget *widget = pl_park_sidebar_get_row (fx->sidebar, lot, slot);
  g_assert_nonnull (widget);
  return PL_PARK_SLOT_ROW (widget);
}

static GtkWidget *
row_child (PlParkSlotRow *row, const char *name)
{
  return pl_ui_test_template_child (row, PL_TYPE_PARK_SLOT_ROW, name);
}

static GtkWidget *
find_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found)
        return found;
    }
  return NULL;
}

/* The countdown and the Retrieve button, which a row builds the first time
 * its slot is occupied; NULL before. */
static GtkWidget *
row_part (PlParkSlotRow *row, const char *name)
{
  return find_named (GTK_WIDGET (row), name);
}

static gboolean
row_part_shown (PlParkSlotRow *row, const char *name)
{
  GtkWidget *part = row_part (row, name);

  return part != NULL && gtk_widget_get_visible (part);
}

static const char *
row_text (Fixture *fx, const char *lot, int slot, const char *label)
{
  return gtk_label_get_label (GTK_LABEL (row_child (row (fx, lot, slot), label)));
}

static PlCall *
active_call (Fixture *fx, const char *id, const char *peer, const char *name)
{
  PlCallManager *manager = pl_core_get_call_manager (fx->core);
  PlCall *call;

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_INCOMING, id, PL_CALL_DIRECTION_INCOMING,
                         peer, NULL);
  call = pl_call_manager_find_call (manager, id);
  g_assert_nonnull (call);
  if (name)
    pl_call_set_peer_name (call, name);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, id,
                         PL_CALL_DIRECTION_INCOMING, peer, NULL);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  return call;
}

static void
activate_park (Fixture *fx)
{
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.park", NULL));
}

/* Tests -------------------------------------------------------------------- */

static void
rows_follow_model (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *banner = pl_park_sidebar_get_stale_banner (fx->sidebar, "Main");
  GtkWidget *stack = pl_ui_test_template_child (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "stack");
  g_autofree char *expected = NULL;

  /* Before any NOTIFY nothing is known: unknown, never "free". */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "lots");
  g_assert_nonnull (banner);
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_cmpstr (row_text (fx, "Main", 701, "name_label"), ==, "State unknown");
  g_assert_null (pl_park_sidebar_get_row (fx->sidebar, "Main", 706));
  for (int slot = 701; slot <= 705; slot++)
    g_assert_nonnull (pl_park_sidebar_get_row (fx->sidebar, "Main", slot));

  all_free (fx, "Main");
  g_assert_false (gtk_widget_get_visible (banner));
  g_assert_cmpstr (row_text (fx, "Main", 702, "name_label"), ==, "Free");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row (fx, "Main", 702)), "free"));
  g_assert_false (row_part_shown (row (fx, "Main", 702), "retrieve_button"));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "retrieve-nth"));

  /* The real Asterisk trace: busy, no identity. */
  notify_fixture (fx, "Main", 701, "ast-701-v1-busy.xml");
  g_assert_cmpstr (row_text (fx, "Main", 701, "name_label"), ==, "Parked call");
  g_assert_true (row_part_shown (row (fx, "Main", 701), "retrieve_button"));
  g_assert_true (row_part_shown (row (fx, "Main", 701), "countdown"));
  g_assert_cmpstr (row_text (fx, "Main", 701, "time_label"), ==, "0:00");
  g_assert_true (pl_ui_test_action_enabled (fx->window, "retrieve-nth"));
  g_assert_true (pl_ui_test_action_enabled (fx->window, "retrieve-slot"));

  /* A PBX that names the caller. */
  notify_caller (fx, "Main", 703, 1, "Caller One", "2001");
  g_assert_cmpstr (row_text (fx, "Main", 703, "name_label"), ==, "Caller One");
  g_assert_cmpstr (row_text (fx, "Main", 703, "detail_label"), ==, "2001");
  expected = g_strdup ("Slot 703, Caller One, 2001, parked 0:00, 0:45 left, Retrieve");
  {
    g_autofree char *diff = gtk_test_accessible_check_property (
        GTK_ACCESSIBLE (row (fx, "Main", 703)), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
    g_assert_null (diff);
  }
  {
    g_autofree char *diff = gtk_test_accessible_check_property (
        GTK_ACCESSIBLE (row_part (row (fx, "Main", 703), "retrieve_button")),
        GTK_ACCESSIBLE_PROPERTY_LABEL, "Retrieve Caller One from slot 703");
    g_assert_null (diff);
  }
  /* The clock runs: after a second tick the time moves on. */
  g_assert_true (
      PL_TEST_WAIT (g_strcmp0 (row_text (fx, "Main", 703, "time_label"), "0:00") != 0, 3000));

  /* Picked up by someone: free again. */
  notify_fixture (fx, "Main", 701, "ast-701-v2-free.xml");
  g_assert_cmpstr (row_text (fx, "Main", 701, "name_label"), ==, "Free");
  g_assert_false (row_part_shown (row (fx, "Main", 701), "retrieve_button"));

  /* One subscription lost: the lot says so, the slot is not "free". */
  pl_park_lot_set_slot_stale (pl_park_service_find_lot (service (fx), "Main"), 702);
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_cmpstr (row_text (fx, "Main", 702, "name_label"), ==, "State unknown");

  /* All lots gone (settings changed): the empty state. */
  pl_park_service_configure (service (fx), fx->account, NULL, "127.0.0.1");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park"));
}

static void
retrieve_keys (gpointer data)
{
  Fixture *fx = data;
  g_autofree char *dial_701 = g_strdup_printf ("dial - sip:701@%s", fx->domain);
  g_autofree char *dial_704 = g_strdup_printf ("dial - sip:704@%s", fx->domain);
  g_autofree char *dial_703 = g_strdup_printf ("dial - sip:703@%s", fx->domain);
  PlCallManager *manager = pl_core_get_call_manager (fx->core);
  GtkWidget *target;

  all_free (fx, "Main");
  notify_fixture (fx, "Main", 701, "ast-701-v1-busy.xml");
  notify_caller (fx, "Main", 704, 1, "Caller Four", "2004");

  /* Alt+1: the first parked call, as listed. */
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "alt+1");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial_701), 5000));
  {
    PlCall *call = pl_call_manager_get_active_call (manager);
    g_assert_nonnull (call);
    g_assert_cmpstr (pl_call_get_note (call), ==, "Retrieving from 701");
  }

  /* Alt+2 is the second: 704, named from the lot. */
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "alt+2");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial_704), 5000));

  /* Keyboard only: F6 goes to the lots, arrows move, Enter retrieves. */
  notify_caller (fx, "Main", 703, 1, "Caller Three", "2003");
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "F6");
  target = GTK_WIDGET (row (fx, "Main", 701));
  g_assert_true (PL_TEST_WAIT (gtk_widget_has_focus (target), 3000));
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "Down", "Down", "Return");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial_703), 5000));

  /* The engine stopping disables retrieving. */
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RESTARTING);
  g_assert_false (pl_ui_test_action_enabled (fx->window, "retrieve-nth"));
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RUNNING);
  g_assert_true (pl_ui_test_action_enabled (fx->window, "retrieve-nth"));
}

static void
park_asterisk (gpointer data)
{
  Fixture *fx = data;
  PlCall *call;
  g_autofree char *transfer = NULL;
  GtkWidget *pane = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "call_pane");
  GtkWidget *note = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "note_label");
  GtkWidget *button
      = pl_ui_test_template_child (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_selected_button");

  all_free (fx, "Main");
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park"));
  call = active_call (fx, "c1", "sip:2001@pbx", "Caller One");
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));

  /* Asterisk picks the slot itself: no parking on a chosen one. */
  gtk_list_box_select_row (
      GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row (fx, "Main", 702)))),
      GTK_LIST_BOX_ROW (row (fx, "Main", 702)));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-to-selected"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "picks the slot"));

  transfer = g_strdup_printf ("transfer c1 sip:700@%s", fx->domain);
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "ctrl+shift+p");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, transfer), 5000));
  g_assert_cmpstr (pl_call_get_note (call), ==, "Parking…");
  /* Once is enough. */
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_true (gtk_widget_get_visible (note));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (note)), ==, "Parking…");

  /* The PBX fills the next slot: ours, probably, named from our call. */
  notify_fixture (fx, "Main", 701, "ast-701-v1-busy.xml");
  g_assert_cmpstr (row_text (fx, "Main", 701, "name_label"), ==, "Caller One");
  g_assert_cmpstr (pl_call_get_note (call), ==, "Parked, probably on 701");
  g_assert_nonnull (strstr (row_text (fx, "Main", 701, "detail_label"), "probably"));

  /* A second call whose park the PBX refuses can be parked again. */
  {
    PlCall *second = active_call (fx, "c2", "sip:2002@pbx", "Caller Two");
    g_autofree char *again = g_strdup_printf ("transfer c2 sip:700@%s", fx->domain);

    pl_script_engine_fail_next (fx->engine, PL_ENGINE_ACTION_TRANSFER, "403 Forbidden");
    activate_park (fx);
    g_assert_true (PL_TEST_WAIT (
        pl_call_get_note (second) == NULL && pl_ui_test_action_enabled (fx->window, "park"), 5000));
    pl_script_engine_clear_log (fx->engine);
    activate_park (fx);
    g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, again), 5000));
  }
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

/* The PBX stops answering (frozen through its control port): the header
 * says so, Park is off with the reason on both its buttons, the lot is
 * unknown, the call is left alone; all of it back by itself on the thaw.
 * The state travels as in use: keepalive → park service → window. */
static void
server_not_answering (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *status
      = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "account_status_label");
  GtkWidget *pane = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "call_pane");
  GtkWidget *banner = pl_park_sidebar_get_stale_banner (fx->sidebar, "Main");
  PlCall *call;

  /* live: subscribed for real, registered (scripted), a call to park */
  g_assert_true (
      PL_TEST_WAIT (pl_park_service_get_server_state (service (fx)) == PL_SERVER_STATE_ANSWERING
                        && lot_is_fresh (fx),
                    10000));
  pl_account_set_registration (fx->account, PL_REGISTRATION_REGISTERED, NULL);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Online");
  g_assert_false (gtk_widget_get_visible (banner));
  call = active_call (fx, "c1", "sip:201@pbx", NULL);
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_cmpstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), ==, "Park (Shift+Ctrl+P)");
  g_assert_cmpstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"), ==,
                   "Park the current call (Shift+Ctrl+P)");

  /* The PBX freezes: the header says so though the registration (scripted
   * here) still claims success, Park is off and says why on both of its
   * buttons, the lot is unknown, the call is left alone. */
  test_pbx_cmd_ok (fx->pbx, "faults freeze");
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (status)), "Server not answering") == 0, 12000));
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-to-selected"));
  g_assert_nonnull (
      strstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), "phone system is not answering"));
  g_assert_nonnull (strstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"),
                            "phone system is not answering"));
  /* Park & Page parks first: off for the same reason, and says it. */
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-and-page"));
  g_assert_nonnull (strstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_and_page_button"),
                            "phone system is not answering"));
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (banner)), ==,
                   "The phone system is not answering — lot state unknown");
  g_assert_true (
      pl_ui_test_log_has (fx->engine, "server-lost - The phone system is not answering"));
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "server-not-answering");

  /* It answers again: everything comes back by itself. */
  test_pbx_cmd_ok (fx->pbx, "faults thaw");
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (gtk_label_get_label (GTK_LABEL (status)), "Online") == 0
                                   && lot_is_fresh (fx),
                               8000));
  g_assert_false (gtk_widget_has_css_class (status, "error"));
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park"));
  g_assert_cmpstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_button"), ==, "Park (Shift+Ctrl+P)");
  g_assert_cmpstr (tooltip (fx->sidebar, PL_TYPE_PARK_SIDEBAR, "park_button"), ==,
                   "Park the current call (Shift+Ctrl+P)");
  g_assert_false (gtk_widget_get_visible (banner));
  g_assert_cmpstr (tooltip (pane, PL_TYPE_CALL_PANE, "park_and_page_button"), ==,
                   "Park and Page the Team (Shift+Ctrl+G)");
  g_assert_true (pl_ui_test_log_has (fx->engine, "reregister - "));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_INCOMING,
                         "sip:201@pbx", NULL);
}

static GtkDropTarget *
drop_target (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static void
park_freepbx (gpointer data)
{
  Fixture *fx = data;
  PlCall *first, *second;
  g_autofree char *to_72 = g_strdup_printf ("transfer c1 sip:72@%s", fx->domain);
  g_autofree char *to_74 = NULL;
  g_autofree char *handle = NULL;
  GtkDropTarget *target;
  GValue value = G_VALUE_INIT;
  gboolean dropped = FALSE;

  all_free (fx, "Main");
  all_free (fx, "Sales");
  first = active_call (fx, "c1", "sip:2001@pbx", "Caller One");

  /* FreePBX parks where it is told. */
  gtk_list_box_select_row (
      GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row (fx, "Sales", 72)))),
      GTK_LIST_BOX_ROW (row (fx, "Sales", 72)));
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park-to-selected"));
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "ctrl+alt+shift+p");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, to_72), 5000));
  g_assert_cmpstr (pl_call_get_note (first), ==, "Parking…");
  g_assert_cmpint (pl_park_slot_get_state (pl_park_slot_row_get_slot (row (fx, "Sales", 72))), ==,
                   PL_PARK_SLOT_PARKING);
  g_assert_cmpstr (row_text (fx, "Sales", 72, "detail_label"), ==, "Parking…");

  /* A second call dragged onto free slot 74. */
  second = active_call (fx, "c2", "sip:2002@pbx", "Caller Two");
  to_74 = g_strdup_printf ("transfer c2 sip:74@%s", fx->domain);
  handle = g_strdup_printf ("%u", pl_call_get_handle (second));
  target = drop_target (GTK_WIDGET (row (fx, "Sales", 74)));
  g_assert_nonnull (target);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, handle);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  g_assert_true (dropped);
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, to_74), 5000));
  g_assert_cmpstr (pl_call_get_note (second), ==, "Parking…");

  /* Not on a busy slot, not with text that names no call. */
  g_assert_false (pl_park_slot_row_drop_call (row (fx, "Sales", 72), handle));
  g_assert_false (pl_park_slot_row_drop_call (row (fx, "Sales", 73), "hello"));
}

static void
notification (gpointer data)
{
  Fixture *fx = data;

  all_free (fx, "Main");
  notify_caller (fx, "Main", 702, 1, "Caller One", "2001");
  g_assert_true (PL_TEST_WAIT (fx->notifications.added->len == 1, 5000));
  g_assert_cmpstr (g_ptr_array_index (fx->notifications.added, 0), ==, "park-Main");
  {
    const char *title = NULL;
    const char *action = NULL;
    g_autoptr (GVariant) buttons = NULL;
    g_autoptr (GVariant) target = NULL;

    /* The slot and the caller in the title; clicking it retrieves. */
    g_assert_true (g_variant_lookup (fx->notifications.last, "title", "&s", &title));
    g_assert_cmpstr (title, ==, "Caller One parked on 702");
    g_assert_true (g_variant_lookup (fx->notifications.last, "default-action", "&s", &action));
    g_assert_cmpstr (action, ==, "app.retrieve-slot");
    target = g_variant_lookup_value (fx->notifications.last, "default-action-target", NULL);
    g_assert_nonnull (target);
    g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "Main:702");
    g_clear_pointer (&target, g_variant_unref);
    buttons = g_variant_lookup_value (fx->notifications.last, "buttons", NULL);
    g_assert_nonnull (buttons);
    {
      g_autoptr (GVariant) button = g_variant_get_child_value (buttons, 0);
      g_assert_true (g_variant_lookup (button, "action", "&s", &action));
      g_assert_cmpstr (action, ==, "app.retrieve-slot");
      target = g_variant_lookup_value (button, "target", NULL);
      g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "Main:702");
    }
  }

  /* A second park replaces it (same id): one notification per lot, the
   * newest call, no pile. */
  notify_caller (fx, "Main", 703, 1, "Caller Three", "2003");
  g_assert_true (PL_TEST_WAIT (fx->notifications.added->len == 2, 5000));
  g_assert_cmpstr (g_ptr_array_index (fx->notifications.added, 1), ==, "park-Main");
  {
    const char *title = NULL;
    g_assert_true (g_variant_lookup (fx->notifications.last, "title", "&s", &title));
    g_assert_cmpstr (title, ==, "Caller Three parked on 703");
  }
  g_assert_cmpuint (fx->notifications.removed->len, ==, 0);

  /* The default action works with the window in the background. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "retrieve-slot",
                                  g_variant_new_string ("Main:703"));
  {
    g_autofree char *dial = g_strdup_printf ("dial - sip:703@%s", fx->domain);
    g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial), 5000));
  }

  /* 702 emptied: not the one shown, the notification stays; 703 emptied:
   * it goes. */
  {
    g_autofree char *text = load_fixture ("ast-701-v2-free.xml");
    g_auto (GStrv) parts = g_strsplit (text, "701", -1);
    g_autofree char *body = g_strjoinv ("702", parts);
    notify_body (fx, "Main", 702, body);
  }
  g_assert_true (
      PL_TEST_WAIT (pl_park_slot_get_state (pl_park_slot_row_get_slot (row (fx, "Main", 702)))
                        == PL_PARK_SLOT_FREE,
                    5000));
  g_assert_cmpuint (fx->notifications.removed->len, ==, 0);
  {
    g_autofree char *text = load_fixture ("ast-701-v2-free.xml");
    g_auto (GStrv) parts = g_strsplit (text, "701", -1);
    g_autofree char *body = g_strjoinv ("703", parts);
    notify_body (fx, "Main", 703, body);
  }
  g_assert_true (PL_TEST_WAIT (fx->notifications.removed->len == 1, 5000));
  g_assert_cmpstr (g_ptr_array_index (fx->notifications.removed, 0), ==, "park-Main");

  /* Switched off in the settings: no more notifications. */
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);
    g_settings_set_boolean (settings, "notify-parks", FALSE);
  }
  notify_caller (fx, "Main", 704, 1, "Caller Four", "2004");
  g_assert_cmpint (pl_park_slot_get_state (pl_park_slot_row_get_slot (row (fx, "Main", 704))), ==,
                   PL_PARK_SLOT_OCCUPIED);
  pl_test_spin (300);
  g_assert_cmpuint (fx->notifications.added->len, ==, 2);
}

/* Park & Page in the window: the call parks as Park does, the page goes
 * out once the slot is known, the pane shows what to say in big letters,
 * and one key (Escape) ends the page. */
static void
park_and_page (gpointer data)
{
  Fixture *fx = data;
  PlParkPager *pager = pl_core_get_park_pager (fx->core);
  PlCallManager *manager = pl_core_get_call_manager (fx->core);
  GtkWidget *pane = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "call_pane");
  GtkWidget *page_box = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "page_box");
  GtkWidget *page_label = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "page_label");
  GtkWidget *caption = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "page_caption");
  GtkWidget *controls = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "controls_box");
  g_autofree char *transfer = g_strdup_printf ("transfer c1 sip:700@%s", fx->domain);
  g_autofree char *dial = g_strdup_printf ("dial - sip:600@%s", fx->domain);
  g_autofree char *page_uri = g_strdup_printf ("sip:600@%s", fx->domain);
  PlCall *call, *page;

  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1000, 720);
  all_free (fx, "Main");
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-and-page"));
  call = active_call (fx, "c1", "sip:2001@pbx", "Caller One");
  g_assert_true (pl_ui_test_action_enabled (fx->window, "park-and-page"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.park-and-page", NULL));
  /* Parked as Park does: through the park extension, once. */
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, transfer), 5000));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "park-and-page"));
  g_assert_false (pl_ui_test_log_has (fx->engine, dial));

  /* No page before the PBX shows the caller in a slot. */
  notify_fixture (fx, "Main", 701, "ast-701-v1-busy.xml");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial), 5000));
  page = pl_park_pager_get_page_call (pager);
  g_assert_nonnull (page);
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_RINGING, "p1", PL_CALL_DIRECTION_OUTGOING,
                         page_uri, NULL);
  g_assert_cmpstr (pl_call_get_id (page), ==, "p1");
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "p1",
                         PL_CALL_DIRECTION_OUTGOING, page_uri, NULL);
  /* The park call says goodbye once the PBX has read out the slot. */
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "c1", PL_CALL_DIRECTION_INCOMING,
                         "sip:2001@pbx", "Call transfered");
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_PARKED);
  g_assert_true (pl_call_manager_get_active_call (manager) == page);

  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (page_box), 5000));
  g_assert_false (gtk_widget_get_visible (controls));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (page_label)), ==, "Call for Caller One on 701");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (caption)), ==, "Say to the team");
  g_assert_true (pl_ui_test_action_enabled (fx->window, "end-page"));
  g_assert_cmpuint (pl_ui_test_check_accessible_names (page_box), >=, 1);
  pl_test_spin (200);
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "page-pane");

  /* One key ends it; the caller stays parked. */
  PL_UI_TEST_SEND_KEYS_OR_SKIP (fx->window, "Escape");
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, "hangup p1 "), 5000));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, "p1", PL_CALL_DIRECTION_OUTGOING,
                         page_uri, "Connection reset by user");
  g_assert_null (pl_park_pager_get_page_call (pager));
  g_assert_false (pl_ui_test_action_enabled (fx->window, "end-page"));
  g_assert_cmpint (pl_park_slot_get_state (pl_park_slot_row_get_slot (row (fx, "Main", 701))), ==,
                   PL_PARK_SLOT_OCCUPIED);
}

/* 99 valet slots: only the busy ones are listed, the rest is a count. */
static void
big_lot (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *count;

  all_free (fx, "Valet");
  g_assert_null (pl_park_sidebar_get_row (fx->sidebar, "Valet", 6001));
  count = gtk_widget_get_next_sibling (gtk_widget_get_first_child (gtk_widget_get_first_child (
      gtk_widget_get_parent (pl_park_sidebar_get_stale_banner (fx->sidebar, "Valet")))));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count)), ==, "0 parked · 99 free");

  notify_fixture (fx, "Valet", 6042, "fs-6001-v1-busy.xml");
  g_assert_nonnull (pl_park_sidebar_get_row (fx->sidebar, "Valet", 6042));
  g_assert_null (pl_park_sidebar_get_row (fx->sidebar, "Valet", 6041));
  /* FreeSWITCH's identity is the slot ("park"), not a caller. */
  g_assert_cmpstr (row_text (fx, "Valet", 6042, "name_label"), ==, "Parked call");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count)), ==, "1 parked · 98 free");

  /* The small lot still lists all its slots. */
  all_free (fx, "Main");
  g_assert_nonnull (pl_park_sidebar_get_row (fx->sidebar, "Main", 702));

  /* Retrieve-nth counts across lots: Main has none, Valet's 6042 is first. */
  g_assert_true (pl_ui_test_action_enabled (fx->window, "retrieve-nth"));
  gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.retrieve-nth", "i", 1);
  {
    g_autofree char *dial = g_strdup_printf ("dial - sip:6042@%s", fx->domain);
    g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial), 5000));
  }
}

static void
screenshot (gpointer data)
{
  Fixture *fx = data;
  gint64 now = g_get_real_time ();

  gtk_window_set_default_size (GTK_WINDOW (fx->window), 900, 700);
  all_free (fx, "Main");
  notify_caller (fx, "Main", 701, 1, "Caller One", "2001");
  notify_caller (fx, "Main", 703, 1, "Anna Schmidt", "4930123");
  active_call (fx, "c1", "sip:2002@pbx", "Caller Two");
  /* Parked a while ago: the countdown shows its state. */
  pl_park_slot_update (pl_park_slot_row_get_slot (row (fx, "Main", 703)), PL_PARK_SLOT_OCCUPIED,
                       "Anna Schmidt", "sip:4930123@pbx", PL_PARK_IDENTITY_SERVER,
                       now - 38 * G_USEC_PER_SEC, FALSE, FALSE, FALSE);
  pl_park_slot_update (pl_park_slot_row_get_slot (row (fx, "Main", 701)), PL_PARK_SLOT_OCCUPIED,
                       "Caller One", "sip:2001@pbx", PL_PARK_IDENTITY_SERVER,
                       now - 12 * G_USEC_PER_SEC, FALSE, FALSE, FALSE);
  gtk_list_box_select_row (
      GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row (fx, "Main", 703)))),
      GTK_LIST_BOX_ROW (row (fx, "Main", 703)));
  /* "Sales" stays unknown: its banner shows. */
  g_assert_true (gtk_widget_get_visible (pl_park_sidebar_get_stale_banner (fx->sidebar, "Sales")));
  /* 7 s left: the countdown warns. */
  g_assert_true (
      gtk_widget_has_css_class (row_part (row (fx, "Main", 703), "countdown"), "ending"));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "park-sidebar");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->sidebar), "park-sidebar-only");
  /* For a look at the real X server's picture (import -window root …). */
  if (g_getenv ("PL_TEST_GRAB_COMMAND"))
    g_assert_true (
        g_spawn_command_line_sync (g_getenv ("PL_TEST_GRAB_COMMAND"), NULL, NULL, NULL, NULL));
}

/* News from a server feed, as the manager feed hands it to the lot. */
static void
feed (Fixture *fx, PlParkFeedEventKind kind, int slot, const char *caller_name, const char *number,
      const char *parked_by, const char *taken_by)
{
  PlParkLot *lot = pl_park_service_find_lot (service (fx), "Main");
  g_autoptr (PlParkFeedEvent) event = pl_park_feed_event_new (kind);

  event->lot = g_strdup ("default");
  event->slot = g_strdup_printf ("%d", slot);
  event->park_id = g_strdup_printf ("demo-%s", number);
  event->caller_name = g_strdup (caller_name);
  event->caller_number = g_strdup (number);
  event->parked_by = g_strdup (parked_by);
  event->taken_by = g_strdup (taken_by);
  event->seconds_left = 45;
  pl_park_lot_set_feed_live (lot, TRUE, g_get_real_time ());
  g_assert_true (pl_park_lot_apply_feed (lot, event, fx->domain, g_get_real_time ()));
}

static void
free_slot (Fixture *fx, const char *lot, int slot)
{
  g_autofree char *text = load_fixture ("ast-701-v2-free.xml");
  g_auto (GStrv) parts = g_strsplit (text, "701", -1);
  g_autofree char *number = g_strdup_printf ("%d", slot);
  g_autofree char *body = g_strjoinv (number, parts);

  notify_body (fx, lot, slot, body);
}

static void
assert_accessible_label (gpointer widget, const char *expected)
{
  g_autofree char *diff = gtk_test_accessible_check_property (
      GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  g_assert_null (diff);
}

static guint
count_added (Fixture *fx, const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < fx->notifications.added->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (fx->notifications.added, i), prefix);
  return n;
}

/* A caller rings us, we park them, the PBX puts them on slot (Asterisk's
 * park extension: ours, probably) and ends our call. */
static PlParkSlot *
park_our_call (Fixture *fx, const char *id, const char *number, const char *name, int slot)
{
  g_autofree char *peer = g_strdup_printf ("sip:%s@pbx", number);
  PlCall *call = active_call (fx, id, peer, name);
  PlParkSlot *parked;

  activate_park (fx);
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (pl_call_get_note (call), "Parking…") == 0, 5000));
  notify_fixture (fx, "Main", slot, "ast-701-v1-busy.xml");
  parked = pl_park_slot_row_get_slot (row (fx, "Main", slot));
  g_assert_true (pl_park_slot_get_parked_by_me (parked));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, id, PL_CALL_DIRECTION_INCOMING,
                         peer, "Call transfered");
  return parked;
}

static void
feed_identity (gpointer data)
{
  Fixture *fx = data;
  PlParkSlotRow *teammate;

  gtk_window_set_default_size (GTK_WINDOW (fx->window), 900, 700);
  all_free (fx, "Main");
  /* The manager feed is up before anything happens. */
  pl_park_lot_set_feed_live (pl_park_service_find_lot (service (fx), "Main"), TRUE,
                             g_get_real_time ());
  /* A teammate's park: Asterisk's NOTIFY alone names nobody. */
  notify_fixture (fx, "Main", 702, "ast-701-v1-busy.xml");
  teammate = row (fx, "Main", 702);
  g_assert_cmpstr (row_text (fx, "Main", 702, "name_label"), ==, "Parked call");
  g_assert_false (gtk_widget_get_visible (row_child (teammate, "detail_label")));

  /* The feed names the caller and who parked them; so does the
   * notification, once the feed has spoken. */
  g_assert_cmpuint (count_added (fx, "park-Main"), ==, 0);
  feed (fx, PL_PARK_FEED_EVENT_PARKED, 702, "Dana Whitfield", "401", "Bob", NULL);
  g_assert_true (PL_TEST_WAIT (count_added (fx, "park-Main") == 1, 5000));
  {
    const char *title = NULL, *body = NULL;

    g_assert_true (g_variant_lookup (fx->notifications.last, "title", "&s", &title));
    g_assert_cmpstr (title, ==, "Dana Whitfield parked on 702");
    g_assert_true (g_variant_lookup (fx->notifications.last, "body", "&s", &body));
    g_assert_cmpstr (body, ==, "Parked by Bob · Main");
  }
  g_assert_cmpstr (row_text (fx, "Main", 702, "name_label"), ==, "Dana Whitfield");
  g_assert_cmpstr (row_text (fx, "Main", 702, "detail_label"), ==, "401 · parked by Bob");
  g_assert_true (gtk_widget_get_visible (row_child (teammate, "detail_label")));
  assert_accessible_label (teammate,
                           "Slot 702, Dana Whitfield, 401 · parked by Bob, parked 0:00, 0:45 left, "
                           "Retrieve");

  /* A caller known by number only: the number is the name, the detail who
   * parked them. The feed may come first: it waits for the NOTIFY. */
  feed (fx, PL_PARK_FEED_EVENT_PARKED, 704, NULL, "4930555018", "Carol", NULL);
  notify_fixture (fx, "Main", 704, "ast-701-v1-busy.xml");
  g_assert_cmpstr (row_text (fx, "Main", 704, "name_label"), ==, "4930555018");
  g_assert_cmpstr (row_text (fx, "Main", 704, "detail_label"), ==, "Parked by Carol");

  /* Our own park keeps its wording, whatever the feed says. */
  park_our_call (fx, "c1", "2001", "Caller One", 701);
  feed (fx, PL_PARK_FEED_EVENT_PARKED, 701, "Caller One", "2001", "Alice", NULL);
  g_assert_cmpstr (row_text (fx, "Main", 701, "name_label"), ==, "Caller One");
  g_assert_nonnull (strstr (row_text (fx, "Main", 701, "detail_label"), "yours"));
  g_assert_null (strstr (row_text (fx, "Main", 701, "detail_label"), "parked by"));

  pl_ui_test_check_accessible_names (GTK_WIDGET (fx->sidebar));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->sidebar), "park-sidebar-feed");

  /* Someone took it: the freed slot says who, in its own style. */
  feed (fx, PL_PARK_FEED_EVENT_UNPARKED, 702, "Dana Whitfield", "401", "Bob", "Carol");
  free_slot (fx, "Main", 702);
  g_assert_cmpstr (row_text (fx, "Main", 702, "name_label"), ==, "Free");
  g_assert_cmpstr (row_text (fx, "Main", 702, "detail_label"), ==, "Taken by Carol");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (teammate), "ended"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (teammate), "free"));
  assert_accessible_label (teammate, "Slot 702, Free, Taken by Carol");
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->sidebar), "park-sidebar-ended");

  /* The note goes after a while: a plain free slot again. */
  pl_park_lot_tick (pl_park_service_find_lot (service (fx), "Main"),
                    g_get_real_time () + PL_PARK_ENDED_NOTE_TIME + G_USEC_PER_SEC);
  g_assert_false (gtk_widget_get_visible (row_child (teammate, "detail_label")));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (teammate), "ended"));
}

/* A call we parked is taken by a teammate: we hear "Taken by Bob". Our own
 * retrieve of it is no news. */
static void
taken_notification (gpointer data)
{
  Fixture *fx = data;
  const char *title = NULL;
  const char *body = NULL;

  all_free (fx, "Main");
  park_our_call (fx, "c1", "2001", "Caller One", 701);

  /* The feed may name the taker before the slot frees, or after. */
  feed (fx, PL_PARK_FEED_EVENT_UNPARKED, 701, "Caller One", "2001", "Alice", "Bob");
  free_slot (fx, "Main", 701);
  g_assert_true (PL_TEST_WAIT (count_added (fx, "taken-") == 1, 5000));
  g_assert_cmpuint (count_added (fx, "taken-Main:701"), ==, 1);
  g_assert_true (g_variant_lookup (fx->notifications.last, "title", "&s", &title));
  g_assert_cmpstr (title, ==, "Taken by Bob");
  g_assert_true (g_variant_lookup (fx->notifications.last, "body", "&s", &body));
  g_assert_cmpstr (body, ==, "You parked Caller One on 701");

  /* A teammate's park taken by someone else: not ours to hear about. */
  notify_fixture (fx, "Main", 703, "ast-701-v1-busy.xml");
  feed (fx, PL_PARK_FEED_EVENT_PARKED, 703, "Caller Three", "2003", "Bob", NULL);
  free_slot (fx, "Main", 703);
  feed (fx, PL_PARK_FEED_EVENT_UNPARKED, 703, "Caller Three", "2003", "Bob", "Carol");

  /* Parked by us, taken by us: no news either. */
  park_our_call (fx, "c2", "2002", "Caller Two", 702);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.retrieve-slot", "s", "Main:702"));
  {
    g_autofree char *dial = g_strdup_printf ("dial - sip:702@%s", fx->domain);
    g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial), 5000));
  }
  feed (fx, PL_PARK_FEED_EVENT_UNPARKED, 702, "Caller Two", "2002", "Alice", "Alice");
  free_slot (fx, "Main", 702);
  pl_test_spin (300);
  g_assert_cmpuint (count_added (fx, "taken-"), ==, 1);
}

/* A FreeSWITCH retrieve that lost a race: answered, and no sound ever. The
 * call pane says so instead of leaving the user in silence; sound arriving
 * after all takes the hint back. */
static void
silent_retrieve (gpointer data)
{
  Fixture *fx = data;
  GtkWidget *pane = pl_ui_test_template_child (fx->window, PL_TYPE_WINDOW, "call_pane");
  GtkWidget *note = pl_ui_test_template_child (pane, PL_TYPE_CALL_PANE, "note_label");
  g_autofree char *peer = g_strdup_printf ("sip:6042@%s", fx->domain);
  g_autofree char *dial = g_strdup_printf ("dial - %s", peer);
  PlCall *call;

  gtk_window_set_default_size (GTK_WINDOW (fx->window), 900, 700);
  all_free (fx, "Valet");
  notify_fixture (fx, "Valet", 6042, "fs-6001-v1-busy.xml");
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (fx->window), "win.retrieve-slot", "s", "Valet:6042"));
  g_assert_true (PL_TEST_WAIT (pl_ui_test_log_has (fx->engine, dial), 5000));
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "r1",
                         PL_CALL_DIRECTION_OUTGOING, peer, NULL);
  call = pl_call_manager_find_call (pl_core_get_call_manager (fx->core), "r1");
  g_assert_nonnull (call);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (note)), ==, "Retrieving from 6042");

  /* The winner of the race took the caller: the slot reads free here. */
  notify_fixture (fx, "Valet", 6042, "fs-6001-v2-free.xml");
  g_assert_true (
      PL_TEST_WAIT (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (note)), "No sound"), 10000));
  g_assert_true (gtk_widget_get_visible (note));
  pl_ui_test_save_screenshot (GTK_WIDGET (fx->window), "silent-retrieve");

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED, "r1",
                         PL_CALL_DIRECTION_OUTGOING, peer, "audio");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (note)), ==, "Retrieving from 6042");
  g_assert_true (pl_call_is_live (call));
}

int
main (int argc, char *argv[])
{
  static const Case cases[] = {
    { "/ui/park-sidebar/rows-follow-model", rows_follow_model, LOTS_MAIN },
    { "/ui/park-sidebar/retrieve-keys", retrieve_keys, LOTS_MAIN },
    { "/ui/park-sidebar/park-asterisk", park_asterisk, LOTS_MAIN },
    { "/ui/park-sidebar/park-freepbx", park_freepbx, LOTS_MAIN_SALES },
    { "/ui/park-sidebar/notification", notification, LOTS_MAIN },
    { "/ui/park-sidebar/big-lot", big_lot, LOTS_MAIN_VALET },
    { "/ui/park-sidebar/screenshot", screenshot, LOTS_MAIN_SALES },
    { "/ui/park-sidebar/feed-identity", feed_identity, LOTS_MAIN },
    { "/ui/park-sidebar/taken-notification", taken_notification, LOTS_MAIN },
    { "/ui/park-sidebar/silent-retrieve", silent_retrieve, LOTS_MAIN_VALET },
    { "/ui/park-sidebar/server-not-answering", server_not_answering, LOTS_MAIN, TRUE },
    { "/ui/park-sidebar/park-and-page", park_and_page, LOTS_MAIN_PAGING },
  };
  g_autofree char *scratch = NULL;
  int status;

  scratch = pl_ui_test_init (&argc, &argv, "pl-park-ui-XXXXXX");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add (cases[i].path, Fixture, &cases[i], fixture_setup, run_test, fixture_teardown);
  status = g_test_run ();
  pl_test_remove_tree (scratch);
  return status;
}
