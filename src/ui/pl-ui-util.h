/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "pl-call.h"
#include "pl-engine.h"

G_BEGIN_DECLS

/* What the user may do with a call, as a pure function of the situation so
 * that the window's action states are one table lookup (and testable without a
 * display). */
typedef enum
{
  PL_CALL_ACTION_NONE = 0,
  PL_CALL_ACTION_ANSWER = 1 << 0,
  PL_CALL_ACTION_DECLINE = 1 << 1,
  PL_CALL_ACTION_HANGUP = 1 << 2,
  PL_CALL_ACTION_HOLD = 1 << 3, /* the hold/resume toggle */
  PL_CALL_ACTION_MUTE = 1 << 4,
  PL_CALL_ACTION_TRANSFER = 1 << 5,
  PL_CALL_ACTION_DTMF = 1 << 6,
} PlCallActions;

PlCallActions pl_ui_call_actions (gboolean has_call, PlCallState state);
gboolean pl_ui_can_dial (gboolean has_account, PlEngineState engine_state);
char *pl_ui_registration_error_text (const char *raw_error);
gboolean pl_ui_is_dial_key (guint keyval, char *digit_out);

/* Gives every AdwPreferencesRow under widget its title as accessible label. */
void pl_ui_label_rows (GtkWidget *widget);
/* Gives every icon-only button under widget its tooltip as accessible name
 * (libadwaita 1.2's password row has such a button and names it nowhere
 * else). */
void pl_ui_label_icon_buttons (GtkWidget *widget);
void pl_ui_set_css_class (gpointer widget, const char *name, gboolean on);
/* Marks a field as wrong (or right again), for the eye and for screen readers. */
void pl_ui_mark_invalid (gpointer widget, gboolean invalid);
/* Asks before something is destroyed: "_Cancel" is the default and what
 * Escape answers; the other answer, response, looks destructive. */
AdwMessageDialog *pl_ui_confirm_destructive (GtkWindow *parent, const char *heading,
                                             const char *body, const char *response,
                                             const char *response_label);

G_END_DECLS
