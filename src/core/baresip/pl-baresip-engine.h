/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-engine.h"

G_BEGIN_DECLS

/* How to run baresip. Every field may be left NULL/0 for the default. */
typedef struct
{
  char *binary;        /* default: $PL_BARESIP, else PL_BARESIP_BINARY */
  char *module_path;   /* default: PL_BARESIP_MODULE_PATH (meson option) */
  char *runtime_dir;   /* parent of the private config dir; default:
                        * $XDG_RUNTIME_DIR/parkline, else a 0700 temp dir */
  char *sip_listen;    /* "IP:PORT"; default: baresip chooses */
  char *net_interface; /* e.g. "127.0.0.1" to keep SDP on loopback */
  char *input_device;  /* PortAudio device name; default: "default" or
                        * PortAudio's default input */
  char *output_device; /* same, for call audio (and ringing without a ringer) */
  char *ringer_device; /* same, for the ring tone; default: output_device */
  /* Full "module,device" overrides (tests: "aufile,/x.wav", "alsa,null").
   * When all three are set, no PortAudio device check is done. */
  char *audio_player;
  char *audio_source;
  char *audio_alert;
  char **extra_modules;       /* extra "module" lines, e.g. "aufile.so" */
  char *log_file;             /* baresip's output goes here; default: discarded */
  guint regint;               /* registration interval, s (default 600) */
  guint register_timeout_ms;  /* no answer from the registrar → "unreachable" (20000) */
  guint command_timeout_ms;   /* per ctrl_tcp command (5000) */
  guint start_timeout_ms;     /* control port must open within (10000) */
  guint restart_delay_ms;     /* first restart delay (500), doubling … */
  guint restart_delay_max_ms; /* … up to (8000) */
  guint max_quick_restarts;   /* crashes within 30 s of a start before FAILED (5) */
} PlBaresipOptions;

PlBaresipOptions *pl_baresip_options_new (void);
PlBaresipOptions *pl_baresip_options_copy (const PlBaresipOptions *options);
void pl_baresip_options_free (PlBaresipOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlBaresipOptions, pl_baresip_options_free)

#define PL_TYPE_BARESIP_ENGINE (pl_baresip_engine_get_type ())
G_DECLARE_FINAL_TYPE (PlBaresipEngine, pl_baresip_engine, PL, BARESIP_ENGINE, GObject)

/* The PlEngine that runs Debian's baresip as a child process.
 *
 * Beyond the interface:
 * - A new outgoing call's first event is a synthetic CALL_OUTGOING (baresip
 *   1.0.0 has none), so a dialled call learns its Call-ID early.
 * - When baresip dies or its control socket is taken over, every live call
 *   gets a synthetic CALL_CLOSED with param "engine stopped", the state goes
 *   RESTARTING and "problem" is emitted; the account is re-registered after
 *   the restart.
 * - A registrar that does not answer within register_timeout_ms gives a
 *   synthetic REGISTER_FAIL with param "unreachable". */
PlBaresipEngine *pl_baresip_engine_new (const PlBaresipOptions *options);

/* New PortAudio device names (NULL: PortAudio's default). baresip reads its
 * devices at start, so a change restarts it and re-registers: at once when
 * no call is up, else once the last call has ended. */
void pl_baresip_engine_set_audio_devices (PlBaresipEngine *self, const char *input,
                                          const char *output, const char *ringer);

/* For tests and diagnostics. */
int pl_baresip_engine_get_pid (PlBaresipEngine *self);
guint16 pl_baresip_engine_get_ctrl_port (PlBaresipEngine *self);
const char *pl_baresip_engine_get_config_dir (PlBaresipEngine *self);
/* TRUE while any baresip child (current or being shut down) is alive. */
gboolean pl_baresip_engine_has_child (PlBaresipEngine *self);
guint pl_baresip_engine_get_restart_count (PlBaresipEngine *self);

G_END_DECLS
