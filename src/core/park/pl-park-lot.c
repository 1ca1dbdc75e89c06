/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-lot"

#include "config.h"

#include "pl-park-lot.h"

#include "pl-sip-uri.h"
#include "pl-subscriber.h"
#include "pl-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* What a feed said about the park in a slot. */
typedef struct
{
  char *park_id;
  char *name;
  char *uri;
  char *parked_by;
  gint64 parked_since; /* 0: unknown */
  gint64 received;
  gboolean applied; /* shown on the slot's current park */
  /* how it ended, once the feed says so */
  gboolean ended;
  PlParkEndReason reason;
  char *taken_by;
  char *taken_by_id;
  char *taken_by_number;
  int duration; /* seconds parked when it ended, -1: unknown */
} FeedPark;

/* A park the SIP side has seen end: its identity, and the reason once
 * known. Kept until the ended note is gone, so late feed news still finds
 * it (and never finds the slot's next park instead). */
typedef struct
{
  char *park_id; /* NULL while no feed named it */
  char *name;
  char *uri;
  char *parked_by;
  gboolean parked_by_me;
  gint64 parked_since;
  gint64 ended_at;
  PlParkEndReason reason;
  gboolean confirmed;     /* the reason came from the feed */
  gboolean feed_named;    /* a feed named this park */
  gboolean feed_expected; /* a feed was live all along: its news may still come */
  char *taken_by;
  char *taken_by_id;
  char *taken_by_number;
  int duration;
  gboolean finalized; /* "ended" emitted */
  gint64 deadline;    /* finalized unconfirmed at this time */
} Ending;

typedef struct
{
  PlParkSlot *slot;
  gint64 version;      /* last dialog-info version, -1: none this subscription */
  GHashTable *dialogs; /* dialog id → PlDialogState, the non-terminated ones */
  PlParkSlotState before_stale;
  gint64 returning_until;
  guint parking_id;   /* own park record that put the slot in PARKING */
  guint learned_id;   /* own park record whose caller the slot shows */
  FeedPark *feed;     /* feed news about the slot's park: waiting, or shown */
  Ending *ending;     /* the slot's last park that ended */
  gint64 identify_by; /* "identified" is due by then; 0: emitted */
  gint64 note_until;
  gboolean feed_expected; /* a feed was live when the current park began */
} Track;

typedef struct
{
  guint id;
  char *name;
  char *uri;
  int expected_slot; /* PL_PARK_ANY_SLOT for the park extension */
  int assigned_slot; /* -1 until a slot turned busy for it */
  gint64 noted_at;
  gint64 assigned_at;
  gint64 deadline;
} OwnPark;

struct _PlParkLot
{
  GObject parent_instance;

  PlParkLotConfig *config;
  Track *tracks;
  guint n_tracks;
  GList *own_parks; /* of OwnPark, oldest first */
  guint next_park_id;
  gint64 list_version;
  gboolean stale;
  gboolean feed_live;
};

static void pl_park_lot_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlParkLot, pl_park_lot, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      pl_park_lot_list_model_init))

enum
{
  PROP_0,
  PROP_NAME,
  PROP_STALE,
  N_PROPS
};

enum
{
  SIGNAL_PARKED,
  SIGNAL_RETRIEVED,
  SIGNAL_TIMED_OUT,
  SIGNAL_IDENTIFIED,
  SIGNAL_ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

PlDialogVersionCheck
pl_dialog_version_check (gint64 last, guint32 version, gboolean full)
{
  if (last < 0)
    return PL_DIALOG_VERSION_APPLY;
  if ((gint64)version <= last)
    return PL_DIALOG_VERSION_STALE;
  if (!full && (gint64)version > last + 1)
    return PL_DIALOG_VERSION_GAP;
  return PL_DIALOG_VERSION_APPLY;
}

static void
feed_park_free (FeedPark *fp)
{
  if (fp == NULL)
    return;
  g_free (fp->park_id);
  g_free (fp->name);
  g_free (fp->uri);
  g_free (fp->parked_by);
  g_free (fp->taken_by);
  g_free (fp->taken_by_id);
  g_free (fp->taken_by_number);
  g_free (fp);
}

static void
ending_free (Ending *e)
{
  if (e == NULL)
    return;
  g_free (e->park_id);
  g_free (e->name);
  g_free (e->uri);
  g_free (e->parked_by);
  g_free (e->taken_by);
  g_free (e->taken_by_id);
  g_free (e->taken_by_number);
  g_free (e);
}

static void
own_park_free (OwnPark *park)
{
  g_free (park->name);
  g_free (park->uri);
  g_free (park);
}

static GType
pl_park_lot_get_item_type (GListModel *model)
{
  return PL_TYPE_PARK_SLOT;
}

static guint
pl_park_lot_get_n_items (GListModel *model)
{
  return PL_PARK_LOT (model)->n_tracks;
}

static gpointer
pl_park_lot_get_item (GListModel *model, guint position)
{
  PlParkLot *self = PL_PARK_LOT (model);

  if (position >= self->n_tracks)
    return NULL;
  return g_object_ref (self->tracks[position].slot);
}

static void
pl_park_lot_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pl_park_lot_get_item_type;
  iface->get_n_items = pl_park_lot_get_n_items;
  iface->get_item = pl_park_lot_get_item;
}

static void
pl_park_lot_finalize (GObject *object)
{
  PlParkLot *self = PL_PARK_LOT (object);

  for (guint i = 0; i < self->n_tracks; i++)
    {
      g_clear_object (&self->tracks[i].slot);
      g_clear_pointer (&self->tracks[i].dialogs, g_hash_table_unref);
      g_clear_pointer (&self->tracks[i].feed, feed_park_free);
      g_clear_pointer (&self->tracks[i].ending, ending_free);
    }
  g_free (self->tracks);
  g_list_free_full (self->own_parks, (GDestroyNotify)own_park_free);
  pl_park_lot_config_free (self->config);
  G_OBJECT_CLASS (pl_park_lot_parent_class)->finalize (object);
}

static void
pl_park_lot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlParkLot *self = PL_PARK_LOT (object);

  switch (prop_id)
    {
      case PROP_NAME:
        g_value_set_string (value, self->config->name);
        break;
      case PROP_STALE:
        g_value_set_boolean (value, self->stale);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_park_lot_class_init (PlParkLotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pl_park_lot_finalize;
  object_class->get_property = pl_park_lot_get_property;

  properties[PROP_NAME]
      = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STALE]
      = g_param_spec_boolean ("stale", NULL, NULL, TRUE,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PARKED] = g_signal_new ("parked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_SLOT);
  signals[SIGNAL_RETRIEVED]
      = g_signal_new ("retrieved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_SLOT);
  signals[SIGNAL_TIMED_OUT]
      = g_signal_new ("timed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_SLOT);
  signals[SIGNAL_IDENTIFIED]
      = g_signal_new ("identified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, PL_TYPE_PARK_SLOT);
  signals[SIGNAL_ENDED]
      = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, PL_TYPE_PARK_SLOT, G_TYPE_POINTER);
}

static void
pl_park_lot_init (PlParkLot *self)
{
  self->stale = TRUE;
  self->list_version = -1;
  self->next_park_id = 1;
}

PlParkLot *
pl_park_lot_new (const PlParkLotConfig *config)
{
  PlParkLot *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (pl_park_lot_config_validate (config, NULL), NULL);

  self = g_object_new (PL_TYPE_PARK_LOT, NULL);
  self->config = pl_park_lot_config_copy (config);
  self->n_tracks = pl_park_lot_config_n_slots (config);
  self->tracks = g_new0 (Track, self->n_tracks);
  for (guint i = 0; i < self->n_tracks; i++)
    {
      Track *t = &self->tracks[i];

      t->slot = pl_park_slot_new (config->first_slot + (int)i, config->timeout);
      t->version = -1;
      t->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      t->before_stale = PL_PARK_SLOT_STALE;
    }
  return self;
}

const PlParkLotConfig *
pl_park_lot_get_config (PlParkLot *self)
{
  g_return_val_if_fail (PL_IS_PARK_LOT (self), NULL);
  return self->config;
}

const char *
pl_park_lot_get_name (PlParkLot *self)
{
  g_return_val_if_fail (PL_IS_PARK_LOT (self), NULL);
  return self->config->name;
}

static Track *
track_for (PlParkLot *self, int slot)
{
  if (!pl_park_lot_config_has_slot (self->config, slot))
    return NULL;
  return &self->tracks[slot - self->config->first_slot];
}

PlParkSlot *
pl_park_lot_get_slot (PlParkLot *self, int number)
{
  Track *t;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), NULL);
  t = track_for (self, number);
  return t ? t->slot : NULL;
}

gboolean
pl_park_lot_get_stale (PlParkLot *self)
{
  g_return_val_if_fail (PL_IS_PARK_LOT (self), TRUE);
  return self->stale;
}

static void
set_lot_stale (PlParkLot *self, gboolean stale)
{
  if (self->stale == stale)
    return;
  self->stale = stale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

static void
clear_slot (Track *t, PlParkSlotState state)
{
  pl_park_slot_update (t->slot, state, NULL, NULL, PL_PARK_IDENTITY_UNKNOWN, 0, FALSE, FALSE,
                       FALSE);
  pl_park_slot_set_parked_by (t->slot, NULL);
  t->parking_id = 0;
  t->learned_id = 0;
  t->returning_until = 0;
}

static OwnPark *
find_park (PlParkLot *self, guint id)
{
  for (GList *l = self->own_parks; l != NULL; l = l->next)
    if (((OwnPark *)l->data)->id == id)
      return l->data;
  return NULL;
}

static void
remove_park (PlParkLot *self, OwnPark *park)
{
  self->own_parks = g_list_remove (self->own_parks, park);
  own_park_free (park);
}

/* A slot turned busy under our eyes: decide whose call it is. */
static void
learn_occupant (PlParkLot *self, Track *t, gboolean observed, const char *server_name,
                const char *server_uri, gint64 now)
{
  int number = pl_park_slot_get_number (t->slot);
  OwnPark *exact = NULL, *any = NULL;
  OwnPark *landed = NULL; /* a park-extension park that already found its slot */
  guint n_any = 0;
  gboolean race = FALSE;

  t->learned_id = 0;
  for (GList *l = self->own_parks; l != NULL; l = l->next)
    {
      OwnPark *p = l->data;

      if (p->deadline < now || p->assigned_slot >= 0)
        continue;
      if (p->expected_slot == number && exact == NULL)
        exact = p;
      else if (p->expected_slot == PL_PARK_ANY_SLOT)
        {
          if (any == NULL)
            any = p;
          n_any++;
        }
    }
  /* A park-extension park that found another slot while the pending one
   * was already out could have landed here instead. One that landed before
   * the pending one was even sent is settled: parking two calls in a row is
   * no race. */
  for (GList *l = self->own_parks; l != NULL && landed == NULL; l = l->next)
    {
      OwnPark *p = l->data;

      if (p->deadline >= now && p->assigned_slot >= 0 && p->assigned_slot != number
          && p->expected_slot == PL_PARK_ANY_SLOT
          && (any == NULL || p->assigned_at >= any->noted_at))
        landed = p;
    }

  if (exact != NULL)
    {
      exact->assigned_slot = number;
      exact->assigned_at = now;
      t->learned_id = exact->id;
      pl_park_slot_update (t->slot, PL_PARK_SLOT_OCCUPIED, exact->name, exact->uri,
                           PL_PARK_IDENTITY_OWN_CALL, now, TRUE, FALSE, FALSE);
      return;
    }

  /* Two slots turning busy inside one learning window: we cannot tell
   * which of them holds our caller. */
  if (landed != NULL || n_any > 1)
    race = TRUE;
  if (landed != NULL)
    {
      Track *other = track_for (self, landed->assigned_slot);

      if (other != NULL && pl_park_slot_get_parked_by_me (other->slot))
        pl_park_slot_set_race (other->slot, TRUE);
    }

  if (any != NULL)
    {
      any->assigned_slot = number;
      any->assigned_at = now;
      t->learned_id = any->id;
      pl_park_slot_update (t->slot, PL_PARK_SLOT_OCCUPIED, any->name, any->uri,
                           PL_PARK_IDENTITY_OWN_CALL, now, TRUE, TRUE, race);
      return;
    }
  if (server_uri != NULL)
    pl_park_slot_update (t->slot, PL_PARK_SLOT_OCCUPIED, server_name, server_uri,
                         PL_PARK_IDENTITY_SERVER, observed ? now : 0, FALSE, FALSE, race);
  else
    pl_park_slot_update (t->slot, PL_PARK_SLOT_OCCUPIED, NULL, NULL, PL_PARK_IDENTITY_UNKNOWN,
                         observed ? now : 0, FALSE, FALSE, race);
}

/* ---- feed news ------------------------------------------------------------ */

/* The feed's caller and parker on the slot's current park. Our own parks
 * keep the caller we know from the call. */
static void
show_feed_park (Track *t, FeedPark *fp)
{
  PlParkSlot *slot = t->slot;
  PlParkIdentitySource source = pl_park_slot_get_identity_source (slot);
  gint64 since = pl_park_slot_get_parked_since (slot);

  fp->applied = TRUE;
  if (source != PL_PARK_IDENTITY_OWN_CALL && (fp->name != NULL || fp->uri != NULL))
    pl_park_slot_update (slot, pl_park_slot_get_state (slot), fp->name, fp->uri,
                         PL_PARK_IDENTITY_FEED,
                         since > 0 && source != PL_PARK_IDENTITY_UNKNOWN ? since
                         : fp->parked_since > 0                          ? fp->parked_since
                                                                         : since,
                         pl_park_slot_get_parked_by_me (slot), pl_park_slot_get_probable (slot),
                         pl_park_slot_get_race (slot));
  else if (since == 0 && fp->parked_since > 0)
    pl_park_slot_update (slot, pl_park_slot_get_state (slot), pl_park_slot_get_caller_name (slot),
                         pl_park_slot_get_caller_uri (slot), source, fp->parked_since,
                         pl_park_slot_get_parked_by_me (slot), pl_park_slot_get_probable (slot),
                         pl_park_slot_get_race (slot));
  pl_park_slot_set_parked_by (slot, fp->parked_by);
}

static void
emit_identified (PlParkLot *self, Track *t)
{
  if (t->identify_by == 0)
    return;
  t->identify_by = 0;
  g_signal_emit (self, signals[SIGNAL_IDENTIFIED], 0, t->slot);
}

static void
clear_ended_note (Track *t)
{
  t->note_until = 0;
  pl_park_slot_set_ended (t->slot, NULL, NULL);
}

/* A new park in the slot (SIP turned it busy): feed news that came first
 * names it now, else it waits for the feed a little. */
static void
occupancy_started (PlParkLot *self, Track *t, gint64 now)
{
  FeedPark *fp = t->feed;

  clear_ended_note (t);
  t->feed_expected = self->feed_live;
  /* news shown on an earlier park whose end we never saw is no news */
  if (fp != NULL && fp->applied)
    g_clear_pointer (&t->feed, feed_park_free);
  t->identify_by = now + PL_PARK_FEED_WAIT;
  if (t->feed != NULL)
    {
      show_feed_park (t, t->feed);
      emit_identified (self, t);
    }
  else if (!self->feed_live || pl_park_slot_get_parked_by_me (t->slot))
    emit_identified (self, t);
}

static const char *
end_note_reason (PlParkEndReason reason)
{
  switch (reason)
    {
      case PL_PARK_END_TIMED_OUT:
        return "timed out";
      case PL_PARK_END_GAVE_UP:
        return "caller hung up";
      case PL_PARK_END_RETRIEVED:
      default:
        return "retrieved";
    }
}

/* "Taken by Bob", "Caller hung up after 0:05", "Timed out after 0:45", or
 * NULL when there is nothing worth saying. */
static char *
ended_note (const Ending *e)
{
  g_autofree char *after = NULL;
  gint64 parked = e->duration >= 0      ? (gint64)e->duration * G_USEC_PER_SEC
                  : e->parked_since > 0 ? e->ended_at - e->parked_since
                                        : -1;

  if (parked >= 0)
    after = pl_format_duration (parked);
  switch (e->reason)
    {
      case PL_PARK_END_RETRIEVED:
        return e->taken_by ? g_strdup_printf (_ ("Taken by %s"), e->taken_by) : NULL;
      case PL_PARK_END_GAVE_UP:
        return after ? g_strdup_printf (_ ("Caller hung up after %s"), after)
                     : g_strdup (_ ("Caller hung up"));
      case PL_PARK_END_TIMED_OUT:
        return e->confirmed && after ? g_strdup_printf (_ ("Timed out after %s"), after) : NULL;
      default:
        return NULL;
    }
}

static void
show_ended_note (Track *t, const Ending *e, gint64 now)
{
  PlParkSlotState state = pl_park_slot_get_state (t->slot);
  g_autofree char *note = ended_note (e);

  /* only on the slot this park left, not on its next park */
  if (note == NULL || (state != PL_PARK_SLOT_FREE && state != PL_PARK_SLOT_RETURNING))
    return;
  pl_park_slot_set_ended (t->slot, note, e->reason == PL_PARK_END_RETRIEVED ? e->taken_by : NULL);
  t->note_until = now + PL_PARK_ENDED_NOTE_TIME;
}

/* The reason is known now (or will never be): the slot shows what really
 * happened, and "ended" tells the owner. */
static void
finalize_ending (PlParkLot *self, Track *t, gint64 now)
{
  Ending *e = t->ending;
  PlParkSlotState state = pl_park_slot_get_state (t->slot);
  PlParkEnd end = {
    .slot = pl_park_slot_get_number (t->slot),
    .reason = e->reason,
    .confirmed = e->confirmed,
    .caller_name = e->name,
    .caller_uri = e->uri,
    .parked_by = e->parked_by,
    .taken_by = e->taken_by,
    .taken_by_id = e->taken_by_id,
    .taken_by_number = e->taken_by_number,
    .parked_by_me = e->parked_by_me,
    .parked_since = e->parked_since,
    .ended_at = e->ended_at,
  };

  if (e->finalized)
    return;
  e->finalized = TRUE;
  e->deadline = 0;
  /* The feed knows better than the clock whether the park timed out. */
  if (e->reason == PL_PARK_END_TIMED_OUT && state == PL_PARK_SLOT_FREE)
    {
      pl_park_slot_update (t->slot, PL_PARK_SLOT_RETURNING, e->name, e->uri,
                           e->name || e->uri ? PL_PARK_IDENTITY_FEED : PL_PARK_IDENTITY_UNKNOWN,
                           e->parked_since, e->parked_by_me, FALSE, FALSE);
      pl_park_slot_set_parked_by (t->slot, e->parked_by);
      t->returning_until = now + PL_PARK_RING_WINDOW;
    }
  else if (e->reason != PL_PARK_END_TIMED_OUT && state == PL_PARK_SLOT_RETURNING)
    clear_slot (t, PL_PARK_SLOT_FREE);
  show_ended_note (t, e, now);
  g_debug ("lot %s slot %d: park ended, %s%s", self->config->name, end.slot,
           end_note_reason (end.reason), end.confirmed ? "" : " (guessed)");
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, t->slot, &end);
}

static void
take_feed_end (Ending *e, FeedPark *fp)
{
  e->reason = fp->reason;
  e->confirmed = TRUE;
  e->duration = fp->duration;
  pl_set_str (&e->taken_by, fp->taken_by);
  pl_set_str (&e->taken_by_id, fp->taken_by_id);
  pl_set_str (&e->taken_by_number, fp->taken_by_number);
}

/* SIP says the slot's park is over. The clock guesses why; the feed, if it
 * already spoke or speaks soon, knows. */
static void
park_left (PlParkLot *self, Track *t, gint64 now)
{
  PlParkSlot *slot = t->slot;
  FeedPark *fp = t->feed && t->feed->applied ? t->feed : NULL;
  gint64 since = pl_park_slot_get_parked_since (slot);
  gint64 due = since + (gint64)pl_park_slot_get_timeout (slot) * G_USEC_PER_SEC;
  Ending *e = g_new0 (Ending, 1);

  emit_identified (self, t);
  e->name = g_strdup (pl_park_slot_get_caller_name (slot));
  e->uri = g_strdup (pl_park_slot_get_caller_uri (slot));
  e->parked_by = g_strdup (pl_park_slot_get_parked_by (slot));
  e->parked_by_me = pl_park_slot_get_parked_by_me (slot);
  e->parked_since = since;
  e->ended_at = now;
  e->duration = -1;
  e->feed_expected = t->feed_expected && self->feed_live;
  e->reason = since > 0 && now + PL_PARK_TIMEOUT_SLACK >= due ? PL_PARK_END_TIMED_OUT
                                                              : PL_PARK_END_RETRIEVED;
  if (fp != NULL)
    {
      e->park_id = g_strdup (fp->park_id);
      e->feed_named = TRUE;
      if (fp->ended)
        take_feed_end (e, fp);
      g_clear_pointer (&t->feed, feed_park_free);
    }
  g_clear_pointer (&t->ending, ending_free);
  t->ending = e;

  if (e->reason == PL_PARK_END_TIMED_OUT)
    {
      g_signal_emit (self, signals[SIGNAL_TIMED_OUT], 0, slot);
      pl_park_slot_set_state (slot, PL_PARK_SLOT_RETURNING);
      t->returning_until = now + PL_PARK_RING_WINDOW;
    }
  else
    {
      if (e->reason == PL_PARK_END_RETRIEVED)
        g_signal_emit (self, signals[SIGNAL_RETRIEVED], 0, slot);
      clear_slot (t, PL_PARK_SLOT_FREE);
    }
  if (e->confirmed || !self->feed_live)
    finalize_ending (self, t, now);
  else
    e->deadline = now + PL_PARK_FEED_WAIT;
}

static void
set_busy (PlParkLot *self, Track *t, gboolean busy, const char *server_name, const char *server_uri,
          gint64 now)
{
  PlParkSlot *slot = t->slot;
  PlParkSlotState state = pl_park_slot_get_state (slot);

  set_lot_stale (self, FALSE);
  if (busy)
    {
      if (state == PL_PARK_SLOT_OCCUPIED
          || (state == PL_PARK_SLOT_STALE && t->before_stale == PL_PARK_SLOT_OCCUPIED))
        {
          /* still the same parked call; a server identity may arrive late
           * (a feed's, richer, stays) */
          if (server_uri != NULL
              && pl_park_slot_get_identity_source (slot) != PL_PARK_IDENTITY_OWN_CALL
              && pl_park_slot_get_identity_source (slot) != PL_PARK_IDENTITY_FEED)
            pl_park_slot_update (slot, PL_PARK_SLOT_OCCUPIED, server_name, server_uri,
                                 PL_PARK_IDENTITY_SERVER, pl_park_slot_get_parked_since (slot),
                                 FALSE, FALSE, pl_park_slot_get_race (slot));
          else
            pl_park_slot_set_state (slot, PL_PARK_SLOT_OCCUPIED);
          return;
        }
      /* After an outage or at the first NOTIFY we did not see the park
       * happen, so the park time is unknown. */
      learn_occupant (self, t, state != PL_PARK_SLOT_STALE, server_name, server_uri, now);
      t->parking_id = 0;
      t->returning_until = 0;
      g_signal_emit (self, signals[SIGNAL_PARKED], 0, slot);
      occupancy_started (self, t, now);
      return;
    }

  /* A call parked before the outage and gone after it has left the slot:
   * report it like any other departure. */
  if (state == PL_PARK_SLOT_STALE && t->before_stale == PL_PARK_SLOT_OCCUPIED)
    state = PL_PARK_SLOT_OCCUPIED;
  switch (state)
    {
      case PL_PARK_SLOT_OCCUPIED:
        park_left (self, t, now);
        break;
      case PL_PARK_SLOT_PARKING:
        /* our REFER has not landed yet; the window in tick() decides */
        break;
      case PL_PARK_SLOT_RETURNING:
        break;
      case PL_PARK_SLOT_STALE:
      case PL_PARK_SLOT_FREE:
      default:
        clear_slot (t, PL_PARK_SLOT_FREE);
        break;
    }
}

/* FreeSWITCH reports the slot itself as the remote party ("park" <sip:6001>);
 * only an identity that is not the slot tells who is parked. */
static void
server_identity (PlParkLot *self, int slot, const PlDialogInfo *info, const char **name,
                 const char **uri)
{
  *name = NULL;
  *uri = NULL;
  for (guint i = 0; i < info->dialogs->len; i++)
    {
      const PlDialogInfoDialog *d = g_ptr_array_index (info->dialogs, i);

      if (d->state == PL_DIALOG_STATE_TERMINATED || d->remote.uri == NULL)
        continue;
      if (g_strcmp0 (d->remote.display, "park") == 0
          || pl_park_lot_config_slot_from_uri (self->config, d->remote.uri) == slot)
        continue;
      *name = d->remote.display;
      *uri = d->remote.uri;
      return;
    }
}

gboolean
pl_park_lot_apply_dialog_info (PlParkLot *self, int slot, const PlDialogInfo *info, gint64 now)
{
  Track *t;
  const char *name, *uri;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  t = track_for (self, slot);
  if (t == NULL)
    {
      g_debug ("lot %s: dialog-info for slot %d outside the lot", self->config->name, slot);
      return FALSE;
    }
  switch (pl_dialog_version_check (t->version, info->version, info->full))
    {
      case PL_DIALOG_VERSION_STALE:
        g_debug ("lot %s slot %d: ignoring dialog-info version %u (have %" G_GINT64_FORMAT ")",
                 self->config->name, slot, info->version, t->version);
        return FALSE;
      case PL_DIALOG_VERSION_GAP:
        g_debug ("lot %s slot %d: dialog-info version gap %" G_GINT64_FORMAT " → %u",
                 self->config->name, slot, t->version, info->version);
        break;
      case PL_DIALOG_VERSION_APPLY:
      default:
        break;
    }
  t->version = info->version;

  if (info->full)
    g_hash_table_remove_all (t->dialogs);
  for (guint i = 0; i < info->dialogs->len; i++)
    {
      const PlDialogInfoDialog *d = g_ptr_array_index (info->dialogs, i);
      const char *key = d->id ? d->id : (d->call_id ? d->call_id : "");

      if (d->state == PL_DIALOG_STATE_TERMINATED)
        g_hash_table_remove (t->dialogs, key);
      else
        g_hash_table_insert (t->dialogs, g_strdup (key), GINT_TO_POINTER (d->state));
    }
  server_identity (self, slot, info, &name, &uri);
  set_busy (self, t, g_hash_table_size (t->dialogs) > 0, name, uri, now);
  return TRUE;
}

gboolean
pl_park_lot_apply_presence (PlParkLot *self, int slot, const PlPresence *presence, gint64 now)
{
  Track *t;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), FALSE);
  g_return_val_if_fail (presence != NULL, FALSE);

  t = track_for (self, slot);
  if (t == NULL)
    return FALSE;
  set_busy (self, t, presence->busy, NULL, NULL, now);
  return TRUE;
}

gboolean
pl_park_lot_apply_rlmi (PlParkLot *self, const PlRlmiList *list, gint64 now)
{
  g_return_val_if_fail (PL_IS_PARK_LOT (self), FALSE);
  g_return_val_if_fail (list != NULL, FALSE);

  if (pl_dialog_version_check (self->list_version, list->version, TRUE) == PL_DIALOG_VERSION_STALE)
    {
      g_debug ("lot %s: ignoring RLMI version %u", self->config->name, list->version);
      return FALSE;
    }
  self->list_version = list->version;
  for (guint i = 0; i < list->resources->len; i++)
    {
      const PlRlmiResource *r = g_ptr_array_index (list->resources, i);
      int slot = pl_park_lot_config_slot_from_uri (self->config, r->uri);

      if (slot < 0 && r->dialog_info != NULL)
        slot = pl_park_lot_config_slot_from_uri (self->config, r->dialog_info->entity);
      if (slot < 0)
        continue;
      if (g_strcmp0 (r->instance_state, "terminated") == 0)
        pl_park_lot_set_slot_stale (self, slot);
      else if (r->dialog_info != NULL)
        pl_park_lot_apply_dialog_info (self, slot, r->dialog_info, now);
      else if (r->presence != NULL)
        pl_park_lot_apply_presence (self, slot, r->presence, now);
    }
  return TRUE;
}

static void
reset_track (Track *t)
{
  t->version = -1;
  g_hash_table_remove_all (t->dialogs);
}

void
pl_park_lot_reset_subscription (PlParkLot *self, int slot)
{
  g_return_if_fail (PL_IS_PARK_LOT (self));

  if (slot < 0)
    {
      self->list_version = -1;
      for (guint i = 0; i < self->n_tracks; i++)
        reset_track (&self->tracks[i]);
    }
  else
    {
      Track *t = track_for (self, slot);

      if (t != NULL)
        reset_track (t);
    }
}

static void
make_stale (Track *t)
{
  PlParkSlotState state = pl_park_slot_get_state (t->slot);

  if (state != PL_PARK_SLOT_STALE)
    t->before_stale = state;
  reset_track (t);
  pl_park_slot_set_state (t->slot, PL_PARK_SLOT_STALE);
}

void
pl_park_lot_set_stale (PlParkLot *self, gboolean stale)
{
  g_return_if_fail (PL_IS_PARK_LOT (self));

  if (stale)
    {
      self->list_version = -1;
      for (guint i = 0; i < self->n_tracks; i++)
        make_stale (&self->tracks[i]);
    }
  set_lot_stale (self, stale);
}

void
pl_park_lot_set_slot_stale (PlParkLot *self, int slot)
{
  Track *t;

  g_return_if_fail (PL_IS_PARK_LOT (self));
  t = track_for (self, slot);
  if (t != NULL)
    make_stale (t);
}

guint
pl_park_lot_note_own_park (PlParkLot *self, const char *caller_name, const char *caller_uri,
                           int expected_slot, gint64 now)
{
  OwnPark *park;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), 0);

  park = g_new0 (OwnPark, 1);
  park->id = self->next_park_id++;
  park->name = g_strdup (caller_name);
  park->uri = g_strdup (caller_uri);
  park->expected_slot = expected_slot >= 0 ? expected_slot : PL_PARK_ANY_SLOT;
  park->assigned_slot = -1;
  park->noted_at = now;
  park->deadline = now + PL_PARK_LEARN_WINDOW;
  self->own_parks = g_list_append (self->own_parks, park);

  if (expected_slot >= 0)
    {
      Track *t = track_for (self, expected_slot);
      PlParkSlotState state = t ? pl_park_slot_get_state (t->slot) : PL_PARK_SLOT_OCCUPIED;

      if (t != NULL && (state == PL_PARK_SLOT_FREE || state == PL_PARK_SLOT_STALE))
        {
          pl_park_slot_update (t->slot, PL_PARK_SLOT_PARKING, caller_name, caller_uri,
                               PL_PARK_IDENTITY_OWN_CALL, 0, TRUE, FALSE, FALSE);
          clear_ended_note (t);
          t->parking_id = park->id;
        }
    }
  return park->id;
}

static void
undo_parking (PlParkLot *self, OwnPark *park)
{
  Track *t;

  if (park->expected_slot < 0 || park->assigned_slot >= 0)
    return;
  t = track_for (self, park->expected_slot);
  if (t != NULL && t->parking_id == park->id
      && pl_park_slot_get_state (t->slot) == PL_PARK_SLOT_PARKING)
    clear_slot (t, PL_PARK_SLOT_FREE);
}

void
pl_park_lot_own_park_failed (PlParkLot *self, guint park_id)
{
  OwnPark *park;

  g_return_if_fail (PL_IS_PARK_LOT (self));
  park = find_park (self, park_id);
  if (park == NULL)
    return;
  undo_parking (self, park);
  remove_park (self, park);
}

void
pl_park_lot_confirm_slot (PlParkLot *self, int slot)
{
  Track *t;

  g_return_if_fail (PL_IS_PARK_LOT (self));
  t = track_for (self, slot);
  if (t == NULL)
    return;
  pl_park_slot_set_probable (t->slot, FALSE);
  pl_park_slot_set_race (t->slot, FALSE);
}

/* The learning window of a park that found its slot closed with no other
 * slot turning busy in it (that would have flagged a race): the slot is ours
 * for sure, not just probably. */
static void
settle_learned_slot (PlParkLot *self, OwnPark *park)
{
  Track *t = park->assigned_slot >= 0 ? track_for (self, park->assigned_slot) : NULL;

  if (t != NULL && t->learned_id == park->id
      && pl_park_slot_get_state (t->slot) == PL_PARK_SLOT_OCCUPIED
      && pl_park_slot_get_parked_by_me (t->slot) && !pl_park_slot_get_race (t->slot))
    pl_park_slot_set_probable (t->slot, FALSE);
}

static gboolean
same_park (const char *a, const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

/* sip:201@domain for a feed's caller number, NULL when it is none. */
static char *
feed_caller_uri (const char *number, const char *domain)
{
  if (number == NULL || *number == '\0' || domain == NULL || *domain == '\0')
    return NULL;
  for (const char *p = number; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("+-_.*", *p) == NULL)
      return NULL;
  return g_strdup_printf ("sip:%s@%s", number, domain);
}

static PlParkEndReason
end_reason (PlParkFeedEventKind kind)
{
  switch (kind)
    {
      case PL_PARK_FEED_EVENT_TIMED_OUT:
        return PL_PARK_END_TIMED_OUT;
      case PL_PARK_FEED_EVENT_GAVE_UP:
        return PL_PARK_END_GAVE_UP;
      case PL_PARK_FEED_EVENT_UNPARKED:
      default:
        return PL_PARK_END_RETRIEVED;
    }
}

static FeedPark *
feed_park_new (const PlParkFeedEvent *event, const char *domain, gint64 now)
{
  FeedPark *fp = g_new0 (FeedPark, 1);

  fp->park_id = g_strdup (event->park_id);
  fp->name = g_strdup (event->caller_name);
  fp->uri = feed_caller_uri (event->caller_number, domain);
  fp->parked_by = g_strdup (event->parked_by);
  fp->parked_since = event->duration >= 0 ? now - (gint64)event->duration * G_USEC_PER_SEC : 0;
  fp->received = now;
  fp->duration = -1;
  return fp;
}

static void
feed_park_end (FeedPark *fp, const PlParkFeedEvent *event)
{
  fp->ended = TRUE;
  fp->reason = end_reason (event->kind);
  fp->duration = event->duration;
  pl_set_str (&fp->taken_by, event->taken_by);
  pl_set_str (&fp->taken_by_id, event->taken_by_id);
  pl_set_str (&fp->taken_by_number, event->taken_by_number);
}

/* The feed names the park that left the slot: for its "ended", not for the
 * slot's next park. */
static void
name_ending (Ending *e, const PlParkFeedEvent *event, const char *domain)
{
  e->feed_named = TRUE;
  pl_set_str (&e->park_id, event->park_id);
  if (e->finalized)
    return;
  if (e->name == NULL && e->uri == NULL)
    {
      e->name = g_strdup (event->caller_name);
      e->uri = feed_caller_uri (event->caller_number, domain);
    }
  if (event->parked_by != NULL)
    pl_set_str (&e->parked_by, event->parked_by);
}

static gboolean
slot_occupied (Track *t)
{
  PlParkSlotState state = pl_park_slot_get_state (t->slot);

  return state == PL_PARK_SLOT_OCCUPIED
         || (state == PL_PARK_SLOT_STALE && t->before_stale == PL_PARK_SLOT_OCCUPIED);
}

static void
feed_parked (PlParkLot *self, Track *t, const PlParkFeedEvent *event, const char *domain,
             gint64 now)
{
  Ending *e = t->ending;

  /* The feed is ordered: a park that left unnamed while it was live is the
   * one this late news is about. */
  if (e != NULL
      && (same_park (e->park_id, event->park_id)
          || (!e->feed_named && e->feed_expected && now - e->ended_at <= PL_PARK_FEED_WAIT)))
    {
      name_ending (e, event, domain);
      return;
    }
  if (slot_occupied (t))
    {
      if (t->feed != NULL && t->feed->applied && same_park (t->feed->park_id, event->park_id)
          && !event->snapshot)
        return;
      g_clear_pointer (&t->feed, feed_park_free);
      t->feed = feed_park_new (event, domain, now);
      show_feed_park (t, t->feed);
      emit_identified (self, t);
      return;
    }
  /* Not busy (yet): the NOTIFY may follow. Never does the feed make a slot
   * look occupied. */
  g_clear_pointer (&t->feed, feed_park_free);
  t->feed = feed_park_new (event, domain, now);
}

static void
feed_ended (PlParkLot *self, Track *t, const PlParkFeedEvent *event, const char *domain, gint64 now)
{
  FeedPark *fp = t->feed;
  Ending *e = t->ending;

  /* the park in the slot, named: SIP will free the slot */
  if (fp != NULL && fp->applied && same_park (fp->park_id, event->park_id))
    {
      feed_park_end (fp, event);
      return;
    }
  /* the park that left already */
  if (e != NULL && now - e->ended_at <= PL_PARK_ENDED_NOTE_TIME
      && (same_park (e->park_id, event->park_id)
          || (e->park_id == NULL && (e->feed_expected || !slot_occupied (t)))))
    {
      gboolean was_finalized = e->finalized;

      name_ending (e, event, domain);
      e->reason = end_reason (event->kind);
      e->confirmed = TRUE;
      e->duration = event->duration;
      pl_set_str (&e->taken_by, event->taken_by);
      pl_set_str (&e->taken_by_id, event->taken_by_id);
      pl_set_str (&e->taken_by_number, event->taken_by_number);
      if (!was_finalized)
        finalize_ending (self, t, now);
      else
        /* too late for "ended", not for the slot's note */
        show_ended_note (t, e, now);
      return;
    }
  /* the park in the slot, never named (it was parked before we listened) */
  if (slot_occupied (t) && (fp == NULL || !fp->applied))
    {
      g_clear_pointer (&t->feed, feed_park_free);
      t->feed = feed_park_new (event, domain, now);
      show_feed_park (t, t->feed);
      feed_park_end (t->feed, event);
      emit_identified (self, t);
      return;
    }
  /* News of a park whose NOTIFY has not come yet. The feed and SIP are
   * separate channels: the busy NOTIFY may still follow (a slow path, a
   * quick taker), and then this is how the park ended. If it never comes,
   * the news expires like any other. */
  if (fp != NULL && !fp->applied && same_park (fp->park_id, event->park_id))
    {
      feed_park_end (fp, event);
      fp->received = now;
      return;
    }
  g_debug ("lot %s slot %d: feed news of an unknown park ignored", self->config->name,
           pl_park_slot_get_number (t->slot));
}

gboolean
pl_park_lot_apply_feed (PlParkLot *self, const PlParkFeedEvent *event, const char *domain,
                        gint64 now)
{
  guint64 number;
  Track *t;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (event->kind == PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE)
    {
      /* the feed named every park it knows: the others stay unnamed */
      for (guint i = 0; i < self->n_tracks; i++)
        emit_identified (self, &self->tracks[i]);
      return TRUE;
    }
  if (event->lot != NULL
      && g_strcmp0 (event->lot,
                    self->config->manager_parkinglot ? self->config->manager_parkinglot : "default")
             != 0)
    return FALSE;
  if (event->slot == NULL
      || !g_ascii_string_to_unsigned (event->slot, 10, 0, G_MAXINT, &number, NULL)
      || (t = track_for (self, (int)number)) == NULL)
    return FALSE;
  if (event->kind == PL_PARK_FEED_EVENT_PARKED)
    feed_parked (self, t, event, domain, now);
  else
    feed_ended (self, t, event, domain, now);
  return TRUE;
}

const char *
pl_park_lot_get_feed_park_id (PlParkLot *self, int slot)
{
  Track *t;

  g_return_val_if_fail (PL_IS_PARK_LOT (self), NULL);
  t = track_for (self, slot);
  return t && t->feed && t->feed->applied ? t->feed->park_id : NULL;
}

void
pl_park_lot_set_feed_live (PlParkLot *self, gboolean live, gint64 now)
{
  g_return_if_fail (PL_IS_PARK_LOT (self));

  self->feed_live = live;
  if (live)
    return;
  /* nobody will tell us more */
  for (guint i = 0; i < self->n_tracks; i++)
    {
      Track *t = &self->tracks[i];

      emit_identified (self, t);
      if (t->ending != NULL && !t->ending->finalized)
        finalize_ending (self, t, now);
    }
}

static void
tick_feed (PlParkLot *self, Track *t, gint64 now)
{
  if (t->ending != NULL && !t->ending->finalized && now >= t->ending->deadline)
    finalize_ending (self, t, now);
  if (t->identify_by != 0 && now >= t->identify_by)
    emit_identified (self, t);
  if (t->note_until != 0 && now >= t->note_until)
    clear_ended_note (t);
  if (t->ending != NULL && t->ending->finalized
      && now - t->ending->ended_at > PL_PARK_ENDED_NOTE_TIME)
    g_clear_pointer (&t->ending, ending_free);
  if (t->feed != NULL && !t->feed->applied
      && now - t->feed->received > (pl_park_slot_get_state (t->slot) == PL_PARK_SLOT_STALE
                                        ? PL_PARK_FEED_STALE_WAIT
                                        : PL_PARK_FEED_WAIT))
    g_clear_pointer (&t->feed, feed_park_free);
}

void
pl_park_lot_tick (PlParkLot *self, gint64 now)
{
  GList *l;

  g_return_if_fail (PL_IS_PARK_LOT (self));

  l = self->own_parks;
  while (l != NULL)
    {
      OwnPark *park = l->data;

      l = l->next;
      if (park->deadline >= now)
        continue;
      settle_learned_slot (self, park);
      undo_parking (self, park);
      remove_park (self, park);
    }
  for (guint i = 0; i < self->n_tracks; i++)
    {
      Track *t = &self->tracks[i];

      if (pl_park_slot_get_state (t->slot) == PL_PARK_SLOT_RETURNING && t->returning_until < now)
        clear_slot (t, PL_PARK_SLOT_FREE);
      tick_feed (self, t, now);
    }
}

void
pl_park_lot_ringback_done (PlParkLot *self, int slot)
{
  Track *t;

  g_return_if_fail (PL_IS_PARK_LOT (self));
  t = track_for (self, slot);
  if (t != NULL && pl_park_slot_get_state (t->slot) == PL_PARK_SLOT_RETURNING)
    clear_slot (t, PL_PARK_SLOT_FREE);
}

/* The slot a subscription URI (or a document entity) stands for; -1 for the
 * list URI of a list subscription or anything outside the lot. */
static int
slot_for (PlParkLot *self, const char *uri, const char *entity)
{
  int slot = pl_park_lot_config_slot_from_uri (self->config, uri);

  if (slot < 0 && entity != NULL)
    slot = pl_park_lot_config_slot_from_uri (self->config, entity);
  return slot;
}

gboolean
pl_park_lot_apply_notify (PlParkLot *self, const char *uri, const char *content_type,
                          const char *body, gsize length, gint64 now, GError **error)
{
  g_autofree char *media = pl_content_type_dup_media_type (content_type);

  g_return_val_if_fail (PL_IS_PARK_LOT (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  if (g_strcmp0 (media, "application/dialog-info+xml") == 0)
    {
      g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (body, length, error);
      int slot;

      if (info == NULL)
        return FALSE;
      slot = slot_for (self, uri, info->entity);
      if (slot < 0)
        {
          g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                       "dialog-info for %s names no slot of lot %s", uri, self->config->name);
          return FALSE;
        }
      return pl_park_lot_apply_dialog_info (self, slot, info, now);
    }
  if (g_strcmp0 (media, "application/pidf+xml") == 0
      || g_strcmp0 (media, "application/xpidf+xml") == 0)
    {
      g_autoptr (PlPresence) presence = pl_presence_parse (body, length, error);
      int slot;

      if (presence == NULL)
        return FALSE;
      slot = slot_for (self, uri, presence->entity);
      if (slot < 0)
        {
          g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_WRONG_DOCUMENT,
                       "presence for %s names no slot of lot %s", uri, self->config->name);
          return FALSE;
        }
      return pl_park_lot_apply_presence (self, slot, presence, now);
    }
  if (g_strcmp0 (media, "multipart/related") == 0)
    {
      g_autoptr (PlRlmiList) list = pl_rlmi_parse_multipart (content_type, body, length, error);

      if (list == NULL)
        return FALSE;
      return pl_park_lot_apply_rlmi (self, list, now);
    }
  g_set_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_UNSUPPORTED,
               "NOTIFY body of type %s is not supported", media ? media : "(none)");
  return FALSE;
}

void
pl_park_lot_apply_subscription_state (PlParkLot *self, const char *uri, int state)
{
  int slot;

  g_return_if_fail (PL_IS_PARK_LOT (self));
  g_return_if_fail (uri != NULL);

  slot = slot_for (self, uri, NULL);
  switch (state)
    {
      case PL_SUBSCRIPTION_STATE_PENDING:
        pl_park_lot_reset_subscription (self, slot);
        break;
      case PL_SUBSCRIPTION_STATE_TERMINATED:
      case PL_SUBSCRIPTION_STATE_FAILED:
        if (slot < 0)
          pl_park_lot_set_stale (self, TRUE);
        else
          pl_park_lot_set_slot_stale (self, slot);
        break;
      case PL_SUBSCRIPTION_STATE_ACTIVE:
      default:
        break;
    }
}
