/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ui-util"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pl-ui-util.h"

PlCallActions
pl_ui_call_actions (gboolean has_call, PlCallState state)
{
  if (!has_call)
    return PL_CALL_ACTION_NONE;

  switch (state)
    {
      case PL_CALL_STATE_INCOMING:
        return PL_CALL_ACTION_ANSWER | PL_CALL_ACTION_DECLINE;
      case PL_CALL_STATE_DIALING:
      case PL_CALL_STATE_RINGING:
        /* Early media may carry an IVR, but baresip only sends DTMF once the
         * call is established, so no keypad before the answer. */
        return PL_CALL_ACTION_HANGUP;
      case PL_CALL_STATE_ACTIVE:
        return PL_CALL_ACTION_HANGUP | PL_CALL_ACTION_HOLD | PL_CALL_ACTION_MUTE
               | PL_CALL_ACTION_TRANSFER | PL_CALL_ACTION_DTMF;
      case PL_CALL_STATE_HELD:
        /* Hold stays enabled: it is the toggle that resumes. */
        return PL_CALL_ACTION_HANGUP | PL_CALL_ACTION_HOLD | PL_CALL_ACTION_MUTE
               | PL_CALL_ACTION_TRANSFER;
      case PL_CALL_STATE_ENDED:
      default:
        return PL_CALL_ACTION_NONE;
    }
}

gboolean
pl_ui_can_dial (gboolean has_account, PlEngineState engine_state)
{
  return has_account && engine_state == PL_ENGINE_STATE_RUNNING;
}

/* The engine reports registration failures as SIP status lines or socket
 * errors ("401 Unauthorized", "Connection refused [111]"); users need to know
 * what to fix instead. */
char *
pl_ui_registration_error_text (const char *raw_error)
{
  static const struct
  {
    const char *prefix;
    const char *text;
  } known[] = {
    { "401", N_ ("Wrong user or password") },
    { "403", N_ ("Wrong user or password") },
    { "407", N_ ("Wrong user or password") },
    { "404", N_ ("The server does not know this user") },
    { "408", N_ ("The server does not answer") },
    { "480", N_ ("The server is temporarily unavailable") },
    { "503", N_ ("The server is temporarily unavailable") },
    { "Connection refused", N_ ("The server refused the connection") },
    { "Connection timed out", N_ ("The server does not answer") },
    { "Network is unreachable", N_ ("No network connection") },
    { "Host is unreachable", N_ ("The server cannot be reached") },
  };
  g_autofree char *trimmed = NULL;

  if (raw_error == NULL || *raw_error == '\0')
    return g_strdup (_ ("Registration failed"));

  trimmed = g_strstrip (g_strdup (raw_error));
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_prefix (trimmed, known[i].prefix))
      return g_strdup (_ (known[i].text));
  if (g_ascii_strncasecmp (trimmed, "dns", 3) == 0 || strstr (trimmed, "resolve") != NULL)
    return g_strdup (_ ("The server name cannot be found"));

  /* Unknown: still better shown raw than hidden. */
  return g_strdup_printf (_ ("Registration failed: %s"), trimmed);
}

/* Maps a key press to a DTMF/dial character, keypad keys included. */
gboolean
pl_ui_is_dial_key (guint keyval, char *digit_out)
{
  char digit = 0;

  if (keyval >= GDK_KEY_0 && keyval <= GDK_KEY_9)
    digit = (char)('0' + (keyval - GDK_KEY_0));
  else if (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9)
    digit = (char)('0' + (keyval - GDK_KEY_KP_0));
  else if (keyval == GDK_KEY_asterisk || keyval == GDK_KEY_KP_Multiply)
    digit = '*';
  else if (keyval == GDK_KEY_numbersign)
    digit = '#';

  if (digit_out != NULL)
    *digit_out = digit;
  return digit != 0;
}

/* Screen readers say a row's title only if it is the accessible label, which
 * rows built from a template do not get on their own. */
void
pl_ui_label_rows (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                                    -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    pl_ui_label_rows (child);
}

void
pl_ui_label_icon_buttons (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL
      && gtk_widget_get_tooltip_text (widget) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_widget_get_tooltip_text (widget), -1);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    pl_ui_label_icon_buttons (child);
}

void
pl_ui_set_css_class (gpointer widget, const char *name, gboolean on)
{
  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (widget), name);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (widget), name);
}

void
pl_ui_mark_invalid (gpointer widget, gboolean invalid)
{
  pl_ui_set_css_class (widget, "error", invalid);
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

/* Returns: (transfer none): the dialog, not yet presented */
AdwMessageDialog *
pl_ui_confirm_destructive (GtkWindow *parent, const char *heading, const char *body,
                           const char *response, const char *response_label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}
