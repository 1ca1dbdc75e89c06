/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-baresip-engine"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pl-audio-devices.h"
#include "pl-baresip-config.h"
#include "pl-baresip-ctrl.h"
#include "pl-baresip-engine.h"
#include "pl-baresip-protocol.h"
#include "pl-baresip-reregister.h"
#include "pl-enums.h"
#include "pl-sip-trace.h"
#include "pl-wav.h"
#include "pl-sip-uri.h"
#include "pl-trace.h"
#include "pl-util.h"

#define STABLE_RUN_US         (30 * G_USEC_PER_SEC)
#define QUIT_GRACE_MS         1500
#define ENGINE_STOPPED_REASON "engine stopped"

/* Options */

PlBaresipOptions *
pl_baresip_options_new (void)
{
  return g_new0 (PlBaresipOptions, 1);
}

PlBaresipOptions *
pl_baresip_options_copy (const PlBaresipOptions *o)
{
  PlBaresipOptions *copy = g_new0 (PlBaresipOptions, 1);

  *copy = *o;
  copy->binary = g_strdup (o->binary);
  copy->module_path = g_strdup (o->module_path);
  copy->runtime_dir = g_strdup (o->runtime_dir);
  copy->sip_listen = g_strdup (o->sip_listen);
  copy->net_interface = g_strdup (o->net_interface);
  copy->input_device = g_strdup (o->input_device);
  copy->output_device = g_strdup (o->output_device);
  copy->ringer_device = g_strdup (o->ringer_device);
  copy->audio_player = g_strdup (o->audio_player);
  copy->audio_source = g_strdup (o->audio_source);
  copy->audio_alert = g_strdup (o->audio_alert);
  copy->extra_modules = g_strdupv (o->extra_modules);
  copy->log_file = g_strdup (o->log_file);
  return copy;
}

void
pl_baresip_options_free (PlBaresipOptions *o)
{
  if (o == NULL)
    return;
  g_free (o->binary);
  g_free (o->module_path);
  g_free (o->runtime_dir);
  g_free (o->sip_listen);
  g_free (o->net_interface);
  g_free (o->input_device);
  g_free (o->output_device);
  g_free (o->ringer_device);
  g_free (o->audio_player);
  g_free (o->audio_source);
  g_free (o->audio_alert);
  g_strfreev (o->extra_modules);
  g_free (o->log_file);
  g_free (o);
}

/* One run of the baresip binary. It lives until the child has exited (and
 * been reaped), even after the engine moved on to a new instance. */
typedef struct
{
  PlBaresipEngine *engine; /* NULL once the engine is gone */
  GSubprocess *proc;
  PlBaresipCtrl *ctrl;
  guint16 ctrl_port;
  gint64 started;
  gboolean exited;
  gboolean stopping;
  guint kill_id;
  guint close_check_id;
  GCancellable *cancellable;
  char *audio_source; /* the "module,device" its calls use, to return to after a play */
  PlSipTrace *trace;  /* reads dialog tags from its stdout (-s) */
  FILE *log;          /* options->log_file, or NULL */
  char *check_source; /* devices to ask baresip about once connected; NULL: known */
  char *check_player;
} Instance;

typedef struct
{
  PlCallDirection direction;
  gboolean has_direction;
  char *peer_uri;
  char *peer_name;
  char *aor;
  gboolean muted;
  gboolean dialog_known; /* CALL_DIALOG emitted */
  gboolean tainted;      /* set up while a sound played: its source is the sound */
} CallInfo;

struct _PlBaresipEngine
{
  GObject parent_instance;

  PlBaresipOptions *options;
  PlAccount *account;
  PlEngineState state;
  char *config_dir;

  Instance *current;
  GList *instances;  /* every Instance whose child has not exited */
  GHashTable *calls; /* call id → CallInfo */
  guint restart_id;
  guint register_timeout_id;
  guint quick_restarts;
  guint restart_count;
  gboolean no_audio_reported;
  char *started_devices; /* the device names the current child was started with */
  guint spawn_serial;    /* which start a device choice in a worker belongs to */
  guint audio_change_id;
  GHashTable *dialogs; /* call id → PlSipTraceDialog, the first 2xx to its INVITE */
  char *playing_call;  /* the call a sound plays into (PL_ENGINE_ACTION_PLAY) */
  /* the server was gone: register afresh once no call is up */
  gboolean reregister_pending;
  guint reregister_id;
  guint unregistering_to_ignore; /* from the user agents we replace */
};

static void pl_baresip_engine_iface_init (PlEngineInterface *iface);
static void schedule_audio_change (PlBaresipEngine *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlBaresipEngine, pl_baresip_engine, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PL_TYPE_ENGINE, pl_baresip_engine_iface_init))

enum
{
  PROP_0,
  PROP_STATE,
  PROP_ACCOUNT,
};

static void spawn_instance (PlBaresipEngine *self);
static void instance_lost (Instance *inst, PlEngineError code, const char *message);
static void schedule_reregister (PlBaresipEngine *self);

static void
call_info_free (gpointer data)
{
  CallInfo *info = data;

  g_free (info->peer_uri);
  g_free (info->peer_name);
  g_free (info->aor);
  g_free (info);
}

static void
set_state (PlBaresipEngine *self, PlEngineState state)
{
  if (self->state == state)
    return;
  g_debug ("state %d → %d", self->state, state);
  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

static const char *
options_binary (PlBaresipEngine *self)
{
  const char *env = g_getenv ("PL_BARESIP");

  if (self->options->binary)
    return self->options->binary;
  if (env && *env)
    return env;
  return PL_BARESIP_BINARY;
}

/* Instances */

static void
instance_free (Instance *inst)
{
  g_clear_handle_id (&inst->kill_id, g_source_remove);
  g_clear_handle_id (&inst->close_check_id, g_source_remove);
  if (inst->ctrl)
    {
      g_signal_handlers_disconnect_by_data (inst->ctrl, inst);
      pl_baresip_ctrl_close (inst->ctrl);
      g_clear_object (&inst->ctrl);
    }
  g_cancellable_cancel (inst->cancellable);
  g_clear_object (&inst->cancellable);
  g_clear_object (&inst->proc);
  g_free (inst->audio_source);
  g_clear_pointer (&inst->trace, pl_sip_trace_free);
  g_clear_pointer (&inst->log, fclose);
  g_free (inst->check_source);
  g_free (inst->check_player);
  g_free (inst);
}

static void
instance_kill (Instance *inst)
{
  if (inst->proc && !inst->exited)
    g_subprocess_force_exit (inst->proc);
}

static gboolean
kill_timeout_cb (gpointer user_data)
{
  Instance *inst = user_data;

  inst->kill_id = 0;
  g_debug ("baresip did not quit in time; killing it");
  instance_kill (inst);
  return G_SOURCE_REMOVE;
}

/* Detaches an instance from the engine's current slot: its control
 * connection is dropped and the child is told to go (quit, then SIGKILL). */
static void
instance_retire (Instance *inst, gboolean graceful)
{
  inst->stopping = TRUE;
  if (inst->engine && inst->engine->current == inst)
    inst->engine->current = NULL;
  if (inst->ctrl)
    {
      g_signal_handlers_disconnect_by_data (inst->ctrl, inst);
      if (graceful && pl_baresip_ctrl_is_connected (inst->ctrl))
        pl_baresip_ctrl_send (inst->ctrl, "quit", NULL);
      else
        pl_baresip_ctrl_close (inst->ctrl);
    }
  if (graceful && !inst->exited)
    {
      if (inst->kill_id == 0)
        inst->kill_id = g_timeout_add (QUIT_GRACE_MS, kill_timeout_cb, inst);
    }
  else
    instance_kill (inst);
}

static void
child_exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Instance *inst = user_data;
  PlBaresipEngine *self = inst->engine;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  inst->exited = TRUE;
  if (self != NULL)
    {
      self->instances = g_list_remove (self->instances, inst);
      if (self->current == inst)
        {
          GSubprocess *proc = inst->proc;

          if (g_subprocess_get_if_signaled (proc))
            message = g_strdup_printf (_ ("The phone engine crashed (signal %d); restarting it"),
                                       g_subprocess_get_term_sig (proc));
          else
            message = g_strdup_printf (_ ("The phone engine stopped unexpectedly (exit status "
                                          "%d); restarting it"),
                                       g_subprocess_get_exit_status (proc));
          instance_lost (inst, PL_ENGINE_ERROR_SPAWN, message);
        }
    }
  instance_free (inst);
}

/* Calls */

static void
emit_synthetic (PlBaresipEngine *self, PlEngineEventType type, const char *type_name,
                const char *call_id, const CallInfo *info, const char *param)
{
  g_autoptr (PlEngineEvent) event = pl_engine_event_new (type);

  event->type_name = g_strdup (type_name);
  event->call_id = g_strdup (call_id);
  event->param = g_strdup (param);
  if (info)
    {
      event->account_aor = g_strdup (info->aor);
      event->peer_uri = g_strdup (info->peer_uri);
      event->peer_name = g_strdup (info->peer_name);
      event->has_direction = info->has_direction;
      event->direction = info->direction;
    }
  else if (self->account)
    event->account_aor = pl_account_dup_aor (self->account);
  pl_engine_emit_event (PL_ENGINE (self), event);
}

/* Every call baresip knew about is gone with it. */
static void
close_all_calls (PlBaresipEngine *self)
{
  g_autoptr (GHashTable) calls = g_steal_pointer (&self->calls);
  GHashTableIter iter;
  gpointer key, value;

  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, call_info_free);
  /* A new child starts from its config again: nothing to restore. */
  g_hash_table_remove_all (self->dialogs);
  g_clear_pointer (&self->playing_call, g_free);
  g_hash_table_iter_init (&iter, calls);
  while (g_hash_table_iter_next (&iter, &key, &value))
    emit_synthetic (self, PL_ENGINE_EVENT_CALL_CLOSED, "CALL_CLOSED", key, value,
                    ENGINE_STOPPED_REASON);
}

/* Registration */

static gboolean
is_our_aor (PlBaresipEngine *self, const char *aor)
{
  g_autofree char *ours = NULL;

  if (self->account == NULL || aor == NULL)
    return FALSE;
  ours = pl_account_dup_aor (self->account);
  return g_ascii_strcasecmp (ours, aor) == 0;
}

static gboolean
register_timeout_cb (gpointer user_data)
{
  PlBaresipEngine *self = user_data;
  g_autofree char *reason = pl_baresip_registration_reason ("unreachable");

  self->register_timeout_id = 0;
  if (self->account == NULL
      || pl_account_get_registration_state (self->account) != PL_REGISTRATION_REGISTERING)
    return G_SOURCE_REMOVE;
  pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, reason);
  emit_synthetic (self, PL_ENGINE_EVENT_REGISTER_FAIL, "REGISTER_FAIL", NULL, NULL, "unreachable");
  return G_SOURCE_REMOVE;
}

static void
uanew_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlBaresipEngine) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &error);

  /* The reply echoes the account line, password included: never log it. */
  if (data == NULL && self->account
      && !g_error_matches (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL))
    {
      g_autofree char *msg
          = g_strdup_printf (_ ("The phone engine refused the account: %s"), error->message);
      pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, msg);
      g_clear_handle_id (&self->register_timeout_id, g_source_remove);
    }
}

static void
register_account (PlBaresipEngine *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  guint regint = self->options->regint ? self->options->regint : 600;
  guint timeout = self->options->register_timeout_ms ? self->options->register_timeout_ms : 20000;

  if (self->account == NULL || self->current == NULL || self->current->ctrl == NULL)
    return;
  line = pl_baresip_account_line (self->account, regint, &error);
  if (line == NULL)
    {
      pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, error->message);
      return;
    }
  pl_account_set_registration (self->account, PL_REGISTRATION_REGISTERING, NULL);
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  self->register_timeout_id = g_timeout_add (timeout, register_timeout_cb, self);
  /* a fresh child registers anyway */
  self->reregister_pending = FALSE;
  self->unregistering_to_ignore = 0;
  /* Added over the control socket rather than the accounts file, so the
   * REGISTERING/REGISTER_OK events reach us (the file is read before we are
   * connected) and the password never touches the disk. */
  pl_baresip_ctrl_command_async (self->current->ctrl, "uanew", line,
                                 self->options->command_timeout_ms, NULL, uanew_cb,
                                 g_object_ref (self));
}

static void
handle_registration (PlBaresipEngine *self, const PlEngineEvent *event)
{
  if (!is_our_aor (self, event->account_aor))
    return;
  switch (event->type)
    {
      case PL_ENGINE_EVENT_REGISTERING:
        /* Refreshes emit REGISTERING too; a registered account stays so. */
        if (pl_account_get_registration_state (self->account) != PL_REGISTRATION_REGISTERED)
          pl_account_set_registration (self->account, PL_REGISTRATION_REGISTERING, NULL);
        break;
      case PL_ENGINE_EVENT_REGISTER_OK:
        g_clear_handle_id (&self->register_timeout_id, g_source_remove);
        pl_account_set_registration (self->account, PL_REGISTRATION_REGISTERED, NULL);
        break;
      case PL_ENGINE_EVENT_REGISTER_FAIL:
        {
          g_autofree char *reason = pl_baresip_registration_reason (event->param);

          g_clear_handle_id (&self->register_timeout_id, g_source_remove);
          pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, reason);
        }
        break;
      case PL_ENGINE_EVENT_UNREGISTERING:
        /* the old agent of a re-registration leaving, not ours */
        if (self->unregistering_to_ignore > 0)
          {
            self->unregistering_to_ignore--;
            break;
          }
        pl_account_set_registration (self->account, PL_REGISTRATION_NONE, NULL);
        break;
      default:
        break;
    }
}

/* Dialog tags, from the SIP trace */

/* Tells the call's dialog tags once both halves are known: the trace (a
 * pipe) and the events (a socket) arrive in no fixed order. The first 2xx
 * to an INVITE is the call's own; later ones (re-INVITEs) may have From and
 * To the other way round. */
static void
announce_dialog (PlBaresipEngine *self, const char *call_id)
{
  CallInfo *info = g_hash_table_lookup (self->calls, call_id);
  PlSipTraceDialog *dialog = g_hash_table_lookup (self->dialogs, call_id);
  g_autofree char *tags = NULL;

  if (info == NULL || dialog == NULL || info->dialog_known || !info->has_direction)
    return;
  info->dialog_known = TRUE;
  if (info->direction == PL_CALL_DIRECTION_OUTGOING)
    tags = g_strdup_printf ("%s;%s", dialog->from_tag, dialog->to_tag);
  else
    tags = g_strdup_printf ("%s;%s", dialog->to_tag, dialog->from_tag);
  emit_synthetic (self, PL_ENGINE_EVENT_CALL_DIALOG, "CALL_DIALOG", call_id, info, tags);
}

static void
note_trace_dialogs (PlBaresipEngine *self, GPtrArray *found)
{
  for (guint i = 0; found && i < found->len; i++)
    {
      PlSipTraceDialog *dialog = g_ptr_array_index (found, i);

      if (g_hash_table_contains (self->dialogs, dialog->call_id))
        continue;
      /* Calls whose events never came (other UAs' traffic is none of ours,
       * but keep the table small whatever happens). */
      if (g_hash_table_size (self->dialogs) > 256)
        g_hash_table_remove_all (self->dialogs);
      g_hash_table_insert (self->dialogs, g_strdup (dialog->call_id),
                           g_steal_pointer (&g_ptr_array_index (found, i)));
      announce_dialog (self, dialog->call_id);
    }
}

static void read_output (Instance *inst);

static void
output_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Instance *inst = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_autoptr (GPtrArray) found = NULL;
  gsize length = 0;
  const char *data;

  /* Cancelled: the instance is gone, do not touch it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return;
  data = g_bytes_get_data (bytes, &length);
  if (inst->log)
    {
      fwrite (data, 1, length, inst->log);
      fflush (inst->log);
    }
  found = pl_sip_trace_feed (inst->trace, data, length);
  if (found && inst->engine && inst->engine->current == inst)
    note_trace_dialogs (inst->engine, found);
  read_output (inst);
}

static void
read_output (Instance *inst)
{
  GInputStream *out = g_subprocess_get_stdout_pipe (inst->proc);

  g_input_stream_read_bytes_async (out, 16384, G_PRIORITY_DEFAULT, inst->cancellable,
                                   output_read_cb, inst);
}

/* Sound played into a call */

static void
restore_source_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, NULL);

  if (pl_baresip_ausrc_failed (data))
    g_message ("could not give the calls their audio source back: %s", data ? data : "no reply");
}

/* baresip's `ausrc` sets the source of every call of the UA and of every
 * call set up after it: once the sound is done, give them the configured
 * one back. */
static void
restore_source (PlBaresipEngine *self)
{
  Instance *inst = self->current;

  if (inst == NULL || inst->ctrl == NULL || !pl_baresip_ctrl_is_connected (inst->ctrl))
    return;
  pl_baresip_ctrl_command_async (inst->ctrl, "ausrc", inst->audio_source,
                                 self->options->command_timeout_ms, NULL, restore_source_cb, NULL);
}

/* Control connection */

typedef struct
{
  PlBaresipEngine *engine;
  char *call_id;
  char *reason;
} CheckData;

static void
check_call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CheckData *cd = user_data;
  g_autofree char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, NULL);
  g_autofree char *call_id = NULL;
  CallInfo *info = NULL;

  /* Out of the table before anyone hears of the close, as for a real one. */
  if (data && strstr (data, "call not found")
      && g_hash_table_steal_extended (cd->engine->calls, cd->call_id, (gpointer *)&call_id,
                                      (gpointer *)&info))
    {
      emit_synthetic (cd->engine, PL_ENGINE_EVENT_CALL_CLOSED, "CALL_CLOSED", call_id, info,
                      cd->reason);
      call_info_free (info);
      schedule_audio_change (cd->engine);
      schedule_reregister (cd->engine);
    }
  g_object_unref (cd->engine);
  g_free (cd->call_id);
  g_free (cd->reason);
  g_free (cd);
}

static void
ctrl_event_cb (PlBaresipCtrl *ctrl, PlEngineEvent *event, gpointer user_data)
{
  Instance *inst = user_data;
  PlBaresipEngine *self = inst->engine;

  if (self == NULL || self->current != inst)
    return;
  pl_trace_mark ("engine event %s", event->type_name ? event->type_name : "?");

  switch (event->type)
    {
      case PL_ENGINE_EVENT_REGISTERING:
      case PL_ENGINE_EVENT_REGISTER_OK:
      case PL_ENGINE_EVENT_REGISTER_FAIL:
      case PL_ENGINE_EVENT_UNREGISTERING:
        handle_registration (self, event);
        break;
      case PL_ENGINE_EVENT_AUDIO_ERROR:
        /* A played sound ends its call with "end of file": no device trouble. */
        if (g_strcmp0 (event->call_id, self->playing_call) == 0)
          break;
        pl_engine_emit_problem (PL_ENGINE (self), PL_ENGINE_ERROR_NO_AUDIO,
                                _ ("The audio device could not be opened; check the sound "
                                   "settings and the headset"));
        break;
      default:
        break;
    }

  if (event->call_id != NULL)
    {
      CallInfo *info = g_hash_table_lookup (self->calls, event->call_id);

      if (info == NULL && event->type != PL_ENGINE_EVENT_CALL_CLOSED)
        {
          info = g_new0 (CallInfo, 1);
          info->has_direction = event->has_direction;
          info->direction = event->direction;
          info->peer_uri = g_strdup (event->peer_uri);
          info->peer_name = g_strdup (event->peer_name);
          info->aor = g_strdup (event->account_aor);
          /* baresip gave it the sound as its source when it was set up. */
          info->tainted = self->playing_call != NULL;
          g_hash_table_insert (self->calls, g_strdup (event->call_id), info);
          /* baresip 1.0.0 announces no outgoing call: do it for it. */
          if (event->has_direction && event->direction == PL_CALL_DIRECTION_OUTGOING
              && event->type != PL_ENGINE_EVENT_CALL_OUTGOING)
            emit_synthetic (self, PL_ENGINE_EVENT_CALL_OUTGOING, "CALL_OUTGOING", event->call_id,
                            info, event->peer_uri);
          /* baresip sets such a call up without sound and says nothing. */
          if (self->no_audio_reported)
            pl_engine_emit_problem (PL_ENGINE (self), PL_ENGINE_ERROR_NO_AUDIO,
                                    _ ("This call has no sound: no audio device was found"));
        }
      else if (info != NULL && event->type == PL_ENGINE_EVENT_CALL_CLOSED)
        {
          g_hash_table_remove (self->calls, event->call_id);
          g_hash_table_remove (self->dialogs, event->call_id);
          if (g_strcmp0 (event->call_id, self->playing_call) == 0)
            {
              g_clear_pointer (&self->playing_call, g_free);
              restore_source (self);
            }
          schedule_audio_change (self);
          schedule_reregister (self);
        }
      else if (info != NULL && info->tainted && self->playing_call == NULL
               && (event->type == PL_ENGINE_EVENT_CALL_ESTABLISHED
                   || event->type == PL_ENGINE_EVENT_CALL_ANSWERED))
        {
          /* Its source could only be replaced now that its sound runs. */
          info->tainted = FALSE;
          pl_baresip_ctrl_send (ctrl, "callfind", event->call_id);
          restore_source (self);
        }
    }

  pl_engine_emit_event (PL_ENGINE (self), event);
  if (event->call_id != NULL && event->type != PL_ENGINE_EVENT_CALL_CLOSED)
    announce_dialog (self, event->call_id);

  /* baresip 1.0.0 hangs up a call whose transfer failed, without a
   * CALL_CLOSED; ask whether it still exists. */
  if (event->type == PL_ENGINE_EVENT_CALL_TRANSFER_FAILED && event->call_id
      && g_hash_table_contains (self->calls, event->call_id))
    {
      CheckData *cd = g_new0 (CheckData, 1);

      cd->engine = g_object_ref (self);
      cd->call_id = g_strdup (event->call_id);
      cd->reason = g_strdup_printf ("transfer failed: %s", event->param ? event->param : "");
      pl_baresip_ctrl_command_async (ctrl, "callfind", event->call_id,
                                     self->options->command_timeout_ms, NULL, check_call_cb, cd);
    }
}

/* TRUE if the child has ended, whether or not GLib has reaped it yet. */
static gboolean
child_gone (Instance *inst)
{
  const char *id;
  siginfo_t info = { 0 };

  if (inst->exited || inst->proc == NULL)
    return TRUE;
  id = g_subprocess_get_identifier (inst->proc);
  if (id == NULL)
    return TRUE;
  /* WNOWAIT peeks without reaping: GSubprocess stays in charge of that. */
  if (waitid (P_PID, (id_t)atoi (id), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return TRUE;
  return info.si_pid != 0;
}

static gboolean
close_check_cb (gpointer user_data)
{
  Instance *inst = user_data;

  inst->close_check_id = 0;
  if (inst->engine == NULL || inst->engine->current != inst || inst->stopping)
    return G_SOURCE_REMOVE;
  /* A dead child is handled (with a better message) when it is reaped. */
  if (child_gone (inst))
    return G_SOURCE_REMOVE;
  /* ctrl_tcp takes one client and a newcomer replaces us: a close while
   * baresip still runs means some other local program connected. */
  instance_lost (inst, PL_ENGINE_ERROR_PROTOCOL,
                 _ ("Another program took over the connection to the phone engine; the "
                    "engine was restarted on a new port"));
  return G_SOURCE_REMOVE;
}

static void
ctrl_closed_cb (PlBaresipCtrl *ctrl, const char *why, gpointer user_data)
{
  Instance *inst = user_data;

  if (inst->engine == NULL || inst->engine->current != inst || inst->stopping)
    return;
  g_message ("control connection lost: %s", why);
  /* If another program took the connection over, every moment the child
   * runs is a moment it obeys that program: freeze it now. A crashed child
   * is past caring, and GSubprocess never signals one it has reaped. */
  if (inst->proc != NULL && !inst->exited)
    g_subprocess_send_signal (inst->proc, SIGSTOP);
  /* A killed child closes its sockets a moment before it becomes a zombie;
   * give it that moment before deciding between crash and takeover. */
  if (inst->close_check_id == 0)
    inst->close_check_id = g_timeout_add (200, close_check_cb, inst);
}

/* Tells the user once when the devices went missing, again only after they
 * were back in between. */
static void
report_audio (PlBaresipEngine *self, gboolean missing)
{
  if (missing && !self->no_audio_reported)
    pl_engine_emit_problem (PL_ENGINE (self), PL_ENGINE_ERROR_NO_AUDIO,
                            _ ("No audio device was found, so calls cannot be made or "
                               "answered. Connect a headset or check the sound settings, "
                               "then restart Parkline."));
  self->no_audio_reported = missing;
}

/* Audio check: baresip 1.0.0's PortAudio module registers no source (or
 * player) when PortAudio has no default device, and "ausrc"/"auplay" say so
 * in words. Asked with the values the child already has, they change
 * nothing. */

typedef struct
{
  PlBaresipEngine *engine;
  guint pending;
  gboolean missing;
  gboolean failed;
} AudioCheck;

static void
audio_check_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AudioCheck *check = user_data;
  g_autofree char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, NULL);

  if (data == NULL)
    check->failed = TRUE;
  else if (strstr (data, "no such audio") != NULL)
    check->missing = TRUE;
  if (--check->pending > 0)
    return;
  /* A lost connection says nothing about the devices; the next child asks. */
  if (!check->failed)
    report_audio (check->engine, check->missing);
  g_object_unref (check->engine);
  g_free (check);
}

static void
check_audio (PlBaresipEngine *self, Instance *inst)
{
  const char *commands[] = { "ausrc", "auplay" };
  const char *values[] = { inst->check_source, inst->check_player };
  AudioCheck *check;
  guint n;

  if (inst->check_source == NULL)
    return;
  check = g_new0 (AudioCheck, 1);
  check->engine = g_object_ref (self);
  n = check->pending = inst->check_player ? 2 : 1;
  for (guint i = 0; i < n; i++)
    pl_baresip_ctrl_command_async (inst->ctrl, commands[i], values[i],
                                   self->options->command_timeout_ms, NULL, audio_check_cb, check);
}

static void
connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Instance *inst = user_data;
  g_autoptr (GError) error = NULL;
  PlBaresipEngine *self;

  if (!pl_baresip_ctrl_connect_finish (PL_BARESIP_CTRL (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || inst->engine == NULL
          || inst->engine->current != inst)
        return;
      g_message ("%s", error->message);
      instance_lost (inst, PL_ENGINE_ERROR_PROTOCOL,
                     _ ("The phone engine did not open its control port; restarting it"));
      return;
    }
  self = inst->engine;
  if (self == NULL || self->current != inst)
    {
      pl_baresip_ctrl_close (PL_BARESIP_CTRL (source));
      return;
    }
  pl_trace_mark ("engine connected");
  g_signal_connect (inst->ctrl, "event", G_CALLBACK (ctrl_event_cb), inst);
  g_signal_connect (inst->ctrl, "closed", G_CALLBACK (ctrl_closed_cb), inst);
  /* uanew goes first: whoever reacts to RUNNING (a link waiting to be
   * dialled) queues behind it, or baresip would dial with no user agent. */
  register_account (self);
  check_audio (self, inst);
  set_state (self, PL_ENGINE_STATE_RUNNING);
  schedule_audio_change (self);
}

/* Supervision */

/* No child runs and none will be tried until start() is called again. */
static void
give_up (PlBaresipEngine *self, PlEngineError code, const char *message)
{
  set_state (self, PL_ENGINE_STATE_FAILED);
  close_all_calls (self);
  pl_engine_emit_problem (PL_ENGINE (self), code, message);
}

static gboolean
restart_cb (gpointer user_data)
{
  PlBaresipEngine *self = user_data;

  self->restart_id = 0;
  if (self->state == PL_ENGINE_STATE_RESTARTING)
    spawn_instance (self);
  return G_SOURCE_REMOVE;
}

static void
instance_lost (Instance *inst, PlEngineError code, const char *message)
{
  PlBaresipEngine *self = inst->engine;
  guint base, cap, delay, max_quick;

  if (self == NULL || self->current != inst)
    return;
  if (g_get_monotonic_time () - inst->started > STABLE_RUN_US)
    self->quick_restarts = 0;
  instance_retire (inst, FALSE);
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  if (self->account)
    pl_account_set_registration (self->account, PL_REGISTRATION_NONE, NULL);

  max_quick = self->options->max_quick_restarts ? self->options->max_quick_restarts : 5;
  if (self->quick_restarts >= max_quick)
    {
      give_up (self, code, _ ("The phone engine keeps stopping; Parkline gave up restarting it"));
      return;
    }
  set_state (self, PL_ENGINE_STATE_RESTARTING);
  close_all_calls (self);
  pl_engine_emit_problem (PL_ENGINE (self), code, message);

  base = self->options->restart_delay_ms ? self->options->restart_delay_ms : 500;
  cap = self->options->restart_delay_max_ms ? self->options->restart_delay_max_ms : 8000;
  delay = MIN ((guint64)base << MIN (self->quick_restarts, 16), (guint64)cap);
  self->quick_restarts++;
  self->restart_count++;
  g_clear_handle_id (&self->restart_id, g_source_remove);
  self->restart_id = g_timeout_add (delay, restart_cb, self);
}

/* Spawning */

static guint16
free_tcp_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  guint16 port = 0;

  if (fd < 0)
    return 0;
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) == 0
      && getsockname (fd, (struct sockaddr *)&addr, &len) == 0)
    port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static gboolean
ensure_config_dir (PlBaresipEngine *self, GError **error)
{
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;

  if (self->config_dir)
    return TRUE;
  if (self->options->runtime_dir)
    base = g_strdup (self->options->runtime_dir);
  else if (g_getenv ("XDG_RUNTIME_DIR") && *g_getenv ("XDG_RUNTIME_DIR"))
    base = g_build_filename (g_getenv ("XDG_RUNTIME_DIR"), "parkline", NULL);

  if (base == NULL)
    {
      self->config_dir = g_dir_make_tmp ("parkline-engine-XXXXXX", error);
      return self->config_dir != NULL;
    }
  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_SPAWN, "cannot create %s: %s", base,
                   g_strerror (saved));
      return FALSE;
    }
  tmpl = g_build_filename (base, "engine-XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      int saved = errno;
      g_set_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_SPAWN, "cannot create %s: %s", tmpl,
                   g_strerror (saved));
      return FALSE;
    }
  self->config_dir = g_steal_pointer (&tmpl);
  return TRUE;
}

/* The directory is ours (0700) and dies with us: no atomic replace, and no
 * fsync (a runtime dir off tmpfs made the start of baresip wait for the disk). */
static gboolean
write_private_file (const char *dir, const char *name, const char *contents, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

/* What decides the audio lines of a child's config; full "module,device"
 * overrides (tests) leave the device names without effect. */
static char *
device_names (const PlBaresipOptions *o)
{
  if (o->audio_player && o->audio_source && o->audio_alert)
    return g_strdup ("overridden");
  return g_strdup_printf ("%s\n%s\n%s", o->input_device ? o->input_device : "",
                          o->output_device ? o->output_device : "",
                          o->ringer_device ? o->ringer_device : "");
}

/* The three "module,device" strings for a child's config. */
typedef struct
{
  char *player;
  char *source;
  char *alert;
  gboolean missing;    /* PortAudio offered no usable device */
  gboolean ask_engine; /* not probed: baresip says whether it has devices */
} AudioChoice;

static void
audio_choice_free (AudioChoice *choice)
{
  g_free (choice->player);
  g_free (choice->source);
  g_free (choice->alert);
  g_free (choice);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AudioChoice, audio_choice_free)

static gboolean
is_default_device (const char *name)
{
  return name == NULL || *name == '\0' || g_str_equal (name, "default");
}

/* Only a device chosen by name needs PortAudio's list (baresip takes an
 * index). PortAudio's own default device is what pl_audio_devices_pick()
 * would choose, and baresip uses it for an empty device ("portaudio,"), so
 * the usual desk starts without a probe: the probe opens every ALSA device,
 * loading plugins and their codec libraries for hundreds of milliseconds,
 * and keeps megabytes of ALSA configuration in this process for good. */
static gboolean
needs_probe (const PlBaresipOptions *o)
{
  return (o->audio_player == NULL
          && !(is_default_device (o->output_device) && is_default_device (o->ringer_device)))
         || (o->audio_alert == NULL && !is_default_device (o->ringer_device))
         || (o->audio_source == NULL && !is_default_device (o->input_device));
}

#define PORTAUDIO_DEFAULT "portaudio,"

static AudioChoice *
default_audio (const PlBaresipOptions *o)
{
  AudioChoice *choice = g_new0 (AudioChoice, 1);

  choice->player = g_strdup (o->audio_player ? o->audio_player : PORTAUDIO_DEFAULT);
  choice->source = g_strdup (o->audio_source ? o->audio_source : PORTAUDIO_DEFAULT);
  choice->alert = g_strdup (o->audio_alert ? o->audio_alert : PORTAUDIO_DEFAULT);
  /* Full overrides (tests) are taken as they are. */
  choice->ask_engine = !(o->audio_player && o->audio_source && o->audio_alert);
  return choice;
}

/* Works the strings out from the options' device names. Probing PortAudio
 * (and through it ALSA and PulseAudio) takes from tens to hundreds of
 * milliseconds, so this runs in a worker thread, on a copy of the options.
 * Whether the devices work is asked of baresip once it runs. */
static AudioChoice *
choose_audio (const PlBaresipOptions *o)
{
  AudioChoice *choice = g_new0 (AudioChoice, 1);
  g_autoptr (GPtrArray) devices = NULL;
  const PlAudioDevice *in = NULL, *out = NULL, *ring = NULL;

  choice->player = g_strdup (o->audio_player);
  choice->source = g_strdup (o->audio_source);
  choice->alert = g_strdup (o->audio_alert);
  devices = pl_audio_devices_list (NULL);
  if (devices)
    {
      in = o->input_device ? pl_audio_devices_find (devices, o->input_device, TRUE) : NULL;
      out = o->output_device ? pl_audio_devices_find (devices, o->output_device, FALSE) : NULL;
      ring = o->ringer_device ? pl_audio_devices_find (devices, o->ringer_device, FALSE) : NULL;
      if (in == NULL)
        in = pl_audio_devices_pick (devices, TRUE);
      if (out == NULL)
        out = pl_audio_devices_pick (devices, FALSE);
      if (ring == NULL)
        ring = out;
    }
  choice->missing = (in == NULL && choice->source == NULL)
                    || (out == NULL && (choice->player == NULL || choice->alert == NULL));

  /* Without a device baresip still needs a well-formed value; the call
   * then fails, which the user is told about. */
  if (choice->player == NULL)
    choice->player
        = out ? g_strdup_printf ("portaudio,%d", out->index) : g_strdup (PORTAUDIO_DEFAULT);
  if (choice->alert == NULL)
    choice->alert
        = ring ? g_strdup_printf ("portaudio,%d", ring->index) : g_strdup (PORTAUDIO_DEFAULT);
  if (choice->source == NULL)
    choice->source
        = in ? g_strdup_printf ("portaudio,%d", in->index) : g_strdup (PORTAUDIO_DEFAULT);
  return choice;
}

static void
choose_audio_thread (GTask *task, gpointer source, gpointer options, GCancellable *cancellable)
{
  g_task_return_pointer (task, choose_audio (options), (GDestroyNotify)audio_choice_free);
}

/* If Parkline dies without cleaning up, baresip must not linger holding the
 * SIP registration and the audio device. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
module_exists (const char *module_path, const char *module)
{
  g_autofree char *path = g_build_filename (module_path, module, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The system's ALSA configuration, where alsa-lib looks by default (Debian
 * and the Flatpak runtimes alike). */
#define SYSTEM_ALSA_CONF "/usr/share/alsa/alsa.conf"
/* The child's own ALSA files, in its private dir. */
#define ENGINE_ALSA_CONF       "alsa.conf"
#define ENGINE_ALSA_MUTED_CONF "alsa-muted.conf"

/* With the default devices, the child gets an ALSA configuration that keeps
 * PortAudio's start from loading libraries for PCMs it never plays through
 * (see pl_baresip_alsa_config_text()). Not with a device chosen by name:
 * its index comes from this process's PortAudio list, which the child's
 * must match. Not when the user set ALSA_CONFIG_PATH: theirs wins. */
static void
quiet_alsa_for (PlBaresipEngine *self, const AudioChoice *audio, GSubprocessLauncher *launcher)
{
  g_autofree char *asoundrc = g_build_filename (g_get_home_dir (), ".asoundrc", NULL);
  g_autofree char *xdg_asoundrc
      = g_build_filename (g_get_user_config_dir (), "alsa", "asoundrc", NULL);
  const char *user_files[] = { asoundrc, xdg_asoundrc, "/etc/asound.conf" };
  g_autofree char *top_path = g_build_filename (self->config_dir, ENGINE_ALSA_CONF, NULL);
  g_autofree char *overlay_path = g_build_filename (self->config_dir, ENGINE_ALSA_MUTED_CONF, NULL);
  g_autofree char *top = NULL, *overlay = NULL;
  g_autoptr (GPtrArray) user_texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (!g_str_equal (audio->player, PORTAUDIO_DEFAULT)
      || !g_str_equal (audio->source, PORTAUDIO_DEFAULT)
      || !g_str_equal (audio->alert, PORTAUDIO_DEFAULT) || g_getenv ("ALSA_CONFIG_PATH") != NULL
      || !g_file_test (SYSTEM_ALSA_CONF, G_FILE_TEST_IS_REGULAR))
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (user_files); i++)
    {
      char *text = NULL;

      if (g_file_get_contents (user_files[i], &text, NULL, NULL))
        g_ptr_array_add (user_texts, text);
    }
  g_ptr_array_add (user_texts, NULL);
  if (!pl_baresip_alsa_config_text (SYSTEM_ALSA_CONF, overlay_path,
                                    (const char *const *)user_texts->pdata, &top, &overlay))
    return;
  if (!write_private_file (self->config_dir, ENGINE_ALSA_MUTED_CONF, overlay, &error)
      || !write_private_file (self->config_dir, ENGINE_ALSA_CONF, top, &error))
    {
      g_debug ("engine keeps the system's ALSA configuration: %s", error->message);
      return;
    }
  g_subprocess_launcher_setenv (launcher, "ALSA_CONFIG_PATH", top_path, TRUE);
}

/* Writes the config for @audio and starts the child. */
static void
spawn_with_audio (PlBaresipEngine *self, const AudioChoice *audio)
{
  PlBaresipOptions *o = self->options;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ctrl_listen = NULL, *config = NULL;
  const char *module_path = o->module_path ? o->module_path : PL_BARESIP_MODULE_PATH;
  PlBaresipConfigParams params = { 0 };
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE;
  Instance *inst;
  guint16 port;

  if (!audio->ask_engine)
    report_audio (self, audio->missing);

  port = free_tcp_port ();
  ctrl_listen = g_strdup_printf ("127.0.0.1:%u", port);
  params.module_path = module_path;
  params.ctrl_listen = ctrl_listen;
  params.sip_listen = o->sip_listen;
  params.net_interface = o->net_interface;
  params.audio_player = audio->player;
  params.audio_source = audio->source;
  params.audio_alert = audio->alert;
  params.have_opus = module_exists (module_path, "opus.so");
  params.have_g722 = module_exists (module_path, "g722.so");
  params.have_aufile = module_exists (module_path, "aufile.so");
  params.extra_modules = (const char *const *)o->extra_modules;
  config = pl_baresip_config_text (&params, &error);
  if (config == NULL || !write_private_file (self->config_dir, "config", config, &error)
      || !write_private_file (self->config_dir, "accounts", "", &error)
      || !write_private_file (self->config_dir, "contacts", "", &error))
    {
      give_up (self, PL_ENGINE_ERROR_SPAWN, error->message);
      return;
    }

  /* stdout carries the SIP trace (-s), the only place the dialog tags of a
   * call show (see pl-sip-trace.h); baresip 1.0.0 writes it unbuffered. */
  flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  flags |= o->log_file ? G_SUBPROCESS_FLAGS_STDERR_MERGE : G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  quiet_alsa_for (self, audio, launcher);

  inst = g_new0 (Instance, 1);
  inst->engine = self;
  inst->ctrl_port = port;
  inst->started = g_get_monotonic_time ();
  inst->cancellable = g_cancellable_new ();
  inst->audio_source = g_strdup (audio->source);
  if (audio->ask_engine)
    {
      inst->check_source = g_strdup (audio->source);
      /* "auplay" sets the ringer too: only ask when they are the same. */
      if (g_str_equal (audio->player, audio->alert))
        inst->check_player = g_strdup (audio->player);
    }
  inst->trace = pl_sip_trace_new ();
  if (o->log_file && (inst->log = fopen (o->log_file, "ae")) == NULL)
    g_message ("cannot write %s: %s", o->log_file, g_strerror (errno));
  inst->proc = g_subprocess_launcher_spawn (launcher, &error, options_binary (self), "-s", "-f",
                                            self->config_dir, NULL);
  if (inst->proc == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_ ("The phone engine (%s) could not be started: %s"),
                                              options_binary (self), error->message);
      instance_free (inst);
      give_up (self, PL_ENGINE_ERROR_SPAWN, msg);
      return;
    }
  g_debug ("started baresip pid %s, control port %u", g_subprocess_get_identifier (inst->proc),
           port);
  pl_trace_mark ("engine spawned");
  self->current = inst;
  self->instances = g_list_prepend (self->instances, inst);
  g_subprocess_wait_async (inst->proc, NULL, child_exited_cb, inst);
  read_output (inst);

  inst->ctrl = pl_baresip_ctrl_new ();
  pl_baresip_ctrl_connect_async (inst->ctrl, port,
                                 o->start_timeout_ms ? o->start_timeout_ms : 10000,
                                 inst->cancellable, connected_cb, inst);
}

static void
audio_chosen_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr (PlBaresipEngine) self = g_weak_ref_get (weak);
  g_autoptr (AudioChoice) audio = g_task_propagate_pointer (G_TASK (result), NULL);

  g_weak_ref_clear (weak);
  g_free (weak);
  pl_trace_mark ("audio probed");
  /* Gone, stopped, or overtaken by a newer start while we looked. */
  if (self == NULL
      || GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "pl-serial")) != self->spawn_serial
      || (self->state != PL_ENGINE_STATE_STARTING && self->state != PL_ENGINE_STATE_RESTARTING))
    return;
  spawn_with_audio (self, audio);
}

/* Starts a child with the options as they are now: the devices are chosen
 * off the main thread first. */
static void
spawn_instance (PlBaresipEngine *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  GWeakRef *weak;

  if (!ensure_config_dir (self, &error))
    {
      give_up (self, PL_ENGINE_ERROR_SPAWN, error->message);
      return;
    }
  /* This child gets the devices as they are now. */
  g_free (self->started_devices);
  self->started_devices = device_names (self->options);
  self->spawn_serial++;
  if (!needs_probe (self->options))
    {
      g_autoptr (AudioChoice) audio = default_audio (self->options);

      spawn_with_audio (self, audio);
      return;
    }

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, NULL, audio_chosen_cb, weak);
  g_task_set_source_tag (task, spawn_instance);
  g_task_set_task_data (task, pl_baresip_options_copy (self->options),
                        (GDestroyNotify)pl_baresip_options_free);
  g_object_set_data (G_OBJECT (task), "pl-serial", GUINT_TO_POINTER (self->spawn_serial));
  pl_trace_mark ("audio probe started");
  g_task_run_in_thread (task, choose_audio_thread);
}

/* PlEngine */

static void
pl_baresip_engine_start (PlEngine *engine)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);

  if (self->state != PL_ENGINE_STATE_STOPPED && self->state != PL_ENGINE_STATE_FAILED)
    return;
  self->quick_restarts = 0;
  set_state (self, PL_ENGINE_STATE_STARTING);
  spawn_instance (self);
}

static void
pl_baresip_engine_stop (PlEngine *engine)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  g_clear_handle_id (&self->audio_change_id, g_source_remove);
  if (self->current)
    instance_retire (self->current, TRUE);
  if (self->account)
    pl_account_set_registration (self->account, PL_REGISTRATION_NONE, NULL);
  /* baresip's "quit" ends calls without telling us about them. */
  close_all_calls (self);
  set_state (self, PL_ENGINE_STATE_STOPPED);
}

/* A fresh child with the current options, when one is running. The account
 * signs in afresh, so its state must not claim the old registration. */
static void
respawn (PlBaresipEngine *self)
{
  if (self->current == NULL || self->state != PL_ENGINE_STATE_RUNNING)
    return;
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  if (self->account)
    pl_account_set_registration (self->account, PL_REGISTRATION_NONE, NULL);
  instance_retire (self->current, TRUE);
  close_all_calls (self);
  set_state (self, PL_ENGINE_STATE_STARTING);
  spawn_instance (self);
}

/* TRUE when the running child plays on other devices than those chosen and
 * no call would be cut off by replacing it. */
static gboolean
audio_change_due (PlBaresipEngine *self)
{
  g_autofree char *wanted = device_names (self->options);

  return self->current != NULL && self->state == PL_ENGINE_STATE_RUNNING
         && g_strcmp0 (wanted, self->started_devices) != 0 && g_hash_table_size (self->calls) == 0;
}

static gboolean
apply_audio_change_cb (gpointer user_data)
{
  PlBaresipEngine *self = user_data;

  self->audio_change_id = 0;
  if (audio_change_due (self))
    {
      g_debug ("restarting baresip for new audio devices");
      respawn (self);
    }
  return G_SOURCE_REMOVE;
}

/* Checked whenever it could have become possible: a device change, the last
 * call ending, a child reaching RUNNING (a change made while it started).
 * From an idle callback: the last call may be ending inside an event
 * handler that must not see the engine restart under it. */
static void
schedule_audio_change (PlBaresipEngine *self)
{
  if (self->audio_change_id == 0 && audio_change_due (self))
    self->audio_change_id = g_idle_add (apply_audio_change_cb, self);
}

void
pl_baresip_engine_set_audio_devices (PlBaresipEngine *self, const char *input, const char *output,
                                     const char *ringer)
{
  PlBaresipOptions *o;

  g_return_if_fail (PL_IS_BARESIP_ENGINE (self));
  o = self->options;
  pl_set_str (&o->input_device, input);
  pl_set_str (&o->output_device, output);
  pl_set_str (&o->ringer_device, ringer);
  schedule_audio_change (self);
}

static void
pl_baresip_engine_set_account (PlEngine *engine, PlAccount *account)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);

  if (self->account == account)
    return;
  if (self->account)
    pl_account_set_registration (self->account, PL_REGISTRATION_NONE, NULL);
  g_set_object (&self->account, account);
  g_object_notify (G_OBJECT (self), "account");

  /* baresip 1.0.0 cannot re-register a changed UA in place; a fresh child
   * is the simple, predictable way. */
  respawn (self);
}

static PlAccount *
pl_baresip_engine_get_account (PlEngine *engine)
{
  return PL_BARESIP_ENGINE (engine)->account;
}

static PlEngineState
pl_baresip_engine_get_state (PlEngine *engine)
{
  return PL_BARESIP_ENGINE (engine)->state;
}

/* Server outages */

static void
pl_baresip_engine_server_lost (PlEngine *engine, const char *reason)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);

  /* baresip would go on claiming the registration until its next refresh
   * fails, minutes later */
  if (self->account == NULL || self->state != PL_ENGINE_STATE_RUNNING)
    return;
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, reason);
}

static void
reregistered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlBaresipEngine) self = user_data;
  g_autoptr (GError) error = NULL;

  if (pl_baresip_reregister_finish (PL_BARESIP_CTRL (source), result, &error))
    return;
  /* no old agent left, so no UNREGISTERING of it will come */
  if (self->unregistering_to_ignore > 0)
    self->unregistering_to_ignore--;
  g_message ("re-registration: %s", error->message);
  if (self->account && !g_error_matches (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL)
      && pl_account_get_registration_state (self->account) != PL_REGISTRATION_REGISTERED)
    {
      g_autofree char *msg
          = g_strdup_printf (_ ("The phone engine refused the account: %s"), error->message);

      g_clear_handle_id (&self->register_timeout_id, g_source_remove);
      pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, msg);
    }
}

static gboolean
reregister_cb (gpointer user_data)
{
  PlBaresipEngine *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  guint regint = self->options->regint ? self->options->regint : 600;
  guint timeout = self->options->register_timeout_ms ? self->options->register_timeout_ms : 20000;

  self->reregister_id = 0;
  if (!self->reregister_pending || self->account == NULL || self->current == NULL
      || self->current->ctrl == NULL || self->state != PL_ENGINE_STATE_RUNNING)
    return G_SOURCE_REMOVE;
  /* replacing the user agent would end its calls: after the last one */
  if (g_hash_table_size (self->calls) > 0)
    {
      if (pl_account_get_registration_state (self->account) != PL_REGISTRATION_REGISTERED)
        pl_account_set_registration (self->account, PL_REGISTRATION_REGISTERING, NULL);
      return G_SOURCE_REMOVE;
    }
  self->reregister_pending = FALSE;
  line = pl_baresip_account_line (self->account, regint, &error);
  if (line == NULL)
    {
      pl_account_set_registration (self->account, PL_REGISTRATION_FAILED, error->message);
      return G_SOURCE_REMOVE;
    }
  pl_account_set_registration (self->account, PL_REGISTRATION_REGISTERING, NULL);
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  self->register_timeout_id = g_timeout_add (timeout, register_timeout_cb, self);
  self->unregistering_to_ignore++;
  pl_baresip_reregister_async (self->current->ctrl, line, self->options->command_timeout_ms, NULL,
                               reregistered_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* From an idle callback: the last call may be ending inside an event
 * handler. */
static void
schedule_reregister (PlBaresipEngine *self)
{
  if (self->reregister_pending && self->reregister_id == 0)
    self->reregister_id = g_idle_add (reregister_cb, self);
}

static void
pl_baresip_engine_reregister (PlEngine *engine)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);

  if (self->state != PL_ENGINE_STATE_RUNNING)
    return;
  self->reregister_pending = TRUE;
  schedule_reregister (self);
}

/* Actions */

typedef struct
{
  char *call_id;
  PlEngineAction action;
  gboolean select_ok;
  gboolean toggle_mute;
  /* PL_ENGINE_ACTION_PLAY */
  char *sound;          /* the file asked for */
  char *converted;      /* the same, as the call's encoder wants it */
  PlBaresipCtrl *ctrl;  /* the connection the play started on */
  guint rate, channels; /* the call's encoder */
} ActionData;

static void
action_data_free (gpointer data)
{
  ActionData *ad = data;

  g_free (ad->call_id);
  g_free (ad->sound);
  g_free (ad->converted);
  g_clear_object (&ad->ctrl);
  g_free (ad);
}

static gboolean
uri_ok (const char *uri)
{
  if (uri == NULL || *uri == '\0')
    return FALSE;
  for (const guchar *p = (const guchar *)uri; *p; p++)
    if (*p <= ' ' || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static void
select_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ActionData *ad = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &error);

  /* 1.0.0 answers "call not found" with ok:true; only this text tells. */
  ad->select_ok = data != NULL && strstr (data, "setting current call") != NULL;
}

/* A command's reply text, or NULL with the task failed for it. */
static char *
reply_or_fail (GObject *source, GAsyncResult *result, GTask *task)
{
  g_autoptr (GError) error = NULL;
  char *data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &error);

  if (data == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  return data;
}

static void
main_command_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PlBaresipEngine *self = g_task_get_source_object (task);
  ActionData *ad = g_task_get_task_data (task);
  g_autofree char *data = reply_or_fail (source, result, task);

  if (data == NULL)
    return;
  /* The select reply came first (one socket, in order); if it failed the
   * command went to some other call or none. */
  if (ad->call_id && !ad->select_ok)
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL,
                               _ ("The call has already ended"));
      return;
    }
  if (ad->toggle_mute && ad->call_id)
    {
      CallInfo *info = g_hash_table_lookup (self->calls, ad->call_id);
      if (info)
        info->muted = !info->muted;
    }
  g_task_return_boolean (task, TRUE);
}

/* PL_ENGINE_ACTION_PLAY: learn the call's encoder (aufile plays only a
 * file of exactly its rate and channels), convert the sound in a worker,
 * then make it the source with `ausrc aufile,FILE`. baresip applies that
 * to every call and to calls set up later: hence one call only, and the
 * configured source goes back when the call ends. */

static void
play_ausrc_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PlBaresipEngine *self = g_task_get_source_object (task);
  ActionData *ad = g_task_get_task_data (task);
  g_autofree char *data = reply_or_fail (source, result, task);

  if (data == NULL)
    return;
  if (pl_baresip_ausrc_failed (data))
    {
      /* The call lost its source with the failed switch: give it back. */
      g_message ("ausrc refused %s: %s", ad->converted, data);
      if (g_strcmp0 (self->playing_call, ad->call_id) == 0)
        g_clear_pointer (&self->playing_call, g_free);
      restore_source (self);
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                               _ ("The phone engine could not play the sound into the call"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
play_convert_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ActionData *ad = task_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (PlWav) wav = NULL;
  g_autoptr (PlWav) converted = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize length = 0;

  if (!g_file_get_contents (ad->sound, &contents, &length, &error)
      || !(wav = pl_wav_parse ((const guint8 *)contents, length, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  converted = pl_wav_convert (wav, ad->rate, ad->channels);
  bytes = pl_wav_encode (converted);
  if (!g_file_set_contents_full (ad->converted, g_bytes_get_data (bytes, NULL),
                                 (gssize)g_bytes_get_size (bytes), G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
play_allowed (PlBaresipEngine *self, ActionData *ad, GError **error)
{
  if (self->current == NULL || self->current->ctrl != ad->ctrl
      || !pl_baresip_ctrl_is_connected (ad->ctrl))
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NOT_RUNNING,
                           _ ("The phone engine is not running"));
      return FALSE;
    }
  if (!g_hash_table_contains (self->calls, ad->call_id))
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL,
                           _ ("The call has already ended"));
      return FALSE;
    }
  if (g_hash_table_size (self->calls) != 1 || self->playing_call != NULL)
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                           _ ("A sound can only be played while no other call is up"));
      return FALSE;
    }
  return TRUE;
}

static void
play_converted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PlBaresipEngine *self = g_task_get_source_object (task);
  ActionData *ad = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *param = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || !play_allowed (self, ad, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_free (self->playing_call);
  self->playing_call = g_strdup (ad->call_id);
  param = g_strdup_printf ("aufile,%s", ad->converted);
  pl_baresip_ctrl_send (ad->ctrl, "callfind", ad->call_id);
  pl_baresip_ctrl_command_async (ad->ctrl, "ausrc", param, self->options->command_timeout_ms, NULL,
                                 play_ausrc_cb, g_object_ref (task));
}

static void
play_debug_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ActionData *ad = g_task_get_task_data (task);
  g_autofree char *data = reply_or_fail (source, result, task);
  g_autoptr (GTask) convert = NULL;

  if (data == NULL)
    return;
  if (!ad->select_ok)
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL,
                               _ ("The call has already ended"));
      return;
    }
  if (!pl_baresip_parse_encoder (data, NULL, &ad->rate, &ad->channels))
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                               _ ("The call has no sound yet"));
      return;
    }
  convert
      = g_task_new (g_task_get_source_object (task), NULL, play_converted_cb, g_object_ref (task));
  g_task_set_task_data (convert, ad, NULL);
  g_task_run_in_thread (convert, play_convert_thread);
}

static void
start_play (PlBaresipEngine *self, GTask *task, ActionData *ad, const char *sound)
{
  g_autoptr (GError) error = NULL;

  ad->ctrl = g_object_ref (self->current->ctrl);
  ad->sound = g_strdup (sound);
  ad->converted = g_build_filename (self->config_dir, "sound.wav", NULL);
  if (sound == NULL || !g_file_test (sound, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                               _ ("There is no sound file to play"));
      return;
    }
  if (!play_allowed (self, ad, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pl_baresip_ctrl_command_async (ad->ctrl, "callfind", ad->call_id,
                                 self->options->command_timeout_ms, NULL, select_cb,
                                 g_object_ref (task));
  pl_baresip_ctrl_command_async (ad->ctrl, "audio_debug", NULL, self->options->command_timeout_ms,
                                 NULL, play_debug_cb, g_object_ref (task));
}

/* A call answered or placed while a sound plays would start with the
 * sound as its source: the sound's call goes first, and the source back. */
static void
stop_playing (PlBaresipEngine *self, PlBaresipCtrl *ctrl)
{
  g_autofree char *call_id = g_steal_pointer (&self->playing_call);

  if (call_id == NULL)
    return;
  pl_baresip_ctrl_send (ctrl, "callfind", call_id);
  pl_baresip_ctrl_send (ctrl, "hangup", NULL);
  restore_source (self);
}

static void
pl_baresip_engine_action_async (PlEngine *engine, PlEngineAction action, const char *call_id,
                                const char *arg, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (engine);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  ActionData *ad = g_new0 (ActionData, 1);
  const char *command = NULL;
  const char *params = NULL;
  guint timeout = self->options->command_timeout_ms;
  PlBaresipCtrl *ctrl;
  CallInfo *info = NULL;

  g_task_set_source_tag (task, pl_baresip_engine_action_async);
  ad->action = action;
  g_task_set_task_data (task, ad, action_data_free);

  if (self->state != PL_ENGINE_STATE_RUNNING || self->current == NULL
      || !pl_baresip_ctrl_is_connected (self->current->ctrl))
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NOT_RUNNING,
                               _ ("The phone engine is not running"));
      return;
    }
  ctrl = self->current->ctrl;

  if (action != PL_ENGINE_ACTION_DIAL)
    {
      info = call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;
      if (info == NULL)
        {
          g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL,
                                   _ ("The call has already ended"));
          return;
        }
      ad->call_id = g_strdup (call_id);
    }

  switch (action)
    {
      case PL_ENGINE_ACTION_DIAL:
        /* An empty "dial" redials the last number: never send one. */
        if (!uri_ok (arg))
          {
            g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                                     _ ("Not a valid address to call"));
            return;
          }
        stop_playing (self, ctrl);
        command = "dial";
        params = arg;
        break;
      case PL_ENGINE_ACTION_ANSWER:
        stop_playing (self, ctrl);
        command = "accept";
        break;
      case PL_ENGINE_ACTION_PLAY:
        start_play (self, task, ad, arg);
        return;
      case PL_ENGINE_ACTION_HANGUP:
        command = "hangup";
        break;
      case PL_ENGINE_ACTION_HOLD:
        command = "hold";
        break;
      case PL_ENGINE_ACTION_RESUME:
        command = "resume";
        break;
      case PL_ENGINE_ACTION_MUTE:
        {
          gboolean want = g_strcmp0 (arg, "0") != 0;

          /* baresip's "mute" toggles; only send it when it changes something. */
          if (info->muted == want)
            {
              g_task_return_boolean (task, TRUE);
              return;
            }
          ad->toggle_mute = TRUE;
          command = "mute";
        }
        break;
      case PL_ENGINE_ACTION_DTMF:
        if (!pl_dtmf_is_valid (arg))
          {
            g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                                     _ ("Only 0-9, *, # and A-D can be sent as tones"));
            return;
          }
        command = "sndcode";
        params = arg;
        break;
      case PL_ENGINE_ACTION_TRANSFER:
        if (!uri_ok (arg))
          {
            g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                                     _ ("Not a valid address to transfer to"));
            return;
          }
        command = "transfer";
        params = arg;
        break;
      default:
        g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED,
                                 "unknown action %d", action);
        return;
    }

  /* These commands act on baresip's current call. Selecting it and acting
   * are queued back to back, so nothing can slip in between on our side. */
  if (ad->call_id)
    pl_baresip_ctrl_command_async (ctrl, "callfind", ad->call_id, timeout, NULL, select_cb,
                                   g_object_ref (task));
  pl_baresip_ctrl_command_async (ctrl, command, params, timeout, NULL, main_command_cb,
                                 g_object_ref (task));
}

static gboolean
pl_baresip_engine_action_finish (PlEngine *engine, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
pl_baresip_engine_iface_init (PlEngineInterface *iface)
{
  iface->start = pl_baresip_engine_start;
  iface->stop = pl_baresip_engine_stop;
  iface->set_account = pl_baresip_engine_set_account;
  iface->get_account = pl_baresip_engine_get_account;
  iface->get_state = pl_baresip_engine_get_state;
  iface->action_async = pl_baresip_engine_action_async;
  iface->action_finish = pl_baresip_engine_action_finish;
  iface->server_lost = pl_baresip_engine_server_lost;
  iface->reregister = pl_baresip_engine_reregister;
}

/* GObject */

static void
remove_config_dir (PlBaresipEngine *self)
{
  const char *names[] = { "config", "accounts",  "contacts",       "current_contact",
                          "uuid",   "sound.wav", ENGINE_ALSA_CONF, ENGINE_ALSA_MUTED_CONF };

  if (self->config_dir == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (self->config_dir, names[i], NULL);
      g_unlink (path);
    }
  if (g_rmdir (self->config_dir) != 0)
    g_debug ("could not remove %s: %s", self->config_dir, g_strerror (errno));
  g_clear_pointer (&self->config_dir, g_free);
}

static void
pl_baresip_engine_dispose (GObject *object)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (object);

  g_clear_handle_id (&self->restart_id, g_source_remove);
  g_clear_handle_id (&self->register_timeout_id, g_source_remove);
  g_clear_handle_id (&self->audio_change_id, g_source_remove);
  g_clear_handle_id (&self->reregister_id, g_source_remove);
  /* Children outlive us only as long as SIGKILL takes; GSubprocess reaps. */
  for (GList *l = self->instances; l; l = l->next)
    {
      Instance *inst = l->data;

      instance_retire (inst, FALSE);
      inst->engine = NULL;
    }
  g_clear_pointer (&self->instances, g_list_free);
  self->current = NULL;
  g_clear_object (&self->account);
  G_OBJECT_CLASS (pl_baresip_engine_parent_class)->dispose (object);
}

static void
pl_baresip_engine_finalize (GObject *object)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (object);

  remove_config_dir (self);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);
  g_free (self->playing_call);
  g_free (self->started_devices);
  pl_baresip_options_free (self->options);
  G_OBJECT_CLASS (pl_baresip_engine_parent_class)->finalize (object);
}

static void
pl_baresip_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlBaresipEngine *self = PL_BARESIP_ENGINE (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_baresip_engine_class_init (PlBaresipEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_baresip_engine_dispose;
  object_class->finalize = pl_baresip_engine_finalize;
  object_class->get_property = pl_baresip_engine_get_property;
  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_ACCOUNT, "account");
}

static void
pl_baresip_engine_init (PlBaresipEngine *self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, call_info_free);
  self->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)pl_sip_trace_dialog_free);
}

PlBaresipEngine *
pl_baresip_engine_new (const PlBaresipOptions *options)
{
  PlBaresipEngine *self = g_object_new (PL_TYPE_BARESIP_ENGINE, NULL);

  if (options)
    self->options = pl_baresip_options_copy (options);
  else
    self->options = pl_baresip_options_new ();
  return self;
}

int
pl_baresip_engine_get_pid (PlBaresipEngine *self)
{
  const char *id;

  g_return_val_if_fail (PL_IS_BARESIP_ENGINE (self), 0);
  if (self->current == NULL || self->current->proc == NULL || self->current->exited)
    return 0;
  id = g_subprocess_get_identifier (self->current->proc);
  return id ? atoi (id) : 0;
}

guint16
pl_baresip_engine_get_ctrl_port (PlBaresipEngine *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_ENGINE (self), 0);
  return self->current ? self->current->ctrl_port : 0;
}

const char *
pl_baresip_engine_get_config_dir (PlBaresipEngine *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_ENGINE (self), NULL);
  return self->config_dir;
}

gboolean
pl_baresip_engine_has_child (PlBaresipEngine *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_ENGINE (self), FALSE);
  return self->instances != NULL;
}

guint
pl_baresip_engine_get_restart_count (PlBaresipEngine *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_ENGINE (self), 0);
  return self->restart_count;
}
