/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-engine"

#include "config.h"

#include "pl-engine.h"
#include "pl-enums.h"
#include "pl-quark.h"

PL_DEFINE_QUARK ("pl-engine-error-quark", pl_engine_error)
G_DEFINE_BOXED_TYPE (PlEngineEvent, pl_engine_event, pl_engine_event_copy, pl_engine_event_free)
G_DEFINE_INTERFACE (PlEngine, pl_engine, G_TYPE_OBJECT)

enum
{
  SIGNAL_EVENT,
  SIGNAL_PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pl_engine_default_init (PlEngineInterface *iface)
{
  g_object_interface_install_property (
      iface, g_param_spec_enum ("state", NULL, NULL, PL_TYPE_ENGINE_STATE, PL_ENGINE_STATE_STOPPED,
                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface, g_param_spec_object ("account", NULL, NULL, PL_TYPE_ACCOUNT,
                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  signals[SIGNAL_EVENT]
      = g_signal_new ("event", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_ENGINE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_PROBLEM]
      = g_signal_new ("problem", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

PlEngineEvent *
pl_engine_event_new (PlEngineEventType type)
{
  PlEngineEvent *event = g_new0 (PlEngineEvent, 1);
  event->type = type;
  return event;
}

PlEngineEvent *
pl_engine_event_copy (const PlEngineEvent *event)
{
  PlEngineEvent *copy = g_new0 (PlEngineEvent, 1);

  *copy = *event;
  copy->type_name = g_strdup (event->type_name);
  copy->call_id = g_strdup (event->call_id);
  copy->account_aor = g_strdup (event->account_aor);
  copy->peer_uri = g_strdup (event->peer_uri);
  copy->peer_name = g_strdup (event->peer_name);
  copy->param = g_strdup (event->param);
  return copy;
}

void
pl_engine_event_free (PlEngineEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->type_name);
  g_free (event->call_id);
  g_free (event->account_aor);
  g_free (event->peer_uri);
  g_free (event->peer_name);
  g_free (event->param);
  g_free (event);
}

void
pl_engine_start (PlEngine *self)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  PL_ENGINE_GET_IFACE (self)->start (self);
}

void
pl_engine_stop (PlEngine *self)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  PL_ENGINE_GET_IFACE (self)->stop (self);
}

void
pl_engine_set_account (PlEngine *self, PlAccount *account)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  g_return_if_fail (account == NULL || PL_IS_ACCOUNT (account));
  PL_ENGINE_GET_IFACE (self)->set_account (self, account);
}

/* Returns: (transfer none) (nullable) */
PlAccount *
pl_engine_get_account (PlEngine *self)
{
  g_return_val_if_fail (PL_IS_ENGINE (self), NULL);
  return PL_ENGINE_GET_IFACE (self)->get_account (self);
}

PlEngineState
pl_engine_get_state (PlEngine *self)
{
  g_return_val_if_fail (PL_IS_ENGINE (self), PL_ENGINE_STATE_STOPPED);
  return PL_ENGINE_GET_IFACE (self)->get_state (self);
}

void
pl_engine_action_async (PlEngine *self, PlEngineAction action, const char *call_id, const char *arg,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  PL_ENGINE_GET_IFACE (self)->action_async (self, action, call_id, arg, cancellable, callback,
                                            user_data);
}

gboolean
pl_engine_action_finish (PlEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (PL_IS_ENGINE (self), FALSE);
  return PL_ENGINE_GET_IFACE (self)->action_finish (self, result, error);
}

void
pl_engine_server_lost (PlEngine *self, const char *reason)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  if (PL_ENGINE_GET_IFACE (self)->server_lost)
    PL_ENGINE_GET_IFACE (self)->server_lost (self, reason);
}

void
pl_engine_reregister (PlEngine *self)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  if (PL_ENGINE_GET_IFACE (self)->reregister)
    PL_ENGINE_GET_IFACE (self)->reregister (self);
}

void
pl_engine_emit_event (PlEngine *self, const PlEngineEvent *event)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
}

void
pl_engine_emit_problem (PlEngine *self, PlEngineError code, const char *message)
{
  g_return_if_fail (PL_IS_ENGINE (self));
  g_message ("Engine problem: %s", message);
  g_signal_emit (self, signals[SIGNAL_PROBLEM], 0, (guint)code, message);
}
