/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str() arrived in GLib 2.76; we build against 2.74. */
static inline gboolean
pl_set_str (char **str_pointer, const char *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;
  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}

/* Logs the formatted text with g_message() in the caller's log domain and
 * emits it as the one string argument of @signal_id on @instance: the
 * user-facing "message" signals. */
#define pl_emit_message(instance, signal_id, ...)                                                  \
  pl_emit_message_full (G_LOG_DOMAIN, (instance), (signal_id), __VA_ARGS__)
void pl_emit_message_full (const char *log_domain, gpointer instance, guint signal_id,
                           const char *format, ...) G_GNUC_PRINTF (4, 5);

/* "0:45", "12:03", "1:02:03": how long a call or a park lasted. */
char *pl_format_duration (gint64 microseconds);

G_END_DECLS
