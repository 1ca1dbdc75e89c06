/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "pl-park-feed-event.h"

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

#define PL_PARK_FEED_ERROR (pl_park_feed_error_quark ())

typedef enum
{
  PL_PARK_FEED_ERROR_AUTH_FAILED,   /* the server refused the user or secret */
  PL_PARK_FEED_ERROR_NOT_ANSWERING, /* no answer in time */
  PL_PARK_FEED_ERROR_PROTOCOL,      /* not the protocol the feed speaks */
  PL_PARK_FEED_ERROR_CLOSED,        /* the server closed the connection */
} PlParkFeedError;

GQuark pl_park_feed_error_quark (void);

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
