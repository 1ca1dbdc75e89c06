/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Soak: two Parkline desks (alice parks, bob retrieves; each a PlCore with
 * its own real baresip) and callers the test PBX originates, for many
 * park/retrieve cycles. Every tenth cycle of each kind mixes in a ring-back
 * (nobody retrieves; the PBX rings alice back after its short park
 * timeout), a caller who hangs up while parked, and one who hangs up while
 * still ringing.
 *
 * Every 50 cycles it prints RSS, open fds and threads of this process (the
 * app: both desks' cores) and of each baresip. At the end it asserts that
 * fds and threads are back at their values after the warm-up, that RSS grew
 * less than a stated bound since then, that no engine restarted, and that
 * both histories hold exactly the rows the cycles should have written,
 * counted in SQLite.
 *
 * soak [CYCLES]   (default 500; the `soak` test runs 50, `meson test
 * --benchmark soak` the full 500) */
#define G_LOG_DOMAIN "soak"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx-test-lib.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS        30000
#define WARM_UP_CYCLES 10
#define REPORT_EVERY   50
/* Growth allowed after the warm-up: the history's SQLite page cache and
 * GLib's allocator settling; a leak of a few KiB per cycle exceeds it over
 * 500 cycles. */
#define RSS_GROWTH_MAX_KIB        (12 * 1024)
#define ENGINE_RSS_GROWTH_MAX_KIB (4 * 1024)

#define LOTS                                                                                       \
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\ntimeout=3\n"

typedef enum
{
  CYCLE_RETRIEVED,  /* alice parks, bob retrieves and hangs up */
  CYCLE_RING_BACK,  /* nobody retrieves: the PBX rings alice back, she answers */
  CYCLE_PARKED_BYE, /* the caller hangs up while parked */
  CYCLE_MISSED,     /* the caller hangs up while alice's phone rings */
  N_CYCLE_KINDS
} CycleKind;

static CycleKind
kind_of (guint cycle)
{
  switch (cycle % 10)
    {
      case 3:
        return CYCLE_RING_BACK;
      case 6:
        return CYCLE_PARKED_BYE;
      case 8:
        return CYCLE_MISSED;
      default:
        return CYCLE_RETRIEVED;
    }
}

typedef struct
{
  gsize rss_kib;
  guint fds;
  guint threads;
} Usage;

static gboolean
usage_of (int pid, Usage *usage)
{
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *fd_path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autofree char *status = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *line;

  if (!g_file_get_contents (status_path, &status, NULL, NULL)
      || (dir = g_dir_open (fd_path, 0, NULL)) == NULL)
    return FALSE;
  line = strstr (status, "VmRSS:");
  usage->rss_kib = line ? (gsize)g_ascii_strtoull (line + 6, NULL, 10) : 0;
  line = strstr (status, "Threads:");
  usage->threads = line ? (guint)g_ascii_strtoull (line + 8, NULL, 10) : 0;
  usage->fds = 0;
  while (g_dir_read_name (dir) != NULL)
    usage->fds++;
  return TRUE;
}

typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  PlTestDesk *bob;
  guint done[N_CYCLE_KINDS];
} Soak;

static PlCall *
wait_incoming (PlTestDesk *desk)
{
  PlCallManager *calls = pl_test_desk_calls (desk);

  g_assert_true (
      PL_TEST_WAIT (pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING), WAIT_MS));
  return pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING);
}

static gboolean
idle (PlTestDesk *desk)
{
  return g_list_model_get_n_items (pl_call_manager_get_calls (pl_test_desk_calls (desk))) == 0;
}

static gboolean
slot_is (PlTestDesk *desk, int number, PlParkSlotState state)
{
  PlParkSlot *slot = pl_park_lot_get_slot (pl_test_desk_lot (desk), number);

  return slot != NULL && pl_park_slot_get_state (slot) == state;
}

/* The slot alice's park landed on, once both desks see it occupied. */
static int
wait_parked (Soak *soak)
{
  PlParkLot *lot = pl_test_desk_lot (soak->alice);
  int found = -1;

  g_assert_true (PL_TEST_WAIT (({
                                 found = -1;
                                 for (int n = 701; n <= 710 && found < 0; n++)
                                   if (slot_is (soak->alice, n, PL_PARK_SLOT_OCCUPIED)
                                       && slot_is (soak->bob, n, PL_PARK_SLOT_OCCUPIED))
                                     found = n;
                                 found >= 0;
                               }),
                               WAIT_MS));
  g_assert_nonnull (lot);
  return found;
}

static void
originate (Soak *soak)
{
  g_autofree char *reply = test_pbx_cmd (soak->pbx, "originate 201 \"Caller One\" alice");

  g_assert_true (g_str_has_prefix (reply, "OK"));
}

static void
hangup_all (Soak *soak)
{
  g_autofree char *reply = test_pbx_cmd (soak->pbx, "hangup-all");

  g_assert_cmpstr (reply, ==, "OK");
}

static void
run_cycle (Soak *soak, guint cycle)
{
  CycleKind kind = kind_of (cycle);
  PlCallManager *alice_calls = pl_test_desk_calls (soak->alice);
  PlCallManager *bob_calls = pl_test_desk_calls (soak->bob);
  g_autoptr (PlCall) call = NULL;
  g_autoptr (GError) error = NULL;
  int slot;

  originate (soak);
  call = g_object_ref (wait_incoming (soak->alice));
  if (kind == CYCLE_MISSED)
    {
      hangup_all (soak);
      g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
      g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_MISSED);
      goto done;
    }
  g_assert_true (pl_call_manager_answer (alice_calls, call, NULL));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (
      pl_park_service_park (pl_test_desk_park (soak->alice), call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_no_error (error);
  slot = wait_parked (soak);
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_PARKED);

  switch (kind)
    {
      case CYCLE_RETRIEVED:
        {
          g_autoptr (PlCall) retrieved
              = pl_park_service_retrieve (pl_test_desk_park (soak->bob), NULL, slot, &error);

          g_assert_no_error (error);
          g_object_ref (retrieved);
          g_assert_true (
              PL_TEST_WAIT (pl_call_get_state (retrieved) == PL_CALL_STATE_ACTIVE, WAIT_MS));
          g_assert_true (PL_TEST_WAIT (slot_is (soak->alice, slot, PL_PARK_SLOT_FREE)
                                           && slot_is (soak->bob, slot, PL_PARK_SLOT_FREE),
                                       WAIT_MS));
          g_assert_true (pl_call_manager_hangup (bob_calls, retrieved, NULL));
          g_assert_true (PL_TEST_WAIT (!pl_call_is_live (retrieved), WAIT_MS));
        }
        break;
      case CYCLE_RING_BACK:
        {
          PlCall *back = wait_incoming (soak->alice);

          g_assert_true (g_str_has_prefix (pl_call_get_note (back), "Returned from"));
          g_assert_true (pl_call_manager_answer (alice_calls, back, NULL));
          g_assert_true (PL_TEST_WAIT (pl_call_get_state (back) == PL_CALL_STATE_ACTIVE, WAIT_MS));
          g_assert_true (pl_call_manager_hangup (alice_calls, back, NULL));
        }
        break;
      case CYCLE_PARKED_BYE:
        hangup_all (soak);
        g_assert_true (PL_TEST_WAIT (slot_is (soak->alice, slot, PL_PARK_SLOT_FREE)
                                         && slot_is (soak->bob, slot, PL_PARK_SLOT_FREE),
                                     WAIT_MS));
        break;
      case CYCLE_MISSED:
      default:
        g_assert_not_reached ();
    }

done:
  g_assert_true (PL_TEST_WAIT (idle (soak->alice) && idle (soak->bob), WAIT_MS));
  soak->done[kind]++;
}

/* This process (both desks' cores), alice's baresip, bob's baresip. */
typedef struct
{
  Usage app;
  Usage engines[2];
} Sample;

static void
sample (guint cycle, Soak *soak, Sample *s)
{
  PlTestDesk *desks[2] = { soak->alice, soak->bob };

  g_assert_true (usage_of (getpid (), &s->app));
  for (guint i = 0; i < 2; i++)
    g_assert_true (usage_of (pl_baresip_engine_get_pid (desks[i]->engine), &s->engines[i]));
  g_print ("%6u  %9zu %5u %7u   %9zu %5u %7u   %9zu %5u %7u\n", cycle, s->app.rss_kib, s->app.fds,
           s->app.threads, s->engines[0].rss_kib, s->engines[0].fds, s->engines[0].threads,
           s->engines[1].rss_kib, s->engines[1].fds, s->engines[1].threads);
}

/* GLib's worker pools start threads on demand and end them when idle, so
 * the thread count may be below its start value, never above. */
static void
assert_settled (const char *who, const Usage *start, const Usage *end, long rss_bound_kib)
{
  g_print ("# %s: fds %u -> %u, threads %u -> %u, RSS %+ld KiB after warm-up (bound %ld)\n", who,
           start->fds, end->fds, start->threads, end->threads,
           (long)end->rss_kib - (long)start->rss_kib, rss_bound_kib);
  g_assert_cmpuint (end->fds, ==, start->fds);
  g_assert_cmpuint (end->threads, <=, start->threads);
  /* ASan's quarantine holds freed memory: RSS says nothing there. */
  if (g_getenv ("PL_TEST_SANITIZED") == NULL)
    g_assert_cmpint ((long)end->rss_kib - (long)start->rss_kib, <, rss_bound_kib);
}

static void
assert_rows (const char *who, const char *path, const char *sql, gint64 expected)
{
  gint64 n = pl_test_sqlite_count (path, sql);

  g_print ("%-5s %-72s %6" G_GINT64_FORMAT " (expected %" G_GINT64_FORMAT ")\n", who, sql, n,
           expected);
  g_assert_cmpint (n, ==, expected);
}

/* What each kind of cycle leaves in the two histories. */
static void
check_history (Soak *soak)
{
  guint *d = soak->done;
  guint answered_here = d[CYCLE_RETRIEVED] + d[CYCLE_RING_BACK] + d[CYCLE_PARKED_BYE];

  g_assert_true (pl_history_flush_sync (pl_core_get_history (soak->alice->core), NULL));
  g_assert_true (pl_history_flush_sync (pl_core_get_history (soak->bob->core), NULL));
  /* alice: every caller's call, ended as parked or missed, and the
   * ring-backs she answered. */
  assert_rows ("alice", soak->alice->history_path, "SELECT count(*) FROM calls",
               answered_here + d[CYCLE_MISSED] + d[CYCLE_RING_BACK]);
  assert_rows ("alice", soak->alice->history_path,
               "SELECT count(*) FROM calls WHERE outcome = 'parked'", answered_here);
  assert_rows ("alice", soak->alice->history_path,
               "SELECT count(*) FROM calls WHERE outcome = 'missed'", d[CYCLE_MISSED]);
  assert_rows ("alice", soak->alice->history_path,
               "SELECT count(*) FROM park_events WHERE action = 'parked' AND actor = 'me'",
               answered_here);
  assert_rows ("alice", soak->alice->history_path,
               "SELECT count(*) FROM park_events WHERE action = 'returned'", d[CYCLE_RING_BACK]);
  /* bob: the calls he retrieved; every park he saw. */
  assert_rows ("bob", soak->bob->history_path, "SELECT count(*) FROM calls", d[CYCLE_RETRIEVED]);
  assert_rows ("bob", soak->bob->history_path,
               "SELECT count(*) FROM park_events WHERE action = 'parked' AND actor = 'other'",
               answered_here);
  assert_rows ("bob", soak->bob->history_path,
               "SELECT count(*) FROM park_events WHERE action = 'retrieved' AND actor = 'me'",
               d[CYCLE_RETRIEVED]);
  assert_rows ("bob", soak->bob->history_path,
               "SELECT count(*) FROM calls WHERE outcome != 'answered'", 0);
}

int
main (int argc, char *argv[])
{
  guint cycles = argc > 1 ? (guint)atoi (argv[1]) : 500;
  Soak soak = { 0 };
  Sample start = { 0 }, now = { 0 };
  guint restarts;
  gint64 t0;

  g_assert_cmpuint (cycles, >, WARM_UP_CYCLES);

  /* Short park timeout for the ring-backs; a short announcement so a cycle
   * takes about a second. */
  soak.pbx = test_pbx_start ("profile=asterisk\nparkingtime_ms=3000\ncomebackdialtime=20\n"
                             "announce_delay_ms=300\n");
  soak.alice = pl_test_desk_new ("alice", "alicepw", soak.pbx->sip_port, LOTS);
  soak.bob = pl_test_desk_new ("bob", "bobpw", soak.pbx->sip_port, LOTS);
  g_assert_true (PL_TEST_WAIT (slot_is (soak.alice, 701, PL_PARK_SLOT_FREE)
                                   && slot_is (soak.bob, 710, PL_PARK_SLOT_FREE),
                               WAIT_MS));

  g_print ("# soak: %u cycles; RSS in KiB, fds, threads\n", cycles);
  g_print ("%6s  %9s %5s %7s   %9s %5s %7s   %9s %5s %7s\n", "cycle", "app-rss", "fds", "threads",
           "alice-bs", "fds", "threads", "bob-bs", "fds", "threads");
  t0 = g_get_monotonic_time ();
  for (guint cycle = 1; cycle <= cycles; cycle++)
    {
      run_cycle (&soak, cycle);
      if (cycle == WARM_UP_CYCLES)
        {
          /* Let the last cycle's BYEs and NOTIFYs settle before the baseline. */
          pl_test_spin (1000);
          sample (cycle, &soak, &start);
        }
      else if (cycle % REPORT_EVERY == 0 || cycle == cycles)
        sample (cycle, &soak, &now);
    }
  pl_test_spin (1000);
  sample (cycles, &soak, &now);
  g_print ("# %u cycles in %.0f s: %u retrieved, %u ring-backs, %u hung up parked, %u missed\n",
           cycles, (g_get_monotonic_time () - t0) / 1e6, soak.done[CYCLE_RETRIEVED],
           soak.done[CYCLE_RING_BACK], soak.done[CYCLE_PARKED_BYE], soak.done[CYCLE_MISSED]);

  /* Nothing piles up: fds and threads as after the warm-up, RSS growth
   * bounded, and no engine had to be restarted. */
  assert_settled ("app", &start.app, &now.app, RSS_GROWTH_MAX_KIB);
  assert_settled ("alice's baresip", &start.engines[0], &now.engines[0], ENGINE_RSS_GROWTH_MAX_KIB);
  assert_settled ("bob's baresip", &start.engines[1], &now.engines[1], ENGINE_RSS_GROWTH_MAX_KIB);
  restarts = pl_baresip_engine_get_restart_count (soak.alice->engine)
             + pl_baresip_engine_get_restart_count (soak.bob->engine);
  g_assert_cmpuint (restarts, ==, 0);
  check_history (&soak);

  pl_test_desk_free (soak.bob);
  pl_test_desk_free (soak.alice);
  test_pbx_stop (soak.pbx);
  return 0;
}
