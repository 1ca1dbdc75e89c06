/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-consult-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pl-consult-transfer.h"
#include "pl-enums.h"
#include "pl-util.h"

#define CONSULTS_KEY "pl-consult-transfers"

struct _PlConsultTransfer
{
  GObject parent_instance;

  PlCallManager *calls; /* borrowed: it owns us */
  PlCall *caller;
  PlCall *consultation;
  char *target;      /* what the user asked to call, for the blind fallback */
  char *caller_note; /* the caller's note before we wrote ours */
  PlConsultState state;
  gboolean blind; /* completing by the fallback */
  gboolean cancelling;
};

G_DEFINE_FINAL_TYPE (PlConsultTransfer, pl_consult_transfer, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CALLER,
  PROP_CONSULTATION,
  PROP_STATE,
  PROP_ATTENDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GPtrArray *
consults_of (PlCallManager *calls, gboolean create)
{
  GPtrArray *list = g_object_get_data (G_OBJECT (calls), CONSULTS_KEY);

  if (list == NULL && create)
    {
      list = g_ptr_array_new_with_free_func (g_object_unref);
      g_object_set_data_full (G_OBJECT (calls), CONSULTS_KEY, list,
                              (GDestroyNotify)g_ptr_array_unref);
    }
  return list;
}

static void tell (PlConsultTransfer *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
tell (PlConsultTransfer *self, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_message ("%s", text);
  g_signal_emit_by_name (self->calls, "message", text);
}

static char *
title_of (PlCall *call)
{
  return pl_call_dup_title (call);
}

/* The end: leaves the manager's list, which drops the last reference. */
static void
finish (PlConsultTransfer *self, PlConsultState state)
{
  g_autoptr (PlConsultTransfer) hold = g_object_ref (self);
  GPtrArray *list = consults_of (self->calls, FALSE);

  if (self->state == state)
    return;
  self->state = state;
  g_signal_handlers_disconnect_by_data (self->calls, self);
  g_signal_handlers_disconnect_by_data (self->caller, self);
  g_signal_handlers_disconnect_by_data (self->consultation, self);
  if (pl_call_is_live (self->consultation))
    pl_call_set_note (self->consultation, NULL);
  if (pl_call_is_live (self->caller) && state != PL_CONSULT_STATE_DONE)
    pl_call_set_note (self->caller, self->caller_note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (list)
    g_ptr_array_remove (list, self);
}

static void
hand_on_blind (PlConsultTransfer *self)
{
  g_autoptr (GError) error = NULL;

  if (pl_call_manager_transfer (self->calls, self->caller, self->target, &error))
    return;
  tell (self, _ ("Could not transfer the caller: %s"), error->message);
  finish (self, PL_CONSULT_STATE_FAILED);
}

static void
on_consultation_named (PlCall *consultation, GParamSpec *pspec, PlConsultTransfer *self)
{
  g_autoptr (GError) error = NULL;

  if (pl_call_get_id (consultation) == NULL)
    return;
  g_signal_handlers_disconnect_by_func (consultation, on_consultation_named, self);
  if (pl_call_is_live (consultation) && !pl_call_manager_hangup (self->calls, consultation, &error))
    tell (self, "%s", error->message);
}

/* A call just dialled is known to the engine only once it has a Call-ID
 * (its first event): until then a hang-up could not name it. */
static gboolean
hang_up_consultation (PlConsultTransfer *self, GError **error)
{
  if (!pl_call_is_live (self->consultation))
    return TRUE;
  if (pl_call_get_id (self->consultation) != NULL)
    return pl_call_manager_hangup (self->calls, self->consultation, error);
  g_signal_connect_object (self->consultation, "notify::id", G_CALLBACK (on_consultation_named),
                           self, 0);
  return TRUE;
}

static void
resume_caller (PlConsultTransfer *self)
{
  g_autoptr (GError) error = NULL;

  if (pl_call_get_state (self->caller) == PL_CALL_STATE_HELD
      && !pl_call_manager_resume (self->calls, self->caller, &error))
    tell (self, "%s", error->message);
  finish (self, PL_CONSULT_STATE_CANCELLED);
}

static void
consultation_ended (PlConsultTransfer *self)
{
  g_autofree char *colleague = title_of (self->consultation);
  g_autofree char *caller = title_of (self->caller);

  if (self->cancelling)
    {
      resume_caller (self);
      return;
    }
  if (self->state == PL_CONSULT_STATE_COMPLETING)
    {
      /* Attended: the PBX ends it once the two are joined. Blind: now the
       * caller can go. */
      if (self->blind && pl_call_is_live (self->caller))
        hand_on_blind (self);
      return;
    }
  if (pl_call_get_answered (self->consultation) == 0)
    tell (self, _ ("%s did not answer; %s is still on hold"), colleague, caller);
  else
    tell (self, _ ("%s hung up; %s is still on hold"), colleague, caller);
  finish (self, PL_CONSULT_STATE_FAILED);
}

/* No transfer happened: neither call ends as one, nor is stored as one. */
static void
give_up (PlConsultTransfer *self)
{
  pl_call_set_transfer (self->caller, PL_CALL_TRANSFER_NONE, NULL);
  if (pl_call_is_live (self->consultation))
    {
      pl_call_manager_forget_transfer (self->calls, self->consultation);
      pl_call_set_transfer (self->consultation, PL_CALL_TRANSFER_NONE, NULL);
    }
  finish (self, PL_CONSULT_STATE_FAILED);
}

static void
caller_ended (PlConsultTransfer *self)
{
  g_autofree char *colleague = title_of (self->consultation);
  g_autofree char *caller = title_of (self->caller);
  g_autoptr (GError) error = NULL;

  if (self->state == PL_CONSULT_STATE_COMPLETING
      && pl_call_get_end (self->caller) == PL_CALL_END_TRANSFERRED)
    {
      if (self->blind)
        tell (self, _ ("%s was transferred to %s without joining (blind transfer)"), caller,
              colleague);
      else
        tell (self, _ ("%s is now talking to %s"), caller, colleague);
      /* The PBX hangs up the joined consultation itself; do not wait for it. */
      if (pl_call_is_live (self->consultation)
          && !pl_call_manager_hangup (self->calls, self->consultation, &error))
        g_debug ("consultation already going: %s", error->message);
      finish (self, PL_CONSULT_STATE_DONE);
      return;
    }
  if (self->state == PL_CONSULT_STATE_CONSULTING)
    tell (self, _ ("%s hung up while you talked to %s"), caller, colleague);
  give_up (self);
}

static void
on_call_ended (PlCallManager *calls, PlCall *call, PlConsultTransfer *self)
{
  if (call == self->caller)
    caller_ended (self);
  else if (call == self->consultation)
    consultation_ended (self);
}

static void
on_transfer_failed (PlCallManager *calls, PlCall *call, const char *reason, PlConsultTransfer *self)
{
  g_autofree char *caller = title_of (self->caller);

  if (call != self->caller || self->state != PL_CONSULT_STATE_COMPLETING)
    return;
  /* baresip 1.0.0 hangs up a call whose REFER failed: say it plainly. */
  tell (self, _ ("The transfer failed (%s); the phone engine ended the call with %s"),
        reason ? reason : "?", caller);
  give_up (self);
}

static void
on_attended_changed (PlConsultTransfer *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTENDED]);
}

PlConsultTransfer *
pl_consult_transfer_find (PlCallManager *calls, PlCall *call)
{
  GPtrArray *list;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (calls), NULL);
  list = consults_of (calls, FALSE);
  for (guint i = 0; call && list && i < list->len; i++)
    {
      PlConsultTransfer *self = g_ptr_array_index (list, i);
      if (self->caller == call || self->consultation == call)
        return self;
    }
  return NULL;
}

PlConsultTransfer *
pl_consult_transfer_start (PlCallManager *calls, PlCall *caller, const char *target, GError **error)
{
  PlCallState state;
  PlConsultTransfer *self;
  PlCall *consultation;
  g_autofree char *caller_title = NULL;
  g_autofree char *colleague = NULL;
  g_autofree char *caller_note = NULL;
  g_autofree char *consult_note = NULL;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (calls), NULL);
  g_return_val_if_fail (PL_IS_CALL (caller), NULL);

  state = pl_call_get_state (caller);
  if (state != PL_CALL_STATE_ACTIVE && state != PL_CALL_STATE_HELD)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("Only a connected call can be transferred"));
      return NULL;
    }
  if (pl_consult_transfer_find (calls, caller) != NULL)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("This call is already part of a transfer"));
      return NULL;
    }
  /* Dialling puts every other talking call, the caller included, on hold. */
  consultation = pl_call_manager_dial (calls, target, error);
  if (consultation == NULL)
    return NULL;

  self = g_object_new (PL_TYPE_CONSULT_TRANSFER, NULL);
  self->calls = calls;
  self->caller = g_object_ref (caller);
  self->consultation = g_object_ref (consultation);
  self->target = g_strdup (pl_call_get_peer_uri (consultation));
  self->caller_note = g_strdup (pl_call_get_note (caller));
  g_ptr_array_add (consults_of (calls, TRUE), self);

  caller_title = title_of (caller);
  colleague = title_of (consultation);
  caller_note = g_strdup_printf (_ ("On hold while you consult %s"), colleague);
  consult_note = g_strdup_printf (_ ("Consulting about %s"), caller_title);
  pl_call_set_note (caller, caller_note);
  pl_call_set_note (consultation, consult_note);

  g_signal_connect_object (calls, "call-ended", G_CALLBACK (on_call_ended), self, 0);
  g_signal_connect_object (calls, "transfer-failed", G_CALLBACK (on_transfer_failed), self, 0);
  g_signal_connect_object (consultation, "notify::replaceable", G_CALLBACK (on_attended_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (consultation, "notify::state", G_CALLBACK (on_attended_changed), self,
                           G_CONNECT_SWAPPED);
  return self;
}

gboolean
pl_consult_transfer_complete (PlConsultTransfer *self, GError **error)
{
  g_autofree char *caller = NULL;
  g_autofree char *colleague = NULL;
  g_autofree char *note = NULL;

  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), FALSE);

  if (self->state != PL_CONSULT_STATE_CONSULTING || self->cancelling)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("This transfer is already being completed or cancelled"));
      return FALSE;
    }
  caller = title_of (self->caller);
  colleague = title_of (self->consultation);
  if (pl_consult_transfer_get_attended (self))
    {
      if (!pl_call_manager_transfer_replacing (self->calls, self->caller, self->consultation,
                                               error))
        return FALSE;
      note = g_strdup_printf (_ ("Joining %s with %s…"), caller, colleague);
      pl_call_set_transfer (self->caller, PL_CALL_TRANSFER_JOINED, colleague);
    }
  else
    {
      /* The honest fallback: the colleague's phone rings again. */
      self->blind = TRUE;
      note = g_strdup_printf (_ ("Transferring %s to %s blind…"), caller, colleague);
      pl_call_set_transfer (self->caller, PL_CALL_TRANSFER_BLIND, colleague);
      if (!hang_up_consultation (self, error))
        return FALSE;
    }
  pl_call_set_transfer (self->consultation, PL_CALL_TRANSFER_CONSULTATION, caller);
  pl_call_set_note (self->caller, note);
  if (pl_call_is_live (self->consultation))
    pl_call_set_note (self->consultation, note);
  self->state = PL_CONSULT_STATE_COMPLETING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (self->blind && !pl_call_is_live (self->consultation))
    hand_on_blind (self);
  return TRUE;
}

gboolean
pl_consult_transfer_cancel (PlConsultTransfer *self, GError **error)
{
  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), FALSE);

  if (self->state != PL_CONSULT_STATE_CONSULTING || self->cancelling)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("This transfer is already being completed or cancelled"));
      return FALSE;
    }
  if (!pl_call_is_live (self->consultation))
    {
      resume_caller (self);
      return TRUE;
    }
  /* Back to the caller once the colleague's call is gone, so the two
   * never talk over each other. */
  if (!hang_up_consultation (self, error))
    return FALSE;
  self->cancelling = TRUE;
  {
    g_autofree char *caller = title_of (self->caller);
    g_autofree char *note = g_strdup_printf (_ ("Back to %s…"), caller);
    pl_call_set_note (self->consultation, note);
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  return TRUE;
}

PlCall *
pl_consult_transfer_get_caller (PlConsultTransfer *self)
{
  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), NULL);
  return self->caller;
}

PlCall *
pl_consult_transfer_get_consultation (PlConsultTransfer *self)
{
  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), NULL);
  return self->consultation;
}

PlConsultState
pl_consult_transfer_get_state (PlConsultTransfer *self)
{
  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), PL_CONSULT_STATE_FAILED);
  return self->state;
}

gboolean
pl_consult_transfer_get_attended (PlConsultTransfer *self)
{
  PlCallState state;

  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), FALSE);
  state = pl_call_get_state (self->consultation);
  return (state == PL_CALL_STATE_ACTIVE || state == PL_CALL_STATE_HELD)
         && pl_call_get_replaceable (self->consultation);
}

gboolean
pl_consult_transfer_get_open (PlConsultTransfer *self)
{
  g_return_val_if_fail (PL_IS_CONSULT_TRANSFER (self), FALSE);
  return self->state == PL_CONSULT_STATE_CONSULTING && !self->cancelling;
}

static void
pl_consult_transfer_dispose (GObject *object)
{
  PlConsultTransfer *self = PL_CONSULT_TRANSFER (object);

  if (self->calls)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  self->calls = NULL;
  g_clear_object (&self->caller);
  g_clear_object (&self->consultation);
  G_OBJECT_CLASS (pl_consult_transfer_parent_class)->dispose (object);
}

static void
pl_consult_transfer_finalize (GObject *object)
{
  PlConsultTransfer *self = PL_CONSULT_TRANSFER (object);

  g_free (self->target);
  g_free (self->caller_note);
  G_OBJECT_CLASS (pl_consult_transfer_parent_class)->finalize (object);
}

static void
pl_consult_transfer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlConsultTransfer *self = PL_CONSULT_TRANSFER (object);

  switch (prop_id)
    {
      case PROP_CALLER:
        g_value_set_object (value, self->caller);
        break;
      case PROP_CONSULTATION:
        g_value_set_object (value, self->consultation);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ATTENDED:
        g_value_set_boolean (value, pl_consult_transfer_get_attended (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_consult_transfer_class_init (PlConsultTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pl_consult_transfer_dispose;
  object_class->finalize = pl_consult_transfer_finalize;
  object_class->get_property = pl_consult_transfer_get_property;

  properties[PROP_CALLER] = g_param_spec_object ("caller", NULL, NULL, PL_TYPE_CALL, ro);
  properties[PROP_CONSULTATION]
      = g_param_spec_object ("consultation", NULL, NULL, PL_TYPE_CALL, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, PL_TYPE_CONSULT_STATE,
                                              PL_CONSULT_STATE_CONSULTING, ro);
  properties[PROP_ATTENDED] = g_param_spec_boolean ("attended", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_consult_transfer_init (PlConsultTransfer *self)
{
  self->state = PL_CONSULT_STATE_CONSULTING;
}
