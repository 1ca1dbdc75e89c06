/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parkline desks (real PlCore, real baresip each) on the loopback PBX whose
 * manager interface names the callers: identity on a teammate's desk and
 * over D-Bus, calls parked before a desk started (with and without the
 * right to list them), taken-by, give-up, timeout, the feed dying and
 * coming back, feed and NOTIFY in either order, and Asterisk's retrieve
 * race. */
#include <string.h>

#include "pbx-test-lib.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS 20000

static const char pbx_keys[] = "announce_delay_ms=300\n%s"
                               "[manager admin]\nsecret=adminpw\nread=all\nwrite=all\n"
                               "[manager desk]\nsecret=deskpw\nread=call\nwrite=\n";

typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  PlTestDesk *bob;
} Fixture;

/* The lot every desk uses, reading the manager as @user. */
static char *
lots_for (Fixture *fx, const char *user)
{
  return g_strdup_printf ("[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\n"
                          "last-slot=710\ntimeout=30\nmanager-host=127.0.0.1:%u\n"
                          "manager-user=%s\nmanager-secret=%spw\n",
                          fx->pbx->ami_port, user, user);
}

static PlParkFeed *
feed_of (PlTestDesk *desk)
{
  return pl_park_service_get_feed (pl_test_desk_park (desk), pl_test_desk_lot (desk));
}

static gboolean
feed_connected (PlTestDesk *desk)
{
  PlParkFeed *feed = feed_of (desk);

  return feed && pl_park_feed_get_status (feed) == PL_PARK_FEED_STATUS_CONNECTED;
}

static PlTestDesk *
start_desk (Fixture *fx, const char *name, const char *manager_user)
{
  g_autofree char *password = g_strdup_printf ("%spw", name);
  g_autofree char *lots = lots_for (fx, manager_user);
  PlTestDesk *desk = pl_test_desk_new (name, password, fx->pbx->sip_port, lots);

  g_assert_true (PL_TEST_WAIT (pl_test_desk_lot_known (desk) && feed_connected (desk), WAIT_MS));
  return desk;
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autofree char *keys = g_strdup_printf (pbx_keys, data ? (const char *)data : "");

  fx->pbx = test_pbx_start (keys);
  fx->alice = start_desk (fx, "alice", "desk");
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_pointer (&fx->bob, pl_test_desk_free);
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  g_clear_pointer (&fx->pbx, test_pbx_stop);
}

static PlParkSlot *
slot_of (PlTestDesk *desk, int number)
{
  return pl_test_desk_slot (desk, number);
}

static gboolean
named (PlTestDesk *desk, int number, const char *caller, const char *parker)
{
  PlParkSlot *slot = slot_of (desk, number);

  return pl_park_slot_get_state (slot) == PL_PARK_SLOT_OCCUPIED
         && g_strcmp0 (pl_park_slot_get_caller_name (slot), caller) == 0
         && g_strcmp0 (pl_park_slot_get_parked_by (slot), parker) == 0;
}

/* alice takes a call from @number and parks it through 700. */
static PlCall *
alice_parks (Fixture *fx, const char *number, const char *name)
{
  PlCall *call = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, number, name));
  g_autoptr (GError) error = NULL;

  g_assert_true (
      pl_park_service_park (pl_test_desk_park (fx->alice), call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_PARKED);
  return call;
}

static PlCall *
retrieve (PlTestDesk *desk, int number)
{
  g_autoptr (GError) error = NULL;
  PlCall *call = pl_park_service_retrieve (pl_test_desk_park (desk), NULL, number, &error);

  g_assert_no_error (error);
  g_assert_nonnull (call);
  return g_object_ref (call);
}

/* A park event of the desk's history, not linked to a call. */
static gboolean
has_park_event (PlTestDesk *desk, PlHistoryParkAction action, const char *caller, const char *party)
{
  PlHistory *history = pl_core_get_history (desk->core);
  g_autoptr (GPtrArray) events = NULL;

  g_assert_true (pl_history_flush_sync (history, NULL));
  events = pl_history_list_park_events_sync (history, 0, NULL);
  for (guint i = 0; events && i < events->len; i++)
    {
      PlHistoryParkEvent *e = g_ptr_array_index (events, i);

      if (e->action == action && g_strcmp0 (e->caller_name, caller) == 0
          && g_strcmp0 (e->party, party) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Bob's desk over D-Bus names the caller Alice parked: the "done"
 * check, on the Slots property existing clients read. */
static void
check_dbus_names_caller (Fixture *fx)
{
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GDBusConnection) server = NULL, client = NULL;
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *slots_text = NULL, *details_text = NULL;

  g_test_dbus_up (bus);
  server = pl_test_dbus_connect (bus);
  client = pl_test_dbus_connect (bus);
  g_assert_true (pl_core_export_dbus (fx->bob->core, server, &error));
  g_assert_no_error (error);
  /* published at idle: read until it is there */
  g_assert_true (PL_TEST_WAIT (({
                                 g_autoptr (GVariant) slots = pl_test_dbus_get_property (
                                     client, g_dbus_connection_get_unique_name (server), "Slots");
                                 g_free (slots_text);
                                 slots_text = g_variant_print (slots, FALSE);
                                 strstr (slots_text, "'Caller One'") != NULL;
                               }),
                               WAIT_MS));
  g_test_message ("Slots: %s", slots_text);
  g_assert_nonnull (strstr (slots_text, "('Main', 701, 'occupied', 'Caller One', "
                                        "'sip:201@127.0.0.1', "));
  details = pl_test_dbus_get_property (client, g_dbus_connection_get_unique_name (server),
                                       "SlotDetails");
  details_text = g_variant_print (details, FALSE);
  g_assert_nonnull (strstr (details_text, "'parked-by': <'Alice'>"));
  g_dbus_connection_close_sync (client, NULL, NULL);
  g_dbus_connection_close_sync (server, NULL, NULL);
  g_test_dbus_down (bus);
}

/* Alice parks; Bob sees who is waiting and who parked them, also over
 * D-Bus; Bob takes the call; Alice is told, every slot says so for a while;
 * both histories name the other person. */
static void
test_identity_and_taken_by (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  g_autoptr (PlCall) taken = NULL;
  PlParkSlot *alice_slot, *bob_slot;
  gint64 t0;

  fx->bob = start_desk (fx, "bob", "desk");
  t0 = g_get_monotonic_time ();
  parked = alice_parks (fx, "201", "Caller One");
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
  g_test_message ("park to named on bob's desk: %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  bob_slot = slot_of (fx->bob, 701);
  g_assert_cmpstr (pl_park_slot_get_caller_uri (bob_slot), ==, "sip:201@127.0.0.1");
  g_assert_cmpint (pl_park_slot_get_identity_source (bob_slot), ==, PL_PARK_IDENTITY_FEED);
  g_assert_false (pl_park_slot_get_parked_by_me (bob_slot));
  /* alice's own park keeps her caller, and learns it was her */
  alice_slot = slot_of (fx->alice, 701);
  g_assert_true (PL_TEST_WAIT (named (fx->alice, 701, "Caller One", "Alice"), WAIT_MS));
  g_assert_cmpint (pl_park_slot_get_identity_source (alice_slot), ==, PL_PARK_IDENTITY_OWN_CALL);
  check_dbus_names_caller (fx);

  taken = retrieve (fx->bob, 701);
  g_assert_cmpstr (pl_call_get_peer_name (taken), ==, "Caller One");
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (taken) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (pl_park_slot_get_ended_note (alice_slot), "Taken by Bob") == 0, WAIT_MS));
  g_assert_cmpint (pl_park_slot_get_state (alice_slot), ==, PL_PARK_SLOT_FREE);
  g_assert_cmpstr (pl_park_slot_get_taken_by (alice_slot), ==, "Bob");
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_told (fx->alice, "Bob took Caller One from 701"), WAIT_MS));
  /* bob's own retrieve is no news to bob */
  g_assert_false (pl_test_desk_told (fx->bob, "took Caller One"));
  g_assert_false (pl_test_desk_told (fx->bob, "was taken by"));

  g_assert_true (has_park_event (fx->bob, PL_HISTORY_PARK_ACTION_PARKED, "Caller One", "Alice"));
  g_assert_true (has_park_event (fx->alice, PL_HISTORY_PARK_ACTION_RETRIEVED, "Caller One", "Bob"));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->bob), taken, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (taken), WAIT_MS));
}

/* A call parked before the desk started: the write user lists it. */
static void
test_parked_before_start_listed (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = alice_parks (fx, "201", "Caller One");
  PlParkFeed *feed;

  fx->bob = start_desk (fx, "bob", "admin");
  feed = feed_of (fx->bob);
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
  g_assert_false (pl_park_feed_get_events_only (feed));
  g_assert_true (has_park_event (fx->bob, PL_HISTORY_PARK_ACTION_PARKED, "Caller One", "Alice"));
}

/* The same with a read-only user: the list is refused, the feed says
 * "events only" (no error), the old park stays unnamed, later parks are
 * named. */
static void
test_parked_before_start_read_only (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) first = alice_parks (fx, "201", "Caller One");
  g_autoptr (PlCall) second = NULL;
  g_autofree char *status = NULL;
  g_autofree char *shown = NULL;
  PlParkFeed *feed;

  fx->bob = start_desk (fx, "bob", "desk");
  feed = feed_of (fx->bob);
  g_assert_true (PL_TEST_WAIT (pl_park_feed_get_events_only (feed), WAIT_MS));
  status = pl_park_feed_dup_status_text (feed);
  g_assert_cmpstr (status, ==, "Connected — events only");
  g_assert_cmpint (pl_park_slot_get_state (slot_of (fx->bob, 701)), ==, PL_PARK_SLOT_OCCUPIED);
  /* waits out the feed, then stays as it is */
  pl_test_spin ((PL_PARK_FEED_WAIT / 1000) + 1500);
  shown = pl_park_slot_dup_display_name (slot_of (fx->bob, 701));
  g_assert_cmpstr (shown, ==, "Parked call");
  g_assert_false (pl_test_desk_told (fx->bob, "Manager"));

  second = alice_parks (fx, "202", "Caller Two");
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 702, "Caller Two", "Alice"), WAIT_MS));
}

/* The caller hangs up while parked: every desk says so, and so does
 * history. */
static void
test_caller_gives_up (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  g_autofree char *reply = NULL;
  PlParkSlot *bob_slot;

  fx->bob = start_desk (fx, "bob", "desk");
  parked = alice_parks (fx, "201", "Caller One");
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
  reply = test_pbx_cmd (fx->pbx, "hangup-all");
  bob_slot = slot_of (fx->bob, 701);
  g_assert_true (PL_TEST_WAIT (pl_park_slot_get_ended_note (bob_slot) != NULL, WAIT_MS));
  g_assert_true (
      g_str_has_prefix (pl_park_slot_get_ended_note (bob_slot), "Caller hung up after 0:0"));
  g_assert_cmpint (pl_park_slot_get_state (bob_slot), ==, PL_PARK_SLOT_FREE);
  g_assert_true (PL_TEST_WAIT (
      pl_test_desk_told (fx->alice, "Caller One hung up while parked on 701"), WAIT_MS));
  g_assert_true (has_park_event (fx->bob, PL_HISTORY_PARK_ACTION_ABANDONED, "Caller One", "Alice"));
  g_assert_true (
      has_park_event (fx->alice, PL_HISTORY_PARK_ACTION_ABANDONED, "Caller One", "Alice"));
  g_assert_false (pl_test_desk_told (fx->alice, "took Caller One"));
}

/* Nobody takes it. The PBX's park time (3 s) is not the lot's (30 s): the
 * feed's timeout is believed, not the clock. */
static void
test_timeout (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  PlCallManager *calls = pl_test_desk_calls (fx->alice);
  PlParkSlot *bob_slot;
  PlCall *back;

  fx->bob = start_desk (fx, "bob", "desk");
  parked = alice_parks (fx, "201", "Caller One");
  bob_slot = slot_of (fx->bob, 701);
  g_assert_true (PL_TEST_WAIT (pl_park_slot_get_state (bob_slot) == PL_PARK_SLOT_RETURNING
                                   && pl_park_slot_get_ended_note (bob_slot) != NULL,
                               WAIT_MS));
  g_assert_true (g_str_has_prefix (pl_park_slot_get_ended_note (bob_slot), "Timed out after 0:0"));
  g_assert_cmpstr (pl_park_slot_get_caller_name (bob_slot), ==, "Caller One");
  g_assert_true (
      PL_TEST_WAIT (pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING), WAIT_MS));
  back = pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING);
  g_assert_cmpstr (pl_call_get_peer_name (back), ==, "Caller One");
  g_assert_true (has_park_event (fx->bob, PL_HISTORY_PARK_ACTION_RETURNED, "Caller One", "Alice"));
  g_assert_true (pl_call_manager_hangup (calls, back, NULL));
}

/* The manager drops every session without a word: the desks reconnect by
 * themselves and the fresh list names what was parked meanwhile. */
static void
test_feed_dies_and_returns (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  g_autofree char *reply = NULL;
  PlParkFeed *feed;
  gint64 t0;

  fx->bob = start_desk (fx, "bob", "admin");
  feed = feed_of (fx->bob);
  reply = test_pbx_cmd (fx->pbx, "faults ami-drop");
  t0 = g_get_monotonic_time ();
  g_assert_true (
      PL_TEST_WAIT (pl_park_feed_get_status (feed) == PL_PARK_FEED_STATUS_LOST, WAIT_MS));
  parked = alice_parks (fx, "201", "Caller One");
  g_assert_true (PL_TEST_WAIT (feed_connected (fx->bob), WAIT_MS));
  g_test_message ("feed back after %.1f s", (g_get_monotonic_time () - t0) / 1e6);
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
}

/* The retrieve that connects leaves the same end state whether the feed
 * or the NOTIFY comes first (the faults delay one by 1.5 s). */
static void
test_either_order (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  g_autoptr (PlCall) taken = NULL;
  PlParkSlot *alice_slot;

  fx->bob = start_desk (fx, "bob", "desk");
  parked = alice_parks (fx, "201", "Caller One");
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
  g_assert_cmpint (pl_park_slot_get_identity_source (slot_of (fx->bob, 701)), ==,
                   PL_PARK_IDENTITY_FEED);
  taken = retrieve (fx->bob, 701);
  alice_slot = slot_of (fx->alice, 701);
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (pl_park_slot_get_ended_note (alice_slot), "Taken by Bob") == 0, WAIT_MS));
  g_assert_cmpint (pl_park_slot_get_state (alice_slot), ==, PL_PARK_SLOT_FREE);
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_told (fx->alice, "Bob took Caller One from 701"), WAIT_MS));
  g_assert_true (has_park_event (fx->bob, PL_HISTORY_PARK_ACTION_PARKED, "Caller One", "Alice"));
  g_assert_true (has_park_event (fx->alice, PL_HISTORY_PARK_ACTION_RETRIEVED, "Caller One", "Bob"));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->bob), taken, NULL));
}

static void
feed_first (Fixture *fx, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (fx->pbx, "faults delay-notify 1500");

  g_assert_cmpstr (reply, ==, "OK");
  test_either_order (fx, data);
}

static void
notify_first (Fixture *fx, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (fx->pbx, "faults ami-delay 1500");

  g_assert_cmpstr (reply, ==, "OK");
  test_either_order (fx, data);
}

static gboolean
lost (PlCall *call)
{
  return g_str_has_prefix (pl_call_get_note (call) ? pl_call_get_note (call) : "", "Taken by");
}

/* Alice and Bob both retrieve 701 at once. Asterisk bridges one; the other
 * is answered, hears "invalid parking space" and is hung up five seconds
 * later. The feed names the winner: the loser's call ends at once, saying
 * who took it. */
static void
test_retrieve_race (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = NULL;
  g_autoptr (PlCall) by_alice = NULL, by_bob = NULL;
  PlCall *winner_call, *loser_call;
  PlTestDesk *winner, *loser;
  g_autofree char *note = NULL;
  g_autofree char *told = NULL;
  gint64 t0, took;

  fx->bob = start_desk (fx, "bob", "desk");
  parked = alice_parks (fx, "201", "Caller One");
  g_assert_true (PL_TEST_WAIT (named (fx->bob, 701, "Caller One", "Alice"), WAIT_MS));
  t0 = g_get_monotonic_time ();
  by_alice = retrieve (fx->alice, 701);
  by_bob = retrieve (fx->bob, 701);
  g_assert_true (PL_TEST_WAIT (lost (by_alice) || lost (by_bob), WAIT_MS));
  took = g_get_monotonic_time () - t0;
  if (lost (by_alice))
    winner = fx->bob, loser = fx->alice, winner_call = by_bob, loser_call = by_alice;
  else
    winner = fx->alice, loser = fx->bob, winner_call = by_alice, loser_call = by_bob;
  g_test_message ("%s lost the race, told after %.0f ms", loser->name, took / 1000.0);
  /* well before the PBX would hang up on the loser (invalid_delay 4.96 s) */
  g_assert_cmpint (took, <, 3 * G_USEC_PER_SEC);
  note = g_strdup_printf ("Taken by %s", g_str_equal (winner->name, "bob") ? "Bob" : "Alice");
  g_assert_cmpstr (pl_call_get_note (loser_call), ==, note);
  told = g_strdup_printf ("Caller One on 701 was taken by %s",
                          g_str_equal (winner->name, "bob") ? "Bob" : "Alice");
  g_assert_true (pl_test_desk_told (loser, told));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (loser_call), WAIT_MS));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
  g_assert_true (pl_call_get_ended_here (loser_call));
  /* the winner talks to the caller and hears nothing of it */
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (winner_call) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_false (pl_test_desk_told (winner, "was taken by"));
  g_assert_false (pl_test_desk_told (loser, "taken by someone else"));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (winner), winner_call, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (winner_call), WAIT_MS));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, keys, func)                                                                      \
  g_test_add (path, Fixture, keys, fixture_setup, func, fixture_teardown)
  ADD ("/park-ami/identity-and-taken-by", NULL, test_identity_and_taken_by);
  ADD ("/park-ami/parked-before-start-listed", NULL, test_parked_before_start_listed);
  ADD ("/park-ami/parked-before-start-read-only", NULL, test_parked_before_start_read_only);
  ADD ("/park-ami/caller-gives-up", NULL, test_caller_gives_up);
  ADD ("/park-ami/timeout", "parkingtime=3\ncomebackdialtime=15\n", test_timeout);
  ADD ("/park-ami/feed-dies-and-returns", NULL, test_feed_dies_and_returns);
  ADD ("/park-ami/feed-first", NULL, feed_first);
  ADD ("/park-ami/notify-first", NULL, notify_first);
  ADD ("/park-ami/retrieve-race", NULL, test_retrieve_race);
  return g_test_run ();
}
