/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ui-test"

#include "config.h"

#include "pl-ui-test.h"

#include <X11/Xlib.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "pl-test-util.h"

/* HOME and the XDG user dirs (where the history database, settings and
 * runtime files go) point into a fresh scratch directory. Not
 * G_TEST_OPTION_ISOLATE_DIRS: it also hides the read-only system data (icon
 * theme, MIME database) that GTK needs to draw. */
char *
pl_ui_test_isolate_user_dirs (const char *template)
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
  char *scratch = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (scratch);
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (scratch, dirs[i].subdir, NULL);
      g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
      g_setenv (dirs[i].variable, path, TRUE);
    }
  return scratch;
}

/* Before any test is added: the environment GTK reads at start-up, the
 * private user dirs, then GTK with the pointer out of the way. Returns the
 * scratch directory for pl_test_remove_tree (). */
char *
pl_ui_test_init (int *argc, char ***argv, const char *scratch_template)
{
  char *scratch;

  /* The key tests drive X11 through XTEST. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  /* The test AT context records accessible properties for the checks. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* One case per process, so the process is the isolation unit. */
  scratch = pl_ui_test_isolate_user_dirs (scratch_template);
  g_test_init (argc, argv, NULL);
  gtk_init ();
  pl_ui_test_park_pointer ();
  return scratch;
}

/* Xvfb starts with the pointer in the middle of the screen, over the window:
 * tooltips would then start timers that GTK 4.8 lets fire after the window
 * is gone. Park the pointer in a corner the window never covers. */
void
pl_ui_test_park_pointer (void)
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

void
pl_ui_test_finalize_and_wait (gpointer object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  /* Idle-completed engine actions and D-Bus replies hold references until
   * they run. */
  if (!PL_TEST_WAIT (weak == NULL, 5000))
    g_error ("%s was not finalized", G_OBJECT_TYPE_NAME (weak));
}

/* The application and what it runs on, in the order each lets go of the
 * next. */
void
pl_ui_test_finalize_all (gpointer app, gpointer core, gpointer engine, gpointer account)
{
  pl_ui_test_finalize_and_wait (app);
  pl_ui_test_finalize_and_wait (core);
  pl_ui_test_finalize_and_wait (engine);
  pl_ui_test_finalize_and_wait (account);
}

/* The fake notification server ---------------------------------------------- */

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
  PlUiTestNotifications *server = user_data;
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

/* Call from "startup", before the first notification: GIO picks its backend
 * then, and without a server it would warn (fatal here). */
void
pl_ui_test_notifications_start (PlUiTestNotifications *server, GApplication *app)
{
  static const GDBusInterfaceVTable vtable = { notifications_method };
  GDBusConnection *bus = g_application_get_dbus_connection (app);
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bus);
  server->added = g_ptr_array_new_with_free_func (g_free);
  server->removed = g_ptr_array_new_with_free_func (g_free);
  server->registration_id = g_dbus_connection_register_object (
      bus, "/org/gtk/Notifications", info->interfaces[0], &vtable, server, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName",
      g_variant_new ("(su)", "org.gtk.Notifications", 4), G_VARIANT_TYPE ("(u)"),
      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

void
pl_ui_test_notifications_stop (PlUiTestNotifications *server, GApplication *app)
{
  g_dbus_connection_unregister_object (g_application_get_dbus_connection (app),
                                       server->registration_id);
}

void
pl_ui_test_notifications_clear (PlUiTestNotifications *server)
{
  g_clear_pointer (&server->added, g_ptr_array_unref);
  g_clear_pointer (&server->removed, g_ptr_array_unref);
  g_clear_pointer (&server->last, g_variant_unref);
}

/* The desk account the cases run with, for this run only: no keyring. */
PlAccount *
pl_ui_test_desk_account (const char *domain)
{
  PlAccount *account = pl_account_new ("test");

  pl_account_set_display_name (account, "Desk 100");
  pl_account_set_user (account, "100");
  pl_account_set_domain (account, domain);
  return account;
}

/* Running a case ------------------------------------------------------------ */

/* The body runs inside g_application_run (), as the application would:
 * GtkApplication only lets go of itself after a real shutdown. */
void
pl_ui_test_run_app (GApplication *app, const char *const *argv, GSourceFunc body_idle, gpointer fx)
{
  g_idle_add (body_idle, fx);
  g_assert_cmpint (
      g_application_run (app, argv ? (int)g_strv_length ((char **)argv) : 0, (char **)argv), ==, 0);
}

/* The application's first window, once it is on screen. WEAK_LOCATION, if
 * given, is cleared when the window goes. */
gpointer
pl_ui_test_await_window (GtkApplication *app, gpointer *weak_location)
{
  GtkWidget *window;

  g_assert_true (PL_TEST_WAIT (gtk_application_get_windows (app) != NULL, 5000));
  window = gtk_application_get_windows (app)->data;
  if (weak_location != NULL)
    {
      *weak_location = window;
      g_object_add_weak_pointer (G_OBJECT (window), weak_location);
    }
  g_assert_true (PL_TEST_WAIT (gtk_widget_get_mapped (window), 5000));
  return window;
}

/* The mapped toplevel of TYPE, NULL when there is none. */
gpointer
pl_ui_test_find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gpointer found = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_mapped (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* WINDOW_LOCATION is the weak pointer pl_ui_test_await_window () set. */
void
pl_ui_test_destroy_windows (GtkApplication *app, gpointer *window_location)
{
  for (GList *l; (l = gtk_application_get_windows (app)) != NULL;)
    gtk_window_destroy (l->data);
  g_assert_true (PL_TEST_WAIT (*window_location == NULL, 5000));
}

void
pl_ui_test_quit_app (GtkApplication *app, gpointer *window_location,
                     PlUiTestNotifications *notifications)
{
  pl_ui_test_destroy_windows (app, window_location);
  pl_ui_test_notifications_stop (notifications, G_APPLICATION (app));
  g_application_quit (G_APPLICATION (app));
}

/* Looking and typing --------------------------------------------------------- */

GtkWidget *
pl_ui_test_template_child (gpointer widget, GType type, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static void
check_accessible_names (GtkWidget *widget, guint *n_checked)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  gboolean is_control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)
                        || GTK_IS_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget)
                        || GTK_IS_SEARCH_ENTRY (widget);

  /* GTK's own window buttons and the inner toggle of a menu button are
   * named by GTK or by their owner. */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;
  if (is_control && !GTK_IS_MENU_BUTTON (parent))
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

/* Every button and entry under WIDGET has a name a screen reader can say
 * (aborts on the first that has none). Returns how many were checked. */
guint
pl_ui_test_check_accessible_names (GtkWidget *widget)
{
  guint n_checked = 0;

  check_accessible_names (widget, &n_checked);
  return n_checked;
}

gboolean
pl_ui_test_action_enabled (gpointer window, const char *action)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), action);
}

gboolean
pl_ui_test_log_has (PlScriptEngine *engine, const char *line)
{
  GPtrArray *log = pl_script_engine_get_log (engine);

  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (g_ptr_array_index (log, i), line) == 0)
      return TRUE;
  return FALSE;
}

/* Types like a user: one character at a time, each one a "changed". */
void
pl_ui_test_type_into (GtkWidget *editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), "");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int position = -1;
      gtk_editable_set_position (GTK_EDITABLE (editable), -1);
      position = gtk_editable_get_position (GTK_EDITABLE (editable));
      gtk_editable_insert_text (GTK_EDITABLE (editable), p, g_utf8_next_char (p) - p, &position);
    }
}

/* Renders the widget as it is drawn and writes NAME.png to the artifact
 * dir. */
void
pl_ui_test_save_screenshot (GtkWidget *widget, const char *name)
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

  /* Let revealers, page transitions and the layout settle first. */
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
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 2000);
  g_test_message ("screenshot: %s", path);
}

/* Real key presses through the X server (XTEST), so the accelerator table,
 * the shortcut controllers and the key handlers are all exercised. FALSE
 * when that is not possible here. */
gboolean
pl_ui_test_send_keys (gpointer window, const char *const *keys)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
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
