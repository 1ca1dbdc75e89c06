/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Server profiles, the resource list's partial NOTIFYs and the control
 * port's faults, with raw UAs: carol calls caller2 (auto-answer) and REFERs
 * the call; bob watches and retrieves. */
#define G_LOG_DOMAIN "test-pbx-profiles"

#include <string.h>

#include "pl-test-util.h"
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
fixture_setup(Fixture *f, gconstpointer data)
{
  g_autofree char *reg = NULL;
  const TestSipMsg *r;

  f->pbx = test_pbx_start(data);
  f->host = g_strdup_printf("127.0.0.1:%u", f->pbx->sip_port);
  f->bob = test_ua_new(f->pbx->sip_port, "bob", "bobpw");
  f->carol = test_ua_new(f->pbx->sip_port, "carol", "carolpw");
  f->caller2 = test_ua_new(f->pbx->sip_port, "caller2", "caller2pw");
  f->caller2->auto_answer = TRUE;
  reg = g_strdup_printf("sip:%s", f->host);
  r = test_ua_request(f->caller2, NULL, "REGISTER", reg, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint(r->status, ==, 200);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  test_ua_free(f->bob);
  test_ua_free(f->carol);
  test_ua_free(f->caller2);
  test_pbx_stop(f->pbx);
  g_free(f->host);
}

static TestDialog *
subscribe(Fixture *f, const char *res, const char *extra)
{
  g_autofree char *uri = g_strdup_printf("sip:%s@%s", res, f->host);
  g_autofree char *hdrs = g_strdup_printf("Event: dialog\r\nExpires: 600\r\n%s", extra);
  TestDialog *d = test_dialog_new(uri);
  const TestSipMsg *r = test_ua_request(f->bob, d, "SUBSCRIBE", uri, hdrs, NULL, NULL);
  g_assert_nonnull(r);
  g_assert_cmpint(r->status, ==, 200);
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, d) >= 1, 5000));
  return d;
}

/* carol calls caller2 and REFERs the call to target; returns the dialog */
static TestDialog *
refer_call(Fixture *f, const char *target)
{
  g_autofree char *uri = g_strdup_printf("sip:202@%s", f->host);
  g_autofree char *rt = g_strdup_printf("Refer-To: <sip:%s@%s>\r\n", target, f->host);
  TestDialog *d = test_dialog_new(uri);
  const TestSipMsg *r = test_ua_request(f->carol, d, "INVITE", uri, NULL, "application/sdp", sdp);
  g_assert_cmpint(r->status, ==, 200);
  r = test_ua_request(f->carol, d, "REFER", NULL, rt, NULL, NULL);
  g_assert_cmpint(r->status, ==, 202);
  return d;
}

static int
retrieve(Fixture *f, const char *slot)
{
  g_autofree char *uri = g_strdup_printf("sip:%s@%s", slot, f->host);
  TestDialog *d = test_dialog_new(uri);
  const TestSipMsg *r = test_ua_request(f->bob, d, "INVITE", uri, NULL, "application/sdp", sdp);
  int st = r ? r->status : 0;
  test_dialog_free(d);
  return st;
}

static void
test_freeswitch(Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe(f, "park+6001", "");
  TestDialog *plain = subscribe(f, "6001", "");
  TestDialog *call;

  g_assert_true(test_ua_last_notify_has(f->bob, watch, "<state>terminated</state>"));
  /* valet_park: REFER to an empty slot parks there */
  call = refer_call(f, "6001");
  g_assert_true(test_pbx_wait_slot(f->pbx, "6001", TRUE, 3000));
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, watch) >= 2, 5000));
  g_assert_true(test_ua_last_notify_has(f->bob, watch, "<state>confirmed</state>"));
  g_assert_true(
      test_ua_last_notify_has(f->bob, watch, "<identity display=\"park\">sip:6001</identity>"));
  /* the plain slot URI got one empty body and nothing since */
  g_assert_cmpuint(test_ua_count_notifies(f->bob, plain), ==, 1);
  g_assert_false(test_ua_last_notify_has(f->bob, plain, "<dialog "));
  /* retrieving = calling the same slot */
  g_assert_cmpint(retrieve(f, "6001"), ==, 200);
  g_assert_true(test_pbx_wait_slot(f->pbx, "6001", FALSE, 3000));
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, watch) >= 3, 5000));
  g_assert_true(test_ua_last_notify_has(f->bob, watch, "<state>terminated</state>"));
  test_dialog_free(watch);
  test_dialog_free(plain);
  test_dialog_free(call);
}

static void
test_identity(Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe(f, "701", "Accept: application/dialog-info+xml\r\n");
  TestDialog *call = refer_call(f, "700");

  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, watch) >= 2, 5000));
  g_assert_true(test_ua_last_notify_has(
      f->bob, watch, "<identity display=\"Caller Two\">sip:202@127.0.0.1</identity>"));
  test_dialog_free(watch);
  test_dialog_free(call);
}

static void
test_freepbx_refer_to_slot_parks(Fixture *f, gconstpointer data)
{
  TestDialog *call = refer_call(f, "705");
  g_assert_true(test_pbx_wait_slot(f->pbx, "705", TRUE, 3000));
  test_dialog_free(call);
}

static const char *
reinvite_pai(TestUa *ua)
{
  for (guint i = 0; i < ua->requests->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index(ua->requests, i);
      if (g_str_equal(m->method, "INVITE"))
        return test_sip_hdr(m, "P-Asserted-Identity");
    }
  return NULL;
}

static void
test_list_partial(Fixture *f, gconstpointer data)
{
  TestDialog *list = subscribe(f, "parkslots", "Supported: eventlist\r\n");
  TestDialog *call;
  const TestSipMsg *n;

  call = refer_call(f, "700");
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, list) >= 2, 5000));
  n = test_ua_notify(f->bob, list, 1);
  g_assert_nonnull(strstr(n->body, "fullState=\"false\""));
  g_assert_nonnull(strstr(n->body, "<name>701</name>"));
  g_assert_null(strstr(n->body, "<name>702</name>"));
  g_assert_nonnull(strstr(n->body, "<state>confirmed</state>"));
  g_assert_cmpint(retrieve(f, "701"), ==, 200);
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, list) >= 3, 5000));
  n = test_ua_notify(f->bob, list, 2);
  g_assert_nonnull(strstr(n->body, "<state>terminated</state>"));
  /* as in s1-3: a re-INVITE tells the retriever who the caller is */
  g_assert_true(PL_TEST_WAIT(reinvite_pai(f->bob) != NULL, 5000));
  g_assert_cmpstr(reinvite_pai(f->bob), ==, "\"Caller Two\" <sip:202@127.0.0.1>");
  test_dialog_free(list);
  test_dialog_free(call);
}

static void
test_faults(Fixture *f, gconstpointer data)
{
  TestDialog *watch = subscribe(f, "701", "");
  TestDialog *call;
  g_autofree char *reply = NULL;
  gint64 t0;

  /* drop: the busy NOTIFY never comes, the next one shows the version gap */
  reply = test_pbx_cmd(f->pbx, "faults drop-notify 1");
  g_assert_cmpstr(reply, ==, "OK");
  call = refer_call(f, "700");
  g_assert_true(test_pbx_wait_slot(f->pbx, "701", TRUE, 3000));
  g_assert_cmpuint(test_ua_count_notifies(f->bob, watch), ==, 1);
  /* delay: the free NOTIFY comes 400 ms late */
  g_clear_pointer(&reply, g_free);
  reply = test_pbx_cmd(f->pbx, "faults delay-notify 400");
  t0 = g_get_monotonic_time();
  g_assert_cmpint(retrieve(f, "701"), ==, 200);
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, watch) >= 2, 5000));
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 380 * 1000);
  g_assert_true(test_ua_last_notify_has(f->bob, watch, "version=\"2\""));
  /* malformed: the next body is cut in the middle */
  g_clear_pointer(&reply, g_free);
  reply = test_pbx_cmd(f->pbx, "faults clear");
  g_clear_pointer(&reply, g_free);
  test_dialog_free(watch);
  /* findslot=next: the next park lands in 702 */
  watch = subscribe(f, "702", "");
  reply = test_pbx_cmd(f->pbx, "faults malformed-next");
  test_dialog_free(call);
  call = refer_call(f, "700");
  g_assert_true(PL_TEST_WAIT(test_ua_count_notifies(f->bob, watch) >= 2, 5000));
  g_assert_false(test_ua_last_notify_has(f->bob, watch, "</dialog-info>"));
  test_dialog_free(watch);
  test_dialog_free(call);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/pbx/profiles/freeswitch", Fixture, "profile=freeswitch\nannounce_delay_ms=100\n",
             fixture_setup, test_freeswitch, fixture_teardown);
  g_test_add("/pbx/profiles/identity", Fixture, "profile=identity\nannounce_delay_ms=100\n",
             fixture_setup, test_identity, fixture_teardown);
  g_test_add("/pbx/profiles/freepbx-refer-to-slot-parks", Fixture,
             "profile=freepbx\nannounce_delay_ms=100\n", fixture_setup,
             test_freepbx_refer_to_slot_parks, fixture_teardown);
  g_test_add("/pbx/list/partial-notify", Fixture, "announce_delay_ms=100\n", fixture_setup,
             test_list_partial, fixture_teardown);
  g_test_add("/pbx/faults/drop-delay-malformed", Fixture, "announce_delay_ms=100\n", fixture_setup,
             test_faults, fixture_teardown);
  return g_test_run();
}
