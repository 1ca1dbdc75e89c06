/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pl-engine.h"

G_BEGIN_DECLS

/* A PlEngine for fault injection and state-machine tables: the test says
 * which events happen and which actions fail. Behaviour against a real
 * baresip is proven by the engine suite, not with this. */
#define PL_TYPE_SCRIPT_ENGINE (pl_script_engine_get_type ())
G_DECLARE_FINAL_TYPE (PlScriptEngine, pl_script_engine, PL, SCRIPT_ENGINE, GObject)

PlScriptEngine *pl_script_engine_new (PlAccount *account);
void pl_script_engine_set_state (PlScriptEngine *self, PlEngineState state);
/* Every action so far as "verb call-id arg" lines, e.g. "hold c1 ", "dial - sip:201@pbx";
 * also "server-lost - REASON" and "reregister - " from the core. */
GPtrArray *pl_script_engine_get_log (PlScriptEngine *self);
void pl_script_engine_clear_log (PlScriptEngine *self);
/* The next action with this verb fails with message. */
void pl_script_engine_fail_next (PlScriptEngine *self, PlEngineAction action, const char *message);
void pl_script_engine_emit (PlScriptEngine *self, PlEngineEventType type, const char *call_id,
                            PlCallDirection direction, const char *peer_uri, const char *param);

G_END_DECLS
