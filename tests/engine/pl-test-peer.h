/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-engine.h"

G_BEGIN_DECLS

/* A plain baresip UA on loopback, driven over its own ctrl_tcp with the
 * engine's control client. Events are recorded for the test to look at. */
typedef struct _PlTestPeer PlTestPeer;

/* A two-minute silent 8 kHz WAV, made once per process: a paced audio
 * source for test UAs ("aufile,PATH"); ALSA's null device would be read as
 * fast as the CPU allows and flood the loopback with RTP. */
const char *pl_test_silence_wav (void);

/* audio_source: "module,device" (default: aufile with the silence). extra_modules: NULL
 * or a NULL-terminated list of extra module lines. */
PlTestPeer *pl_test_peer_new (const char *name, const char *audio_source,
                              const char *const *extra_modules, const char *extra_config);
void pl_test_peer_free (PlTestPeer *peer);
const char *pl_test_peer_uri (PlTestPeer *peer);
/* Runs a command and waits (bounded) for the reply; NULL on error. */
char *pl_test_peer_command (PlTestPeer *peer, const char *command, const char *params,
                            GError **error);
/* Waits for an event of @type (and @call_id if not NULL) not yet consumed
 * by an earlier wait; returns it (owned by the peer) or NULL on timeout. */
const PlEngineEvent *pl_test_peer_wait_event (PlTestPeer *peer, PlEngineEventType type,
                                              const char *call_id, guint timeout_ms);
guint pl_test_peer_count_events (PlTestPeer *peer, PlEngineEventType type, const char *type_name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTestPeer, pl_test_peer_free)

/* Kamailio as a registrar on 127.0.0.1 that accepts any user with
 * @password (digest auth). */
typedef struct _PlTestRegistrar PlTestRegistrar;

PlTestRegistrar *pl_test_registrar_new (const char *password);
guint16 pl_test_registrar_port (PlTestRegistrar *registrar);
void pl_test_registrar_free (PlTestRegistrar *registrar);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTestRegistrar, pl_test_registrar_free)

/* Records a PlEngine's events and problems. */
typedef struct
{
  PlEngine *engine;
  GPtrArray *events;   /* PlEngineEvent */
  GPtrArray *problems; /* char *, "<code>: <message>" */
  guint consumed;
} PlTestRecorder;

PlTestRecorder *pl_test_recorder_new (PlEngine *engine);
void pl_test_recorder_free (PlTestRecorder *recorder);
const PlEngineEvent *pl_test_recorder_wait_event (PlTestRecorder *recorder, PlEngineEventType type,
                                                  const char *call_id, guint timeout_ms);
gboolean pl_test_recorder_has_problem (PlTestRecorder *recorder, PlEngineError code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTestRecorder, pl_test_recorder_free)

/* Waits for an async engine action; returns its result. */
gboolean pl_test_engine_action (PlEngine *engine, PlEngineAction action, const char *call_id,
                                const char *arg, GError **error);

G_END_DECLS
