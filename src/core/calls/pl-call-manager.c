/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-call-manager"

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "pl-call-manager.h"
#include "pl-sip-uri.h"
#include "pl-quark.h"
#include "pl-util.h"

struct _PlCallManager
{
  GObject parent_instance;

  PlEngine *engine;
  GListStore *calls;
  PlCall *active_call;
};

G_DEFINE_FINAL_TYPE (PlCallManager, pl_call_manager, G_TYPE_OBJECT)
PL_DEFINE_QUARK ("pl-call-manager-error-quark", pl_call_manager_error)

enum
{
  PROP_0,
  PROP_ENGINE,
  PROP_CALLS,
  PROP_ACTIVE_CALL,
  N_PROPS
};

enum
{
  SIGNAL_CALL_ADDED,
  SIGNAL_CALL_ENDED,
  SIGNAL_TRANSFER_FAILED,
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What we asked for on a call, so its end can be told apart: a decline from
 * a miss, a transfer from a hang-up. Kept as object data on the call. */
typedef enum
{
  INTENT_NONE = 0,
  INTENT_HANGUP = 1 << 0,
  INTENT_DECLINE = 1 << 1,
  INTENT_TRANSFER = 1 << 2,
  INTENT_PARK = 1 << 3,
} CallIntent;

#define INTENT_KEY "pl-call-manager-intent"

static CallIntent
get_intent (PlCall *call)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (call), INTENT_KEY));
}

static void
add_intent (PlCall *call, CallIntent intent)
{
  g_object_set_data (G_OBJECT (call), INTENT_KEY, GUINT_TO_POINTER (get_intent (call) | intent));
}

static void
clear_intent (PlCall *call, CallIntent intent)
{
  g_object_set_data (G_OBJECT (call), INTENT_KEY, GUINT_TO_POINTER (get_intent (call) & ~intent));
}

static guint
state_rank (PlCallState state)
{
  /* Which call deserves the call pane when several exist. */
  switch (state)
    {
      case PL_CALL_STATE_ACTIVE:
        return 4;
      case PL_CALL_STATE_DIALING:
      case PL_CALL_STATE_RINGING:
        return 3;
      case PL_CALL_STATE_INCOMING:
        return 2;
      case PL_CALL_STATE_HELD:
        return 1;
      case PL_CALL_STATE_ENDED:
      default:
        return 0;
    }
}

static void
update_active_call (PlCallManager *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  PlCall *best = NULL;

  /* Later calls win ties: the newest ringing or held call is the relevant one. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      if (best == NULL
          || state_rank (pl_call_get_state (call)) >= state_rank (pl_call_get_state (best)))
        best = call;
    }

  if (g_set_object (&self->active_call, best))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE_CALL]);
}

static void
on_call_state_changed (PlCall *call, GParamSpec *pspec, PlCallManager *self)
{
  update_active_call (self);
}

static void
add_call (PlCallManager *self, PlCall *call)
{
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state_changed), self, 0);
  g_list_store_append (self->calls, call);
  g_signal_emit (self, signals[SIGNAL_CALL_ADDED], 0, call);
  update_active_call (self);
}

/* Ends the call and drops it from the live list. Listeners of "call-ended"
 * still get a live reference. */
static void
finish_call (PlCallManager *self, PlCall *call, PlCallEnd end, const char *reason)
{
  g_autoptr (PlCall) hold = g_object_ref (call);
  guint position;

  g_debug ("call %s ended: %s (%s)", pl_call_get_id (call) ? pl_call_get_id (call) : "(pending)",
           pl_call_end_to_string (end), reason ? reason : "");
  g_signal_handlers_disconnect_by_func (call, on_call_state_changed, self);
  pl_call_set_ended_here (call, (get_intent (call) & (INTENT_HANGUP | INTENT_DECLINE)) != 0);
  pl_call_end (call, end, reason);
  if (g_list_store_find (self->calls, call, &position))
    g_list_store_remove (self->calls, position);
  g_signal_emit (self, signals[SIGNAL_CALL_ENDED], 0, call);
  update_active_call (self);
}

PlCall *
pl_call_manager_find_call (PlCallManager *self, const char *id)
{
  guint n;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);

  if (id == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      if (g_strcmp0 (pl_call_get_id (call), id) == 0)
        return call;
    }
  return NULL;
}

PlCall *
pl_call_manager_find_by_handle (PlCallManager *self, guint handle)
{
  guint n;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      if (pl_call_get_handle (call) == handle)
        return call;
    }
  return NULL;
}

PlCall *
pl_call_manager_find_by_state (PlCallManager *self, PlCallState state)
{
  guint n;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i - 1);
      if (pl_call_get_state (call) == state)
        return call;
    }
  return NULL;
}

/* Outgoing calls exist before the engine names them: the first event that
 * carries a Call-ID for an outgoing call to the same party claims it. */
static PlCall *
claim_pending_outgoing (PlCallManager *self, const PlEngineEvent *event)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  PlCall *fallback = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      if (pl_call_get_id (call) != NULL
          || pl_call_get_direction (call) != PL_CALL_DIRECTION_OUTGOING)
        continue;
      if (g_strcmp0 (pl_call_get_peer_uri (call), event->peer_uri) == 0)
        return call;
      if (fallback == NULL && pl_sip_uri_same_user (pl_call_get_peer_uri (call), event->peer_uri))
        fallback = call;
    }
  return fallback;
}

static PlCall *
call_for_event (PlCallManager *self, const PlEngineEvent *event)
{
  PlCall *call = pl_call_manager_find_call (self, event->call_id);
  g_autoptr (PlCall) created = NULL;

  if (call != NULL || event->call_id == NULL)
    return call;

  if (event->type == PL_ENGINE_EVENT_CALL_INCOMING)
    {
      created = pl_call_new (event->call_id, PL_CALL_DIRECTION_INCOMING, event->peer_uri,
                             event->peer_name);
    }
  else if (event->type == PL_ENGINE_EVENT_CALL_CLOSED)
    {
      /* Closing an outgoing call we only knew as pending. */
      call = claim_pending_outgoing (self, event);
      if (call)
        pl_call_set_id (call, event->call_id);
      return call;
    }
  else if (!event->has_direction || event->direction == PL_CALL_DIRECTION_OUTGOING)
    {
      call = claim_pending_outgoing (self, event);
      if (call)
        {
          pl_call_set_id (call, event->call_id);
          return call;
        }
      /* An outgoing call we did not dial: the engine following a REFER. */
      if (event->type == PL_ENGINE_EVENT_CALL_OUTGOING
          || event->type == PL_ENGINE_EVENT_CALL_RINGING
          || event->type == PL_ENGINE_EVENT_CALL_PROGRESS
          || event->type == PL_ENGINE_EVENT_CALL_ESTABLISHED)
        created = pl_call_new (event->call_id, PL_CALL_DIRECTION_OUTGOING, event->peer_uri,
                               event->peer_name);
    }

  if (created == NULL)
    return NULL;
  pl_call_set_account_aor (created, event->account_aor);
  add_call (self, created);
  return created;
}

/* Maps the engine's close reason to how the call ended. */
static PlCallEnd
classify_end (PlCall *call, const char *reason)
{
  CallIntent intent = get_intent (call);
  gboolean answered = pl_call_get_answered (call) != 0;
  int status = reason ? atoi (reason) : 0;

  if (g_strcmp0 (reason, PL_ENGINE_CLOSE_REASON_STOPPED) == 0)
    return PL_CALL_END_ENGINE_STOPPED;
  if (intent & INTENT_PARK)
    return PL_CALL_END_PARKED;
  if ((intent & INTENT_TRANSFER) || (reason && g_str_has_prefix (reason, "Call transfered")))
    return PL_CALL_END_TRANSFERRED;
  if (answered)
    return PL_CALL_END_HANGUP;
  if (pl_call_get_direction (call) == PL_CALL_DIRECTION_INCOMING)
    return (intent & (INTENT_DECLINE | INTENT_HANGUP)) ? PL_CALL_END_DECLINED : PL_CALL_END_MISSED;
  if (status == 486 || status == 600 || status == 603)
    return PL_CALL_END_DECLINED;
  return PL_CALL_END_FAILED;
}

static void
on_engine_event (PlEngine *engine, const PlEngineEvent *event, PlCallManager *self)
{
  PlCall *call;

  if (event->call_id == NULL && event->type != PL_ENGINE_EVENT_CALL_CLOSED)
    return;

  call = call_for_event (self, event);
  if (call == NULL)
    return;

  if (event->peer_name && *event->peer_name && pl_call_get_peer_name (call) == NULL)
    pl_call_set_peer_name (call, event->peer_name);

  switch (event->type)
    {
      case PL_ENGINE_EVENT_CALL_RINGING:
      case PL_ENGINE_EVENT_CALL_PROGRESS:
        if (pl_call_get_state (call) == PL_CALL_STATE_DIALING)
          pl_call_set_state (call, PL_CALL_STATE_RINGING);
        break;

      case PL_ENGINE_EVENT_CALL_ANSWERED:
      case PL_ENGINE_EVENT_CALL_ESTABLISHED:
        if (pl_call_get_state (call) != PL_CALL_STATE_HELD)
          pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
        break;

      case PL_ENGINE_EVENT_CALL_CLOSED:
        {
          PlCallEnd end = classify_end (call, event->param);
          if (end == PL_CALL_END_FAILED && event->param)
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Call to %s failed: %s"),
                             pl_call_get_peer_uri (call), event->param);
          else if (end == PL_CALL_END_ENGINE_STOPPED)
            pl_emit_message (self, signals[SIGNAL_MESSAGE],
                             _ ("The call with %s was cut off: the phone engine stopped"),
                             pl_call_get_peer_uri (call));
          finish_call (self, call, end, event->param);
        }
        break;

      case PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED:
        pl_call_set_media_received (call, TRUE);
        break;

      case PL_ENGINE_EVENT_CALL_TRANSFER_FAILED:
        {
          const char *reason = event->param ? event->param : _ ("unknown reason");
          /* baresip 1.0.0's menu module drops the call itself when a REFER
           * fails, so the message cannot promise the call is still there. */
          if (get_intent (call) & INTENT_PARK)
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Parking failed: %s"), reason);
          else
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Transfer failed: %s"), reason);
          clear_intent (call, INTENT_TRANSFER | INTENT_PARK);
          g_signal_emit (self, signals[SIGNAL_TRANSFER_FAILED], 0, call, reason);
        }
        break;

      case PL_ENGINE_EVENT_CALL_HOLD:
      case PL_ENGINE_EVENT_CALL_RESUME:
      case PL_ENGINE_EVENT_CALL_TRANSFER:
      case PL_ENGINE_EVENT_CALL_INCOMING:
      case PL_ENGINE_EVENT_CALL_OUTGOING:
      case PL_ENGINE_EVENT_CALL_DTMF_START:
      case PL_ENGINE_EVENT_CALL_DTMF_END:
      case PL_ENGINE_EVENT_CALL_MEDIA:
      default:
        break;
    }
}

/* Calls cannot outlive the engine process that carried them. */
static void
on_engine_state_changed (PlEngine *engine, GParamSpec *pspec, PlCallManager *self)
{
  PlEngineState state = pl_engine_get_state (engine);

  if (state == PL_ENGINE_STATE_RUNNING || state == PL_ENGINE_STATE_STARTING)
    return;

  while (g_list_model_get_n_items (G_LIST_MODEL (self->calls)) > 0)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), 0);
      pl_emit_message (self, signals[SIGNAL_MESSAGE],
                       _ ("The call with %s was cut off: the phone engine stopped"),
                       pl_call_get_peer_uri (call));
      finish_call (self, call, PL_CALL_END_ENGINE_STOPPED, PL_ENGINE_CLOSE_REASON_STOPPED);
    }
}

static void
pl_call_manager_dispose (GObject *object)
{
  PlCallManager *self = PL_CALL_MANAGER (object);

  if (self->engine)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->active_call);
  if (self->calls)
    g_list_store_remove_all (self->calls);
  g_clear_object (&self->calls);

  G_OBJECT_CLASS (pl_call_manager_parent_class)->dispose (object);
}

static void
pl_call_manager_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlCallManager *self = PL_CALL_MANAGER (object);

  switch (prop_id)
    {
      case PROP_ENGINE:
        g_value_set_object (value, self->engine);
        break;
      case PROP_CALLS:
        g_value_set_object (value, self->calls);
        break;
      case PROP_ACTIVE_CALL:
        g_value_set_object (value, self->active_call);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_manager_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  PlCallManager *self = PL_CALL_MANAGER (object);

  switch (prop_id)
    {
      case PROP_ENGINE:
        self->engine = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_manager_constructed (GObject *object)
{
  PlCallManager *self = PL_CALL_MANAGER (object);

  G_OBJECT_CLASS (pl_call_manager_parent_class)->constructed (object);

  g_signal_connect (self->engine, "event", G_CALLBACK (on_engine_event), self);
  g_signal_connect (self->engine, "notify::state", G_CALLBACK (on_engine_state_changed), self);
}

static void
pl_call_manager_class_init (PlCallManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_call_manager_dispose;
  object_class->get_property = pl_call_manager_get_property;
  object_class->set_property = pl_call_manager_set_property;
  object_class->constructed = pl_call_manager_constructed;

  properties[PROP_ENGINE]
      = g_param_spec_object ("engine", NULL, NULL, PL_TYPE_ENGINE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALLS] = g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE_CALL]
      = g_param_spec_object ("active-call", NULL, NULL, PL_TYPE_CALL,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CALL_ADDED]
      = g_signal_new ("call-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_CALL);
  signals[SIGNAL_CALL_ENDED]
      = g_signal_new ("call-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_CALL);
  signals[SIGNAL_TRANSFER_FAILED]
      = g_signal_new ("transfer-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, PL_TYPE_CALL, G_TYPE_STRING);
  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pl_call_manager_init (PlCallManager *self)
{
  self->calls = g_list_store_new (PL_TYPE_CALL);
}

PlCallManager *
pl_call_manager_new (PlEngine *engine)
{
  g_return_val_if_fail (PL_IS_ENGINE (engine), NULL);
  return g_object_new (PL_TYPE_CALL_MANAGER, "engine", engine, NULL);
}

PlEngine *
pl_call_manager_get_engine (PlCallManager *self)
{
  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);
  return self->engine;
}

GListModel *
pl_call_manager_get_calls (PlCallManager *self)
{
  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);
  return G_LIST_MODEL (self->calls);
}

PlCall *
pl_call_manager_get_active_call (PlCallManager *self)
{
  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);
  return self->active_call;
}

/* An action in flight; its result lands on the call it was meant for. */
typedef struct
{
  PlCallManager *self;
  PlCall *call;
  PlEngineAction action;
  PlCallState state_on_success;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_object_unref (data->self);
  g_clear_object (&data->call);
  g_free (data);
}

static const char *
action_verb (PlEngineAction action)
{
  switch (action)
    {
      case PL_ENGINE_ACTION_DIAL:
        return _ ("Could not place the call");
      case PL_ENGINE_ACTION_ANSWER:
        return _ ("Could not answer the call");
      case PL_ENGINE_ACTION_HANGUP:
        return _ ("Could not hang up");
      case PL_ENGINE_ACTION_HOLD:
        return _ ("Could not put the call on hold");
      case PL_ENGINE_ACTION_RESUME:
        return _ ("Could not resume the call");
      case PL_ENGINE_ACTION_MUTE:
        return _ ("Could not change muting");
      case PL_ENGINE_ACTION_DTMF:
        return _ ("Could not send the tones");
      case PL_ENGINE_ACTION_TRANSFER:
      default:
        return _ ("Could not transfer the call");
    }
}

static void
action_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ActionData *data = user_data;
  g_autoptr (GError) error = NULL;

  if (pl_engine_action_finish (PL_ENGINE (source), result, &error))
    {
      if (data->call && (int)data->state_on_success >= 0 && pl_call_is_live (data->call))
        pl_call_set_state (data->call, data->state_on_success);
    }
  else
    {
      pl_emit_message (data->self, signals[SIGNAL_MESSAGE], "%s: %s", action_verb (data->action),
                       error->message);
      if (data->call && data->action == PL_ENGINE_ACTION_DIAL)
        finish_call (data->self, data->call, PL_CALL_END_FAILED, error->message);
      else if (data->call && data->action == PL_ENGINE_ACTION_TRANSFER)
        {
          clear_intent (data->call, INTENT_TRANSFER | INTENT_PARK);
          g_signal_emit (data->self, signals[SIGNAL_TRANSFER_FAILED], 0, data->call,
                         error->message);
        }
      else if (data->call && data->action == PL_ENGINE_ACTION_MUTE)
        pl_call_set_muted (data->call, !pl_call_get_muted (data->call));
    }
  action_data_free (data);
}

static void
run_action (PlCallManager *self, PlCall *call, PlEngineAction action, const char *arg,
            int state_on_success)
{
  ActionData *data = g_new0 (ActionData, 1);

  data->self = g_object_ref (self);
  data->call = call ? g_object_ref (call) : NULL;
  data->action = action;
  data->state_on_success = state_on_success;
  pl_engine_action_async (self->engine, action, call ? pl_call_get_id (call) : NULL, arg, NULL,
                          action_done, data);
}

static gboolean
check_engine (PlCallManager *self, GError **error)
{
  if (pl_engine_get_state (self->engine) != PL_ENGINE_STATE_RUNNING)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_ENGINE_DOWN,
                           _ ("The phone engine is not running; wait for it to restart"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_call (PlCallManager *self, PlCall *call, const PlCallState *allowed, guint n_allowed,
            const char *what, GError **error)
{
  g_autofree char *state = NULL;

  if (!check_engine (self, error))
    return FALSE;
  for (guint i = 0; i < n_allowed; i++)
    if (pl_call_get_state (call) == allowed[i])
      return TRUE;
  state = g_utf8_strdown (pl_call_state_to_string (pl_call_get_state (call)), -1);
  g_set_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
               _ ("Cannot %s now: the call is %s"), what, state);
  return FALSE;
}

/* Only one call talks at a time: every other active call goes on hold. */
static void
hold_others (PlCallManager *self, PlCall *keep)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      if (call != keep && pl_call_get_state (call) == PL_CALL_STATE_ACTIVE)
        run_action (self, call, PL_ENGINE_ACTION_HOLD, NULL, PL_CALL_STATE_HELD);
    }
}

PlCall *
pl_call_manager_dial (PlCallManager *self, const char *input, GError **error)
{
  PlAccount *account;
  g_autofree char *uri = NULL;
  g_autoptr (PlCall) call = NULL;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  account = pl_engine_get_account (self->engine);
  if (account == NULL || !pl_account_is_complete (account))
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_NO_ACCOUNT,
                           _ ("Set up a SIP account before calling"));
      return NULL;
    }
  uri = pl_sip_uri_normalize (input, pl_account_get_domain (account), error);
  if (uri == NULL || !check_engine (self, error))
    return NULL;

  call = pl_call_new (NULL, PL_CALL_DIRECTION_OUTGOING, uri, NULL);
  {
    g_autofree char *aor = pl_account_dup_aor (account);
    pl_call_set_account_aor (call, aor);
  }
  hold_others (self, call);
  add_call (self, call);
  run_action (self, call, PL_ENGINE_ACTION_DIAL, uri, -1);
  return call;
}

gboolean
pl_call_manager_answer (PlCallManager *self, PlCall *call, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_INCOMING };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("answer"), error))
    return FALSE;
  hold_others (self, call);
  run_action (self, call, PL_ENGINE_ACTION_ANSWER, NULL, -1);
  return TRUE;
}

gboolean
pl_call_manager_decline (PlCallManager *self, PlCall *call, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_INCOMING };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("decline"), error))
    return FALSE;
  add_intent (call, INTENT_DECLINE);
  run_action (self, call, PL_ENGINE_ACTION_HANGUP, "486", -1);
  return TRUE;
}

gboolean
pl_call_manager_hangup (PlCallManager *self, PlCall *call, GError **error)
{
  static const PlCallState allowed[]
      = { PL_CALL_STATE_INCOMING, PL_CALL_STATE_DIALING, PL_CALL_STATE_RINGING,
          PL_CALL_STATE_ACTIVE, PL_CALL_STATE_HELD };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("hang up"), error))
    return FALSE;
  add_intent (call, INTENT_HANGUP);
  if (pl_call_get_id (call) == NULL)
    {
      /* Still dialling and not yet known to the engine by id: it will report
       * the close once the dial completes; cancel through the current call. */
      run_action (self, NULL, PL_ENGINE_ACTION_HANGUP, NULL, -1);
      return TRUE;
    }
  run_action (self, call, PL_ENGINE_ACTION_HANGUP, NULL, -1);
  return TRUE;
}

gboolean
pl_call_manager_hold (PlCallManager *self, PlCall *call, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_ACTIVE };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("hold"), error))
    return FALSE;
  run_action (self, call, PL_ENGINE_ACTION_HOLD, NULL, PL_CALL_STATE_HELD);
  return TRUE;
}

gboolean
pl_call_manager_resume (PlCallManager *self, PlCall *call, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_HELD };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("resume"), error))
    return FALSE;
  hold_others (self, call);
  run_action (self, call, PL_ENGINE_ACTION_RESUME, NULL, PL_CALL_STATE_ACTIVE);
  return TRUE;
}

gboolean
pl_call_manager_set_muted (PlCallManager *self, PlCall *call, gboolean muted, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_ACTIVE, PL_CALL_STATE_HELD };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("mute"), error))
    return FALSE;
  if (pl_call_get_muted (call) == !!muted)
    return TRUE;
  /* baresip's mute toggles and reports nothing: flip our state with it. */
  pl_call_set_muted (call, muted);
  run_action (self, call, PL_ENGINE_ACTION_MUTE, muted ? "1" : "0", -1);
  return TRUE;
}

gboolean
pl_call_manager_send_dtmf (PlCallManager *self, PlCall *call, const char *digits, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_ACTIVE };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (!pl_dtmf_is_valid (digits))
    {
      g_set_error (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_INVALID,
                   _ ("“%s” is not a keypad tone (use 0–9, *, #, A–D)"), digits ? digits : "");
      return FALSE;
    }
  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("send tones on"), error))
    return FALSE;
  run_action (self, call, PL_ENGINE_ACTION_DTMF, digits, -1);
  return TRUE;
}

gboolean
pl_call_manager_transfer (PlCallManager *self, PlCall *call, const char *target, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_ACTIVE, PL_CALL_STATE_HELD };
  PlAccount *account;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  account = pl_engine_get_account (self->engine);
  uri = pl_sip_uri_normalize (target, account ? pl_account_get_domain (account) : NULL, error);
  if (uri == NULL)
    return FALSE;
  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("transfer"), error))
    return FALSE;
  add_intent (call, INTENT_TRANSFER);
  run_action (self, call, PL_ENGINE_ACTION_TRANSFER, uri, -1);
  return TRUE;
}

gboolean
pl_call_manager_park (PlCallManager *self, PlCall *call, const char *uri, GError **error)
{
  static const PlCallState allowed[] = { PL_CALL_STATE_ACTIVE, PL_CALL_STATE_HELD };

  g_return_val_if_fail (PL_IS_CALL_MANAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);
  g_return_val_if_fail (pl_sip_uri_is_valid (uri), FALSE);

  if (!check_call (self, call, allowed, G_N_ELEMENTS (allowed), _ ("park"), error))
    return FALSE;
  add_intent (call, INTENT_PARK);
  run_action (self, call, PL_ENGINE_ACTION_TRANSFER, uri, -1);
  return TRUE;
}
