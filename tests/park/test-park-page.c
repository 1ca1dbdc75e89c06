/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Park & Page and consult transfer between two Parkline desks (alice, bob),
 * each a real PlCore with its own baresip, on the loopback test PBX with a
 * paging group (600, [page Team]). The PBX places the outside caller. */
#include <stdlib.h>
#include <string.h>

#include "pbx-test-lib.h"
#include "pl-consult-transfer.h"
#include "pl-history-entry.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS 20000
#define PAGING  "[page Team]\next=600\nmembers=bob;carol\n"

typedef PlTestProfile Profile;

static const Profile asterisk = {
  "asterisk",
  "profile=asterisk\n" PAGING,
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\n"
  "page-target=600\n",
  701,
};

static const Profile freepbx = {
  "freepbx",
  "profile=freepbx\n" PAGING,
  "[lot Main]\nprofile=freepbx\npark-extension=\nfirst-slot=701\nlast-slot=710\n"
  "page-target=600\n",
  701,
};

static const Profile freeswitch = {
  "freeswitch",
  "profile=freeswitch\nslots=6001-6010\n" PAGING,
  "[lot Valet]\nprofile=freeswitch\nfirst-slot=6001\nlast-slot=6010\npage-target=600\n",
  6001,
};

static const Profile asterisk_spoken = {
  "asterisk-spoken",
  "profile=asterisk\n" PAGING,
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\n"
  "page-target=600\npage-spoken=true\n",
  701,
};

/* A page target the PBX does not have. */
static const Profile asterisk_unknown_target = {
  "asterisk-unknown-target",
  "profile=asterisk\n" PAGING,
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\n"
  "page-target=611\n",
  701,
};

/* A park extension the PBX does not have: the park must fail. */
static const Profile asterisk_bad_park = {
  "asterisk-bad-park",
  "profile=asterisk\n" PAGING,
  "[lot Main]\nprofile=asterisk\npark-extension=799\nfirst-slot=701\nlast-slot=710\n"
  "page-target=600\n",
  701,
};

typedef PlTestTeam Fixture;

static PlParkPager *
pager_of (PlTestDesk *desk)
{
  return pl_core_get_park_pager (desk->core);
}

static gboolean
pbx_says (Fixture *fx, const char *command, const char *needle)
{
  g_autofree char *reply = test_pbx_cmd (fx->pbx, command);
  return strstr (reply, needle) != NULL;
}

/* The park events of call in the desk's history, oldest first. */
static GPtrArray *
park_events (PlTestDesk *desk, PlCall *call)
{
  PlHistory *history = pl_core_get_history (desk->core);
  PlHistoryRecord *record
      = pl_history_recorder_lookup (pl_core_get_history_recorder (desk->core), call);

  g_assert_nonnull (record);
  g_assert_true (pl_history_flush_sync (history, NULL));
  return pl_history_list_park_events_sync (history, pl_history_record_get_id (record), NULL);
}

static const PlHistoryParkEvent *
find_event (GPtrArray *events, PlHistoryParkAction action)
{
  for (guint i = 0; events && i < events->len; i++)
    {
      const PlHistoryParkEvent *event = g_ptr_array_index (events, i);
      if (event->action == action)
        return event;
    }
  return NULL;
}

static gboolean
has_event (PlTestDesk *desk, PlCall *call, PlHistoryParkAction action)
{
  g_autoptr (GPtrArray) events = park_events (desk, call);

  return find_event (events, action) != NULL;
}

/* alice parks the caller with Park & Page; returns once the page is up. */
static PlCall *
park_and_page (Fixture *fx, PlCall *call)
{
  PlParkPager *pager = pager_of (fx->alice);
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_park_pager_park_and_page (pager, call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_no_error (error);
  g_assert_true (pl_park_pager_get_busy (pager));
  g_assert_true (PL_TEST_WAIT (pl_park_pager_get_page_call (pager) != NULL, WAIT_MS));
  return pl_park_pager_get_page_call (pager);
}

/* The whole pattern: park on the first slot, page the team ("Call for
 * Caller One on 701"), end the page with one action, and bob picks the
 * caller up. */
static void
test_park_and_page (Fixture *fx, gconstpointer data)
{
  const Profile *profile = data;
  PlParkPager *pager = pager_of (fx->alice);
  g_autoptr (PlCall) parked
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlCall) page = NULL;
  g_autoptr (PlCall) retrieved = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("Call for Caller One on %d", profile->first_slot);
  g_autofree char *slot = g_strdup_printf ("%d", profile->first_slot);
  const PlHistoryParkEvent *paged;

  page = g_object_ref (park_and_page (fx, parked));
  /* Paged only once the caller is in the slot, as the PBX says. */
  g_assert_true (test_pbx_slot_busy (fx->pbx, slot));
  g_assert_cmpstr (pl_park_pager_get_text (pager), ==, text);
  g_assert_cmpint (pl_park_pager_get_speech (pager), ==, PL_PAGE_SPEECH_OFF);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (page) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (pbx_says (fx, "pages", "OK 1 Team:600:alice:"));
  g_assert_true (pbx_says (fx, "pages", ":live:"));
  /* The user's voice goes out: the page gets sound (silence here). */
  g_assert_true (PL_TEST_WAIT (!pbx_says (fx, "pages", ":live:0:"), WAIT_MS));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (parked), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (parked), ==, PL_CALL_END_PARKED);

  g_assert_true (pl_park_pager_end_page (pager, &error));
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (page), WAIT_MS));
  g_assert_true (PL_TEST_WAIT (pbx_says (fx, "pages", ":done:"), WAIT_MS));
  g_assert_null (pl_park_pager_get_page_call (pager));
  g_assert_false (pl_park_pager_get_busy (pager));
  g_assert_true (test_pbx_slot_busy (fx->pbx, slot));

  /* The park timeline shows the page, to whom. */
  events = park_events (fx->alice, parked);
  paged = find_event (events, PL_HISTORY_PARK_ACTION_PAGED);
  g_assert_nonnull (paged);
  g_assert_cmpstr (paged->party, ==, "600");
  g_assert_cmpstr (paged->slot, ==, slot);
  g_assert_cmpstr (paged->caller_name, ==, "Caller One");
  g_assert_nonnull (find_event (events, PL_HISTORY_PARK_ACTION_PARKED));

  /* Sam (bob here) heard it and takes the call. */
  retrieved
      = pl_park_service_retrieve (pl_test_desk_park (fx->bob), NULL, profile->first_slot, &error);
  g_assert_no_error (error);
  g_object_ref (retrieved);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (retrieved) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (pbx_says (fx, "bridges", "OK 1 101<->201")
                                   || pbx_says (fx, "bridges", "OK 1 201<->101"),
                               WAIT_MS));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->bob), retrieved, NULL));
}

/* page-spoken: Parkline speaks the announcement itself (espeak-ng, played
 * into the page call); the page ends when it has been said. */
static void
test_spoken_page (Fixture *fx, gconstpointer data)
{
  PlParkPager *pager = pager_of (fx->alice);
  g_autoptr (PlCall) parked
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlCall) page = g_object_ref (park_and_page (fx, parked));
  g_autofree char *report = NULL;
  g_auto (GStrv) fields = NULL;

  g_assert_cmpint (pl_park_pager_get_speech (pager), ==, PL_PAGE_SPEECH_WAITING);
  /* It waits for the park call to end: baresip would speak into it too. */
  g_assert_true (PL_TEST_WAIT (pl_park_pager_get_speech (pager) == PL_PAGE_SPEECH_PLAYING
                                   || pl_park_pager_get_speech (pager) == PL_PAGE_SPEECH_FAILED,
                               WAIT_MS));
  g_assert_cmpstr (pl_park_pager_get_speech_note (pager), ==,
                   "Parkline is speaking the announcement");
  g_assert_false (pl_call_is_live (parked));
  /* Said twice, ~6 s, then the page call ends by itself. */
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (page), 3 * WAIT_MS));
  g_assert_cmpstr (pl_call_get_end_reason (page), ==, "end of file");
  g_assert_true (PL_TEST_WAIT (pbx_says (fx, "pages", ":done:"), WAIT_MS));
  /* The PBX heard speech: many packets, a loud peak, for seconds. */
  report = test_pbx_cmd (fx->pbx, "pages");
  fields = g_strsplit (strchr (report, ' ') + 3, ":", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 8);
  g_test_message ("page: %s ms, %s packets, peak %s", fields[3], fields[5], fields[6]);
  g_assert_cmpint (atoi (fields[3]), >, 3000);
  g_assert_cmpint (atoi (fields[5]), >, 150);
  g_assert_cmpint (atoi (fields[6]), >, 3000);
  g_assert_false (pl_test_desk_told (fx->alice, "audio device"));
  g_assert_true (test_pbx_slot_busy (fx->pbx, "701"));
  g_assert_true (has_event (fx->alice, parked, PL_HISTORY_PARK_ACTION_PAGED));
  g_assert_false (pl_park_pager_get_busy (pager));
}

/* The page target is busy (an overhead-paging adapter in another call) or
 * unknown: the caller stays parked and the user is told. */
static void
test_page_fails_call_stays_parked (Fixture *fx, gconstpointer data)
{
  const Profile *profile = data;
  PlParkPager *pager = pager_of (fx->alice);
  g_autoptr (PlCall) parked
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlCall) page = NULL;
  g_autofree char *ok = NULL;
  const char *expected;

  if (profile == &asterisk)
    {
      ok = test_pbx_cmd (fx->pbx, "faults page-busy on");
      g_assert_cmpstr (ok, ==, "OK");
      expected = "Caller One stays parked on 701, but the page to 600 failed: 486 Busy Here";
    }
  else
    expected = "Caller One stays parked on 701, but the page to 611 failed: 404 Not Found";
  page = g_object_ref (park_and_page (fx, parked));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (page), WAIT_MS));
  g_assert_true (PL_TEST_WAIT (pl_test_desk_told (fx->alice, expected), WAIT_MS));
  g_assert_true (test_pbx_slot_busy (fx->pbx, "701"));
  g_assert_true (
      PL_TEST_WAIT (pl_test_desk_slot_state (fx->bob, 701) == PL_PARK_SLOT_OCCUPIED, WAIT_MS));
  g_assert_true (pbx_says (fx, "pages", "OK 0"));
  g_assert_false (has_event (fx->alice, parked, PL_HISTORY_PARK_ACTION_PAGED));
  g_assert_false (pl_park_pager_get_busy (pager));
}

/* The park fails (no such park extension): no page goes out, the caller
 * stays with alice. */
static void
test_park_fails_no_page (Fixture *fx, gconstpointer data)
{
  PlParkPager *pager = pager_of (fx->alice);
  g_autoptr (PlCall) call
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_park_pager_park_and_page (pager, call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_true (PL_TEST_WAIT (pl_test_desk_told (fx->alice, "No page was sent"), WAIT_MS));
  g_assert_true (pl_test_desk_told (fx->alice, "does not know 799"));
  g_assert_false (pl_park_pager_get_busy (pager));
  g_assert_null (pl_park_pager_get_page_call (pager));
  g_assert_true (pbx_says (fx, "pages", "OK 0"));
  g_assert_true (pl_call_is_live (call));
  g_assert_cmpuint (
      g_list_model_get_n_items (pl_call_manager_get_calls (pl_test_desk_calls (fx->alice))), ==, 1);
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->alice), call, NULL));
}

/* Without a page target there is nothing to do: refused before parking. */
static void
test_no_page_target_refused (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) call
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (g_key_file_load_from_data (
      keyfile, "[lot Main]\nprofile=asterisk\nfirst-slot=701\nlast-slot=710\n", -1, 0, NULL));
  lots = pl_park_lot_configs_load (keyfile, NULL);
  pl_park_service_configure (pl_test_desk_park (fx->alice), fx->alice->account, lots, "127.0.0.1");
  g_assert_false (
      pl_park_pager_park_and_page (pager_of (fx->alice), call, NULL, PL_PARK_ANY_SLOT, &error));
  g_assert_error (error, PL_PARK_PROFILE_ERROR, PL_PARK_PROFILE_ERROR_NO_PAGE_TARGET);
  g_assert_null (pl_call_get_note (call));
  g_assert_false (pl_park_service_is_parking (pl_test_desk_park (fx->alice), call));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->alice), call, NULL));
}

/* --- consult transfer ----------------------------------------------------- */

/* alice holds the caller and calls bob (101); bob answers. */
static PlConsultTransfer *
consult_bob (Fixture *fx, PlCall *caller, gboolean answer)
{
  PlCallManager *bob_calls = pl_test_desk_calls (fx->bob);
  g_autoptr (GError) error = NULL;
  PlConsultTransfer *consult;
  PlCall *theirs;

  consult = pl_consult_transfer_start (pl_test_desk_calls (fx->alice), caller, "101", &error);
  g_assert_no_error (error);
  g_assert_nonnull (consult);
  g_assert_true (pl_consult_transfer_find (pl_test_desk_calls (fx->alice), caller) == consult);
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (caller) == PL_CALL_STATE_HELD, WAIT_MS));
  g_assert_cmpstr (pl_call_get_note (caller), ==, "On hold while you consult 101");
  g_assert_true (
      PL_TEST_WAIT (pl_call_manager_find_by_state (bob_calls, PL_CALL_STATE_INCOMING), WAIT_MS));
  if (answer)
    {
      theirs = pl_call_manager_find_by_state (bob_calls, PL_CALL_STATE_INCOMING);
      g_assert_true (pl_call_manager_answer (bob_calls, theirs, NULL));
      g_assert_true (PL_TEST_WAIT (pl_consult_transfer_get_attended (consult), WAIT_MS));
      g_assert_true (pbx_says (fx, "bridges", "100<->101"));
    }
  return consult;
}

/* bob's only call (owned by his call manager), or NULL. */
static PlCall *
bobs_call (Fixture *fx)
{
  GListModel *calls = pl_call_manager_get_calls (pl_test_desk_calls (fx->bob));
  g_autoptr (PlCall) call = NULL;

  if (g_list_model_get_n_items (calls) != 1)
    return NULL;
  call = g_list_model_get_item (calls, 0);
  return call;
}

/* Complete: one REFER with Replaces, the PBX joins caller and colleague
 * and drops alice from both calls. */
static void
test_consult_complete (Fixture *fx, gconstpointer data)
{
  PlCallManager *alice_calls = pl_test_desk_calls (fx->alice);
  g_autoptr (PlCall) caller
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlConsultTransfer) consult = g_object_ref (consult_bob (fx, caller, TRUE));
  g_autoptr (PlCall) consultation = g_object_ref (pl_consult_transfer_get_consultation (consult));
  PlCall *theirs;
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_consult_transfer_complete (consult, &error));
  g_assert_no_error (error);
  g_assert_true (
      PL_TEST_WAIT (pl_consult_transfer_get_state (consult) == PL_CONSULT_STATE_DONE, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (
      g_list_model_get_n_items (pl_call_manager_get_calls (alice_calls)) == 0, WAIT_MS));
  g_assert_cmpint (pl_call_get_end (caller), ==, PL_CALL_END_TRANSFERRED);
  g_assert_cmpint (pl_call_get_end (consultation), ==, PL_CALL_END_TRANSFERRED);
  g_assert_cmpint (pl_call_get_transfer (caller), ==, PL_CALL_TRANSFER_JOINED);
  g_assert_cmpstr (pl_call_get_transfer_party (caller), ==, "101");
  g_assert_cmpint (pl_call_get_transfer (consultation), ==, PL_CALL_TRANSFER_CONSULTATION);
  g_assert_cmpstr (pl_call_get_transfer_party (consultation), ==, "Caller One");
  g_assert_true (pl_test_desk_told (fx->alice, "Caller One is now talking to 101"));
  /* alice's history keeps both legs, each naming the other's party. */
  {
    PlHistory *history = pl_core_get_history (fx->alice->core);
    g_autoptr (GPtrArray) rows = NULL;
    guint legs = 0;

    g_assert_true (pl_history_flush_sync (history, NULL));
    rows = pl_history_query_sync (history, PL_HISTORY_FILTER_ALL, NULL, 0, 10, NULL);
    g_assert_cmpuint (rows->len, ==, 2);
    for (guint i = 0; i < rows->len; i++)
      {
        PlHistoryEntry *e = g_ptr_array_index (rows, i);

        g_assert_cmpint (pl_history_entry_get_end (e), ==, PL_CALL_END_TRANSFERRED);
        if (pl_history_entry_get_transfer (e) == PL_CALL_TRANSFER_JOINED)
          legs += g_strcmp0 (pl_history_entry_get_transfer_party (e), "101") == 0;
        else if (pl_history_entry_get_transfer (e) == PL_CALL_TRANSFER_CONSULTATION)
          legs += g_strcmp0 (pl_history_entry_get_transfer_party (e), "Caller One") == 0;
      }
    g_assert_cmpuint (legs, ==, 2);
  }
  /* Caller and colleague talk: the PBX bridges them, bob's call goes on. */
  g_assert_true (pbx_says (fx, "bridges", "OK 1 201<->101"));
  theirs = bobs_call (fx);
  g_assert_nonnull (theirs);
  g_assert_cmpint (pl_call_get_state (theirs), ==, PL_CALL_STATE_ACTIVE);
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->bob), theirs, NULL));
  g_assert_true (PL_TEST_WAIT (pbx_says (fx, "status", "calls=0"), WAIT_MS));
}

/* Cancel: the colleague is hung up, alice is back with the caller. */
static void
test_consult_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) caller
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlConsultTransfer) consult = g_object_ref (consult_bob (fx, caller, TRUE));
  g_autoptr (PlCall) consultation = g_object_ref (pl_consult_transfer_get_consultation (consult));
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_consult_transfer_cancel (consult, &error));
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (
      pl_consult_transfer_get_state (consult) == PL_CONSULT_STATE_CANCELLED, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (caller) == PL_CALL_STATE_ACTIVE, WAIT_MS));
  g_assert_false (pl_call_is_live (consultation));
  g_assert_cmpint (pl_call_get_end (consultation), ==, PL_CALL_END_HANGUP);
  g_assert_null (pl_call_get_note (caller));
  g_assert_null (pl_consult_transfer_find (pl_test_desk_calls (fx->alice), caller));
  g_assert_true (PL_TEST_WAIT (bobs_call (fx) == NULL, WAIT_MS));
  g_assert_true (pbx_says (fx, "bridges", "OK 1 201<->100"));
  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (fx->alice), caller, NULL));
}

/* Completing before the colleague answered: no dialog to replace, so the
 * honest fallback: hang up, transfer blind; bob's phone rings again. */
static void
test_consult_blind_fallback (Fixture *fx, gconstpointer data)
{
  PlCallManager *bob_calls = pl_test_desk_calls (fx->bob);
  g_autoptr (PlCall) caller
      = g_object_ref (pl_test_desk_answer_caller (fx->alice, fx->pbx, "201", "Caller One"));
  g_autoptr (PlConsultTransfer) consult = g_object_ref (consult_bob (fx, caller, FALSE));
  g_autoptr (GError) error = NULL;
  PlCall *theirs = NULL;

  g_assert_false (pl_consult_transfer_get_attended (consult));
  g_assert_true (pl_consult_transfer_complete (consult, &error));
  g_assert_no_error (error);
  g_assert_true (
      PL_TEST_WAIT (pl_consult_transfer_get_state (consult) == PL_CONSULT_STATE_DONE, WAIT_MS));
  g_assert_cmpint (pl_call_get_transfer (caller), ==, PL_CALL_TRANSFER_BLIND);
  g_assert_true (
      pl_test_desk_told (fx->alice, "Caller One was transferred to 101 without joining"));
  /* The transferred caller rings bob anew, as Caller One. */
  g_assert_true (PL_TEST_WAIT ((theirs = bobs_call (fx)) != NULL
                                   && pl_call_get_state (theirs) == PL_CALL_STATE_INCOMING
                                   && g_strcmp0 (pl_call_get_peer_name (theirs), "Caller One") == 0,
                               WAIT_MS));
  g_assert_true (pl_call_manager_answer (bob_calls, theirs, NULL));
  g_assert_true (PL_TEST_WAIT (pbx_says (fx, "bridges", "OK 1 201<->101"), WAIT_MS));
  g_assert_true (pl_call_manager_hangup (bob_calls, theirs, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, profile, func)                                                                   \
  g_test_add (path, Fixture, &profile, pl_test_team_setup, func, pl_test_team_teardown)
  ADD ("/park-page/asterisk/park-and-page", asterisk, test_park_and_page);
  ADD ("/park-page/freepbx/park-and-page", freepbx, test_park_and_page);
  ADD ("/park-page/freeswitch/park-and-page", freeswitch, test_park_and_page);
  ADD ("/park-page/asterisk/spoken", asterisk_spoken, test_spoken_page);
  ADD ("/park-page/asterisk/page-busy", asterisk, test_page_fails_call_stays_parked);
  ADD ("/park-page/asterisk/page-unknown", asterisk_unknown_target,
       test_page_fails_call_stays_parked);
  ADD ("/park-page/asterisk/park-fails-no-page", asterisk_bad_park, test_park_fails_no_page);
  ADD ("/park-page/asterisk/no-page-target", asterisk, test_no_page_target_refused);
  ADD ("/consult/asterisk/complete", asterisk, test_consult_complete);
  ADD ("/consult/asterisk/cancel", asterisk, test_consult_cancel);
  ADD ("/consult/asterisk/blind-fallback", asterisk, test_consult_blind_fallback);
  return g_test_run ();
}
