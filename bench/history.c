/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-history"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "bench-stats.h"
#include "pl-history-entry.h"
#include "pl-history-model.h"
#include "pl-history.h"
#include "pl-test-util.h"

/* History benchmark: fills a store with a realistic history (default one
 * million calls, park events on a tenth of them), then times what the UI
 * does: open + count at start-up, search-as-you-type queries, filters, and
 * the first page of the lazy list model. Prints a table.
 *
 *   bench-history [ROWS] [RUNS]   (also: meson test --benchmark history) */

#define BATCH 10000

static const char *const first_names[] = {
  "Anna",   "Ben",    "Clara",  "David", "Emma",   "Felix", "Greta", "Hugo",  "Ida",    "Jonas",
  "Karin",  "Lukas",  "Mia",    "Noah",  "Olga",   "Paul",  "Rosa",  "Sven",  "Tanja",  "Uwe",
  "Vera",   "Willi",  "Xenia",  "Yusuf", "Zoë",    "Ahmed", "Björn", "Chloé", "Dmitri", "Elif",
  "Fatima", "Giulia", "Hannes", "Ines",  "Jürgen", "Kemal", "Lena",  "Marco", "Nina",   "Oskar",
};
static const char *const syllables[] = {
  "ber", "man", "schu", "lz", "kel", "mey", "er",  "hof", "stein", "brand", "wald", "feld",
  "ko",  "wal", "ski",  "ri", "ch",  "ter", "wag", "ner", "beck",  "hart",  "mann", "lin",
  "sch", "mi",  "dt",   "fi", "sch", "er",  "bau", "ro",  "the",   "wolf",  "gra",  "f",
};

typedef struct
{
  GPtrArray *names; /* owns the strings the call infos point at */
  GPtrArray *uris;
  GPtrArray *last_names;
  GRand *rand;
} Data;

static char *
make_last_name (GRand *rand)
{
  GString *name = g_string_new (NULL);
  guint parts = (guint)g_rand_int_range (rand, 2, 4);

  for (guint i = 0; i < parts; i++)
    g_string_append (name, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
  name->str[0] = g_ascii_toupper (name->str[0]);
  return g_string_free (name, FALSE);
}

static PlCallEnd
pick_end (GRand *rand)
{
  int r = g_rand_int_range (rand, 0, 100);

  if (r < 60)
    return PL_CALL_END_HANGUP;
  if (r < 80)
    return PL_CALL_END_MISSED;
  if (r < 85)
    return PL_CALL_END_DECLINED;
  if (r < 90)
    return PL_CALL_END_FAILED;
  if (r < 95)
    return PL_CALL_END_TRANSFERRED;
  return PL_CALL_END_PARKED;
}

static double
ms_since (gint64 start)
{
  return (double)(g_get_monotonic_time () - start) / 1000.0;
}

static void
row (const char *what, const char *step, const char *detail, double p50, double p95)
{
  printf ("| %-28s | %-16s | %-14s | %9.2f | %9.2f |\n", what, step, detail, p50, p95);
}

/* Times COUNT and the first page of 100 rows, as the list model does when
 * the filter or search changes. */
static void
time_query (PlHistory *history, const char *what, PlHistoryFilter filter, GPtrArray *searches,
            guint runs, gint64 *matches)
{
  g_autoptr (GArray) count_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 total = 0;

  for (guint i = 0; i < runs; i++)
    {
      const char *search = searches ? searches->pdata[i % searches->len] : NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) page = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 n = pl_history_count_sync (history, filter, search, &error);
      double t;

      if (n < 0)
        g_error ("count failed: %s", error->message);
      t = ms_since (start);
      g_array_append_val (count_ms, t);
      total += n;
      start = g_get_monotonic_time ();
      page = pl_history_query_sync (history, filter, search, 0, 100, &error);
      if (page == NULL)
        g_error ("query failed: %s", error->message);
      t = ms_since (start);
      g_array_append_val (page_ms, t);
    }
  {
    g_autofree char *detail = g_strdup_printf ("%" G_GINT64_FORMAT " rows", total / runs);

    row (what, "count", detail, bench_median (count_ms), bench_percentile (count_ms, 0.95));
    row (what, "first 100 rows", "", bench_median (page_ms), bench_percentile (page_ms, 0.95));
  }
  if (matches)
    *matches = total / runs;
}

int
main (int argc, char *argv[])
{
  guint n_rows = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  guint runs = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 40;
  g_autofree char *dir = pl_test_make_dir ("bench-history");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (GPtrArray) name_searches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) number_searches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) short_searches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) model_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) deep_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (4242);
  gint64 now = g_get_real_time ();
  gint64 span = (gint64)3 * 365 * 24 * 3600 * G_USEC_PER_SEC;
  gint64 start;
  guint n_parks = 0;
  double insert_s;
  GStatBuf st;

  if (n_rows == 0 || runs == 0)
    {
      g_printerr ("usage: %s [ROWS] [RUNS]\n", argv[0]);
      return 2;
    }

  history = pl_history_new (path);
  if (!pl_history_open_sync (history, &error))
    g_error ("%s", error->message);

  /* Fill, in batches: one transaction (and fsync) per BATCH calls. */
  start = g_get_monotonic_time ();
  for (guint done = 0; done < n_rows; done += BATCH)
    {
      guint n = MIN (BATCH, n_rows - done);
      g_autofree PlHistoryCallInfo *calls = g_new0 (PlHistoryCallInfo, n);
      g_autofree PlHistoryParkInfo *parks = g_new0 (PlHistoryParkInfo, n);
      g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
      guint np = 0;

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *last = make_last_name (rand);
          char *name = g_strdup_printf (
              "%s %s", first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))], last);
          char *uri = g_strdup_printf ("sip:+4930%07d@pbx.example.org",
                                       g_rand_int_range (rand, 0, 10000000));
          /* Oldest first, like a real history growing over time. */
          gint64 started = now - span + (span / n_rows) * (done + i);
          PlCallEnd end = pick_end (rand);

          g_ptr_array_add (strings, name);
          g_ptr_array_add (strings, uri);
          calls[i] = (PlHistoryCallInfo){
            .account = "sip:me@pbx.example.org",
            .direction
            = g_rand_boolean (rand) ? PL_CALL_DIRECTION_INCOMING : PL_CALL_DIRECTION_OUTGOING,
            .peer_uri = uri,
            .peer_name = g_rand_int_range (rand, 0, 10) ? name : NULL,
            .call_id = NULL,
            .started = started,
            .answered = end == PL_CALL_END_HANGUP || end == PL_CALL_END_PARKED
                                || end == PL_CALL_END_TRANSFERRED
                            ? started + 4 * G_USEC_PER_SEC
                            : 0,
            .ended = started + 90 * G_USEC_PER_SEC,
            .end = end,
          };
          if (end == PL_CALL_END_PARKED || g_rand_int_range (rand, 0, 100) < 5)
            parks[np++] = (PlHistoryParkInfo){
              .call_row = -(gint64)(i + 1),
              .lot = "main",
              .slot = "701",
              .action = end == PL_CALL_END_PARKED ? PL_HISTORY_PARK_ACTION_PARKED
                                                  : PL_HISTORY_PARK_ACTION_RETURNED,
              .actor = PL_HISTORY_PARK_ACTOR_ME,
              .caller_name = name,
              .caller_uri = uri,
              .parked_at = started + 30 * G_USEC_PER_SEC,
              .at = started + 30 * G_USEC_PER_SEC,
            };
          if (done + i < 2 * runs && i % 2 == 0)
            {
              g_ptr_array_add (name_searches, g_utf8_substring (last, 1, 6));
              g_ptr_array_add (number_searches,
                               g_strdup_printf ("%04d", g_rand_int_range (rand, 0, 10000)));
              g_ptr_array_add (short_searches, g_utf8_substring (last, 0, 2));
            }
        }
      if (!pl_history_insert_batch_sync (history, calls, n, parks, np, &error))
        g_error ("insert failed: %s", error->message);
      n_parks += np;
    }
  insert_s = ms_since (start) / 1000.0;
  g_assert_true (pl_history_flush_sync (history, NULL));
  g_clear_object (&history);

  printf ("\nParkline history benchmark: %u calls, %u park events, %u runs per query\n", n_rows,
          n_parks, runs);
  printf ("Inserted in %.1f s (%.0f calls/s, batches of %d)\n", insert_s, n_rows / insert_s, BATCH);
  if (g_stat (path, &st) == 0)
    printf ("Database size: %.1f MiB\n", st.st_size / (1024.0 * 1024.0));
  printf ("\n| %-28s | %-16s | %-14s | %9s | %9s |\n", "query", "step", "matches (avg)", "p50 ms",
          "p95 ms");
  printf (
      "|------------------------------|------------------|----------------|-----------|---------"
      "--|\n");

  /* Start-up: open (schema check, WAL) plus the model's COUNT. */
  for (guint i = 0; i < MIN (runs, 10u); i++)
    {
      g_autoptr (PlHistory) h = pl_history_new (path);
      gint64 n;

      start = g_get_monotonic_time ();
      if (!pl_history_open_sync (h, &error))
        g_error ("%s", error->message);
      n = pl_history_count_sync (h, PL_HISTORY_FILTER_ALL, NULL, &error);
      double t = ms_since (start);
      g_array_append_val (open_ms, t);
      g_assert_cmpint (n, ==, n_rows);
    }
  row ("start-up", "open + count", "", bench_median (open_ms), bench_percentile (open_ms, 0.95));

  history = pl_history_new (path);
  if (!pl_history_open_sync (history, &error))
    g_error ("%s", error->message);

  time_query (history, "all", PL_HISTORY_FILTER_ALL, NULL, runs, NULL);
  time_query (history, "name fragment (5 chars)", PL_HISTORY_FILTER_ALL, name_searches, runs, NULL);
  time_query (history, "number fragment (4 digits)", PL_HISTORY_FILTER_ALL, number_searches, runs,
              NULL);
  time_query (history, "2 chars (LIKE fallback)", PL_HISTORY_FILTER_ALL, short_searches,
              MIN (runs, 10u), NULL);
  time_query (history, "filter missed", PL_HISTORY_FILTER_MISSED, NULL, runs, NULL);
  time_query (history, "filter parked", PL_HISTORY_FILTER_PARKED, NULL, runs, NULL);
  time_query (history, "filter returned", PL_HISTORY_FILTER_RETURNED, NULL, runs, NULL);
  time_query (history, "missed + name fragment", PL_HISTORY_FILTER_MISSED, name_searches, runs,
              NULL);

  /* The lazy model as the UI sees it: created, counted, first row shown. */
  for (guint i = 0; i < runs; i++)
    {
      g_autoptr (PlHistoryModel) model = NULL;
      g_autoptr (PlHistoryEntry) first = NULL;
      g_autoptr (PlHistoryEntry) deep = NULL;
      double t;

      start = g_get_monotonic_time ();
      model = pl_history_model_new (history);
      if (!PL_TEST_WAIT (!pl_history_model_get_loading (model), 60000))
        g_error ("model did not load");
      first = g_list_model_get_item (G_LIST_MODEL (model), 0);
      t = ms_since (start);
      g_array_append_val (model_ms, t);
      g_assert_nonnull (first);

      start = g_get_monotonic_time ();
      deep = g_list_model_get_item (G_LIST_MODEL (model),
                                    g_rand_int_range (rand, 0, (gint32)n_rows));
      t = ms_since (start);
      g_array_append_val (deep_ms, t);
      g_assert_nonnull (deep);
    }
  row ("lazy model", "new -> row 0", "", bench_median (model_ms),
       bench_percentile (model_ms, 0.95));
  row ("lazy model", "random deep row", "", bench_median (deep_ms),
       bench_percentile (deep_ms, 0.95));

  g_clear_object (&history);
  g_rand_free (rand);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
    g_remove (path);
    g_rmdir (dir);
  }
  return 0;
}
