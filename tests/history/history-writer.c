/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "history-writer"

#include <stdio.h>
#include <stdlib.h>

#include "pl-history.h"

/* Test helper: writes calls (and now and then a park event) into the store
 * at argv[1] as fast as it can, printing the id of each committed call on its
 * own line, until argv[2] rows are written or it is killed. */
int
main (int argc, char *argv[])
{
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (GError) error = NULL;
  guint64 max_rows;

  if (argc != 3)
    {
      g_printerr ("usage: %s DATABASE MAX-ROWS\n", argv[0]);
      return 2;
    }
  max_rows = g_ascii_strtoull (argv[2], NULL, 10);
  history = pl_history_new (argv[1]);
  if (!pl_history_open_sync (history, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint64 i = 0; i < max_rows; i++)
    {
      g_autofree char *name = g_strdup_printf ("Writer %" G_GUINT64_FORMAT, i);
      PlHistoryCallInfo info = {
        .direction = PL_CALL_DIRECTION_INCOMING,
        .peer_uri = "sip:+4930123@pbx.test",
        .peer_name = name,
        .end = i % 2 ? PL_CALL_END_MISSED : PL_CALL_END_NONE,
      };
      gint64 id = pl_history_insert_call_sync (history, &info, &error);

      if (id <= 0)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (i % 5 == 0)
        {
          PlHistoryParkInfo park
              = { .call_row = id, .slot = "701", .action = PL_HISTORY_PARK_ACTION_PARKED };
          if (pl_history_insert_park_event_sync (history, &park, &error) <= 0)
            {
              g_printerr ("%s\n", error->message);
              return 1;
            }
        }
      /* One write(2) per line: the reader never sees half an id. */
      printf ("%" G_GINT64_FORMAT "\n", id);
      fflush (stdout);
    }
  return 0;
}
