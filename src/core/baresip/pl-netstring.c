/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-netstring"

#include "config.h"

#include <string.h>

#include "pl-netstring.h"

/* Enough digits for any length we would accept; more means garbage. */
#define MAX_LENGTH_DIGITS 10

struct _PlNetstringDecoder
{
  GByteArray *buffer;
  gsize max_payload;
  const char *error;
};

PlNetstringDecoder *
pl_netstring_decoder_new (gsize max_payload)
{
  PlNetstringDecoder *self = g_new0 (PlNetstringDecoder, 1);

  self->buffer = g_byte_array_new ();
  self->max_payload = max_payload ? max_payload : PL_NETSTRING_DEFAULT_MAX;
  return self;
}

void
pl_netstring_decoder_free (PlNetstringDecoder *self)
{
  if (self == NULL)
    return;
  g_byte_array_unref (self->buffer);
  g_free (self);
}

void
pl_netstring_decoder_feed (PlNetstringDecoder *self, const char *data, gsize len)
{
  g_return_if_fail (self != NULL);
  if (self->error != NULL || len == 0)
    return;
  g_byte_array_append (self->buffer, (const guint8 *)data, len);
}

gsize
pl_netstring_decoder_pending (PlNetstringDecoder *self)
{
  return self->buffer->len;
}

static PlNetstringStatus
fail (PlNetstringDecoder *self, const char *why, const char **error_message)
{
  self->error = why;
  g_byte_array_set_size (self->buffer, 0);
  if (error_message)
    *error_message = why;
  return PL_NETSTRING_ERROR;
}

PlNetstringStatus
pl_netstring_decoder_next (PlNetstringDecoder *self, char **payload, gsize *len,
                           const char **error_message)
{
  const guint8 *data;
  gsize avail, digits = 0, length = 0, frame_len;

  g_return_val_if_fail (self != NULL, PL_NETSTRING_ERROR);
  g_return_val_if_fail (payload != NULL, PL_NETSTRING_ERROR);

  if (self->error != NULL)
    {
      if (error_message)
        *error_message = self->error;
      return PL_NETSTRING_ERROR;
    }

  data = self->buffer->data;
  avail = self->buffer->len;

  /* The length prefix is re-parsed on every call: frames are small and this
   * keeps the decoder free of partial-parse state. */
  while (digits < avail && g_ascii_isdigit (data[digits]))
    {
      if (digits == 1 && data[0] == '0')
        return fail (self, "length with a leading zero", error_message);
      length = length * 10 + (data[digits] - '0');
      digits++;
      if (digits > MAX_LENGTH_DIGITS || length > self->max_payload)
        return fail (self, "frame too long", error_message);
    }
  if (digits == avail)
    return PL_NETSTRING_NEED_MORE;
  if (data[digits] != ':')
    return fail (self, "expected a digit or ':'", error_message);
  if (digits == 0)
    return fail (self, "missing length", error_message);

  frame_len = digits + 1 + length + 1;
  if (avail < frame_len)
    return PL_NETSTRING_NEED_MORE;
  if (data[frame_len - 1] != ',')
    return fail (self, "missing ',' after the payload", error_message);

  *payload = g_malloc (length + 1);
  memcpy (*payload, data + digits + 1, length);
  (*payload)[length] = '\0';
  if (len)
    *len = length;
  g_byte_array_remove_range (self->buffer, 0, frame_len);
  return PL_NETSTRING_FRAME;
}

char *
pl_netstring_encode (const char *payload, gsize len, gsize *out_len)
{
  GString *out = g_string_sized_new (len + 16);

  g_string_append_printf (out, "%" G_GSIZE_FORMAT ":", len);
  g_string_append_len (out, payload, len);
  g_string_append_c (out, ',');
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}
