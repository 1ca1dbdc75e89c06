/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A server feed that adds identity to a park lot: who is parked, who parked
 * them, who took them and why a park ended. The SIP subscription stays the
 * source of occupancy; a feed only names what it sees. The Asterisk manager
 * interface (PlAmiFeed) is the first implementation; a FreeSWITCH event
 * socket feed fits beside it by emitting the same events.
 *
 * Properties (read-only):
 *   "status"      PlParkFeedStatus
 *   "status-text" translated one-liner for Preferences ("Connected",
 *                 "Wrong user or secret", …)
 *   "events-only" the server refused the list of parked calls: calls parked
 *                 before the feed connected stay unnamed
 * Signal "event" (PlParkFeedEvent *): what happened to a slot. */

typedef enum
{
  PL_PARK_FEED_STATUS_STOPPED,        /* not started */
  PL_PARK_FEED_STATUS_CONNECTING,     /* connecting, logging in, or waiting to retry */
  PL_PARK_FEED_STATUS_CONNECTED,      /* logged in, events flowing */
  PL_PARK_FEED_STATUS_AUTH_FAILED,    /* the server refused the user or secret */
  PL_PARK_FEED_STATUS_REFUSED,        /* nothing listens on that port */
  PL_PARK_FEED_STATUS_UNREACHABLE,    /* unknown host, no route */
  PL_PARK_FEED_STATUS_NOT_ANSWERING,  /* connected, but the server stays silent */
  PL_PARK_FEED_STATUS_TLS_FAILED,     /* certificate not trusted, handshake failed */
  PL_PARK_FEED_STATUS_PROTOCOL_ERROR, /* the server does not speak the feed's protocol */
  PL_PARK_FEED_STATUS_LOST,           /* the connection broke; reconnecting */
} PlParkFeedStatus;

typedef enum
{
  PL_PARK_FEED_EVENT_PARKED,            /* a call was parked (or, from a snapshot, is parked) */
  PL_PARK_FEED_EVENT_UNPARKED,          /* someone took the call from the slot */
  PL_PARK_FEED_EVENT_TIMED_OUT,         /* nobody took it: the server rings the parker back */
  PL_PARK_FEED_EVENT_GAVE_UP,           /* the caller hung up while parked */
  PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, /* every call parked at login has been reported */
} PlParkFeedEventKind;

typedef struct
{
  PlParkFeedEventKind kind;
  char *lot;           /* the server's name of the lot ("default"); NULL: all lots */
  char *slot;          /* "701" */
  char *park_id;       /* the same for every event of one parked call */
  char *caller_name;   /* the parked caller; NULL when the server does not know */
  char *caller_number; /* "201" */
  char *parked_by;     /* display name of who parked the call, NULL when unknown */
  char *taken_by;      /* UNPARKED: display name of who took it */
  char *taken_by_id;   /* UNPARKED: the taker's endpoint on the server ("bob") */
  char *taken_by_number;
  int seconds_left;  /* until the server rings the parker back; -1 unknown */
  int duration;      /* seconds parked so far; -1 unknown */
  gboolean snapshot; /* part of the list asked for after login, not news */
} PlParkFeedEvent;

#define PL_TYPE_PARK_FEED_EVENT (pl_park_feed_event_get_type ())
GType pl_park_feed_event_get_type (void) G_GNUC_CONST;
PlParkFeedEvent *pl_park_feed_event_new (PlParkFeedEventKind kind);
PlParkFeedEvent *pl_park_feed_event_copy (const PlParkFeedEvent *event);
void pl_park_feed_event_free (PlParkFeedEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlParkFeedEvent, pl_park_feed_event_free)

#define PL_TYPE_PARK_FEED (pl_park_feed_get_type ())
G_DECLARE_INTERFACE (PlParkFeed, pl_park_feed, PL, PARK_FEED, GObject)

struct _PlParkFeedInterface
{
  GTypeInterface parent_iface;

  /* Connects (and keeps reconnecting) until stop. */
  void (*start) (PlParkFeed *self);
  /* Disconnects for good; no event is emitted afterwards. */
  void (*stop) (PlParkFeed *self);
};

void pl_park_feed_start (PlParkFeed *self);
void pl_park_feed_stop (PlParkFeed *self);
PlParkFeedStatus pl_park_feed_get_status (PlParkFeed *self);
/* Never NULL. */
char *pl_park_feed_dup_status_text (PlParkFeed *self);
gboolean pl_park_feed_get_events_only (PlParkFeed *self);

/* For implementations: emits "event". */
void pl_park_feed_emit_event (PlParkFeed *self, const PlParkFeedEvent *event);

/* How long to wait before reconnect attempt @attempt (0: the first after a
 * loss), in milliseconds, given @random uniform in [0, 1). Exponential with
 * "full jitter": uniform between PL_PARK_FEED_BACKOFF_MIN_MS and
 * min(PL_PARK_FEED_BACKOFF_CAP_MS, PL_PARK_FEED_BACKOFF_BASE_MS · 2^attempt),
 * so a thousand desks that lose their PBX at the same moment come back
 * spread over seconds, not in one burst. */
#define PL_PARK_FEED_BACKOFF_MIN_MS  250
#define PL_PARK_FEED_BACKOFF_BASE_MS 5000
#define PL_PARK_FEED_BACKOFF_CAP_MS  120000
guint pl_park_feed_backoff_ms (guint attempt, double random);

G_END_DECLS
