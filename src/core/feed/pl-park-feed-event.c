/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-feed"

#include "pl-park-feed-event.h"

G_DEFINE_BOXED_TYPE (PlParkFeedEvent, pl_park_feed_event, pl_park_feed_event_copy,
                     pl_park_feed_event_free)

PlParkFeedEvent *
pl_park_feed_event_new (PlParkFeedEventKind kind)
{
  PlParkFeedEvent *event = g_new0 (PlParkFeedEvent, 1);

  event->kind = kind;
  event->seconds_left = -1;
  event->duration = -1;
  return event;
}

PlParkFeedEvent *
pl_park_feed_event_copy (const PlParkFeedEvent *event)
{
  PlParkFeedEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);
  copy = g_memdup2 (event, sizeof *event);
  copy->lot = g_strdup (event->lot);
  copy->slot = g_strdup (event->slot);
  copy->park_id = g_strdup (event->park_id);
  copy->caller_name = g_strdup (event->caller_name);
  copy->caller_number = g_strdup (event->caller_number);
  copy->parked_by = g_strdup (event->parked_by);
  copy->taken_by = g_strdup (event->taken_by);
  copy->taken_by_id = g_strdup (event->taken_by_id);
  copy->taken_by_number = g_strdup (event->taken_by_number);
  return copy;
}

void
pl_park_feed_event_free (PlParkFeedEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->lot);
  g_free (event->slot);
  g_free (event->park_id);
  g_free (event->caller_name);
  g_free (event->caller_number);
  g_free (event->parked_by);
  g_free (event->taken_by);
  g_free (event->taken_by_id);
  g_free (event->taken_by_number);
  g_free (event);
}
