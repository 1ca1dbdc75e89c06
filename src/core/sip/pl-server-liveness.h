/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether the SIP server still answers, decided from keepalives.
 *
 * A silent PBX looks exactly like a quiet park lot: no NOTIFY comes either
 * way. Only a request the server must answer tells them apart, so the
 * subscriber sends an out-of-dialog OPTIONS at an interval and feeds the
 * outcome in here. The decisions (when the server counts as gone, when as
 * back, how long to wait) are plain functions of the inputs and a random
 * number, so they are table-tested; the subscriber only carries them out. */

typedef enum
{
  PL_SERVER_STATE_UNKNOWN,       /* nothing heard yet */
  PL_SERVER_STATE_ANSWERING,     /* answers, subscriptions run */
  PL_SERVER_STATE_NOT_ANSWERING, /* stopped, frozen or unreachable: lots are stale */
} PlServerState;

typedef struct
{
  guint keepalive_ms;     /* longest gap between keepalives while it answers */
  guint timeout_ms;       /* a keepalive unanswered this long: not answering */
  guint retry_ms;         /* while it does not: a keepalive at least this often */
  guint resume_spread_ms; /* back: resubscribe and re-register somewhere in here */
} PlLivenessPolicy;

/* 5 s / 3 s / 2 s / 2 s: a server that stops answering is noticed within
 * 8 s, one that answers again is resubscribed within 4 s (see README). */
extern const PlLivenessPolicy pl_liveness_default_policy;

typedef enum
{
  PL_LIVENESS_ANSWERED,        /* the server answered (any response, or a NOTIFY) */
  PL_LIVENESS_NO_ANSWER,       /* a keepalive timed out or could not be sent */
  PL_LIVENESS_CONNECTION_LOST, /* the TCP connection to the server closed */
  PL_LIVENESS_RESUME_DUE,      /* the jittered wait after an outage is over */
} PlLivenessInput;

typedef enum
{
  PL_LIVENESS_DO_PROBE = 1 << 0,         /* schedule the next keepalive (see below) */
  PL_LIVENESS_DO_SUSPEND = 1 << 1,       /* end every subscription, lots stale */
  PL_LIVENESS_DO_ARM_RESUME = 1 << 2,    /* start the resume timer: resume_in_ms */
  PL_LIVENESS_DO_CANCEL_RESUME = 1 << 3, /* it went silent again before its turn */
  PL_LIVENESS_DO_RESUME = 1 << 4,        /* subscribe everything afresh */
  PL_LIVENESS_DO_REPORT = 1 << 5,        /* the state shown to the user changed */
} PlLivenessActions;

typedef struct
{
  PlServerState state;
  gboolean resume_pending; /* answered after an outage, waiting for its turn */
} PlLiveness;

/* DO_PROBE: the next keepalive goes out probe_in_ms after the previous one
 * was sent (at once if that is past) and waits probe_wait_ms for its
 * answer. Counting from the send keeps a refused connection from turning
 * into a busy loop. */
typedef struct
{
  guint actions; /* PlLivenessActions */
  guint probe_in_ms;
  guint probe_wait_ms;
  guint resume_in_ms;
} PlLivenessStep;

void pl_liveness_init (PlLiveness *self);
/* random: uniform in [0, 1); it spreads a thousand desks over the window
 * the policy allows instead of sending them all in the same second. */
PlLivenessStep pl_liveness_step (PlLiveness *self, const PlLivenessPolicy *policy,
                                 PlLivenessInput input, double random);

/* Retry delay after the n-th failure in a row (n >= 1): min_ms doubling up
 * to max_ms, of which the upper half is random ("equal jitter"), so
 * clients that failed together do not retry together. */
guint pl_liveness_backoff_ms (guint failures, guint min_ms, guint max_ms, double random);

G_END_DECLS
