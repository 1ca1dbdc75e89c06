/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-application"

#include "config.h"

#include <signal.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "pl-account-dialog.h"
#include "pl-application.h"
#include "pl-preferences-window.h"
#include "pl-provision.h"
#include "pl-sip-uri.h"
#include "pl-park-sidebar.h"
#include "pl-window.h"

#include "pl-baresip-engine.h"
#include "pl-trace.h"

/* How long the engine's spawn may wait for the window's first frame (a
 * slow machine with software GL: 0.5–2 s). */
#define WINDOW_HOLD_MAX_MS 1000

struct _PlApplication
{
  AdwApplication parent_instance;

  PlCore *core;
  /* Borrowed from the core, for brevity. */
  PlEngine *engine;
  PlCallManager *manager;
  GSettings *settings;
  GPtrArray *pending_dials; /* URIs that arrived before the engine was up */
  gboolean holding;
  gboolean background_hold; /* "run-in-background" */
  gboolean started_hidden;  /* --background holds for the whole run */
  gboolean window_expected; /* not --background: the engine waits for its first frame */
  guint sigint_id;
  guint sigterm_id;
};

G_DEFINE_FINAL_TYPE (PlApplication, pl_application, ADW_TYPE_APPLICATION)

enum
{
  PROP_0,
  PROP_CORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Every keyboard shortcut of the application, in one place. Call control
 * uses Ctrl+Shift+letter so that no text-editing key of the dial entry is
 * taken; answering also has Ctrl+Return, the "do it" key. The shortcuts
 * window (ui/pl-shortcuts-window.ui) lists the same keys. */
static const PlAccelEntry accel_table[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { "win.show-help-overlay", { "<Primary>question", NULL } },
  { "window.close", { "<Primary>w", NULL } },
  { "win.focus-dial", { "<Primary>l", NULL } },
  { "win.answer", { "<Primary>Return", "<Primary><Shift>a", NULL } },
  { "win.decline", { "<Primary><Shift>d", NULL } },
  { "win.hangup", { "<Primary><Shift>e", NULL } },
  { "win.hold", { "<Primary><Shift>h", NULL } },
  { "win.mute", { "<Primary><Shift>m", NULL } },
  { "win.show-transfer", { "<Primary><Shift>t", NULL } },
  { "win.show-dialpad", { "<Primary><Shift>k", NULL } },
  { "win.next-call", { "<Primary>Page_Down", NULL } },
  { "win.previous-call", { "<Primary>Page_Up", NULL } },
  { "win.show-phone", { "<Primary>1", NULL } },
  { "win.show-history", { "<Primary>2", NULL } },
  /* Parking: P for park, more modifiers for the more specific variant;
   * Alt+n picks up the n-th parked call as the sidebar lists them. */
  { "win.park", { "<Primary><Shift>p", NULL } },
  { "win.park-to-selected", { "<Primary><Alt><Shift>p", NULL } },
  /* Park & Page (G for paGe); a page ends with the one key everyone finds. */
  { "win.park-and-page", { "<Primary><Shift>g", NULL } },
  { "win.end-page", { "Escape", NULL } },
  /* Consult transfer: J joins caller and colleague, R returns to the caller. */
  { "win.complete-transfer", { "<Primary><Shift>j", NULL } },
  { "win.cancel-transfer", { "<Primary><Shift>r", NULL } },
  { "win.focus-park", { "F6", NULL } },
  { "win.retrieve-nth(1)", { "<Alt>1", NULL } },
  { "win.retrieve-nth(2)", { "<Alt>2", NULL } },
  { "win.retrieve-nth(3)", { "<Alt>3", NULL } },
  { "win.retrieve-nth(4)", { "<Alt>4", NULL } },
  { "win.retrieve-nth(5)", { "<Alt>5", NULL } },
  { "win.retrieve-nth(6)", { "<Alt>6", NULL } },
  { "win.retrieve-nth(7)", { "<Alt>7", NULL } },
  { "win.retrieve-nth(8)", { "<Alt>8", NULL } },
  { "win.retrieve-nth(9)", { "<Alt>9", NULL } },
};

const PlAccelEntry *
pl_application_get_accel_table (guint *n_entries)
{
  if (n_entries)
    *n_entries = G_N_ELEMENTS (accel_table);
  return accel_table;
}

static PlWindow *
get_window (PlApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (PL_IS_WINDOW (window))
    return PL_WINDOW (window);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (PL_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* Dialling from outside (URI handler, command line) ----------------------- */

static gboolean
ready_to_dial (PlApplication *self)
{
  /* The core loads the accounts before it starts the engine. */
  return pl_engine_get_state (self->engine) == PL_ENGINE_STATE_RUNNING;
}

static void
dial_now (PlApplication *self, const char *input)
{
  g_autoptr (GError) error = NULL;
  PlWindow *window;

  if (pl_call_manager_dial (self->manager, input, &error) != NULL)
    return;

  /* Leave the number where the user can fix or retry it. */
  g_message ("Could not dial %s: %s", input, error->message);
  window = get_window (self);
  if (window)
    {
      pl_window_set_dial_text (window, input);
      pl_window_show_toast (window, error->message);
    }
}

static void
dial_when_ready (PlApplication *self, const char *input)
{
  if (ready_to_dial (self))
    dial_now (self, input);
  else
    g_ptr_array_add (self->pending_dials, g_strdup (input));
}

static void
flush_pending_dials (PlApplication *self)
{
  g_autoptr (GPtrArray) pending = NULL;

  if (!ready_to_dial (self) || self->pending_dials->len == 0)
    return;
  pending = g_steal_pointer (&self->pending_dials);
  self->pending_dials = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pending->len; i++)
    dial_now (self, g_ptr_array_index (pending, i));
}

/* Core trouble (history off, keyring missing): calls go on, but say so. */
static void
core_problem_cb (PlApplication *self, const char *message)
{
  PlWindow *window = get_window (self);

  g_message ("%s", message);
  if (window)
    pl_window_show_problem (window, message);
}

/* News from the park service ("Parked Caller One on 701"). */
static void
core_message_cb (PlApplication *self, const char *text)
{
  PlWindow *window = get_window (self);

  if (window)
    pl_window_show_toast (window, text);
}

static void
engine_state_cb (PlApplication *self)
{
  flush_pending_dials (self);
}

/* Incoming-call notifications --------------------------------------------- */

static void
withdraw_call_notification (PlApplication *self, PlCall *call)
{
  const char *id = g_object_get_data (G_OBJECT (call), "pl-notification-id");

  if (id == NULL)
    return;
  g_application_withdraw_notification (G_APPLICATION (self), id);
  g_object_set_data (G_OBJECT (call), "pl-notification-id", NULL);
}

static void
send_call_notification (PlApplication *self, PlCall *call)
{
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *title = pl_call_dup_title (call);
  g_autofree char *id = g_strdup_printf ("incoming-%s", pl_call_get_id (call));
  const char *uri = pl_call_get_peer_uri (call);
  /* Only the park service notes an incoming call: the PBX ringing back a
   * call parked from here ("Returned from 701 after 0:45"). */
  const char *note = pl_call_get_note (call);
  g_autoptr (GIcon) icon = g_themed_icon_new ("call-incoming-symbolic");
  g_autoptr (GString) body = g_string_new (title);

  notification = g_notification_new (note ? _ ("Parked call returning") : _ ("Incoming call"));
  if (uri != NULL && g_strcmp0 (uri, title) != 0)
    g_string_append_printf (body, "\n%s", uri);
  if (note != NULL)
    g_string_append_printf (body, "\n%s", note);
  g_notification_set_body (notification, body->str);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_icon (notification, icon);
  /* Buttons carry the call id: they must work with the window hidden and
   * with another call in front. */
  g_notification_add_button_with_target (notification, _ ("Decline"), "app.decline-call", "s",
                                         pl_call_get_id (call));
  g_notification_add_button_with_target (notification, _ ("Answer"), "app.answer-call", "s",
                                         pl_call_get_id (call));
  g_notification_set_default_action_and_target (notification, "app.show-call", "s",
                                                pl_call_get_id (call));
  g_application_send_notification (G_APPLICATION (self), id, notification);
  g_object_set_data_full (G_OBJECT (call), "pl-notification-id", g_steal_pointer (&id), g_free);
}

static void
call_state_cb (PlApplication *self, GParamSpec *pspec, PlCall *call)
{
  if (pl_call_get_state (call) != PL_CALL_STATE_INCOMING)
    withdraw_call_notification (self, call);
}

/* A note that arrives while the call still rings (a ring-back recognised
 * late) replaces the notification: same id, new text. */
static void
call_note_cb (PlApplication *self, GParamSpec *pspec, PlCall *call)
{
  if (pl_call_get_state (call) == PL_CALL_STATE_INCOMING)
    send_call_notification (self, call);
}

static void
call_added_cb (PlApplication *self, PlCall *call)
{
  if (pl_call_get_state (call) != PL_CALL_STATE_INCOMING)
    return;
  if (!g_settings_get_boolean (self->settings, "notify-calls"))
    return;
  send_call_notification (self, call);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (call_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (call, "notify::note", G_CALLBACK (call_note_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
call_ended_cb (PlApplication *self, PlCall *call)
{
  withdraw_call_notification (self, call);
  g_signal_handlers_disconnect_by_func (call, call_state_cb, self);
  g_signal_handlers_disconnect_by_func (call, call_note_cb, self);
}

/* Park notifications ------------------------------------------------------ */

/* One notification per lot, replaced by the next park there: a busy desk
 * sees the newest call, not a pile. The lot remembers which slot it shows. */
#define NOTIFIED_SLOT_KEY "pl-notified-slot"

static char *
park_notification_id (PlParkLot *lot)
{
  return g_strdup_printf ("park-%s", pl_park_lot_get_name (lot));
}

static void
withdraw_park_notification (PlApplication *self, PlParkLot *lot)
{
  PlParkSlot *shown = g_object_get_data (G_OBJECT (lot), NOTIFIED_SLOT_KEY);
  g_autofree char *id = NULL;

  if (shown == NULL)
    return;
  id = park_notification_id (lot);
  g_application_withdraw_notification (G_APPLICATION (self), id);
  g_signal_handlers_disconnect_by_data (shown, self);
  g_object_set_data (G_OBJECT (lot), NOTIFIED_SLOT_KEY, NULL);
}

static void
parked_slot_state_cb (PlApplication *self, GParamSpec *pspec, PlParkSlot *slot)
{
  PlParkSlotState state = pl_park_slot_get_state (slot);
  PlParkLot *lot = g_object_get_data (G_OBJECT (slot), "pl-notified-lot");

  /* Gone from the slot (picked up, rung back): nothing to retrieve. */
  if (state != PL_PARK_SLOT_OCCUPIED && state != PL_PARK_SLOT_STALE && lot != NULL)
    withdraw_park_notification (self, lot);
}

static void
parked_by_other_cb (PlApplication *self, PlParkLot *lot, PlParkSlot *slot)
{
  g_autoptr (GNotification) notification = NULL;
  g_autoptr (GIcon) icon = g_themed_icon_new ("view-pin-symbolic");
  int number = pl_park_slot_get_number (slot);
  g_autofree char *name = pl_park_slot_dup_display_name (slot);
  g_autofree char *title = NULL;
  g_autofree char *target = pl_park_format_slot_target (pl_park_lot_get_name (lot), number);
  g_autofree char *id = park_notification_id (lot);

  if (!g_settings_get_boolean (self->settings, "notify-parks"))
    return;
  /* The same id replaces the lot's notification on the desktop; only the
   * slot it follows changes. */
  {
    PlParkSlot *shown = g_object_get_data (G_OBJECT (lot), NOTIFIED_SLOT_KEY);
    if (shown)
      g_signal_handlers_disconnect_by_data (shown, self);
  }
  if (pl_park_slot_get_identity_source (slot) == PL_PARK_IDENTITY_UNKNOWN)
    title = g_strdup_printf (_ ("A call was parked on %d"), number);
  else
    title = g_strdup_printf (_ ("%s parked on %d"), name, number);
  notification = g_notification_new (title);
  /* "Parked by Bob · Main" when a server feed said who. */
  if (pl_park_slot_get_parked_by (slot) != NULL)
    {
      g_autofree char *body = g_strdup_printf (
          _ ("Parked by %s · %s"), pl_park_slot_get_parked_by (slot), pl_park_lot_get_name (lot));
      g_notification_set_body (notification, body);
    }
  else
    g_notification_set_body (notification, pl_park_lot_get_name (lot));
  g_notification_set_icon (notification, icon);
  g_notification_set_default_action_and_target (notification, "app.retrieve-slot", "s", target);
  g_notification_add_button_with_target (notification, _ ("Retrieve"), "app.retrieve-slot", "s",
                                         target);
  g_application_send_notification (G_APPLICATION (self), id, notification);
  g_object_set_data (G_OBJECT (lot), NOTIFIED_SLOT_KEY, slot);
  g_object_set_data (G_OBJECT (slot), "pl-notified-lot", lot);
  g_signal_connect_object (slot, "notify::state", G_CALLBACK (parked_slot_state_cb), self,
                           G_CONNECT_SWAPPED);
}

/* "Taken by Bob": a call we parked was picked up by a teammate, as a
 * server feed told the lot. Our own retrieve of it is no news to us. */
static void
park_ended_cb (PlApplication *self, PlParkSlot *slot, const PlParkEnd *end, PlParkLot *lot)
{
  g_autoptr (GNotification) notification = NULL;
  g_autoptr (GIcon) icon = g_themed_icon_new ("view-pin-symbolic");
  g_autofree char *caller = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *target = NULL;
  g_autofree char *id = NULL;

  if (end->reason != PL_PARK_END_RETRIEVED || !end->parked_by_me || end->taken_by == NULL
      || !g_settings_get_boolean (self->settings, "notify-parks")
      || pl_park_service_is_retrieving (pl_core_get_park_service (self->core), lot, end->slot))
    return;
  caller = pl_sip_party_title (end->caller_name, end->caller_uri);
  title = g_strdup_printf (_ ("Taken by %s"), end->taken_by);
  body = caller ? g_strdup_printf (_ ("You parked %s on %d"), caller, end->slot)
                : g_strdup_printf (_ ("You parked a call on %d"), end->slot);
  target = pl_park_format_slot_target (pl_park_lot_get_name (lot), end->slot);
  id = g_strdup_printf ("taken-%s", target);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_icon (notification, icon);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
watch_park_ends (PlApplication *self)
{
  GListModel *lots = pl_park_service_get_lots (pl_core_get_park_service (self->core));

  for (guint i = 0; i < g_list_model_get_n_items (lots); i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (lots, i);

      if (g_signal_handler_find (lot, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                 park_ended_cb, self)
          == 0)
        g_signal_connect_object (lot, "ended", G_CALLBACK (park_ended_cb), self, G_CONNECT_SWAPPED);
    }
}

/* A call outlives its window: closing the window must not hang up. */
static void
calls_changed_cb (PlApplication *self)
{
  gboolean busy = g_list_model_get_n_items (pl_call_manager_get_calls (self->manager)) > 0;

  if (busy && !self->holding)
    g_application_hold (G_APPLICATION (self));
  else if (!busy && self->holding)
    g_application_release (G_APPLICATION (self));
  self->holding = busy;
}

/* Run in background: a hold keeps the application (and its calls and
 * notifications) alive with no window open. */
static void
background_changed_cb (PlApplication *self)
{
  gboolean wanted = g_settings_get_boolean (self->settings, "run-in-background");

  if (wanted && !self->background_hold)
    g_application_hold (G_APPLICATION (self));
  else if (!wanted && self->background_hold)
    g_application_release (G_APPLICATION (self));
  self->background_hold = wanted;
}

/* Application actions ----------------------------------------------------- */

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  g_application_quit (G_APPLICATION (self));
}

static void
preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlApplication *self = user_data;
  PlAccountStore *accounts = pl_core_get_account_store (self->core);
  PlPreferencesWindow *prefs = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (PL_IS_PREFERENCES_WINDOW (l->data))
      prefs = l->data;
  if (prefs == NULL)
    {
      prefs = pl_preferences_window_new (GTK_WINDOW (get_window (self)), self->core);
      gtk_window_set_application (GTK_WINDOW (prefs), GTK_APPLICATION (self));
    }
  gtk_window_present (GTK_WINDOW (prefs));
  /* First run ("Set Up Account…"): straight to the account form. */
  if (pl_account_store_get_default (accounts) == NULL)
    pl_preferences_window_edit_account (prefs, NULL);
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  static const char *developers[] = { "The Parkline authors", NULL };
  GtkWidget *about = adw_about_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (get_window (user_data)));
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _ ("Parkline"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), developers[0]);
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _ ("A softphone for teams that park calls"));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_website (ADW_ABOUT_WINDOW (about), "https://github.com/parkline/parkline");
  adw_about_window_set_issue_url (ADW_ABOUT_WINDOW (about),
                                  "https://github.com/parkline/parkline/issues");
  gtk_window_present (GTK_WINDOW (about));
}

static PlCall *
find_call (PlApplication *self, GVariant *parameter)
{
  const char *id = g_variant_get_string (parameter, NULL);
  PlCall *call = pl_call_manager_find_call (self->manager, id);

  if (call == NULL)
    g_message ("No call %s (any more)", id);
  return call;
}

static void
answer_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlApplication *self = user_data;
  PlCall *call = find_call (self, parameter);
  g_autoptr (GError) error = NULL;

  if (call == NULL)
    return;
  if (!pl_call_manager_answer (self->manager, call, &error))
    g_message ("Answer from notification failed: %s", error->message);
  g_application_activate (G_APPLICATION (self));
}

static void
decline_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlApplication *self = user_data;
  PlCall *call = find_call (self, parameter);
  g_autoptr (GError) error = NULL;

  if (call != NULL && !pl_call_manager_decline (self->manager, call, &error))
    g_message ("Decline from notification failed: %s", error->message);
}

static void
show_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

/* From a park notification: works with the window hidden. */
static void
retrieve_slot_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlApplication *self = user_data;
  PlParkService *service = pl_core_get_park_service (self->core);
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  PlParkLot *lot;
  int slot = 0;

  g_application_activate (G_APPLICATION (self));
  if (!pl_park_parse_slot_target (g_variant_get_string (parameter, NULL), &name, &slot)
      || (lot = pl_park_service_find_lot (service, name)) == NULL)
    {
      g_message ("No park slot %s (any more)", g_variant_get_string (parameter, NULL));
      return;
    }
  if (pl_park_service_retrieve (service, lot, slot, &error) == NULL)
    {
      PlWindow *window = get_window (self);

      g_message ("Retrieve from notification failed: %s", error->message);
      if (window)
        pl_window_show_toast (window, error->message);
    }
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "answer-call", answer_call_activated, "s" },
  { "decline-call", decline_call_activated, "s" },
  { "show-call", show_call_activated, "s" },
  { "retrieve-slot", retrieve_slot_activated, "s" },
};

/* GApplication ------------------------------------------------------------ */

/* A desktop session ending or Ctrl+C in a terminal: shut down properly so
 * calls are hung up, baresip is stopped and history is written. */
static gboolean
quit_on_signal (gpointer user_data)
{
  g_message ("Quitting on signal");
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
pl_application_startup (GApplication *app)
{
  PlApplication *self = PL_APPLICATION (app);

  pl_trace_mark ("startup");
  g_signal_connect_object (self->manager, "call-added", G_CALLBACK (call_added_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "call-ended", G_CALLBACK (call_ended_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_call_manager_get_calls (self->manager), "items-changed",
                           G_CALLBACK (calls_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::state", G_CALLBACK (engine_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->core, "problem", G_CALLBACK (core_problem_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->core, "message", G_CALLBACK (core_message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_core_get_park_service (self->core), "parked-by-other",
                           G_CALLBACK (parked_by_other_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_park_service_get_lots (pl_core_get_park_service (self->core)),
                           "items-changed", G_CALLBACK (watch_park_ends), self, G_CONNECT_SWAPPED);
  watch_park_ends (self);
  /* The subscriptions and the history need no display: they start first,
   * so that the PBX answers and SQLite opens while GTK opens the display
   * and loads its styles; what they bring waits behind the window's first
   * frame. baresip's start would slow the window down by more than it
   * gains (a fork of this process, then a second process loading on one
   * of two cores): it waits for that frame too, or a second at most, and
   * still registers well within 0.2 s of the window. Until the window is
   * there, what the core has to say goes to the log. */
  if (self->window_expected && !(g_application_get_flags (app) & G_APPLICATION_IS_SERVICE))
    pl_core_hold_for_window (self->core, WINDOW_HOLD_MAX_MS);
  pl_core_start (self->core);
  pl_trace_mark ("core started");

  /* AdwApplication also loads style.css from the resource base path. */
  G_APPLICATION_CLASS (pl_application_parent_class)->startup (app);
  pl_trace_mark ("toolkit started");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accel_table); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accel_table[i].action,
                                           accel_table[i].accels);

  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (background_changed_cb), self, G_CONNECT_SWAPPED);
  background_changed_cb (self);

  self->sigint_id = g_unix_signal_add (SIGINT, quit_on_signal, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_on_signal, self);
}

static void
pl_application_shutdown (GApplication *app)
{
  PlApplication *self = PL_APPLICATION (app);
  GListModel *calls = pl_call_manager_get_calls (self->manager);

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      withdraw_call_notification (self, call);
    }
  {
    GListModel *lots = pl_park_service_get_lots (pl_core_get_park_service (self->core));

    for (guint i = 0; i < g_list_model_get_n_items (lots); i++)
      {
        g_autoptr (PlParkLot) lot = g_list_model_get_item (lots, i);
        withdraw_park_notification (self, lot);
      }
  }
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (self->settings, background_changed_cb, self);
  if (self->background_hold)
    g_application_release (app);
  self->background_hold = FALSE;
  pl_core_stop (self->core);
  G_APPLICATION_CLASS (pl_application_parent_class)->shutdown (app);
}

static gboolean
pl_application_dbus_register (GApplication *app, GDBusConnection *connection,
                              const char *object_path, GError **error)
{
  PlApplication *self = PL_APPLICATION (app);

  if (!G_APPLICATION_CLASS (pl_application_parent_class)
           ->dbus_register (app, connection, object_path, error))
    return FALSE;
  return pl_core_export_dbus (self->core, connection, error);
}

/* The moment start-up is judged by: the main window's first frame. */
static void
first_frame_cb (GdkFrameClock *clock, PlApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  pl_trace_mark ("first frame");
  pl_core_window_shown (self->core);
}

static void
window_realized_cb (GtkWidget *window, PlApplication *self)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (first_frame_cb),
                    self);
}

static void
pl_application_activate (GApplication *app)
{
  PlApplication *self = PL_APPLICATION (app);
  PlWindow *window = get_window (self);

  if (window == NULL)
    {
      GtkWidget *sidebar;

      window = pl_window_new (GTK_APPLICATION (self), self->manager);
      g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), self);
      pl_window_set_history (window, pl_core_get_history (self->core));
      pl_window_set_park_pager (window, pl_core_get_park_pager (self->core));
      sidebar = pl_park_sidebar_new (pl_core_get_park_service (self->core), self->manager);
      pl_park_sidebar_add_actions (PL_PARK_SIDEBAR (sidebar), G_ACTION_MAP (window));
      pl_park_sidebar_set_pager (PL_PARK_SIDEBAR (sidebar), pl_core_get_park_pager (self->core));
      pl_window_set_sidebar (window, sidebar);
      pl_trace_mark ("window built");
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
pl_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  PlApplication *self = PL_APPLICATION (app);

  g_application_activate (app);
  for (int i = 0; i < n_files; i++)
    {
      /* sip:, sips: and tel: are not GIO schemes: the URI comes back as
       * given. */
      g_autofree char *uri = g_file_get_uri (files[i]);
      dial_when_ready (self, uri);
    }
}

/* --provision stores and exits; --account-file configures this run. Both
 * happen here, in the launching process, before the core starts. */
static int
pl_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  PlApplication *self = PL_APPLICATION (app);
  g_autoptr (GError) error = NULL;
  const char *path = NULL;

  if (g_variant_dict_lookup (options, "provision", "^&ay", &path))
    {
      g_autoptr (GSettings) settings = g_settings_new (APP_ID);
      if (!pl_provision_from_file (settings, path, &error))
        {
          g_printerr (_ ("Could not provision from %s: %s\n"), path, error->message);
          return EXIT_FAILURE;
        }
      g_print (_ ("Provisioned the account and park lots from %s\n"), path);
      return EXIT_SUCCESS;
    }
  self->window_expected = !g_variant_dict_contains (options, "background");
  if (g_variant_dict_lookup (options, "account-file", "^&ay", &path)
      && !pl_core_use_keyfile (self->core, path, &error))
    {
      g_printerr (_ ("Could not use %s: %s\n"), path, error->message);
      return EXIT_FAILURE;
    }
  return -1;
}

static int
pl_application_command_line (GApplication *app, GApplicationCommandLine *command_line)
{
  PlApplication *self = PL_APPLICATION (app);
  int argc = 0;
  g_auto (GStrv) argv = g_application_command_line_get_arguments (command_line, &argc);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);

  /* Started at login: no window, and keep running without one. */
  if (g_variant_dict_contains (options, "background"))
    {
      if (!self->started_hidden)
        g_application_hold (app);
      self->started_hidden = TRUE;
    }
  else
    g_application_activate (app);
  /* "parkline sip:201@pbx", "parkline tel:+4930123", "parkline 201" */
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-' && argv[i][0] != '\0')
      dial_when_ready (self, argv[i]);
  return EXIT_SUCCESS;
}

/* GObject ----------------------------------------------------------------- */

static const char *const audio_keys[] = { "audio-input", "audio-output", "audio-ringer" };

/* Preferences → Audio: the engine takes new devices by restarting baresip,
 * right away or after the calls in progress. */
static void
audio_settings_changed_cb (PlApplication *self, const char *key, GSettings *settings)
{
  g_autofree char *input = NULL, *output = NULL, *ringer = NULL;

  if (!PL_IS_BARESIP_ENGINE (self->engine) || !g_str_has_prefix (key, "audio-"))
    return;
  input = g_settings_get_string (settings, audio_keys[0]);
  output = g_settings_get_string (settings, audio_keys[1]);
  ringer = g_settings_get_string (settings, audio_keys[2]);
  pl_baresip_engine_set_audio_devices (PL_BARESIP_ENGINE (self->engine), input, output, ringer);
}

static void
pl_application_constructed (GObject *object)
{
  PlApplication *self = PL_APPLICATION (object);

  G_OBJECT_CLASS (pl_application_parent_class)->constructed (object);

  g_assert (self->core != NULL);
  self->engine = pl_core_get_engine (self->core);
  self->manager = pl_core_get_call_manager (self->core);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (audio_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* GSettings only reports changes of keys read since connecting. */
  for (gsize i = 0; i < G_N_ELEMENTS (audio_keys); i++)
    g_variant_unref (g_settings_get_value (self->settings, audio_keys[i]));
}

static void
pl_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlApplication *self = PL_APPLICATION (object);

  switch (prop_id)
    {
      case PROP_CORE:
        g_value_set_object (value, self->core);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_application_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlApplication *self = PL_APPLICATION (object);

  switch (prop_id)
    {
      case PROP_CORE:
        self->core = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_application_dispose (GObject *object)
{
  PlApplication *self = PL_APPLICATION (object);

  /* The core ends its calls while it is disposed below: those changes must
   * not reach this half-disposed application. */
  if (self->manager)
    {
      g_signal_handlers_disconnect_by_data (pl_call_manager_get_calls (self->manager), self);
      g_signal_handlers_disconnect_by_data (self->manager, self);
    }
  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  /* Its park service empties its lots list too: watch_park_ends() would
   * then run with the core already gone. */
  if (self->core)
    {
      PlParkService *park = pl_core_get_park_service (self->core);

      g_signal_handlers_disconnect_by_data (pl_park_service_get_lots (park), self);
      g_signal_handlers_disconnect_by_data (park, self);
    }
  self->manager = NULL;
  self->engine = NULL;
  g_clear_object (&self->settings);
  g_clear_object (&self->core);
  G_OBJECT_CLASS (pl_application_parent_class)->dispose (object);
}

static void
pl_application_finalize (GObject *object)
{
  PlApplication *self = PL_APPLICATION (object);

  g_clear_pointer (&self->pending_dials, g_ptr_array_unref);
  G_OBJECT_CLASS (pl_application_parent_class)->finalize (object);
}

static void
pl_application_class_init (PlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->constructed = pl_application_constructed;
  object_class->dispose = pl_application_dispose;
  object_class->finalize = pl_application_finalize;
  object_class->get_property = pl_application_get_property;
  object_class->set_property = pl_application_set_property;
  app_class->startup = pl_application_startup;
  app_class->shutdown = pl_application_shutdown;
  app_class->activate = pl_application_activate;
  app_class->open = pl_application_open;
  app_class->command_line = pl_application_command_line;
  app_class->handle_local_options = pl_application_handle_local_options;
  app_class->dbus_register = pl_application_dbus_register;

  properties[PROP_CORE]
      = g_param_spec_object ("core", NULL, NULL, PL_TYPE_CORE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static const GOptionEntry option_entries[] = {
  { "provision", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_ ("Store the account and park lots of a provisioning FILE, then exit"), N_ ("FILE") },
  { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_ ("Start without a window and keep running in the background (for starting at login)"),
    NULL },
  { "account-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_ ("Use the account and park lots of FILE for this run only, storing nothing"), N_ ("FILE") },
  { NULL },
};

static void
pl_application_init (PlApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  self->pending_dials = g_ptr_array_new_with_free_func (g_free);
  self->settings = g_settings_new (APP_ID);
}

PlApplication *
pl_application_new_with_core (PlCore *core)
{
  g_return_val_if_fail (PL_IS_CORE (core), NULL);

  return g_object_new (PL_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/parkline/Parkline", "core", core, NULL);
}

PlApplication *
pl_application_new_with_engine (PlEngine *engine)
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (PlCore) core = NULL;

  g_return_val_if_fail (PL_IS_ENGINE (engine), NULL);

  settings = g_settings_new (APP_ID);
  core = pl_core_new (engine, settings, NULL);
  return pl_application_new_with_core (core);
}

PlApplication *
pl_application_new (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (PlBaresipOptions) options = pl_baresip_options_new ();
  g_autoptr (PlBaresipEngine) engine = NULL;

  /* The devices the user picked; "default" lets PortAudio choose. */
  options->input_device = g_settings_get_string (settings, "audio-input");
  options->output_device = g_settings_get_string (settings, "audio-output");
  options->ringer_device = g_settings_get_string (settings, "audio-ringer");
  /* Support can ask for baresip's own log without a rebuild. */
  options->log_file = g_strdup (g_getenv ("PARKLINE_ENGINE_LOG"));
  engine = pl_baresip_engine_new (options);
  return pl_application_new_with_engine (PL_ENGINE (engine));
}

/* Returns: (transfer none) */
PlCore *
pl_application_get_core (PlApplication *self)
{
  g_return_val_if_fail (PL_IS_APPLICATION (self), NULL);
  return self->core;
}

/* Returns: (transfer none) */
PlCallManager *
pl_application_get_call_manager (PlApplication *self)
{
  g_return_val_if_fail (PL_IS_APPLICATION (self), NULL);
  return self->manager;
}
