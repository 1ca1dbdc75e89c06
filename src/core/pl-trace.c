/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-trace"

#include "config.h"

#include "pl-trace.h"

void
pl_trace_mark (const char *format, ...)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *what = NULL;
  va_list args;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "pl-trace"))
    return;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_log ("pl-trace", G_LOG_LEVEL_DEBUG, "%s at %" G_GINT64_FORMAT " us", what, now);
}
