/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-history"

#include "config.h"

#include <string.h>

#include "pl-history-text.h"

void
pl_history_csv_append_field (GString *line, const char *value)
{
  gboolean quote;
  gsize len;

  g_return_if_fail (line != NULL);

  if (value == NULL)
    return;
  len = strlen (value);
  /* Leading/trailing blanks are quoted too: some readers trim them otherwise. */
  quote = strpbrk (value, ",\"\r\n") != NULL
          || (len > 0 && (value[0] == ' ' || value[len - 1] == ' '));
  if (!quote)
    {
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

char *
pl_history_search_normalize (const char *text)
{
  g_auto (GStrv) words = NULL;
  g_autofree char *joined = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  words = g_strsplit_set (text, " \t\r\n", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_strv_builder_add (builder, words[i]);
  g_strfreev (words);
  words = g_strv_builder_end (builder);
  joined = g_strjoinv (" ", words);
  return *joined ? g_steal_pointer (&joined) : NULL;
}

char *
pl_history_search_to_fts (const char *text)
{
  g_autofree char *norm = pl_history_search_normalize (text);
  GString *expr;

  if (norm == NULL || g_utf8_strlen (norm, -1) < 3)
    return NULL;
  /* One quoted string: the trigram tokenizer turns it into a phrase of
   * trigrams, i.e. a case-insensitive substring match, spaces included. */
  expr = g_string_new ("\"");
  for (const char *p = norm; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (expr, '"');
      g_string_append_c (expr, *p);
    }
  g_string_append_c (expr, '"');
  return g_string_free (expr, FALSE);
}

char *
pl_history_search_to_like (const char *text)
{
  g_autofree char *norm = pl_history_search_normalize (text);
  GString *pattern;

  if (norm == NULL)
    return NULL;
  pattern = g_string_new ("%");
  for (const char *p = norm; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

char *
pl_history_day_key (gint64 real_time_us)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (real_time_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d");
}
