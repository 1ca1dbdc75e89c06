/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-sip-trace"

#include "config.h"

#include <string.h>

#include "pl-sip-trace.h"

#define BLOCK_START "\x1b[36;1m#\n"
#define BLOCK_END   "\x1b[;m"
#define MAX_BLOCK   (64 * 1024)

struct _PlSipTrace
{
  GString *pending; /* unparsed output */
};

void
pl_sip_trace_dialog_free (PlSipTraceDialog *dialog)
{
  if (dialog == NULL)
    return;
  g_free (dialog->call_id);
  g_free (dialog->from_tag);
  g_free (dialog->to_tag);
  g_free (dialog);
}

PlSipTrace *
pl_sip_trace_new (void)
{
  PlSipTrace *trace = g_new0 (PlSipTrace, 1);

  trace->pending = g_string_new (NULL);
  return trace;
}

void
pl_sip_trace_free (PlSipTrace *trace)
{
  if (trace == NULL)
    return;
  g_string_free (trace->pending, TRUE);
  g_free (trace);
}

/* The value of a header (long or compact name), trimmed; NULL if absent.
 * headers spans the header lines only, CRLF or LF separated. */
static char *
header_value (const char *headers, gsize length, const char *name, const char *compact)
{
  const char *end = headers + length;
  const char *line = headers;

  while (line < end)
    {
      const char *eol = memchr (line, '\n', (gsize)(end - line));
      const char *colon;
      gsize name_len;

      if (eol == NULL)
        eol = end;
      colon = memchr (line, ':', (gsize)(eol - line));
      if (colon != NULL)
        {
          const char *name_end = colon;

          while (name_end > line && (name_end[-1] == ' ' || name_end[-1] == '\t'))
            name_end--;
          name_len = (gsize)(name_end - line);
          if ((name_len == strlen (name) && g_ascii_strncasecmp (line, name, name_len) == 0)
              || (compact && name_len == strlen (compact)
                  && g_ascii_strncasecmp (line, compact, name_len) == 0))
            {
              g_autofree char *value = g_strndup (colon + 1, (gsize)(eol - colon - 1));
              return g_strdup (g_strstrip (value));
            }
        }
      line = eol + 1;
    }
  return NULL;
}

/* The tag parameter of a From/To value, outside its <URI>. */
static char *
tag_param (const char *value)
{
  const char *params = value;
  const char *close = strchr (value, '>');

  if (close != NULL)
    params = close + 1;
  for (const char *p = params; (p = strchr (p, ';')) != NULL; p++)
    {
      const char *name = p + 1;
      gsize len;

      while (*name == ' ')
        name++;
      if (g_ascii_strncasecmp (name, "tag", 3) != 0)
        continue;
      name += 3;
      while (*name == ' ')
        name++;
      if (*name != '=')
        continue;
      name++;
      while (*name == ' ')
        name++;
      len = strcspn (name, "; \t\r\n");
      return len > 0 ? g_strndup (name, len) : NULL;
    }
  return NULL;
}

PlSipTraceDialog *
pl_sip_trace_parse_message (const char *message, gsize length)
{
  g_autoptr (PlSipTraceDialog) dialog = NULL;
  g_autofree char *cseq = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *first_eol;
  const char *body;
  gsize head_len;
  int status;

  g_return_val_if_fail (message != NULL, NULL);

  if (length < 12 || strncmp (message, "SIP/2.0 ", 8) != 0)
    return NULL;
  status = (int)g_ascii_strtoll (message + 8, NULL, 10);
  if (status < 200 || status > 299)
    return NULL;
  first_eol = memchr (message, '\n', length);
  if (first_eol == NULL)
    return NULL;
  /* Headers end at the first empty line; the body may say anything. */
  body = g_strstr_len (first_eol, (gssize)(message + length - first_eol), "\n\r\n");
  if (body == NULL)
    body = g_strstr_len (first_eol, (gssize)(message + length - first_eol), "\n\n");
  head_len = (gsize)((body ? body : message + length) - (first_eol + 1));

  cseq = header_value (first_eol + 1, head_len, "CSeq", NULL);
  if (cseq == NULL || !g_str_has_suffix (cseq, "INVITE"))
    return NULL;
  dialog = g_new0 (PlSipTraceDialog, 1);
  dialog->call_id = header_value (first_eol + 1, head_len, "Call-ID", "i");
  from = header_value (first_eol + 1, head_len, "From", "f");
  to = header_value (first_eol + 1, head_len, "To", "t");
  if (dialog->call_id == NULL || from == NULL || to == NULL)
    return NULL;
  dialog->from_tag = tag_param (from);
  dialog->to_tag = tag_param (to);
  if (*dialog->call_id == '\0' || dialog->from_tag == NULL || dialog->to_tag == NULL)
    return NULL;
  return g_steal_pointer (&dialog);
}

GPtrArray *
pl_sip_trace_feed (PlSipTrace *trace, const char *data, gsize length)
{
  GPtrArray *found = NULL;

  g_return_val_if_fail (trace != NULL, NULL);

  g_string_append_len (trace->pending, data, (gssize)length);
  for (;;)
    {
      GString *p = trace->pending;
      const char *start = g_strstr_len (p->str, (gssize)p->len, BLOCK_START);
      const char *message, *end, *eol;
      PlSipTraceDialog *dialog;

      if (start == NULL)
        {
          /* Keep a tail that may be the beginning of a marker. */
          gsize keep = MIN (p->len, strlen (BLOCK_START) - 1);
          g_string_erase (p, 0, (gssize)(p->len - keep));
          break;
        }
      if (start != p->str)
        g_string_erase (p, 0, start - p->str);
      message = p->str + strlen (BLOCK_START);
      end = g_strstr_len (message, (gssize)(p->len - strlen (BLOCK_START)), BLOCK_END);
      if (end == NULL)
        {
          /* A block that never ends is no trace block. */
          if (p->len > MAX_BLOCK)
            g_string_erase (p, 0, (gssize)strlen (BLOCK_START));
          break;
        }
      /* The first line names the transport and addresses. */
      eol = memchr (message, '\n', (gsize)(end - message));
      if (eol != NULL)
        {
          dialog = pl_sip_trace_parse_message (eol + 1, (gsize)(end - eol - 1));
          if (dialog != NULL)
            {
              if (found == NULL)
                found = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_sip_trace_dialog_free);
              g_ptr_array_add (found, dialog);
            }
        }
      g_string_erase (p, 0, end + strlen (BLOCK_END) - p->str);
    }
  return found;
}
