/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PL_CALL_STATE_INCOMING, /* ringing here, not answered yet */
  PL_CALL_STATE_DIALING,  /* outgoing, no answer from the far end yet */
  PL_CALL_STATE_RINGING,  /* outgoing, the far end is ringing */
  PL_CALL_STATE_ACTIVE,
  PL_CALL_STATE_HELD,
  PL_CALL_STATE_ENDED,
} PlCallState;

typedef enum
{
  PL_CALL_DIRECTION_INCOMING,
  PL_CALL_DIRECTION_OUTGOING,
} PlCallDirection;

/* Why a call ended; doubles as the history outcome. */
typedef enum
{
  PL_CALL_END_NONE,
  PL_CALL_END_HANGUP,         /* answered, then hung up by either side */
  PL_CALL_END_MISSED,         /* incoming, never answered here */
  PL_CALL_END_DECLINED,       /* incoming, declined here, or outgoing, rejected */
  PL_CALL_END_FAILED,         /* could not be set up */
  PL_CALL_END_TRANSFERRED,    /* handed to another party */
  PL_CALL_END_PARKED,         /* handed to a park slot */
  PL_CALL_END_ENGINE_STOPPED, /* the engine died under it */
} PlCallEnd;

#define PL_TYPE_CALL (pl_call_get_type ())
G_DECLARE_FINAL_TYPE (PlCall, pl_call, PL, CALL, GObject)

PlCall *pl_call_new (const char *id, PlCallDirection direction, const char *peer_uri,
                     const char *peer_name);
/* A small number naming the call in this process (D-Bus, actions); unlike
 * the SIP Call-ID it exists before the engine has placed the call. */
guint pl_call_get_handle (PlCall *self);
const char *pl_call_get_id (PlCall *self);
void pl_call_set_id (PlCall *self, const char *id);
PlCallDirection pl_call_get_direction (PlCall *self);
PlCallState pl_call_get_state (PlCall *self);
void pl_call_set_state (PlCall *self, PlCallState state);
const char *pl_call_get_peer_uri (PlCall *self);
const char *pl_call_get_peer_name (PlCall *self);
void pl_call_set_peer_name (PlCall *self, const char *peer_name);
char *pl_call_dup_title (PlCall *self);
const char *pl_call_get_account_aor (PlCall *self);
void pl_call_set_account_aor (PlCall *self, const char *aor);
gint64 pl_call_get_started (PlCall *self);
gint64 pl_call_get_answered (PlCall *self);
gint64 pl_call_get_ended (PlCall *self);
gint64 pl_call_get_duration (PlCall *self);
/* A line for the user about what happens to the call beyond its state:
 * "Parking…", "Returned from 701 after 0:45". NULL when there is none. */
/* TRUE when this side ended the call (hang-up, decline, cancel). */
gboolean pl_call_get_ended_here (PlCall *self);
void pl_call_set_ended_here (PlCall *self, gboolean ended_here);
const char *pl_call_get_note (PlCall *self);
void pl_call_set_note (PlCall *self, const char *note);
gboolean pl_call_get_muted (PlCall *self);
/* TRUE once any RTP has come in from the far end: a call can be up and
 * still carry nobody (a retrieve that lost a race on FreeSWITCH). */
gboolean pl_call_get_media_received (PlCall *self);
void pl_call_set_media_received (PlCall *self, gboolean received);
void pl_call_set_muted (PlCall *self, gboolean muted);
PlCallEnd pl_call_get_end (PlCall *self);
const char *pl_call_get_end_reason (PlCall *self);
void pl_call_end (PlCall *self, PlCallEnd end, const char *reason);
gboolean pl_call_is_live (PlCall *self);
const char *pl_call_state_to_string (PlCallState state);
const char *pl_call_end_to_string (PlCallEnd end);

G_END_DECLS
