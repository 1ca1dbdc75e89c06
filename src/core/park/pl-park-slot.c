/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-slot"

#include "config.h"

#include "pl-park-slot.h"

#include "pl-enums.h"
#include "pl-sip-uri.h"
#include "pl-util.h"

#include <glib/gi18n-lib.h>

struct _PlParkSlot
{
  GObject parent_instance;

  int number;
  guint timeout;
  PlParkSlotState state;
  char *caller_name;
  char *caller_uri;
  PlParkIdentitySource identity_source;
  gint64 parked_since;
  gboolean parked_by_me;
  gboolean probable;
  gboolean race;
  char *parked_by;
  char *ended_note;
  char *taken_by;
};

G_DEFINE_FINAL_TYPE (PlParkSlot, pl_park_slot, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NUMBER,
  PROP_TIMEOUT,
  PROP_STATE,
  PROP_CALLER_NAME,
  PROP_CALLER_URI,
  PROP_IDENTITY_SOURCE,
  PROP_PARKED_SINCE,
  PROP_PARKED_BY_ME,
  PROP_PROBABLE,
  PROP_RACE,
  PROP_PARKED_BY,
  PROP_ENDED_NOTE,
  PROP_TAKEN_BY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pl_park_slot_finalize (GObject *object)
{
  PlParkSlot *self = PL_PARK_SLOT (object);

  g_free (self->caller_name);
  g_free (self->caller_uri);
  g_free (self->parked_by);
  g_free (self->ended_note);
  g_free (self->taken_by);
  G_OBJECT_CLASS (pl_park_slot_parent_class)->finalize (object);
}

static void
pl_park_slot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlParkSlot *self = PL_PARK_SLOT (object);

  switch (prop_id)
    {
      case PROP_NUMBER:
        g_value_set_int (value, self->number);
        break;
      case PROP_TIMEOUT:
        g_value_set_uint (value, self->timeout);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_CALLER_NAME:
        g_value_set_string (value, self->caller_name);
        break;
      case PROP_CALLER_URI:
        g_value_set_string (value, self->caller_uri);
        break;
      case PROP_IDENTITY_SOURCE:
        g_value_set_enum (value, self->identity_source);
        break;
      case PROP_PARKED_SINCE:
        g_value_set_int64 (value, self->parked_since);
        break;
      case PROP_PARKED_BY_ME:
        g_value_set_boolean (value, self->parked_by_me);
        break;
      case PROP_PROBABLE:
        g_value_set_boolean (value, self->probable);
        break;
      case PROP_RACE:
        g_value_set_boolean (value, self->race);
        break;
      case PROP_PARKED_BY:
        g_value_set_string (value, self->parked_by);
        break;
      case PROP_ENDED_NOTE:
        g_value_set_string (value, self->ended_note);
        break;
      case PROP_TAKEN_BY:
        g_value_set_string (value, self->taken_by);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_park_slot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlParkSlot *self = PL_PARK_SLOT (object);

  switch (prop_id)
    {
      case PROP_NUMBER:
        self->number = g_value_get_int (value);
        break;
      case PROP_TIMEOUT:
        self->timeout = g_value_get_uint (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_park_slot_class_init (PlParkSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = pl_park_slot_finalize;
  object_class->get_property = pl_park_slot_get_property;
  object_class->set_property = pl_park_slot_set_property;

  properties[PROP_NUMBER]
      = g_param_spec_int ("number", NULL, NULL, 0, G_MAXINT, 0,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT]
      = g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 45,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, PL_TYPE_PARK_SLOT_STATE, PL_PARK_SLOT_STALE, ro);
  properties[PROP_CALLER_NAME] = g_param_spec_string ("caller-name", NULL, NULL, NULL, ro);
  properties[PROP_CALLER_URI] = g_param_spec_string ("caller-uri", NULL, NULL, NULL, ro);
  properties[PROP_IDENTITY_SOURCE] = g_param_spec_enum (
      "identity-source", NULL, NULL, PL_TYPE_PARK_IDENTITY_SOURCE, PL_PARK_IDENTITY_UNKNOWN, ro);
  properties[PROP_PARKED_SINCE]
      = g_param_spec_int64 ("parked-since", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PARKED_BY_ME] = g_param_spec_boolean ("parked-by-me", NULL, NULL, FALSE, ro);
  properties[PROP_PROBABLE] = g_param_spec_boolean ("probable", NULL, NULL, FALSE, ro);
  properties[PROP_RACE] = g_param_spec_boolean ("race", NULL, NULL, FALSE, ro);
  properties[PROP_PARKED_BY] = g_param_spec_string ("parked-by", NULL, NULL, NULL, ro);
  properties[PROP_ENDED_NOTE] = g_param_spec_string ("ended-note", NULL, NULL, NULL, ro);
  properties[PROP_TAKEN_BY] = g_param_spec_string ("taken-by", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_park_slot_init (PlParkSlot *self)
{
  /* Until a subscription says otherwise, nothing is known. */
  self->state = PL_PARK_SLOT_STALE;
}

PlParkSlot *
pl_park_slot_new (int number, guint timeout)
{
  return g_object_new (PL_TYPE_PARK_SLOT, "number", number, "timeout", timeout, NULL);
}

int
pl_park_slot_get_number (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), -1);
  return self->number;
}

PlParkSlotState
pl_park_slot_get_state (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), PL_PARK_SLOT_STALE);
  return self->state;
}

const char *
pl_park_slot_get_caller_name (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);
  return self->caller_name;
}

const char *
pl_park_slot_get_caller_uri (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);
  return self->caller_uri;
}

PlParkIdentitySource
pl_park_slot_get_identity_source (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), PL_PARK_IDENTITY_UNKNOWN);
  return self->identity_source;
}

char *
pl_park_slot_dup_display_name (PlParkSlot *self)
{
  char *title;

  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);

  title = pl_sip_party_title (self->caller_name, self->caller_uri);
  return title ? title : g_strdup (_ ("Parked call"));
}

gint64
pl_park_slot_get_parked_since (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), 0);
  return self->parked_since;
}

guint
pl_park_slot_get_timeout (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), 0);
  return self->timeout;
}

gint64
pl_park_slot_get_remaining (PlParkSlot *self, gint64 now)
{
  gint64 due;

  g_return_val_if_fail (PL_IS_PARK_SLOT (self), -1);
  if (self->state != PL_PARK_SLOT_OCCUPIED || self->parked_since <= 0)
    return -1;
  due = self->parked_since + (gint64)self->timeout * G_USEC_PER_SEC;
  if (now >= due)
    return 0;
  /* round up: "1 s left" until it is really due */
  return (due - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

char *
pl_park_slot_dup_status (PlParkSlot *self, gint64 now)
{
  gint64 remaining;

  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);

  switch (self->state)
    {
      case PL_PARK_SLOT_FREE:
        return g_strdup (_ ("Free"));
      case PL_PARK_SLOT_PARKING:
        return g_strdup (_ ("Parking…"));
      case PL_PARK_SLOT_RETURNING:
        return g_strdup (_ ("Timed out, ringing back"));
      case PL_PARK_SLOT_OCCUPIED:
        /* uncertainty first: the user must not pick up the wrong caller */
        if (self->race)
          return g_strdup (_ ("Parked — two parks at once, caller uncertain"));
        if (self->probable)
          return g_strdup (_ ("Probably parked here"));
        remaining = pl_park_slot_get_remaining (self, now);
        if (remaining >= 0)
          return g_strdup_printf (_ ("Parked, %d:%02d left"), (int)(remaining / 60),
                                  (int)(remaining % 60));
        return g_strdup (_ ("Parked"));
      case PL_PARK_SLOT_STALE:
      default:
        return g_strdup (_ ("State unknown"));
    }
}

gboolean
pl_park_slot_get_parked_by_me (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), FALSE);
  return self->parked_by_me;
}

gboolean
pl_park_slot_get_probable (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), FALSE);
  return self->probable;
}

gboolean
pl_park_slot_get_race (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), FALSE);
  return self->race;
}

const char *
pl_park_slot_get_parked_by (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);
  return self->parked_by;
}

const char *
pl_park_slot_get_ended_note (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);
  return self->ended_note;
}

const char *
pl_park_slot_get_taken_by (PlParkSlot *self)
{
  g_return_val_if_fail (PL_IS_PARK_SLOT (self), NULL);
  return self->taken_by;
}

#define SET_SCALAR(field, value, prop)                                                             \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (self->field != (value))                                                                    \
      {                                                                                            \
        self->field = (value);                                                                     \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                              \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END

void
pl_park_slot_update (PlParkSlot *self, PlParkSlotState state, const char *caller_name,
                     const char *caller_uri, PlParkIdentitySource source, gint64 parked_since,
                     gboolean parked_by_me, gboolean probable, gboolean race)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (pl_set_str (&self->caller_name, caller_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALLER_NAME]);
  if (pl_set_str (&self->caller_uri, caller_uri))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALLER_URI]);
  SET_SCALAR (identity_source, source, PROP_IDENTITY_SOURCE);
  SET_SCALAR (parked_since, parked_since, PROP_PARKED_SINCE);
  SET_SCALAR (parked_by_me, !!parked_by_me, PROP_PARKED_BY_ME);
  SET_SCALAR (probable, !!probable, PROP_PROBABLE);
  SET_SCALAR (race, !!race, PROP_RACE);
  /* state last, so a handler of notify::state sees the new identity */
  SET_SCALAR (state, state, PROP_STATE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
pl_park_slot_set_state (PlParkSlot *self, PlParkSlotState state)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));
  SET_SCALAR (state, state, PROP_STATE);
}

void
pl_park_slot_set_race (PlParkSlot *self, gboolean race)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));
  SET_SCALAR (race, !!race, PROP_RACE);
}

void
pl_park_slot_set_probable (PlParkSlot *self, gboolean probable)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));
  SET_SCALAR (probable, !!probable, PROP_PROBABLE);
}

void
pl_park_slot_set_parked_by (PlParkSlot *self, const char *parked_by)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));
  if (pl_set_str (&self->parked_by, parked_by))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARKED_BY]);
}

void
pl_park_slot_set_ended (PlParkSlot *self, const char *ended_note, const char *taken_by)
{
  g_return_if_fail (PL_IS_PARK_SLOT (self));
  g_object_freeze_notify (G_OBJECT (self));
  if (pl_set_str (&self->taken_by, taken_by))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAKEN_BY]);
  if (pl_set_str (&self->ended_note, ended_note))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED_NOTE]);
  g_object_thaw_notify (G_OBJECT (self));
}
