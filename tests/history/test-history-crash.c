/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-crash"

#include <signal.h>

#include "history-test-common.h"

#define ROUNDS       3
#define IDS_PER_KILL 150

typedef struct
{
  GDataInputStream *lines;
  GArray *ids;
  gboolean eof;
} Reader;

static void read_next (Reader *r);

static void
line_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Reader *r = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *line
      = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  gint64 id;

  if (line == NULL)
    {
      r->eof = TRUE;
      return;
    }
  id = g_ascii_strtoll (line, NULL, 10);
  g_assert_cmpint (id, >, 0);
  g_array_append_val (r->ids, id);
  read_next (r);
}

static void
read_next (Reader *r)
{
  g_data_input_stream_read_line_async (r->lines, G_PRIORITY_DEFAULT, NULL, line_read, r);
}

static char *
writer_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self);

  return g_build_filename (dir, "history-writer", NULL);
}

/* Kills the writer mid-burst ROUNDS times; after each kill every id it
 * reported as committed must be on disk, and the file must be sound. */
static void
test_kill_during_writes (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-crash");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *writer = writer_path ();
  g_autoptr (GArray) all_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      Reader r = { .ids = ids };
      g_autofree char *integrity = NULL;
      sqlite3 *db;

      child
          = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, writer, path, "100000", NULL);
      g_assert_no_error (error);
      r.lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      read_next (&r);
      g_assert_true (PL_TEST_WAIT (ids->len >= IDS_PER_KILL || r.eof, 60000));
      g_assert_false (r.eof);

      g_subprocess_force_exit (child);
      g_assert_true (g_subprocess_wait (child, NULL, &error));
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
      /* Take the lines still in the pipe: those ids were committed too. */
      g_assert_true (PL_TEST_WAIT (r.eof, 10000));
      g_clear_object (&r.lines);
      g_test_message ("round %u: %u ids committed before kill -9", round, ids->len);
      g_array_append_vals (all_ids, ids->data, ids->len);

      /* What is on disk, seen by plain SQLite (it replays the WAL). */
      db = history_test_raw_open (path);
      integrity = history_test_raw_text (db, "PRAGMA integrity_check");
      g_assert_cmpstr (integrity, ==, "ok");
      for (guint i = 0; i < all_ids->len; i++)
        {
          g_autofree char *sql
              = g_strdup_printf ("SELECT count(*) FROM calls WHERE id = %" G_GINT64_FORMAT,
                                 g_array_index (all_ids, gint64, i));
          g_assert_cmpint (history_test_raw_int (db, sql), ==, 1);
        }
      /* The search index is as sound as the table. */
      history_test_raw_exec (db, "INSERT INTO calls_fts (calls_fts, rank)"
                                 " VALUES ('integrity-check', 1)");
      sqlite3_close (db);
    }

  /* The store opens it, closes the calls the writer left in progress, and
   * finds every row by search. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (PlHistory) history = pl_history_new (path);
    gint64 n;

    g_assert_true (pl_history_open_sync (history, &error));
    g_assert_no_error (error);
    n = pl_history_count_sync (history, PL_HISTORY_FILTER_ALL, "Writer", &error);
    g_assert_cmpint (n, >=, all_ids->len);
    g_assert_cmpint (pl_history_count_sync (history, PL_HISTORY_FILTER_PARKED, NULL, NULL), >=,
                     all_ids->len / 5);
    {
      sqlite3 *db = history_test_raw_open (path);
      g_assert_cmpint (
          history_test_raw_int (db, "SELECT count(*) FROM calls WHERE outcome = 'in-progress'"), ==,
          0);
      sqlite3_close (db);
    }
    g_assert_finalize_object (g_steal_pointer (&history));
  }
  history_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/history/crash/kill-9-during-writes", test_kill_during_writes);
  return g_test_run ();
}
