/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-script-engine"

#include "pl-script-engine.h"

struct _PlScriptEngine
{
  GObject parent_instance;

  PlEngineState state;
  PlAccount *account;
  GPtrArray *log;
  int fail_action;
  char *fail_message;
};

static void pl_script_engine_iface_init (PlEngineInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlScriptEngine, pl_script_engine, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PL_TYPE_ENGINE, pl_script_engine_iface_init))

enum
{
  PROP_0,
  PROP_STATE,
  PROP_ACCOUNT,
};

static const char *const verbs[] = {
  [PL_ENGINE_ACTION_DIAL] = "dial",     [PL_ENGINE_ACTION_ANSWER] = "answer",
  [PL_ENGINE_ACTION_HANGUP] = "hangup", [PL_ENGINE_ACTION_HOLD] = "hold",
  [PL_ENGINE_ACTION_RESUME] = "resume", [PL_ENGINE_ACTION_MUTE] = "mute",
  [PL_ENGINE_ACTION_DTMF] = "dtmf",     [PL_ENGINE_ACTION_TRANSFER] = "transfer",
};

static void
script_start (PlEngine *engine)
{
  pl_script_engine_set_state (PL_SCRIPT_ENGINE (engine), PL_ENGINE_STATE_RUNNING);
}

static void
script_stop (PlEngine *engine)
{
  pl_script_engine_set_state (PL_SCRIPT_ENGINE (engine), PL_ENGINE_STATE_STOPPED);
}

static void
script_set_account (PlEngine *engine, PlAccount *account)
{
  PlScriptEngine *self = PL_SCRIPT_ENGINE (engine);

  if (g_set_object (&self->account, account))
    g_object_notify (G_OBJECT (self), "account");
}

static PlAccount *
script_get_account (PlEngine *engine)
{
  return PL_SCRIPT_ENGINE (engine)->account;
}

static PlEngineState
script_get_state (PlEngine *engine)
{
  return PL_SCRIPT_ENGINE (engine)->state;
}

static void
script_action_async (PlEngine *engine, PlEngineAction action, const char *call_id, const char *arg,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  PlScriptEngine *self = PL_SCRIPT_ENGINE (engine);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_ptr_array_add (self->log, g_strdup_printf ("%s %s %s", verbs[action], call_id ? call_id : "-",
                                               arg ? arg : ""));
  if (self->fail_action == (int)action)
    {
      self->fail_action = -1;
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED, "%s",
                               self->fail_message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
script_action_finish (PlEngine *engine, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Logged as "server-lost - REASON" and "reregister - ". */
static void
script_server_lost (PlEngine *engine, const char *reason)
{
  g_ptr_array_add (PL_SCRIPT_ENGINE (engine)->log,
                   g_strdup_printf ("server-lost - %s", reason ? reason : ""));
}

static void
script_reregister (PlEngine *engine)
{
  g_ptr_array_add (PL_SCRIPT_ENGINE (engine)->log, g_strdup ("reregister - "));
}

static void
pl_script_engine_iface_init (PlEngineInterface *iface)
{
  iface->start = script_start;
  iface->stop = script_stop;
  iface->set_account = script_set_account;
  iface->get_account = script_get_account;
  iface->get_state = script_get_state;
  iface->action_async = script_action_async;
  iface->action_finish = script_action_finish;
  iface->server_lost = script_server_lost;
  iface->reregister = script_reregister;
}

static void
pl_script_engine_finalize (GObject *object)
{
  PlScriptEngine *self = PL_SCRIPT_ENGINE (object);

  g_clear_object (&self->account);
  g_ptr_array_unref (self->log);
  g_free (self->fail_message);
  G_OBJECT_CLASS (pl_script_engine_parent_class)->finalize (object);
}

static void
pl_script_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlScriptEngine *self = PL_SCRIPT_ENGINE (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_script_engine_class_init (PlScriptEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pl_script_engine_finalize;
  object_class->get_property = pl_script_engine_get_property;
  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_ACCOUNT, "account");
}

static void
pl_script_engine_init (PlScriptEngine *self)
{
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->fail_action = -1;
}

PlScriptEngine *
pl_script_engine_new (PlAccount *account)
{
  PlScriptEngine *self = g_object_new (PL_TYPE_SCRIPT_ENGINE, NULL);

  self->account = account ? g_object_ref (account) : NULL;
  return self;
}

void
pl_script_engine_set_state (PlScriptEngine *self, PlEngineState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

GPtrArray *
pl_script_engine_get_log (PlScriptEngine *self)
{
  return self->log;
}

void
pl_script_engine_clear_log (PlScriptEngine *self)
{
  g_ptr_array_set_size (self->log, 0);
}

void
pl_script_engine_fail_next (PlScriptEngine *self, PlEngineAction action, const char *message)
{
  self->fail_action = (int)action;
  g_free (self->fail_message);
  self->fail_message = g_strdup (message);
}

void
pl_script_engine_emit (PlScriptEngine *self, PlEngineEventType type, const char *call_id,
                       PlCallDirection direction, const char *peer_uri, const char *param)
{
  g_autoptr (PlEngineEvent) event = pl_engine_event_new (type);

  event->call_id = g_strdup (call_id);
  event->has_direction = TRUE;
  event->direction = direction;
  event->peer_uri = g_strdup (peer_uri);
  event->param = g_strdup (param);
  event->account_aor = g_strdup ("sip:100@pbx");
  pl_engine_emit_event (PL_ENGINE (self), event);
}
