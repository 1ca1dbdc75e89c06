/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-server-liveness.h"

G_BEGIN_DECLS

/* SUBSCRIBE/NOTIFY client on libre's sipevent, for watching park slots.
 *
 * libre runs in one dedicated thread with its own re_main loop. The GLib side
 * talks to it only through a libre mqueue; everything that happens there comes
 * back as signals emitted on the main context that was thread-default when
 * the subscriber was created. No libre call happens on the GLib side, no
 * GLib model is touched in the libre thread.
 *
 * Signals:
 *   "notification" (const char *uri, const char *content_type, GBytes *body)
 *       a NOTIFY with a body arrived for the subscription to uri (already
 *       answered 200 OK). Named "notification" because GObject::notify is
 *       taken.
 *   "state" (const char *uri, PlSubscriptionState state, const char *reason)
 *       PENDING  a new SUBSCRIBE dialog starts: dialog-info versions restart
 *                (call pl_park_lot_reset_subscription());
 *       ACTIVE   the server accepted it (first NOTIFY "active");
 *       TERMINATED the server ended it (Subscription-State: terminated);
 *       FAILED   an error response, auth failure or transport error.
 *       After TERMINATED and FAILED the subscriber resubscribes by itself with
 *       a jittered exponential backoff; the slots are stale until the next
 *       ACTIVE.
 *   "server-state" (PlServerState state, const char *reason)
 *       with a keepalive on (pl_subscriber_set_liveness()): the server
 *       answers, or stopped answering. While it does not answer, every
 *       subscription is FAILED ("server not answering") and none is tried;
 *       when it answers again they all start afresh at a random moment
 *       within the policy's resume spread, and ANSWERING is reported then.
 *   Refreshes before expiry happen inside libre and are not reported. */

typedef enum
{
  PL_SUBSCRIPTION_DIALOG,      /* Event: dialog, Accept: application/dialog-info+xml */
  PL_SUBSCRIPTION_PRESENCE,    /* Event: presence, Accept: application/pidf+xml */
  PL_SUBSCRIPTION_DIALOG_LIST, /* RFC 4662 list: Supported: eventlist, multipart/related */
} PlSubscriptionKind;

typedef enum
{
  PL_SUBSCRIPTION_STATE_PENDING,
  PL_SUBSCRIPTION_STATE_ACTIVE,
  PL_SUBSCRIPTION_STATE_TERMINATED,
  PL_SUBSCRIPTION_STATE_FAILED,
} PlSubscriptionState;

typedef enum
{
  PL_SIP_TRANSPORT_UDP,
  PL_SIP_TRANSPORT_TCP,
} PlSipTransport;

#define PL_SUBSCRIBER_ERROR (pl_subscriber_error_quark ())

typedef enum
{
  PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT,
  PL_SUBSCRIBER_ERROR_START_FAILED, /* libre could not start (socket, DNS, thread) */
} PlSubscriberError;

#define PL_TYPE_SUBSCRIBER (pl_subscriber_get_type ())
G_DECLARE_FINAL_TYPE (PlSubscriber, pl_subscriber, PL, SUBSCRIBER, GObject)

GQuark pl_subscriber_error_quark (void);

/* user: the AOR user part (From: sip:user@domain); auth_user: digest user
 * (NULL or "": user); domain: host[:port] of the registrar/PBX; local_address: the
 * IP to bind (port chosen by the kernel), NULL for 0.0.0.0. Starts the libre
 * thread and returns once it is listening. */
PlSubscriber *pl_subscriber_new (const char *user, const char *auth_user, const char *password,
                                 const char *domain, PlSipTransport transport,
                                 const char *local_address, GError **error);

/* Starts (or restarts with a new kind) a subscription to uri. */
void pl_subscriber_subscribe (PlSubscriber *self, const char *uri, PlSubscriptionKind kind);
/* Ends the subscription (SUBSCRIBE Expires: 0 if active); no more signals for uri. */
void pl_subscriber_unsubscribe (PlSubscriber *self, const char *uri);

/* Resubscription backoff: the n-th retry in a row after min_ms · 2^(n-1),
 * at most max_ms (defaults 1 s and 5 min), the upper half of it random. */
void pl_subscriber_set_retry_interval (PlSubscriber *self, guint min_ms, guint max_ms);

/* Starts the keepalive (an OPTIONS to the server at once, then by the
 * policy; see pl-server-liveness.h), or stops it with NULL (the default):
 * the server state goes back to UNKNOWN. */
void pl_subscriber_set_liveness (PlSubscriber *self, const PlLivenessPolicy *policy);
PlServerState pl_subscriber_get_server_state (PlSubscriber *self);

/* Asks the PBX whether uri exists before a call is sent there: an
 * out-of-dialog OPTIONS to uri (e.g. "sip:700@pbx.example.com"), From the
 * account, answering a digest challenge once with the account's credentials.
 * Asterisk (res_pjsip) answers 404 when the Request-URI user is not in the
 * endpoint's dialplan context and 200 when it is. Must be called on the
 * thread of the main context that was thread-default at pl_subscriber_new();
 * the callback runs there too.
 *
 * pl_subscriber_probe_finish() returns the final SIP status code (200, 404,
 * 401/407 when the credentials were refused, 403, 5xx, …), or 0 with error
 * set when there is no answer: G_IO_ERROR_TIMED_OUT after 4 s, another
 * G_IO_ERROR from a transport failure (e.g. CONNECTION_REFUSED on TCP),
 * G_IO_ERROR_CANCELLED, G_IO_ERROR_CLOSED after pl_subscriber_shutdown(), or
 * PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT for a uri that is not "sip:…". */
void pl_subscriber_probe_async (PlSubscriber *self, const char *uri, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
guint pl_subscriber_probe_finish (PlSubscriber *self, GAsyncResult *result, GError **error);

/* Unsubscribes everything, stops re_main and joins the thread; idempotent,
 * also done on dispose. Returns once the thread is gone. */
void pl_subscriber_shutdown (PlSubscriber *self);

G_END_DECLS
