/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-util"

#include "config.h"

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
