/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What a server feed (PlParkFeed) saw happen to a slot. Plain data, so
 * feeds can be written and tested as pure functions. */

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

G_END_DECLS
