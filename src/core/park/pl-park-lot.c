/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-lot"

#include "config.h"

#include "pl-park-lot.h"

#include "pl-sip-uri.h"
#include "pl-subscriber.h"

#include <string.h>

typedef struct
{
  PlParkSlot *slot;
  gint64 version;      /* last dialog-info version, -1: none this subscription */
  GHashTable *dialogs; /* dialog id → PlDialogState, the non-terminated ones */
  PlParkSlotState before_stale;
  gint64 returning_until;
  guint parking_id; /* own park record that put the slot in PARKING */
  guint learned_id; /* own park record whose caller the slot shows */
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
          /* still the same parked call; a server identity may arrive late */
          if (server_uri != NULL
              && pl_park_slot_get_identity_source (slot) != PL_PARK_IDENTITY_OWN_CALL)
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
      return;
    }

  /* A call parked before the outage and gone after it has left the slot:
   * report it like any other departure. */
  if (state == PL_PARK_SLOT_STALE && t->before_stale == PL_PARK_SLOT_OCCUPIED)
    state = PL_PARK_SLOT_OCCUPIED;
  switch (state)
    {
      case PL_PARK_SLOT_OCCUPIED:
        {
          gint64 since = pl_park_slot_get_parked_since (slot);
          gint64 due = since + (gint64)pl_park_slot_get_timeout (slot) * G_USEC_PER_SEC;

          if (since > 0 && now + PL_PARK_TIMEOUT_SLACK >= due)
            {
              g_signal_emit (self, signals[SIGNAL_TIMED_OUT], 0, slot);
              pl_park_slot_set_state (slot, PL_PARK_SLOT_RETURNING);
              t->returning_until = now + PL_PARK_RING_WINDOW;
            }
          else
            {
              g_signal_emit (self, signals[SIGNAL_RETRIEVED], 0, slot);
              clear_slot (t, PL_PARK_SLOT_FREE);
            }
        }
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
