/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-feed"

#include "config.h"

#include "pl-park-feed.h"

#include "pl-enums.h"
#include "pl-quark.h"

G_DEFINE_INTERFACE (PlParkFeed, pl_park_feed, G_TYPE_OBJECT)
PL_DEFINE_QUARK ("pl-park-feed-error-quark", pl_park_feed_error)

enum
{
  SIGNAL_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pl_park_feed_default_init (PlParkFeedInterface *iface)
{
  g_object_interface_install_property (
      iface,
      g_param_spec_enum ("status", NULL, NULL, PL_TYPE_PARK_FEED_STATUS,
                         PL_PARK_FEED_STATUS_STOPPED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface, g_param_spec_string ("status-text", NULL, NULL, NULL,
                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface, g_param_spec_boolean ("events-only", NULL, NULL, FALSE,
                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  signals[SIGNAL_EVENT]
      = g_signal_new ("event", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_FEED_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

void
pl_park_feed_start (PlParkFeed *self)
{
  g_return_if_fail (PL_IS_PARK_FEED (self));
  PL_PARK_FEED_GET_IFACE (self)->start (self);
}

void
pl_park_feed_stop (PlParkFeed *self)
{
  g_return_if_fail (PL_IS_PARK_FEED (self));
  PL_PARK_FEED_GET_IFACE (self)->stop (self);
}

PlParkFeedStatus
pl_park_feed_get_status (PlParkFeed *self)
{
  PlParkFeedStatus status;

  g_return_val_if_fail (PL_IS_PARK_FEED (self), PL_PARK_FEED_STATUS_STOPPED);
  g_object_get (self, "status", &status, NULL);
  return status;
}

char *
pl_park_feed_dup_status_text (PlParkFeed *self)
{
  char *text = NULL;

  g_return_val_if_fail (PL_IS_PARK_FEED (self), NULL);
  g_object_get (self, "status-text", &text, NULL);
  return text ? text : g_strdup ("");
}

gboolean
pl_park_feed_get_events_only (PlParkFeed *self)
{
  gboolean events_only;

  g_return_val_if_fail (PL_IS_PARK_FEED (self), FALSE);
  g_object_get (self, "events-only", &events_only, NULL);
  return events_only;
}

void
pl_park_feed_emit_event (PlParkFeed *self, const PlParkFeedEvent *event)
{
  g_return_if_fail (PL_IS_PARK_FEED (self));
  g_return_if_fail (event != NULL);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
}

guint
pl_park_feed_backoff_ms (guint attempt, double random)
{
  guint64 ceiling = PL_PARK_FEED_BACKOFF_BASE_MS;

  for (guint i = 0; i < attempt && ceiling < PL_PARK_FEED_BACKOFF_CAP_MS; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, PL_PARK_FEED_BACKOFF_CAP_MS);
  random = CLAMP (random, 0.0, 1.0);
  return PL_PARK_FEED_BACKOFF_MIN_MS
         + (guint)((double)(ceiling - PL_PARK_FEED_BACKOFF_MIN_MS) * random);
}
