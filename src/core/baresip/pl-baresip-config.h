/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pl-account.h"

G_BEGIN_DECLS

/* Everything that goes into baresip's "config" file. Strings are copied
 * verbatim after validation; NULL means "leave baresip's default". */
typedef struct
{
  const char *module_path;   /* NULL: PL_BARESIP_MODULE_PATH (meson option) */
  const char *ctrl_listen;   /* "127.0.0.1:PORT", required */
  const char *sip_listen;    /* "IP:PORT" or NULL to let baresip choose */
  const char *net_interface; /* e.g. "127.0.0.1" to keep SDP on loopback */
  const char *audio_player;  /* "module,device", e.g. "portaudio,pulse" */
  const char *audio_source;
  const char *audio_alert;
  gboolean have_opus;               /* load opus.so (if the module exists) */
  gboolean have_g722;               /* load g722.so (if the module exists) */
  gboolean have_aufile;             /* load aufile.so: sounds played into calls */
  const char *const *extra_modules; /* extra "module" lines, e.g. "aufile.so" */
} PlBaresipConfigParams;

/* Returns the config text, or NULL with @error when a value would break the
 * file (a newline, a missing "module,device" comma, …). */
char *pl_baresip_config_text (const PlBaresipConfigParams *params, GError **error);

/* The account line for "uanew"/the accounts file:
 *   <sip:user@domain;transport=tcp>;auth_user=…;auth_pass=…;outbound="…"
 * Refuses (NULL + error) characters that would end a field early or inject
 * extra parameters: whitespace, control characters, < > " ; and, outside
 * the password, @ ? & = , too. */
char *pl_baresip_account_line (PlAccount *account, guint regint, GError **error);

/* TRUE if every byte of @value may appear in the named account field. */
gboolean pl_baresip_account_value_ok (const char *field, const char *value);

/* PortAudio opens every PCM the ALSA configuration defines when it starts,
 * to list them. Debian's stock set has two that pull large libraries into
 * the engine for nothing a softphone plays through: "a52", the AC-3 (S/PDIF)
 * encoder (libavcodec and some forty codec libraries), and "jack" (libjack,
 * Berkeley DB). This builds the engine's ALSA configuration: @system_conf
 * as it is (conf.d, /etc/asound.conf, ~/.asoundrc all still load), then a
 * last hook loading @overlay_path, which redefines those PCMs as empty
 * ones that fail to open.
 * A PCM named in any of @user_texts (the user's own ALSA files) is left
 * alone: the user may route the default device through it.
 *
 * Returns FALSE when there is nothing to mute or a path cannot be written
 * into the configuration; then the engine keeps the system's. */
gboolean pl_baresip_alsa_config_text (const char *system_conf, const char *overlay_path,
                                      const char *const *user_texts, char **top, char **overlay);

G_END_DECLS
