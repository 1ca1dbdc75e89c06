/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-subscriber"

#include "config.h"

#include "pl-subscriber.h"

#include "pl-enums.h"
#include "pl-event-body.h"
#include "pl-quark.h"
#include "pl-thread.h"
#include "pl-trace.h"

#include <glib/gi18n-lib.h>
#include <re.h>
#include <string.h>

/* ---- shared between the two threads --------------------------------------
 *
 * Shared is the only structure both threads touch: the weak reference to the
 * GObject, the context to deliver to and the events on their way there.
 * Everything else is owned by exactly one side: PlSubscriber by GLib, Worker
 * and Sub by the libre thread. */

typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef self;
  GMainContext *context;
  /* Events for the GLib side, oldest first; one idle source delivers all
   * that are there when it runs. */
  GMutex lock;
  GQueue pending;
  gboolean delivery_scheduled;
  gint64 last_delivery_us; /* monotonic time the GLib side took the last batch */
} Shared;

static void event_free (gpointer data);

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

static void
shared_unref (Shared *shared)
{
  if (g_atomic_ref_count_dec (&shared->ref_count))
    {
      g_weak_ref_clear (&shared->self);
      g_main_context_unref (shared->context);
      g_queue_clear_full (&shared->pending, event_free);
      g_mutex_clear (&shared->lock);
      g_free (shared);
    }
}

enum
{
  OP_SUBSCRIBE = 1,
  OP_UNSUBSCRIBE,
  OP_CONFIG,
  OP_PROBE,
  OP_PROBE_CANCEL,
  OP_LIVENESS,
  OP_QUIT,
};

/* An OPTIONS probe gives up after this long: a park REFER is waiting for it. */
#define PROBE_TIMEOUT_MS 4000

/* Expires asked for in SUBSCRIBE, in seconds. */
#define SUBSCRIBE_EXPIRES 600

typedef struct
{
  char *uri;
  PlSubscriptionKind kind;
  guint retry_min_ms;
  guint retry_max_ms;
  guint probe_id;
  gboolean liveness_on;
  PlLivenessPolicy policy;
} Command;

static void
command_free (Command *cmd)
{
  g_free (cmd->uri);
  g_free (cmd);
}

/* ---- libre thread --------------------------------------------------------- */

typedef struct _Worker Worker;

/* Lives on the creating thread's stack while it waits for the libre thread. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  int error;
  struct mqueue *mq;
} Startup;

typedef struct
{
  Worker *worker;
  char *uri;
  PlSubscriptionKind kind;
  struct sipsub *sipsub;
  struct sipsub *dead; /* closed by libre, dropped on the next tick */
  struct tmr retry;
  struct tmr watchdog; /* no NOTIFY by the end of the expiry: the refresh failed */
  guint failures;
  gboolean reported_active;
} Sub;

typedef struct
{
  Worker *worker;
  guint id;
  struct sip_dialog *dlg;
  struct sip_auth *auth;
  struct sip_request *req;
  struct tmr timeout;
} Probe;

struct _Worker
{
  Shared *shared;
  char *user;
  char *auth_user;
  char *password;
  char *domain;
  PlSipTransport transport;
  char *local_address;
  guint retry_min_ms;
  guint retry_max_ms;

  struct mqueue *mq;
  struct dnsc *dnsc;
  struct sip *sip;
  struct sipevent_sock *sock;
  struct sip_lsnr *stray_lsnr;
  struct tmr quit_tmr;
  GHashTable *subs;   /* uri → Sub */
  GHashTable *probes; /* id → Probe */

  /* Keepalive: is the server still answering? (pl-server-liveness.h) */
  gboolean liveness_on;
  PlLivenessPolicy policy;
  PlLiveness liveness;
  gboolean suspended;          /* not answering: subscriptions wait for it */
  struct tmr keepalive_tmr;    /* the next OPTIONS */
  guint keepalive_wait_ms;     /* how long that one waits for its answer */
  uint64_t keepalive_sent_at;  /* tmr_jiffies() of the last one */
  struct tmr keepalive_expiry; /* the one in flight gives up */
  struct tmr resume_tmr;       /* this desk's turn to resubscribe */
  struct sip_dialog *keepalive_dlg;
  struct sip_request *keepalive_req;
  struct sip_keepalive *conn_watch; /* TCP: reports the connection closing */

  Startup *startup; /* the creator's, valid until startup->done is set */
};

/* libre serialises its own init; several subscribers may coexist. */
G_LOCK_DEFINE_STATIC (libre_users);
static guint libre_users;

static void
libre_acquire (void)
{
  G_LOCK (libre_users);
  if (libre_users++ == 0)
    libre_init ();
  G_UNLOCK (libre_users);
}

static void
libre_release (void)
{
  G_LOCK (libre_users);
  if (--libre_users == 0)
    libre_close ();
  G_UNLOCK (libre_users);
}

typedef enum
{
  EVENT_NOTIFICATION,
  EVENT_SUBSCRIPTION_STATE,
  EVENT_SERVER_STATE,
} EventKind;

typedef struct
{
  EventKind kind;
  char *uri;
  char *content_type;
  GBytes *body;
  PlSubscriptionState state;
  PlServerState server_state;
  char *reason;
  /* What the body says of itself, worked out when it matters: a body
   * stating the full state makes earlier, undelivered ones obsolete. */
  gboolean classified;
  gboolean full_state;
  guint32 version;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  g_free (ev->uri);
  g_free (ev->content_type);
  g_clear_pointer (&ev->body, g_bytes_unref);
  g_free (ev->reason);
  g_free (ev);
}

static gboolean deliver_events (gpointer data);

/* The outcome of one OPTIONS probe, on its way to the GLib side. */
typedef struct
{
  Shared *shared;
  guint id;
  guint status;
  GError *error;
} ProbeResult;

static void
probe_result_free (ProbeResult *res)
{
  shared_unref (res->shared);
  g_clear_error (&res->error);
  g_free (res);
}

static gboolean dispatch_probe_result (gpointer data);

static void
classify (Event *ev)
{
  gsize length;
  const char *body = g_bytes_get_data (ev->body, &length);

  if (!ev->classified)
    ev->full_state = pl_event_body_is_full_state (ev->content_type, body, length, &ev->version);
  ev->classified = TRUE;
}

/* Bodies of one subscription that may wait for the GLib side before a new
 * full state replaces them. Below this every body is delivered, so the park
 * logic sees each transition of a burst (a park followed at once by its
 * retrieval); above it the GLib side is not keeping up, as under a flood. */
#define MAX_WAITING_BODIES 16

#define SERVER_TRANSACTION_BUCKETS 4096

/* A NOTIFY flood must not pile up on the GLib side: a body with the full
 * state takes the place of the same subscription's bodies still waiting
 * (not of state changes, which keep their order). Only looked at when many
 * bodies of that subscription wait, so normal traffic parses nothing here.
 * Called with the lock held. */
static void
drop_superseded (GQueue *pending, Event *ev)
{
  GList *l;
  guint waiting = 0;

  for (l = pending->head; l != NULL; l = l->next)
    {
      Event *old = l->data;
      waiting += old->kind == EVENT_NOTIFICATION && g_strcmp0 (old->uri, ev->uri) == 0;
    }
  if (waiting < MAX_WAITING_BODIES)
    return;
  l = pending->head;
  while (l != NULL)
    {
      GList *next = l->next;
      Event *old = l->data;

      if (old->kind == EVENT_NOTIFICATION && g_strcmp0 (old->uri, ev->uri) == 0)
        {
          classify (ev);
          if (!ev->full_state)
            return;
          classify (old);
          if (!old->full_state || ev->version >= old->version)
            {
              event_free (old);
              g_queue_delete_link (pending, l);
            }
        }
      l = next;
    }
}

/* Batches closer together than this are a flood, not a park. */
#define FLOOD_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)

/* Delivered in batches. An event after a quiet spell (a park seen by a
 * teammate) goes at default priority, ahead of the repaint, which costs it
 * up to a frame (150 ms with software GL); under a flood the batches drop to
 * idle priority, so the GLib side still draws its frames and answers the
 * user first. */
static void
post_event (Worker *w, Event *ev)
{
  Shared *shared = w->shared;
  gboolean schedule;
  gboolean flooded;

  g_mutex_lock (&shared->lock);
  if (ev->kind == EVENT_NOTIFICATION)
    drop_superseded (&shared->pending, ev);
  g_queue_push_tail (&shared->pending, ev);
  schedule = !shared->delivery_scheduled;
  shared->delivery_scheduled = TRUE;
  flooded = g_get_monotonic_time () - shared->last_delivery_us < FLOOD_INTERVAL_US;
  g_mutex_unlock (&shared->lock);
  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source,
                             flooded ? G_PRIORITY_DEFAULT_IDLE : pl_thread_delivery_priority ());
      g_source_set_callback (source, deliver_events, shared_ref (shared),
                             (GDestroyNotify)shared_unref);
      g_source_set_static_name (source, "[pl-subscriber] deliver events");
      g_source_attach (source, shared->context);
      g_source_unref (source);
    }
}

static void
post_state (Sub *s, PlSubscriptionState state, const char *reason)
{
  static const char *const names[] = { "pending", "active", "terminated", "failed" };
  Event *ev = g_new0 (Event, 1);

  g_debug ("%s: %s (%s)", s->uri, names[state], reason ? reason : "");
  ev->kind = EVENT_SUBSCRIPTION_STATE;
  ev->uri = g_strdup (s->uri);
  ev->state = state;
  ev->reason = g_strdup (reason);
  post_event (s->worker, ev);
}

static char *
plstr_dup (const struct pl *pl)
{
  if (pl == NULL || pl->p == NULL)
    return NULL;
  return g_strndup (pl->p, pl->l);
}

static int
auth_handler (char **username, char **password, const char *realm, void *arg)
{
  Worker *w = arg;
  int err;

  err = str_dup (username, w->auth_user ? w->auth_user : w->user);
  if (err == 0)
    err = str_dup (password, w->password ? w->password : "");
  return err;
}

static void start_sub (Sub *s);
static void liveness_input (Worker *w, PlLivenessInput input, const char *reason);

static void
retry_handler (void *arg)
{
  Sub *s = arg;

  s->dead = mem_deref (s->dead);
  /* a silent server gets no SUBSCRIBE: the keepalive says when it is back */
  if (!s->worker->suspended)
    start_sub (s);
}

/* The subscription is over: report it and try again later. Inside one of
 * its own callbacks a sipsub cannot be freed, so the retry timer drops it;
 * otherwise it goes at once (libre then sends an unsubscribe if it still
 * thinks the dialog alive) and no late NOTIFY of it can reach us. */
static void
schedule_retry (Sub *s, PlSubscriptionState state, const char *reason, guint retry_after_ms,
                gboolean in_callback)
{
  guint delay;

  tmr_cancel (&s->watchdog);
  s->reported_active = FALSE;
  s->failures++;
  delay = MAX (pl_liveness_backoff_ms (s->failures, s->worker->retry_min_ms,
                                       s->worker->retry_max_ms, g_random_double ()),
               retry_after_ms);
  mem_deref (s->dead);
  s->dead = NULL;
  if (in_callback)
    s->dead = s->sipsub;
  else
    mem_deref (s->sipsub);
  s->sipsub = NULL;
  post_state (s, state, reason);
  tmr_start (&s->retry, delay, retry_handler, s);
}

static void
close_handler (int err, const struct sip_msg *msg, const struct sipevent_substate *substate,
               void *arg)
{
  Sub *s = arg;
  g_autofree char *reason = NULL;

  if (substate != NULL)
    {
      guint retry_after = pl_isset (&substate->retry_after) ? pl_u32 (&substate->retry_after) : 0;

      reason = g_strdup (sipevent_reason_name (substate->reason));
      schedule_retry (s, PL_SUBSCRIPTION_STATE_TERMINATED, reason, retry_after * 1000, TRUE);
      return;
    }
  if (msg != NULL && msg->scode >= 300)
    reason = g_strdup_printf ("%u %.*s", msg->scode, (int)msg->reason.l, msg->reason.p);
  else if (err != 0)
    reason = g_strdup (g_strerror (err));
  else
    reason = g_strdup ("closed");
  schedule_retry (s, PL_SUBSCRIPTION_STATE_FAILED, reason, 0, TRUE);
}

/* libre retries a failed refresh on its own for minutes without telling
 * anyone, and a lost TCP connection is only noticed at the next request. A
 * notifier must answer every refresh with a NOTIFY (RFC 6665 4.2.2), so a
 * subscription that stays silent past its expiry is treated as lost: the
 * slots go stale and a fresh SUBSCRIBE is tried. */
static void
watchdog_handler (void *arg)
{
  Sub *s = arg;

  schedule_retry (s, PL_SUBSCRIPTION_STATE_FAILED, "no NOTIFY since the subscription expired", 0,
                  FALSE);
}

static void
arm_watchdog (Sub *s, guint expires)
{
  guint64 ms = (guint64)expires * 1000;

  tmr_start (&s->watchdog, ms + MAX (2000, ms / 10), watchdog_handler, s);
}

static void
notify_handler (struct sip *sip, const struct sip_msg *msg, void *arg)
{
  Sub *s = arg;
  const struct sip_hdr *hdr;
  struct sipevent_substate substate;
  size_t len;

  pl_trace_mark ("NOTIFY received");
  (void)sip_treply (NULL, sip, msg, 200, "OK");
  /* traffic from the server is as good as an answered keepalive */
  liveness_input (s->worker, PL_LIVENESS_ANSWERED, "NOTIFY received");

  hdr = sip_msg_hdr (msg, SIP_HDR_SUBSCRIPTION_STATE);
  if (hdr != NULL && sipevent_substate_decode (&substate, &hdr->val) == 0
      && substate.state != SIPEVENT_TERMINATED)
    {
      guint expires = pl_isset (&substate.expires) ? pl_u32 (&substate.expires) : 0;

      arm_watchdog (s, expires ? expires : SUBSCRIBE_EXPIRES);
    }
  /* the state first, so a consumer knows the subscription before its body */
  if (hdr != NULL && sipevent_substate_decode (&substate, &hdr->val) == 0
      && substate.state == SIPEVENT_ACTIVE && !s->reported_active)
    {
      s->reported_active = TRUE;
      s->failures = 0;
      post_state (s, PL_SUBSCRIPTION_STATE_ACTIVE, "active");
    }

  len = mbuf_get_left (msg->mb);
  if (len > 0)
    {
      Event *ev = g_new0 (Event, 1);

      hdr = sip_msg_hdr (msg, SIP_HDR_CONTENT_TYPE);
      ev->uri = g_strdup (s->uri);
      ev->content_type = hdr ? plstr_dup (&hdr->val) : NULL;
      ev->body = g_bytes_new (mbuf_buf (msg->mb), len);
      post_event (s->worker, ev);
    }
  /* a terminated state continues in close_handler() */
}

static char *
request_uri (Worker *w, const char *uri)
{
  if (w->transport == PL_SIP_TRANSPORT_TCP && strstr (uri, ";transport=") == NULL)
    return g_strconcat (uri, ";transport=tcp", NULL);
  return g_strdup (uri);
}

static void
start_sub (Sub *s)
{
  Worker *w = s->worker;
  g_autofree char *from = g_strdup_printf ("sip:%s@%s", w->user, w->domain);
  g_autofree char *ruri = request_uri (w, s->uri);
  const char *event = s->kind == PL_SUBSCRIPTION_PRESENCE ? "presence" : "dialog";
  const char *headers;
  int err;

  switch (s->kind)
    {
      case PL_SUBSCRIPTION_PRESENCE:
        headers = "Accept: application/pidf+xml\r\n";
        break;
      case PL_SUBSCRIPTION_DIALOG_LIST:
        headers = "Accept: multipart/related, application/rlmi+xml, "
                  "application/dialog-info+xml\r\n"
                  "Supported: eventlist\r\n";
        break;
      case PL_SUBSCRIPTION_DIALOG:
      default:
        headers = "Accept: application/dialog-info+xml\r\n";
        break;
    }
  s->reported_active = FALSE;
  err = sipevent_subscribe (&s->sipsub, w->sock, ruri, NULL, from, event, NULL, SUBSCRIBE_EXPIRES,
                            w->user, NULL, 0, auth_handler, w, false, NULL, notify_handler,
                            close_handler, s, "%s", headers);
  if (err != 0)
    {
      s->sipsub = NULL;
      schedule_retry (s, PL_SUBSCRIPTION_STATE_FAILED, g_strerror (err), 0, FALSE);
      return;
    }
  post_state (s, PL_SUBSCRIPTION_STATE_PENDING, "subscribing");
}

static void
sub_free (Sub *s)
{
  tmr_cancel (&s->retry);
  tmr_cancel (&s->watchdog);
  /* dropping an active sipsub makes libre send SUBSCRIBE Expires: 0 */
  mem_deref (s->sipsub);
  mem_deref (s->dead);
  g_free (s->uri);
  g_free (s);
}

static Sub *
find_sub_by_user (Worker *w, const struct pl *user)
{
  GHashTableIter iter;
  Sub *s;

  g_hash_table_iter_init (&iter, w->subs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&s))
    {
      const char *u = s->uri;
      const char *at;

      if (g_ascii_strncasecmp (u, "sip:", 4) == 0)
        u += 4;
      at = strchr (u, '@');
      if (at != NULL && (gsize)(at - u) == user->l && memcmp (u, user->p, user->l) == 0)
        return s;
    }
  return NULL;
}

/* FreeSWITCH ends a subscription with a NOTIFY that has no Event header and
 * no body; libre's sipevent answers such a NOTIFY 489 and never learns the
 * subscription is gone. Catch it first and resubscribe. */
static bool
stray_notify_handler (const struct sip_msg *msg, void *arg)
{
  Worker *w = arg;
  const struct sip_hdr *hdr;
  struct sipevent_substate substate;
  Sub *s;

  if (pl_strcmp (&msg->met, "NOTIFY") != 0 || sip_msg_hdr (msg, SIP_HDR_EVENT) != NULL)
    return false;
  hdr = sip_msg_hdr (msg, SIP_HDR_SUBSCRIPTION_STATE);
  if (hdr == NULL || sipevent_substate_decode (&substate, &hdr->val) != 0
      || substate.state != SIPEVENT_TERMINATED)
    return false;
  s = find_sub_by_user (w, &msg->from.uri.user);
  if (s == NULL || s->sipsub == NULL)
    return false;
  (void)sip_treply (NULL, w->sip, msg, 200, "OK");
  schedule_retry (s, PL_SUBSCRIPTION_STATE_TERMINATED, sipevent_reason_name (substate.reason), 0,
                  FALSE);
  return true;
}

static void
probe_free (Probe *p)
{
  tmr_cancel (&p->timeout);
  /* a pending request is abandoned without calling us back */
  mem_deref (p->req);
  mem_deref (p->dlg);
  mem_deref (p->auth);
  g_free (p);
}

/* Reports the probe and forgets it; the Probe is freed here. */
static void
probe_finish (Probe *p, guint status, GError *error)
{
  Worker *w = p->worker;
  ProbeResult *res = g_new0 (ProbeResult, 1);

  res->shared = shared_ref (w->shared);
  res->id = p->id;
  res->status = status;
  res->error = error;
  g_main_context_invoke_full (w->shared->context, G_PRIORITY_DEFAULT, dispatch_probe_result, res,
                              (GDestroyNotify)probe_result_free);
  g_hash_table_remove (w->probes, GUINT_TO_POINTER (p->id));
}

static void
probe_finish_errno (Probe *p, int err)
{
  GIOErrorEnum code = err == ETIMEDOUT ? G_IO_ERROR_TIMED_OUT : g_io_error_from_errno (err);

  g_debug ("probe %u: %s", p->id, g_strerror (err));
  probe_finish (p, 0,
                g_error_new (G_IO_ERROR, code, _ ("The PBX did not answer: %s"), g_strerror (err)));
}

static int probe_send (Probe *p);

static void
probe_response_handler (int err, const struct sip_msg *msg, void *arg)
{
  Probe *p = arg;

  if (msg != NULL && msg->scode < 200)
    return;
  if (msg == NULL)
    {
      probe_finish_errno (p, err != 0 ? err : ECONNABORTED);
      return;
    }
  /* one answer to each challenge; a second one for the same realm makes
   * sip_auth_authenticate() fail and the 401/407 is the result */
  if ((msg->scode == 401 || msg->scode == 407) && sip_auth_authenticate (p->auth, msg) == 0)
    {
      err = probe_send (p);
      if (err == 0)
        return;
      probe_finish_errno (p, err);
      return;
    }
  g_debug ("probe %u: %u %.*s", p->id, msg->scode, (int)msg->reason.l, msg->reason.p);
  probe_finish (p, msg->scode, NULL);
}

static int
probe_send (Probe *p)
{
  return sip_drequestf (&p->req, p->worker->sip, true, "OPTIONS", p->dlg, 0, p->auth, NULL,
                        probe_response_handler, p,
                        "Accept: application/sdp\r\n"
                        "Content-Length: 0\r\n"
                        "\r\n");
}

static void
probe_timeout_handler (void *arg)
{
  Probe *p = arg;

  probe_finish_errno (p, ETIMEDOUT);
}

static void
probe_start (Worker *w, guint id, const char *uri)
{
  g_autofree char *from = g_strdup_printf ("sip:%s@%s", w->user, w->domain);
  g_autofree char *ruri = request_uri (w, uri);
  Probe *p = g_new0 (Probe, 1);
  struct uri parsed;
  struct pl pl;
  int err;

  p->worker = w;
  p->id = id;
  tmr_init (&p->timeout);
  g_hash_table_insert (w->probes, GUINT_TO_POINTER (id), p);

  pl_set_str (&pl, uri);
  /* libre would take an empty host for a name to look up */
  err = uri_decode (&parsed, &pl) != 0 || !pl_isset (&parsed.host) ? EINVAL : 0;
  if (err == 0)
    err = sip_dialog_alloc (&p->dlg, ruri, uri, NULL, from, NULL, 0);
  if (err == 0)
    err = sip_auth_alloc (&p->auth, auth_handler, w, false);
  if (err == 0)
    err = probe_send (p);
  if (err == EINVAL)
    {
      probe_finish (p, 0,
                    g_error_new (PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT,
                                 _ ("“%s” is not a SIP address"), uri));
      return;
    }
  if (err != 0)
    {
      probe_finish_errno (p, err);
      return;
    }
  tmr_start (&p->timeout, PROBE_TIMEOUT_MS, probe_timeout_handler, p);
}

/* ---- keepalive: is the server still answering? ----------------------------
 *
 * An out-of-dialog OPTIONS to the server on the subscriptions' own
 * transport (same socket, same TCP connection), without credentials: a
 * 401 from a PBX that challenges it (Asterisk's res_pjsip does) proves it
 * alive as well as a 200, and costs the server one response instead of a
 * digest round. pl-server-liveness.c decides what an answer or a silence
 * means; this part only carries the decisions out. */

static void
post_server_state (Worker *w, PlServerState state, const char *reason)
{
  static const char *const names[] = { "unknown", "answering", "not answering" };
  Event *ev = g_new0 (Event, 1);

  g_debug ("server %s: %s (%s)", w->domain, names[state], reason ? reason : "");
  ev->kind = EVENT_SERVER_STATE;
  ev->server_state = state;
  ev->reason = g_strdup (reason);
  post_event (w, ev);
}

/* Every subscription ends and its slots go stale: a silent server's lot is
 * unknown, never free. Never called from inside a sipsub callback (only
 * keepalive outcomes and connection loss suspend), so the sipsubs can go
 * at once; their unsubscribes go out into the silence. */
static void
suspend_subs (Worker *w, const char *reason)
{
  GHashTableIter iter;
  Sub *s;

  w->suspended = TRUE;
  g_hash_table_iter_init (&iter, w->subs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&s))
    {
      tmr_cancel (&s->retry);
      tmr_cancel (&s->watchdog);
      s->dead = mem_deref (s->dead);
      s->sipsub = mem_deref (s->sipsub);
      s->reported_active = FALSE;
      s->failures = 0;
      post_state (s, PL_SUBSCRIPTION_STATE_FAILED, reason);
    }
}

/* New dialogs, not refreshes: a restarted server has forgotten the old
 * ones, and a thawed one owes us the NOTIFYs it swallowed. */
static void
resume_subs (Worker *w)
{
  GHashTableIter iter;
  Sub *s;

  w->suspended = FALSE;
  g_hash_table_iter_init (&iter, w->subs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&s))
    if (s->sipsub == NULL)
      {
        tmr_cancel (&s->retry);
        s->dead = mem_deref (s->dead);
        start_sub (s);
      }
}

static void keepalive_send (void *arg);

static void
resume_handler (void *arg)
{
  liveness_input (arg, PL_LIVENESS_RESUME_DUE, "answering again");
}

static void
liveness_input (Worker *w, PlLivenessInput input, const char *reason)
{
  PlLivenessStep step;

  if (!w->liveness_on)
    return;
  step = pl_liveness_step (&w->liveness, &w->policy, input, g_random_double ());
  /* the state first, so a consumer knows why the subscriptions fail */
  if (step.actions & PL_LIVENESS_DO_REPORT)
    post_server_state (w, w->liveness.state, reason);
  if (step.actions & PL_LIVENESS_DO_SUSPEND)
    suspend_subs (w, "server not answering");
  if (step.actions & PL_LIVENESS_DO_CANCEL_RESUME)
    tmr_cancel (&w->resume_tmr);
  if (step.actions & PL_LIVENESS_DO_ARM_RESUME)
    tmr_start (&w->resume_tmr, step.resume_in_ms, resume_handler, w);
  if (step.actions & PL_LIVENESS_DO_RESUME)
    resume_subs (w);
  /* a keepalive in flight re-arms the timer itself when it ends */
  if ((step.actions & PL_LIVENESS_DO_PROBE) && w->keepalive_req == NULL)
    {
      uint64_t due = w->keepalive_sent_at + step.probe_in_ms;
      uint64_t now = tmr_jiffies ();

      w->keepalive_wait_ms = step.probe_wait_ms;
      tmr_start (&w->keepalive_tmr, due > now ? due - now : 0, keepalive_send, w);
    }
}

static void
connection_closed_handler (int err, void *arg)
{
  Worker *w = arg;
  g_autofree char *reason = g_strdup_printf ("connection closed: %s", g_strerror (err));

  /* libre has already forgotten the watch (w->conn_watch is NULL) */
  liveness_input (w, PL_LIVENESS_CONNECTION_LOST, reason);
}

static void
keepalive_response_handler (int err, const struct sip_msg *msg, void *arg)
{
  Worker *w = arg;
  g_autofree char *reason = NULL;

  if (msg != NULL && msg->scode < 200)
    return;
  /* final: libre has cleared w->keepalive_req already */
  tmr_cancel (&w->keepalive_expiry);
  if (msg == NULL)
    {
      reason = g_strdup_printf ("keepalive failed: %s", g_strerror (err ? err : ECONNABORTED));
      liveness_input (w, PL_LIVENESS_NO_ANSWER, reason);
      return;
    }
  /* On TCP, hear about the connection closing when it does, not at the
   * next keepalive: a killed PBX's kernel closes it at once. */
  if (w->conn_watch == NULL && (msg->tp == SIP_TRANSP_TCP || msg->tp == SIP_TRANSP_TLS))
    (void)sip_keepalive_start (&w->conn_watch, w->sip, msg, 0, connection_closed_handler, w);
  reason = g_strdup_printf ("answered %u %.*s", msg->scode, (int)msg->reason.l, msg->reason.p);
  liveness_input (w, PL_LIVENESS_ANSWERED, reason);
}

static void
keepalive_expiry_handler (void *arg)
{
  Worker *w = arg;
  g_autofree char *reason
      = g_strdup_printf ("no answer to OPTIONS within %u ms", w->keepalive_wait_ms);

  /* dropping the request stops its retransmissions without a callback */
  w->keepalive_req = mem_deref (w->keepalive_req);
  liveness_input (w, PL_LIVENESS_NO_ANSWER, reason);
}

static void
keepalive_send (void *arg)
{
  Worker *w = arg;
  int err = 0;

  if (!w->liveness_on || w->keepalive_req != NULL)
    return;
  /* also when sending fails at once (no route): the next waits its turn */
  w->keepalive_sent_at = tmr_jiffies ();
  if (w->keepalive_dlg == NULL)
    {
      g_autofree char *target = g_strdup_printf ("sip:%s", w->domain);
      g_autofree char *ruri = request_uri (w, target);
      g_autofree char *from = g_strdup_printf ("sip:%s@%s", w->user, w->domain);

      err = sip_dialog_alloc (&w->keepalive_dlg, ruri, target, NULL, from, NULL, 0);
    }
  if (err == 0)
    err = sip_drequestf (&w->keepalive_req, w->sip, true, "OPTIONS", w->keepalive_dlg, 0, NULL,
                         NULL, keepalive_response_handler, w,
                         "Content-Length: 0\r\n"
                         "\r\n");
  if (err != 0)
    {
      g_autofree char *reason = g_strdup_printf ("keepalive not sent: %s", g_strerror (err));

      w->keepalive_req = NULL;
      liveness_input (w, PL_LIVENESS_NO_ANSWER, reason);
      return;
    }
  tmr_start (&w->keepalive_expiry, w->keepalive_wait_ms, keepalive_expiry_handler, w);
}

static void
liveness_stop (Worker *w)
{
  w->liveness_on = FALSE;
  tmr_cancel (&w->keepalive_tmr);
  tmr_cancel (&w->keepalive_expiry);
  tmr_cancel (&w->resume_tmr);
  w->keepalive_req = mem_deref (w->keepalive_req);
  w->keepalive_dlg = mem_deref (w->keepalive_dlg);
  w->conn_watch = mem_deref (w->conn_watch);
}

static void
liveness_configure (Worker *w, gboolean on, const PlLivenessPolicy *policy)
{
  gboolean was_known = w->liveness.state != PL_SERVER_STATE_UNKNOWN;

  liveness_stop (w);
  pl_liveness_init (&w->liveness);
  if (w->suspended)
    resume_subs (w);
  if (was_known)
    post_server_state (w, PL_SERVER_STATE_UNKNOWN, on ? "keepalive restarted" : "keepalive off");
  if (!on)
    return;
  w->liveness_on = TRUE;
  w->policy = *policy;
  w->keepalive_wait_ms = policy->timeout_ms;
  keepalive_send (w);
}

static void
quit_timeout (void *arg)
{
  re_cancel ();
}

static void
mqueue_handler (int id, void *data, void *arg)
{
  Worker *w = arg;
  Command *cmd = data;
  Sub *s;

  switch (id)
    {
      case OP_SUBSCRIBE:
        s = g_hash_table_lookup (w->subs, cmd->uri);
        if (s != NULL && s->kind == cmd->kind)
          break;
        g_hash_table_remove (w->subs, cmd->uri);
        s = g_new0 (Sub, 1);
        s->worker = w;
        s->uri = g_strdup (cmd->uri);
        s->kind = cmd->kind;
        tmr_init (&s->retry);
        tmr_init (&s->watchdog);
        g_hash_table_insert (w->subs, s->uri, s);
        if (w->suspended)
          post_state (s, PL_SUBSCRIPTION_STATE_FAILED, "server not answering");
        else
          start_sub (s);
        break;
      case OP_UNSUBSCRIBE:
        g_hash_table_remove (w->subs, cmd->uri);
        break;
      case OP_PROBE:
        probe_start (w, cmd->probe_id, cmd->uri);
        break;
      case OP_PROBE_CANCEL:
        g_hash_table_remove (w->probes, GUINT_TO_POINTER (cmd->probe_id));
        break;
      case OP_CONFIG:
        w->retry_min_ms = MAX (cmd->retry_min_ms, 10);
        w->retry_max_ms = MAX (cmd->retry_max_ms, w->retry_min_ms);
        break;
      case OP_LIVENESS:
        liveness_configure (w, cmd->liveness_on, &cmd->policy);
        break;
      case OP_QUIT:
        {
          /* Unsubscribes go out now; give them a moment on the wire. */
          guint grace = g_hash_table_size (w->subs) > 0 ? 200 : 0;

          liveness_stop (w);
          g_hash_table_remove_all (w->subs);
          g_hash_table_remove_all (w->probes);
          tmr_start (&w->quit_tmr, grace, quit_timeout, w);
        }
        break;
      default:
        break;
    }
  if (cmd != NULL)
    command_free (cmd);
}

static void
sip_trace (bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
           const uint8_t *pkt, size_t len, void *arg)
{
  char from[64], to[64];

  (void)re_snprintf (from, sizeof from, "%J", src);
  (void)re_snprintf (to, sizeof to, "%J", dst);
  g_debug ("%s %s %s → %s\n%.*s", tx ? "sent" : "received", sip_transp_name (tp), from, to,
           (int)MIN (len, 2048), (const char *)pkt);
}

static int
worker_setup (Worker *w)
{
  struct sa laddr;
  struct sa nsv[8];
  uint32_t nsn = G_N_ELEMENTS (nsv);
  char dns_domain[256] = "";
  int err;

  err = mqueue_alloc (&w->mq, mqueue_handler, w);
  if (err)
    return err;
  /* DNS is only needed for names; a host without resolv.conf still works
   * with IP literals. */
  if (dns_srv_get (dns_domain, sizeof dns_domain, nsv, &nsn) == 0 && nsn > 0)
    (void)dnsc_alloc (&w->dnsc, NULL, nsv, nsn);
  /* Each NOTIFY answered over UDP leaves a server transaction for 32 s
   * (64*T1) to absorb retransmissions: a lot under a NOTIFY flood holds tens
   * of thousands, so they get a hash table with room for them. */
  err = sip_alloc (&w->sip, w->dnsc, 32, SERVER_TRANSACTION_BUCKETS, 32,
                   "Parkline " PACKAGE_VERSION, NULL, NULL);
  if (err)
    return err;
  if (g_getenv ("PL_SIP_TRACE") != NULL)
    sip_set_trace_handler (w->sip, sip_trace);
  err = sa_set_str (&laddr, w->local_address ? w->local_address : "0.0.0.0", 0);
  if (err)
    return err;
  err = sip_transp_add (
      w->sip, w->transport == PL_SIP_TRANSPORT_TCP ? SIP_TRANSP_TCP : SIP_TRANSP_UDP, &laddr);
  if (err)
    return err;
  /* registered before sipevent so it sees Event-less NOTIFYs first */
  err = sip_listen (&w->stray_lsnr, w->sip, true, stray_notify_handler, w);
  if (err)
    return err;
  return sipevent_listen (&w->sock, w->sip, 32, 32, NULL, NULL);
}

static void
worker_free (Worker *w)
{
  g_clear_pointer (&w->subs, g_hash_table_unref);
  g_clear_pointer (&w->probes, g_hash_table_unref);
  shared_unref (w->shared);
  g_free (w->user);
  g_free (w->auth_user);
  if (w->password != NULL)
    memset (w->password, 0, strlen (w->password));
  g_free (w->password);
  g_free (w->domain);
  g_free (w->local_address);
  g_free (w);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  Startup *startup = w->startup;
  gboolean thread_ready;
  int err;

  pl_thread_started ();
  libre_acquire ();
  tmr_init (&w->quit_tmr);
  tmr_init (&w->keepalive_tmr);
  tmr_init (&w->keepalive_expiry);
  tmr_init (&w->resume_tmr);
  err = re_thread_init ();
  thread_ready = err == 0;
  if (err == 0)
    err = worker_setup (w);

  g_mutex_lock (&startup->lock);
  startup->done = TRUE;
  startup->error = err;
  startup->mq = w->mq;
  w->startup = NULL;
  g_cond_signal (&startup->cond);
  g_mutex_unlock (&startup->lock);

  if (err == 0)
    (void)re_main (NULL);

  liveness_stop (w);
  g_clear_pointer (&w->subs, g_hash_table_unref);
  g_clear_pointer (&w->probes, g_hash_table_unref);
  tmr_cancel (&w->quit_tmr);
  w->sock = mem_deref (w->sock);
  w->stray_lsnr = mem_deref (w->stray_lsnr);
  if (w->sip != NULL)
    sip_close (w->sip, true);
  w->sip = mem_deref (w->sip);
  w->dnsc = mem_deref (w->dnsc);
  w->mq = mem_deref (w->mq);
  if (thread_ready)
    re_thread_close ();
  libre_release ();
  worker_free (w);
  return NULL;
}

/* ---- GLib side ------------------------------------------------------------ */

struct _PlSubscriber
{
  GObject parent_instance;

  Shared *shared;
  GThread *thread;
  struct mqueue *mq; /* owned by the libre thread; valid until OP_QUIT */
  guint retry_min_ms;
  guint retry_max_ms;
  GHashTable *probes; /* id → Pending */
  guint next_probe_id;
  PlServerState server_state;
};

/* A probe the GLib side waits for; freed when its task has returned. */
typedef struct
{
  GTask *task;
  GSource *cancel_source;
} Pending;

static void
pending_free (Pending *pending)
{
  if (pending->cancel_source != NULL)
    {
      g_source_destroy (pending->cancel_source);
      g_source_unref (pending->cancel_source);
    }
  g_object_unref (pending->task);
  g_free (pending);
}

G_DEFINE_FINAL_TYPE (PlSubscriber, pl_subscriber, G_TYPE_OBJECT)
PL_DEFINE_QUARK ("pl-subscriber-error-quark", pl_subscriber_error)

enum
{
  SIGNAL_NOTIFICATION,
  SIGNAL_STATE,
  SIGNAL_SERVER_STATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
deliver_events (gpointer data)
{
  Shared *shared = data;
  g_autoptr (PlSubscriber) self = g_weak_ref_get (&shared->self);
  GQueue batch;
  Event *ev;

  g_mutex_lock (&shared->lock);
  batch = shared->pending;
  g_queue_init (&shared->pending);
  shared->delivery_scheduled = FALSE;
  shared->last_delivery_us = g_get_monotonic_time ();
  g_mutex_unlock (&shared->lock);

  while ((ev = g_queue_pop_head (&batch)) != NULL)
    {
      /* a handler may shut the subscriber down */
      if (self != NULL && self->thread != NULL)
        switch (ev->kind)
          {
            case EVENT_SUBSCRIPTION_STATE:
              g_signal_emit (self, signals[SIGNAL_STATE], 0, ev->uri, ev->state, ev->reason);
              break;
            case EVENT_SERVER_STATE:
              self->server_state = ev->server_state;
              g_signal_emit (self, signals[SIGNAL_SERVER_STATE], 0, ev->server_state, ev->reason);
              break;
            case EVENT_NOTIFICATION:
            default:
              g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0, ev->uri, ev->content_type,
                             ev->body);
              break;
          }
      event_free (ev);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
send_command (PlSubscriber *self, int op, Command *cmd)
{
  int err;

  if (self->thread == NULL)
    {
      g_debug ("subscriber already shut down; command %d dropped", op);
      if (cmd != NULL)
        command_free (cmd);
      return FALSE;
    }
  err = mqueue_push (self->mq, op, cmd);
  if (err != 0)
    {
      g_message ("cannot reach the SIP thread: %s", g_strerror (err));
      if (cmd != NULL)
        command_free (cmd);
      return FALSE;
    }
  return TRUE;
}

/* Takes the probe out of the table; the caller returns its task. */
static GTask *
steal_probe (PlSubscriber *self, guint id)
{
  Pending *pending;
  GTask *task;

  if (self->probes == NULL)
    return NULL;
  pending = g_hash_table_lookup (self->probes, GUINT_TO_POINTER (id));
  if (pending == NULL)
    return NULL;
  task = g_object_ref (pending->task);
  g_hash_table_remove (self->probes, GUINT_TO_POINTER (id));
  return task;
}

static gboolean
dispatch_probe_result (gpointer data)
{
  ProbeResult *res = data;
  g_autoptr (PlSubscriber) self = g_weak_ref_get (&res->shared->self);
  g_autoptr (GTask) task = NULL;

  /* a cancelled or shut-down probe has already returned */
  if (self == NULL || (task = steal_probe (self, res->id)) == NULL)
    return G_SOURCE_REMOVE;
  if (res->error != NULL)
    g_task_return_error (task, g_steal_pointer (&res->error));
  else
    g_task_return_int (task, res->status);
  return G_SOURCE_REMOVE;
}

static void
fail_pending_probes (PlSubscriber *self)
{
  g_autoptr (GList) ids = NULL;

  if (self->probes == NULL)
    return;
  ids = g_hash_table_get_keys (self->probes);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      g_autoptr (GTask) task = steal_probe (self, GPOINTER_TO_UINT (l->data));

      if (task != NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s",
                                 _ ("SIP subscriptions were shut down"));
    }
}

void
pl_subscriber_shutdown (PlSubscriber *self)
{
  g_return_if_fail (PL_IS_SUBSCRIBER (self));

  if (self->thread == NULL)
    return;
  send_command (self, OP_QUIT, NULL);
  g_thread_join (g_steal_pointer (&self->thread));
  self->mq = NULL;
  fail_pending_probes (self);
}

static void
pl_subscriber_dispose (GObject *object)
{
  PlSubscriber *self = PL_SUBSCRIBER (object);

  pl_subscriber_shutdown (self);
  G_OBJECT_CLASS (pl_subscriber_parent_class)->dispose (object);
}

static void
pl_subscriber_finalize (GObject *object)
{
  PlSubscriber *self = PL_SUBSCRIBER (object);

  g_clear_pointer (&self->probes, g_hash_table_unref);
  g_clear_pointer (&self->shared, shared_unref);
  G_OBJECT_CLASS (pl_subscriber_parent_class)->finalize (object);
}

static void
pl_subscriber_class_init (PlSubscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_subscriber_dispose;
  object_class->finalize = pl_subscriber_finalize;

  signals[SIGNAL_NOTIFICATION]
      = g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BYTES);
  signals[SIGNAL_STATE]
      = g_signal_new ("state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 3, G_TYPE_STRING, PL_TYPE_SUBSCRIPTION_STATE, G_TYPE_STRING);
  signals[SIGNAL_SERVER_STATE]
      = g_signal_new ("server-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, PL_TYPE_SERVER_STATE, G_TYPE_STRING);
}

static void
pl_subscriber_init (PlSubscriber *self)
{
  self->retry_min_ms = 1000;
  self->retry_max_ms = 5 * 60 * 1000;
  self->probes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)pending_free);
}

static gboolean
field_is_safe (const char *value, gboolean allow_empty)
{
  if (value == NULL)
    return allow_empty;
  if (*value == '\0')
    return allow_empty;
  /* these end up inside SIP headers */
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == '"' || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

PlSubscriber *
pl_subscriber_new (const char *user, const char *auth_user, const char *password,
                   const char *domain, PlSipTransport transport, const char *local_address,
                   GError **error)
{
  g_autoptr (PlSubscriber) self = NULL;
  g_autoptr (GError) thread_error = NULL;
  Startup startup = { 0 };
  Worker *w;
  int start_error;

  if (!field_is_safe (user, FALSE) || !field_is_safe (domain, FALSE)
      || !field_is_safe (auth_user, TRUE) || (password != NULL && strchr (password, '\n')))
    {
      g_set_error_literal (error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT,
                           _ ("The account's user, domain or password is not valid for SIP"));
      return NULL;
    }

  self = g_object_new (PL_TYPE_SUBSCRIBER, NULL);
  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->ref_count);
  g_mutex_init (&self->shared->lock);
  g_queue_init (&self->shared->pending);
  g_weak_ref_init (&self->shared->self, self);
  self->shared->context = g_main_context_ref_thread_default ();

  w = g_new0 (Worker, 1);
  w->shared = shared_ref (self->shared);
  w->user = g_strdup (user);
  w->auth_user = g_strdup (auth_user && *auth_user ? auth_user : NULL);
  w->password = g_strdup (password);
  w->domain = g_strdup (domain);
  w->transport = transport;
  w->local_address = g_strdup (local_address);
  w->retry_min_ms = self->retry_min_ms;
  w->retry_max_ms = self->retry_max_ms;
  w->subs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)sub_free);
  w->probes = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)probe_free);
  g_mutex_init (&startup.lock);
  g_cond_init (&startup.cond);
  w->startup = &startup;

  self->thread = g_thread_try_new ("pl-libre", worker_main, w, &thread_error);
  if (self->thread == NULL)
    {
      worker_free (w);
      g_mutex_clear (&startup.lock);
      g_cond_clear (&startup.cond);
      g_set_error (error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_START_FAILED,
                   _ ("Cannot start the SIP subscription thread: %s"), thread_error->message);
      return NULL;
    }

  g_mutex_lock (&startup.lock);
  while (!startup.done)
    g_cond_wait (&startup.cond, &startup.lock);
  start_error = startup.error;
  self->mq = startup.mq;
  g_mutex_unlock (&startup.lock);
  g_mutex_clear (&startup.lock);
  g_cond_clear (&startup.cond);

  if (start_error != 0)
    {
      /* the thread tears itself down and frees w */
      g_thread_join (g_steal_pointer (&self->thread));
      g_set_error (error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_START_FAILED,
                   _ ("Cannot start SIP subscriptions on %s: %s"),
                   local_address ? local_address : "0.0.0.0", g_strerror (start_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
pl_subscriber_subscribe (PlSubscriber *self, const char *uri, PlSubscriptionKind kind)
{
  Command *cmd;

  g_return_if_fail (PL_IS_SUBSCRIBER (self));
  g_return_if_fail (uri != NULL);

  cmd = g_new0 (Command, 1);
  cmd->uri = g_strdup (uri);
  cmd->kind = kind;
  send_command (self, OP_SUBSCRIBE, cmd);
}

void
pl_subscriber_unsubscribe (PlSubscriber *self, const char *uri)
{
  Command *cmd;

  g_return_if_fail (PL_IS_SUBSCRIBER (self));
  g_return_if_fail (uri != NULL);

  cmd = g_new0 (Command, 1);
  cmd->uri = g_strdup (uri);
  send_command (self, OP_UNSUBSCRIBE, cmd);
}

static void
send_config (PlSubscriber *self)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->retry_min_ms = self->retry_min_ms;
  cmd->retry_max_ms = self->retry_max_ms;
  send_command (self, OP_CONFIG, cmd);
}

void
pl_subscriber_set_liveness (PlSubscriber *self, const PlLivenessPolicy *policy)
{
  Command *cmd;

  g_return_if_fail (PL_IS_SUBSCRIBER (self));
  g_return_if_fail (policy == NULL || (policy->keepalive_ms > 0 && policy->timeout_ms > 0));

  cmd = g_new0 (Command, 1);
  cmd->liveness_on = policy != NULL;
  if (policy)
    cmd->policy = *policy;
  send_command (self, OP_LIVENESS, cmd);
}

PlServerState
pl_subscriber_get_server_state (PlSubscriber *self)
{
  g_return_val_if_fail (PL_IS_SUBSCRIBER (self), PL_SERVER_STATE_UNKNOWN);
  return self->server_state;
}

void
pl_subscriber_set_retry_interval (PlSubscriber *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (PL_IS_SUBSCRIBER (self));
  g_return_if_fail (min_ms > 0 && max_ms >= min_ms);

  self->retry_min_ms = min_ms;
  self->retry_max_ms = max_ms;
  send_config (self);
}

typedef struct
{
  PlSubscriber *self; /* the probe table owns this source, so self outlives it */
  guint id;
} CancelData;

static gboolean
probe_cancelled (GCancellable *cancellable, gpointer data)
{
  CancelData *cd = data;
  PlSubscriber *self = cd->self;
  guint id = cd->id;
  g_autoptr (GTask) task = NULL;
  Command *cmd;

  /* cd dies with the source inside steal_probe() */
  task = steal_probe (self, id);
  if (task == NULL)
    return G_SOURCE_REMOVE;
  cmd = g_new0 (Command, 1);
  cmd->probe_id = id;
  send_command (self, OP_PROBE_CANCEL, cmd);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

void
pl_subscriber_probe_async (PlSubscriber *self, const char *uri, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Pending *pending;
  Command *cmd;
  guint id;

  g_return_if_fail (PL_IS_SUBSCRIBER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_subscriber_probe_async);
  if (uri == NULL || g_ascii_strncasecmp (uri, "sip:", 4) != 0 || !field_is_safe (uri, FALSE))
    {
      g_task_return_new_error (task, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT,
                               _ ("“%s” is not a SIP address"), uri ? uri : "");
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->thread == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s",
                               _ ("SIP subscriptions were shut down"));
      return;
    }

  id = ++self->next_probe_id;
  if (id == 0)
    id = ++self->next_probe_id;
  pending = g_new0 (Pending, 1);
  pending->task = g_object_ref (task);
  if (cancellable != NULL)
    {
      CancelData *cd = g_new0 (CancelData, 1);

      cd->self = self;
      cd->id = id;
      pending->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (pending->cancel_source, G_SOURCE_FUNC (probe_cancelled), cd, g_free);
      g_source_attach (pending->cancel_source, self->shared->context);
    }
  g_hash_table_insert (self->probes, GUINT_TO_POINTER (id), pending);

  cmd = g_new0 (Command, 1);
  cmd->uri = g_strdup (uri);
  cmd->probe_id = id;
  if (!send_command (self, OP_PROBE, cmd))
    {
      g_autoptr (GTask) failed = steal_probe (self, id);

      g_task_return_new_error (failed, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _ ("Cannot reach the SIP thread"));
    }
}

guint
pl_subscriber_probe_finish (PlSubscriber *self, GAsyncResult *result, GError **error)
{
  gssize status;

  g_return_val_if_fail (PL_IS_SUBSCRIBER (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pl_subscriber_probe_async, 0);

  status = g_task_propagate_int (G_TASK (result), error);
  return status > 0 ? (guint)status : 0;
}
