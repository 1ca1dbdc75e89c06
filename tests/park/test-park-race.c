/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two Parkline desks retrieve one slot at the same moment, against the
 * loopback PBX in each profile's real behaviour: on FreeSWITCH both calls are
 * answered and stay up, the loser with no RTP at all and no BYE, so the
 * loser's desk must say so itself; on Asterisk the loser hears "invalid
 * parking space" and gets a BYE, and must not be told about silence. */
#include <stdio.h>

#include "pbx-test-lib.h"
#include "pl-history-entry.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS 20000

typedef struct
{
  const char *name;
  const char *pbx_keys;
  const char *lots;
  int slot;
} Profile;

static const Profile freeswitch = {
  "freeswitch",
  "profile=freeswitch\nparkingtime=60\nslots=6001-6010\nretrieve_race_ms=3000\n",
  "[lot Valet]\nprofile=freeswitch\nfirst-slot=6001\nlast-slot=6010\ntimeout=60\n",
  6001,
};

static const Profile asterisk = {
  "asterisk",
  "profile=asterisk\nparkingtime=60\nannounce_delay_ms=300\ninvalid_delay_ms=1500\n",
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\ntimeout=60\n",
  701,
};

typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  PlTestDesk *bob;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const Profile *profile = data;

  fx->pbx = test_pbx_start (profile->pbx_keys);
  fx->alice = pl_test_desk_new ("alice", "alicepw", fx->pbx->sip_port, profile->lots);
  fx->bob = pl_test_desk_new ("bob", "bobpw", fx->pbx->sip_port, profile->lots);
  g_assert_true (PL_TEST_WAIT (
      pl_test_desk_lot_known (fx->alice) && pl_test_desk_lot_known (fx->bob), WAIT_MS));
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_pointer (&fx->bob, pl_test_desk_free);
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  g_clear_pointer (&fx->pbx, test_pbx_stop);
}

static void
write_measurement (const char *profile, const char *what, double ms)
{
  g_autofree char *dir = pl_test_artifact_dir ("park");
  g_autofree char *path = g_build_filename (dir, "timings.tsv", NULL);
  FILE *file = fopen (path, "a");

  g_test_message ("%s: %s %.1f ms", profile, what, ms);
  if (file)
    {
      fprintf (file, "%s\t%s\t%.1f\n", profile, what, ms);
      fclose (file);
    }
}

/* The PBX rings alice as "Caller One"; she answers and parks the call. */
static void
park_a_caller (Fixture *fx, const Profile *profile)
{
  PlCallManager *calls = pl_test_desk_calls (fx->alice);
  g_autofree char *reply = test_pbx_cmd (fx->pbx, "originate 201 \"Caller One\" alice");
  g_autoptr (PlCall) call = NULL;

  g_assert_true (g_str_has_prefix (reply, "OK"));
  g_assert_true (
      PL_TEST_WAIT (pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING), WAIT_MS));
  call = g_object_ref (pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING));
  g_assert_true (pl_call_manager_answer (calls, call, NULL));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (
      pl_park_service_park (pl_test_desk_park (fx->alice), call, NULL, PL_PARK_ANY_SLOT, NULL));
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_slot_state (fx->alice, profile->slot) == PL_PARK_SLOT_OCCUPIED
                        && pl_test_desk_slot_state (fx->bob, profile->slot) == PL_PARK_SLOT_OCCUPIED
                        && !pl_call_is_live (call),
                    WAIT_MS));
}

static gboolean
told_silence (PlTestDesk *desk)
{
  return pl_test_desk_told (desk, "No sound from slot");
}

static gboolean
has_park_action (PlTestDesk *desk, PlHistoryParkAction action)
{
  PlHistory *history = pl_core_get_history (desk->core);
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_true (pl_history_flush_sync (history, NULL));
  rows = pl_history_query_sync (history, PL_HISTORY_FILTER_ALL, NULL, 0, 20, NULL);
  for (guint i = 0; rows && i < rows->len; i++)
    {
      gint64 row = pl_history_entry_get_id (g_ptr_array_index (rows, i));
      g_autoptr (GPtrArray) events = pl_history_list_park_events_sync (history, row, NULL);

      for (guint k = 0; events && k < events->len; k++)
        if (((PlHistoryParkEvent *)g_ptr_array_index (events, k))->action == action)
          return TRUE;
    }
  return FALSE;
}

/* FreeSWITCH: both answered, the slot reads free on both desks, one call
 * has the caller's RTP and the other none. Only the desk without RTP tells
 * its user; nobody's call is ended on a guess. */
static void
test_freeswitch_race (Fixture *fx, gconstpointer data)
{
  const Profile *profile = data;
  g_autoptr (PlCall) a = NULL;
  g_autoptr (PlCall) b = NULL;
  g_autoptr (GError) error = NULL;
  PlCall *winner, *loser;
  PlTestDesk *loser_desk;
  gint64 t_press, t_media, t_hint;

  park_a_caller (fx, profile);
  t_press = g_get_monotonic_time ();

  /* Both press Retrieve in the same main-loop turn. */
  a = pl_park_service_retrieve (pl_test_desk_park (fx->alice), NULL, profile->slot, &error);
  g_assert_no_error (error);
  b = pl_park_service_retrieve (pl_test_desk_park (fx->bob), NULL, profile->slot, &error);
  g_assert_no_error (error);
  g_object_ref (a);
  g_object_ref (b);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (a) == PL_CALL_STATE_ACTIVE
                                   && pl_call_get_state (b) == PL_CALL_STATE_ACTIVE,
                               WAIT_MS));

  /* Exactly one of them hears the caller. */
  g_assert_true (
      PL_TEST_WAIT (pl_call_get_media_received (a) || pl_call_get_media_received (b), WAIT_MS));
  t_media = g_get_monotonic_time ();
  winner = pl_call_get_media_received (a) ? a : b;
  loser = winner == a ? b : a;
  loser_desk = loser == a ? fx->alice : fx->bob;
  write_measurement (profile->name, "race-press-to-winner-rtp", (t_media - t_press) / 1000.0);

  g_assert_true (PL_TEST_WAIT (told_silence (loser_desk), WAIT_MS));
  t_hint = g_get_monotonic_time ();
  write_measurement (profile->name, "race-press-to-loser-hint", (t_hint - t_press) / 1000.0);
  g_assert_false (pl_call_get_media_received (loser));
  g_assert_true (g_str_has_prefix (pl_call_get_note (loser), "No sound"));
  {
    g_autofree char *expected = g_strdup_printf ("Retrieving from %d", profile->slot);
    g_assert_cmpstr (pl_call_get_note (winner), ==, expected);
  }
  g_assert_false (told_silence (loser_desk == fx->alice ? fx->bob : fx->alice));

  /* As measured: the slot is free everywhere and the PBX has not hung up
   * on the loser. */
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_slot_state (fx->alice, profile->slot) == PL_PARK_SLOT_FREE
                        && pl_test_desk_slot_state (fx->bob, profile->slot) == PL_PARK_SLOT_FREE,
                    WAIT_MS));
  g_assert_true (pl_call_is_live (loser));
  g_assert_true (pl_call_is_live (winner));

  /* The loser hangs up; their history says someone else took the call. */
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (loser_desk), loser, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (loser), WAIT_MS));
  g_assert_true (
      PL_TEST_WAIT (has_park_action (loser_desk, PL_HISTORY_PARK_ACTION_TAKEN_BY_OTHER), WAIT_MS));
  g_assert_true (pl_call_is_live (winner));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (winner == a ? fx->alice : fx->bob),
                                         winner, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (winner), WAIT_MS));
}

/* Asterisk: the loser's INVITE is answered with an announcement (RTP) and a
 * BYE; that desk says "taken by someone else", and nobody hears about
 * silence. */
static void
test_asterisk_race (Fixture *fx, gconstpointer data)
{
  const Profile *profile = data;
  g_autoptr (PlCall) a = NULL;
  g_autoptr (PlCall) b = NULL;
  PlCall *loser;

  park_a_caller (fx, profile);
  a = g_object_ref (
      pl_park_service_retrieve (pl_test_desk_park (fx->alice), NULL, profile->slot, NULL));
  b = g_object_ref (
      pl_park_service_retrieve (pl_test_desk_park (fx->bob), NULL, profile->slot, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (a) || !pl_call_is_live (b), WAIT_MS));
  loser = pl_call_is_live (a) ? b : a;
  g_assert_true (pl_call_get_media_received (loser));
  g_assert_true (PL_TEST_WAIT (pl_test_desk_told (fx->alice, "taken by someone else")
                                   || pl_test_desk_told (fx->bob, "taken by someone else"),
                               WAIT_MS));
  g_assert_false (told_silence (fx->alice));
  g_assert_false (told_silence (fx->bob));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/park-race/freeswitch/loser-told", Fixture, &freeswitch, fixture_setup,
              test_freeswitch_race, fixture_teardown);
  g_test_add ("/park-race/asterisk/loser-hung-up", Fixture, &asterisk, fixture_setup,
              test_asterisk_race, fixture_teardown);
  return g_test_run ();
}
