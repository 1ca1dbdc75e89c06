/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <X11/Xlib.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "pl-account-dialog.h"
#include "pl-application.h"
#include "pl-call-pane.h"
#include "pl-park-sidebar.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"
#include "pl-window.h"

/* Each test runs in its own process (see meson.build): a GApplication
 * registers on the session bus once per process. */

/* A fake org.gtk.Notifications server, as GNOME Shell provides. ------------ */

typedef struct
{
  GPtrArray *added;   /* notification ids */
  GPtrArray *removed; /* notification ids */
  GVariant *last;     /* the last notification's a{sv} */
} NotificationServer;

static const char notifications_xml[]
    = "<node><interface name='org.gtk.Notifications'>"
      "<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
      "<arg type='a{sv}' direction='in'/></method>"
      "<method name='RemoveNotification'><arg type='s' direction='in'/>"
      "<arg type='s' direction='in'/></method>"
      "</interface></node>";

static void
notifications_method (GDBusConnection *connection, const char *sender, const char *path,
                      const char *interface, const char *method, GVariant *parameters,
                      GDBusMethodInvocation *invocation, gpointer user_data)
{
  NotificationServer *server = user_data;
  const char *id = NULL;

  if (g_str_equal (method, "AddNotification"))
    {
      GVariant *notification = NULL;
      g_variant_get (parameters, "(&s&s@a{sv})", NULL, &id, &notification);
      g_ptr_array_add (server->added, g_strdup (id));
      g_clear_pointer (&server->last, g_variant_unref);
      server->last = notification;
    }
  else
    {
      g_variant_get (parameters, "(&s&s)", NULL, &id);
      g_ptr_array_add (server->removed, g_strdup (id));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

typedef struct
{
  NotificationServer notifications;
  guint notifications_id;
  PlAccount *account;
  PlScriptEngine *engine;
  PlCore *core;
  PlApplication *app;
  PlWindow *window;
  gpointer with_window; /* weak: set by a body, must not outlive the window */
  void (*body) (gpointer fx, gconstpointer data);
  const char *const *argv; /* the command line, NULL for none */
} Fixture;

/* Owned before the first notification: GIO picks its backend then, and
 * without a server it would warn (fatal here). */
static void
start_notification_server (Fixture *fx)
{
  static const GDBusInterfaceVTable vtable = { notifications_method };
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (fx->app));
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bus);
  fx->notifications.added = g_ptr_array_new_with_free_func (g_free);
  fx->notifications.removed = g_ptr_array_new_with_free_func (g_free);
  fx->notifications_id
      = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                           &vtable, &fx->notifications, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
      g_variant_new ("(su)", "org.gtk.Notifications", 4), G_VARIANT_TYPE ("(u)"),
      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

typedef void (*TestBody) (Fixture *fx, gconstpointer data);

/* Xvfb starts with the pointer in the middle of the screen, over the window:
 * tooltips would then start timers that GTK 4.8 lets fire after the window
 * is gone. Park the pointer in a corner the window never covers. */
static void
park_pointer (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  Display *xdisplay;

  if (!GDK_IS_X11_DISPLAY (display))
    return;
  xdisplay = gdk_x11_display_get_xdisplay (display);
  XWarpPointer (xdisplay, None, DefaultRootWindow (xdisplay), 0, 0, 0, 0,
                DisplayWidth (xdisplay, DefaultScreen (xdisplay)) - 1,
                DisplayHeight (xdisplay, DefaultScreen (xdisplay)) - 1);
  XSync (xdisplay, False);
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = NULL;

  settings = g_settings_new (APP_ID);

  fx->account = pl_account_new ("test");
  pl_account_set_display_name (fx->account, "Desk 100");
  pl_account_set_user (fx->account, "100");
  pl_account_set_domain (fx->account, "pbx.test");
  fx->engine = pl_script_engine_new (NULL);
  fx->core = pl_core_new (PL_ENGINE (fx->engine), settings, NULL);
  /* An account for this run only: no keyring involved. */
  pl_core_use_account (fx->core, fx->account);
  fx->app = pl_application_new_with_core (fx->core);
  g_signal_connect_swapped (fx->app, "startup", G_CALLBACK (start_notification_server), fx);
}

static void
finalize_and_wait (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  /* Idle-completed engine actions and D-Bus replies hold references until
   * they run. */
  if (!PL_TEST_WAIT (weak == NULL, 5000))
    g_error ("%s was not finalized", G_OBJECT_TYPE_NAME (weak));
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  finalize_and_wait (fx->app);
  finalize_and_wait (fx->core);
  finalize_and_wait (fx->engine);
  finalize_and_wait (fx->account);
  g_ptr_array_unref (fx->notifications.added);
  g_ptr_array_unref (fx->notifications.removed);
  g_clear_pointer (&fx->notifications.last, g_variant_unref);
}

/* The body runs inside g_application_run (), as the application would:
 * GtkApplication only lets go of itself after a real shutdown. */
static gboolean
body_idle (gpointer user_data)
{
  Fixture *fx = user_data;
  GtkApplication *app = GTK_APPLICATION (fx->app);
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));

  g_assert_true (PL_TEST_WAIT (gtk_application_get_windows (app) != NULL, 5000));
  fx->window = gtk_application_get_windows (app)->data;
  g_assert_true (PL_IS_WINDOW (fx->window));
  g_object_add_weak_pointer (G_OBJECT (fx->window), (gpointer *)&fx->window);
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (fx->window)), 5000));
  g_assert_cmpint (pl_engine_get_state (PL_ENGINE (fx->engine)), ==, PL_ENGINE_STATE_RUNNING);

  fx->body (fx, NULL);

  for (GList *l; (l = gtk_application_get_windows (app)) != NULL;)
    gtk_window_destroy (l->data);
  g_assert_true (PL_TEST_WAIT (fx->window == NULL, 5000));
  g_assert_null (fx->with_window);
  g_dbus_connection_unregister_object (bus, fx->notifications_id);
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
run_test (Fixture *fx, gconstpointer data)
{
  fx->body = (void (*) (gpointer, gconstpointer))data;
  g_idle_add (body_idle, fx);
  g_assert_cmpint (g_application_run (G_APPLICATION (fx->app),
                                      fx->argv ? (int)g_strv_length ((char **)fx->argv) : 0,
                                      (char **)fx->argv),
                   ==, 0);
  g_assert_null (fx->window);
}

static GtkWidget *
child (Fixture *fx, GType type, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fx->window), type, name);
  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static GtkWidget *dialog_child (PlAccountDialog *dialog, const char *name);

static GtkWidget *
pane_child (Fixture *fx, const char *name)
{
  GtkWidget *pane = child (fx, PL_TYPE_WINDOW, "call_pane");
  GObject *object = gtk_widget_get_template_child (pane, PL_TYPE_CALL_PANE, name);
  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
enabled (Fixture *fx, const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), action);
}

static gboolean
bool_state (Fixture *fx, const char *action)
{
  g_autoptr (GVariant) state
      = g_action_group_get_action_state (G_ACTION_GROUP (fx->window), action);
  return g_variant_get_boolean (state);
}

static gboolean
log_has (Fixture *fx, const char *line)
{
  GPtrArray *log = pl_script_engine_get_log (fx->engine);

  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (g_ptr_array_index (log, i), line) == 0)
      return TRUE;
  return FALSE;
}

static PlCallManager *
manager (Fixture *fx)
{
  return pl_application_get_call_manager (fx->app);
}

static PlCall *
incoming (Fixture *fx, const char *id, const char *peer)
{
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_INCOMING, id, PL_CALL_DIRECTION_INCOMING,
                         peer, NULL);
  return pl_call_manager_find_call (manager (fx), id);
}

static void
establish (Fixture *fx, PlCall *call)
{
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, pl_call_get_id (call),
                         pl_call_get_direction (call), pl_call_get_peer_uri (call), NULL);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
}

static void
close_call (Fixture *fx, PlCall *call)
{
  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_CLOSED, pl_call_get_id (call),
                         pl_call_get_direction (call), pl_call_get_peer_uri (call),
                         "Connection reset by user");
}

static void
activate (Fixture *fx, const char *action, GVariant *parameter)
{
  g_autofree char *name = g_strdup_printf ("win.%s", action);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fx->window), name, parameter));
}

static void
type_into (GtkWidget *editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), "");
  for (const char *p = text; *p; p++)
    {
      int position = -1;
      gtk_editable_set_position (GTK_EDITABLE (editable), -1);
      position = gtk_editable_get_position (GTK_EDITABLE (editable));
      gtk_editable_insert_text (GTK_EDITABLE (editable), p, 1, &position);
    }
}

/* Renders the window as it is drawn and writes it to the artifact dir. */
static void
save_widget_screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *dir = pl_test_artifact_dir ("ui");
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width, height;
  GStatBuf st;

  /* Let revealers and the layout settle before the picture. */
  pl_test_spin (400);
  gtk_test_widget_wait_for_draw (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 2000);
  g_test_message ("screenshot: %s", path);
}

static void
save_screenshot (Fixture *fx, const char *name)
{
  save_widget_screenshot (GTK_WIDGET (fx->window), name);
}

/* Real key presses through the X server (XTEST), so the accelerator table,
 * the shortcut controllers and the key handler are all exercised. */
static gboolean
send_keys (Fixture *fx, const char *const *keys)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (fx->window));
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  int status = -1;

  if (xdotool == NULL || !GDK_IS_X11_SURFACE (surface))
    return FALSE;

  g_ptr_array_add (argv, g_strdup (xdotool));
  g_ptr_array_add (argv, g_strdup ("windowfocus"));
  g_ptr_array_add (argv, g_strdup ("--sync"));
  g_ptr_array_add (argv, g_strdup_printf ("%lu", (gulong)gdk_x11_surface_get_xid (surface)));
  g_ptr_array_add (argv, g_strdup ("key"));
  g_ptr_array_add (argv, g_strdup ("--delay"));
  g_ptr_array_add (argv, g_strdup ("20"));
  for (guint i = 0; keys[i]; i++)
    g_ptr_array_add (argv, g_strdup (keys[i]));
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}

#define SEND_KEYS_OR_SKIP(fx, ...)                                                                 \
  G_STMT_START                                                                                     \
  {                                                                                                \
    static const char *const keys_[] = { __VA_ARGS__, NULL };                                      \
    if (!send_keys ((fx), keys_))                                                                  \
      {                                                                                            \
        g_test_skip ("needs xdotool on an X11 display");                                           \
        return;                                                                                    \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

/* Tests -------------------------------------------------------------------- */

static void
test_builds (Fixture *fx, gconstpointer data)
{
  GtkWidget *title = child (fx, PL_TYPE_WINDOW, "account_title_label");
  GtkWidget *status = child (fx, PL_TYPE_WINDOW, "account_status_label");
  GtkWidget *setup = child (fx, PL_TYPE_WINDOW, "setup_button");
  GtkWidget *slot = child (fx, PL_TYPE_WINDOW, "sidebar_slot");
  GtkWidget *sidebar = gtk_label_new ("Park lots");

  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "100@pbx.test");
  g_assert_false (gtk_widget_get_visible (setup));
  g_assert_false (gtk_widget_get_visible (child (fx, PL_TYPE_WINDOW, "call_pane")));
  g_assert_true (gtk_revealer_get_reveal_child (
      GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "dialpad_revealer"))));

  /* Registration state reaches the header, with a human error. */
  pl_account_set_registration (fx->account, PL_REGISTRATION_REGISTERED, NULL);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Online");
  g_assert_false (gtk_widget_has_css_class (status, "error"));
  pl_account_set_registration (fx->account, PL_REGISTRATION_FAILED, "401 Unauthorized");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "Wrong user or password");
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  save_screenshot (fx, "registration-failed");
  pl_account_set_registration (fx->account, PL_REGISTRATION_REGISTERED, NULL);

  /* Tooltips name the shortcut from the one accelerator table. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pane_child (fx, "answer_button")), ==,
                   "Answer (Ctrl+Return)");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pane_child (fx, "transfer_button")), ==,
                   "Transfer (Shift+Ctrl+T)");

  /* The application puts the park sidebar there; another widget can take
   * its place. */
  g_assert_true (gtk_widget_get_visible (slot));
  g_assert_true (PL_IS_PARK_SIDEBAR (gtk_widget_get_first_child (slot)));
  pl_window_set_sidebar (fx->window, sidebar);
  g_assert_true (gtk_widget_get_visible (slot));
  g_assert_true (gtk_widget_get_parent (sidebar) == slot);

  save_screenshot (fx, "idle");
}

static void
test_no_account (Fixture *fx, gconstpointer data)
{
  GtkWidget *setup = child (fx, PL_TYPE_WINDOW, "setup_button");
  GtkWidget *status = child (fx, PL_TYPE_WINDOW, "account_status_label");

  g_assert_true (enabled (fx, "dial"));
  pl_engine_set_account (PL_ENGINE (fx->engine), NULL);
  g_assert_true (gtk_widget_get_visible (setup));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), ==, "No account");
  g_assert_false (enabled (fx, "dial"));
  save_screenshot (fx, "no-account");

  pl_engine_set_account (PL_ENGINE (fx->engine), fx->account);
  g_assert_false (gtk_widget_get_visible (setup));
  g_assert_true (enabled (fx, "dial"));

  /* No dialling while the engine is down either. */
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RESTARTING);
  g_assert_false (enabled (fx, "dial"));
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RUNNING);
  g_assert_true (enabled (fx, "dial"));
}

static void
assert_actions (Fixture *fx, const char *const *on)
{
  static const char *const all[]
      = { "answer", "decline",       "hangup",       "hold",      "mute",          "transfer",
          "dtmf",   "show-transfer", "show-dialpad", "next-call", "previous-call", NULL };

  for (guint i = 0; all[i]; i++)
    {
      gboolean expected = g_strv_contains (on, all[i]);
      if (enabled (fx, all[i]) != expected)
        g_error ("win.%s should be %s", all[i], expected ? "enabled" : "disabled");
    }
}

static void
test_actions_follow_state (Fixture *fx, gconstpointer data)
{
  static const char *const none[] = { NULL };
  static const char *const ringing[] = { "answer", "decline", NULL };
  static const char *const talking[]
      = { "hangup", "hold", "mute", "transfer", "show-transfer", "show-dialpad", "dtmf", NULL };
  static const char *const held[] = { "hangup", "hold", "mute", "transfer", "show-transfer", NULL };
  PlCall *call;

  assert_actions (fx, none);

  call = incoming (fx, "c1", "sip:alice@pbx.test");
  g_assert_nonnull (call);
  g_object_ref (call);
  assert_actions (fx, ringing);
  g_assert_true (gtk_widget_get_visible (child (fx, PL_TYPE_WINDOW, "call_pane")));
  g_assert_true (gtk_widget_get_visible (pane_child (fx, "incoming_box")));
  save_screenshot (fx, "incoming");

  activate (fx, "answer", NULL);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c1 "), 2000));
  establish (fx, call);
  assert_actions (fx, talking);
  g_assert_false (bool_state (fx, "hold"));
  g_assert_true (gtk_widget_get_visible (pane_child (fx, "controls_box")));
  g_assert_false (gtk_widget_get_visible (pane_child (fx, "incoming_box")));

  activate (fx, "mute", NULL);
  g_assert_true (pl_call_get_muted (call));
  g_assert_true (bool_state (fx, "mute"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "mute c1 1"), 2000));

  activate (fx, "dtmf", g_variant_new_string ("5"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dtmf c1 5"), 2000));
  save_screenshot (fx, "active");

  /* The hold toggle: the state comes from the call once the engine agrees. */
  activate (fx, "hold", NULL);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_HELD, 2000));
  g_assert_true (log_has (fx, "hold c1 "));
  g_assert_true (bool_state (fx, "hold"));
  assert_actions (fx, held);
  save_screenshot (fx, "held");
  activate (fx, "hold", NULL);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE, 2000));
  g_assert_true (log_has (fx, "resume c1 "));
  g_assert_false (bool_state (fx, "hold"));

  activate (fx, "transfer", g_variant_new_string ("202"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "transfer c1 sip:202@pbx.test"), 2000));

  activate (fx, "hangup", NULL);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "hangup c1 "), 2000));
  close_call (fx, call);
  assert_actions (fx, none);
  g_assert_false (gtk_widget_get_visible (child (fx, PL_TYPE_WINDOW, "call_pane")));
  g_object_unref (call);
}

/* A refused action leaves the toggle where the call is. */
static void
test_failed_hold (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");

  activate (fx, "answer", NULL);
  establish (fx, call);
  pl_script_engine_fail_next (fx->engine, PL_ENGINE_ACTION_HOLD, "488 Not Acceptable Here");
  activate (fx, "hold", NULL);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "hold c1 "), 2000));
  pl_test_spin (50);
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  g_assert_false (bool_state (fx, "hold"));
  close_call (fx, call);
}

static GtkWidget *
shortcuts_window (Fixture *fx)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (GTK_IS_SHORTCUTS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static void
test_accel_table (Fixture *fx, gconstpointer data)
{
  guint n = 0;
  const PlAccelEntry *table = pl_application_get_accel_table (&n);
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (n, >=, 12);
  for (guint i = 0; i < n; i++)
    {
      const char *prefix_end = strchr (table[i].action, '.');
      g_autofree char *group = g_strndup (table[i].action, prefix_end - table[i].action);
      g_autofree char *name = NULL;
      g_autoptr (GVariant) target = NULL;
      GActionGroup *actions = NULL;

      /* Detailed names ("win.retrieve-nth(1)") carry a target. */
      g_assert_true (g_action_parse_detailed_name (prefix_end + 1, &name, &target, NULL));

      if (g_str_equal (group, "app"))
        actions = G_ACTION_GROUP (fx->app);
      else if (g_str_equal (group, "win"))
        actions = G_ACTION_GROUP (fx->window);

      /* Every action in the table exists where its prefix says. */
      if (actions != NULL)
        g_assert_true (g_action_group_has_action (actions, name));

      for (guint k = 0; table[i].accels[k]; k++)
        {
          g_auto (GStrv) mapped = gtk_application_get_actions_for_accel (GTK_APPLICATION (fx->app),
                                                                         table[i].accels[k]);
          guint key = 0;
          GdkModifierType mods = 0;

          g_assert_true (gtk_accelerator_parse (table[i].accels[k], &key, &mods));
          g_assert_true (g_strv_contains ((const char *const *)mapped, table[i].action));
          /* No key does two things. */
          g_assert_false (g_hash_table_contains (seen, table[i].accels[k]));
          g_hash_table_add (seen, (gpointer)table[i].accels[k]);
          /* Call keys never take a text-editing combination. */
          if (g_str_has_prefix (table[i].action, "win.") && key < 0x100 && g_ascii_isalpha (key))
            g_assert_true ((mods & GDK_SHIFT_MASK) || key == GDK_KEY_l);
        }
    }
  g_hash_table_unref (seen);

  /* Ctrl+? opens the shortcuts window built from ui/gtk/help-overlay.ui. */
  activate (fx, "show-help-overlay", NULL);
  g_assert_true (PL_TEST_WAIT (shortcuts_window (fx) != NULL, 5000));
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (shortcuts_window (fx)), 5000));
  save_widget_screenshot (shortcuts_window (fx), "shortcuts");
  gtk_window_close (GTK_WINDOW (shortcuts_window (fx)));
}

static gboolean
focus_in (Fixture *fx, GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fx->window));
  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static void
test_accel_keys (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");
  GtkWidget *entry = child (fx, PL_TYPE_WINDOW, "dial_entry");

  g_assert_true (enabled (fx, "answer"));
  SEND_KEYS_OR_SKIP (fx, "ctrl+Return");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c1 "), 3000));
  establish (fx, call);

  SEND_KEYS_OR_SKIP (fx, "ctrl+shift+h");
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_HELD, 3000));
  SEND_KEYS_OR_SKIP (fx, "ctrl+shift+h");
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE, 3000));
  SEND_KEYS_OR_SKIP (fx, "ctrl+shift+m");
  g_assert_true (PL_TEST_WAIT (pl_call_get_muted (call), 3000));

  /* Digits become tones while the dial entry does not have the focus. */
  gtk_root_set_focus (GTK_ROOT (fx->window), NULL);
  SEND_KEYS_OR_SKIP (fx, "4", "numbersign");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dtmf c1 4") && log_has (fx, "dtmf c1 #"), 3000));

  /* Ctrl+L goes to the dial entry; digits typed there stay text. */
  SEND_KEYS_OR_SKIP (fx, "ctrl+l");
  g_assert_true (PL_TEST_WAIT (focus_in (fx, entry), 3000));
  SEND_KEYS_OR_SKIP (fx, "2", "0", "1");
  g_assert_true (
      PL_TEST_WAIT (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), "201"), 3000));
  g_assert_false (log_has (fx, "dtmf c1 2"));

  SEND_KEYS_OR_SKIP (fx, "ctrl+shift+e");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "hangup c1 "), 3000));
  close_call (fx, call);
}

/* Plain Enter answers a ringing call when the dial entry is empty. */
static void
test_enter_answers (Fixture *fx, gconstpointer data)
{
  GtkWidget *entry = child (fx, PL_TYPE_WINDOW, "dial_entry");
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");

  gtk_widget_grab_focus (entry);
  SEND_KEYS_OR_SKIP (fx, "Return");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c1 "), 3000));
  close_call (fx, call);
}

static void
test_dial_error (Fixture *fx, gconstpointer data)
{
  GtkWidget *entry = child (fx, PL_TYPE_WINDOW, "dial_entry");
  GtkWidget *label = child (fx, PL_TYPE_WINDOW, "dial_error_label");
  GPtrArray *log = pl_script_engine_get_log (fx->engine);

  type_into (entry, "hello world");
  /* No scolding while typing... */
  g_assert_false (gtk_widget_get_visible (label));
  g_signal_emit_by_name (entry, "activate");
  /* ...but a clear one on Enter, and nothing dialled. */
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (entry), ==,
                   gtk_label_get_label (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), !=, "");
  g_assert_cmpuint (log->len, ==, 0);
  save_screenshot (fx, "dial-error");

  /* The error follows the fix. */
  type_into (entry, "201");
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));

  g_signal_emit_by_name (entry, "activate");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dial - sip:201@pbx.test"), 2000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (gtk_widget_get_visible (child (fx, PL_TYPE_WINDOW, "call_pane")));
  g_assert_true (enabled (fx, "hangup"));
  activate (fx, "hangup", NULL);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "hangup - "), 2000));
}

static void
test_dialpad (Fixture *fx, gconstpointer data)
{
  GtkWidget *entry = child (fx, PL_TYPE_WINDOW, "dial_entry");
  GtkWidget *dialpad = child (fx, PL_TYPE_WINDOW, "dialpad");
  PlCall *call;

  /* Idle: keys fill the dial entry. */
  gtk_widget_activate_action (dialpad, "dialpad.press", "s", "7");
  gtk_widget_activate_action (dialpad, "dialpad.press", "s", "#");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "7#");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");

  /* In a call: the keypad toggle shows it, keys send tones. */
  call = incoming (fx, "c1", "sip:alice@pbx.test");
  activate (fx, "answer", NULL);
  establish (fx, call);
  g_assert_false (gtk_revealer_get_reveal_child (
      GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "dialpad_revealer"))));
  activate (fx, "show-dialpad", NULL);
  g_assert_true (gtk_revealer_get_reveal_child (
      GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "dialpad_revealer"))));
  gtk_widget_activate_action (dialpad, "dialpad.press", "s", "9");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dtmf c1 9"), 2000));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  save_screenshot (fx, "keypad");
  close_call (fx, call);
}

static void
test_transfer_popover (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");
  GtkWidget *popover = pane_child (fx, "transfer_popover");
  GtkWidget *entry = pane_child (fx, "transfer_entry");
  GtkWidget *error_label = pane_child (fx, "transfer_error_label");
  GtkWidget *button = pane_child (fx, "transfer_button");
  GtkWidget *focus;

  activate (fx, "answer", NULL);
  establish (fx, call);
  activate (fx, "show-transfer", NULL);
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (popover), 2000));

  type_into (entry, "not a number");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_false (log_has (fx, "transfer c1 sip:not a number@pbx.test"));
  save_screenshot (fx, "transfer-error");

  type_into (entry, "203");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "transfer c1 sip:203@pbx.test"), 2000));
  g_assert_true (PL_TEST_WAIT (!gtk_widget_get_mapped (popover), 2000));
  /* The focus goes back to the button at once; left in the hidden popover,
   * GTK 4.8 leaked the popover when the call ended in the same frame. */
  focus = gtk_root_get_focus (GTK_ROOT (fx->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, button));
  g_assert_false (focus == popover || gtk_widget_is_ancestor (focus, popover));
  fx->with_window = popover;
  g_object_add_weak_pointer (G_OBJECT (popover), &fx->with_window);
  close_call (fx, call);
}

static void
test_call_list (Fixture *fx, gconstpointer data)
{
  GtkWidget *calls_box = child (fx, PL_TYPE_WINDOW, "calls_box");
  PlCall *first = incoming (fx, "c1", "sip:alice@pbx.test");
  PlCall *second;

  activate (fx, "answer", NULL);
  establish (fx, first);
  g_assert_false (gtk_widget_get_visible (calls_box));
  g_assert_false (enabled (fx, "next-call"));

  second = incoming (fx, "c2", "sip:bob@pbx.test");
  g_assert_true (gtk_widget_get_visible (calls_box));
  g_assert_true (enabled (fx, "next-call"));

  /* The waiting call can be answered with the same key; that puts the
   * first on hold (the manager's rule). */
  g_assert_true (enabled (fx, "answer"));
  g_assert_true (enabled (fx, "hold"));
  g_assert_true (gtk_revealer_get_reveal_child (
      GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "waiting_revealer"))));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (fx, PL_TYPE_WINDOW, "waiting_label"))),
                   ==, "bob is calling");
  save_screenshot (fx, "call-waiting");
  activate (fx, "answer", NULL);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c2 "), 2000));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (first) == PL_CALL_STATE_HELD, 2000));
  establish (fx, second);
  save_screenshot (fx, "two-calls");

  g_assert_false (gtk_revealer_get_reveal_child (
      GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "waiting_revealer"))));

  /* Clicking the held call in the list brings it back. */
  g_signal_emit_by_name (child (fx, PL_TYPE_WINDOW, "calls_view"), "activate", 0);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (first) == PL_CALL_STATE_ACTIVE, 2000));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (second) == PL_CALL_STATE_HELD, 2000));
  g_assert_true (log_has (fx, "resume c1 "));

  activate (fx, "next-call", NULL);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (second) == PL_CALL_STATE_ACTIVE, 2000));

  close_call (fx, first);
  close_call (fx, second);
  g_assert_false (gtk_widget_get_visible (calls_box));
}

static gboolean
has_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0
      && gtk_widget_is_visible (widget))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_label (c, text))
      return TRUE;
  return FALSE;
}

static void
test_problem_banner (Fixture *fx, gconstpointer data)
{
  GtkRevealer *revealer = GTK_REVEALER (child (fx, PL_TYPE_WINDOW, "problem_revealer"));
  GtkWidget *label = child (fx, PL_TYPE_WINDOW, "problem_label");

  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RESTARTING);
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  save_screenshot (fx, "engine-restarting");
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RUNNING);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  pl_engine_emit_problem (PL_ENGINE (fx->engine), PL_ENGINE_ERROR_NO_AUDIO,
                          "No microphone or speaker was found");
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==,
                   "No microphone or speaker was found");
  activate (fx, "dismiss-problem", NULL);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  /* Messages from the call manager become toasts. */
  g_signal_emit_by_name (manager (fx), "message", "Could not transfer the call: 403 Forbidden");
  g_assert_true (PL_TEST_WAIT (has_label (child (fx, PL_TYPE_WINDOW, "toast_overlay"),
                                          "Could not transfer the call: 403 Forbidden"),
                               5000));

  /* Core trouble reaches the same banner through the application. */
  g_signal_emit_by_name (fx->core, "problem", "Call history is off: the disk is full");
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==,
                   "Call history is off: the disk is full");
}

static void
test_open_uri (Fixture *fx, gconstpointer data)
{
  g_autoptr (GFile) sip = g_file_new_for_uri ("sip:201@pbx.test");
  g_autoptr (GFile) tel = g_file_new_for_uri ("tel:+49-30-1234");
  GFile *files[] = { sip, tel };

  g_application_open (G_APPLICATION (fx->app), files, 2, "");
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dial - sip:201@pbx.test"), 2000));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dial - sip:+49301234@pbx.test"), 2000));
}

/* Every control a user can reach has a name a screen reader can say. */
static void
check_accessible_names (GtkWidget *widget, guint *n_checked)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  gboolean is_control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)
                        || GTK_IS_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget);

  /* GTK's own window buttons and the inner toggle of a menu button are
   * named by GTK or by their owner. */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;
  if (is_control && !(GTK_IS_MENU_BUTTON (parent)))
    {
      gboolean named
          = gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL)
            || (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL);

      if (!named)
        g_error ("%s %s (tooltip “%s”) has no accessible name", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_name (widget), gtk_widget_get_tooltip_text (widget));
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    check_accessible_names (child, n_checked);
}

static void
test_accessible_names (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");
  guint n_checked = 0;

  activate (fx, "answer", NULL);
  establish (fx, call);
  check_accessible_names (GTK_WIDGET (fx->window), &n_checked);
  /* Dial entry and button, 12 keys, 7 call buttons, transfer entry and
   * button, header and banner buttons. */
  g_assert_cmpuint (n_checked, >=, 24);
  close_call (fx, call);
}

static void
fixture_setup_no_account (Fixture *fx, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  fx->account = pl_account_new ("unused");
  fx->engine = pl_script_engine_new (NULL);
  fx->core = pl_core_new (PL_ENGINE (fx->engine), settings, NULL);
  fx->app = pl_application_new_with_core (fx->core);
  g_signal_connect_swapped (fx->app, "startup", G_CALLBACK (start_notification_server), fx);
}

static PlAccountDialog *
find_account_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  PlAccountDialog *found = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (PL_IS_ACCOUNT_DIALOG (l->data) && gtk_widget_get_mapped (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* First run: "Set Up Account…" → dialog → Save → the engine has the account
 * and dialling works. */
static void
test_first_run (Fixture *fx, gconstpointer data)
{
  GtkWidget *setup = child (fx, PL_TYPE_WINDOW, "setup_button");
  GtkWidget *title = child (fx, PL_TYPE_WINDOW, "account_title_label");
  PlAccountDialog *dialog;

  g_assert_true (PL_TEST_WAIT (gtk_widget_get_visible (setup), 5000));
  g_assert_null (pl_engine_get_account (PL_ENGINE (fx->engine)));
  g_assert_false (enabled (fx, "dial"));

  g_signal_emit_by_name (setup, "clicked");
  g_assert_true (PL_TEST_WAIT ((dialog = find_account_dialog ()) != NULL, 5000));
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "user_row")), " 201 ");
  gtk_editable_set_text (GTK_EDITABLE (dialog_child (dialog, "domain_row")), "pbx.example.com");
  g_signal_emit_by_name (dialog_child (dialog, "save_button"), "clicked");

  g_assert_true (PL_TEST_WAIT (pl_engine_get_account (PL_ENGINE (fx->engine)) != NULL, 5000));
  g_assert_cmpstr (pl_account_get_user (pl_engine_get_account (PL_ENGINE (fx->engine))), ==, "201");
  g_assert_true (PL_TEST_WAIT (find_account_dialog () == NULL, 5000));
  g_assert_false (gtk_widget_get_visible (setup));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "201@pbx.example.com");
  g_assert_true (enabled (fx, "dial"));
}

static const char *const command_line[]
    = { "parkline", "sip:201@pbx.test", "tel:+1-555-0100", NULL };

static void
fixture_setup_command_line (Fixture *fx, gconstpointer data)
{
  fixture_setup (fx, data);
  fx->argv = command_line;
}

/* "parkline sip:201@pbx.test tel:…" dials both, in order. */
static void
test_command_line (Fixture *fx, gconstpointer data)
{
  GPtrArray *log = pl_script_engine_get_log (fx->engine);

  g_assert_true (PL_TEST_WAIT (log->len >= 2, 2000));
  g_assert_cmpstr (g_ptr_array_index (log, 0), ==, "dial - sip:201@pbx.test");
  g_assert_cmpstr (g_ptr_array_index (log, 1), ==, "dial - sip:+15550100@pbx.test");
}

/* URIs that arrive while the engine is still starting wait for it. */
static void
test_open_before_running (Fixture *fx, gconstpointer data)
{
  g_autoptr (GFile) sip = g_file_new_for_uri ("sip:201@pbx.test");

  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_STARTING);
  g_application_open (G_APPLICATION (fx->app), &sip, 1, "");
  pl_test_spin (50);
  g_assert_cmpuint (pl_script_engine_get_log (fx->engine)->len, ==, 0);
  pl_script_engine_set_state (fx->engine, PL_ENGINE_STATE_RUNNING);
  g_assert_true (PL_TEST_WAIT (log_has (fx, "dial - sip:201@pbx.test"), 2000));
}

/* Keeps running without a window while a call exists. */
static void
test_hold_while_calling (Fixture *fx, gconstpointer data)
{
  PlCall *call = incoming (fx, "c1", "sip:alice@pbx.test");
  g_autoptr (GError) error = NULL;

  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_assert_true (PL_TEST_WAIT (fx->window == NULL, 2000));
  /* The notification's Answer button works without a window. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "answer-call",
                                  g_variant_new_string ("c1"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c1 "), 2000));
  /* ...and brings the window back. */
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (fx->app)));
  fx->window = gtk_application_get_windows (GTK_APPLICATION (fx->app))->data;
  g_object_add_weak_pointer (G_OBJECT (fx->window), (gpointer *)&fx->window);
  g_assert_no_error (error);
  close_call (fx, call);
}

static gboolean
has_button (GVariant *notification, const char *action, const char *target)
{
  g_autoptr (GVariant) buttons
      = g_variant_lookup_value (notification, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  GVariantIter iter;
  GVariant *button;

  if (buttons == NULL)
    return FALSE;
  g_variant_iter_init (&iter, buttons);
  while ((button = g_variant_iter_next_value (&iter)))
    {
      const char *name = NULL;
      g_autoptr (GVariant) value = g_variant_lookup_value (button, "target", NULL);
      gboolean match = g_variant_lookup (button, "action", "&s", &name)
                       && g_str_equal (name, action) && value != NULL
                       && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                       && g_str_equal (g_variant_get_string (value, NULL), target);
      g_variant_unref (button);
      if (match)
        return TRUE;
    }
  return FALSE;
}

static void
test_notification (Fixture *fx, gconstpointer data)
{
  NotificationServer *server = &fx->notifications;
  PlCall *call;

  call = incoming (fx, "c1", "sip:alice@pbx.test");
  g_assert_true (PL_TEST_WAIT (server->added->len == 1, 5000));
  g_assert_cmpstr (g_ptr_array_index (server->added, 0), ==, "incoming-c1");
  g_assert_true (has_button (server->last, "app.answer-call", "c1"));
  g_assert_true (has_button (server->last, "app.decline-call", "c1"));

  /* What the shell does when Answer is clicked. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "answer-call",
                                  g_variant_new_string ("c1"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "answer c1 "), 2000));
  establish (fx, call);
  g_assert_true (PL_TEST_WAIT (server->removed->len == 1, 5000));
  g_assert_cmpstr (g_ptr_array_index (server->removed, 0), ==, "incoming-c1");

  /* Declining from a second call's notification. */
  call = incoming (fx, "c2", "sip:bob@pbx.test");
  g_assert_true (PL_TEST_WAIT (server->added->len == 2, 5000));
  g_action_group_activate_action (G_ACTION_GROUP (fx->app), "decline-call",
                                  g_variant_new_string ("c2"));
  g_assert_true (PL_TEST_WAIT (log_has (fx, "hangup c2 486"), 2000));
  close_call (fx, call);
  g_assert_true (PL_TEST_WAIT (server->removed->len == 2, 5000));

  close_call (fx, pl_call_manager_find_call (manager (fx), "c1"));
}

static GtkWidget *
dialog_child (PlAccountDialog *dialog, const char *name)
{
  GObject *object
      = gtk_widget_get_template_child (GTK_WIDGET (dialog), PL_TYPE_ACCOUNT_DIALOG, name);
  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static void
test_account_dialog (Fixture *fx, gconstpointer data)
{
  PlAccountStore *store = pl_core_get_account_store (fx->core);
  PlAccountDialog *dialog = pl_account_dialog_new (GTK_WINDOW (fx->window), store, NULL);
  GtkWidget *user_row = dialog_child (dialog, "user_row");
  GtkWidget *domain_row = dialog_child (dialog, "domain_row");
  GtkWidget *proxy_row = dialog_child (dialog, "proxy_row");
  GtkWidget *transport_row = dialog_child (dialog, "transport_row");
  PlAccount *saved = NULL;
  guint n_before = g_list_model_get_n_items (pl_account_store_get_accounts (store));

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_signal_connect_swapped (dialog, "saved", G_CALLBACK (g_set_object), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 5000));

  /* Nothing filled in: the user row is pointed at. */
  pl_account_dialog_save (dialog);
  g_assert_nonnull (pl_account_dialog_get_error (dialog));
  g_assert_true (gtk_widget_has_css_class (user_row, "error"));

  gtk_editable_set_text (GTK_EDITABLE (user_row), "201");
  gtk_editable_set_text (GTK_EDITABLE (domain_row), "pbx test");
  pl_account_dialog_save (dialog);
  g_assert_false (gtk_widget_has_css_class (user_row, "error"));
  g_assert_true (gtk_widget_has_css_class (domain_row, "error"));

  gtk_editable_set_text (GTK_EDITABLE (domain_row), "pbx.example.com");
  gtk_editable_set_text (GTK_EDITABLE (proxy_row), "not a proxy");
  pl_account_dialog_save (dialog);
  g_assert_true (gtk_widget_has_css_class (proxy_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (proxy_row), "");
  g_assert_null (pl_account_dialog_get_error (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (transport_row), PL_TRANSPORT_TCP);
  save_widget_screenshot (GTK_WIDGET (dialog), "account-dialog");

  /* Valid, and no password typed: stored without touching the keyring. */
  pl_account_dialog_save (dialog);
  g_assert_null (pl_account_dialog_get_error (dialog));
  g_assert_true (PL_TEST_WAIT (saved != NULL, 5000));
  g_assert_cmpstr (pl_account_get_user (saved), ==, "201");
  g_assert_cmpstr (pl_account_get_domain (saved), ==, "pbx.example.com");
  g_assert_cmpint (pl_account_get_transport (saved), ==, PL_TRANSPORT_TCP);
  g_assert_cmpuint (g_list_model_get_n_items (pl_account_store_get_accounts (store)), ==,
                    n_before + 1);
  g_assert_true (PL_TEST_WAIT (dialog == NULL, 5000));
  g_clear_object (&saved);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child_path = g_build_filename (path, name, NULL);
          if (g_file_test (child_path, G_FILE_TEST_IS_DIR)
              && !g_file_test (child_path, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child_path);
          else
            g_remove (child_path);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

/* HOME and the XDG user dirs (where the history database, settings and
 * runtime files go) point into a fresh scratch directory. */
static char *
isolate_user_dirs (void)
{
  static const struct
  {
    const char *variable;
    const char *subdir;
  } dirs[] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  char *scratch = g_dir_make_tmp ("pl-ui-test-XXXXXX", NULL);

  g_assert_nonnull (scratch);
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (scratch, dirs[i].subdir, NULL);
      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].variable, path, TRUE);
    }
  return scratch;
}

int
main (int argc, char *argv[])
{
  g_autofree char *scratch = NULL;
  int status;

  /* The key tests drive X11 through XTEST. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* The test AT context records accessible properties for the checks. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* One case per process, so the process is the isolation unit. Not
   * G_TEST_OPTION_ISOLATE_DIRS: it also hides the read-only system data
   * (icon theme, MIME database) that GTK needs to draw. */
  scratch = isolate_user_dirs ();
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  park_pointer ();

#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, (gconstpointer)(TestBody)func, fixture_setup, run_test,               \
              fixture_teardown)
  ADD ("/ui/window/builds", test_builds);
  ADD ("/ui/window/no-account", test_no_account);
  ADD ("/ui/window/actions-follow-state", test_actions_follow_state);
  ADD ("/ui/window/failed-hold", test_failed_hold);
  ADD ("/ui/window/accel-table", test_accel_table);
  ADD ("/ui/window/accel-keys", test_accel_keys);
  ADD ("/ui/window/enter-answers", test_enter_answers);
  ADD ("/ui/window/dial-error", test_dial_error);
  ADD ("/ui/window/dialpad", test_dialpad);
  ADD ("/ui/window/transfer-popover", test_transfer_popover);
  ADD ("/ui/window/call-list", test_call_list);
  ADD ("/ui/window/problem-banner", test_problem_banner);
  ADD ("/ui/window/accessible-names", test_accessible_names);
  ADD ("/ui/app/open-uri", test_open_uri);
  ADD ("/ui/app/open-before-running", test_open_before_running);
  g_test_add ("/ui/app/first-run", Fixture, (gconstpointer)(TestBody)test_first_run,
              fixture_setup_no_account, run_test, fixture_teardown);
  g_test_add ("/ui/app/command-line", Fixture, (gconstpointer)(TestBody)test_command_line,
              fixture_setup_command_line, run_test, fixture_teardown);
  ADD ("/ui/app/hold-while-calling", test_hold_while_calling);
  ADD ("/ui/app/notification", test_notification);
  ADD ("/ui/app/account-dialog", test_account_dialog);
#undef ADD
  status = g_test_run ();
  remove_tree (scratch);
  return status;
}
