/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-recorder"

#include "history-test-common.h"
#include "pl-history-entry.h"
#include "pl-history-recorder.h"

typedef struct
{
  char *dir;
  char *path;
  PlHistory *history;
  GListStore *calls;
  PlHistoryRecorder *recorder;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = pl_test_make_dir ("history-rec");
  f->path = g_build_filename (f->dir, "history.db", NULL);
  f->history = pl_history_new (f->path);
  g_assert_true (pl_history_open_sync (f->history, &error));
  f->calls = g_list_store_new (PL_TYPE_CALL);
  f->recorder = pl_history_recorder_new (f->history, G_LIST_MODEL (f->calls));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->calls);
  if (f->recorder)
    g_assert_finalize_object (f->recorder);
  if (f->history)
    g_assert_finalize_object (f->history);
  history_test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static PlCall *
new_call (const char *id, PlCallDirection direction, const char *uri, const char *name)
{
  PlCall *call = pl_call_new (id, direction, uri, name);
  pl_call_set_account_aor (call, "sip:me@pbx.test");
  return call;
}

/* Adds to the model as the manager does. */
static void
add (Fixture *f, PlCall *call)
{
  g_list_store_append (f->calls, call);
}

/* Removes from the model as the manager does: right after the end. */
static void
remove_call (Fixture *f, PlCall *call)
{
  guint pos;

  g_assert_true (g_list_store_find (f->calls, call, &pos));
  g_list_store_remove (f->calls, pos);
}

static PlHistoryEntry *
entry_for (Fixture *f, PlCall *call)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  PlHistoryRecord *record = pl_history_recorder_lookup (f->recorder, call);

  g_assert_true (pl_history_flush_sync (f->history, &error));
  g_assert_nonnull (record);
  g_assert_cmpint (pl_history_record_get_id (record), >, 0);
  all = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, NULL, 0, 1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (pl_history_entry_get_id (all->pdata[i]) == pl_history_record_get_id (record))
      return g_object_ref (all->pdata[i]);
  g_assert_not_reached ();
}

static gint64
count_all (Fixture *f)
{
  g_assert_true (pl_history_flush_sync (f->history, NULL));
  return pl_history_count_sync (f->history, PL_HISTORY_FILTER_ALL, NULL, NULL);
}

static void
test_answered (Fixture *f, gconstpointer data)
{
  g_autoptr (PlCall) call
      = new_call ("a1", PL_CALL_DIRECTION_INCOMING, "sip:+4930123@pbx.test", "Caller One");
  g_autoptr (PlHistoryEntry) ringing = NULL;
  g_autoptr (PlHistoryEntry) talking = NULL;
  g_autoptr (PlHistoryEntry) done = NULL;

  add (f, call);
  /* On disk from the first ring: a crash now still leaves a trace. */
  ringing = entry_for (f, call);
  g_assert_true (pl_history_entry_get_in_progress (ringing));
  g_assert_cmpint (pl_history_entry_get_answered (ringing), ==, 0);
  g_assert_cmpstr (pl_history_entry_get_account (ringing), ==, "sip:me@pbx.test");
  g_assert_cmpstr (pl_history_entry_get_call_id (ringing), ==, "a1");

  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  talking = entry_for (f, call);
  g_assert_true (pl_history_entry_get_in_progress (talking));
  g_assert_cmpint (pl_history_entry_get_answered (talking), ==, pl_call_get_answered (call));

  pl_call_set_state (call, PL_CALL_STATE_HELD);
  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  pl_call_end (call, PL_CALL_END_HANGUP, NULL);
  remove_call (f, call);
  done = entry_for (f, call);
  g_assert_cmpint (pl_history_entry_get_end (done), ==, PL_CALL_END_HANGUP);
  g_assert_cmpstr (pl_history_entry_get_outcome (done), ==, "answered");
  g_assert_cmpint (pl_history_entry_get_ended (done), ==, pl_call_get_ended (call));
  g_assert_cmpint (pl_history_entry_get_duration (done), ==, pl_call_get_duration (call));
  g_assert_cmpint (count_all (f), ==, 1);
}

/* Every end cause, each call driven through its own states. */
static void
test_every_outcome (Fixture *f, gconstpointer data)
{
  for (PlCallEnd end = PL_CALL_END_HANGUP; end <= PL_CALL_END_ENGINE_STOPPED; end++)
    {
      g_autofree char *id = g_strdup_printf ("call-%d", end);
      PlCallDirection direction
          = end == PL_CALL_END_FAILED ? PL_CALL_DIRECTION_OUTGOING : PL_CALL_DIRECTION_INCOMING;
      g_autoptr (PlCall) call = new_call (id, direction, "sip:300@pbx.test", id);
      g_autoptr (PlHistoryEntry) e = NULL;

      add (f, call);
      if (direction == PL_CALL_DIRECTION_OUTGOING)
        pl_call_set_state (call, PL_CALL_STATE_RINGING);
      if (end == PL_CALL_END_HANGUP || end == PL_CALL_END_TRANSFERRED || end == PL_CALL_END_PARKED)
        pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
      pl_call_end (call, end, "because");
      remove_call (f, call);

      e = entry_for (f, call);
      g_assert_cmpint (pl_history_entry_get_end (e), ==, end);
      g_assert_cmpstr (pl_history_entry_get_outcome (e), ==, pl_call_end_to_string (end));
      g_assert_cmpint (pl_history_entry_get_direction (e), ==, direction);
      g_assert_cmpint (pl_history_entry_get_answered (e) > 0, ==, pl_call_get_answered (call) > 0);
    }
  /* One row per call, never two. */
  g_assert_cmpint (count_all (f), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpint (pl_history_count_sync (f->history, PL_HISTORY_FILTER_MISSED, NULL, NULL), ==, 1);
  g_assert_cmpint (pl_history_count_sync (f->history, PL_HISTORY_FILTER_PARKED, NULL, NULL), ==, 1);
}

/* Calls that reach the model late, leave it early, or appear twice. */
static void
test_odd_orders (Fixture *f, gconstpointer data)
{
  g_autoptr (PlCall) early = new_call ("e", PL_CALL_DIRECTION_INCOMING, "sip:1@pbx", "Early");
  g_autoptr (PlCall) removed_first
      = new_call ("r", PL_CALL_DIRECTION_INCOMING, "sip:2@pbx", "Removed First");
  g_autoptr (PlCall) ended_before
      = new_call ("b", PL_CALL_DIRECTION_OUTGOING, "sip:3@pbx", "Ended Before");
  g_autoptr (PlHistoryEntry) e1 = NULL;
  g_autoptr (PlHistoryEntry) e2 = NULL;
  g_autoptr (PlHistoryEntry) e3 = NULL;

  /* Already talking when it shows up. */
  pl_call_set_state (early, PL_CALL_STATE_ACTIVE);
  add (f, early);
  e1 = entry_for (f, early);
  g_assert_cmpint (pl_history_entry_get_answered (e1), ==, pl_call_get_answered (early));
  /* The same call added twice (a model reset) stays one row. */
  g_list_store_remove_all (f->calls);
  add (f, early);
  pl_call_end (early, PL_CALL_END_HANGUP, NULL);
  remove_call (f, early);

  /* Removed, then ended: still followed. */
  add (f, removed_first);
  remove_call (f, removed_first);
  pl_call_end (removed_first, PL_CALL_END_MISSED, NULL);
  e2 = entry_for (f, removed_first);
  g_assert_cmpint (pl_history_entry_get_end (e2), ==, PL_CALL_END_MISSED);

  /* Ended before it ever reached the model. */
  pl_call_end (ended_before, PL_CALL_END_FAILED, "503");
  add (f, ended_before);
  remove_call (f, ended_before);
  e3 = entry_for (f, ended_before);
  g_assert_cmpint (pl_history_entry_get_end (e3), ==, PL_CALL_END_FAILED);

  g_assert_cmpint (count_all (f), ==, 3);
}

static void
test_park_events (Fixture *f, gconstpointer data)
{
  g_autoptr (PlCall) call = new_call ("p", PL_CALL_DIRECTION_INCOMING, "sip:555@pbx", "Parkee");
  g_autoptr (PlCall) back = new_call ("q", PL_CALL_DIRECTION_INCOMING, "sip:555@pbx", "Parkee");
  g_autoptr (PlHistoryEntry) parked = NULL;
  g_autoptr (PlHistoryEntry) returned = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) orphans = NULL;
  gint64 now = g_get_real_time ();
  PlHistoryParkInfo info = {
    .lot = "main",
    .slot = "701",
    .action = PL_HISTORY_PARK_ACTION_PARKED,
    .actor = PL_HISTORY_PARK_ACTOR_ME,
    .caller_name = "Parkee",
    .caller_uri = "sip:555@pbx",
    .parked_at = now,
    .call_row = 12345, /* ignored when a call is given */
  };

  add (f, call);
  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  pl_call_end (call, PL_CALL_END_PARKED, NULL);
  remove_call (f, call);
  /* The park service reports after the call ended: still linked. */
  pl_history_recorder_park_event (f->recorder, call, &info);

  /* 45 s later it rings back: a new call, marked returned. */
  add (f, back);
  info.action = PL_HISTORY_PARK_ACTION_RETURNED;
  pl_history_recorder_park_event (f->recorder, back, &info);
  pl_call_end (back, PL_CALL_END_MISSED, NULL);
  remove_call (f, back);

  /* Someone else's park, seen on the slot only. */
  info.action = PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER;
  info.actor = PL_HISTORY_PARK_ACTOR_OTHER;
  pl_history_recorder_park_event (f->recorder, NULL, &info);

  parked = entry_for (f, call);
  g_assert_true (pl_history_entry_get_parked (parked));
  g_assert_cmpstr (pl_history_entry_get_park_slot (parked), ==, "701");
  returned = entry_for (f, back);
  g_assert_true (pl_history_entry_get_returned (returned));
  g_assert_cmpint (pl_history_entry_get_end (returned), ==, PL_CALL_END_MISSED);

  events = pl_history_list_park_events_sync (f->history, pl_history_entry_get_id (parked), NULL);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (((PlHistoryParkEvent *)events->pdata[0])->parked_at, ==, now);
  orphans = pl_history_list_park_events_sync (f->history, 0, NULL);
  g_assert_cmpuint (orphans->len, ==, 1);
  g_assert_cmpint (((PlHistoryParkEvent *)orphans->pdata[0])->actor, ==,
                   PL_HISTORY_PARK_ACTOR_OTHER);
  g_assert_cmpint (pl_history_count_sync (f->history, PL_HISTORY_FILTER_RETURNED, NULL, NULL), ==,
                   1);
}

/* The app quits (or dies) mid-call: the row is there, and the next start
 * closes it as engine-stopped. */
static void
test_quit_mid_call (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlCall) call = new_call ("m", PL_CALL_DIRECTION_INCOMING, "sip:7@pbx", "Mid Call");
  g_autoptr (GPtrArray) rows = NULL;

  add (f, call);
  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  g_assert_true (pl_history_flush_sync (f->history, NULL));
  g_assert_finalize_object (g_steal_pointer (&f->recorder));
  g_assert_finalize_object (g_steal_pointer (&f->history));

  f->history = pl_history_new (f->path);
  g_assert_true (pl_history_open_sync (f->history, &error));
  rows = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, NULL, 0, 10, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (pl_history_entry_get_end (rows->pdata[0]), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpint (pl_history_entry_get_answered (rows->pdata[0]), ==, pl_call_get_answered (call));
}

/* History off: calls still flow through the recorder without trouble. */
static void
test_disabled_history (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-rec-off");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (GListStore) calls = g_list_store_new (PL_TYPE_CALL);
  g_autoptr (PlHistoryRecorder) recorder = NULL;
  g_autoptr (PlCall) call = new_call ("x", PL_CALL_DIRECTION_INCOMING, "sip:1@pbx", NULL);
  PlHistoryParkInfo info = { .slot = "701", .action = PL_HISTORY_PARK_ACTION_PARKED };

  g_assert_true (g_file_set_contents (path, "this is not a database, not at all, no", -1, NULL));
  history = pl_history_new (path);
  g_assert_false (pl_history_open_sync (history, NULL));
  recorder = pl_history_recorder_new (history, G_LIST_MODEL (calls));
  g_list_store_append (calls, call);
  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  pl_history_recorder_park_event (recorder, call, &info);
  pl_call_end (call, PL_CALL_END_PARKED, NULL);
  g_list_store_remove_all (calls);
  g_assert_true (pl_history_flush_sync (history, NULL));
  g_assert_cmpint (pl_history_record_get_id (pl_history_recorder_lookup (recorder, call)), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&recorder));
  g_assert_finalize_object (g_steal_pointer (&history));
  history_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/history/recorder/answered", test_answered);
  ADD ("/history/recorder/every-outcome", test_every_outcome);
  ADD ("/history/recorder/odd-orders", test_odd_orders);
  ADD ("/history/recorder/park-events", test_park_events);
  ADD ("/history/recorder/quit-mid-call", test_quit_mid_call);
#undef ADD
  g_test_add_func ("/history/recorder/disabled-history", test_disabled_history);
  return g_test_run ();
}
