/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "pl-ami-feed.h"
#include "pl-enums.h"
#include "pl-park-ledger.h"
#include "pl-sip-uri.h"
#include "pl-park-service.h"
#include "pl-silence-watch.h"
#include "pl-park-target-cache.h"
#include "pl-subscriber.h"
#include "pl-quark.h"
#include "pl-trace.h"
#include "pl-util.h"

/* A retrieve whose call ends this soon after the slot emptied under it lost
 * the race: Asterisk answers an empty slot, announces, and hangs up. */
#define RETRIEVE_RACE_WINDOW (10 * G_USEC_PER_SEC)
/* A retrieve that won has the caller's RTP within a packet time of being
 * bridged; one that lost a FreeSWITCH race gets none, ever. */
#define RETRIEVE_SILENCE_MS 3000
/* Our answer and the slot's NOTIFY travel separate channels (baresip's
 * control socket, our SIP thread): closer than this, their order on the
 * main thread says nothing about the order at the PBX. */
#define RETRIEVE_ORDER_SLACK (2 * G_USEC_PER_SEC)

typedef struct
{
  PlCall *call;
  PlParkLot *lot;
  guint park_id;
  int slot; /* PL_PARK_ANY_SLOT until learned */
  char *caller_name;
  char *caller_uri;
  char *uri;           /* the REFER target */
  GCancellable *probe; /* non-NULL while the PBX is asked whether uri exists */
  gint64 started;
  gboolean landed; /* "own-park-landed" was emitted */
} ParkAttempt;

/* Who got the caller of a retrieve: decided by the slot's NOTIFY and our
 * call's answer together, or by how the call ends. */
typedef enum
{
  RETRIEVE_UNANSWERED,    /* our call is not up yet */
  RETRIEVE_ANSWERED,      /* up with the slot still busy here: its NOTIFY decides */
  RETRIEVE_DECIDE_AT_END, /* the slot freed before or close to our answer */
  RETRIEVE_WON,           /* ours, in history */
} RetrieveVerdict;

typedef struct
{
  PlCall *call;
  PlParkLot *lot;
  int slot;
  char *caller_name;
  char *caller_uri;
  gint64 parked_since;
  RetrieveVerdict verdict;
  gint64 answered_at; /* monotonic, when the verdict turned RETRIEVE_ANSWERED */
  char *parked_by;    /* as the slot showed it when we dialled */
  char *park_id;      /* the feed's park we went for, NULL when unnamed */
  gboolean lost;      /* a feed named another taker: the user was told */
  PlSilenceWatch *silence;
} RetrieveAttempt;

struct _PlParkService
{
  GObject parent_instance;

  PlCallManager *calls;
  PlHistoryRecorder *recorder;
  PlAccount *account;
  PlSubscriber *subscriber;
  GListStore *lots;
  GHashTable *lot_by_uri; /* subscription URI → PlParkLot (borrowed) */
  GPtrArray *parks;       /* ParkAttempt, in flight */
  GPtrArray *retrieves;   /* RetrieveAttempt, until the call ends */
  PlParkLedger *ledger;   /* our own parks, to recognise ring-backs */
  PlParkTargetCache *targets;
  GCancellable *prefetch; /* an OPTIONS asked ahead of a park */
  guint tick_id;
  PlServerState server_state;
  GHashTable *feeds;       /* manager key → PlParkFeed, one per server connection */
  GHashTable *feed_of_lot; /* PlParkLot → PlParkFeed (both borrowed) */
};

G_DEFINE_FINAL_TYPE (PlParkService, pl_park_service, G_TYPE_OBJECT)
PL_DEFINE_QUARK ("pl-park-service-error-quark", pl_park_service_error)

enum
{
  PROP_0,
  PROP_LOTS,
  PROP_SERVER_STATE,
  N_PROPS
};

enum
{
  SIGNAL_MESSAGE,
  SIGNAL_PARKED_BY_OTHER,
  SIGNAL_OWN_PARK_LANDED,
  SIGNAL_OWN_PARK_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
park_attempt_free (ParkAttempt *attempt)
{
  if (attempt->probe)
    g_cancellable_cancel (attempt->probe);
  g_clear_object (&attempt->probe);
  g_free (attempt->uri);
  g_clear_object (&attempt->call);
  g_clear_object (&attempt->lot);
  g_free (attempt->caller_name);
  g_free (attempt->caller_uri);
  g_free (attempt);
}

static void
retrieve_attempt_free (RetrieveAttempt *attempt)
{
  g_clear_pointer (&attempt->silence, pl_silence_watch_free);
  g_clear_object (&attempt->call);
  g_clear_object (&attempt->lot);
  g_free (attempt->caller_name);
  g_free (attempt->caller_uri);
  g_free (attempt->parked_by);
  g_free (attempt->park_id);
  g_free (attempt);
}

/* party: the other person of the event (who parked, who took it). */
static void
record_party_event (PlParkService *self, PlCall *call, PlParkLot *lot, int slot,
                    PlHistoryParkAction action, PlHistoryParkActor actor, const char *caller_name,
                    const char *caller_uri, const char *party, gint64 parked_at)
{
  g_autofree char *slot_text = slot >= 0 ? g_strdup_printf ("%d", slot) : NULL;
  PlHistoryParkInfo info = {
    .lot = pl_park_lot_get_name (lot),
    .slot = slot_text,
    .action = action,
    .actor = actor,
    .caller_name = caller_name,
    .caller_uri = caller_uri,
    .party = party,
    .parked_at = parked_at,
    .at = g_get_real_time (),
  };

  if (self->recorder)
    pl_history_recorder_park_event (self->recorder, call, &info);
}

static void
record_event (PlParkService *self, PlCall *call, PlParkLot *lot, int slot,
              PlHistoryParkAction action, PlHistoryParkActor actor, const char *caller_name,
              const char *caller_uri, gint64 parked_at)
{
  record_party_event (self, call, lot, slot, action, actor, caller_name, caller_uri, NULL,
                      parked_at);
}

static char *
caller_title (const char *name, const char *uri)
{
  char *title = pl_sip_party_title (name, uri);
  return title ? title : g_strdup (_ ("The caller"));
}

static ParkAttempt *
find_park (PlParkService *self, PlCall *call)
{
  for (guint i = 0; i < self->parks->len; i++)
    {
      ParkAttempt *attempt = g_ptr_array_index (self->parks, i);
      if (attempt->call == call)
        return attempt;
    }
  return NULL;
}

/* Our park is in its slot: once per park, whichever tells first (the slot
 * turning busy, or the PBX confirming the REFER). */
static void
park_landed (PlParkService *self, ParkAttempt *attempt)
{
  if (attempt->landed)
    return;
  attempt->landed = TRUE;
  g_signal_emit (self, signals[SIGNAL_OWN_PARK_LANDED], 0, attempt->call, attempt->lot,
                 attempt->slot);
}

/* The park is over: landed (told already) or not (told now). */
static void
drop_park (PlParkService *self, ParkAttempt *attempt)
{
  g_autoptr (PlCall) call = g_object_ref (attempt->call);
  gboolean landed = attempt->landed;

  g_ptr_array_remove (self->parks, attempt);
  if (!landed)
    g_signal_emit (self, signals[SIGNAL_OWN_PARK_FAILED], 0, call);
}

static RetrieveAttempt *
find_retrieve (PlParkService *self, PlCall *call, PlParkLot *lot, int slot)
{
  for (guint i = 0; i < self->retrieves->len; i++)
    {
      RetrieveAttempt *attempt = g_ptr_array_index (self->retrieves, i);
      if ((call && attempt->call == call)
          || (!call && attempt->lot == lot && attempt->slot == slot))
        return attempt;
    }
  return NULL;
}

static void prefetch_park_target (PlParkService *self);
static void on_call_connected (PlCall *call, GParamSpec *pspec, PlParkService *self);

/* --- lot events ------------------------------------------------------- */

static void
on_slot_parked (PlParkLot *lot, PlParkSlot *slot, PlParkService *self)
{
  int number = pl_park_slot_get_number (slot);
  g_autofree char *title = pl_park_slot_dup_display_name (slot);

  /* someone else's park is told once named (on_slot_identified) */
  if (!pl_park_slot_get_parked_by_me (slot))
    return;

  /* Ours: the lot matched it to our REFER; tell the parker where it went. */
  for (guint i = 0; i < self->parks->len; i++)
    {
      ParkAttempt *attempt = g_ptr_array_index (self->parks, i);
      g_autofree char *note = NULL;

      if (attempt->lot != lot || (attempt->slot != PL_PARK_ANY_SLOT && attempt->slot != number))
        continue;
      attempt->slot = number;
      note = pl_park_slot_get_probable (slot)
                 ? g_strdup_printf (_ ("Parked, probably on %d"), number)
                 : g_strdup_printf (_ ("Parked on %d"), number);
      pl_call_set_note (attempt->call, note);
      park_landed (self, attempt);
      break;
    }
  if (pl_park_slot_get_race (slot))
    pl_emit_message (
        self, signals[SIGNAL_MESSAGE],
        _ ("Two calls were parked at the same moment: %s is probably on %d, check the lot"), title,
        number);
}

static void
settle_ledger (PlParkService *self, PlParkLot *lot, int slot)
{
  PlParkRecord *record = pl_park_ledger_find_slot (self->ledger, pl_park_lot_get_name (lot), slot);
  if (record)
    record->settled = TRUE;
}

/* The verdict on a retrieve that came up: the caller is ours. */
static void
retrieve_won (PlParkService *self, RetrieveAttempt *attempt)
{
  attempt->verdict = RETRIEVE_WON;
  record_party_event (self, attempt->call, attempt->lot, attempt->slot,
                      PL_HISTORY_PARK_ACTION_RETRIEVED, PL_HISTORY_PARK_ACTOR_ME,
                      attempt->caller_name, attempt->caller_uri, attempt->parked_by,
                      attempt->parked_since);
  settle_ledger (self, attempt->lot, attempt->slot);
}

static void
on_slot_retrieved (PlParkLot *lot, PlParkSlot *slot, PlParkService *self)
{
  int number = pl_park_slot_get_number (slot);
  RetrieveAttempt *attempt = find_retrieve (self, NULL, lot, number);

  if (attempt == NULL || attempt->lost)
    return;
  /* The PBX frees the slot when it bridges, so the order of the two events
   * says little alone: unless our call was up well before, the call's end
   * decides (on_call_ended). */
  if (attempt->verdict == RETRIEVE_UNANSWERED
      || (attempt->verdict == RETRIEVE_ANSWERED
          && g_get_monotonic_time () - attempt->answered_at <= RETRIEVE_ORDER_SLACK))
    attempt->verdict = RETRIEVE_DECIDE_AT_END;
  else if (attempt->verdict == RETRIEVE_ANSWERED)
    retrieve_won (self, attempt);
  /* history and the taker: on_slot_ended */
}

static void
on_slot_timed_out (PlParkLot *lot, PlParkSlot *slot, PlParkService *self)
{
  int number = pl_park_slot_get_number (slot);
  g_autofree char *title = pl_park_slot_dup_display_name (slot);

  if (pl_park_slot_get_parked_by_me (slot))
    pl_emit_message (self, signals[SIGNAL_MESSAGE],
                     _ ("Nobody picked up %s from %d: the phone system is ringing you back"), title,
                     number);
}

/* Someone else's park, named as well as it will be: history and the
 * desktop notification get the caller and who parked them. */
static void
on_slot_identified (PlParkLot *lot, PlParkSlot *slot, PlParkService *self)
{
  if (pl_park_slot_get_parked_by_me (slot)
      || pl_park_slot_get_state (slot) != PL_PARK_SLOT_OCCUPIED)
    return;
  record_party_event (self, NULL, lot, pl_park_slot_get_number (slot),
                      PL_HISTORY_PARK_ACTION_PARKED, PL_HISTORY_PARK_ACTOR_OTHER,
                      pl_park_slot_get_caller_name (slot), pl_park_slot_get_caller_uri (slot),
                      pl_park_slot_get_parked_by (slot), pl_park_slot_get_parked_since (slot));
  g_signal_emit (self, signals[SIGNAL_PARKED_BY_OTHER], 0, lot, slot);
}

/* Whether a feed's taker (endpoint, number) is this desk's account. */
static gboolean
taker_is_me (PlParkService *self, const char *endpoint, const char *number)
{
  const char *user, *auth_user;

  if (self->account == NULL || (endpoint == NULL && number == NULL))
    return FALSE;
  user = pl_account_get_user (self->account);
  auth_user = pl_account_get_auth_user (self->account);
  return (endpoint != NULL
          && (g_ascii_strcasecmp (endpoint, user ? user : "") == 0
              || g_ascii_strcasecmp (endpoint, auth_user ? auth_user : "") == 0))
         || (number != NULL && g_strcmp0 (number, user) == 0);
}

/* A park is over, with the reason and the taker when a feed knew them. */
static void
on_slot_ended (PlParkLot *lot, PlParkSlot *slot, const PlParkEnd *end, PlParkService *self)
{
  RetrieveAttempt *ours = find_retrieve (self, NULL, lot, end->slot);
  g_autofree char *title = caller_title (end->caller_name, end->caller_uri);

  switch (end->reason)
    {
      case PL_PARK_END_RETRIEVED:
        settle_ledger (self, lot, end->slot);
        /* our own retrieve is written when it connects; a lost one when it
         * ends */
        if (taker_is_me (self, end->taken_by_id, end->taken_by_number)
            || (ours != NULL && end->taken_by == NULL) || (ours != NULL && ours->lost))
          return;
        record_party_event (self, NULL, lot, end->slot, PL_HISTORY_PARK_ACTION_RETRIEVED,
                            PL_HISTORY_PARK_ACTOR_OTHER, end->caller_name, end->caller_uri,
                            end->taken_by, end->parked_since);
        if (end->parked_by_me && end->taken_by != NULL)
          pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("%s took %s from %d"), end->taken_by,
                           title, end->slot);
        break;
      case PL_PARK_END_GAVE_UP:
        {
          g_autofree char *after = end->parked_since > 0
                                       ? pl_format_duration (end->ended_at - end->parked_since)
                                       : NULL;

          settle_ledger (self, lot, end->slot);
          record_party_event (self, NULL, lot, end->slot, PL_HISTORY_PARK_ACTION_ABANDONED,
                              PL_HISTORY_PARK_ACTOR_OTHER, end->caller_name, end->caller_uri,
                              end->parked_by, end->parked_since);
          if (end->parked_by_me && after)
            pl_emit_message (self, signals[SIGNAL_MESSAGE],
                             _ ("%s hung up while parked on %d, after %s"), title, end->slot,
                             after);
          else if (end->parked_by_me)
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("%s hung up while parked on %d"),
                             title, end->slot);
        }
        break;
      case PL_PARK_END_TIMED_OUT:
      default:
        /* ours is written when the ring-back reaches us */
        if (!end->parked_by_me)
          record_party_event (self, NULL, lot, end->slot, PL_HISTORY_PARK_ACTION_RETURNED,
                              PL_HISTORY_PARK_ACTOR_OTHER, end->caller_name, end->caller_uri,
                              end->parked_by, end->parked_since);
        break;
    }
}

/* --- server feeds --------------------------------------------------------- */

/* The account's host, for the URIs of the feed's caller numbers. */
static char *
sip_host (PlParkService *self)
{
  const char *domain = self->account ? pl_account_get_domain (self->account) : NULL;
  const char *colon;

  if (domain == NULL)
    return NULL;
  if (domain[0] == '[')
    {
      const char *close = strchr (domain, ']');
      return close ? g_strndup (domain, close - domain + 1) : g_strdup (domain);
    }
  colon = strchr (domain, ':');
  return colon ? g_strndup (domain, colon - domain) : g_strdup (domain);
}

/* The PBX would only play "invalid parking space" to the loser of a
 * retrieve race and hang up. A call still being dialled is not known to
 * the engine yet: it is ended as soon as it is (on_call_state). */
static void
end_lost_call (PlParkService *self, RetrieveAttempt *attempt)
{
  PlCallState state = pl_call_get_state (attempt->call);

  if (pl_call_get_id (attempt->call) != NULL
      && (state == PL_CALL_STATE_RINGING || state == PL_CALL_STATE_ACTIVE
          || state == PL_CALL_STATE_HELD))
    pl_call_manager_hangup (self->calls, attempt->call, NULL);
}

/* Asterisk's retrieve race: two desks call the slot, the PBX bridges one
 * and plays "invalid parking space" to the other. The feed names the
 * winner at once; the loser hears it from us, not from the PBX five
 * seconds later. */
static void
check_lost_race (PlParkService *self, PlParkLot *lot, const PlParkFeedEvent *event)
{
  guint64 number;
  RetrieveAttempt *attempt;
  g_autofree char *title = NULL;
  g_autofree char *note = NULL;
  const char *taker;

  if (event->kind != PL_PARK_FEED_EVENT_UNPARKED || event->slot == NULL
      || g_strcmp0 (event->lot, pl_park_lot_get_config (lot)->manager_parkinglot) != 0
      || !g_ascii_string_to_unsigned (event->slot, 10, 0, G_MAXINT, &number, NULL))
    return;
  attempt = find_retrieve (self, NULL, lot, (int)number);
  if (attempt == NULL || attempt->lost || !pl_call_is_live (attempt->call)
      || taker_is_me (self, event->taken_by_id, event->taken_by_number)
      || (attempt->park_id != NULL && g_strcmp0 (attempt->park_id, event->park_id) != 0))
    return;
  attempt->lost = TRUE;
  taker = event->taken_by ? event->taken_by : _ ("someone else");
  /* A retrieve sent before the slot was named still learns who it was for. */
  if (attempt->caller_name == NULL)
    attempt->caller_name = g_strdup (event->caller_name);
  title = caller_title (attempt->caller_name, attempt->caller_uri);
  note = g_strdup_printf (_ ("Taken by %s"), taker);
  pl_call_set_note (attempt->call, note);
  pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("%s on %d was taken by %s"), title,
                   attempt->slot, taker);
  record_party_event (self, attempt->call, lot, attempt->slot,
                      PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER, PL_HISTORY_PARK_ACTOR_OTHER,
                      attempt->caller_name, attempt->caller_uri, event->taken_by,
                      attempt->parked_since);
  end_lost_call (self, attempt);
}

static void
on_feed_event (PlParkFeed *feed, const PlParkFeedEvent *event, PlParkService *self)
{
  g_autofree char *host = sip_host (self);
  GHashTableIter iter;
  gpointer lot, lot_feed;
  gint64 now = g_get_real_time ();

  g_hash_table_iter_init (&iter, self->feed_of_lot);
  while (g_hash_table_iter_next (&iter, &lot, &lot_feed))
    {
      if (lot_feed != feed)
        continue;
      /* before the lot hears of it: its "ended" must find our lost retrieve */
      check_lost_race (self, lot, event);
      pl_park_lot_apply_feed (lot, event, host, now);
    }
}

/* Connected or about to be: SIP news waits for the feed's. A feed that
 * failed or lost its connection has nothing to say for a while. */
static gboolean
feed_is_live (PlParkFeed *feed)
{
  PlParkFeedStatus status = pl_park_feed_get_status (feed);

  return status == PL_PARK_FEED_STATUS_CONNECTED || status == PL_PARK_FEED_STATUS_CONNECTING;
}

static void
on_feed_status (PlParkFeed *feed, GParamSpec *pspec, PlParkService *self)
{
  gboolean live = feed_is_live (feed);
  GHashTableIter iter;
  gpointer lot, lot_feed;

  g_hash_table_iter_init (&iter, self->feed_of_lot);
  while (g_hash_table_iter_next (&iter, &lot, &lot_feed))
    if (lot_feed == feed)
      pl_park_lot_set_feed_live (lot, live, g_get_real_time ());
}

static void
stop_feed (gpointer data)
{
  PlParkFeed *feed = data;

  g_signal_handlers_disconnect_matched (feed, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_feed_event, NULL);
  g_signal_handlers_disconnect_matched (feed, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_feed_status,
                                        NULL);
  pl_park_feed_stop (feed);
  g_object_unref (feed);
}

static void
drop_feeds (PlParkService *self)
{
  g_hash_table_remove_all (self->feed_of_lot);
  g_hash_table_remove_all (self->feeds);
}

/* One connection per manager: lots on the same server and user share it. */
static void
attach_feed (PlParkService *self, PlParkLot *lot)
{
  const PlParkLotConfig *config = pl_park_lot_get_config (lot);
  g_autofree char *key = pl_park_lot_config_dup_manager_key (config);
  g_autofree char *host = NULL;
  PlParkFeed *feed;
  guint16 port;

  if (key == NULL || !pl_park_manager_host_parse (config->manager_host, &host, &port))
    return;
  feed = g_hash_table_lookup (self->feeds, key);
  if (feed == NULL)
    {
      feed = PL_PARK_FEED (pl_ami_feed_new (host, port, config->manager_user,
                                            config->manager_secret, config->manager_tls));
      g_hash_table_insert (self->feeds, g_steal_pointer (&key), feed);
      g_signal_connect (feed, "event", G_CALLBACK (on_feed_event), self);
      g_signal_connect (feed, "notify::status", G_CALLBACK (on_feed_status), self);
      pl_park_feed_start (feed);
    }
  g_hash_table_insert (self->feed_of_lot, lot, feed);
  pl_park_lot_set_feed_live (lot, feed_is_live (feed), g_get_real_time ());
}

/* --- subscriptions ------------------------------------------------------ */

static void
on_notification (PlSubscriber *subscriber, const char *uri, const char *content_type, GBytes *body,
                 PlParkService *self)
{
  PlParkLot *lot = g_hash_table_lookup (self->lot_by_uri, uri);
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  const char *data;

  if (lot == NULL || body == NULL)
    return;
  data = g_bytes_get_data (body, &length);
  if (!pl_park_lot_apply_notify (lot, uri, content_type, data, length, g_get_real_time (), &error))
    g_message ("Ignored a NOTIFY for %s: %s", uri, error ? error->message : "no change");
  pl_trace_mark ("NOTIFY applied");
}

static void
on_subscription_state (PlSubscriber *subscriber, const char *uri, PlSubscriptionState state,
                       const char *reason, PlParkService *self)
{
  PlParkLot *lot = g_hash_table_lookup (self->lot_by_uri, uri);

  if (lot == NULL)
    return;
  if (state == PL_SUBSCRIPTION_STATE_FAILED)
    g_message ("Subscription to %s failed: %s", uri, reason ? reason : "unknown reason");
  pl_park_lot_apply_subscription_state (lot, uri, state);
  /* A PBX that went away may come back with another dialplan. */
  if (state == PL_SUBSCRIPTION_STATE_FAILED || state == PL_SUBSCRIPTION_STATE_TERMINATED)
    pl_park_target_cache_forget (self->targets, NULL);
  else if (state == PL_SUBSCRIPTION_STATE_ACTIVE)
    prefetch_park_target (self);
}

static void
set_server_state (PlParkService *self, PlServerState state)
{
  if (self->server_state == state)
    return;
  self->server_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_STATE]);
}

/* A silent server looks exactly like a quiet lot: once the keepalive says
 * it is gone, nothing it told us before may pass for the present. */
static void
on_server_state (PlSubscriber *subscriber, PlServerState state, const char *reason,
                 PlParkService *self)
{
  const char *domain = self->account ? pl_account_get_domain (self->account) : "";

  if (state == PL_SERVER_STATE_NOT_ANSWERING)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lots));

      pl_park_target_cache_forget (self->targets, NULL);
      g_message ("The phone system at %s is not answering (%s): park lots unknown", domain,
                 reason ? reason : "");
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (PlParkLot) lot = g_list_model_get_item (G_LIST_MODEL (self->lots), i);
          pl_park_lot_set_stale (lot, TRUE);
        }
    }
  else if (state == PL_SERVER_STATE_ANSWERING && self->server_state != PL_SERVER_STATE_UNKNOWN)
    g_message ("The phone system at %s answers again: resubscribing", domain);
  set_server_state (self, state);
}

static gboolean
tick_cb (gpointer user_data)
{
  PlParkService *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lots));
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (G_LIST_MODEL (self->lots), i);
      pl_park_lot_tick (lot, now);
    }
  pl_park_ledger_prune (self->ledger, now);
  return G_SOURCE_CONTINUE;
}

static PlSipTransport
subscriber_transport (PlAccount *account)
{
  /* The subscriber speaks UDP and TCP; TLS accounts watch over TCP. */
  return pl_account_get_transport (account) == PL_TRANSPORT_UDP ? PL_SIP_TRANSPORT_UDP
                                                                : PL_SIP_TRANSPORT_TCP;
}

static void cancel_prefetch (PlParkService *self);

static void
drop_subscriber (PlParkService *self)
{
  cancel_prefetch (self);
  if (self->subscriber == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->subscriber, self);
  pl_subscriber_shutdown (self->subscriber);
  g_clear_object (&self->subscriber);
  set_server_state (self, PL_SERVER_STATE_UNKNOWN);
}

static gboolean
watch_uri (PlParkService *self, PlParkLot *lot, int slot, const char *domain,
           PlSubscriptionKind kind)
{
  const PlParkLotConfig *config = pl_park_lot_get_config (lot);
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = pl_park_lot_config_subscribe_uri (config, slot, domain, &error);

  if (uri == NULL)
    {
      pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Cannot watch park lot “%s”: %s"),
                       config->name, error->message);
      return FALSE;
    }
  g_hash_table_insert (self->lot_by_uri, g_strdup (uri), lot);
  pl_subscriber_subscribe (self->subscriber, uri, kind);
  return TRUE;
}

static void
subscribe_lot (PlParkService *self, PlParkLot *lot, const char *domain)
{
  const PlParkLotConfig *config = pl_park_lot_get_config (lot);

  if (config->subscribe == PL_PARK_SUBSCRIBE_LIST)
    {
      watch_uri (self, lot, PL_PARK_ANY_SLOT, domain, PL_SUBSCRIPTION_DIALOG_LIST);
      return;
    }
  for (int slot = config->first_slot; slot <= config->last_slot; slot++)
    if (!watch_uri (self, lot, slot, domain,
                    config->subscribe == PL_PARK_SUBSCRIBE_PRESENCE ? PL_SUBSCRIPTION_PRESENCE
                                                                    : PL_SUBSCRIPTION_DIALOG))
      return;
}

void
pl_park_service_configure (PlParkService *self, PlAccount *account, GPtrArray *lot_configs,
                           const char *local_address)
{
  g_autoptr (GError) error = NULL;
  guint n_lots;

  g_return_if_fail (PL_IS_PARK_SERVICE (self));
  g_return_if_fail (account == NULL || PL_IS_ACCOUNT (account));

  drop_subscriber (self);
  pl_park_target_cache_forget (self->targets, NULL);
  drop_feeds (self);
  g_hash_table_remove_all (self->lot_by_uri);
  g_ptr_array_set_size (self->parks, 0);
  g_list_store_remove_all (self->lots);
  g_set_object (&self->account, account);

  for (guint i = 0; lot_configs && i < lot_configs->len; i++)
    {
      g_autoptr (PlParkLot) lot = pl_park_lot_new (g_ptr_array_index (lot_configs, i));
      g_signal_connect_object (lot, "parked", G_CALLBACK (on_slot_parked), self, 0);
      g_signal_connect_object (lot, "retrieved", G_CALLBACK (on_slot_retrieved), self, 0);
      g_signal_connect_object (lot, "timed-out", G_CALLBACK (on_slot_timed_out), self, 0);
      g_signal_connect_object (lot, "identified", G_CALLBACK (on_slot_identified), self, 0);
      g_signal_connect_object (lot, "ended", G_CALLBACK (on_slot_ended), self, 0);
      /* Unknown until the first NOTIFY: never shown as "all free". */
      pl_park_lot_set_stale (lot, TRUE);
      g_list_store_append (self->lots, lot);
      attach_feed (self, lot);
    }
  n_lots = g_list_model_get_n_items (G_LIST_MODEL (self->lots));

  if (n_lots > 0 && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  if (n_lots == 0 || account == NULL || !pl_account_is_complete (account))
    return;

  self->subscriber
      = pl_subscriber_new (pl_account_get_user (account), pl_account_get_auth_user (account),
                           pl_account_get_password (account), pl_account_get_domain (account),
                           subscriber_transport (account), local_address, &error);
  if (self->subscriber == NULL)
    {
      pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Cannot watch the park lots: %s"),
                       error->message);
      return;
    }
  g_signal_connect (self->subscriber, "notification", G_CALLBACK (on_notification), self);
  g_signal_connect (self->subscriber, "state", G_CALLBACK (on_subscription_state), self);
  g_signal_connect (self->subscriber, "server-state", G_CALLBACK (on_server_state), self);
  for (guint i = 0; i < n_lots; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (G_LIST_MODEL (self->lots), i);
      subscribe_lot (self, lot, pl_account_get_domain (account));
    }
  pl_subscriber_set_liveness (self->subscriber, &pl_liveness_default_policy);
}

/* --- calls --------------------------------------------------------------- */

static void
on_call_added (PlCallManager *calls, PlCall *call, PlParkService *self)
{
  gint64 now = g_get_real_time ();
  PlParkRecord *record;
  g_autofree char *after = NULL;
  g_autofree char *note = NULL;
  PlParkLot *lot;

  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_connected), self, 0);
  if (pl_call_get_direction (call) != PL_CALL_DIRECTION_INCOMING)
    return;
  record = pl_park_ledger_match_return (self->ledger, pl_call_get_peer_uri (call), now);
  if (record == NULL)
    return;

  /* The PBX rings back with the caller's identity and nothing else. */
  after = pl_format_duration (now - record->parked_at);
  note = record->slot ? g_strdup_printf (_ ("Returned from %u after %s"), record->slot, after)
                      : g_strdup_printf (_ ("Returned from the park lot after %s"), after);
  pl_call_set_note (call, note);
  if (pl_call_get_peer_name (call) == NULL)
    pl_call_set_peer_name (call, record->caller_name);
  record->settled = TRUE;

  lot = pl_park_service_find_lot (self, record->lot);
  if (lot)
    {
      pl_park_lot_ringback_done (lot, (int)record->slot);
      record_event (self, call, lot, record->slot ? (int)record->slot : -1,
                    PL_HISTORY_PARK_ACTION_RETURNED, PL_HISTORY_PARK_ACTOR_ME, record->caller_name,
                    record->caller_uri, record->parked_at);
    }
}

static void
on_call_state (PlCall *call, GParamSpec *pspec, PlParkService *self)
{
  RetrieveAttempt *attempt = find_retrieve (self, call, NULL, 0);

  if (attempt != NULL && attempt->lost)
    {
      end_lost_call (self, attempt);
      return;
    }
  if (attempt == NULL || pl_call_get_state (call) != PL_CALL_STATE_ACTIVE
      || attempt->verdict != RETRIEVE_UNANSWERED)
    return;
  g_signal_handlers_disconnect_by_func (call, on_call_state, self);
  attempt->verdict = RETRIEVE_ANSWERED;
  attempt->answered_at = g_get_monotonic_time ();
}

static void
on_call_ended (PlCallManager *calls, PlCall *call, PlParkService *self)
{
  ParkAttempt *park = find_park (self, call);
  RetrieveAttempt *retrieve = find_retrieve (self, call, NULL, 0);

  if (park)
    {
      g_autofree char *title = caller_title (park->caller_name, park->caller_uri);
      const PlParkLotConfig *config = pl_park_lot_get_config (park->lot);

      if (pl_call_get_end (call) == PL_CALL_END_PARKED)
        {
          if (park->slot != PL_PARK_ANY_SLOT)
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Parked %s on %d"), title,
                             park->slot);
          else
            pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Parked %s"), title);
          pl_park_ledger_add (self->ledger, pl_park_lot_get_name (park->lot),
                              park->slot != PL_PARK_ANY_SLOT ? (guint)park->slot : 0,
                              park->caller_uri, park->caller_name, park->started, config->timeout);
          record_event (self, call, park->lot, park->slot, PL_HISTORY_PARK_ACTION_PARKED,
                        PL_HISTORY_PARK_ACTOR_ME, park->caller_name, park->caller_uri,
                        park->started);
          park_landed (self, park);
        }
      else
        pl_park_lot_own_park_failed (park->lot, park->park_id);
      drop_park (self, park);
    }

  if (retrieve)
    {
      gint64 now = g_get_real_time ();
      gint64 answered = pl_call_get_answered (call);
      gboolean short_call = answered == 0 || now - answered < RETRIEVE_RACE_WINDOW;

      g_signal_handlers_disconnect_by_func (call, on_call_state, self);
      /* Someone else's retrieve leaves us an empty slot: the PBX answers,
       * announces and hangs up on us; our own quick hang-up is no race. */
      if (retrieve->verdict == RETRIEVE_DECIDE_AT_END && short_call
          && !pl_call_get_ended_here (call) && !retrieve->lost)
        {
          g_autofree char *title = caller_title (retrieve->caller_name, retrieve->caller_uri);
          pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("%s on %d was taken by someone else"),
                           title, retrieve->slot);
          pl_call_set_note (call, _ ("Taken by someone else"));
          record_event (self, call, retrieve->lot, retrieve->slot,
                        PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER, PL_HISTORY_PARK_ACTOR_OTHER,
                        retrieve->caller_name, retrieve->caller_uri, retrieve->parked_since);
        }
      else if (!retrieve->lost && pl_silence_watch_get_silent (retrieve->silence))
        record_event (self, call, retrieve->lot, retrieve->slot,
                      PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER, PL_HISTORY_PARK_ACTOR_OTHER,
                      retrieve->caller_name, retrieve->caller_uri, retrieve->parked_since);
      else if (!retrieve->lost
               && ((retrieve->verdict == RETRIEVE_DECIDE_AT_END && answered != 0)
                   || retrieve->verdict == RETRIEVE_ANSWERED))
        /* The slot's NOTIFY came close to our answer (on a fast PBX it
         * usually does), or never: the verdict was left to now, and the
         * caller was ours after all. */
        retrieve_won (self, retrieve);
      g_ptr_array_remove (self->retrieves, retrieve);
    }
}

static char *
retrieving_note (int slot)
{
  return g_strdup_printf (_ ("Retrieving from %d"), slot);
}

/* No sound on a retrieve that is up: without a manager feed nothing else
 * tells the loser of a FreeSWITCH race from the winner, and a caller who
 * stays silent sends RTP all the same. Ending the call on this guess could
 * drop a real caller (DTX, broken media path), so the user decides. */
static void
on_retrieve_silence (PlCall *call, gboolean silent, gpointer user_data)
{
  PlParkService *self = user_data;
  RetrieveAttempt *attempt = find_retrieve (self, call, NULL, 0);
  g_autofree char *note = NULL;

  /* A feed that named the taker said more than silence can. */
  if (attempt == NULL || attempt->lost)
    return;
  if (!silent)
    {
      note = retrieving_note (attempt->slot);
      pl_call_set_note (call, note);
      return;
    }
  pl_call_set_note (call, _ ("No sound: probably picked up by someone else. Hang up if you hear "
                             "nothing."));
  pl_emit_message (self, signals[SIGNAL_MESSAGE],
                   _ ("No sound from slot %d: probably taken by someone else"), attempt->slot);
}

static void
on_transfer_failed (PlCallManager *calls, PlCall *call, const char *reason, PlParkService *self)
{
  ParkAttempt *park = find_park (self, call);

  if (park == NULL)
    return;
  pl_park_target_cache_forget (self->targets, park->uri);
  pl_park_lot_own_park_failed (park->lot, park->park_id);
  pl_call_set_note (call, NULL);
  drop_park (self, park);
}

/* --- public API ------------------------------------------------------- */

PlParkLot *
pl_park_service_find_lot (PlParkService *self, const char *name)
{
  guint n;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->lots));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (G_LIST_MODEL (self->lots), i);
      if (name == NULL || g_strcmp0 (pl_park_lot_get_name (lot), name) == 0)
        return lot;
    }
  return NULL;
}

static gboolean
parks_without_slot (const PlParkLotConfig *config)
{
  if (config->profile == PL_PARK_PROFILE_CUSTOM)
    return config->park_template && strstr (config->park_template, "{slot}") == NULL;
  return config->park_extension != NULL && *config->park_extension != '\0';
}

static int
first_free_slot (PlParkLot *lot)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      if (pl_park_slot_get_state (slot) == PL_PARK_SLOT_FREE)
        return pl_park_slot_get_number (slot);
    }
  return PL_PARK_ANY_SLOT;
}

static PlParkLot *
resolve_lot (PlParkService *self, PlParkLot *lot, GError **error)
{
  if (lot == NULL)
    lot = pl_park_service_find_lot (self, NULL);
  if (lot == NULL)
    g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_LOT,
                         _ ("No park lot is set up: add one in Preferences"));
  return lot;
}

/* A REFER into the silence fails after half a minute, and baresip 1.0.0
 * then hangs up on the caller: better not to start. */
static gboolean
check_server_answers (PlParkService *self, GError **error)
{
  const char *blocker = pl_park_service_get_park_blocker (self);

  if (blocker == NULL)
    return TRUE;
  g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NOT_ANSWERING, blocker);
  return FALSE;
}

static const char *
account_domain (PlParkService *self, GError **error)
{
  if (self->account == NULL || !pl_account_is_complete (self->account))
    {
      g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_ACCOUNT,
                           _ ("Set up a SIP account before parking calls"));
      return NULL;
    }
  return pl_account_get_domain (self->account);
}

/* --- park targets asked ahead ------------------------------------------- */

typedef struct
{
  GWeakRef service;
  GCancellable *cancellable; /* which prefetch this is; not a reference */
  char *uri;
} Prefetch;

static void
prefetch_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Prefetch *prefetch = user_data;
  g_autoptr (GError) error = NULL;
  guint status = pl_subscriber_probe_finish (PL_SUBSCRIBER (source), result, &error);
  g_autoptr (PlParkService) self = g_weak_ref_get (&prefetch->service);

  /* Cancelled, shut down, or overtaken by a newer subscriber: no verdict. */
  if (self != NULL && self->prefetch == prefetch->cancellable && self->prefetch != NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    {
      g_clear_object (&self->prefetch);
      pl_park_target_cache_store (self->targets, prefetch->uri, status, g_get_monotonic_time ());
      pl_trace_mark ("park target asked ahead");
    }
  g_weak_ref_clear (&prefetch->service);
  g_free (prefetch->uri);
  g_free (prefetch);
}

static void
cancel_prefetch (PlParkService *self)
{
  if (self->prefetch == NULL)
    return;
  g_cancellable_cancel (self->prefetch);
  g_clear_object (&self->prefetch);
}

/* The target of a park without a slot on the first lot, as it is now. */
static char *
default_park_target (PlParkService *self)
{
  PlParkLot *lot = pl_park_service_find_lot (self, NULL);
  const PlParkLotConfig *config;
  int slot = PL_PARK_ANY_SLOT;

  if (lot == NULL || self->account == NULL || !pl_account_is_complete (self->account))
    return NULL;
  config = pl_park_lot_get_config (lot);
  if (!parks_without_slot (config) && (slot = first_free_slot (lot)) == PL_PARK_ANY_SLOT)
    return NULL;
  return pl_park_lot_config_park_uri (config, slot, pl_account_get_domain (self->account), NULL);
}

gboolean
pl_park_service_target_confirmed (PlParkService *self)
{
  g_autofree char *uri = NULL;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), FALSE);
  uri = default_park_target (self);
  return uri != NULL
         && pl_park_target_cache_lookup (self->targets, uri, g_get_monotonic_time ())
                == PL_PARK_TARGET_EXISTS;
}

/* Asks about that target ahead: when the subscription is up and whenever a
 * call connects, so that the click itself need not ask. */
static void
prefetch_park_target (PlParkService *self)
{
  g_autofree char *uri = NULL;
  Prefetch *prefetch;

  if (self->subscriber == NULL || self->prefetch != NULL || pl_park_service_target_confirmed (self)
      || !(uri = default_park_target (self)))
    return;
  self->prefetch = g_cancellable_new ();
  prefetch = g_new0 (Prefetch, 1);
  g_weak_ref_init (&prefetch->service, self);
  prefetch->cancellable = self->prefetch;
  prefetch->uri = g_strdup (uri);
  pl_subscriber_probe_async (self->subscriber, uri, self->prefetch, prefetch_done, prefetch);
}

static void
on_call_connected (PlCall *call, GParamSpec *pspec, PlParkService *self)
{
  if (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE && !pl_park_service_is_parking (self, call))
    prefetch_park_target (self);
}

static void
send_park (PlParkService *self, ParkAttempt *attempt)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;

  if (pl_call_manager_park (self->calls, attempt->call, attempt->uri, &error))
    {
      attempt->started = g_get_real_time ();
      attempt->park_id = pl_park_lot_note_own_park (
          attempt->lot, attempt->caller_name, attempt->caller_uri, attempt->slot, attempt->started);
      return;
    }
  title = caller_title (attempt->caller_name, attempt->caller_uri);
  pl_emit_message (self, signals[SIGNAL_MESSAGE], _ ("Could not park %s: %s"), title,
                   error->message);
  pl_call_set_note (attempt->call, NULL);
  drop_park (self, attempt);
}

/* The PBX's answer to our OPTIONS for the park target. Only a clear "no
 * such extension" stops the park: a PBX that does not answer OPTIONS, or
 * answers them oddly, still gets its REFER. */
static void
probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlParkService) self = user_data;
  g_autoptr (GError) error = NULL;
  guint status = pl_subscriber_probe_finish (PL_SUBSCRIBER (source), result, &error);
  ParkAttempt *attempt = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->parks == NULL)
    return;
  for (guint i = 0; i < self->parks->len && attempt == NULL; i++)
    {
      ParkAttempt *candidate = g_ptr_array_index (self->parks, i);
      if (candidate->probe && g_task_get_cancellable (G_TASK (result)) == candidate->probe)
        attempt = candidate;
    }
  if (attempt == NULL)
    return;
  g_clear_object (&attempt->probe);
  pl_park_target_cache_store (self->targets, attempt->uri, status, g_get_monotonic_time ());

  if (!pl_call_is_live (attempt->call))
    {
      drop_park (self, attempt);
      return;
    }
  /* it went silent while we asked: the REFER would go the same way */
  if (error && self->server_state == PL_SERVER_STATE_NOT_ANSWERING)
    {
      g_autofree char *title = caller_title (attempt->caller_name, attempt->caller_uri);
      pl_emit_message (self, signals[SIGNAL_MESSAGE],
                       _ ("Did not park %s: the phone system is not answering. The call stays "
                          "with you."),
                       title);
      pl_call_set_note (attempt->call, NULL);
      g_ptr_array_remove (self->parks, attempt);
      return;
    }
  if (status == 404 || status == 484 || status == 604)
    {
      g_autofree char *title = caller_title (attempt->caller_name, attempt->caller_uri);
      g_autofree char *target = pl_sip_uri_dup_display_user (attempt->uri);
      pl_emit_message (
          self, signals[SIGNAL_MESSAGE],
          _ ("Did not park %s: the phone system does not know %s (%u). The call stays with you; "
             "check the park lot settings."),
          title, target, status);
      pl_call_set_note (attempt->call, NULL);
      drop_park (self, attempt);
      return;
    }
  if (error)
    g_message ("Park target check for %s: %s; parking anyway", attempt->uri, error->message);
  pl_trace_mark ("park target checked");
  send_park (self, attempt);
}

static gboolean
check_parkable (PlParkService *self, PlCall *call, GError **error)
{
  PlCallState state = pl_call_get_state (call);

  if (find_park (self, call))
    {
      g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_BUSY,
                           _ ("This call is already being parked"));
      return FALSE;
    }
  if (state != PL_CALL_STATE_ACTIVE && state != PL_CALL_STATE_HELD)
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("Only a connected call can be parked"));
      return FALSE;
    }
  return TRUE;
}

gboolean
pl_park_service_park (PlParkService *self, PlCall *call, PlParkLot *lot, int slot, GError **error)
{
  const PlParkLotConfig *config;
  const char *domain;
  g_autofree char *uri = NULL;
  ParkAttempt *attempt;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  pl_trace_mark ("park requested");
  if ((lot = resolve_lot (self, lot, error)) == NULL || !(domain = account_domain (self, error))
      || !check_server_answers (self, error))
    return FALSE;
  config = pl_park_lot_get_config (lot);

  if (slot == PL_PARK_ANY_SLOT && !parks_without_slot (config))
    {
      slot = first_free_slot (lot);
      if (slot == PL_PARK_ANY_SLOT)
        {
          g_set_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_SLOT,
                       _ ("No free slot in park lot “%s”"), config->name);
          return FALSE;
        }
    }
  else if (slot != PL_PARK_ANY_SLOT)
    {
      PlParkSlot *target = pl_park_lot_get_slot (lot, slot);
      /* A REFER to an occupied slot would connect two callers to each other. */
      if (target && pl_park_slot_get_state (target) != PL_PARK_SLOT_FREE)
        {
          g_set_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_BUSY,
                       _ ("Slot %d is not free"), slot);
          return FALSE;
        }
    }

  uri = pl_park_lot_config_park_uri (config, slot, domain, error);
  if (uri == NULL || !check_parkable (self, call, error))
    return FALSE;

  attempt = g_new0 (ParkAttempt, 1);
  attempt->call = g_object_ref (call);
  attempt->lot = g_object_ref (lot);
  attempt->slot = slot;
  attempt->caller_name = g_strdup (pl_call_get_peer_name (call));
  attempt->caller_uri = g_strdup (pl_call_get_peer_uri (call));
  attempt->uri = g_steal_pointer (&uri);
  g_ptr_array_add (self->parks, attempt);
  pl_call_set_note (call, _ ("Parking…"));

  /* baresip 1.0.0 hangs up when a REFER fails, and the PBX then drops the
   * customer: ask the PBX first whether it knows the target at all, unless
   * it said so lately (or was asked ahead, when the call connected). */
  if (self->subscriber == NULL
      || pl_park_target_cache_lookup (self->targets, attempt->uri, g_get_monotonic_time ())
             == PL_PARK_TARGET_EXISTS)
    {
      send_park (self, attempt);
      return TRUE;
    }
  attempt->probe = g_cancellable_new ();
  pl_subscriber_probe_async (self->subscriber, attempt->uri, attempt->probe, probe_done,
                             g_object_ref (self));
  return TRUE;
}

gboolean
pl_park_service_is_parking (PlParkService *self, PlCall *call)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), FALSE);
  return call != NULL && find_park (self, call) != NULL;
}

gboolean
pl_park_service_is_retrieving (PlParkService *self, PlParkLot *lot, int slot)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), FALSE);
  return lot != NULL && find_retrieve (self, NULL, lot, slot) != NULL;
}

PlCall *
pl_park_service_retrieve (PlParkService *self, PlParkLot *lot, int slot, GError **error)
{
  PlParkSlot *target;
  const char *domain;
  g_autofree char *uri = NULL;
  g_autofree char *title = NULL;
  g_autofree char *note = NULL;
  RetrieveAttempt *attempt;
  PlCall *call;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), NULL);

  pl_trace_mark ("retrieve requested");
  if ((lot = resolve_lot (self, lot, error)) == NULL || !(domain = account_domain (self, error))
      || !check_server_answers (self, error))
    return NULL;
  target = pl_park_lot_get_slot (lot, slot);
  if (target == NULL)
    {
      g_set_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_SLOT,
                   _ ("Slot %d is not in park lot “%s”"), slot, pl_park_lot_get_name (lot));
      return NULL;
    }
  if (pl_park_slot_get_state (target) == PL_PARK_SLOT_FREE)
    {
      g_set_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_EMPTY,
                   _ ("Nobody is parked on %d"), slot);
      return NULL;
    }

  uri = pl_park_lot_config_retrieve_uri (pl_park_lot_get_config (lot), slot, domain, error);
  if (uri == NULL || !(call = pl_call_manager_dial (self->calls, uri, error)))
    return NULL;

  /* baresip ignores the PBX's later P-Asserted-Identity: name the caller
   * from what the lot knows. */
  title = pl_park_slot_dup_display_name (target);
  pl_call_set_peer_name (call, title);
  note = retrieving_note (slot);
  pl_call_set_note (call, note);

  attempt = g_new0 (RetrieveAttempt, 1);
  attempt->call = g_object_ref (call);
  attempt->lot = g_object_ref (lot);
  attempt->slot = slot;
  attempt->caller_name = g_strdup (pl_park_slot_get_caller_name (target));
  attempt->caller_uri = g_strdup (pl_park_slot_get_caller_uri (target));
  attempt->parked_since = pl_park_slot_get_parked_since (target);
  attempt->parked_by = g_strdup (pl_park_slot_get_parked_by (target));
  attempt->park_id = g_strdup (pl_park_lot_get_feed_park_id (lot, slot));
  g_ptr_array_add (self->retrieves, attempt);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self, 0);
  attempt->silence = pl_silence_watch_new (call, RETRIEVE_SILENCE_MS, on_retrieve_silence, self);
  return call;
}

gboolean
pl_park_service_find_parked (PlParkService *self, guint n, PlParkLot **lot_out, int *slot_out)
{
  guint n_lots;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), FALSE);

  n_lots = g_list_model_get_n_items (G_LIST_MODEL (self->lots));
  for (guint i = 0; i < n_lots; i++)
    {
      g_autoptr (PlParkLot) lot = g_list_model_get_item (G_LIST_MODEL (self->lots), i);
      guint n_slots = g_list_model_get_n_items (G_LIST_MODEL (lot));

      for (guint j = 0; j < n_slots; j++)
        {
          g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), j);
          if (pl_park_slot_get_state (slot) != PL_PARK_SLOT_OCCUPIED || --n > 0)
            continue;
          if (lot_out)
            *lot_out = lot;
          if (slot_out)
            *slot_out = pl_park_slot_get_number (slot);
          return TRUE;
        }
    }
  return FALSE;
}

GListModel *
pl_park_service_get_lots (PlParkService *self)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), NULL);
  return G_LIST_MODEL (self->lots);
}

PlParkFeed *
pl_park_service_get_feed (PlParkService *self, PlParkLot *lot)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), NULL);
  g_return_val_if_fail (PL_IS_PARK_LOT (lot), NULL);
  return g_hash_table_lookup (self->feed_of_lot, lot);
}

PlServerState
pl_park_service_get_server_state (PlParkService *self)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), PL_SERVER_STATE_UNKNOWN);
  return self->server_state;
}

const char *
pl_park_service_get_park_blocker (PlParkService *self)
{
  g_return_val_if_fail (PL_IS_PARK_SERVICE (self), NULL);

  if (self->server_state == PL_SERVER_STATE_NOT_ANSWERING)
    return _ ("The phone system is not answering: parking and retrieving are off until it is back");
  return NULL;
}

void
pl_park_service_shutdown (PlParkService *self)
{
  g_return_if_fail (PL_IS_PARK_SERVICE (self));
  drop_subscriber (self);
  if (self->feeds != NULL)
    drop_feeds (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
pl_park_service_dispose (GObject *object)
{
  PlParkService *self = PL_PARK_SERVICE (object);

  pl_park_service_shutdown (self);
  if (self->calls)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  g_clear_object (&self->calls);
  g_clear_object (&self->recorder);
  g_clear_object (&self->account);
  g_clear_pointer (&self->parks, g_ptr_array_unref);
  g_clear_pointer (&self->retrieves, g_ptr_array_unref);
  g_clear_pointer (&self->lot_by_uri, g_hash_table_unref);
  g_clear_pointer (&self->feed_of_lot, g_hash_table_unref);
  g_clear_pointer (&self->feeds, g_hash_table_unref);
  if (self->lots)
    g_list_store_remove_all (self->lots);
  g_clear_object (&self->lots);
  g_clear_pointer (&self->ledger, pl_park_ledger_free);
  g_clear_pointer (&self->targets, pl_park_target_cache_free);

  G_OBJECT_CLASS (pl_park_service_parent_class)->dispose (object);
}

static void
pl_park_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlParkService *self = PL_PARK_SERVICE (object);

  switch (prop_id)
    {
      case PROP_LOTS:
        g_value_set_object (value, self->lots);
        break;
      case PROP_SERVER_STATE:
        g_value_set_enum (value, self->server_state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_park_service_class_init (PlParkServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_park_service_dispose;
  object_class->get_property = pl_park_service_get_property;

  properties[PROP_LOTS] = g_param_spec_object ("lots", NULL, NULL, G_TYPE_LIST_MODEL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_STATE] = g_param_spec_enum (
      "server-state", NULL, NULL, PL_TYPE_SERVER_STATE, PL_SERVER_STATE_UNKNOWN,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_PARKED_BY_OTHER]
      = g_signal_new ("parked-by-other", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, PL_TYPE_PARK_LOT, PL_TYPE_PARK_SLOT);
  signals[SIGNAL_OWN_PARK_LANDED]
      = g_signal_new ("own-park-landed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, PL_TYPE_CALL, PL_TYPE_PARK_LOT, G_TYPE_INT);
  signals[SIGNAL_OWN_PARK_FAILED]
      = g_signal_new ("own-park-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, PL_TYPE_CALL);
}

static void
pl_park_service_init (PlParkService *self)
{
  self->lots = g_list_store_new (PL_TYPE_PARK_LOT);
  self->lot_by_uri = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->parks = g_ptr_array_new_with_free_func ((GDestroyNotify)park_attempt_free);
  self->retrieves = g_ptr_array_new_with_free_func ((GDestroyNotify)retrieve_attempt_free);
  self->ledger = pl_park_ledger_new ();
  self->targets = pl_park_target_cache_new (PL_PARK_TARGET_MAX_AGE);
  self->feeds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stop_feed);
  self->feed_of_lot = g_hash_table_new (NULL, NULL);
}

PlParkService *
pl_park_service_new (PlCallManager *calls, PlHistoryRecorder *recorder)
{
  PlParkService *self;

  g_return_val_if_fail (PL_IS_CALL_MANAGER (calls), NULL);

  self = g_object_new (PL_TYPE_PARK_SERVICE, NULL);
  self->calls = g_object_ref (calls);
  self->recorder = recorder ? g_object_ref (recorder) : NULL;
  g_signal_connect (calls, "call-added", G_CALLBACK (on_call_added), self);
  g_signal_connect (calls, "call-ended", G_CALLBACK (on_call_ended), self);
  g_signal_connect (calls, "transfer-failed", G_CALLBACK (on_transfer_failed), self);
  return self;
}
