/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-store"

#include <unistd.h>
#include <grp.h>

#include "history-test-common.h"
#include "pl-history-entry.h"

#define HOUR_US ((gint64)3600 * G_USEC_PER_SEC)
#define DAY_US  (24 * HOUR_US)

typedef struct
{
  char *dir;
  char *path;
  PlHistory *history;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = pl_test_make_dir ("history");
  f->path = g_build_filename (f->dir, "sub", "history.db", NULL);
  f->history = pl_history_new (f->path);
  g_assert_true (pl_history_open_sync (f->history, &error));
  g_assert_no_error (error);
  g_assert_false (pl_history_get_disabled (f->history));
  /* Private from the start: folder and file. */
  {
    g_autofree char *parent = g_path_get_dirname (f->path);
    GStatBuf st;

    g_assert_cmpint (g_stat (f->path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
    g_assert_cmpint (g_stat (parent, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->history)
    g_assert_finalize_object (f->history);
  history_test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
reopen (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_finalize_object (f->history);
  f->history = pl_history_new (f->path);
  g_assert_true (pl_history_open_sync (f->history, &error));
  g_assert_no_error (error);
}

static PlHistoryEntry *
only_entry (PlHistory *history, PlHistoryFilter filter, const char *search)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = pl_history_query_sync (history, filter, search, 0, 10, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  return g_object_ref (entries->pdata[0]);
}

static gint64
insert (PlHistory *history, const char *name, const char *uri, gint64 started, PlCallEnd end)
{
  g_autoptr (GError) error = NULL;
  PlHistoryCallInfo info = {
    .account = "sip:me@pbx.test",
    .direction = PL_CALL_DIRECTION_INCOMING,
    .peer_uri = uri,
    .peer_name = name,
    .call_id = "cid",
    .started = started,
    .answered = end == PL_CALL_END_HANGUP ? started + 5 * G_USEC_PER_SEC : 0,
    .ended = end == PL_CALL_END_NONE ? 0 : started + 65 * G_USEC_PER_SEC,
    .end = end,
  };
  gint64 id = pl_history_insert_call_sync (history, &info, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
count (PlHistory *history, PlHistoryFilter filter, const char *search)
{
  g_autoptr (GError) error = NULL;
  gint64 n = pl_history_count_sync (history, filter, search, &error);

  g_assert_no_error (error);
  return n;
}

/* Every outcome, stored from a raw info and read back field by field. */
static void
test_outcomes (Fixture *f, gconstpointer data)
{
  gint64 base = g_get_real_time () - DAY_US;

  for (PlCallEnd end = PL_CALL_END_NONE; end <= PL_CALL_END_ENGINE_STOPPED; end++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("Peer %d", end);
      g_autofree char *uri = g_strdup_printf ("sip:+49301%d@pbx.test;transport=udp", end);
      g_autofree char *number = g_strdup_printf ("+49301%d", end);
      PlHistoryCallInfo info = {
        .account = "sip:me@pbx.test",
        .direction = end % 2 ? PL_CALL_DIRECTION_OUTGOING : PL_CALL_DIRECTION_INCOMING,
        .peer_uri = uri,
        .peer_name = name,
        .call_id = "abc@host",
        .started = base + end * HOUR_US,
        .answered = end == PL_CALL_END_HANGUP ? base + end * HOUR_US + 3 * G_USEC_PER_SEC : 0,
        .ended = end == PL_CALL_END_NONE ? 0 : base + end * HOUR_US + 63 * G_USEC_PER_SEC,
        .end = end,
      };
      gint64 id = pl_history_insert_call_sync (f->history, &info, &error);
      g_autoptr (PlHistoryEntry) e = NULL;

      g_assert_no_error (error);
      e = only_entry (f->history, PL_HISTORY_FILTER_ALL, name);
      g_assert_cmpint (pl_history_entry_get_id (e), ==, id);
      g_assert_cmpstr (pl_history_entry_get_peer_name (e), ==, name);
      g_assert_cmpstr (pl_history_entry_get_title (e), ==, name);
      g_assert_cmpstr (pl_history_entry_get_peer_uri (e), ==, uri);
      g_assert_cmpstr (pl_history_entry_get_peer_number (e), ==, number);
      g_assert_cmpstr (pl_history_entry_get_account (e), ==, "sip:me@pbx.test");
      g_assert_cmpstr (pl_history_entry_get_call_id (e), ==, "abc@host");
      g_assert_cmpint (pl_history_entry_get_direction (e), ==, info.direction);
      g_assert_cmpint (pl_history_entry_get_started (e), ==, info.started);
      g_assert_cmpint (pl_history_entry_get_answered (e), ==, info.answered);
      g_assert_cmpint (pl_history_entry_get_ended (e), ==, info.ended);
      g_assert_cmpint (pl_history_entry_get_duration (e), ==,
                       end == PL_CALL_END_HANGUP ? 60 * G_USEC_PER_SEC : 0);
      g_assert_cmpint (pl_history_entry_get_end (e), ==, end);
      g_assert_cmpstr (pl_history_entry_get_outcome (e), ==,
                       end == PL_CALL_END_NONE ? "in-progress" : pl_call_end_to_string (end));
      g_assert_cmpint (pl_history_entry_get_in_progress (e), ==, end == PL_CALL_END_NONE);
      g_assert_nonnull (pl_history_entry_get_outcome_label (e));
      g_assert_cmpint (pl_history_entry_get_parked (e), ==, end == PL_CALL_END_PARKED);
    }
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==,
                   PL_CALL_END_ENGINE_STOPPED + 1);

  /* Newest first. */
  {
    g_autoptr (GPtrArray) all
        = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, NULL, 0, 100, NULL);
    g_assert_cmpuint (all->len, ==, PL_CALL_END_ENGINE_STOPPED + 1);
    for (guint i = 1; i < all->len; i++)
      g_assert_cmpint (pl_history_entry_get_started (all->pdata[i - 1]), >,
                       pl_history_entry_get_started (all->pdata[i]));
  }

  /* A reopen closes the one left in progress: the app died during that call. */
  reopen (f);
  {
    g_autoptr (PlHistoryEntry) e = only_entry (f->history, PL_HISTORY_FILTER_ALL, "Peer 0");
    g_assert_cmpstr (pl_history_entry_get_outcome (e), ==, "engine-stopped");
    g_assert_cmpint (pl_history_entry_get_end (e), ==, PL_CALL_END_ENGINE_STOPPED);
  }
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==,
                   PL_CALL_END_ENGINE_STOPPED + 1);
}

/* Recording from a live PlCall: the row exists from the start, and is
 * completed on answer and end. */
static void
test_live_call (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlCall) call
      = pl_call_new ("live-1", PL_CALL_DIRECTION_INCOMING, "sip:201@pbx.test", "Live Caller");
  g_autoptr (PlHistoryRecord) record = NULL;
  g_autoptr (PlHistoryEntry) e1 = NULL;
  g_autoptr (PlHistoryEntry) e2 = NULL;

  pl_call_set_account_aor (call, "sip:me@pbx.test");
  record = pl_history_call_started (f->history, call);
  g_assert_true (pl_history_flush_sync (f->history, &error));
  g_assert_cmpint (pl_history_record_get_id (record), >, 0);
  e1 = only_entry (f->history, PL_HISTORY_FILTER_ALL, NULL);
  g_assert_true (pl_history_entry_get_in_progress (e1));
  g_assert_cmpint (pl_history_entry_get_id (e1), ==, pl_history_record_get_id (record));

  pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
  pl_history_call_updated (f->history, record, call);
  pl_call_set_peer_name (call, "Renamed Caller");
  pl_call_end (call, PL_CALL_END_TRANSFERRED, "to 202");
  pl_history_call_updated (f->history, record, call);
  g_assert_true (pl_history_flush_sync (f->history, &error));

  e2 = only_entry (f->history, PL_HISTORY_FILTER_ALL, "Renamed");
  g_assert_cmpint (pl_history_entry_get_end (e2), ==, PL_CALL_END_TRANSFERRED);
  g_assert_cmpint (pl_history_entry_get_answered (e2), ==, pl_call_get_answered (call));
  g_assert_cmpint (pl_history_entry_get_ended (e2), ==, pl_call_get_ended (call));
  g_assert_cmpint (pl_history_entry_get_duration (e2), ==, pl_call_get_duration (call));
  /* The search index follows the rename. */
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "Live Caller"), ==, 0);
}

/* A consult transfer: both legs are stored, each naming the other's party,
 * from live calls (the caller joined, the consultation) and from a raw
 * info (the blind fallback). */
static void
test_transfer_legs (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlCall) caller
      = pl_call_new ("leg-1", PL_CALL_DIRECTION_INCOMING, "sip:201@pbx.test", "Caller One");
  g_autoptr (PlCall) consultation
      = pl_call_new ("leg-2", PL_CALL_DIRECTION_OUTGOING, "sip:101@pbx.test", "Bob");
  g_autoptr (PlHistoryRecord) r1 = pl_history_call_started (f->history, caller);
  g_autoptr (PlHistoryRecord) r2 = pl_history_call_started (f->history, consultation);
  g_autoptr (PlHistoryEntry) e1 = NULL;
  g_autoptr (PlHistoryEntry) e2 = NULL;
  g_autoptr (PlHistoryEntry) e3 = NULL;
  PlHistoryCallInfo blind = {
    .direction = PL_CALL_DIRECTION_INCOMING,
    .peer_uri = "sip:202@pbx.test",
    .peer_name = "Caller Two",
    .started = g_get_real_time (),
    .end = PL_CALL_END_TRANSFERRED,
    .transfer = PL_CALL_TRANSFER_BLIND,
    .transfer_party = "Carol",
  };

  pl_call_set_transfer (caller, PL_CALL_TRANSFER_JOINED, "Bob");
  pl_call_set_transfer (consultation, PL_CALL_TRANSFER_CONSULTATION, "Caller One");
  pl_call_end (caller, PL_CALL_END_TRANSFERRED, "Call transfered");
  pl_call_end (consultation, PL_CALL_END_TRANSFERRED, NULL);
  pl_history_call_updated (f->history, r1, caller);
  pl_history_call_updated (f->history, r2, consultation);
  g_assert_cmpint (pl_history_insert_call_sync (f->history, &blind, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (pl_history_flush_sync (f->history, &error));

  e1 = only_entry (f->history, PL_HISTORY_FILTER_ALL, "Caller One");
  g_assert_cmpint (pl_history_entry_get_transfer (e1), ==, PL_CALL_TRANSFER_JOINED);
  g_assert_cmpstr (pl_history_entry_get_transfer_party (e1), ==, "Bob");
  e2 = only_entry (f->history, PL_HISTORY_FILTER_ALL, "Bob");
  g_assert_cmpint (pl_history_entry_get_transfer (e2), ==, PL_CALL_TRANSFER_CONSULTATION);
  g_assert_cmpstr (pl_history_entry_get_transfer_party (e2), ==, "Caller One");
  e3 = only_entry (f->history, PL_HISTORY_FILTER_ALL, "Caller Two");
  g_assert_cmpint (pl_history_entry_get_transfer (e3), ==, PL_CALL_TRANSFER_BLIND);
  g_assert_cmpstr (pl_history_entry_get_transfer_party (e3), ==, "Carol");
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==, 3);
}

static void
test_park_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 parked_call = insert (f->history, "Parked Person", "sip:555@pbx.test",
                               now - 600 * G_USEC_PER_SEC, PL_CALL_END_PARKED);
  gint64 returned_call = insert (f->history, "Parked Person", "sip:555@pbx.test",
                                 now - 500 * G_USEC_PER_SEC, PL_CALL_END_MISSED);
  PlHistoryParkInfo park = {
    .call_row = parked_call,
    .lot = "main",
    .slot = "701",
    .action = PL_HISTORY_PARK_ACTION_PARKED,
    .actor = PL_HISTORY_PARK_ACTOR_ME,
    .caller_name = "Parked Person",
    .caller_uri = "sip:555@pbx.test",
    .parked_at = now - 590 * G_USEC_PER_SEC,
    .at = now - 590 * G_USEC_PER_SEC,
  };
  PlHistoryParkInfo ret = park;
  PlHistoryParkInfo other = park;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) orphans = NULL;
  g_autoptr (PlHistoryEntry) e = NULL;
  PlHistoryParkEvent *ev;

  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &park, &error), >, 0);
  g_assert_no_error (error);
  ret.call_row = returned_call;
  ret.action = PL_HISTORY_PARK_ACTION_RETURNED;
  ret.at = now - 500 * G_USEC_PER_SEC;
  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &ret, &error), >, 0);
  other.call_row = 0;
  other.slot = "702";
  other.action = PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER;
  other.actor = PL_HISTORY_PARK_ACTOR_OTHER;
  other.caller_name = "Someone \"Else\"";
  other.party = "Bob";
  other.at = 0;
  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &other, &error), >, 0);
  g_assert_no_error (error);

  events = pl_history_list_park_events_sync (f->history, parked_call, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  ev = events->pdata[0];
  g_assert_cmpint (ev->call_row, ==, parked_call);
  g_assert_cmpstr (ev->lot, ==, "main");
  g_assert_cmpstr (ev->slot, ==, "701");
  g_assert_cmpint (ev->action, ==, PL_HISTORY_PARK_ACTION_PARKED);
  g_assert_cmpint (ev->actor, ==, PL_HISTORY_PARK_ACTOR_ME);
  g_assert_cmpstr (ev->caller_name, ==, "Parked Person");
  g_assert_cmpstr (ev->caller_uri, ==, "sip:555@pbx.test");
  g_assert_cmpint (ev->parked_at, ==, park.parked_at);
  g_assert_cmpint (ev->at, ==, park.at);
  g_assert_null (ev->party);

  orphans = pl_history_list_park_events_sync (f->history, 0, &error);
  g_assert_cmpuint (orphans->len, ==, 1);
  ev = orphans->pdata[0];
  g_assert_cmpint (ev->call_row, ==, 0);
  g_assert_cmpint (ev->action, ==, PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER);
  g_assert_cmpint (ev->actor, ==, PL_HISTORY_PARK_ACTOR_OTHER);
  g_assert_cmpstr (ev->caller_name, ==, "Someone \"Else\"");
  g_assert_cmpstr (ev->party, ==, "Bob");
  g_assert_cmpint (ev->at, >=, now);

  e = only_entry (f->history, PL_HISTORY_FILTER_PARKED, NULL);
  g_assert_cmpint (pl_history_entry_get_id (e), ==, parked_call);
  g_assert_true (pl_history_entry_get_parked (e));
  g_assert_cmpstr (pl_history_entry_get_park_lot (e), ==, "main");
  g_assert_cmpstr (pl_history_entry_get_park_slot (e), ==, "701");
  g_assert_cmpint (pl_history_entry_get_park_action (e), ==, PL_HISTORY_PARK_ACTION_PARKED);
  g_clear_object (&e);
  e = only_entry (f->history, PL_HISTORY_FILTER_RETURNED, NULL);
  g_assert_cmpint (pl_history_entry_get_id (e), ==, returned_call);
  g_assert_true (pl_history_entry_get_returned (e));
  g_assert_cmpint (pl_history_entry_get_park_action (e), ==, PL_HISTORY_PARK_ACTION_RETURNED);

  /* A park event naming a call that does not exist is refused, not stored
   * dangling. */
  other.call_row = 99999;
  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &other, &error), <, 0);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_FAILED);
  g_assert_false (pl_history_get_disabled (f->history));
}

static void
test_search_and_filters (Fixture *f, gconstpointer data)
{
  gint64 t = g_get_real_time () - DAY_US;

  insert (f->history, "Caller One", "sip:+4930123@pbx.test", t, PL_CALL_END_HANGUP);
  insert (f->history, "Caller Two", "sip:+4930999@pbx.test", t + 1, PL_CALL_END_MISSED);
  insert (f->history, "Zoë Ærøskøbing", "sip:777@pbx.test", t + 2, PL_CALL_END_MISSED);
  insert (f->history, NULL, "sip:0123456@pbx.test", t + 3, PL_CALL_END_DECLINED);
  insert (f->history, "100% \"real\"_name", "sip:42@pbx.test", t + 4, PL_CALL_END_HANGUP);

  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==, 5);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, ""), ==, 5);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "  "), ==, 5);

  /* Substrings of names, case-insensitive, spaces included. */
  {
    g_autoptr (PlHistoryEntry) e = only_entry (f->history, PL_HISTORY_FILTER_ALL, "aller On");
    g_assert_cmpstr (pl_history_entry_get_peer_name (e), ==, "Caller One");
  }
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "caller"), ==, 2);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "CALLER T"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "øskø"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "nobody"), ==, 0);
  /* Substrings of numbers. */
  {
    g_autoptr (PlHistoryEntry) e = only_entry (f->history, PL_HISTORY_FILTER_ALL, "30123");
    g_assert_cmpstr (pl_history_entry_get_peer_number (e), ==, "+4930123");
  }
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "0123"), ==, 2);
  {
    g_autoptr (PlHistoryEntry) e = only_entry (f->history, PL_HISTORY_FILTER_ALL, "3456");
    g_assert_cmpstr (pl_history_entry_get_title (e), ==, "0123456");
  }
  /* The host is not searched: "pbx" is in every URI. */
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "pbx"), ==, 0);
  /* Shorter than a trigram: LIKE fallback. */
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "On"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "42"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "%"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "_"), ==, 1);
  /* Query syntax characters are plain text. */
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "\"real\""), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "0% \"re"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "AND OR NOT *"), ==, 0);

  /* Filters, alone and with search. */
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_MISSED, NULL), ==, 2);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_MISSED, "caller"), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_PARKED, NULL), ==, 0);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_RETURNED, NULL), ==, 0);

  /* Paging. */
  {
    g_autoptr (GPtrArray) page
        = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, NULL, 1, 2, NULL);
    g_assert_cmpuint (page->len, ==, 2);
    g_assert_cmpint (pl_history_entry_get_started (page->pdata[0]), ==, t + 3);
    g_assert_cmpint (pl_history_entry_get_started (page->pdata[1]), ==, t + 2);
  }
}

static void
test_retention_and_clear (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 old = insert (f->history, "Old", "sip:1@pbx.test", now - 40 * DAY_US, PL_CALL_END_HANGUP);
  PlHistoryParkInfo park = {
    .call_row = old, .slot = "701", .action = PL_HISTORY_PARK_ACTION_PARKED, .at = now - 40 * DAY_US
  };
  g_autoptr (GPtrArray) orphans = NULL;

  insert (f->history, "Recent", "sip:2@pbx.test", now - 20 * DAY_US, PL_CALL_END_HANGUP);
  insert (f->history, "Fresh", "sip:3@pbx.test", now - HOUR_US, PL_CALL_END_MISSED);
  /* An in-progress call is never deleted, however old. */
  insert (f->history, "Stuck", "sip:4@pbx.test", now - 50 * DAY_US, PL_CALL_END_NONE);
  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &park, &error), >, 0);
  park.call_row = 0;
  park.at = now - 10 * DAY_US;
  g_assert_cmpint (pl_history_insert_park_event_sync (f->history, &park, &error), >, 0);

  g_assert_cmpint (pl_history_delete_older_than_sync (f->history, 30, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==, 3);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "Old"), ==, 0);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_PARKED, NULL), ==, 0);
  orphans = pl_history_list_park_events_sync (f->history, 0, &error);
  g_assert_cmpuint (orphans->len, ==, 1);

  g_assert_cmpint (pl_history_delete_older_than_sync (f->history, 7, &error), ==, 1);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==, 2);

  g_assert_cmpint (pl_history_clear_sync (f->history, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, NULL), ==, 0);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "Fresh"), ==, 0);
  g_clear_pointer (&orphans, g_ptr_array_unref);
  orphans = pl_history_list_park_events_sync (f->history, 0, &error);
  g_assert_cmpuint (orphans->len, ==, 0);

  /* Still usable afterwards. */
  insert (f->history, "After", "sip:5@pbx.test", now, PL_CALL_END_HANGUP);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "After"), ==, 1);
}

/* A small RFC 4180 reader, enough to check our writer round-trips. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p)
    {
      if (*p == '"')
        {
          for (p++; *p; p++)
            {
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          g_assert_cmpint (*p, ==, '"');
          p++;
        }
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          p++;
        }
      else if (*p == '\r' && p[1] == '\n')
        {
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          p += 2;
        }
      else
        {
          /* A bare CR or LF outside quotes breaks RFC 4180. */
          g_assert_true (*p != '\r' && *p != '\n');
          g_string_append_c (field, *p++);
        }
    }
  g_assert_cmpuint (row->len, ==, 0);
  g_assert_cmpuint (field->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

static void
test_export_csv (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "export.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (csv_path);
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  const char *tricky = "Smith, \"Doc\"\nSecond line\r\nThird";
  gint64 t = g_get_real_time () - HOUR_US;
  GPtrArray *header, *row;
  GStatBuf st;

  insert (f->history, tricky, "sip:+4930123@pbx.test", t, PL_CALL_END_HANGUP);
  insert (f->history, "Plain", "sip:200@pbx.test", t + 1, PL_CALL_END_MISSED);

  g_assert_cmpint (
      pl_history_export_csv_sync (f->history, file, PL_HISTORY_FILTER_ALL, NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &text, NULL, NULL));
  g_assert_cmpint (g_stat (csv_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  rows = parse_csv (text);
  g_assert_cmpuint (rows->len, ==, 3);
  header = rows->pdata[0];
  g_assert_cmpuint (header->len, ==, 15);
  g_assert_cmpstr (header->pdata[7], ==, "name");
  g_assert_cmpstr (header->pdata[8], ==, "number");
  g_assert_cmpstr (header->pdata[11], ==, "outcome");
  row = rows->pdata[1];
  g_assert_cmpuint (row->len, ==, 15);
  g_assert_cmpstr (row->pdata[7], ==, "Plain");
  g_assert_cmpstr (row->pdata[11], ==, "missed");
  row = rows->pdata[2];
  g_assert_cmpuint (row->len, ==, 15);
  g_assert_cmpstr (row->pdata[7], ==, tricky);
  g_assert_cmpstr (row->pdata[8], ==, "+4930123");
  g_assert_cmpstr (row->pdata[4], ==, "60");
  g_assert_cmpstr (row->pdata[5], ==, "incoming");
  g_assert_cmpstr (row->pdata[11], ==, "answered");

  /* With a filter and a search, only what is shown. */
  g_assert_cmpint (
      pl_history_export_csv_sync (f->history, file, PL_HISTORY_FILTER_MISSED, "lai", &error), ==,
      1);
  /* A folder that does not exist: an error, and nothing breaks. */
  {
    g_autofree char *bad = g_build_filename (f->dir, "missing", "x.csv", NULL);
    g_autoptr (GFile) bad_file = g_file_new_for_path (bad);
    g_autoptr (GError) bad_error = NULL;

    g_assert_cmpint (
        pl_history_export_csv_sync (f->history, bad_file, PL_HISTORY_FILTER_ALL, NULL, &bad_error),
        <, 0);
    g_assert_error (bad_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_false (pl_history_get_disabled (f->history));
  }
}

static void
async_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static void
count_changed (PlHistory *history, guint *counter)
{
  (*counter)++;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "async.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (csv_path);
  guint changed = 0;
  gint64 now = g_get_real_time ();

  g_signal_connect (f->history, "changed", G_CALLBACK (count_changed), &changed);

  insert (f->history, "Async One", "sip:1@pbx.test", now - 40 * DAY_US, PL_CALL_END_HANGUP);
  insert (f->history, "Async Two", "sip:2@pbx.test", now, PL_CALL_END_MISSED);
  g_assert_true (PL_TEST_WAIT (changed > 0, 5000));

  pl_history_count_async (f->history, PL_HISTORY_FILTER_ALL, "async", NULL, async_done, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  g_assert_cmpint (pl_history_count_finish (f->history, result, &error), ==, 2);
  g_clear_object (&result);

  pl_history_query_async (f->history, PL_HISTORY_FILTER_MISSED, NULL, 0, 10, NULL, async_done,
                          &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  entries = pl_history_query_finish (f->history, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (pl_history_entry_get_peer_name (entries->pdata[0]), ==, "Async Two");
  g_clear_object (&result);

  pl_history_export_csv_async (f->history, file, PL_HISTORY_FILTER_ALL, NULL, NULL, async_done,
                               &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  g_assert_cmpint (pl_history_export_csv_finish (f->history, result, &error), ==, 2);
  g_clear_object (&result);

  pl_history_delete_older_than_async (f->history, 30, NULL, async_done, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  g_assert_cmpint (pl_history_delete_older_than_finish (f->history, result, &error), ==, 1);
  g_clear_object (&result);

  pl_history_clear_async (f->history, NULL, async_done, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  g_assert_cmpint (pl_history_clear_finish (f->history, result, &error), ==, 1);
  g_clear_object (&result);

  /* A cancelled request reports cancellation, not a result. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_cancellable_cancel (cancellable);
    pl_history_count_async (f->history, PL_HISTORY_FILTER_ALL, NULL, cancellable, async_done,
                            &result);
    g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
    g_assert_cmpint (pl_history_count_finish (f->history, result, &error), ==, -1);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_object (&result);
  }
  g_signal_handlers_disconnect_by_data (f->history, &changed);
}

/* ---- migrations --------------------------------------------------------- */

/* The schema of the first release, written here as raw SQL on purpose: the
 * test must not depend on the code it checks. */
static const char v1_schema[]
    = "CREATE TABLE calls (id INTEGER PRIMARY KEY, account TEXT, direction TEXT NOT NULL,"
      " peer_uri TEXT, peer_name TEXT, call_id TEXT, started INTEGER NOT NULL,"
      " answered INTEGER, ended INTEGER, duration INTEGER, outcome TEXT NOT NULL);"
      "CREATE INDEX calls_by_started ON calls (started);"
      "CREATE TABLE park_events (id INTEGER PRIMARY KEY,"
      " call_ref INTEGER REFERENCES calls (id) ON DELETE SET NULL, lot TEXT, slot TEXT,"
      " action TEXT NOT NULL, at INTEGER NOT NULL);"
      "INSERT INTO calls VALUES (1, 'sip:me@pbx', 'in', 'sip:+4930123@pbx', 'Caller One',"
      " 'c1', 1700000000000000, 1700000005000000, 1700000065000000, 60000000, 'answered');"
      "INSERT INTO calls VALUES (2, 'sip:me@pbx', 'in', 'sip:555@pbx', 'Parked Guy',"
      " 'c2', 1700000100000000, 1700000101000000, 1700000110000000, 9000000, 'parked');"
      "INSERT INTO calls VALUES (3, 'sip:me@pbx', 'in', 'sip:555@pbx', 'Parked Guy',"
      " 'c3', 1700000200000000, NULL, 1700000230000000, NULL, 'missed');"
      "INSERT INTO calls VALUES (4, 'sip:me@pbx', 'out', 'sip:201@pbx', NULL,"
      " 'c4', 1700000300000000, NULL, NULL, NULL, 'in-progress');"
      "INSERT INTO park_events VALUES (1, 2, 'main', '701', 'parked', 1700000110000000);"
      "INSERT INTO park_events VALUES (2, 3, 'main', '701', 'returned', 1700000200000000);"
      "INSERT INTO park_events VALUES (3, NULL, 'main', '702', 'abandoned', 1700000250000000);"
      "PRAGMA user_version = 1;";

static void
test_migration_v1 (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-v1");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *integrity = NULL;
  sqlite3 *db = history_test_raw_open (path);

  history_test_raw_exec (db, v1_schema);
  sqlite3_close (db);

  history = pl_history_new (path);
  g_assert_true (pl_history_open_sync (history, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (history, PL_HISTORY_FILTER_ALL, NULL), ==, 4);
  /* Old rows are searchable by name and by the number derived from the URI. */
  {
    g_autoptr (PlHistoryEntry) e = only_entry (history, PL_HISTORY_FILTER_ALL, "aller On");
    g_assert_cmpint (pl_history_entry_get_id (e), ==, 1);
    g_assert_cmpint (pl_history_entry_get_duration (e), ==, 60 * G_USEC_PER_SEC);
    g_assert_cmpint (pl_history_entry_get_end (e), ==, PL_CALL_END_HANGUP);
  }
  {
    g_autoptr (PlHistoryEntry) e = only_entry (history, PL_HISTORY_FILTER_ALL, "0123");
    g_assert_cmpint (pl_history_entry_get_id (e), ==, 1);
    g_assert_cmpstr (pl_history_entry_get_peer_number (e), ==, "+4930123");
  }
  /* The park summary was rebuilt from the old park events. */
  {
    g_autoptr (PlHistoryEntry) e = only_entry (history, PL_HISTORY_FILTER_PARKED, NULL);
    g_assert_cmpint (pl_history_entry_get_id (e), ==, 2);
    g_assert_cmpstr (pl_history_entry_get_park_slot (e), ==, "701");
  }
  {
    g_autoptr (PlHistoryEntry) e = only_entry (history, PL_HISTORY_FILTER_RETURNED, NULL);
    g_assert_cmpint (pl_history_entry_get_id (e), ==, 3);
  }
  /* The call the old version left open is closed. */
  {
    g_autoptr (PlHistoryEntry) e = only_entry (history, PL_HISTORY_FILTER_ALL, "201");
    g_assert_cmpstr (pl_history_entry_get_outcome (e), ==, "engine-stopped");
  }
  events = pl_history_list_park_events_sync (history, 0, &error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (((PlHistoryParkEvent *)events->pdata[0])->actor, ==, PL_HISTORY_PARK_ACTOR_ME);
  g_assert_cmpint (((PlHistoryParkEvent *)events->pdata[0])->action, ==,
                   PL_HISTORY_PARK_ACTION_ABANDONED);
  /* New rows work next to the migrated ones. */
  insert (history, "New Caller", "sip:300@pbx", g_get_real_time (), PL_CALL_END_HANGUP);
  g_assert_cmpint (count (history, PL_HISTORY_FILTER_ALL, "caller"), ==, 2);

  g_assert_finalize_object (g_steal_pointer (&history));
  db = history_test_raw_open (path);
  g_assert_cmpint (history_test_raw_int (db, "PRAGMA user_version"), ==, 4);
  /* v3: migrated events have no party */
  g_assert_cmpint (
      history_test_raw_int (db, "SELECT count(*) FROM park_events WHERE party IS NOT NULL"), ==, 0);
  /* v4: migrated calls were part of no transfer */
  g_assert_cmpint (
      history_test_raw_int (db, "SELECT count(*) FROM calls WHERE transfer IS NOT NULL"), ==, 0);
  integrity = history_test_raw_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (history_test_raw_int (db, "SELECT count(*) FROM calls"), ==, 5);
  g_clear_pointer (&integrity, g_free);
  integrity = history_test_raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (integrity, ==, "wal");
  sqlite3_close (db);
  history_test_rm_rf (dir);
}

static void
test_too_new (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-new");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = NULL;
  sqlite3 *db = history_test_raw_open (path);

  history_test_raw_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  sqlite3_close (db);

  history = pl_history_new (path);
  g_assert_false (pl_history_open_sync (history, &error));
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_TOO_NEW);
  g_assert_true (pl_history_get_disabled (history));
  g_assert_finalize_object (g_steal_pointer (&history));

  /* Nothing was changed in the newer file. */
  db = history_test_raw_open (path);
  g_assert_cmpint (history_test_raw_int (db, "PRAGMA user_version"), ==, 99);
  sqlite3_close (db);
  history_test_rm_rf (dir);
}

/* ---- broken databases --------------------------------------------------- */

/* A disabled store answers every call with an error and records nothing,
 * without crashing or warning. */
static void
assert_disabled_but_usable (PlHistory *history)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlCall) call = pl_call_new ("x", PL_CALL_DIRECTION_INCOMING, "sip:1@pbx", NULL);
  g_autoptr (PlHistoryRecord) record = NULL;
  g_autofree char *name = g_strdup_printf ("pl-never-written-%d.csv", (int)getpid ());
  g_autofree char *csv = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (csv);
  PlHistoryCallInfo info = { .peer_uri = "sip:1@pbx", .end = PL_CALL_END_MISSED };

  g_assert_true (pl_history_get_disabled (history));
  g_assert_nonnull (pl_history_get_problem (history));

  g_assert_null (pl_history_query_sync (history, PL_HISTORY_FILTER_ALL, NULL, 0, 10, &error));
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_clear_error (&error);
  g_assert_cmpint (pl_history_count_sync (history, PL_HISTORY_FILTER_ALL, NULL, &error), ==, -1);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_clear_error (&error);
  g_assert_cmpint (pl_history_insert_call_sync (history, &info, &error), ==, -1);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_clear_error (&error);
  g_assert_cmpint (pl_history_export_csv_sync (history, file, PL_HISTORY_FILTER_ALL, NULL, &error),
                   ==, -1);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));

  /* Calls go on: recording is a silent no-op. */
  record = pl_history_call_started (history, call);
  pl_call_end (call, PL_CALL_END_MISSED, NULL);
  pl_history_call_updated (history, record, call);
  g_assert_true (pl_history_flush_sync (history, &error));
  g_assert_cmpint (pl_history_record_get_id (record), ==, 0);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-corrupt");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = NULL;
  g_autoptr (GString) garbage = g_string_new (NULL);
  g_autofree char *after = NULL;
  gsize after_len;

  for (guint i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char)g_random_int_range (0, 256));
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  history = pl_history_new (path);
  g_assert_false (pl_history_open_sync (history, &error));
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (pl_history_get_problem (history), "damaged"));
  assert_disabled_but_usable (history);
  /* Nothing touched the damaged file. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, garbage->str, garbage->len);
  g_clear_pointer (&after, g_free);

  /* Clearing the history is the way out: the damaged file is kept aside,
   * renamed, and a new one is started. */
  g_clear_error (&error);
  g_assert_cmpint (pl_history_clear_sync (history, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (!pl_history_get_disabled (history), 5000));
  g_assert_null (pl_history_get_problem (history));
  insert (history, "Fresh Start", "sip:1@pbx", g_get_real_time (), PL_CALL_END_HANGUP);
  g_assert_cmpint (count (history, PL_HISTORY_FILTER_ALL, NULL), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&history));
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    gboolean kept = FALSE;

    while ((name = g_dir_read_name (d)))
      if (g_str_has_prefix (name, "history.db.damaged-"))
        {
          g_autofree char *kept_path = g_build_filename (dir, name, NULL);
          g_assert_true (g_file_get_contents (kept_path, &after, &after_len, NULL));
          g_assert_cmpmem (after, after_len, garbage->str, garbage->len);
          kept = TRUE;
        }
    g_assert_true (kept);
  }
  history_test_rm_rf (dir);
}

/* A valid header with damaged pages: found when read, then history is off. */
static void
test_corrupt_pages (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-pages");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = pl_history_new (path);
  g_autofree char *bytes = NULL;
  gsize len;
  gboolean saw_error = FALSE;

  g_assert_true (pl_history_open_sync (history, &error));
  for (guint i = 0; i < 300; i++)
    insert (history, "Filler Name For Pages", "sip:123456@pbx", g_get_real_time () + i,
            PL_CALL_END_HANGUP);
  g_assert_finalize_object (g_steal_pointer (&history));

  /* Keep page 1 (header and schema), smash the rest. */
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 3 * 4096);
  for (gsize i = 4096; i < len; i++)
    bytes[i] = (char)(i * 7);
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));

  history = pl_history_new (path);
  if (!pl_history_open_sync (history, &error))
    {
      g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_CORRUPT);
      saw_error = TRUE;
    }
  else
    {
      g_autoptr (GPtrArray) rows
          = pl_history_query_sync (history, PL_HISTORY_FILTER_ALL, NULL, 0, 500, &error);
      g_assert_null (rows);
      g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_CORRUPT);
      saw_error = TRUE;
      /* The worker turned history off; the notification arrives on this context. */
      g_assert_true (PL_TEST_WAIT (pl_history_get_disabled (history), 5000));
    }
  g_assert_true (saw_error);
  g_clear_error (&error);
  assert_disabled_but_usable (history);
  g_assert_finalize_object (g_steal_pointer (&history));
  history_test_rm_rf (dir);
}

static void
test_locked (void)
{
  g_autofree char *dir = pl_test_make_dir ("history-locked");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = pl_history_new (path);
  sqlite3 *other;
  gint64 start;

  g_assert_true (pl_history_open_sync (history, &error));
  insert (history, "Before Lock", "sip:1@pbx", g_get_real_time (), PL_CALL_END_HANGUP);
  g_assert_finalize_object (g_steal_pointer (&history));

  /* Another program takes the database for itself. */
  other = history_test_raw_open (path);
  history_test_raw_exec (other, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
                                "INSERT INTO calls (direction, started, outcome)"
                                " VALUES ('in', 1, 'missed');");

  history = pl_history_new (path);
  pl_history_set_busy_timeout (history, 200);
  start = g_get_monotonic_time ();
  g_assert_false (pl_history_open_sync (history, &error));
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_LOCKED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (pl_history_get_problem (history), "locked"));
  assert_disabled_but_usable (history);
  g_clear_error (&error);
  /* Clearing does not throw away a database that is merely busy. */
  g_assert_cmpint (pl_history_clear_sync (history, &error), ==, -1);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_clear_error (&error);

  /* Once the other program lets go, opening again works and keeps the data. */
  history_test_raw_exec (other, "ROLLBACK");
  sqlite3_close (other);
  g_assert_true (pl_history_open_sync (history, &error));
  g_assert_no_error (error);
  g_assert_false (pl_history_get_disabled (history));
  g_assert_null (pl_history_get_problem (history));
  g_assert_cmpint (count (history, PL_HISTORY_FILTER_ALL, "Before Lock"), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&history));
  history_test_rm_rf (dir);
}

/* Permission checks do not apply to root: run the read-only cases as
 * "nobody" in a subprocess when the tests run as root (containers, CI). */
static gboolean
drop_privileges (void)
{
  if (geteuid () != 0)
    return TRUE;
  if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
    return FALSE;
  return geteuid () != 0;
}

static void
make_db (const char *path)
{
  g_autoptr (PlHistory) history = pl_history_new (path);
  g_assert_true (pl_history_open_sync (history, NULL));
  insert (history, "Existing Row", "sip:1@pbx", g_get_real_time (), PL_CALL_END_HANGUP);
  g_assert_finalize_object (g_steal_pointer (&history));
}

static void
run_read_only_case (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlHistory) history = pl_history_new (path);

  if (!drop_privileges ())
    {
      g_test_skip ("cannot drop root privileges to test permissions");
      return;
    }
  g_assert_false (pl_history_open_sync (history, &error));
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "cannot"));
  assert_disabled_but_usable (history);
  g_clear_error (&error);
  g_assert_cmpint (pl_history_clear_sync (history, &error), ==, -1);
  g_assert_error (error, PL_HISTORY_ERROR, PL_HISTORY_ERROR_DISABLED);
  g_assert_finalize_object (g_steal_pointer (&history));
}

static void
test_read_only_file (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      run_read_only_case (g_getenv ("PL_TEST_DB"));
      return;
    }
  dir = pl_test_make_dir ("history-rofile");
  path = g_build_filename (dir, "history.db", NULL);
  make_db (path);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_setenv ("PL_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  history_test_rm_rf (dir);
}

static void
test_read_only_dir (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      run_read_only_case (g_getenv ("PL_TEST_DB"));
      return;
    }
  dir = pl_test_make_dir ("history-rodir");
  sub = g_build_filename (dir, "ro", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (sub, 0555), ==, 0);
  /* No database yet, and the folder cannot take one. */
  path = g_build_filename (sub, "history.db", NULL);
  g_setenv ("PL_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_chmod (sub, 0755);
  history_test_rm_rf (dir);
}

/* ---- concurrency -------------------------------------------------------- */

typedef struct
{
  const char *path;
  gint stop;
  guint reads;
  gint64 last;
  gboolean ok;
} Reader;

/* A second connection (another process would do the same) reads while the
 * worker writes: WAL lets it, and counts only grow. */
static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;
  sqlite3 *db = NULL;

  r->ok = sqlite3_open_v2 (r->path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;
  sqlite3_busy_timeout (db, 5000);
  for (guint i = 0; r->ok && i < 100000 && !g_atomic_int_get (&r->stop); i++)
    {
      sqlite3_stmt *stmt = NULL;
      gint64 n;

      r->ok = sqlite3_prepare_v2 (db, "SELECT count(*) FROM calls", -1, &stmt, NULL) == SQLITE_OK
              && sqlite3_step (stmt) == SQLITE_ROW;
      n = r->ok ? sqlite3_column_int64 (stmt, 0) : -1;
      sqlite3_finalize (stmt);
      r->ok = r->ok && n >= r->last;
      r->last = n;
      r->reads++;
    }
  sqlite3_close (db);
  return NULL;
}

typedef struct
{
  PlHistory *history;
  guint n;
  guint failures;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *wr = data;

  for (guint i = 0; i < wr->n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Thread Writer %u", i);
      PlHistoryCallInfo info
          = { .peer_name = name, .peer_uri = "sip:9@pbx", .end = PL_CALL_END_MISSED };
      if (pl_history_insert_call_sync (wr->history, &info, NULL) <= 0)
        wr->failures++;
    }
  return NULL;
}

static void
test_concurrent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_history_record_unref);
  Reader reader = { .path = f->path };
  Writer writer = { .history = f->history, .n = 300 };
  GThread *rt, *wt;
  guint query_rounds = 0;

  insert (f->history, "Seed", "sip:1@pbx", 0, PL_CALL_END_HANGUP);
  rt = g_thread_new ("reader", reader_thread, &reader);
  wt = g_thread_new ("writer", writer_thread, &writer);

  /* Fire-and-forget writes from this thread, interleaved with reads through
   * the store itself. */
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("Main Writer %u", i);
      g_autoptr (PlCall) call = pl_call_new (name, PL_CALL_DIRECTION_OUTGOING, "sip:2@pbx", name);
      PlHistoryRecord *record = pl_history_call_started (f->history, call);

      pl_call_set_state (call, PL_CALL_STATE_ACTIVE);
      pl_call_end (call, PL_CALL_END_HANGUP, NULL);
      pl_history_call_updated (f->history, record, call);
      g_ptr_array_add (records, record);
      if (i % 30 == 0)
        {
          g_autoptr (GPtrArray) page
              = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, "writer", 0, 50, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (page->len, <=, 50);
          query_rounds++;
        }
    }
  g_thread_join (wt);
  g_assert_true (pl_history_flush_sync (f->history, &error));
  g_atomic_int_set (&reader.stop, 1);
  g_thread_join (rt);

  g_assert_cmpuint (writer.failures, ==, 0);
  g_assert_true (reader.ok);
  g_assert_cmpuint (reader.reads, >, 0);
  g_assert_cmpuint (query_rounds, ==, 10);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "Thread Writer"), ==, 300);
  g_assert_cmpint (count (f->history, PL_HISTORY_FILTER_ALL, "Main Writer"), ==, 300);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpint (pl_history_record_get_id (records->pdata[i]), >, 0);
  /* Every live call was completed: none is left in progress. */
  {
    g_autoptr (GPtrArray) page
        = pl_history_query_sync (f->history, PL_HISTORY_FILTER_ALL, "Main Writer", 0, 1000, &error);
    for (guint i = 0; i < page->len; i++)
      g_assert_cmpint (pl_history_entry_get_end (page->pdata[i]), ==, PL_CALL_END_HANGUP);
  }
}

static void
test_default_path (void)
{
  g_autofree char *path = pl_history_default_path ();
  g_autofree char *expected
      = g_build_filename (g_get_user_data_dir (), "parkline", "history.db", NULL);
  g_autoptr (PlHistory) history = pl_history_new (NULL);

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (pl_history_get_path (history), ==, expected);
  g_assert_finalize_object (g_steal_pointer (&history));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/history/store/outcomes", test_outcomes);
  ADD ("/history/store/live-call", test_live_call);
  ADD ("/history/store/park-events", test_park_events);
  ADD ("/history/store/transfer-legs", test_transfer_legs);
  ADD ("/history/store/search-and-filters", test_search_and_filters);
  ADD ("/history/store/retention-and-clear", test_retention_and_clear);
  ADD ("/history/store/export-csv", test_export_csv);
  ADD ("/history/store/async", test_async);
  ADD ("/history/store/concurrent", test_concurrent);
#undef ADD
  g_test_add_func ("/history/store/default-path", test_default_path);
  g_test_add_func ("/history/migration/v1-to-latest", test_migration_v1);
  g_test_add_func ("/history/migration/too-new", test_too_new);
  g_test_add_func ("/history/errors/corrupt", test_corrupt);
  g_test_add_func ("/history/errors/corrupt-pages", test_corrupt_pages);
  g_test_add_func ("/history/errors/locked", test_locked);
  g_test_add_func ("/history/errors/read-only-file", test_read_only_file);
  g_test_add_func ("/history/errors/read-only-dir", test_read_only_dir);
  return g_test_run ();
}
