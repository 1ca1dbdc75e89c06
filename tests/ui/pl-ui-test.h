/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pl-account.h"
#include "pl-script-engine.h"

G_BEGIN_DECLS

/* What the UI test programs share: each runs one case per process under
 * Xvfb and a private session bus (see meson.build). */

char *pl_ui_test_init (int *argc, char ***argv, const char *scratch_template);
char *pl_ui_test_isolate_user_dirs (const char *template);
void pl_ui_test_park_pointer (void);
void pl_ui_test_finalize_and_wait (gpointer object);
void pl_ui_test_finalize_all (gpointer app, gpointer core, gpointer engine, gpointer account);
PlAccount *pl_ui_test_desk_account (const char *domain);

/* A fake org.gtk.Notifications server, as GNOME Shell provides. */
typedef struct
{
  GPtrArray *added;   /* notification ids */
  GPtrArray *removed; /* notification ids */
  GVariant *last;     /* the last notification's a{sv} */
  guint registration_id;
} PlUiTestNotifications;

void pl_ui_test_notifications_start (PlUiTestNotifications *server, GApplication *app);
void pl_ui_test_notifications_stop (PlUiTestNotifications *server, GApplication *app);
void pl_ui_test_notifications_clear (PlUiTestNotifications *server);

void pl_ui_test_run_app (GApplication *app, const char *const *argv, GSourceFunc body_idle,
                         gpointer fx);
gpointer pl_ui_test_await_window (GtkApplication *app, gpointer *weak_location);
gpointer pl_ui_test_find_toplevel (GType type);
void pl_ui_test_destroy_windows (GtkApplication *app, gpointer *window_location);
/* The end of a case's body: windows gone, the notification server off, the
 * application quitting. */
void pl_ui_test_quit_app (GtkApplication *app, gpointer *window_location,
                          PlUiTestNotifications *notifications);

GtkWidget *pl_ui_test_template_child (gpointer widget, GType type, const char *name);
gboolean pl_ui_test_action_enabled (gpointer window, const char *action);
guint pl_ui_test_check_accessible_names (GtkWidget *widget);
gboolean pl_ui_test_log_has (PlScriptEngine *engine, const char *line);
void pl_ui_test_type_into (GtkWidget *editable, const char *text);
void pl_ui_test_save_screenshot (GtkWidget *widget, const char *name);
gboolean pl_ui_test_send_keys (gpointer window, const char *const *keys);

/* Real key presses through the X server, or the case is skipped. */
#define PL_UI_TEST_SEND_KEYS_OR_SKIP(window, ...)                                                  \
  G_STMT_START                                                                                     \
  {                                                                                                \
    static const char *const keys_[] = { __VA_ARGS__, NULL };                                      \
    if (!pl_ui_test_send_keys ((window), keys_))                                                   \
      {                                                                                            \
        g_test_skip ("needs xdotool on an X11 display");                                           \
        return;                                                                                    \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

G_END_DECLS
