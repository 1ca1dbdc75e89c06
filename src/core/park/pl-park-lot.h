/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-event-body.h"
#include "pl-park-feed-event.h"
#include "pl-park-profile.h"
#include "pl-park-slot.h"

G_BEGIN_DECLS

/* A park lot: a GListModel of PlParkSlot, one per slot of the configured
 * range, and the reducer that turns NOTIFY bodies and our own park actions
 * into slot states. Every entry point takes the current real time (µs, as
 * g_get_real_time()) so the logic is deterministic under test; the owner
 * calls pl_park_lot_tick() about once a second.
 *
 * Signals (all with the PlParkSlot, emitted before its data is cleared):
 *   "parked"    a slot turned busy
 *   "retrieved" an occupied slot turned free before its timeout
 *   "timed-out" an occupied slot turned free after its timeout: the PBX is
 *               ringing the parker back; the slot stays RETURNING for
 *               PL_PARK_RING_WINDOW, or until the parker here answers
 *               (pl_park_lot_ringback_done; PlParkLedger recognises the
 *               call, also for lots nobody watches).
 *   "identified" the call in a slot that turned busy is as named as it will
 *               get: at once without a live feed or for our own parks, else
 *               when the feed names it or PL_PARK_FEED_WAIT passed
 *   "ended"     (with a const PlParkEnd *) a park is over, with the reason
 *               and who took it: at once without a live feed, else when the
 *               feed says why or PL_PARK_FEED_WAIT passed (then guessed
 *               from the clock, confirmed FALSE). Once per park.
 *
 * A server feed (pl_park_lot_apply_feed) adds identity, never occupancy:
 * the SIP subscription alone makes a slot busy or free. Feed news may come
 * before or after its NOTIFY; it waits PL_PARK_FEED_WAIT for it, and either
 * order ends in the same state. */

/* How long after our REFER a slot turning busy is taken to be our park. */
#define PL_PARK_LEARN_WINDOW (10 * G_USEC_PER_SEC)
/* A slot freeing this close to its timeout still counts as timed out. */
#define PL_PARK_TIMEOUT_SLACK (2 * G_USEC_PER_SEC)
/* How long a timed-out slot waits for the ring-back to be recognised. */
#define PL_PARK_RING_WINDOW (60 * G_USEC_PER_SEC)

/* How long feed news and SIP news wait for each other. */
#define PL_PARK_FEED_WAIT (5 * G_USEC_PER_SEC)
/* A stale slot's first NOTIFY may be long in coming: feed news for it waits
 * this long. */
#define PL_PARK_FEED_STALE_WAIT (60 * G_USEC_PER_SEC)
/* How long a free slot says how its last park ended ("Taken by Bob"). */
#define PL_PARK_ENDED_NOTE_TIME (30 * G_USEC_PER_SEC)

typedef enum
{
  PL_PARK_END_RETRIEVED, /* someone took the call */
  PL_PARK_END_TIMED_OUT, /* nobody did: the PBX rings the parker back */
  PL_PARK_END_GAVE_UP,   /* the caller hung up */
} PlParkEndReason;

/* How a park ended, for the "ended" signal. Strings may be NULL. */
typedef struct
{
  int slot;
  PlParkEndReason reason;
  gboolean confirmed; /* a feed said so; FALSE: guessed from SIP and the clock */
  const char *caller_name;
  const char *caller_uri;
  const char *parked_by;
  const char *taken_by;    /* display name */
  const char *taken_by_id; /* the taker's endpoint on the server */
  const char *taken_by_number;
  gboolean parked_by_me;
  gint64 parked_since; /* 0: unknown */
  gint64 ended_at;
} PlParkEnd;

typedef enum
{
  PL_DIALOG_VERSION_APPLY, /* in order (or the first of a subscription) */
  PL_DIALOG_VERSION_STALE, /* older or duplicate: ignore */
  PL_DIALOG_VERSION_GAP,   /* partial state after a lost NOTIFY: apply, but resync */
} PlDialogVersionCheck;

/* RFC 4235 §4.1: versions grow by one per NOTIFY within a subscription.
 * last < 0 means nothing seen since the subscription (re)started. */
PlDialogVersionCheck pl_dialog_version_check (gint64 last, guint32 version, gboolean full);

#define PL_TYPE_PARK_LOT (pl_park_lot_get_type ())
G_DECLARE_FINAL_TYPE (PlParkLot, pl_park_lot, PL, PARK_LOT, GObject)

PlParkLot *pl_park_lot_new (const PlParkLotConfig *config);
const PlParkLotConfig *pl_park_lot_get_config (PlParkLot *self);
const char *pl_park_lot_get_name (PlParkLot *self);
PlParkSlot *pl_park_lot_get_slot (PlParkLot *self, int number);
gboolean pl_park_lot_get_stale (PlParkLot *self);

/* Returns FALSE when the body was ignored (unknown slot, stale version). */
gboolean pl_park_lot_apply_dialog_info (PlParkLot *self, int slot, const PlDialogInfo *info,
                                        gint64 now);
gboolean pl_park_lot_apply_presence (PlParkLot *self, int slot, const PlPresence *presence,
                                     gint64 now);
/* An RFC 4662 list NOTIFY: resources are mapped to slots by URI. */
gboolean pl_park_lot_apply_rlmi (PlParkLot *self, const PlRlmiList *list, gint64 now);

/* A new subscription for slot (or -1: the whole lot / the list) starts:
 * forget the version history. */
void pl_park_lot_reset_subscription (PlParkLot *self, int slot);
/* TRUE: every slot becomes STALE (state unknown, NOT free) and versions are
 * forgotten; slots leave STALE when fresh NOTIFYs arrive. */
void pl_park_lot_set_stale (PlParkLot *self, gboolean stale);
void pl_park_lot_set_slot_stale (PlParkLot *self, int slot);

/* We sent a park REFER for a caller: expected_slot is the slot we REFERred
 * to, or PL_PARK_ANY_SLOT for the park extension (then the next slot to turn
 * busy within PL_PARK_LEARN_WINDOW is "probably" ours). Returns an id for
 * pl_park_lot_own_park_failed(). */
guint pl_park_lot_note_own_park (PlParkLot *self, const char *caller_name, const char *caller_uri,
                                 int expected_slot, gint64 now);
void pl_park_lot_own_park_failed (PlParkLot *self, guint park_id);
/* The parker learned the real slot (e.g. from the announcement): clears
 * "probable" and any race flag on it. */
void pl_park_lot_confirm_slot (PlParkLot *self, int slot);

/* Expires learning windows and RETURNING slots. */
void pl_park_lot_tick (PlParkLot *self, gint64 now);

/* The parker answered the ring-back of @slot here: it is no longer
 * returning. */
void pl_park_lot_ringback_done (PlParkLot *self, int slot);

/* News from a server feed about this lot (events for another lot of the
 * server, or slots outside this lot, are ignored: returns FALSE). domain
 * makes caller URIs of the feed's numbers (sip:201@domain). */
gboolean pl_park_lot_apply_feed (PlParkLot *self, const PlParkFeedEvent *event, const char *domain,
                                 gint64 now);
/* The feed's id of the park shown in @slot, or NULL. */
const char *pl_park_lot_get_feed_park_id (PlParkLot *self, int slot);
/* Whether a feed is connected (or connecting): only then do SIP news wait
 * for it. */
void pl_park_lot_set_feed_live (PlParkLot *self, gboolean live, gint64 now);

/* Glue for PlSubscriber's signals: route one NOTIFY body for the
 * subscription to uri into the lot (the parser is chosen by content type:
 * dialog-info, PIDF/XPIDF or RFC 4662 multipart/related; the slot from the
 * URI or the document's entity). A bad body is logged and ignored: returns
 * FALSE, sets error. */
gboolean pl_park_lot_apply_notify (PlParkLot *self, const char *uri, const char *content_type,
                                   const char *body, gsize length, gint64 now, GError **error);
/* A subscription state change (PlSubscriptionState): PENDING starts a new
 * dialog (versions restart), TERMINATED and FAILED make the slot(s) stale. */
void pl_park_lot_apply_subscription_state (PlParkLot *self, const char *uri, int state);

G_END_DECLS
