/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-call"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pl-call.h"
#include "pl-enums.h"
#include "pl-sip-uri.h"
#include "pl-util.h"

struct _PlCall
{
  GObject parent_instance;

  guint handle;
  char *id;
  PlCallDirection direction;
  PlCallState state;
  char *peer_uri;
  char *peer_name;
  char *account_aor;
  gint64 started;
  gint64 answered;
  gint64 ended;
  gboolean muted;
  gboolean media_received;
  char *note;
  gboolean ended_here;
  PlCallEnd end;
  char *end_reason;
};

G_DEFINE_FINAL_TYPE (PlCall, pl_call, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_STATE,
  PROP_PEER_URI,
  PROP_PEER_NAME,
  PROP_TITLE,
  PROP_ACCOUNT_AOR,
  PROP_STARTED,
  PROP_ANSWERED,
  PROP_ENDED,
  PROP_MUTED,
  PROP_MEDIA_RECEIVED,
  PROP_NOTE,
  PROP_END,
  PROP_END_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pl_call_finalize (GObject *object)
{
  PlCall *self = PL_CALL (object);

  g_free (self->id);
  g_free (self->peer_uri);
  g_free (self->peer_name);
  g_free (self->account_aor);
  g_free (self->end_reason);
  g_free (self->note);

  G_OBJECT_CLASS (pl_call_parent_class)->finalize (object);
}

static void
pl_call_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlCall *self = PL_CALL (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_DIRECTION:
        g_value_set_enum (value, self->direction);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_PEER_URI:
        g_value_set_string (value, self->peer_uri);
        break;
      case PROP_PEER_NAME:
        g_value_set_string (value, self->peer_name);
        break;
      case PROP_TITLE:
        g_value_take_string (value, pl_call_dup_title (self));
        break;
      case PROP_ACCOUNT_AOR:
        g_value_set_string (value, self->account_aor);
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
      case PROP_MUTED:
        g_value_set_boolean (value, self->muted);
        break;
      case PROP_MEDIA_RECEIVED:
        g_value_set_boolean (value, self->media_received);
        break;
      case PROP_END:
        g_value_set_enum (value, self->end);
        break;
      case PROP_END_REASON:
        g_value_set_string (value, self->end_reason);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_call_class_init (PlCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pl_call_finalize;
  object_class->get_property = pl_call_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] = g_param_spec_enum ("direction", NULL, NULL, PL_TYPE_CALL_DIRECTION,
                                                  PL_CALL_DIRECTION_OUTGOING, ro);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, PL_TYPE_CALL_STATE, PL_CALL_STATE_DIALING, ro);
  properties[PROP_PEER_URI] = g_param_spec_string ("peer-uri", NULL, NULL, NULL, ro);
  properties[PROP_PEER_NAME] = g_param_spec_string ("peer-name", NULL, NULL, NULL, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_ACCOUNT_AOR] = g_param_spec_string ("account-aor", NULL, NULL, NULL, ro);
  properties[PROP_STARTED] = g_param_spec_int64 ("started", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ANSWERED] = g_param_spec_int64 ("answered", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ENDED] = g_param_spec_int64 ("ended", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, ro);
  properties[PROP_MEDIA_RECEIVED] = g_param_spec_boolean ("media-received", NULL, NULL, FALSE, ro);
  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, NULL, ro);
  properties[PROP_END]
      = g_param_spec_enum ("end", NULL, NULL, PL_TYPE_CALL_END, PL_CALL_END_NONE, ro);
  properties[PROP_END_REASON] = g_param_spec_string ("end-reason", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pl_call_init (PlCall *self)
{
  static guint last_handle;

  self->handle = g_atomic_int_add (&last_handle, 1) + 1;
  self->started = g_get_real_time ();
}

PlCall *
pl_call_new (const char *id, PlCallDirection direction, const char *peer_uri, const char *peer_name)
{
  PlCall *self = g_object_new (PL_TYPE_CALL, NULL);

  self->id = g_strdup (id);
  self->direction = direction;
  self->state
      = direction == PL_CALL_DIRECTION_INCOMING ? PL_CALL_STATE_INCOMING : PL_CALL_STATE_DIALING;
  self->peer_uri = g_strdup (peer_uri);
  self->peer_name = g_strdup (peer_name && *peer_name ? peer_name : NULL);
  return self;
}

guint
pl_call_get_handle (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), 0);
  return self->handle;
}

const char *
pl_call_get_id (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->id;
}

void
pl_call_set_id (PlCall *self, const char *id)
{
  g_return_if_fail (PL_IS_CALL (self));
  if (pl_set_str (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

PlCallDirection
pl_call_get_direction (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), PL_CALL_DIRECTION_OUTGOING);
  return self->direction;
}

PlCallState
pl_call_get_state (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), PL_CALL_STATE_ENDED);
  return self->state;
}

void
pl_call_set_state (PlCall *self, PlCallState state)
{
  g_return_if_fail (PL_IS_CALL (self));

  /* An ended call stays ended: late events from the engine must not revive it. */
  if (self->state == state || self->state == PL_CALL_STATE_ENDED)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if ((state == PL_CALL_STATE_ACTIVE || state == PL_CALL_STATE_HELD) && self->answered == 0)
    {
      self->answered = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
    }
  if (state == PL_CALL_STATE_ENDED)
    {
      self->ended = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDED]);
    }
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
pl_call_get_peer_uri (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->peer_uri;
}

const char *
pl_call_get_peer_name (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->peer_name;
}

void
pl_call_set_peer_name (PlCall *self, const char *peer_name)
{
  g_return_if_fail (PL_IS_CALL (self));
  if (peer_name && !*peer_name)
    peer_name = NULL;
  if (pl_set_str (&self->peer_name, peer_name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

/* What a person calls this call: the display name, else the number/user. */
char *
pl_call_dup_title (PlCall *self)
{
  char *title;

  g_return_val_if_fail (PL_IS_CALL (self), NULL);

  title = pl_sip_party_title (self->peer_name, self->peer_uri);
  return title ? title : g_strdup (_ ("Unknown"));
}

const char *
pl_call_get_account_aor (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->account_aor;
}

void
pl_call_set_account_aor (PlCall *self, const char *aor)
{
  g_return_if_fail (PL_IS_CALL (self));
  if (pl_set_str (&self->account_aor, aor))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_AOR]);
}

gint64
pl_call_get_started (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), 0);
  return self->started;
}

gint64
pl_call_get_answered (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), 0);
  return self->answered;
}

gint64
pl_call_get_ended (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), 0);
  return self->ended;
}

/* Talk time in microseconds: zero until answered, frozen once ended. */
gint64
pl_call_get_duration (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), 0);

  if (self->answered == 0)
    return 0;
  return (self->ended ? self->ended : g_get_real_time ()) - self->answered;
}

gboolean
pl_call_get_muted (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), FALSE);
  return self->muted;
}

void
pl_call_set_muted (PlCall *self, gboolean muted)
{
  g_return_if_fail (PL_IS_CALL (self));
  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
pl_call_get_ended_here (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), FALSE);
  return self->ended_here;
}

void
pl_call_set_ended_here (PlCall *self, gboolean ended_here)
{
  g_return_if_fail (PL_IS_CALL (self));
  self->ended_here = !!ended_here;
}

const char *
pl_call_get_note (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->note;
}

void
pl_call_set_note (PlCall *self, const char *note)
{
  g_return_if_fail (PL_IS_CALL (self));
  if (pl_set_str (&self->note, note))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
}

PlCallEnd
pl_call_get_end (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), PL_CALL_END_NONE);
  return self->end;
}

const char *
pl_call_get_end_reason (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), NULL);
  return self->end_reason;
}

/* Ends the call once; the first cause wins, later ones (a BYE racing a
 * transfer, say) are ignored. */
void
pl_call_end (PlCall *self, PlCallEnd end, const char *reason)
{
  g_return_if_fail (PL_IS_CALL (self));

  if (self->state == PL_CALL_STATE_ENDED)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->end = end;
  pl_set_str (&self->end_reason, reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
  pl_call_set_state (self, PL_CALL_STATE_ENDED);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
pl_call_is_live (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), FALSE);
  return self->state != PL_CALL_STATE_ENDED;
}

const char *
pl_call_state_to_string (PlCallState state)
{
  switch (state)
    {
      case PL_CALL_STATE_INCOMING:
        return _ ("Incoming call");
      case PL_CALL_STATE_DIALING:
        return _ ("Calling…");
      case PL_CALL_STATE_RINGING:
        return _ ("Ringing…");
      case PL_CALL_STATE_ACTIVE:
        return _ ("In call");
      case PL_CALL_STATE_HELD:
        return _ ("On hold");
      case PL_CALL_STATE_ENDED:
        return _ ("Call ended");
      default:
        g_return_val_if_reached (NULL);
    }
}

/* Stable, untranslated names: history rows and D-Bus carry these. */
const char *
pl_call_end_to_string (PlCallEnd end)
{
  static const char *const names[] = {
    [PL_CALL_END_NONE] = "none",     [PL_CALL_END_HANGUP] = "answered",
    [PL_CALL_END_MISSED] = "missed", [PL_CALL_END_DECLINED] = "declined",
    [PL_CALL_END_FAILED] = "failed", [PL_CALL_END_TRANSFERRED] = "transferred",
    [PL_CALL_END_PARKED] = "parked", [PL_CALL_END_ENGINE_STOPPED] = "engine-stopped",
  };

  g_return_val_if_fail (end < G_N_ELEMENTS (names), NULL);
  return names[end];
}

gboolean
pl_call_get_media_received (PlCall *self)
{
  g_return_val_if_fail (PL_IS_CALL (self), FALSE);
  return self->media_received;
}

void
pl_call_set_media_received (PlCall *self, gboolean received)
{
  g_return_if_fail (PL_IS_CALL (self));
  if (self->media_received == !!received)
    return;
  self->media_received = !!received;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEDIA_RECEIVED]);
}
