/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 11, items 1 and 2: two Parkline desks (real PlCore, real baresip
 * each) on the loopback test PBX while it freezes and thaws, or is killed
 * and started again. Within 10 s of the PBX going silent every slot on
 * both desks is stale (never free), the server shows as not answering and
 * park is refused; within 5 s of it answering again both desks are
 * registered and every slot is known. No slot turns free while the PBX is
 * silent, a call in progress survives, and UDP and TCP behave alike (TCP
 * notices a killed PBX at once). The same outages, many times and timed:
 * bench/liveness.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl-test-liveness.h"
#include "pl-test-util.h"

#define WAIT_MS 20000
/* the bounds: the behaviour, not a speed target */
#define STALE_WITHIN_MS 10000
#define FRESH_WITHIN_MS 5000

static const char lots[] = "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\n"
                           "last-slot=705\ntimeout=45\n";

typedef struct
{
  PlLivenessRig *rig;
  PlTransport transport;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->transport = GPOINTER_TO_INT (data);
  fx->rig = pl_liveness_rig_new (fx->transport, lots);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_pointer (&fx->rig, pl_liveness_rig_free);
}

static const char *
transport_name (Fixture *fx)
{
  return fx->transport == PL_TRANSPORT_TCP ? "tcp" : "udp";
}

static void
report (Fixture *fx, const char *what, double ms)
{
  g_autofree char *dir = pl_test_artifact_dir ("park");
  g_autofree char *path = g_build_filename (dir, "liveness-timings.tsv", NULL);
  g_autofree char *line = g_strdup_printf ("%s\t%s\t%.0f\n", transport_name (fx), what, ms);
  FILE *file = fopen (path, "a");

  g_test_message ("%s %s: %.0f ms", transport_name (fx), what, ms);
  if (file)
    {
      fputs (line, file);
      fclose (file);
    }
}

/* alice parks a caller on 701; both desks see it. Returns the parked call. */
static PlCall *
park_a_caller (Fixture *fx)
{
  PlCall *call = g_object_ref (
      pl_test_desk_answer_caller (fx->rig->alice, fx->rig->pbx, "201", "Caller One"));

  g_assert_true (pl_park_service_park (pl_test_desk_park (fx->rig->alice), call, NULL,
                                       PL_PARK_ANY_SLOT, NULL));
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_slot_state (fx->rig->alice, 701) == PL_PARK_SLOT_OCCUPIED
                        && pl_test_desk_slot_state (fx->rig->bob, 701) == PL_PARK_SLOT_OCCUPIED,
                    WAIT_MS));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  return call;
}

/* The PBX's count of user's contacts reaches n within ms. */
static gboolean
contacts_reach (Fixture *fx, const char *user, guint n, guint ms)
{
  g_autofree char *cmd = g_strdup_printf ("contacts %s", user);
  g_autofree char *want = g_strdup_printf ("OK %u", n);
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;

  for (;;)
    {
      g_autofree char *reply = test_pbx_cmd (fx->rig->pbx, cmd);

      if (g_str_equal (reply, want))
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      pl_test_iterate (g_get_monotonic_time () + 50 * 1000);
    }
}

/* While the PBX is silent: the state is said, park and retrieve are
 * refused with it, the registration is not claimed. */
static void
check_silent_desk (PlTestDesk *desk, PlCall *any_call)
{
  PlParkService *park = pl_test_desk_park (desk);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (pl_park_service_get_server_state (park), ==, PL_SERVER_STATE_NOT_ANSWERING);
  g_assert_false (pl_park_service_park (park, any_call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NOT_ANSWERING);
  g_assert_nonnull (strstr (error->message, "not answering"));
  g_clear_error (&error);
  g_assert_null (pl_park_service_retrieve (park, NULL, 701, &error));
  g_assert_error (error, PL_PARK_SERVICE_ERROR, PL_PARK_SERVICE_ERROR_NOT_ANSWERING);
  g_assert_cmpint (pl_account_get_registration_state (desk->account), !=,
                   PL_REGISTRATION_REGISTERED);
}

/* One outage within the bounds, both desks checked while the PBX
 * is silent, nothing shown free meanwhile. */
static void
outage (Fixture *fx, PlOutage outage, PlCall *any_call)
{
  PlOutageTimes times = { 0 };
  gboolean freeze = outage == PL_OUTAGE_FREEZE;

  g_assert_true (pl_liveness_rig_start_outage (fx->rig, outage, STALE_WITHIN_MS, &times));
  report (fx, freeze ? "freeze-to-stale" : "kill-to-stale", times.to_stale_ms);
  check_silent_desk (fx->rig->alice, any_call);
  check_silent_desk (fx->rig->bob, any_call);
  g_assert_true (pl_liveness_rig_end_outage (fx->rig, outage, FRESH_WITHIN_MS, TRUE, &times));
  report (fx, freeze ? "thaw-to-fresh" : "restart-to-fresh", times.to_fresh_ms);
  g_assert_cmpuint (fx->rig->free_reports->len, ==, 0);
}

static void
test_freeze_thaw (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = park_a_caller (fx);
  g_autoptr (PlCall) retrieved = NULL;
  g_autoptr (GError) error = NULL;

  outage (fx, PL_OUTAGE_FREEZE, parked);
  /* re-registered with a new contact, and the old one gone: the PBX does
   * not ring a user agent that no longer exists */
  g_assert_true (contacts_reach (fx, "alice", 1, FRESH_WITHIN_MS));
  g_assert_true (contacts_reach (fx, "bob", 1, FRESH_WITHIN_MS));
  /* the frozen PBX kept its parked caller: the slot is busy again, not free */
  g_assert_cmpint (pl_test_desk_slot_state (fx->rig->alice, 701), ==, PL_PARK_SLOT_OCCUPIED);
  g_assert_cmpint (pl_test_desk_slot_state (fx->rig->bob, 701), ==, PL_PARK_SLOT_OCCUPIED);

  /* and the desks work again: bob takes the caller */
  retrieved = pl_park_service_retrieve (pl_test_desk_park (fx->rig->bob), NULL, 701, &error);
  g_assert_no_error (error);
  g_object_ref (retrieved);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (retrieved) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_slot_state (fx->rig->alice, 701) == PL_PARK_SLOT_FREE, WAIT_MS));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->rig->bob), retrieved, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (retrieved), WAIT_MS));
}

static void
test_kill_restart (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) parked = park_a_caller (fx);
  PlCallManager *calls = pl_test_desk_calls (fx->rig->alice);
  g_autoptr (PlCall) second = NULL;

  /* twice: the second re-registration replaces an agent the first made */
  for (int round = 0; round < 2; round++)
    {
      outage (fx, PL_OUTAGE_KILL, parked);
      /* the killed PBX took the caller with it: the restarted one has none */
      g_assert_cmpint (pl_test_desk_slot_state (fx->rig->alice, 701), ==, PL_PARK_SLOT_FREE);
      g_assert_cmpint (pl_test_desk_slot_state (fx->rig->bob, 701), ==, PL_PARK_SLOT_FREE);
    }

  /* the registration is real: the new PBX reaches alice */
  second = g_object_ref (
      pl_test_desk_answer_caller (fx->rig->alice, fx->rig->pbx, "202", "Caller Two"));
  g_assert_true (pl_call_manager_hangup (calls, second, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (second), WAIT_MS));
}

static char *
dbus_server_state (GDBusConnection *client, GDBusConnection *server)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = pl_test_dbus_call (
      client, g_dbus_connection_get_unique_name (server), "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "io.github.parkline.Parkline1", "ServerState"), &error);
  g_autoptr (GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

/* The liveness handling leaves calls alone: a call through a PBX that
 * freezes long enough to be noticed is still up after the thaw, and the
 * desk re-registers once it ends (replacing the user agent would end it).
 * Meanwhile D-Bus says the server is not answering and refuses to park the
 * call, saying why. */
static void
test_call_survives_freeze (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) call = g_object_ref (
      pl_test_desk_answer_caller (fx->rig->alice, fx->rig->pbx, "201", "Caller One"));
  PlCallManager *calls = pl_test_desk_calls (fx->rig->alice);
  PlOutageTimes times = { 0 };
  g_autofree char *status = NULL;
  g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr (GDBusConnection) server = NULL;
  g_autoptr (GDBusConnection) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *state = NULL;
  g_autoptr (GVariant) park = NULL;

  g_test_dbus_up (bus);
  server = pl_test_dbus_connect (bus);
  client = pl_test_dbus_connect (bus);
  g_assert_true (pl_core_export_dbus (fx->rig->alice->core, server, &error));
  g_assert_no_error (error);
  state = dbus_server_state (client, server);
  g_assert_cmpstr (state, ==, "answering");
  g_clear_pointer (&state, g_free);

  g_assert_true (pl_liveness_rig_start_outage (fx->rig, PL_OUTAGE_FREEZE, STALE_WITHIN_MS, &times));
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  /* scripts hear it too: the state, and a Park that says why it fails */
  state = dbus_server_state (client, server);
  g_assert_cmpstr (state, ==, "not-answering");
  park = pl_test_dbus_call (client, g_dbus_connection_get_unique_name (server),
                            "io.github.parkline.Parkline1", "Park", g_variant_new ("(us)", 0, ""),
                            &error);
  g_assert_null (park);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "The phone system is not answering"));
  g_clear_error (&error);
  g_assert_true (pl_call_is_live (call));
  g_assert_true (
      pl_liveness_rig_end_outage (fx->rig, PL_OUTAGE_FREEZE, FRESH_WITHIN_MS, FALSE, &times));
  g_assert_cmpuint (fx->rig->free_reports->len, ==, 0);
  g_assert_true (pl_call_is_live (call));
  g_assert_cmpint (pl_call_get_state (call), ==, PL_CALL_STATE_ACTIVE);
  status = test_pbx_cmd (fx->rig->pbx, "status");
  g_assert_nonnull (strstr (status, " calls="));
  g_assert_cmpint (atoi (strstr (status, " calls=") + 7), >=, 1);
  /* bob had no call: registered again at once; alice waits for hers */
  g_assert_true (PL_TEST_WAIT (pl_account_get_registration_state (fx->rig->bob->account)
                                   == PL_REGISTRATION_REGISTERED,
                               FRESH_WITHIN_MS));
  g_assert_cmpint (pl_account_get_registration_state (fx->rig->alice->account), ==,
                   PL_REGISTRATION_REGISTERING);

  g_assert_true (pl_call_manager_hangup (calls, call, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_HANGUP);
  g_assert_true (PL_TEST_WAIT (pl_account_get_registration_state (fx->rig->alice->account)
                                   == PL_REGISTRATION_REGISTERED,
                               FRESH_WITHIN_MS));
  g_clear_pointer (&state, g_free);
  state = dbus_server_state (client, server);
  g_assert_cmpstr (state, ==, "answering");

  g_dbus_connection_close_sync (client, NULL, NULL);
  g_dbus_connection_close_sync (server, NULL, NULL);
  g_test_dbus_down (bus);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, transport, func)                                                                 \
  g_test_add (path, Fixture, GINT_TO_POINTER (transport), fixture_setup, func, fixture_teardown)
  ADD ("/park-liveness/udp/freeze-thaw", PL_TRANSPORT_UDP, test_freeze_thaw);
  ADD ("/park-liveness/tcp/freeze-thaw", PL_TRANSPORT_TCP, test_freeze_thaw);
  ADD ("/park-liveness/udp/kill-restart", PL_TRANSPORT_UDP, test_kill_restart);
  ADD ("/park-liveness/tcp/kill-restart", PL_TRANSPORT_TCP, test_kill_restart);
  ADD ("/park-liveness/udp/call-survives-freeze", PL_TRANSPORT_UDP, test_call_survives_freeze);
  return g_test_run ();
}
