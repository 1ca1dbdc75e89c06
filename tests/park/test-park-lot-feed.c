/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The park lot with a server feed: identity merged into what the SIP
 * subscription says, feed news before and after its NOTIFY, late news,
 * stale lots, own parks, and how parks end. Table-driven like
 * test-park-lot.c: each step acts at a time, then checks the slot. */
#include <string.h>

#include "pl-park-lot.h"

#define S(sec) ((gint64)((sec)*G_USEC_PER_SEC) + T0)
static const gint64 T0 = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
#define DOMAIN "pbx.example.org"

typedef enum
{
  OP_BUSY,     /* the slot's NOTIFY: busy */
  OP_FREE,     /* the slot's NOTIFY: free */
  OP_PARKED,   /* feed: ParkedCall */
  OP_UNPARKED, /* feed: UnParkedCall, taken by arg */
  OP_TIMEOUT,  /* feed: ParkedCallTimeOut */
  OP_GIVEUP,   /* feed: ParkedCallGiveUp */
  OP_SNAPSHOT_DONE,
  OP_LIVE, /* the feed connects (slot 1) or goes away (slot 0) */
  OP_STALE,
  OP_OWN_PARK, /* we park "Caller One" through the park extension */
  OP_TICK,
  OP_CHECK,
} Op;

typedef struct
{
  Op op;
  double t;
  int slot;
  const char *id;   /* feed: the park's id; default "p1" */
  const char *arg;  /* UNPARKED: the taker; PARKED: the caller's name (default Caller One) */
  int duration;     /* feed: seconds parked, default 0 */
  const char *lot;  /* feed: the server's lot, default "default" */
  gboolean ignored; /* apply returned FALSE */
  /* expected after the step */
  PlParkSlotState state;
  const char *name; /* display name, NULL: not checked */
  PlParkIdentitySource source;
  const char *parked_by;
  const char *note;     /* ended note, NULL: none */
  const char *taken_by; /* the slot's taken-by */
  guint identified, ended, retrieved, timed_out;
  /* the last "ended", when ended > 0 */
  PlParkEndReason reason;
  gboolean confirmed;
  const char *end_caller;
} Step;

typedef struct
{
  const char *name;
  const Step *steps;
  guint n_steps;
} Scenario;

#define LIVE                                                                                       \
  {                                                                                                \
    OP_LIVE, 0, 1                                                                                  \
  }
#define FREE_AT(time)                                                                              \
  {                                                                                                \
    OP_FREE, time, 701, .state = PL_PARK_SLOT_FREE                                                 \
  }

/* Bob's desk: Alice parks Caller One, Bob takes it. NOTIFY first. */
static const Step notify_then_feed[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_PARKED, 1.1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_UNPARKED, 8, 701, .arg = "Bob", .duration = 7, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 8.1, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .note = "Taken by Bob",
    .taken_by = "Bob", .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED,
    .confirmed = TRUE, .end_caller = "Caller One" },
  /* the note stays a while, then the slot is just free */
  { OP_TICK, 30, 701, .state = PL_PARK_SLOT_FREE, .note = "Taken by Bob", .taken_by = "Bob",
    .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
  { OP_TICK, 39, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .ended = 1, .retrieved = 1,
    .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE, .end_caller = "Caller One" },
};

/* The same park, the feed first both times: the same end state. */
static const Step feed_then_notify[] = {
  LIVE,
  FREE_AT (0),
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call" },
  { OP_BUSY, 1.4, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 8, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .retrieved = 1 },
  { OP_UNPARKED, 8.2, 701, .arg = "Bob", .duration = 7, .state = PL_PARK_SLOT_FREE,
    .name = "Parked call", .note = "Taken by Bob", .taken_by = "Bob", .identified = 1, .ended = 1,
    .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* ParkedCall, then the NOTIFY busy after the feed's wait: the caller is
 * not assumed to be this park's. */
static const Step feed_too_early[] = {
  LIVE,
  FREE_AT (0),
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_FREE },
  { OP_TICK, 7, 701, .state = PL_PARK_SLOT_FREE },
  { OP_BUSY, 7.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_TICK, 13, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .identified = 1 },
};

/* The feed is late: the NOTIFY's park waits for it, is "identified" as
 * unnamed at the deadline, then gets its name anyway; its end is guessed
 * at the deadline and only the note learns the taker. */
static const Step feed_late[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_TICK, 6.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .identified = 1 },
  { OP_PARKED, 7, 701, .duration = 6, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 10, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .retrieved = 1 },
  { OP_TICK, 15.5, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .ended = 1, .retrieved = 1,
    .reason = PL_PARK_END_RETRIEVED, .confirmed = FALSE, .end_caller = "Caller One" },
  { OP_UNPARKED, 16, 701, .arg = "Bob", .state = PL_PARK_SLOT_FREE, .note = "Taken by Bob",
    .taken_by = "Bob", .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED,
    .confirmed = FALSE, .end_caller = "Caller One" },
};

/* A park came and went before its ParkedCall arrived: the late news names
 * the park that ended and never makes the free slot look occupied, nor the
 * slot's next park look like Caller One. */
static const Step late_news_of_ended_park[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_FREE, 2, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .retrieved = 1 },
  { OP_PARKED, 2.5, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .identified = 1,
    .retrieved = 1 },
  { OP_UNPARKED, 2.6, 701, .arg = "Bob", .duration = 1, .state = PL_PARK_SLOT_FREE,
    .name = "Parked call", .note = "Taken by Bob", .taken_by = "Bob", .identified = 1, .ended = 1,
    .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
  { OP_BUSY, 4, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .identified = 1,
    .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
  { OP_PARKED, 4.1, 701, .id = "p2", .arg = "Caller Two", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller Two", .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 2,
    .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* The whole park reaches the feed before its busy NOTIFY (a slow NOTIFY
 * path, a quick taker): the NOTIFYs that follow are that park, and its
 * end is known. */
static const Step park_over_before_its_notify[] = {
  LIVE,
  FREE_AT (0),
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call" },
  { OP_UNPARKED, 2.2, 701, .arg = "Bob", .duration = 1, .state = PL_PARK_SLOT_FREE,
    .name = "Parked call" },
  { OP_BUSY, 2.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 4, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .note = "Taken by Bob",
    .taken_by = "Bob", .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED,
    .confirmed = TRUE, .end_caller = "Caller One" },
};

/* The same, but its NOTIFY never comes: the news expires, and a later
 * park is not taken for it. */
static const Step park_over_notify_never_comes[] = {
  LIVE,
  FREE_AT (0),
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_FREE },
  { OP_UNPARKED, 2, 701, .arg = "Bob", .duration = 1, .state = PL_PARK_SLOT_FREE },
  { OP_TICK, 7.5, 701, .state = PL_PARK_SLOT_FREE },
  { OP_BUSY, 8, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_FREE, 9, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .retrieved = 1,
    .identified = 1 },
};

/* An end for a park nobody saw, on a free slot: nothing happens. */
static const Step end_of_unknown_park[] = {
  LIVE,
  FREE_AT (0),
  { OP_UNPARKED, 1, 701, .arg = "Bob", .state = PL_PARK_SLOT_FREE, .name = "Parked call" },
  { OP_GIVEUP, 2, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call" },
};

static const Step caller_gives_up[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One", .parked_by = "Alice",
    .source = PL_PARK_IDENTITY_FEED, .identified = 1 },
  { OP_GIVEUP, 6, 701, .duration = 5, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .parked_by = "Alice", .source = PL_PARK_IDENTITY_FEED, .identified = 1 },
  /* no "retrieved": nobody took it */
  { OP_FREE, 6.1, 701, .state = PL_PARK_SLOT_FREE, .note = "Caller hung up after 0:05",
    .identified = 1, .ended = 1, .reason = PL_PARK_END_GAVE_UP, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* The NOTIFY first: the clock guesses a retrieval, the feed corrects it. */
static const Step caller_gives_up_notify_first[] = {
  LIVE,
  FREE_AT (0),
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_FREE },
  { OP_BUSY, 1.1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One", .parked_by = "Alice",
    .source = PL_PARK_IDENTITY_FEED, .identified = 1 },
  { OP_FREE, 6, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .retrieved = 1 },
  { OP_GIVEUP, 6.3, 701, .duration = 5, .state = PL_PARK_SLOT_FREE,
    .note = "Caller hung up after 0:05", .identified = 1, .ended = 1, .retrieved = 1,
    .reason = PL_PARK_END_GAVE_UP, .confirmed = TRUE, .end_caller = "Caller One" },
};

/* The server's park time is shorter than the lot's: the feed says timeout
 * where the clock would say retrieved. */
static const Step timeout_said_by_feed[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One", .parked_by = "Alice",
    .source = PL_PARK_IDENTITY_FEED, .identified = 1 },
  { OP_TIMEOUT, 21, 701, .duration = 20, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .parked_by = "Alice", .source = PL_PARK_IDENTITY_FEED, .identified = 1 },
  { OP_FREE, 21.1, 701, .state = PL_PARK_SLOT_RETURNING, .name = "Caller One", .parked_by = "Alice",
    .source = PL_PARK_IDENTITY_FEED, .note = "Timed out after 0:20", .identified = 1, .ended = 1,
    .timed_out = 1, .reason = PL_PARK_END_TIMED_OUT, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* NOTIFY first, freed at the timeout: the clock says "timed out"; the feed
 * says Bob took it at the last second. */
static const Step retrieved_at_timeout[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 45.5, 701, .state = PL_PARK_SLOT_RETURNING, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1, .timed_out = 1 },
  { OP_UNPARKED, 45.6, 701, .arg = "Bob", .duration = 44, .state = PL_PARK_SLOT_FREE,
    .name = "Parked call", .note = "Taken by Bob", .taken_by = "Bob", .identified = 1, .ended = 1,
    .timed_out = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* The subscription is lost: the lot stays stale whatever the feed says,
 * and the park's end is known once the slot is fresh again. */
static const Step stale_stays_stale[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_PARKED, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_STALE, 2, 701, .state = PL_PARK_SLOT_STALE, .identified = 1 },
  { OP_UNPARKED, 3, 701, .arg = "Bob", .state = PL_PARK_SLOT_STALE, .identified = 1 },
  { OP_PARKED, 4, 702, .id = "p2", .state = PL_PARK_SLOT_STALE, .identified = 1 },
  { OP_FREE, 9, 701, .state = PL_PARK_SLOT_FREE, .note = "Taken by Bob", .taken_by = "Bob",
    .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE,
    .end_caller = "Caller One" },
  { OP_CHECK, 9, 702, .state = PL_PARK_SLOT_STALE, .identified = 1, .ended = 1, .retrieved = 1,
    .reason = PL_PARK_END_RETRIEVED, .confirmed = TRUE, .end_caller = "Caller One" },
};

/* A feed and no subscription yet (a desk starting): nothing looks
 * occupied; the first NOTIFY, even late, finds the name. */
static const Step feed_without_subscription[] = {
  LIVE,
  { OP_PARKED, 0, 701, .duration = 30, .state = PL_PARK_SLOT_STALE },
  { OP_SNAPSHOT_DONE, 0.1, 701, .state = PL_PARK_SLOT_STALE },
  { OP_TICK, 30, 701, .state = PL_PARK_SLOT_STALE },
  { OP_BUSY, 40, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
};

/* A desk that was not listening when the call was parked (read-only user,
 * no list): the end names the caller at last. */
static const Step events_only_desk[] = {
  LIVE,
  { OP_BUSY, 0, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_TICK, 6, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .identified = 1 },
  { OP_GIVEUP, 9, 701, .duration = 40, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_FREE, 9.1, 701, .state = PL_PARK_SLOT_FREE, .note = "Caller hung up after 0:40",
    .identified = 1, .ended = 1, .reason = PL_PARK_END_GAVE_UP, .confirmed = TRUE,
    .end_caller = "Caller One" },
};

/* No feed: identified and ended at once, as before feeds existed. */
static const Step no_feed[] = {
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .identified = 1 },
  { OP_FREE, 8, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .ended = 1, .retrieved = 1,
    .reason = PL_PARK_END_RETRIEVED, .confirmed = FALSE },
};

/* The feed goes away while a park's end waits for it. */
static const Step feed_goes_away[] = {
  LIVE,
  FREE_AT (0),
  { OP_BUSY, 1, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_FREE, 3, 701, .state = PL_PARK_SLOT_FREE, .identified = 1, .retrieved = 1 },
  { OP_LIVE, 3.5, 0, .identified = 1, .ended = 1, .retrieved = 1, .reason = PL_PARK_END_RETRIEVED,
    .confirmed = FALSE },
};

/* Our own park: our caller stays, the feed adds who parked (us). */
static const Step own_park[] = {
  LIVE,
  FREE_AT (0),
  { OP_OWN_PARK, 1, 701, .state = PL_PARK_SLOT_FREE },
  { OP_BUSY, 1.1, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One (ours)",
    .source = PL_PARK_IDENTITY_OWN_CALL, .identified = 1 },
  { OP_PARKED, 1.2, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One (ours)",
    .source = PL_PARK_IDENTITY_OWN_CALL, .parked_by = "Alice", .identified = 1 },
};

/* The list after login names everything it knows; the rest need not wait. */
static const Step snapshot_done[] = {
  LIVE,
  { OP_BUSY, 0, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_BUSY, 0, 702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_PARKED, 0.5, 702, .id = "p2", .duration = 12, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_FEED, .parked_by = "Alice", .identified = 1 },
  { OP_SNAPSHOT_DONE, 0.6, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call",
    .identified = 2 },
};

/* Events of other lots and slots are not ours. */
static const Step other_lots[] = {
  LIVE,
  { OP_BUSY, 0, 701, .state = PL_PARK_SLOT_OCCUPIED },
  { OP_PARKED, 0.5, 701, .lot = "vip", .ignored = TRUE, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Parked call" },
  { OP_PARKED, 0.6, 799, .ignored = TRUE, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
  { OP_CHECK, 0.6, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call" },
};

#define SCENARIO(s)                                                                                \
  {                                                                                                \
#s, s, G_N_ELEMENTS(s)                                                                         \
  }
static const Scenario scenarios[] = {
  SCENARIO (notify_then_feed),
  SCENARIO (feed_then_notify),
  SCENARIO (feed_too_early),
  SCENARIO (feed_late),
  SCENARIO (late_news_of_ended_park),
  SCENARIO (end_of_unknown_park),
  SCENARIO (park_over_before_its_notify),
  SCENARIO (park_over_notify_never_comes),
  SCENARIO (caller_gives_up),
  SCENARIO (caller_gives_up_notify_first),
  SCENARIO (timeout_said_by_feed),
  SCENARIO (retrieved_at_timeout),
  SCENARIO (stale_stays_stale),
  SCENARIO (feed_without_subscription),
  SCENARIO (events_only_desk),
  SCENARIO (no_feed),
  SCENARIO (feed_goes_away),
  SCENARIO (own_park),
  SCENARIO (snapshot_done),
  SCENARIO (other_lots),
};

typedef struct
{
  guint identified, ended, retrieved, timed_out;
  PlParkEndReason reason;
  gboolean confirmed;
  char *end_caller;
} Seen;

static void
on_identified (PlParkLot *lot, PlParkSlot *slot, Seen *seen)
{
  seen->identified++;
}

static void
on_retrieved (PlParkLot *lot, PlParkSlot *slot, Seen *seen)
{
  seen->retrieved++;
}

static void
on_timed_out (PlParkLot *lot, PlParkSlot *slot, Seen *seen)
{
  seen->timed_out++;
}

static void
on_ended (PlParkLot *lot, PlParkSlot *slot, const PlParkEnd *end, Seen *seen)
{
  seen->ended++;
  seen->reason = end->reason;
  seen->confirmed = end->confirmed;
  g_free (seen->end_caller);
  seen->end_caller = g_strdup (end->caller_name);
  g_assert_cmpint (end->slot, ==, pl_park_slot_get_number (slot));
}

static PlParkFeedEvent *
feed_event (const Step *st)
{
  static const PlParkFeedEventKind kinds[] = {
    [OP_PARKED] = PL_PARK_FEED_EVENT_PARKED,
    [OP_UNPARKED] = PL_PARK_FEED_EVENT_UNPARKED,
    [OP_TIMEOUT] = PL_PARK_FEED_EVENT_TIMED_OUT,
    [OP_GIVEUP] = PL_PARK_FEED_EVENT_GAVE_UP,
    [OP_SNAPSHOT_DONE] = PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE,
  };
  PlParkFeedEvent *e = pl_park_feed_event_new (kinds[st->op]);

  if (st->op == OP_SNAPSHOT_DONE)
    return e;
  e->lot = g_strdup (st->lot ? st->lot : "default");
  e->slot = g_strdup_printf ("%d", st->slot);
  e->park_id = g_strdup (st->id ? st->id : "p1");
  e->caller_name = g_strdup (st->op == OP_PARKED && st->arg ? st->arg : "Caller One");
  e->caller_number = g_strdup (g_str_equal (e->caller_name, "Caller Two") ? "202" : "201");
  e->parked_by = g_strdup ("Alice");
  e->duration = st->duration;
  e->seconds_left = 45 - st->duration;
  if (st->op == OP_UNPARKED)
    {
      e->taken_by = g_strdup (st->arg);
      e->taken_by_id = g_ascii_strdown (st->arg, -1);
      e->taken_by_number = g_strdup ("101");
    }
  return e;
}

static void
run_scenario (gconstpointer data)
{
  const Scenario *sc = data;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLot) lot = NULL;
  Seen seen = { 0 };

  config->manager_host = g_strdup ("pbx.example.org:5038");
  config->manager_user = g_strdup ("desk");
  lot = pl_park_lot_new (config);
  g_signal_connect (lot, "identified", G_CALLBACK (on_identified), &seen);
  g_signal_connect (lot, "retrieved", G_CALLBACK (on_retrieved), &seen);
  g_signal_connect (lot, "timed-out", G_CALLBACK (on_timed_out), &seen);
  g_signal_connect (lot, "ended", G_CALLBACK (on_ended), &seen);

  for (guint i = 0; i < sc->n_steps; i++)
    {
      const Step *st = &sc->steps[i];
      gint64 now = S (st->t);
      gboolean applied = TRUE;
      PlParkSlot *slot;

      g_test_message ("%s step %u", sc->name, i);
      switch (st->op)
        {
          case OP_BUSY:
          case OP_FREE:
            {
              PlPresence presence = { .busy = st->op == OP_BUSY };

              applied = pl_park_lot_apply_presence (lot, st->slot, &presence, now);
            }
            break;
          case OP_PARKED:
          case OP_UNPARKED:
          case OP_TIMEOUT:
          case OP_GIVEUP:
          case OP_SNAPSHOT_DONE:
            {
              g_autoptr (PlParkFeedEvent) event = feed_event (st);

              applied = pl_park_lot_apply_feed (lot, event, DOMAIN, now);
            }
            break;
          case OP_LIVE:
            pl_park_lot_set_feed_live (lot, st->slot != 0, now);
            continue;
          case OP_STALE:
            pl_park_lot_set_stale (lot, TRUE);
            break;
          case OP_OWN_PARK:
            pl_park_lot_note_own_park (lot, "Caller One (ours)", "sip:201@" DOMAIN, -1, now);
            break;
          case OP_TICK:
            pl_park_lot_tick (lot, now);
            break;
          case OP_CHECK:
          default:
            break;
        }
      g_assert_cmpint (applied, ==, !st->ignored);
      g_assert_cmpuint (seen.identified, ==, st->identified);
      g_assert_cmpuint (seen.ended, ==, st->ended);
      g_assert_cmpuint (seen.retrieved, ==, st->retrieved);
      g_assert_cmpuint (seen.timed_out, ==, st->timed_out);
      if (st->ended > 0)
        {
          g_assert_cmpint (seen.reason, ==, st->reason);
          g_assert_cmpint (seen.confirmed, ==, st->confirmed);
          g_assert_cmpstr (seen.end_caller, ==, st->end_caller);
        }
      slot = pl_park_lot_get_slot (lot, st->slot > 700 && st->slot < 711 ? st->slot : 701);
      g_assert_cmpint (pl_park_slot_get_state (slot), ==, st->state);
      if (st->name)
        {
          g_autofree char *name = pl_park_slot_dup_display_name (slot);

          g_assert_cmpstr (name, ==, st->name);
        }
      if (st->name || st->source)
        g_assert_cmpint (pl_park_slot_get_identity_source (slot), ==, st->source);
      if (st->name || st->parked_by)
        g_assert_cmpstr (pl_park_slot_get_parked_by (slot), ==, st->parked_by);
      g_assert_cmpstr (pl_park_slot_get_ended_note (slot), ==, st->note);
      g_assert_cmpstr (pl_park_slot_get_taken_by (slot), ==, st->taken_by);
    }
  g_free (seen.end_caller);
}

/* A feed's caller number becomes a URI on the account's domain; the slot's
 * clock starts when the feed says the park began. */
static void
test_feed_identity_details (void)
{
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLot) lot = pl_park_lot_new (config);
  g_autoptr (PlParkFeedEvent) event = pl_park_feed_event_new (PL_PARK_FEED_EVENT_PARKED);
  PlPresence busy = { .busy = TRUE };
  PlParkSlot *slot = pl_park_lot_get_slot (lot, 703);

  pl_park_lot_set_feed_live (lot, TRUE, S (0));
  event->lot = g_strdup ("default");
  event->slot = g_strdup ("703");
  event->park_id = g_strdup ("x");
  event->caller_number = g_strdup ("+4930123");
  event->duration = 12;
  /* the first NOTIFY of a subscription: the park time is unknown */
  g_assert_true (pl_park_lot_apply_presence (lot, 703, &busy, S (100)));
  g_assert_cmpint (pl_park_slot_get_parked_since (slot), ==, 0);
  g_assert_true (pl_park_lot_apply_feed (lot, event, DOMAIN, S (101)));
  g_assert_cmpstr (pl_park_slot_get_caller_uri (slot), ==, "sip:+4930123@" DOMAIN);
  g_assert_null (pl_park_slot_get_caller_name (slot));
  g_assert_cmpint (pl_park_slot_get_parked_since (slot), ==, S (89));
  g_assert_cmpint (pl_park_slot_get_remaining (slot, S (101)), ==, 33);
  /* a number that is no SIP user part gives no URI */
  g_free (event->caller_number);
  event->caller_number = g_strdup ("<script>");
  event->caller_name = g_strdup ("Mallory");
  g_free (event->park_id);
  event->park_id = g_strdup ("y");
  g_assert_true (pl_park_lot_apply_feed (lot, event, DOMAIN, S (102)));
  g_assert_null (pl_park_slot_get_caller_uri (slot));
  g_assert_cmpstr (pl_park_slot_get_caller_name (slot), ==, "Mallory");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/park-lot-feed/identity-details", test_feed_identity_details);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/park-lot-feed/%s", scenarios[i].name);

      g_test_add_data_func (path, &scenarios[i], run_scenario);
    }
  return g_test_run ();
}
