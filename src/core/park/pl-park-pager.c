/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-pager"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "pl-enums.h"
#include "pl-page-text.h"
#include "pl-park-pager.h"
#include "pl-sip-uri.h"
#include "pl-speech.h"
#include "pl-util.h"

/* How long the page waits to be the only call before Parkline gives up
 * speaking (baresip would play the sound into every call): Asterisk keeps
 * the parker's call ~2.6 s to read out the slot. */
#define SPEECH_WAIT_MS 8000

struct _PlParkPager
{
  GObject parent_instance;

  PlParkService *park;
  PlCallManager *calls;
  PlHistoryRecorder *recorder;

  /* The Park & Page under way. */
  PlCall *parked;
  PlParkLot *lot;
  char *page_uri;
  char *target_title; /* "600" */
  char *caller_name;
  char *caller_uri;
  gboolean spoken;
  gint64 requested;
  int slot;
  PlCall *page_call;
  char *text;
  PlPageSpeech speech;
  char *speech_note;
  char *sound_path;
  GCancellable *cancellable;
  guint speech_wait_id;
};

G_DEFINE_FINAL_TYPE (PlParkPager, pl_park_pager, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PAGE_CALL,
  PROP_TEXT,
  PROP_SPEECH,
  PROP_SPEECH_NOTE,
  PROP_BUSY,
  N_PROPS
};

enum
{
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void maybe_speak (PlParkPager *self);

static void
notify_all (PlParkPager *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_speech (PlParkPager *self, PlPageSpeech speech, const char *note)
{
  self->speech = speech;
  pl_set_str (&self->speech_note, note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEECH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEECH_NOTE]);
}

/* Back to idle: no park being paged, no page up. */
static void
reset (PlParkPager *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->speech_wait_id, g_source_remove);
  if (self->page_call)
    g_signal_handlers_disconnect_by_data (self->page_call, self);
  g_signal_handlers_disconnect_by_func (pl_call_manager_get_calls (self->calls), maybe_speak, self);
  if (self->sound_path && g_unlink (self->sound_path) != 0 && errno != ENOENT)
    g_debug ("could not remove %s: %s", self->sound_path, g_strerror (errno));
  g_clear_pointer (&self->sound_path, g_free);
  g_clear_object (&self->parked);
  g_clear_object (&self->lot);
  g_clear_object (&self->page_call);
  g_clear_pointer (&self->page_uri, g_free);
  g_clear_pointer (&self->target_title, g_free);
  g_clear_pointer (&self->caller_name, g_free);
  g_clear_pointer (&self->caller_uri, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->speech_note, g_free);
  self->speech = PL_PAGE_SPEECH_OFF;
  notify_all (self);
}

/* --- speaking ------------------------------------------------------------ */

static void
play_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlParkPager) self = user_data;
  g_autoptr (GError) error = NULL;

  if (pl_engine_action_finish (PL_ENGINE (source), result, &error))
    {
      set_speech (self, PL_PAGE_SPEECH_PLAYING, _ ("Parkline is speaking the announcement"));
      return;
    }
  if (self->page_call == NULL)
    return;
  {
    g_autofree char *note
        = g_strdup_printf (_ ("Parkline could not speak (%s): read it out"), error->message);
    set_speech (self, PL_PAGE_SPEECH_FAILED, note);
  }
}

static void
rendered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlParkPager) self = user_data;
  g_autoptr (GError) error = NULL;
  PlEngine *engine;

  if (!pl_speech_render_finish (result, &error))
    {
      g_autofree char *note = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->page_call == NULL)
        return;
      note = g_strdup_printf (_ ("%s Read it out."), error->message);
      set_speech (self, PL_PAGE_SPEECH_FAILED, note);
      return;
    }
  if (self->page_call == NULL || !pl_call_is_live (self->page_call))
    return;
  engine = pl_call_manager_get_engine (self->calls);
  pl_engine_action_async (engine, PL_ENGINE_ACTION_PLAY, pl_call_get_id (self->page_call),
                          self->sound_path, self->cancellable, play_done, g_object_ref (self));
}

static char *
sound_file (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "parkline", NULL);
  g_autofree char *name = g_strdup_printf ("page-%d.wav", (int)getpid ());

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir,
                   g_strerror (saved));
      return NULL;
    }
  return g_build_filename (dir, name, NULL);
}

static gboolean
only_call_up (PlParkPager *self)
{
  GListModel *calls = pl_call_manager_get_calls (self->calls);
  return g_list_model_get_n_items (calls) == 1 && pl_call_is_live (self->page_call);
}

static gboolean
speech_wait_expired (gpointer user_data)
{
  PlParkPager *self = user_data;

  self->speech_wait_id = 0;
  g_signal_handlers_disconnect_by_func (pl_call_manager_get_calls (self->calls), maybe_speak, self);
  if (self->speech == PL_PAGE_SPEECH_WAITING)
    set_speech (self, PL_PAGE_SPEECH_FAILED,
                _ ("Another call is up, and Parkline would speak into it too: read it out"));
  return G_SOURCE_REMOVE;
}

/* The page is answered: speak once it is the only call. baresip plays a
 * sound into every call it has, and the park call lingers while the PBX
 * reads out the slot. */
static void
maybe_speak (PlParkPager *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *spoken = NULL;

  if (self->speech != PL_PAGE_SPEECH_WAITING || self->page_call == NULL
      || pl_call_get_state (self->page_call) != PL_CALL_STATE_ACTIVE)
    return;
  if (!only_call_up (self))
    {
      if (self->speech_wait_id == 0)
        {
          self->speech_wait_id = g_timeout_add (SPEECH_WAIT_MS, speech_wait_expired, self);
          g_signal_connect_object (pl_call_manager_get_calls (self->calls), "items-changed",
                                   G_CALLBACK (maybe_speak), self, G_CONNECT_SWAPPED);
        }
      return;
    }
  g_clear_handle_id (&self->speech_wait_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (pl_call_manager_get_calls (self->calls), maybe_speak, self);
  if (self->sound_path == NULL && (self->sound_path = sound_file (&error)) == NULL)
    {
      g_autofree char *note = g_strdup_printf (_ ("%s Read it out."), error->message);
      set_speech (self, PL_PAGE_SPEECH_FAILED, note);
      return;
    }
  set_speech (self, PL_PAGE_SPEECH_PLAYING, _ ("Parkline is speaking the announcement"));
  spoken = pl_page_text_spoken (self->caller_name, self->slot);
  pl_speech_render_async (spoken, pl_page_text_voice (), self->sound_path, self->cancellable,
                          rendered, g_object_ref (self));
}

/* --- the page call ---------------------------------------------------------- */

static void
on_page_state (PlCall *call, GParamSpec *pspec, PlParkPager *self)
{
  if (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE)
    maybe_speak (self);
}

static void
record_page (PlParkPager *self)
{
  g_autofree char *slot = self->slot >= 0 ? g_strdup_printf ("%d", self->slot) : NULL;
  PlHistoryParkInfo info = {
    .lot = pl_park_lot_get_name (self->lot),
    .slot = slot,
    .action = PL_HISTORY_PARK_ACTION_PAGED,
    .actor = PL_HISTORY_PARK_ACTOR_ME,
    .caller_name = self->caller_name,
    .caller_uri = self->caller_uri,
    .party = self->target_title,
    .parked_at = self->requested,
    .at = pl_call_get_answered (self->page_call),
  };

  if (self->recorder)
    pl_history_recorder_park_event (self->recorder, self->parked, &info);
}

static void
on_call_ended (PlCallManager *calls, PlCall *call, PlParkPager *self)
{
  if (call != self->page_call)
    return;
  if (pl_call_get_answered (call) != 0)
    record_page (self);
  else
    {
      const char *reason = pl_call_get_end_reason (call);
      g_autofree char *caller = pl_sip_party_title (self->caller_name, self->caller_uri);
      const char *who = caller ? caller : _ ("The caller");
      const char *why = reason && *reason ? reason : _ ("no answer");

      if (self->slot >= 0)
        pl_emit_message (self, signals[SIGNAL_MESSAGE],
                         _ ("%s stays parked on %d, but the page to %s failed: %s"), who,
                         self->slot, self->target_title, why);
      else
        pl_emit_message (self, signals[SIGNAL_MESSAGE],
                         _ ("%s stays parked, but the page to %s failed: %s"), who,
                         self->target_title, why);
    }
  reset (self);
}

static void
on_park_landed (PlParkService *park, PlCall *call, PlParkLot *lot, int slot, PlParkPager *self)
{
  g_autoptr (GError) error = NULL;
  PlCall *page;

  if (call != self->parked || self->page_call != NULL)
    return;
  self->slot = slot;
  g_free (self->text);
  {
    g_autofree char *caller = pl_sip_party_title (self->caller_name, self->caller_uri);
    self->text = pl_page_text_display (caller, slot);
  }
  page = pl_call_manager_dial (self->calls, self->page_uri, &error);
  if (page == NULL)
    {
      pl_emit_message (self, signals[SIGNAL_MESSAGE],
                       _ ("The call is parked, but the page could not be made: %s"),
                       error->message);
      reset (self);
      return;
    }
  self->page_call = g_object_ref (page);
  {
    g_autofree char *note = g_strdup_printf (_ ("Paging %s"), self->target_title);
    pl_call_set_note (page, note);
  }
  g_signal_connect_object (page, "notify::state", G_CALLBACK (on_page_state), self, 0);
  self->speech = self->spoken ? PL_PAGE_SPEECH_WAITING : PL_PAGE_SPEECH_OFF;
  notify_all (self);
}

static void
on_park_failed (PlParkService *park, PlCall *call, PlParkPager *self)
{
  if (call != self->parked || self->page_call != NULL)
    return;
  pl_emit_message (self, signals[SIGNAL_MESSAGE], "%s",
                   _ ("No page was sent: the call was not parked"));
  reset (self);
}

/* --- public API ----------------------------------------------------------- */

gboolean
pl_park_pager_park_and_page (PlParkPager *self, PlCall *call, PlParkLot *lot, int slot,
                             GError **error)
{
  PlAccount *account;
  const PlParkLotConfig *config;

  g_return_val_if_fail (PL_IS_PARK_PAGER (self), FALSE);
  g_return_val_if_fail (PL_IS_CALL (call), FALSE);

  if (pl_park_pager_get_busy (self))
    {
      g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_BUSY,
                           _ ("A page is already going out: end it first"));
      return FALSE;
    }
  if (lot == NULL)
    lot = pl_park_service_find_lot (self->park, NULL);
  if (lot == NULL)
    {
      g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_LOT,
                           _ ("No park lot is set up: add one in Preferences"));
      return FALSE;
    }
  config = pl_park_lot_get_config (lot);
  account = pl_engine_get_account (pl_call_manager_get_engine (self->calls));
  if (account == NULL || !pl_account_is_complete (account))
    {
      g_set_error_literal (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NO_ACCOUNT,
                           _ ("Set up a SIP account before parking calls"));
      return FALSE;
    }
  /* Known before anything happens to the call: a page that cannot be made
   * must not leave a parked call nobody hears about. */
  self->page_uri = pl_park_lot_config_page_uri (config, pl_account_get_domain (account), error);
  if (self->page_uri == NULL)
    return FALSE;

  self->parked = g_object_ref (call);
  self->lot = g_object_ref (lot);
  self->target_title = pl_sip_uri_dup_display_user (self->page_uri);
  self->caller_name = g_strdup (pl_call_get_peer_name (call));
  self->caller_uri = g_strdup (pl_call_get_peer_uri (call));
  self->spoken = config->page_spoken;
  self->requested = g_get_real_time ();
  self->slot = slot;
  self->cancellable = g_cancellable_new ();
  /* Before parking: a park can fail (and say so) before this returns. */
  if (!pl_park_service_park (self->park, call, lot, slot, error))
    {
      reset (self);
      return FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return TRUE;
}

gboolean
pl_park_pager_end_page (PlParkPager *self, GError **error)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), FALSE);

  if (self->page_call == NULL || !pl_call_is_live (self->page_call))
    {
      g_set_error_literal (error, PL_CALL_MANAGER_ERROR, PL_CALL_MANAGER_ERROR_WRONG_STATE,
                           _ ("No page is going out"));
      return FALSE;
    }
  return pl_call_manager_hangup (self->calls, self->page_call, error);
}

PlCall *
pl_park_pager_get_page_call (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), NULL);
  return self->page_call;
}

const char *
pl_park_pager_get_text (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), NULL);
  return self->text;
}

int
pl_park_pager_get_slot (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), PL_PARK_ANY_SLOT);
  return self->page_call ? self->slot : PL_PARK_ANY_SLOT;
}

PlPageSpeech
pl_park_pager_get_speech (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), PL_PAGE_SPEECH_OFF);
  return self->speech;
}

const char *
pl_park_pager_get_speech_note (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), NULL);
  return self->speech_note;
}

gboolean
pl_park_pager_get_busy (PlParkPager *self)
{
  g_return_val_if_fail (PL_IS_PARK_PAGER (self), FALSE);
  return self->parked != NULL;
}

/* --- GObject ---------------------------------------------------------------- */

static void
pl_park_pager_dispose (GObject *object)
{
  PlParkPager *self = PL_PARK_PAGER (object);

  if (self->calls)
    reset (self);
  if (self->park)
    g_signal_handlers_disconnect_by_data (self->park, self);
  if (self->calls)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  g_clear_object (&self->park);
  g_clear_object (&self->calls);
  g_clear_object (&self->recorder);
  G_OBJECT_CLASS (pl_park_pager_parent_class)->dispose (object);
}

static void
pl_park_pager_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlParkPager *self = PL_PARK_PAGER (object);

  switch (prop_id)
    {
      case PROP_PAGE_CALL:
        g_value_set_object (value, self->page_call);
        break;
      case PROP_TEXT:
        g_value_set_string (value, self->text);
        break;
      case PROP_SPEECH:
        g_value_set_enum (value, self->speech);
        break;
      case PROP_SPEECH_NOTE:
        g_value_set_string (value, self->speech_note);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, pl_park_pager_get_busy (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_park_pager_class_init (PlParkPagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pl_park_pager_dispose;
  object_class->get_property = pl_park_pager_get_property;

  properties[PROP_PAGE_CALL] = g_param_spec_object ("page-call", NULL, NULL, PL_TYPE_CALL, ro);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, ro);
  properties[PROP_SPEECH]
      = g_param_spec_enum ("speech", NULL, NULL, PL_TYPE_PAGE_SPEECH, PL_PAGE_SPEECH_OFF, ro);
  properties[PROP_SPEECH_NOTE] = g_param_spec_string ("speech-note", NULL, NULL, NULL, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pl_park_pager_init (PlParkPager *self)
{
  self->slot = PL_PARK_ANY_SLOT;
}

PlParkPager *
pl_park_pager_new (PlParkService *park, PlCallManager *calls, PlHistoryRecorder *recorder)
{
  PlParkPager *self;

  g_return_val_if_fail (PL_IS_PARK_SERVICE (park), NULL);
  g_return_val_if_fail (PL_IS_CALL_MANAGER (calls), NULL);

  self = g_object_new (PL_TYPE_PARK_PAGER, NULL);
  self->park = g_object_ref (park);
  self->calls = g_object_ref (calls);
  self->recorder = recorder ? g_object_ref (recorder) : NULL;
  g_signal_connect (park, "own-park-landed", G_CALLBACK (on_park_landed), self);
  g_signal_connect (park, "own-park-failed", G_CALLBACK (on_park_failed), self);
  g_signal_connect (calls, "call-ended", G_CALLBACK (on_call_ended), self);
  return self;
}
