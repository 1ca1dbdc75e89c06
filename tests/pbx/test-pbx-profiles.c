/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server profiles, the resource list's partial NOTIFYs and the control
 * port's faults, with raw UAs: carol calls caller2 (auto-answer) and REFERs
 * the call; bob watches and retrieves. */
#define G_LOG_DOMAIN "test-pbx-profiles"

#include <string.h>

#include "pl-test-util.h"
#include "pbx-test-ami.h"
#include "pbx-test-lib.h"

typedef struct
{
  TestPbx *pbx;
  TestUa *bob, *carol, *caller2;
  char *host;
} Fixture;

static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                          "t=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *reg = NULL;
  const TestSipMsg *r;

  f->pbx = test_pbx_start (data);
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
  f->bob = test_ua_new (f->pbx->sip_port, "bob", "bobpw");
  f->carol = test_ua_new (f->pbx->sip_port, "carol", "carolpw");
  f->caller2 = test_ua_new (f->pbx->sip_port, "caller2", "caller2pw");
  f->caller2->auto_answer = TRUE;
  reg = g_strdup_printf ("sip:%s", f->host);
  r = test_ua_request (f->caller2, NULL, "REGISTER", reg, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_ua_free (f->bob);
  test_ua_free (f->carol);
  test_ua_free (f->caller2);
  test_pbx_stop (f->pbx);
  g_free (f->host);
}

static TestDialog *
subscribe (Fixture *f, const char *res, const char *extra)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", res, f->host);
  g_autofree char *hdrs = g_strdup_printf ("Event: dialog\r\nExpires: 600\r\n%s", extra);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (f->bob, d, "SUBSCRIBE", uri, hdrs, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
  return d;
}

/* carol calls caller2 and REFERs the call to target; returns the dialog */
static TestDialog *
refer_call (Fixture *f, const char *target)
{
  g_autofree char *uri = g_strdup_printf ("sip:202@%s", f->host);
  g_autofree char *rt = g_strdup_printf ("Refer-To: <sip:%s@%s>\r\n", target, f->host);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (f->carol, d, "INVITE", uri, NULL, "application/sdp", sdp);
  g_assert_cmpint (r->status, ==, 200);
  r = test_ua_request (f->carol, d, "REFER", NULL, rt, NULL, NULL);
  g_assert_cmpint (r->status, ==, 202);
  return d;
}

static int
retrieve (Fixture *f, const char *slot)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", slot, f->host);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (f->bob, d, "INVITE", uri, NULL, "application/sdp", sdp);
  int st = r ? r->status : 0;
  test_dialog_free (d);
  return st;
}

static void
test_freeswitch (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "park+6001", "");
  TestDialog *plain = subscribe (f, "6001", "");
  TestDialog *call;

  g_assert_true (test_ua_last_notify_has (f->bob, watch, "<state>terminated</state>"));
  /* valet_park: REFER to an empty slot parks there */
  call = refer_call (f, "6001");
  g_assert_true (test_pbx_wait_slot (f->pbx, "6001", TRUE, 3000));
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  g_assert_true (test_ua_last_notify_has (f->bob, watch, "<state>confirmed</state>"));
  g_assert_true (
      test_ua_last_notify_has (f->bob, watch, "<identity display=\"park\">sip:6001</identity>"));
  /* the plain slot URI got one empty body and nothing since */
  g_assert_cmpuint (test_ua_count_notifies (f->bob, plain), ==, 1);
  g_assert_false (test_ua_last_notify_has (f->bob, plain, "<dialog "));
  /* retrieving = calling the same slot */
  g_assert_cmpint (retrieve (f, "6001"), ==, 200);
  g_assert_true (test_pbx_wait_slot (f->pbx, "6001", FALSE, 3000));
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 3, 5000));
  g_assert_true (test_ua_last_notify_has (f->bob, watch, "<state>terminated</state>"));
  test_dialog_free (watch);
  test_dialog_free (plain);
  test_dialog_free (call);
}

static void
test_identity (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "701", "Accept: application/dialog-info+xml\r\n");
  TestDialog *call = refer_call (f, "700");

  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  g_assert_true (test_ua_last_notify_has (
      f->bob, watch, "<identity display=\"Caller Two\">sip:202@127.0.0.1</identity>"));
  test_dialog_free (watch);
  test_dialog_free (call);
}

static void
test_freepbx_refer_to_slot_parks (Fixture *f, gconstpointer data)
{
  TestDialog *call = refer_call (f, "705");
  g_assert_true (test_pbx_wait_slot (f->pbx, "705", TRUE, 3000));
  test_dialog_free (call);
}

static const char *
reinvite_pai (TestUa *ua)
{
  for (guint i = 0; i < ua->requests->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (ua->requests, i);
      if (g_str_equal (m->method, "INVITE"))
        return test_sip_hdr (m, "P-Asserted-Identity");
    }
  return NULL;
}

static void
test_list_partial (Fixture *f, gconstpointer data)
{
  TestDialog *list = subscribe (f, "parkslots", "Supported: eventlist\r\n");
  TestDialog *call;
  const TestSipMsg *n;

  call = refer_call (f, "700");
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, list) >= 2, 5000));
  n = test_ua_notify (f->bob, list, 1);
  g_assert_nonnull (strstr (n->body, "fullState=\"false\""));
  g_assert_nonnull (strstr (n->body, "<name>701</name>"));
  g_assert_null (strstr (n->body, "<name>702</name>"));
  g_assert_nonnull (strstr (n->body, "<state>confirmed</state>"));
  g_assert_cmpint (retrieve (f, "701"), ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, list) >= 3, 5000));
  n = test_ua_notify (f->bob, list, 2);
  g_assert_nonnull (strstr (n->body, "<state>terminated</state>"));
  /* as in s1-3: a re-INVITE tells the retriever who the caller is */
  g_assert_true (PL_TEST_WAIT (reinvite_pai (f->bob) != NULL, 5000));
  g_assert_cmpstr (reinvite_pai (f->bob), ==, "\"Caller Two\" <sip:202@127.0.0.1>");
  test_dialog_free (list);
  test_dialog_free (call);
}

static void
test_faults (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "701", "");
  TestDialog *call;
  g_autofree char *reply = NULL;
  gint64 t0;

  /* drop: the busy NOTIFY never comes, the next one shows the version gap */
  reply = test_pbx_cmd (f->pbx, "faults drop-notify 1");
  g_assert_cmpstr (reply, ==, "OK");
  call = refer_call (f, "700");
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, 3000));
  g_assert_cmpuint (test_ua_count_notifies (f->bob, watch), ==, 1);
  /* delay: the free NOTIFY comes 400 ms late */
  g_clear_pointer (&reply, g_free);
  reply = test_pbx_cmd (f->pbx, "faults delay-notify 400");
  t0 = g_get_monotonic_time ();
  g_assert_cmpint (retrieve (f, "701"), ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 380 * 1000);
  g_assert_true (test_ua_last_notify_has (f->bob, watch, "version=\"2\""));
  /* malformed: the next body is cut in the middle */
  g_clear_pointer (&reply, g_free);
  reply = test_pbx_cmd (f->pbx, "faults clear");
  g_clear_pointer (&reply, g_free);
  test_dialog_free (watch);
  /* findslot=next: the next park lands in 702 */
  watch = subscribe (f, "702", "");
  reply = test_pbx_cmd (f->pbx, "faults malformed-next");
  test_dialog_free (call);
  call = refer_call (f, "700");
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  g_assert_false (test_ua_last_notify_has (f->bob, watch, "</dialog-info>"));
  test_dialog_free (watch);
  test_dialog_free (call);
}

static gboolean
got_request (TestUa *ua, const char *method)
{
  for (guint i = 0; i < ua->requests->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (ua->requests, i);
      if (g_str_equal (m->method, method))
        return TRUE;
    }
  return FALSE;
}

/* s5c: a parker that never hangs up gets a BYE (60 s on Asterisk, 1 s here) */
static void
test_parker_gets_bye (Fixture *f, gconstpointer data)
{
  TestDialog *call = refer_call (f, "700");
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, 3000));
  g_assert_false (got_request (f->carol, "BYE"));
  g_assert_true (PL_TEST_WAIT (got_request (f->carol, "BYE"), 5000));
  /* the parked call stays */
  g_assert_true (test_pbx_slot_busy (f->pbx, "701"));
  test_dialog_free (call);
}

/* s5 (B): REFER to an occupied slot connects the two callers */
static void
test_refer_to_occupied_slot (Fixture *f, gconstpointer data)
{
  TestDialog *first = refer_call (f, "700");
  TestDialog *second;
  const TestSipMsg *r;
  g_autofree char *bye = NULL;

  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, 3000));
  test_ua_request (f->carol, first, "BYE", NULL, NULL, NULL, NULL);
  second = refer_call (f, "701");
  /* sipfrag 200 at once, slot free, both caller2 legs bridged: when the
   * second one hangs up, the PBX hangs up the first */
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->carol, second) >= 2, 3000));
  g_assert_true (g_str_has_prefix (test_ua_notify (f->carol, second, 1)->body, "SIP/2.0 200 OK"));
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", FALSE, 3000));
  bye = test_pbx_cmd (f->pbx, "status");
  g_assert_nonnull (strstr (bye, "parked=0"));
  (void)r;
  test_dialog_free (first);
  test_dialog_free (second);
}

static gboolean
dialog_got_request (TestUa *ua, const TestDialog *dlg, const char *method)
{
  for (guint i = 0; i < ua->requests->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (ua->requests, i);
      if (g_str_equal (m->method, method)
          && g_strcmp0 (test_sip_hdr (m, "Call-ID"), dlg->call_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static TestDialog *
call_slot (Fixture *f, TestUa *ua, const char *slot)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", slot, f->host);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (ua, d, "INVITE", uri, NULL, "application/sdp", sdp);

  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  return d;
}

/* FreeSWITCH 1.10, measured: two retrieves of one valet slot at once are
 * both answered and both stay up; the one without the caller gets no
 * re-INVITE, no BYE and no RTP, and the slot reads free. Later, an empty
 * slot parks whoever calls it, as valet_park does. */
static void
test_freeswitch_retrieve_race (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "park+6001", "");
  TestDialog *call = refer_call (f, "6001");
  TestDialog *winner, *loser, *late;
  g_autofree char *status = NULL;

  g_assert_true (test_pbx_wait_slot (f->pbx, "6001", TRUE, 3000));
  winner = call_slot (f, f->bob, "6001");
  loser = call_slot (f, f->carol, "6001");
  g_assert_true (test_pbx_wait_slot (f->pbx, "6001", FALSE, 3000));
  g_assert_true (
      PL_TEST_WAIT (test_ua_last_notify_has (f->bob, watch, "<state>terminated</state>"), 5000));
  status = test_pbx_cmd (f->pbx, "status");
  g_assert_nonnull (strstr (status, "parked=0"));

  /* Well past the race window and the "invalid slot" delay: still up. */
  g_assert_false (PL_TEST_WAIT (dialog_got_request (f->carol, loser, "BYE")
                                    || dialog_got_request (f->carol, loser, "INVITE")
                                    || dialog_got_request (f->bob, winner, "INVITE"),
                                1500));
  g_assert_false (test_pbx_slot_busy (f->pbx, "6001"));

  late = call_slot (f, f->bob, "6001");
  g_assert_true (test_pbx_wait_slot (f->pbx, "6001", TRUE, 3000));
  test_dialog_free (late);
  test_dialog_free (loser);
  test_dialog_free (winner);
  test_dialog_free (call);
  test_dialog_free (watch);
}

/* BLF on a user: early with the caller's identity while ringing */
static void
test_user_blf (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "202", "");
  TestDialog *call;

  g_assert_true (test_ua_last_notify_has (f->bob, watch, "<state>terminated</state>"));
  call = refer_call (f, "700"); /* carol called caller2: 202 was confirmed */
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  test_dialog_free (call);
  test_dialog_free (watch);
}

/* originate: the PBX rings a user as an outside caller */
static void
test_originate (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (f->pbx, "originate 299 \"Demo Caller\" caller2");
  const char *from = NULL;

  g_assert_true (g_str_has_prefix (reply, "OK call="));
  g_assert_true (PL_TEST_WAIT (got_request (f->caller2, "INVITE"), 5000));
  for (guint i = 0; i < f->caller2->requests->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (f->caller2->requests, i);
      if (g_str_equal (m->method, "INVITE"))
        from = test_sip_hdr (m, "From");
    }
  g_assert_nonnull (strstr (from, "\"Demo Caller\" <sip:299@127.0.0.1>"));
}

/* park-as: a teammate without a phone parks an outside caller, through
 * the same park path as a REFER (the demo's simulated bob) */
static void
test_park_as (Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe (f, "701", "");
  g_autoptr (TestAmi) ami = test_ami_connect (f->pbx->ami_port);
  g_autofree char *reply = NULL;
  g_autofree char *unknown = NULL;
  TestDialog *taken;
  int parked;

  /* The manager reports it like a park after a real answer: the caller,
   * the parker's dial string and, as connected line, the parker. */
  g_assert_true (test_ami_login (ami, "desk", "deskpw"));
  reply = test_pbx_cmd (f->pbx, "park-as 203 \"Caller Three\" bob");
  unknown = test_pbx_cmd (f->pbx, "park-as 203 \"Caller Three\" nobody");

  g_assert_cmpstr (reply, ==, "OK slot=701");
  g_assert_true (g_str_has_prefix (unknown, "ERR"));
  parked = test_ami_wait (ami, "Event: ParkedCall\r\n", 0, 5000);
  g_assert_cmpint (parked, >=, 0);
  {
    const char *block = g_ptr_array_index (ami->blocks, parked);

    g_assert_nonnull (strstr (block, "ParkeeCallerIDNum: 203\r\n"));
    g_assert_nonnull (strstr (block, "ParkeeCallerIDName: Caller Three\r\n"));
    g_assert_nonnull (strstr (block, "ParkeeConnectedLineName: Bob\r\n"));
    g_assert_nonnull (strstr (block, "ParkerDialString: PJSIP/bob\r\n"));
    g_assert_nonnull (strstr (block, "ParkingSpace: 701\r\n"));
  }
  g_assert_true (test_pbx_slot_busy (f->pbx, "701"));
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, watch) >= 2, 5000));
  g_assert_true (test_ua_last_notify_has (f->bob, watch, "<state>confirmed</state>"));
  /* whoever calls the slot gets the caller */
  taken = call_slot (f, f->carol, "701");
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", FALSE, 3000));
  test_dialog_free (taken);

  /* pickup-as: bob takes his next caller back, named as the taker; not a
   * caller with another number, and nobody from an empty slot */
  g_free (reply);
  reply = test_pbx_cmd (f->pbx, "park-as 204 \"Caller Four\" bob");
  g_assert_cmpstr (reply, ==, "OK slot=702");
  g_free (reply);
  reply = test_pbx_cmd (f->pbx, "pickup-as 702 bob 299");
  g_assert_true (g_str_has_prefix (reply, "ERR"));
  g_free (reply);
  reply = test_pbx_cmd (f->pbx, "pickup-as 703 bob");
  g_assert_true (g_str_has_prefix (reply, "ERR"));
  g_free (reply);
  reply = test_pbx_cmd (f->pbx, "pickup-as 702 bob 204");
  g_assert_cmpstr (reply, ==, "OK");
  g_assert_false (test_pbx_slot_busy (f->pbx, "702"));
  parked = test_ami_wait (ami, "Event: UnParkedCall\r\n", (guint)parked + 1, 5000);
  parked = test_ami_wait (ami, "Event: UnParkedCall\r\n", (guint)parked + 1, 5000);
  g_assert_cmpint (parked, >=, 0);
  {
    const char *block = g_ptr_array_index (ami->blocks, parked);

    g_assert_nonnull (strstr (block, "ParkeeCallerIDName: Caller Four\r\n"));
    g_assert_nonnull (strstr (block, "RetrieverCallerIDName: Bob\r\n"));
    g_assert_nonnull (strstr (block, "RetrieverChannel: PJSIP/bob-"));
  }
  test_dialog_free (watch);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pbx/profiles/freeswitch", Fixture, "profile=freeswitch\nannounce_delay_ms=100\n",
              fixture_setup, test_freeswitch, fixture_teardown);
  g_test_add ("/pbx/profiles/freeswitch-retrieve-race", Fixture,
              "profile=freeswitch\nannounce_delay_ms=100\nretrieve_race_ms=500\n"
              "invalid_delay_ms=200\n",
              fixture_setup, test_freeswitch_retrieve_race, fixture_teardown);
  g_test_add ("/pbx/profiles/identity", Fixture, "profile=identity\nannounce_delay_ms=100\n",
              fixture_setup, test_identity, fixture_teardown);
  g_test_add ("/pbx/profiles/freepbx-refer-to-slot-parks", Fixture,
              "profile=freepbx\nannounce_delay_ms=100\n", fixture_setup,
              test_freepbx_refer_to_slot_parks, fixture_teardown);
  g_test_add ("/pbx/list/partial-notify", Fixture, "announce_delay_ms=100\n", fixture_setup,
              test_list_partial, fixture_teardown);
  g_test_add ("/pbx/faults/drop-delay-malformed", Fixture, "announce_delay_ms=100\n", fixture_setup,
              test_faults, fixture_teardown);
  g_test_add ("/pbx/park/parker-gets-bye", Fixture,
              "announce_delay_ms=100\nparker_bye_after_ms=1000\n", fixture_setup,
              test_parker_gets_bye, fixture_teardown);
  g_test_add ("/pbx/park/refer-to-occupied-slot", Fixture, "announce_delay_ms=100\n", fixture_setup,
              test_refer_to_occupied_slot, fixture_teardown);
  g_test_add ("/pbx/blf/user", Fixture, "", fixture_setup, test_user_blf, fixture_teardown);
  g_test_add ("/pbx/control/park-as", Fixture, "\n[manager desk]\nsecret=deskpw\nread=call\n",
              fixture_setup, test_park_as, fixture_teardown);
  g_test_add ("/pbx/control/originate", Fixture, "", fixture_setup, test_originate,
              fixture_teardown);
  return g_test_run ();
}
