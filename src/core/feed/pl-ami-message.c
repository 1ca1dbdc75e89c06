/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ami"

#include <string.h>

#include "pl-ami-message.h"

PlAmiMessage *
pl_ami_message_new (void)
{
  PlAmiMessage *message = g_new0 (PlAmiMessage, 1);

  message->keys = g_ptr_array_new_with_free_func (g_free);
  message->values = g_ptr_array_new_with_free_func (g_free);
  return message;
}

void
pl_ami_message_free (PlAmiMessage *message)
{
  if (message == NULL)
    return;
  g_ptr_array_unref (message->keys);
  g_ptr_array_unref (message->values);
  g_free (message);
}

void
pl_ami_message_add (PlAmiMessage *message, const char *key, const char *value)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (key != NULL && *key != '\0');

  g_ptr_array_add (message->keys, g_strdup (key));
  g_ptr_array_add (message->values, g_utf8_make_valid (value ? value : "", -1));
}

guint
pl_ami_message_get_n_fields (const PlAmiMessage *message)
{
  g_return_val_if_fail (message != NULL, 0);
  return message->keys->len;
}

const char *
pl_ami_message_get_key (const PlAmiMessage *message, guint index)
{
  g_return_val_if_fail (message != NULL && index < message->keys->len, NULL);
  return g_ptr_array_index (message->keys, index);
}

const char *
pl_ami_message_get_value (const PlAmiMessage *message, guint index)
{
  g_return_val_if_fail (message != NULL && index < message->values->len, NULL);
  return g_ptr_array_index (message->values, index);
}

const char *
pl_ami_message_get (const PlAmiMessage *message, const char *key)
{
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < message->keys->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (message->keys, i), key) == 0)
      return g_ptr_array_index (message->values, i);
  return NULL;
}

gboolean
pl_ami_message_is (const PlAmiMessage *message, const char *key, const char *value)
{
  const char *have = pl_ami_message_get (message, key);

  return have != NULL && g_ascii_strcasecmp (have, value) == 0;
}

/* ---- parser --------------------------------------------------------------- */

void
pl_ami_parser_init (PlAmiParser *parser, gboolean expect_banner)
{
  g_return_if_fail (parser != NULL);

  memset (parser, 0, sizeof *parser);
  parser->expect_banner = expect_banner;
  parser->line = g_byte_array_new ();
}

void
pl_ami_parser_clear (PlAmiParser *parser)
{
  g_return_if_fail (parser != NULL);

  g_clear_pointer (&parser->banner, g_free);
  g_clear_pointer (&parser->line, g_byte_array_unref);
  g_clear_pointer (&parser->current, pl_ami_message_free);
}

/* A hostile or broken peer can make every message bad: log the first few
 * and then only now and then. */
static void
drop_message (PlAmiParser *parser, const char *why)
{
  parser->n_dropped++;
  if (parser->n_dropped <= 10 || parser->n_dropped % 1000 == 0)
    g_message ("Dropped a manager message (%s); %u dropped so far", why, parser->n_dropped);
  g_clear_pointer (&parser->current, pl_ami_message_free);
  parser->current_size = 0;
  parser->discarding = TRUE;
}

static gboolean
key_is_valid (const char *key, gsize length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if ((guchar)key[i] <= ' ' || (guchar)key[i] >= 0x7f)
      return FALSE;
  return TRUE;
}

static void
end_message (PlAmiParser *parser, GPtrArray *messages)
{
  if (parser->current != NULL && !parser->discarding)
    g_ptr_array_add (messages, g_steal_pointer (&parser->current));
  g_clear_pointer (&parser->current, pl_ami_message_free);
  parser->current_size = 0;
  parser->discarding = FALSE;
}

static void
take_field (PlAmiParser *parser, const char *line, gsize length)
{
  const char *colon = memchr (line, ':', length);
  const char *value;
  g_autofree char *key = NULL;
  g_autofree char *value_text = NULL;

  if (parser->discarding)
    return;
  if (colon == NULL || !key_is_valid (line, colon - line))
    {
      drop_message (parser, "a line that is not “Key: Value”");
      return;
    }
  if (parser->current == NULL)
    parser->current = pl_ami_message_new ();
  if (parser->current->keys->len >= PL_AMI_MAX_FIELDS)
    {
      drop_message (parser, "too many fields");
      return;
    }
  parser->current_size += length;
  if (parser->current_size > PL_AMI_MAX_MESSAGE)
    {
      drop_message (parser, "message too long");
      return;
    }
  value = colon + 1;
  while (value < line + length && *value == ' ')
    value++;
  key = g_strndup (line, colon - line);
  value_text = g_strndup (value, line + length - value);
  pl_ami_message_add (parser->current, key, value_text);
}

/* One complete line (without its LF). */
static void
take_line (PlAmiParser *parser, const char *line, gsize length, GPtrArray *messages)
{
  gboolean too_long = parser->line_too_long;

  parser->line_too_long = FALSE;
  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (parser->expect_banner)
    {
      /* A banner that is not text still ends the greeting: the client sees
       * it is not an Asterisk banner and says so. */
      parser->expect_banner = FALSE;
      parser->banner = too_long || memchr (line, '\0', length) ? g_strdup ("")
                                                               : g_utf8_make_valid (line, length);
      return;
    }
  if (length == 0 && !too_long)
    {
      end_message (parser, messages);
      return;
    }
  if (too_long)
    drop_message (parser, "line too long");
  else if (memchr (line, '\0', length) != NULL)
    drop_message (parser, "a NUL byte");
  else
    take_field (parser, line, length);
}

void
pl_ami_parser_feed (PlAmiParser *parser, const char *data, gsize length, GPtrArray *messages)
{
  g_return_if_fail (parser != NULL && parser->line != NULL);
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (messages != NULL);

  while (length > 0)
    {
      const char *newline = memchr (data, '\n', length);
      gsize chunk = newline ? (gsize)(newline - data) : length;

      /* Keep at most one line's worth: the rest of an overlong line is
       * only counted, never stored. */
      if (!parser->line_too_long)
        {
          gsize room = PL_AMI_MAX_LINE - parser->line->len;

          if (chunk > room)
            {
              parser->line_too_long = TRUE;
              g_byte_array_set_size (parser->line, 0);
            }
          else
            g_byte_array_append (parser->line, (const guint8 *)data, chunk);
        }
      if (newline == NULL)
        return;
      take_line (parser, (const char *)parser->line->data, parser->line->len, messages);
      g_byte_array_set_size (parser->line, 0);
      data = newline + 1;
      length -= chunk + 1;
    }
}

GPtrArray *
pl_ami_parse (const char *data, gsize length, gboolean expect_banner, char **banner)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);
  PlAmiParser parser;

  pl_ami_parser_init (&parser, expect_banner);
  pl_ami_parser_feed (&parser, data, length, messages);
  if (banner)
    *banner = g_steal_pointer (&parser.banner);
  pl_ami_parser_clear (&parser);
  return messages;
}

/* ---- actions -------------------------------------------------------------- */

static gboolean
is_single_line (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
append_field (GString *out, const char *key, const char *value)
{
  if (!key_is_valid (key, strlen (key)) || strchr (key, ':') || !is_single_line (value))
    return FALSE;
  g_string_append_printf (out, "%s: %s\r\n", key, value);
  return TRUE;
}

char *
pl_ami_action_build (const char *action, const char *action_id, ...)
{
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean ok;
  va_list args;
  const char *key;

  g_return_val_if_fail (action != NULL, NULL);

  ok = append_field (out, "Action", action);
  if (ok && action_id != NULL)
    ok = append_field (out, "ActionID", action_id);
  va_start (args, action_id);
  while (ok && (key = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      ok = append_field (out, key, value ? value : "");
    }
  va_end (args);
  if (!ok)
    return NULL;
  g_string_append (out, "\r\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
