/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Netstrings ("LEN:payload,") as spoken by baresip's ctrl_tcp module. The
 * decoder is fed whatever a socket read returned and hands out whole frames;
 * after a malformed frame it stays in the error state for good, because the
 * stream can no longer be resynchronised. */

typedef enum
{
  PL_NETSTRING_NEED_MORE,
  PL_NETSTRING_FRAME,
  PL_NETSTRING_ERROR,
} PlNetstringStatus;

#define PL_NETSTRING_DEFAULT_MAX (1024 * 1024)

typedef struct _PlNetstringDecoder PlNetstringDecoder;

PlNetstringDecoder *pl_netstring_decoder_new (gsize max_payload);
void pl_netstring_decoder_free (PlNetstringDecoder *self);
void pl_netstring_decoder_feed (PlNetstringDecoder *self, const char *data, gsize len);
/* On PL_NETSTRING_FRAME, *payload is a newly allocated NUL-terminated copy
 * (the payload may itself contain NULs; *len tells). On PL_NETSTRING_ERROR,
 * *error_message (if given) says why. */
PlNetstringStatus pl_netstring_decoder_next (PlNetstringDecoder *self, char **payload, gsize *len,
                                             const char **error_message);
gsize pl_netstring_decoder_pending (PlNetstringDecoder *self);

char *pl_netstring_encode (const char *payload, gsize len, gsize *out_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlNetstringDecoder, pl_netstring_decoder_free)

G_END_DECLS
