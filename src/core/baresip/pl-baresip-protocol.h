/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pl-engine.h"

G_BEGIN_DECLS

/* One decoded ctrl_tcp message: a reply to one of our commands or an event. */
typedef enum
{
  PL_BARESIP_MESSAGE_RESPONSE,
  PL_BARESIP_MESSAGE_EVENT,
} PlBaresipMessageKind;

typedef struct
{
  PlBaresipMessageKind kind;
  /* Responses */
  char *token;
  gboolean ok;
  char *data;
  /* Events */
  PlEngineEvent *event;
} PlBaresipMessage;

PlBaresipMessage *pl_baresip_message_parse (const char *json, gsize len, GError **error);
void pl_baresip_message_free (PlBaresipMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlBaresipMessage, pl_baresip_message_free)

/* baresip's event name ("CALL_ESTABLISHED", "TRANSFER", …) → our type. */
PlEngineEventType pl_baresip_event_type_from_string (const char *name);

/* The JSON text of a command (without the netstring frame). */
char *pl_baresip_command_to_json (const char *command, const char *params, const char *token);

/* A sentence a user can act on for a REGISTER_FAIL reason ("401
 * Unauthorized", "Connection timed out", …). Never NULL. */
char *pl_baresip_registration_reason (const char *param);

/* The audio encoder of the current call from the `audio_debug` reply
 * (" tx:   encode: opus 48000Hz/2ch ptime=20ms S16LE"): what a sound
 * file must match to become the call's source. FALSE before the call's
 * audio has started (" encode:  ptime=…"). */
gboolean pl_baresip_parse_encoder (const char *audio_debug, char **codec, guint *rate,
                                   guint *channels);

/* Whether an `ausrc` reply reports that a call's source could not be set
 * (the reply is ok:true either way). */
gboolean pl_baresip_ausrc_failed (const char *reply);

G_END_DECLS
