/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-window"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pl-call-pane.h"
#include "pl-call-row.h"
#include "pl-consult-transfer.h"
#include "pl-dialpad.h"
#include "pl-history-page.h"
#include "pl-park-sidebar.h"
#include "pl-sip-uri.h"
#include "pl-ui-util.h"
#include "pl-window.h"

struct _PlWindow
{
  AdwApplicationWindow parent_instance;

  PlCallManager *manager;
  PlEngine *engine;
  PlCall *call;        /* the manager's active call, watched */
  PlAccount *account;  /* the engine's account, watched */
  PlParkService *park; /* the sidebar's, for whether the PBX answers */
  GSettings *settings;
  PlHistory *history;
  PlParkPager *pager;
  char *history_problem; /* the last reason history was off */
  gboolean problem_is_restart;

  /* Template widgets */
  GtkWidget *setup_button;
  GtkWidget *account_button;
  GtkLabel *account_title_label;
  GtkLabel *account_status_label;
  GtkWidget *account_status_icon; /* a dot drawn by CSS */
  GtkRevealer *problem_revealer;
  GtkLabel *problem_label;
  AdwToastOverlay *toast_overlay;
  GtkEntry *dial_entry;
  GtkWidget *dial_button;
  GtkLabel *dial_error_label;
  PlCallPane *call_pane;
  AdwClamp *main_clamp;
  GtkRevealer *waiting_revealer;
  GtkLabel *waiting_label;
  GtkRevealer *dialpad_revealer;
  PlDialpad *dialpad;
  GtkWidget *calls_box;
  GtkListView *calls_view;
  GtkWidget *sidebar_separator;
  GtkWidget *sidebar_slot;
  AdwViewStack *view_stack;
  AdwBin *history_slot;
  PlHistoryPage *history_page; /* NULL until first shown */
  GtkWindow *shortcuts_window; /* NULL until first shown */
  GtkWidget *phone_page_button;
  GtkWidget *history_page_button;
};

G_DEFINE_FINAL_TYPE (PlWindow, pl_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CALL_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (PlWindow *self);
static void history_state_cb (PlWindow *self);

/* The call the answer and decline keys act on: the call in front if it
 * rings, else a call waiting behind it. (transfer none): the calls model
 * keeps it alive. */
static PlCall *
find_ringing_call (PlWindow *self)
{
  GListModel *calls = pl_call_manager_get_calls (self->manager);

  if (self->call && pl_call_get_state (self->call) == PL_CALL_STATE_INCOMING)
    return self->call;
  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      if (pl_call_get_state (call) == PL_CALL_STATE_INCOMING)
        return call;
    }
  return NULL;
}

static void
set_action_enabled (PlWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
set_action_bool_state (PlWindow *self, const char *name, gboolean value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);
  g_autoptr (GVariant) state = g_action_get_state (action);

  if (g_variant_get_boolean (state) != value)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (value));
}

static gboolean
get_action_bool_state (PlWindow *self, const char *name)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), name);

  return state != NULL && g_variant_get_boolean (state);
}

static gboolean
showing_history (PlWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "history") == 0;
}

void
pl_window_show_toast (PlWindow *self, const char *text)
{
  AdwToast *toast;

  g_return_if_fail (PL_IS_WINDOW (self));

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
report_error (PlWindow *self, const GError *error)
{
  g_message ("Call action failed: %s", error->message);
  pl_window_show_toast (self, error->message);
}

/* Dial entry ------------------------------------------------------------- */

static void
set_dial_error (PlWindow *self, const char *message)
{
  gtk_label_set_label (self->dial_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->dial_error_label), message != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dial_entry), message);
  if (message)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->dial_entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->dial_entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->dial_entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->dial_entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static gboolean
has_account (PlWindow *self)
{
  return self->account != NULL;
}

/* What is wrong with the typed text, or NULL. A missing domain is no typo:
 * without an account the dial itself says what is missing. */
static char *
dup_dial_text_error (PlWindow *self, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = pl_sip_uri_normalize (
      text, self->account ? pl_account_get_domain (self->account) : NULL, &error);

  if (uri != NULL || g_error_matches (error, PL_SIP_URI_ERROR, PL_SIP_URI_ERROR_NO_DOMAIN))
    return NULL;
  return g_strdup (error->message);
}

static void
dial_from_entry (PlWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->dial_entry));
  g_autoptr (GError) error = NULL;
  g_autofree char *typo = dup_dial_text_error (self, text);

  /* Check the input first: a typo is worth pointing out even offline. */
  if (typo != NULL)
    {
      set_dial_error (self, typo);
      return;
    }

  if (!has_account (self))
    {
      set_dial_error (self, _ ("Set up an account to make calls"));
      return;
    }
  if (!pl_ui_can_dial (TRUE, pl_engine_get_state (self->engine)))
    {
      set_dial_error (self, _ ("The phone engine is not running yet"));
      return;
    }

  if (pl_call_manager_dial (self->manager, text, &error) == NULL)
    {
      g_message ("Dial failed: %s", error->message);
      set_dial_error (self, error->message);
      return;
    }
  set_dial_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->dial_entry), "");
}

static void
dial_entry_activate_cb (PlWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->dial_entry));

  /* Enter on an empty entry while it rings picks up: the entry has the
   * focus most of the time. */
  if (*text == '\0' && self->call && pl_call_get_state (self->call) == PL_CALL_STATE_INCOMING)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.answer", NULL);
      return;
    }
  dial_from_entry (self);
}

static void
dial_entry_changed_cb (PlWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->dial_entry));
  g_autofree char *typo = NULL;

  /* Errors appear on activation and then follow the typing until fixed. */
  if (!gtk_widget_get_visible (GTK_WIDGET (self->dial_error_label)))
    return;
  if (*text != '\0')
    typo = dup_dial_text_error (self, text);
  set_dial_error (self, typo);
}

void
pl_window_set_dial_text (PlWindow *self, const char *text)
{
  g_return_if_fail (PL_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->dial_entry), text ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->dial_entry), -1);
}

static void
append_to_dial_entry (PlWindow *self, const char *key)
{
  int position = -1;

  gtk_widget_grab_focus (GTK_WIDGET (self->dial_entry));
  gtk_editable_set_position (GTK_EDITABLE (self->dial_entry), -1);
  position = gtk_editable_get_position (GTK_EDITABLE (self->dial_entry));
  gtk_editable_insert_text (GTK_EDITABLE (self->dial_entry), key, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (self->dial_entry), position);
}

/* One key, from the dial pad or the keyboard: tones in a call, digits for
 * the dial entry otherwise. */
static void
press_key (PlWindow *self, const char *key)
{
  PlCallState state = self->call ? pl_call_get_state (self->call) : PL_CALL_STATE_ENDED;

  if (pl_ui_call_actions (self->call != NULL, state) & PL_CALL_ACTION_DTMF)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.dtmf", "s", key);
  else if (self->call == NULL)
    append_to_dial_entry (self, key);
}

static void
dialpad_pressed_cb (PlWindow *self, const char *key)
{
  press_key (self, key);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType modifiers, PlWindow *self)
{
  char digit[2] = { 0 };

  if (modifiers & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK))
    return FALSE;

  /* Runs in the bubble phase: a focused entry has already eaten its keys.
   * On the history page, digits are for its search, not the hidden dial
   * entry. */
  if (pl_ui_is_dial_key (keyval, &digit[0]) && !showing_history (self))
    {
      press_key (self, digit);
      return TRUE;
    }
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
      && self->call && pl_call_get_state (self->call) == PL_CALL_STATE_INCOMING)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.answer", NULL);
      return TRUE;
    }
  return FALSE;
}

/* Actions ---------------------------------------------------------------- */

static void
show_page (PlWindow *self, const char *name)
{
  g_action_group_change_action_state (G_ACTION_GROUP (self), "page", g_variant_new_string (name));
}

static void
page_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  PlWindow *self = user_data;
  const char *name = g_variant_get_string (value, NULL);

  if (!g_str_equal (name, "phone") && !g_str_equal (name, "history"))
    return;
  g_simple_action_set_state (action, value);
  if (g_str_equal (name, "history"))
    pl_window_get_history_page (self);
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  if (g_str_equal (name, "history"))
    pl_history_page_focus_search (self->history_page);
}

static void
show_phone_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  show_page (user_data, "phone");
}

static void
show_history_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  show_page (user_data, "history");
}

/* Built on first use, not by GtkApplicationWindow from gtk/help-overlay.ui
 * at construction: its 705 widgets were most of the 1,134 that existed at
 * the main window's first frame, for a window few people open. */
static void
show_help_overlay_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;

  if (self->shortcuts_window == NULL)
    {
      g_autoptr (GtkBuilder) builder
          = gtk_builder_new_from_resource ("/io/github/parkline/Parkline/pl-shortcuts-window.ui");

      self->shortcuts_window
          = g_object_ref (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
    }
  gtk_window_present (self->shortcuts_window);
}

/* Calling back from the history: the number goes through the dial entry, so
 * a call that cannot be made is explained where the user can fix it. */
static void
call_number_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;

  show_page (self, "phone");
  pl_window_set_dial_text (self, g_variant_get_string (parameter, NULL));
  dial_from_entry (self);
}

static void
dial_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  dial_from_entry (user_data);
}

static void
answer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  PlCall *call = find_ringing_call (self);

  if (call != NULL && !pl_call_manager_answer (self->manager, call, &error))
    report_error (self, error);
}

static void
decline_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  PlCall *call = find_ringing_call (self);

  if (call != NULL && !pl_call_manager_decline (self->manager, call, &error))
    report_error (self, error);
}

static void
hangup_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_call_manager_hangup (self->manager, self->call, &error))
    report_error (self, error);
}

static void
toggle_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

static void
hold_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_variant_get_boolean (value))
    ok = pl_call_manager_hold (self->manager, self->call, &error);
  else
    ok = pl_call_manager_resume (self->manager, self->call, &error);
  if (!ok)
    report_error (self, error);
  /* The state follows the call, whether or not the manager agreed. */
  update_actions (self);
}

static void
mute_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_call_manager_set_muted (self->manager, self->call, g_variant_get_boolean (value), &error))
    report_error (self, error);
  update_actions (self);
}

static void
show_dialpad_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  g_simple_action_set_state (action, value);
  update_actions (user_data);
}

static void
transfer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_call_manager_transfer (self->manager, self->call, g_variant_get_string (parameter, NULL),
                                 &error))
    report_error (self, error);
}

static void
show_transfer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;

  pl_call_pane_show_transfer (self->call_pane);
}

static void
dtmf_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pl_call_manager_send_dtmf (self->manager, self->call, g_variant_get_string (parameter, NULL),
                                  &error))
    report_error (self, error);
}

static void
focus_dial_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->dial_entry));
}

/* Bringing a call to the front: resume it if held, answer it if it rings;
 * the manager puts the others on hold. */
static void
switch_to_call (PlWindow *self, PlCall *call)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  switch (pl_call_get_state (call))
    {
      case PL_CALL_STATE_HELD:
        ok = pl_call_manager_resume (self->manager, call, &error);
        break;
      case PL_CALL_STATE_INCOMING:
        ok = pl_call_manager_answer (self->manager, call, &error);
        break;
      case PL_CALL_STATE_DIALING:
      case PL_CALL_STATE_RINGING:
      case PL_CALL_STATE_ACTIVE:
      case PL_CALL_STATE_ENDED:
      default:
        break;
    }
  if (!ok)
    report_error (self, error);
}

static void
select_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  PlCall *call = pl_call_manager_find_call (self->manager, g_variant_get_string (parameter, NULL));

  if (call != NULL)
    switch_to_call (self, call);
}

static void
step_call (PlWindow *self, int step)
{
  GListModel *calls = pl_call_manager_get_calls (self->manager);
  guint n = g_list_model_get_n_items (calls);
  guint current = 0;

  if (n < 2)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      if (call == self->call)
        current = i;
    }
  /* Skip calls that cannot come to the front (still dialling out). */
  for (guint k = 1; k < n; k++)
    {
      int index = ((int)current + step * (int)k) % (int)n;
      g_autoptr (PlCall) call
          = g_list_model_get_item (calls, (guint)(index < 0 ? index + (int)n : index));
      PlCallState state = pl_call_get_state (call);

      if (state == PL_CALL_STATE_HELD || state == PL_CALL_STATE_INCOMING)
        {
          switch_to_call (self, call);
          return;
        }
    }
}

static void
next_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step_call (user_data, 1);
}

static void
previous_call_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step_call (user_data, -1);
}

static void
dismiss_problem_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;

  gtk_revealer_set_reveal_child (self->problem_revealer, FALSE);
  self->problem_is_restart = FALSE;
}

/* Park & Page and consult transfer ----------------------------------------- */

static PlConsultTransfer *
current_consult (PlWindow *self)
{
  return self->call ? pl_consult_transfer_find (self->manager, self->call) : NULL;
}

static void
end_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (self->pager && !pl_park_pager_end_page (self->pager, &error))
    report_error (self, error);
}

static void
consult_transfer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (self->call == NULL
      || !pl_consult_transfer_start (self->manager, self->call,
                                     g_variant_get_string (parameter, NULL), &error))
    report_error (self, error);
}

static void
complete_transfer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  PlConsultTransfer *consult = current_consult (self);
  g_autoptr (GError) error = NULL;

  if (consult && !pl_consult_transfer_complete (consult, &error))
    report_error (self, error);
}

static void
cancel_transfer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PlWindow *self = user_data;
  PlConsultTransfer *consult = current_consult (self);
  g_autoptr (GError) error = NULL;

  if (consult && !pl_consult_transfer_cancel (consult, &error))
    report_error (self, error);
}

static const GActionEntry win_entries[] = {
  { "dial", dial_activated },
  { "answer", answer_activated },
  { "decline", decline_activated },
  { "hangup", hangup_activated },
  { "hold", toggle_activated, NULL, "false", hold_change_state },
  { "mute", toggle_activated, NULL, "false", mute_change_state },
  { "transfer", transfer_activated, "s" },
  { "show-transfer", show_transfer_activated },
  { "dtmf", dtmf_activated, "s" },
  { "show-dialpad", toggle_activated, NULL, "false", show_dialpad_change_state },
  { "focus-dial", focus_dial_activated },
  { "select-call", select_call_activated, "s" },
  { "next-call", next_call_activated },
  { "previous-call", previous_call_activated },
  { "dismiss-problem", dismiss_problem_activated },
  { "page", NULL, "s", "'phone'", page_change_state },
  { "show-phone", show_phone_activated },
  { "show-history", show_history_activated },
  { "show-help-overlay", show_help_overlay_activated },
  { "call-number", call_number_activated, "s" },
  { "end-page", end_page_activated },
  { "consult-transfer", consult_transfer_activated, "s" },
  { "complete-transfer", complete_transfer_activated },
  { "cancel-transfer", cancel_transfer_activated },
};

/* The one place that decides what can be done now. Every notify that can
 * change the answer ends up here. */
static void
update_actions (PlWindow *self)
{
  PlCallState state = self->call ? pl_call_get_state (self->call) : PL_CALL_STATE_ENDED;
  PlCallActions actions = pl_ui_call_actions (self->call != NULL, state);
  guint n_calls = g_list_model_get_n_items (pl_call_manager_get_calls (self->manager));
  gboolean keypad;

  set_action_enabled (self, "dial",
                      pl_ui_can_dial (has_account (self), pl_engine_get_state (self->engine)));
  /* A call waiting behind the current one can be answered too. */
  set_action_enabled (self, "answer",
                      (actions & PL_CALL_ACTION_ANSWER) || find_ringing_call (self) != NULL);
  set_action_enabled (self, "decline",
                      (actions & PL_CALL_ACTION_DECLINE) || find_ringing_call (self) != NULL);
  set_action_enabled (self, "hangup", actions & PL_CALL_ACTION_HANGUP);
  set_action_enabled (self, "hold", actions & PL_CALL_ACTION_HOLD);
  set_action_enabled (self, "mute", actions & PL_CALL_ACTION_MUTE);
  set_action_enabled (self, "transfer", actions & PL_CALL_ACTION_TRANSFER);
  set_action_enabled (self, "show-transfer", actions & PL_CALL_ACTION_TRANSFER);
  set_action_enabled (self, "dtmf", actions & PL_CALL_ACTION_DTMF);
  set_action_enabled (self, "show-dialpad", actions & PL_CALL_ACTION_DTMF);
  set_action_enabled (self, "select-call", n_calls > 1);
  set_action_enabled (self, "next-call", n_calls > 1);
  set_action_enabled (self, "previous-call", n_calls > 1);

  {
    PlConsultTransfer *consult = current_consult (self);
    gboolean consulting = consult && pl_consult_transfer_get_open (consult);

    set_action_enabled (self, "consult-transfer",
                        (actions & PL_CALL_ACTION_TRANSFER) && consult == NULL);
    set_action_enabled (self, "complete-transfer", consulting);
    set_action_enabled (self, "cancel-transfer", consulting);
    set_action_enabled (self, "end-page",
                        self->pager && pl_park_pager_get_page_call (self->pager) != NULL);
    /* A page on show gets the room to say it in one line, big. */
    adw_clamp_set_maximum_size (
        self->main_clamp,
        self->call && self->pager && pl_park_pager_get_page_call (self->pager) == self->call ? 760
                                                                                             : 420);
  }

  set_action_bool_state (self, "hold", state == PL_CALL_STATE_HELD);
  set_action_bool_state (self, "mute", self->call && pl_call_get_muted (self->call));
  if (!(actions & PL_CALL_ACTION_DTMF))
    set_action_bool_state (self, "show-dialpad", FALSE);

  /* What is shown follows the same facts. */
  {
    PlCall *ringing = find_ringing_call (self);
    gboolean waiting = ringing != NULL && ringing != self->call;

    if (waiting)
      {
        g_autofree char *title = pl_call_dup_title (ringing);
        g_autofree char *text = g_strdup_printf (_ ("%s is calling"), title);
        gtk_label_set_label (self->waiting_label, text);
      }
    gtk_revealer_set_reveal_child (self->waiting_revealer, waiting);
  }
  keypad = get_action_bool_state (self, "show-dialpad");
  gtk_widget_set_visible (GTK_WIDGET (self->call_pane), self->call != NULL);
  gtk_revealer_set_reveal_child (self->dialpad_revealer, self->call == NULL || keypad);
  pl_call_pane_set_compact (self->call_pane, keypad);
  gtk_widget_set_visible (self->calls_box, n_calls > 1);
}

/* Header: account and registration ---------------------------------------- */

static void
update_account_status (PlWindow *self)
{
  PlEngineState engine_state = pl_engine_get_state (self->engine);
  g_autofree char *status = NULL;
  g_autofree char *title = NULL;
  gboolean error = FALSE;
  gboolean online = FALSE;

  if (self->account == NULL)
    {
      title = g_strdup (_ ("Parkline"));
      status = g_strdup (_ ("No account"));
    }
  else
    {
      title = pl_account_dup_aor (self->account);
      if (g_str_has_prefix (title, "sip:"))
        memmove (title, title + 4, strlen (title + 4) + 1);

      if (engine_state == PL_ENGINE_STATE_FAILED)
        {
          status = g_strdup (_ ("Phone engine stopped"));
          error = TRUE;
        }
      else if (engine_state == PL_ENGINE_STATE_RESTARTING)
        status = g_strdup (_ ("Reconnecting…"));
      else if (engine_state != PL_ENGINE_STATE_RUNNING)
        status = g_strdup (_ ("Starting…"));
      /* a registration is only as good as the server that took it */
      else if (self->park
               && pl_park_service_get_server_state (self->park) == PL_SERVER_STATE_NOT_ANSWERING)
        {
          status = g_strdup (_ ("Server not answering"));
          error = TRUE;
        }
      else
        switch (pl_account_get_registration_state (self->account))
          {
            case PL_REGISTRATION_REGISTERED:
              status = g_strdup (_ ("Online"));
              online = TRUE;
              break;
            case PL_REGISTRATION_REGISTERING:
              status = g_strdup (_ ("Connecting…"));
              break;
            case PL_REGISTRATION_FAILED:
              status = pl_ui_registration_error_text (
                  pl_account_get_registration_error (self->account));
              error = TRUE;
              break;
            case PL_REGISTRATION_NONE:
            default:
              status = g_strdup (_ ("Offline"));
              break;
          }
    }

  gtk_label_set_label (self->account_title_label, title);
  gtk_label_set_label (self->account_status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_status_label), status);
  gtk_widget_set_visible (self->setup_button, self->account == NULL);

  pl_ui_set_css_class (self->account_status_label, "error", error);
  gtk_widget_remove_css_class (GTK_WIDGET (self->account_status_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->account_status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->account_status_icon), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->account_status_icon), error    ? "error"
                                                                    : online ? "success"
                                                                             : "dim-label");

  {
    g_autofree char *label = g_strdup_printf (_ ("Account %s: %s"), title, status);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->account_button),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
}

static void
account_notify_cb (PlWindow *self)
{
  update_account_status (self);
}

static void
set_account (PlWindow *self, PlAccount *account)
{
  if (self->account == account)
    return;
  if (self->account)
    g_signal_handlers_disconnect_by_func (self->account, account_notify_cb, self);
  g_set_object (&self->account, account);
  if (account)
    {
      g_signal_connect_object (account, "notify::registration-state",
                               G_CALLBACK (account_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (account, "notify::registration-error",
                               G_CALLBACK (account_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (account, "notify::user", G_CALLBACK (account_notify_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (account, "notify::domain", G_CALLBACK (account_notify_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

/* Engine ------------------------------------------------------------------ */

static void
show_problem (PlWindow *self, const char *message, gboolean is_restart)
{
  gtk_label_set_label (self->problem_label, message);
  gtk_revealer_set_reveal_child (self->problem_revealer, TRUE);
  self->problem_is_restart = is_restart;
}

void
pl_window_show_problem (PlWindow *self, const char *message)
{
  g_return_if_fail (PL_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  show_problem (self, message, FALSE);
}

static void
engine_problem_cb (PlWindow *self, guint code, const char *message, PlEngine *engine)
{
  show_problem (self, message, FALSE);
}

static void
engine_notify_cb (PlWindow *self, GParamSpec *pspec, PlEngine *engine)
{
  PlEngineState state = pl_engine_get_state (engine);

  set_account (self, pl_engine_get_account (engine));
  if (state == PL_ENGINE_STATE_RESTARTING
      && !gtk_revealer_get_reveal_child (self->problem_revealer))
    show_problem (self, _ ("The phone engine stopped unexpectedly and is being restarted."), TRUE);
  else if (state == PL_ENGINE_STATE_RUNNING && self->problem_is_restart)
    dismiss_problem_activated (NULL, NULL, self);
  update_account_status (self);
  update_actions (self);
}

/* Calls ------------------------------------------------------------------- */

static void
call_notify_cb (PlWindow *self, GParamSpec *pspec, PlCall *call)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Once talking, typed digits should become tones: take the focus off an
   * empty dial entry (the entry's text child holds the real focus). */
  if (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE && focus != NULL
      && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->dial_entry))
      && *gtk_editable_get_text (GTK_EDITABLE (self->dial_entry)) == '\0')
    gtk_root_set_focus (GTK_ROOT (self), NULL);
  update_actions (self);
}

static void
active_call_cb (PlWindow *self)
{
  PlCall *call = pl_call_manager_get_active_call (self->manager);

  if (self->call != call)
    {
      if (self->call)
        g_signal_handlers_disconnect_by_func (self->call, call_notify_cb, self);
      g_set_object (&self->call, call);
      if (call)
        {
          g_signal_connect_object (call, "notify::state", G_CALLBACK (call_notify_cb), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (call, "notify::muted", G_CALLBACK (call_notify_cb), self,
                                   G_CONNECT_SWAPPED);
          /* A consult transfer starts and ends with a note on the call. */
          g_signal_connect_object (call, "notify::note", G_CALLBACK (call_notify_cb), self,
                                   G_CONNECT_SWAPPED);
        }
      pl_call_pane_set_call (self->call_pane, call);
      set_action_bool_state (self, "show-dialpad", FALSE);
      /* A call in front is what the user needs to see, whatever page was up. */
      if (call)
        show_page (self, "phone");
    }
  update_actions (self);
}

static void
other_call_state_cb (PlWindow *self)
{
  update_actions (self);
}

static void
calls_changed_cb (PlWindow *self, guint position, guint removed, guint added, GListModel *calls)
{
  /* Calls behind the active one matter too (a waiting call rings). */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (other_call_state_cb), self,
                               G_CONNECT_SWAPPED);
    }
  update_actions (self);
}

static void
manager_message_cb (PlWindow *self, const char *text)
{
  pl_window_show_toast (self, text);
}

static void
row_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, pl_call_row_new ());
}

static void
row_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  pl_call_row_set_call (PL_CALL_ROW (gtk_list_item_get_child (item)),
                        gtk_list_item_get_item (item));
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  pl_call_row_set_call (PL_CALL_ROW (gtk_list_item_get_child (item)), NULL);
}

static void
calls_view_activate_cb (PlWindow *self, guint position)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (self->calls_view));
  g_autoptr (PlCall) call = g_list_model_get_item (model, position);

  if (call != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.select-call", "s", pl_call_get_id (call));
}

/* Tooltips ---------------------------------------------------------------- */

static void
refresh_tooltip (GtkApplication *app, GtkWidget *widget)
{
  const char *action = g_object_get_data (G_OBJECT (widget), "pl-accel-action");
  g_autofree char *detailed = NULL;
  g_auto (GStrv) accels = NULL;
  const char *base;

  if (action != NULL)
    detailed = g_strdup (action);
  else if (GTK_IS_ACTIONABLE (widget) && gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)))
    detailed = g_action_print_detailed_name (
        gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
        gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget)));
  if (detailed == NULL)
    return;

  base = g_object_get_data (G_OBJECT (widget), "pl-base-tooltip");
  if (base == NULL)
    {
      if (gtk_widget_get_tooltip_text (widget) == NULL)
        return;
      base = gtk_widget_get_tooltip_text (widget);
      g_object_set_data_full (G_OBJECT (widget), "pl-base-tooltip", g_strdup (base), g_free);
      base = g_object_get_data (G_OBJECT (widget), "pl-base-tooltip");
    }

  accels = gtk_application_get_accels_for_action (app, detailed);
  if (accels != NULL && accels[0] != NULL)
    {
      guint key = 0;
      GdkModifierType mods = 0;
      g_autofree char *label = NULL;
      g_autofree char *text = NULL;

      gtk_accelerator_parse (accels[0], &key, &mods);
      label = gtk_accelerator_get_label (key, mods);
      text = g_strdup_printf ("%s (%s)", base, label);
      gtk_widget_set_tooltip_text (widget, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_KEY_SHORTCUTS, accels[0], -1);
    }
  else
    gtk_widget_set_tooltip_text (widget, base);
}

static void
refresh_tooltips_in (GtkApplication *app, GtkWidget *widget)
{
  refresh_tooltip (app, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    refresh_tooltips_in (app, child);
}

void
pl_window_refresh_tooltips (PlWindow *self)
{
  GtkApplication *app;

  g_return_if_fail (PL_IS_WINDOW (self));

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL)
    refresh_tooltips_in (app, GTK_WIDGET (self));
}

/* Sidebar ----------------------------------------------------------------- */

static void
server_state_cb (PlWindow *self)
{
  pl_call_pane_set_park_blocker (self->call_pane,
                                 self->park ? pl_park_service_get_park_blocker (self->park) : NULL);
  pl_window_refresh_tooltips (self);
  update_account_status (self);
}

/* The park sidebar brings the park service: the header follows its
 * server state. */
static void
set_park_service (PlWindow *self, PlParkService *park)
{
  if (self->park == park)
    return;
  if (self->park)
    g_signal_handlers_disconnect_by_func (self->park, server_state_cb, self);
  g_set_object (&self->park, park);
  if (park)
    g_signal_connect_object (park, "notify::server-state", G_CALLBACK (server_state_cb), self,
                             G_CONNECT_SWAPPED);
  server_state_cb (self);
}

void
pl_window_set_park_pager (PlWindow *self, PlParkPager *pager)
{
  g_return_if_fail (PL_IS_WINDOW (self));
  g_return_if_fail (pager == NULL || PL_IS_PARK_PAGER (pager));

  if (self->pager)
    g_signal_handlers_disconnect_by_func (self->pager, update_actions, self);
  g_set_object (&self->pager, pager);
  if (pager)
    g_signal_connect_object (pager, "notify::page-call", G_CALLBACK (update_actions), self,
                             G_CONNECT_SWAPPED);
  pl_call_pane_set_services (self->call_pane, self->manager, pager);
  update_actions (self);
}

void
pl_window_set_sidebar (PlWindow *self, GtkWidget *sidebar)
{
  GtkWidget *child;

  g_return_if_fail (PL_IS_WINDOW (self));
  g_return_if_fail (sidebar == NULL || GTK_IS_WIDGET (sidebar));

  while ((child = gtk_widget_get_first_child (self->sidebar_slot)) != NULL)
    gtk_box_remove (GTK_BOX (self->sidebar_slot), child);
  if (sidebar)
    {
      gtk_widget_set_vexpand (sidebar, TRUE);
      gtk_box_append (GTK_BOX (self->sidebar_slot), sidebar);
    }
  gtk_widget_set_visible (self->sidebar_slot, sidebar != NULL);
  gtk_widget_set_visible (self->sidebar_separator, sidebar != NULL);
  set_park_service (self, PL_IS_PARK_SIDEBAR (sidebar)
                              ? pl_park_sidebar_get_service (PL_PARK_SIDEBAR (sidebar))
                              : NULL);
}

/* Object ------------------------------------------------------------------ */

static gboolean
pl_window_close_request (GtkWindow *window)
{
  PlWindow *self = PL_WINDOW (window);
  int width, height;

  if (self->settings)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  return GTK_WINDOW_CLASS (pl_window_parent_class)->close_request (window);
}

static void
pl_window_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pl_window_parent_class)->map (widget);
  pl_window_refresh_tooltips (PL_WINDOW (widget));
}

static void
pl_window_constructed (GObject *object)
{
  PlWindow *self = PL_WINDOW (object);
  g_autoptr (GtkNoSelection) selection = NULL;

  G_OBJECT_CLASS (pl_window_parent_class)->constructed (object);

  g_assert (self->manager != NULL);
  self->engine = g_object_ref (pl_call_manager_get_engine (self->manager));

  selection = gtk_no_selection_new (g_object_ref (pl_call_manager_get_calls (self->manager)));
  gtk_list_view_set_model (self->calls_view, GTK_SELECTION_MODEL (selection));

  g_signal_connect_object (self->manager, "notify::active-call", G_CALLBACK (active_call_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "message", G_CALLBACK (manager_message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (pl_call_manager_get_calls (self->manager), "items-changed",
                           G_CALLBACK (calls_changed_cb), self, G_CONNECT_SWAPPED);
  {
    GListModel *calls = pl_call_manager_get_calls (self->manager);
    calls_changed_cb (self, 0, 0, g_list_model_get_n_items (calls), calls);
  }
  g_signal_connect_object (self->engine, "notify", G_CALLBACK (engine_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "problem", G_CALLBACK (engine_problem_cb), self,
                           G_CONNECT_SWAPPED);

  set_account (self, pl_engine_get_account (self->engine));
  active_call_cb (self);
  update_account_status (self);
  update_actions (self);
}

static void
pl_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlWindow *self = PL_WINDOW (object);

  switch (prop_id)
    {
      case PROP_CALL_MANAGER:
        g_value_set_object (value, self->manager);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlWindow *self = PL_WINDOW (object);

  switch (prop_id)
    {
      case PROP_CALL_MANAGER:
        self->manager = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_window_dispose (GObject *object)
{
  PlWindow *self = PL_WINDOW (object);

  if (self->call)
    g_signal_handlers_disconnect_by_func (self->call, call_notify_cb, self);
  g_clear_object (&self->call);
  set_account (self, NULL);
  if (self->park)
    g_signal_handlers_disconnect_by_func (self->park, server_state_cb, self);
  g_clear_object (&self->park);
  if (self->history)
    g_signal_handlers_disconnect_by_func (self->history, history_state_cb, self);
  g_clear_object (&self->history);
  if (self->pager)
    g_signal_handlers_disconnect_by_data (self->pager, self);
  g_clear_object (&self->pager);
  g_clear_pointer (&self->history_problem, g_free);
  if (self->shortcuts_window)
    gtk_window_destroy (self->shortcuts_window);
  g_clear_object (&self->shortcuts_window);
  gtk_widget_dispose_template (GTK_WIDGET (self), PL_TYPE_WINDOW);
  /* Handlers connected with g_signal_connect_object() only go at finalize;
   * the calls ending at shutdown must not reach a half-disposed widget. */
  if (self->manager)
    {
      g_signal_handlers_disconnect_by_data (pl_call_manager_get_calls (self->manager), self);
      g_signal_handlers_disconnect_by_data (self->manager, self);
    }
  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (pl_window_parent_class)->dispose (object);
}

static void
pl_window_class_init (PlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = pl_window_constructed;
  object_class->dispose = pl_window_dispose;
  object_class->get_property = pl_window_get_property;
  object_class->set_property = pl_window_set_property;
  widget_class->map = pl_window_map;
  window_class->close_request = pl_window_close_request;

  properties[PROP_CALL_MANAGER]
      = g_param_spec_object ("call-manager", NULL, NULL, PL_TYPE_CALL_MANAGER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PL_TYPE_CALL_PANE);
  g_type_ensure (PL_TYPE_DIALPAD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parkline/Parkline/pl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PlWindow, setup_button);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, account_title_label);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, account_status_label);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, account_status_icon);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, dial_entry);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, dial_button);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, dial_error_label);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, call_pane);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, main_clamp);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, waiting_revealer);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, dialpad_revealer);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, dialpad);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, calls_box);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, calls_view);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, sidebar_slot);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, history_slot);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, phone_page_button);
  gtk_widget_class_bind_template_child (widget_class, PlWindow, history_page_button);
  gtk_widget_class_bind_template_callback (widget_class, dial_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, dial_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, dialpad_pressed_cb);
  gtk_widget_class_bind_template_callback (widget_class, calls_view_activate_cb);
}

static void
pl_window_init (PlWindow *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
  gtk_list_view_set_factory (self->calls_view, factory);

  /* The page buttons share one stateful action; their tooltips name the
   * keys of the plain actions the accelerator table binds. */
  g_object_set_data (G_OBJECT (self->phone_page_button), "pl-accel-action",
                     (gpointer) "win.show-phone");
  g_object_set_data (G_OBJECT (self->history_page_button), "pl-accel-action",
                     (gpointer) "win.show-history");

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  /* The uninstalled binary may run without the schema; size is optional. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
    }
}

PlWindow *
pl_window_new (GtkApplication *application, PlCallManager *manager)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PL_IS_CALL_MANAGER (manager), NULL);

  return g_object_new (PL_TYPE_WINDOW, "application", application, "call-manager", manager, NULL);
}

/* The banner told that history was off (the core words it around the
 * store's problem): once history works again, the banner goes. */
static void
history_state_cb (PlWindow *self)
{
  const char *problem = pl_history_get_problem (self->history);
  const char *shown = gtk_label_get_label (self->problem_label);

  if (problem != NULL)
    {
      g_free (self->history_problem);
      self->history_problem = g_strdup (problem);
    }
  else if (!pl_history_get_disabled (self->history) && self->history_problem != NULL
           && gtk_revealer_get_reveal_child (self->problem_revealer)
           && strstr (shown, self->history_problem) != NULL)
    dismiss_problem_activated (NULL, NULL, self);
}

void
pl_window_set_history (PlWindow *self, PlHistory *history)
{
  g_return_if_fail (PL_IS_WINDOW (self));
  g_return_if_fail (history == NULL || PL_IS_HISTORY (history));

  if (self->history)
    g_signal_handlers_disconnect_by_func (self->history, history_state_cb, self);
  g_set_object (&self->history, history);
  if (history)
    {
      g_signal_connect_object (history, "notify::disabled", G_CALLBACK (history_state_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (history, "notify::problem", G_CALLBACK (history_state_cb), self,
                               G_CONNECT_SWAPPED);
      history_state_cb (self);
    }
  if (self->history_page)
    pl_history_page_set_history (self->history_page, history);
}

/* Most sessions never open the history, and the view stack (homogeneous)
 * would style and measure every row, search field and status page of it,
 * icons and fonts loaded, before the window's first frame: the page is built
 * the first time it is shown or asked for. */
PlHistoryPage *
pl_window_get_history_page (PlWindow *self)
{
  g_return_val_if_fail (PL_IS_WINDOW (self), NULL);

  if (self->history_page == NULL)
    {
      self->history_page = PL_HISTORY_PAGE (pl_history_page_new ());
      g_signal_connect_object (self->history_page, "toast", G_CALLBACK (pl_window_show_toast), self,
                               G_CONNECT_SWAPPED);
      pl_history_page_set_history (self->history_page, self->history);
      adw_bin_set_child (self->history_slot, GTK_WIDGET (self->history_page));
    }
  return self->history_page;
}

/* Returns: (transfer none) */
PlCallManager *
pl_window_get_call_manager (PlWindow *self)
{
  g_return_val_if_fail (PL_IS_WINDOW (self), NULL);
  return self->manager;
}
