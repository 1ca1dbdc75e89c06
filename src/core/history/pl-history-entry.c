/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pl-enums.h"
#include "pl-history.h"
#include "pl-history-private.h"
#include "pl-history-text.h"
#include "pl-sip-uri.h"

struct _PlHistoryEntry
{
  GObject parent_instance;

  gint64 id;
  char *account;
  PlCallDirection direction;
  char *peer_uri;
  char *peer_name;
  char *peer_number;
  char *title;
  char *call_id;
  gint64 started;
  gint64 answered;
  gint64 ended;
  gint64 duration;
  char *outcome;
  PlCallEnd end;
  guint park_flags;
  char *park_lot;
  char *park_slot;
  PlHistoryParkAction park_action;
  PlCallTransfer transfer;
  char *transfer_party;
  char *day;
};

G_DEFINE_FINAL_TYPE (PlHistoryEntry, pl_history_entry, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ACCOUNT,
  PROP_DIRECTION,
  PROP_PEER_URI,
  PROP_PEER_NAME,
  PROP_PEER_NUMBER,
  PROP_TITLE,
  PROP_CALL_ID,
  PROP_STARTED,
  PROP_ANSWERED,
  PROP_ENDED,
  PROP_DURATION,
  PROP_END,
  PROP_IN_PROGRESS,
  PROP_OUTCOME,
  PROP_OUTCOME_LABEL,
  PROP_PARKED,
  PROP_RETURNED,
  PROP_PARK_LOT,
  PROP_PARK_SLOT,
  PROP_PARK_ACTION,
  PROP_TRANSFER,
  PROP_TRANSFER_PARTY,
  PROP_DAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pl_history_entry_finalize (GObject *object)
{
  PlHistoryEntry *self = PL_HISTORY_ENTRY (object);

  g_free (self->account);
  g_free (self->peer_uri);
  g_free (self->peer_name);
  g_free (self->peer_number);
  g_free (self->title);
  g_free (self->call_id);
  g_free (self->outcome);
  g_free (self->park_lot);
  g_free (self->park_slot);
  g_free (self->transfer_party);
  g_free (self->day);

  G_OBJECT_CLASS (pl_history_entry_parent_class)->finalize (object);
}

static void
pl_history_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlHistoryEntry *self = PL_HISTORY_ENTRY (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_int64 (value, self->id);
        break;
      case PROP_ACCOUNT:
        g_value_set_string (value, self->account);
        break;
      case PROP_DIRECTION:
        g_value_set_enum (value, self->direction);
        break;
      case PROP_PEER_URI:
        g_value_set_string (value, self->peer_uri);
        break;
      case PROP_PEER_NAME:
        g_value_set_string (value, self->peer_name);
        break;
      case PROP_PEER_NUMBER:
        g_value_set_string (value, self->peer_number);
        break;
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_CALL_ID:
        g_value_set_string (value, self->call_id);
        break;
      case PROP_STARTED:
        g_value_set_int64 (value, self->started);
        break;
      case PROP_ANSWERED:
        g_value_set_int64 (value, self->answered);
        break;
      case PROP_ENDED:
        g_value_set_int64 (value, self->ended);
        break;
      case PROP_DURATION:
        g_value_set_int64 (value, self->duration);
        break;
      case PROP_END:
        g_value_set_enum (value, self->end);
        break;
      case PROP_IN_PROGRESS:
        g_value_set_boolean (value, pl_history_entry_get_in_progress (self));
        break;
      case PROP_OUTCOME:
        g_value_set_string (value, self->outcome);
        break;
      case PROP_OUTCOME_LABEL:
        g_value_set_string (value, pl_history_entry_get_outcome_label (self));
        break;
      case PROP_PARKED:
        g_value_set_boolean (value, pl_history_entry_get_parked (self));
        break;
      case PROP_RETURNED:
        g_value_set_boolean (value, pl_history_entry_get_returned (self));
        break;
      case PROP_PARK_LOT:
        g_value_set_string (value, self->park_lot);
        break;
      case PROP_PARK_SLOT:
        g_value_set_string (value, self->park_slot);
        break;
      case PROP_PARK_ACTION:
        g_value_set_enum (value, self->park_action);
        break;
      case PROP_TRANSFER:
        g_value_set_enum (value, self->transfer);
        break;
      case PROP_TRANSFER_PARTY:
        g_value_set_string (value, self->transfer_party);
        break;
      case PROP_DAY:
        g_value_set_string (value, self->day);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_history_entry_class_init (PlHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pl_history_entry_finalize;
  object_class->get_property = pl_history_entry_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] = g_param_spec_enum ("direction", NULL, NULL, PL_TYPE_CALL_DIRECTION,
                                                  PL_CALL_DIRECTION_INCOMING, ro);
  properties[PROP_PEER_URI] = g_param_spec_string ("peer-uri", NULL, NULL, NULL, ro);
  properties[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, ro);
  properties[PROP_PEER_NUMBER] = g_param_spec_string ("peer-number", NULL, NULL, NULL, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_CALL_ID] = g_param_spec_string ("call-id", NULL, NULL, NULL, ro);
  properties[PROP_STARTED] = g_param_spec_int64 ("started", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ANSWERED] = g_param_spec_int64 ("answered", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ENDED] = g_param_spec_int64 ("ended", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DURATION] = g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_END]
      = g_param_spec_enum ("end", NULL, NULL, PL_TYPE_CALL_END, PL_CALL_END_NONE, ro);
  properties[PROP_IN_PROGRESS] = g_param_spec_boolean ("in-progress", NULL, NULL, FALSE, ro);
  properties[PROP_OUTCOME] = g_param_spec_string ("outcome", NULL, NULL, NULL, ro);
  properties[PROP_OUTCOME_LABEL] = g_param_spec_string ("outcome-label", NULL, NULL, NULL, ro);
  properties[PROP_PARKED] = g_param_spec_boolean ("parked", NULL, NULL, FALSE, ro);
  properties[PROP_RETURNED] = g_param_spec_boolean ("returned", NULL, NULL, FALSE, ro);
  properties[PROP_PARK_LOT] = g_param_spec_string ("park-lot", NULL, NULL, NULL, ro);
  properties[PROP_PARK_SLOT] = g_param_spec_string ("park-slot", NULL, NULL, NULL, ro);
  properties[PROP_PARK_ACTION] = g_param_spec_enum (
      "park-action", NULL, NULL, PL_TYPE_HISTORY_PARK_ACTION, PL_HISTORY_PARK_ACTION_NONE, ro);
  properties[PROP_TRANSFER] = g_param_spec_enum ("transfer", NULL, NULL, PL_TYPE_CALL_TRANSFER,
                                                 PL_CALL_TRANSFER_NONE, ro);
  properties[PROP_TRANSFER_PARTY] = g_param_spec_string ("transfer-party", NULL, NULL, NULL, ro);
  properties[PROP_DAY] = g_param_spec_string ("day", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_history_entry_init (PlHistoryEntry *self)
{
}

PlCallEnd
pl_history_end_from_string (const char *outcome)
{
  for (PlCallEnd end = PL_CALL_END_HANGUP; end <= PL_CALL_END_ENGINE_STOPPED; end++)
    if (g_strcmp0 (outcome, pl_call_end_to_string (end)) == 0)
      return end;
  return PL_CALL_END_NONE;
}

static char *
column_dup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text && *text ? g_strdup ((const char *)text) : NULL;
}

PlHistoryEntry *
pl_history_entry_new_from_stmt (sqlite3_stmt *stmt)
{
  PlHistoryEntry *self = g_object_new (PL_TYPE_HISTORY_ENTRY, NULL);
  g_autofree char *direction = NULL;
  g_autofree char *park_action = NULL;
  g_autofree char *transfer = NULL;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->account = column_dup (stmt, 1);
  direction = column_dup (stmt, 2);
  self->direction
      = g_strcmp0 (direction, "out") == 0 ? PL_CALL_DIRECTION_OUTGOING : PL_CALL_DIRECTION_INCOMING;
  self->peer_uri = column_dup (stmt, 3);
  self->peer_name = column_dup (stmt, 4);
  self->peer_number = column_dup (stmt, 5);
  self->call_id = column_dup (stmt, 6);
  self->started = sqlite3_column_int64 (stmt, 7);
  self->answered = sqlite3_column_int64 (stmt, 8);
  self->ended = sqlite3_column_int64 (stmt, 9);
  self->duration = sqlite3_column_int64 (stmt, 10);
  self->outcome = column_dup (stmt, 11);
  self->end = pl_history_end_from_string (self->outcome);
  self->park_flags = (guint)sqlite3_column_int (stmt, 12);
  self->park_lot = column_dup (stmt, 13);
  self->park_slot = column_dup (stmt, 14);
  park_action = column_dup (stmt, 15);
  self->park_action = pl_history_park_action_from_string (park_action);
  transfer = column_dup (stmt, 16);
  self->transfer = pl_call_transfer_from_string (transfer);
  self->transfer_party = column_dup (stmt, 17);

  if (self->peer_name)
    self->title = g_strdup (self->peer_name);
  else if (self->peer_number)
    self->title = g_strdup (self->peer_number);
  else
    self->title = g_strdup (_ ("Unknown"));
  self->day = pl_history_day_key (self->started);
  return self;
}

gint64
pl_history_entry_get_id (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), 0);
  return self->id;
}

const char *
pl_history_entry_get_account (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->account;
}

PlCallDirection
pl_history_entry_get_direction (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), PL_CALL_DIRECTION_INCOMING);
  return self->direction;
}

const char *
pl_history_entry_get_peer_uri (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->peer_uri;
}

const char *
pl_history_entry_get_peer_name (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->peer_name;
}

const char *
pl_history_entry_get_peer_number (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->peer_number;
}

const char *
pl_history_entry_get_title (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->title;
}

const char *
pl_history_entry_get_call_id (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->call_id;
}

gint64
pl_history_entry_get_started (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), 0);
  return self->started;
}

gint64
pl_history_entry_get_answered (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), 0);
  return self->answered;
}

gint64
pl_history_entry_get_ended (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), 0);
  return self->ended;
}

gint64
pl_history_entry_get_duration (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), 0);
  return self->duration;
}

PlCallEnd
pl_history_entry_get_end (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), PL_CALL_END_NONE);
  return self->end;
}

gboolean
pl_history_entry_get_in_progress (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), FALSE);
  return g_strcmp0 (self->outcome, PL_HISTORY_OUTCOME_IN_PROGRESS) == 0;
}

const char *
pl_history_entry_get_outcome (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->outcome;
}

const char *
pl_history_entry_get_outcome_label (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);

  switch (self->end)
    {
      case PL_CALL_END_HANGUP:
        return _ ("Answered");
      case PL_CALL_END_MISSED:
        return _ ("Missed");
      case PL_CALL_END_DECLINED:
        return _ ("Declined");
      case PL_CALL_END_FAILED:
        return _ ("Failed");
      case PL_CALL_END_TRANSFERRED:
        return _ ("Transferred");
      case PL_CALL_END_PARKED:
        return _ ("Parked");
      case PL_CALL_END_ENGINE_STOPPED:
        return _ ("Interrupted");
      case PL_CALL_END_NONE:
      default:
        return pl_history_entry_get_in_progress (self) ? _ ("In progress") : _ ("Unknown");
    }
}

gboolean
pl_history_entry_get_parked (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), FALSE);
  return (self->park_flags & PL_HISTORY_PARK_FLAG_PARKED) != 0;
}

gboolean
pl_history_entry_get_returned (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), FALSE);
  return (self->park_flags & PL_HISTORY_PARK_FLAG_RETURNED) != 0;
}

const char *
pl_history_entry_get_park_lot (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->park_lot;
}

const char *
pl_history_entry_get_park_slot (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->park_slot;
}

PlHistoryParkAction
pl_history_entry_get_park_action (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), PL_HISTORY_PARK_ACTION_NONE);
  return self->park_action;
}

const char *
pl_history_entry_get_day (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->day;
}

PlCallTransfer
pl_history_entry_get_transfer (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), PL_CALL_TRANSFER_NONE);
  return self->transfer;
}

const char *
pl_history_entry_get_transfer_party (PlHistoryEntry *self)
{
  g_return_val_if_fail (PL_IS_HISTORY_ENTRY (self), NULL);
  return self->transfer_party;
}
