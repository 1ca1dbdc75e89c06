/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-util"

#include "config.h"

#include <glib-object.h>

#include "pl-util.h"

char *
pl_format_duration (gint64 microseconds)
{
  gint64 total = MAX (microseconds, 0) / G_USEC_PER_SEC;
  gint64 hours = total / 3600, minutes = (total / 60) % 60, seconds = total % 60;

  if (hours > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                            hours, minutes, seconds);
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, minutes, seconds);
}

void
pl_emit_message_full (const char *log_domain, gpointer instance, guint signal_id,
                      const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_log (log_domain, G_LOG_LEVEL_MESSAGE, "%s", text);
  g_signal_emit (instance, signal_id, 0, text);
}
