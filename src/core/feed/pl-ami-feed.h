/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-park-feed.h"

G_BEGIN_DECLS

/* The Asterisk manager interface (AMI) as a PlParkFeed: connects (TCP or
 * TLS with the certificate checked), logs in with "Events: call", asks for
 * the calls parked already (ParkedCalls, needs write = call; a read-only
 * user carries on with events alone and the feed says "events only"),
 * turns the parking events into feed events, pings to notice a dead or
 * frozen server, and reconnects with backoff and jitter. No GTK.
 *
 * Properties besides PlParkFeed's: "host", "port", "user", "secret"
 * (construct-only), "tls" (construct-only), "ping-interval" and
 * "answer-timeout" (milliseconds: a silent connection is given up after
 * ping-interval + answer-timeout at most, a connect or login after
 * answer-timeout), "tls-database" (the CAs to trust; NULL: the system's). */

#define PL_AMI_DEFAULT_PING_INTERVAL_MS  15000
#define PL_AMI_DEFAULT_ANSWER_TIMEOUT_MS 10000

#define PL_TYPE_AMI_FEED (pl_ami_feed_get_type ())
G_DECLARE_FINAL_TYPE (PlAmiFeed, pl_ami_feed, PL, AMI_FEED, GObject)

PlAmiFeed *pl_ami_feed_new (const char *host, guint16 port, const char *user, const char *secret,
                            gboolean tls);
void pl_ami_feed_set_timing (PlAmiFeed *self, guint ping_interval_ms, guint answer_timeout_ms);
void pl_ami_feed_set_tls_database (PlAmiFeed *self, GTlsDatabase *database);
/* Logins that succeeded so far: each one asks for a fresh snapshot. */
guint pl_ami_feed_get_n_logins (PlAmiFeed *self);

G_END_DECLS
