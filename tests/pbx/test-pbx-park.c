/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End-to-end park scenarios against parkline-test-pbx with real baresip
 * phones (driven over ctrl_tcp) and a raw BLF watcher, as in the Asterisk 22
 * traces s1-3, s1x, s4a/s4b and s5. */
#define G_LOG_DOMAIN "test-pbx-park"

#include <string.h>

#include "pl-test-util.h"
#include "pbx-test-lib.h"

#define CALL_MS 10000

typedef struct
{
  TestPbx *pbx;
  TestPhone *alice, *bob, *caller1;
  TestUa *watcher;
  TestDialog *blf;
  char *host;
} Fixture;

static char *
uri (Fixture *f, const char *user)
{
  return g_strdup_printf ("sip:%s@%s", user, f->host);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *slot = NULL;
  const TestSipMsg *r;

  f->pbx = test_pbx_start (data);
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
  f->alice = test_phone_start (f->pbx, "alice", NULL);
  f->bob = test_phone_start (f->pbx, "bob", NULL);
  f->caller1 = test_phone_start (f->pbx, "caller1", NULL);
  g_assert_true (test_pbx_wait_registered (f->pbx, "alice", CALL_MS));
  g_assert_true (test_pbx_wait_registered (f->pbx, "bob", CALL_MS));
  g_assert_true (test_pbx_wait_registered (f->pbx, "caller1", CALL_MS));

  /* a BLF watcher on 701, like Parkline's subscriber */
  f->watcher = test_ua_new (f->pbx->sip_port, "carol", "carolpw");
  slot = uri (f, "701");
  f->blf = test_dialog_new (slot);
  r = test_ua_request (f->watcher, f->blf, "SUBSCRIBE", slot,
                       "Event: dialog\r\nAccept: application/dialog-info+xml\r\nExpires: 600\r\n",
                       NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->watcher, f->blf) >= 1, 5000));
  g_assert_true (test_ua_last_notify_has (f->watcher, f->blf, "<state>terminated</state>"));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_dialog_free (f->blf);
  test_ua_free (f->watcher);
  test_phone_stop (f->alice);
  test_phone_stop (f->bob);
  test_phone_stop (f->caller1);
  test_pbx_stop (f->pbx);
  g_free (f->host);
}

/* caller1 calls alice (100) through the PBX; alice answers. */
static void
connect_caller_to_alice (Fixture *f)
{
  int idx = test_phone_connect (f->pbx, f->caller1, "100", f->alice);

  /* the callee sees the caller's identity, as Asterisk presents it */
  g_assert_cmpstr (test_phone_event_str (f->alice, idx, "peeruri"), ==, "sip:201@127.0.0.1");
  g_assert_cmpstr (test_phone_event_str (f->alice, idx, "peerdisplayname"), ==, "Caller One");
}

static void
park_via_700 (Fixture *f)
{
  g_autofree char *park = uri (f, "700");
  guint n = test_ua_count_notifies (f->watcher, f->blf);

  test_phone_cmd (f->alice, "transfer", park);
  /* the slot turns busy at once, no identity in the body */
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->watcher, f->blf) > n, 5000));
  g_assert_true (test_ua_last_notify_has (f->watcher, f->blf, "<state>confirmed</state>"));
  g_assert_false (test_ua_last_notify_has (f->watcher, f->blf, "identity"));
  /* the parker's call ends after the announcement (NOTIFY sipfrag 200) */
  g_assert_true (test_phone_wait_event (f->alice, "CALL_CLOSED", 0, CALL_MS));
  g_assert_true (test_pbx_slot_busy (f->pbx, "701"));
  g_assert_cmpint (test_phone_find_event (f->caller1, "CALL_CLOSED", 0), <, 0);
}

static void
test_park_and_retrieve (Fixture *f, gconstpointer data)
{
  g_autofree char *slot = uri (f, "701");
  guint n;

  connect_caller_to_alice (f);
  park_via_700 (f);

  /* bob dials the slot and gets caller1, with caller1's audio relayed */
  n = test_ua_count_notifies (f->watcher, f->blf);
  test_phone_cmd (f->bob, "dial", slot);
  g_assert_true (test_phone_wait_event (f->bob, "CALL_ESTABLISHED", 0, CALL_MS));
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->watcher, f->blf) > n, 5000));
  g_assert_true (test_ua_last_notify_has (f->watcher, f->blf, "<state>terminated</state>"));
  g_assert_false (test_pbx_slot_busy (f->pbx, "701"));
  g_assert_true (test_phone_wait_event (f->bob, "CALL_RTPESTAB", 0, CALL_MS));

  /* bob hangs up: the PBX hangs up caller1 */
  test_phone_cmd (f->bob, "hangup", NULL);
  g_assert_true (test_phone_wait_event (f->caller1, "CALL_CLOSED", 0, CALL_MS));
}

static void
test_timeout_ringback (Fixture *f, gconstpointer data)
{
  int idx, first;

  connect_caller_to_alice (f);
  park_via_700 (f);
  first = test_phone_find_event (f->alice, "CALL_CLOSED", 0);

  /* parkingtime=2: the slot frees and alice rings with the caller's identity */
  g_assert_true (test_phone_wait_event (f->alice, "CALL_INCOMING", (guint)first, CALL_MS));
  idx = test_phone_find_event (f->alice, "CALL_INCOMING", (guint)first);
  g_assert_cmpstr (test_phone_event_str (f->alice, idx, "peeruri"), ==, "sip:201@127.0.0.1");
  g_assert_false (test_pbx_slot_busy (f->pbx, "701"));
  g_assert_true (test_ua_last_notify_has (f->watcher, f->blf, "<state>terminated</state>"));
  test_phone_cmd (f->alice, "accept", NULL);
  g_assert_true (test_phone_wait_event (f->alice, "CALL_ESTABLISHED", (guint)first, CALL_MS));
  g_assert_cmpint (test_phone_find_event (f->caller1, "CALL_CLOSED", 0), <, 0);
  test_phone_cmd (f->alice, "hangup", NULL);
  g_assert_true (test_phone_wait_event (f->caller1, "CALL_CLOSED", 0, CALL_MS));
}

static void
test_timeout_nobody_answers (Fixture *f, gconstpointer data)
{
  int first;

  connect_caller_to_alice (f);
  park_via_700 (f);
  first = test_phone_find_event (f->alice, "CALL_CLOSED", 0);
  g_assert_true (test_phone_wait_event (f->alice, "CALL_INCOMING", (guint)first, CALL_MS));
  /* comebackdialtime=2: CANCEL to alice, caller hung up */
  g_assert_true (test_phone_wait_event (f->alice, "CALL_CLOSED", (guint)first + 1, CALL_MS));
  g_assert_true (test_phone_wait_event (f->caller1, "CALL_CLOSED", 0, CALL_MS));
}

static void
test_refer_to_free_slot_drops_caller (Fixture *f, gconstpointer data)
{
  g_autofree char *slot = uri (f, "701");

  connect_caller_to_alice (f);
  test_phone_cmd (f->alice, "transfer", slot);
  /* stock Asterisk: "invalid parking space", then the caller is hung up */
  g_assert_true (test_phone_wait_event (f->alice, "CALL_CLOSED", 0, CALL_MS));
  g_assert_true (test_phone_wait_event (f->caller1, "CALL_CLOSED", 0, CALL_MS));
  g_assert_false (test_pbx_slot_busy (f->pbx, "701"));
}

static void
test_refer_unknown_ext_keeps_call (Fixture *f, gconstpointer data)
{
  g_autofree char *bad = uri (f, "799");

  connect_caller_to_alice (f);
  test_phone_cmd (f->alice, "transfer", bad);
  /* NOTIFY sipfrag 404: the transfer fails and the call stays up */
  g_assert_true (test_phone_wait_event (f->alice, "TRANSFER_FAILED", 0, CALL_MS));
  g_assert_nonnull (
      strstr (test_phone_event_str (
                  f->alice, test_phone_find_event (f->alice, "TRANSFER_FAILED", 0), "param"),
              "404"));
  /* The PBX keeps the call (the raw-UA REFER matrix test checks that), but
   * baresip 1.0.0 sends BYE right after the failed transfer, without a
   * CALL_CLOSED event, as carol does in the s5 trace (D); the caller then
   * goes too. */
  g_assert_true (test_phone_wait_event (f->caller1, "CALL_CLOSED", 0, CALL_MS));
  g_assert_false (test_pbx_slot_busy (f->pbx, "701"));
}

int
main (int argc, char **argv)
{
  const char *cfg = "announce_delay_ms=600\ninvalid_delay_ms=500\nparkingtime=30\n";
  const char *short_cfg = "announce_delay_ms=600\nparkingtime=2\ncomebackdialtime=2\n";

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pbx/park/park-and-retrieve", Fixture, cfg, fixture_setup, test_park_and_retrieve,
              fixture_teardown);
  g_test_add ("/pbx/park/timeout-ringback", Fixture, short_cfg, fixture_setup,
              test_timeout_ringback, fixture_teardown);
  g_test_add ("/pbx/park/timeout-nobody-answers", Fixture, short_cfg, fixture_setup,
              test_timeout_nobody_answers, fixture_teardown);
  g_test_add ("/pbx/park/refer-to-free-slot-drops-caller", Fixture, cfg, fixture_setup,
              test_refer_to_free_slot_drops_caller, fixture_teardown);
  g_test_add ("/pbx/park/refer-unknown-ext-keeps-call", Fixture, cfg, fixture_setup,
              test_refer_unknown_ext_keeps_call, fixture_teardown);
  return g_test_run ();
}
