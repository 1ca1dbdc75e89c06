/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-account.h"
#include "pl-call.h"

G_BEGIN_DECLS

typedef enum
{
  PL_ENGINE_STATE_STOPPED,
  PL_ENGINE_STATE_STARTING,
  PL_ENGINE_STATE_RUNNING,
  PL_ENGINE_STATE_RESTARTING, /* died or was hijacked; a restart is scheduled */
  PL_ENGINE_STATE_FAILED,     /* gave up restarting; see the last problem */
} PlEngineState;

/* What the engine reports; the vocabulary is the engine's, not baresip's. */
typedef enum
{
  PL_ENGINE_EVENT_UNKNOWN,
  PL_ENGINE_EVENT_REGISTERING,
  PL_ENGINE_EVENT_REGISTER_OK,
  PL_ENGINE_EVENT_REGISTER_FAIL,
  PL_ENGINE_EVENT_UNREGISTERING,
  PL_ENGINE_EVENT_CALL_INCOMING,
  PL_ENGINE_EVENT_CALL_OUTGOING,
  PL_ENGINE_EVENT_CALL_RINGING,
  PL_ENGINE_EVENT_CALL_PROGRESS,
  PL_ENGINE_EVENT_CALL_ANSWERED,
  PL_ENGINE_EVENT_CALL_ESTABLISHED,
  PL_ENGINE_EVENT_CALL_CLOSED,
  PL_ENGINE_EVENT_CALL_TRANSFER,        /* we were asked to call param (REFER received) */
  PL_ENGINE_EVENT_CALL_TRANSFER_FAILED, /* our REFER failed; param holds the SIP reason */
  PL_ENGINE_EVENT_CALL_DTMF_START,
  PL_ENGINE_EVENT_CALL_DTMF_END,
  PL_ENGINE_EVENT_CALL_MEDIA,          /* SDP/RTP/RTCP bookkeeping; no state change */
  PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED, /* the first RTP packet came in; param: "audio" */
  PL_ENGINE_EVENT_CALL_HOLD,           /* the far end put us on hold */
  PL_ENGINE_EVENT_CALL_RESUME,
  PL_ENGINE_EVENT_AUDIO_ERROR, /* the audio device could not be opened */
  PL_ENGINE_EVENT_SHUTDOWN,
  PL_ENGINE_EVENT_EXIT,
} PlEngineEventType;

/* The param of the CALL_CLOSED event an engine synthesises for calls that
 * died with its process. */
#define PL_ENGINE_CLOSE_REASON_STOPPED "engine stopped"

typedef struct
{
  PlEngineEventType type;
  char *type_name; /* the engine's own name, for logs */
  char *call_id;   /* SIP Call-ID, NULL for non-call events */
  char *account_aor;
  char *peer_uri;
  char *peer_name;
  gboolean has_direction;
  PlCallDirection direction;
  char *param; /* type-specific: reason, DTMF digit, transfer target */
} PlEngineEvent;

#define PL_TYPE_ENGINE_EVENT (pl_engine_event_get_type ())
GType pl_engine_event_get_type (void) G_GNUC_CONST;
PlEngineEvent *pl_engine_event_new (PlEngineEventType type);
PlEngineEvent *pl_engine_event_copy (const PlEngineEvent *event);
void pl_engine_event_free (PlEngineEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlEngineEvent, pl_engine_event_free)

typedef enum
{
  PL_ENGINE_ACTION_DIAL, /* arg: SIP URI; call_id unused */
  PL_ENGINE_ACTION_ANSWER,
  PL_ENGINE_ACTION_HANGUP, /* arg: optional "486" style status to decline with */
  PL_ENGINE_ACTION_HOLD,
  PL_ENGINE_ACTION_RESUME,
  PL_ENGINE_ACTION_MUTE,     /* arg: "1" mute, "0" unmute */
  PL_ENGINE_ACTION_DTMF,     /* arg: one or more of 0-9*#A-D */
  PL_ENGINE_ACTION_TRANSFER, /* arg: SIP URI; blind transfer (REFER) */
} PlEngineAction;

#define PL_ENGINE_ERROR (pl_engine_error_quark ())

typedef enum
{
  PL_ENGINE_ERROR_NOT_RUNNING,
  PL_ENGINE_ERROR_NO_SUCH_CALL,
  PL_ENGINE_ERROR_REJECTED, /* the engine refused the command */
  PL_ENGINE_ERROR_SPAWN,    /* the engine binary could not be started */
  PL_ENGINE_ERROR_PROTOCOL, /* the control connection broke or spoke nonsense */
  PL_ENGINE_ERROR_NO_AUDIO, /* no usable audio device */
  PL_ENGINE_ERROR_TIMEOUT,
} PlEngineError;

GQuark pl_engine_error_quark (void);

#define PL_TYPE_ENGINE (pl_engine_get_type ())
G_DECLARE_INTERFACE (PlEngine, pl_engine, PL, ENGINE, GObject)

struct _PlEngineInterface
{
  GTypeInterface parent_iface;

  void (*start) (PlEngine *self);
  void (*stop) (PlEngine *self);
  void (*set_account) (PlEngine *self, PlAccount *account);
  PlAccount *(*get_account) (PlEngine *self);
  PlEngineState (*get_state) (PlEngine *self);
  void (*action_async) (PlEngine *self, PlEngineAction action, const char *call_id, const char *arg,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
  gboolean (*action_finish) (PlEngine *self, GAsyncResult *result, GError **error);
  /* optional */
  void (*server_lost) (PlEngine *self, const char *reason);
  void (*reregister) (PlEngine *self);
};

/* Signals:
 *   "event" (PlEngineEvent *event)          — every engine event, in order
 *   "problem" (guint PlEngineError, char *message) — something the user must
 *       be told about: a crash, a hijacked control socket, no audio device
 * Properties: "state" (PlEngineState), "account" (PlAccount). */

void pl_engine_start (PlEngine *self);
void pl_engine_stop (PlEngine *self);
void pl_engine_set_account (PlEngine *self, PlAccount *account);
PlAccount *pl_engine_get_account (PlEngine *self);
PlEngineState pl_engine_get_state (PlEngine *self);
void pl_engine_action_async (PlEngine *self, PlEngineAction action, const char *call_id,
                             const char *arg, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean pl_engine_action_finish (PlEngine *self, GAsyncResult *result, GError **error);
/* The SIP server stopped answering (reason for the user): a registration
 * it took earlier proves nothing now. Calls are left alone. */
void pl_engine_server_lost (PlEngine *self, const char *reason);
/* The server answers again after an outage: register anew (it may have
 * restarted and forgotten us). An engine may wait for calls in progress to
 * end first rather than disturb them. */
void pl_engine_reregister (PlEngine *self);

/* For implementations. */
void pl_engine_emit_event (PlEngine *self, const PlEngineEvent *event);
void pl_engine_emit_problem (PlEngine *self, PlEngineError code, const char *message);

G_END_DECLS
