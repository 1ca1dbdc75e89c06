/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-keyfile"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pl-keyfile.h"

/* The group a header line opens, as GKeyFile reads it; NULL otherwise. */
static char *
header_group (const char *line, gsize len)
{
  while (len > 0 && g_ascii_isspace (*line))
    line++, len--;
  while (len > 0 && g_ascii_isspace (line[len - 1]))
    len--;
  if (len < 2 || line[0] != '[' || line[len - 1] != ']')
    return NULL;
  return g_strndup (line + 1, len - 2);
}

/* TRUE when the line sets @key ("key = value", spaces around the key
 * ignored, as GKeyFile does). */
static gboolean
line_sets_key (const char *line, gsize len, const char *key)
{
  const char *eq = memchr (line, '=', len);
  gsize key_len = strlen (key);

  if (eq == NULL)
    return FALSE;
  while (line < eq && g_ascii_isspace (*line))
    line++;
  while (eq > line && g_ascii_isspace (eq[-1]))
    eq--;
  return (gsize)(eq - line) == key_len && memcmp (line, key, key_len) == 0;
}

guint
pl_keyfile_find_line (const char *text, const char *group, const char *key)
{
  guint number = 0, group_line = 0, key_line = 0;
  gboolean in_group = FALSE;
  const char *line = text;

  if (text == NULL || group == NULL)
    return 0;
  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize len = end ? (gsize)(end - line) : strlen (line);
      const char *first = line;

      number++;
      while (first < line + len && g_ascii_isspace (*first))
        first++;
      if (first < line + len && *first == '[')
        {
          g_autofree char *name = header_group (line, len);

          in_group = name != NULL && strcmp (name, group) == 0;
          if (in_group)
            group_line = number;
        }
      else if (in_group && key != NULL && *first != '#' && line_sets_key (line, len, key))
        key_line = number;
      if (end == NULL)
        break;
      line = end + 1;
    }
  return key_line ? key_line : group_line;
}

static void
prefix_line (GError **error, const char *origin, guint line)
{
  if (origin != NULL)
    g_prefix_error (error, "%s:%u: ", origin, line);
  else
    /* Translators: the start of an error about a provisioning file */
    g_prefix_error (error, _ ("Line %u: "), line);
}

void
pl_keyfile_prefix_error (GError **error, const char *text, const char *origin, const char *group,
                         const char *key)
{
  guint line;

  if (error == NULL || *error == NULL || text == NULL)
    return;
  line = pl_keyfile_find_line (text, group, key);
  if (line > 0)
    prefix_line (error, origin, line);
}

/* GLib quotes the line it could not parse (“…”): find it in the text. */
static guint
quoted_line (const char *text, const char *message)
{
  const char *open = strstr (message, "“");
  const char *close = open ? strstr (open, "”") : NULL;
  g_autofree char *quoted = NULL;
  const char *at;
  guint line = 1;

  if (close == NULL)
    return 0;
  quoted = g_strndup (open + strlen ("“"), close - open - strlen ("“"));
  if (*quoted == '\0' || (at = strstr (text, quoted)) == NULL)
    return 0;
  for (const char *p = text; p < at; p++)
    line += *p == '\n';
  return line;
}

GKeyFile *
pl_keyfile_load (const char *path, char **text_out, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (!g_key_file_load_from_data (keyfile, text, length, G_KEY_FILE_NONE, &local))
    {
      guint line = quoted_line (text, local->message);

      if (line > 0)
        prefix_line (&local, path, line);
      else
        g_prefix_error (&local, "%s: ", path);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (text_out)
    *text_out = g_steal_pointer (&text);
  return g_steal_pointer (&keyfile);
}

char *
pl_keyfile_get_string (GKeyFile *keyfile, const char *group, const char *key)
{
  g_autofree char *raw = g_key_file_get_value (keyfile, group, key, NULL);
  gsize backslashes = 0;

  if (raw == NULL)
    return NULL;
  for (gsize i = strlen (raw); i > 0 && raw[i - 1] == '\\'; i--)
    backslashes++;
  if (backslashes % 2 == 1)
    return NULL;
  return g_key_file_get_string (keyfile, group, key, NULL);
}
