/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-model"

#include "history-test-common.h"
#include "pl-history-entry.h"
#include "pl-history-model.h"

#define N_ROWS 1050

typedef struct
{
  char *dir;
  PlHistory *history;
  gint64 base;
  guint changes;
  guint last_removed;
  guint last_added;
  GString *log;
} Fixture;

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, Fixture *f)
{
  g_string_append_printf (f->log, "%u-%u+%u ", position, removed, added);
  f->changes++;
  f->last_removed = removed;
  f->last_added = added;
}

/* N_ROWS calls, one every two hours back from a noon, newest first; every
 * third one missed, every tenth one parked. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) noon = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree PlHistoryCallInfo *calls = g_new0 (PlHistoryCallInfo, N_ROWS);
  g_autofree PlHistoryParkInfo *parks = g_new0 (PlHistoryParkInfo, N_ROWS);
  guint n_parks = 0;

  f->dir = pl_test_make_dir ("history-model");
  f->log = g_string_new (NULL);
  path = g_build_filename (f->dir, "history.db", NULL);
  f->history = pl_history_new (path);
  g_assert_true (pl_history_open_sync (f->history, &error));

  noon = g_date_time_new_local (2026, 5, 20, 12, 0, 0);
  f->base = g_date_time_to_unix (noon) * G_USEC_PER_SEC;
  for (guint i = 0; i < N_ROWS; i++)
    {
      char *name = g_strdup_printf ("Person %04u", i);

      g_ptr_array_add (names, name);
      calls[i] = (PlHistoryCallInfo){
        .direction = PL_CALL_DIRECTION_INCOMING,
        .peer_name = name,
        .peer_uri = "sip:100@pbx",
        .started = f->base - (gint64)i * 2 * 3600 * G_USEC_PER_SEC,
        .end = i % 3 == 0 ? PL_CALL_END_MISSED : PL_CALL_END_HANGUP,
      };
      if (i % 10 == 0)
        parks[n_parks++] = (PlHistoryParkInfo){ .call_row = -(gint64)(i + 1),
                                                .slot = "701",
                                                .action = PL_HISTORY_PARK_ACTION_PARKED };
    }
  g_assert_true (pl_history_insert_batch_sync (f->history, calls, N_ROWS, parks, n_parks, &error));
  g_assert_no_error (error);
  /* Let the "changed" of the import pass before models are made. */
  g_assert_true (PL_TEST_WAIT (!g_main_context_pending (NULL), 1000));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  history_test_await_finalize (f->history);
  g_string_free (f->log, TRUE);
  history_test_rm_rf (f->dir);
  g_free (f->dir);
}

static PlHistoryModel *
new_model (Fixture *f)
{
  PlHistoryModel *model = pl_history_model_new (f->history);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), f);
  return model;
}

static void
test_lazy_pages (Fixture *f, gconstpointer data)
{
  PlHistoryModel *model = new_model (f);
  g_autoptr (PlHistoryEntry) first = NULL;
  g_autoptr (PlHistoryEntry) last = NULL;
  g_autoptr (PlHistoryEntry) again = NULL;
  g_autoptr (PlHistoryEntry) middle = NULL;

  /* Nothing is read on creation: the count arrives later. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (pl_history_model_get_loading (model));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == PL_TYPE_HISTORY_ENTRY);

  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_removed, ==, 0);
  g_assert_cmpuint (f->last_added, ==, N_ROWS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (pl_history_entry_get_peer_name (first), ==, "Person 0000");
  last = g_list_model_get_item (G_LIST_MODEL (model), N_ROWS - 1);
  g_assert_cmpstr (pl_history_entry_get_peer_name (last), ==, "Person 1049");
  middle = g_list_model_get_item (G_LIST_MODEL (model), 517);
  g_assert_cmpstr (pl_history_entry_get_peer_name (middle), ==, "Person 0517");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_ROWS));
  /* Cached: the same object comes back. */
  again = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (again == first);

  /* Walk everything in order, past the page cache size, and back. */
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autoptr (PlHistoryEntry) e = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_cmpint (pl_history_entry_get_started (e), ==,
                       f->base - (gint64)i * 2 * 3600 * G_USEC_PER_SEC);
    }
  for (guint i = N_ROWS; i-- > 0;)
    {
      g_autoptr (PlHistoryEntry) e = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_assert_cmpint (pl_history_entry_get_id (e), ==, i + 1);
    }
  history_test_await_finalize (model);
}

static void
test_days (Fixture *f, gconstpointer data)
{
  PlHistoryModel *model = new_model (f);
  guint headers = 0;

  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  /* A call every two hours from noon back: the first day holds 7 calls
   * (noon … midnight), then 12 per day. */
  g_assert_true (pl_history_model_starts_day (model, 0));
  for (guint i = 1; i < 7; i++)
    g_assert_false (pl_history_model_starts_day (model, i));
  g_assert_true (pl_history_model_starts_day (model, 7));
  g_assert_false (pl_history_model_starts_day (model, 8));
  g_assert_true (pl_history_model_starts_day (model, 19));
  g_assert_false (pl_history_model_starts_day (model, N_ROWS));
  for (guint i = 0; i < N_ROWS; i++)
    headers += pl_history_model_starts_day (model, i);
  g_assert_cmpuint (headers, ==, 1 + (N_ROWS - 7 + 11) / 12);
  {
    g_autoptr (PlHistoryEntry) e = g_list_model_get_item (G_LIST_MODEL (model), 7);
    g_assert_cmpstr (pl_history_entry_get_day (e), ==, "2026-05-19");
  }
  history_test_await_finalize (model);
}

static void
test_filter_and_search (Fixture *f, gconstpointer data)
{
  PlHistoryModel *model = new_model (f);
  g_autoptr (PlHistoryEntry) e = NULL;

  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));

  pl_history_model_set_filter (model, PL_HISTORY_FILTER_MISSED);
  g_assert_true (pl_history_model_get_loading (model));
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, (N_ROWS + 2) / 3);
  e = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_cmpstr (pl_history_entry_get_peer_name (e), ==, "Person 0003");
  g_clear_object (&e);

  pl_history_model_set_filter (model, PL_HISTORY_FILTER_PARKED);
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS / 10);

  /* Search as you type: each keystroke replaces the previous count. */
  pl_history_model_set_filter (model, PL_HISTORY_FILTER_ALL);
  pl_history_model_set_search (model, "P");
  pl_history_model_set_search (model, "Pe");
  pl_history_model_set_search (model, "Person 01");
  g_assert_cmpstr (pl_history_model_get_search (model), ==, "Person 01");
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);
  e = g_list_model_get_item (G_LIST_MODEL (model), 99);
  g_assert_cmpstr (pl_history_entry_get_peer_name (e), ==, "Person 0199");
  g_clear_object (&e);

  pl_history_model_set_search (model, "");
  g_assert_null (pl_history_model_get_search (model));
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  history_test_await_finalize (model);
}

static void
test_follows_store (Fixture *f, gconstpointer data)
{
  PlHistoryModel *model = new_model (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistoryEntry) top = NULL;
  g_autoptr (PlHistoryEntry) e = NULL;
  g_autoptr (PlHistoryEntry) blank = NULL;
  g_autoptr (PlCall) call
      = pl_call_new ("n1", PL_CALL_DIRECTION_INCOMING, "sip:9@pbx", "Brand New");
  g_autoptr (PlHistoryRecord) record = NULL;

  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  /* The list shows its top rows. */
  top = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_string_truncate (f->log, 0);

  /* A new call: inserted at the top, the rest of the list untouched (it
   * keeps its scroll position), the first page refreshed. */
  record = pl_history_call_started (f->history, call);
  g_assert_true (
      PL_TEST_WAIT (g_list_model_get_n_items (G_LIST_MODEL (model)) == N_ROWS + 1, 5000));
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpstr (f->log->str, ==, "0-0+1 1-99+99 ");
  e = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (pl_history_entry_get_peer_name (e), ==, "Brand New");
  g_assert_true (pl_history_entry_get_in_progress (e));
  g_clear_object (&e);
  e = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_cmpint (pl_history_entry_get_id (e), ==, pl_history_entry_get_id (top));
  g_clear_object (&e);

  /* It ends: same count, the first page is refreshed in place. */
  g_string_truncate (f->log, 0);
  pl_call_end (call, PL_CALL_END_MISSED, NULL);
  pl_history_call_updated (f->history, record, call);
  g_assert_true (PL_TEST_WAIT (f->log->len > 0, 5000));
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpstr (f->log->str, ==, "0-100+100 ");
  e = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpint (pl_history_entry_get_end (e), ==, PL_CALL_END_MISSED);
  g_clear_object (&e);

  /* Rows disappear before the model hears of it: blank items, no crash,
   * then the model catches up with a full replacement. */
  g_assert_cmpint (pl_history_clear_sync (f->history, &error), ==, N_ROWS + 1);
  blank = g_list_model_get_item (G_LIST_MODEL (model), 500);
  g_assert_nonnull (blank);
  g_assert_cmpint (pl_history_entry_get_id (blank), ==, 0);
  g_assert_true (PL_TEST_WAIT (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0, 5000));
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_nonnull (strstr (f->log->str, "0-1051+0 "));
  history_test_await_finalize (model);
}

/* A model on a store that is off: empty, quiet. */
static void
test_disabled (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-model-off");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (PlHistoryModel) model = NULL;

  g_assert_true (g_file_set_contents (path, "garbage garbage garbage garbage", -1, NULL));
  history = pl_history_new (path);
  g_assert_false (pl_history_open_sync (history, NULL));
  model = pl_history_model_new (history);
  g_assert_true (PL_TEST_WAIT (!pl_history_model_get_loading (model), 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  history_test_await_finalize (g_steal_pointer (&model));
  history_test_await_finalize (g_steal_pointer (&history));
  history_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  /* Day boundaries are checked in a fixed zone without DST. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/history/model/lazy-pages", test_lazy_pages);
  ADD ("/history/model/days", test_days);
  ADD ("/history/model/filter-and-search", test_filter_and_search);
  ADD ("/history/model/follows-store", test_follows_store);
#undef ADD
  g_test_add_func ("/history/model/disabled", test_disabled);
  return g_test_run ();
}
