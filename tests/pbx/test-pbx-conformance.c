/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays the request sequences of the Asterisk 22 traces
 * (subscribe_edge_cases, subscribe_accept_variants, s5b REFER header matrix,
 * rls_eventlist) against parkline-test-pbx and compares status codes,
 * NOTIFY types and states with the recorded ones. */
#define G_LOG_DOMAIN "test-pbx-conformance"

#include <string.h>

#include "pl-test-util.h"
#include "pbx-test-lib.h"

typedef struct
{
  TestPbx *pbx;
  TestUa *bob;
  char *host;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->pbx = test_pbx_start (data);
  f->bob = test_ua_new (f->pbx->sip_port, "bob", "bobpw");
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_ua_free (f->bob);
  test_pbx_stop (f->pbx);
  g_free (f->host);
}

static int
subscribe_status (Fixture *f, const char *ext, const char *event, const char *accept, int expires,
                  TestDialog **out)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", ext, f->host);
  g_autofree char *hdrs
      = g_strdup_printf ("Event: %s\r\n%s%s%sExpires: %d\r\n", event, accept ? "Accept: " : "",
                         accept ? accept : "", accept ? "\r\n" : "", expires);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (f->bob, d, "SUBSCRIBE", uri, hdrs, NULL, NULL);
  int status = r ? r->status : 0;
  if (out)
    *out = d;
  else
    test_dialog_free (d);
  return status;
}

/* subscribe_edge_cases.summary.txt */
static void
test_subscribe_edge_cases (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *ext, *event, *accept;
    int expires, status;
  } rows[] = {
    { "701", "dialog", "application/dialog-info+xml", 30, 200 },
    { "701", "dialog", "application/dialog-info+xml", 0, 400 },
    { "701", "foo", "application/dialog-info+xml", 600, 489 },
    { "700", "dialog", "application/dialog-info+xml", 600, 404 },
    { "711", "dialog", "application/dialog-info+xml", 600, 404 },
    { "701", "dialog", "application/pidf+xml", 600, 200 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      int st
          = subscribe_status (f, rows[i].ext, rows[i].event, rows[i].accept, rows[i].expires, NULL);
      g_test_message ("SUBSCRIBE %s %s %s %d -> %d", rows[i].ext, rows[i].event, rows[i].accept,
                      rows[i].expires, st);
      g_assert_cmpint (st, ==, rows[i].status);
    }
}

/* subscribe_accept_variants: the body type follows Accept */
static void
test_subscribe_accept_variants (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *event, *accept, *ctype;
  } rows[] = {
    { "dialog", NULL, "application/dialog-info+xml" },
    { "presence", NULL, "application/pidf+xml" },
    { "dialog", "application/pidf+xml, application/dialog-info+xml", "application/pidf+xml" },
    { "presence", "application/dialog-info+xml", "application/dialog-info+xml" },
    { "dialog", "application/xpidf+xml", "application/xpidf+xml" },
    { "presence", "application/cpim-pidf+xml", "application/cpim-pidf+xml" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      TestDialog *d = NULL;
      const TestSipMsg *n;
      g_assert_cmpint (subscribe_status (f, "701", rows[i].event, rows[i].accept, 600, &d), ==,
                       200);
      g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
      n = test_ua_notify (f->bob, d, 0);
      g_assert_cmpstr (test_sip_hdr (n, "Content-Type"), ==, rows[i].ctype);
      g_assert_true (g_str_has_prefix (test_sip_hdr (n, "Subscription-State"), "active"));
      test_dialog_free (d);
    }
}

/* s1-3: free slot NOTIFY body, version 0, no identity; unsubscribe ends it */
static void
test_slot_body_and_unsubscribe (Fixture *f, gconstpointer data)
{
  TestDialog *d = NULL;
  const TestSipMsg *n, *r;
  g_autofree char *expect = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:701@%s", f->host);

  g_assert_cmpint (subscribe_status (f, "701", "dialog", "application/dialog-info+xml", 600, &d),
                   ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
  n = test_ua_notify (f->bob, d, 0);
  expect = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                            "version=\"0\" state=\"full\" entity=\"sip:701@%s\">\n"
                            " <dialog id=\"701\">\n"
                            "  <state>terminated</state>\n"
                            " </dialog>\n"
                            "</dialog-info>\n",
                            f->host);
  g_assert_cmpstr (n->body, ==, expect);
  g_assert_cmpstr (test_sip_hdr (n, "Event"), ==, "dialog");

  r = test_ua_request (f->bob, d, "SUBSCRIBE", uri,
                       "Event: dialog\r\nAccept: application/dialog-info+xml\r\nExpires: 0\r\n",
                       NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 2, 5000));
  n = test_ua_notify (f->bob, d, 1);
  g_assert_true (g_str_has_prefix (test_sip_hdr (n, "Subscription-State"), "terminated"));
  g_assert_true (strstr (n->body, "<state>terminated</state>") != NULL);
  test_dialog_free (d);
}

/* rls_eventlist: one full-state multipart NOTIFY with RLMI + ten parts */
static void
test_resource_list (Fixture *f, gconstpointer data)
{
  g_autofree char *uri = g_strdup_printf ("sip:parkslots@%s", f->host);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r, *n;
  const char *p;
  guint parts = 0;

  r = test_ua_request (f->bob, NULL, "SUBSCRIBE", uri, "Event: dialog\r\nExpires: 600\r\n", NULL,
                       NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 421);

  r = test_ua_request (f->bob, d, "SUBSCRIBE", uri,
                       "Event: dialog\r\nAccept: multipart/related, application/rlmi+xml, "
                       "application/dialog-info+xml\r\nSupported: eventlist\r\nExpires: 600\r\n",
                       NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
  n = test_ua_notify (f->bob, d, 0);
  g_assert_true (g_str_has_prefix (test_sip_hdr (n, "Content-Type"),
                                   "multipart/related;type=\"application/rlmi+xml\""));
  g_assert_cmpstr (test_sip_hdr (n, "Require"), ==, "eventlist");
  g_assert_true (strstr (n->body, "fullState=\"true\"") != NULL);
  for (p = n->body; (p = strstr (p, "Content-Type: application/dialog-info+xml")); p++)
    parts++;
  g_assert_cmpuint (parts, ==, 10);
  test_dialog_free (d);
}

/* s5b REFER header matrix, with raw UAs for carol (transferer) and caller2 */
static TestDialog *
call_caller2 (Fixture *f, TestUa *carol)
{
  g_autofree char *uri = g_strdup_printf ("sip:202@%s", f->host);
  TestDialog *d = test_dialog_new (uri);
  const char *sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  const TestSipMsg *r = test_ua_request (carol, d, "INVITE", uri, NULL, "application/sdp", sdp);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  return d;
}

static const TestSipMsg *
wait_final_sipfrag (TestUa *ua, TestDialog *d)
{
  guint n = 0;
  for (;;)
    {
      const TestSipMsg *m;
      if (!PL_TEST_WAIT (test_ua_count_notifies (ua, d) > n, 10000))
        return NULL;
      m = test_ua_notify (ua, d, n++);
      if (g_str_has_prefix (test_sip_hdr (m, "Subscription-State"), "terminated"))
        return m;
    }
}

static void
test_refer_matrix (Fixture *f, gconstpointer data)
{
  TestUa *carol = test_ua_new (f->pbx->sip_port, "carol", "carolpw");
  TestUa *caller2 = test_ua_new (f->pbx->sip_port, "caller2", "caller2pw");
  g_autofree char *reg_uri = g_strdup_printf ("sip:%s", f->host);
  g_autofree char *park = g_strdup_printf ("Refer-To: <sip:700@%s>\r\n", f->host);
  g_autofree char *r799 = g_strdup_printf ("Refer-To: <sip:799@%s>\r\n", f->host);
  TestDialog *d;
  const TestSipMsg *r, *fin;
  gint64 t0;

  caller2->auto_answer = TRUE;
  r = test_ua_request (caller2, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);

  d = call_caller2 (f, carol);
  /* V1 no Refer-To: 400 */
  r = test_ua_request (carol, d, "REFER", NULL, "Referred-By: <sip:carol@127.0.0.1>\r\n", NULL,
                       NULL);
  g_assert_cmpint (r->status, ==, 400);
  /* V2 tel: URI: 400 */
  r = test_ua_request (carol, d, "REFER", NULL, "Refer-To: <tel:700>\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 400);
  /* V3 non-existent 799: 202, sipfrag 100 then 404 (terminated), call kept */
  r = test_ua_request (carol, d, "REFER", NULL, r799, NULL, NULL);
  g_assert_cmpint (r->status, ==, 202);
  fin = wait_final_sipfrag (carol, d);
  g_assert_nonnull (fin);
  g_assert_true (g_str_has_prefix (fin->body, "SIP/2.0 404"));
  g_assert_cmpstr (test_sip_hdr (fin, "Subscription-State"), ==, "terminated;reason=noresource");
  g_assert_true (g_str_has_prefix (test_ua_notify (carol, d, 0)->body, "SIP/2.0 100 Trying"));
  g_assert_false (test_pbx_slot_busy (f->pbx, "701"));

  /* V4 foreign host part: still parks (701), final NOTIFY after the
   * announcement delay */
  t0 = g_get_monotonic_time ();
  r = test_ua_request (carol, d, "REFER", NULL,
                       "Refer-To: <sip:700@pbx.example.invalid>\r\n"
                       "Referred-By: <sip:carol@127.0.0.1>\r\n",
                       NULL, NULL);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, 2000));
  {
    guint before = test_ua_count_notifies (carol, d);
    g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (carol, d) >= before + 2, 8000));
    fin = test_ua_notify (carol, d, before + 1);
    g_assert_true (g_str_has_prefix (fin->body, "SIP/2.0 200 OK"));
    g_assert_cmpstr (test_sip_hdr (fin, "Subscription-State"), ==, "terminated;reason=noresource");
    /* announce_delay_ms=800 in this test */
    g_assert_cmpint (g_get_monotonic_time () - t0, >=, 700 * 1000);
  }
  test_ua_request (carol, d, "BYE", NULL, NULL, NULL, NULL);
  test_dialog_free (d);

  /* V5 Refer-Sub: false: 200 OK with Refer-Sub: false and no NOTIFY; parks in 702 */
  d = call_caller2 (f, carol);
  r = test_ua_request (carol, d, "REFER", NULL,
                       "Refer-To: <sip:700@127.0.0.1>\r\nRefer-Sub: false\r\n"
                       "Supported: norefersub\r\n",
                       NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_cmpstr (test_sip_hdr (r, "Refer-Sub"), ==, "false");
  g_assert_true (test_pbx_wait_slot (f->pbx, "702", TRUE, 2000));
  g_assert_cmpuint (test_ua_count_notifies (carol, d), ==, 0);
  test_ua_request (carol, d, "BYE", NULL, NULL, NULL, NULL);
  test_dialog_free (d);

  /* V6 compact r: parks in 703 (findslot=next) */
  d = call_caller2 (f, carol);
  r = test_ua_request (carol, d, "REFER", NULL, "r: sip:700@127.0.0.1\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (test_pbx_wait_slot (f->pbx, "703", TRUE, 2000));
  fin = wait_final_sipfrag (carol, d);
  g_assert_nonnull (fin);
  g_assert_true (g_str_has_prefix (fin->body, "SIP/2.0 200 OK"));
  test_ua_request (carol, d, "BYE", NULL, NULL, NULL, NULL);
  test_dialog_free (d);

  /* V7 out-of-dialog REFER: 501 */
  {
    g_autofree char *uri = g_strdup_printf ("sip:202@%s", f->host);
    r = test_ua_request (carol, NULL, "REFER", uri, park, NULL, NULL);
    g_assert_nonnull (r);
    g_assert_cmpint (r->status, ==, 501);
  }
  test_ua_free (carol);
  test_ua_free (caller2);
}

static void
test_register_and_faults (Fixture *f, gconstpointer data)
{
  TestUa *alice = test_ua_new (f->pbx->sip_port, "alice", "alicepw");
  TestUa *eve = test_ua_new (f->pbx->sip_port, "alice", "wrong");
  g_autofree char *reg_uri = g_strdup_printf ("sip:%s", f->host);
  g_autofree char *reply = NULL;
  const TestSipMsg *r;

  r = test_ua_request (eve, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 401);
  r = test_ua_request (alice, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_nonnull (strstr (test_sip_hdr (r, "Contact"), "expires="));
  reply = test_pbx_cmd (f->pbx, "contacts alice");
  g_assert_cmpstr (reply, ==, "OK 1");
  g_clear_pointer (&reply, g_free);

  reply = test_pbx_cmd (f->pbx, "faults refuse-register on");
  g_assert_cmpstr (reply, ==, "OK");
  g_clear_pointer (&reply, g_free);
  r = test_ua_request (alice, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 403);

  /* restart drops registrations, calls and subscriptions and comes back on
   * the same port */
  {
    TestDialog *d = NULL;
    g_autofree char *suri = g_strdup_printf ("sip:701@%s", f->host);
    g_assert_cmpint (subscribe_status (f, "701", "dialog", NULL, 600, &d), ==, 200);
    g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
    g_clear_pointer (&reply, g_free);
    reply = test_pbx_cmd (f->pbx, "restart");
    g_assert_true (g_str_has_prefix (reply, "OK restarted"));
    /* the old subscription is gone: a refresh gets 481 */
    r = test_ua_request (f->bob, d, "SUBSCRIBE", suri, "Event: dialog\r\nExpires: 600\r\n", NULL,
                         NULL);
    g_assert_nonnull (r);
    g_assert_cmpint (r->status, ==, 481);
    /* a graceful restart: the subscription got a final NOTIFY first */
    g_assert_cmpuint (test_ua_count_notifies (f->bob, d), ==, 2);
    g_assert_true (g_str_has_prefix (
        test_sip_hdr (test_ua_notify (f->bob, d, 1), "Subscription-State"), "terminated"));
    test_dialog_free (d);
  }
  g_clear_pointer (&reply, g_free);
  reply = test_pbx_cmd (f->pbx, "restart");
  g_assert_true (g_str_has_prefix (reply, "OK restarted"));
  g_clear_pointer (&reply, g_free);
  reply = test_pbx_cmd (f->pbx, "faults clear");
  g_clear_pointer (&reply, g_free);
  reply = test_pbx_cmd (f->pbx, "contacts alice");
  g_assert_cmpstr (reply, ==, "OK 0");
  r = test_ua_request (alice, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);

  {
    TestDialog *d = NULL;
    g_assert_cmpint (subscribe_status (f, "701", "dialog", "application/dialog-info+xml", 600, &d),
                     ==, 200);
    g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 1, 5000));
    g_clear_pointer (&reply, g_free);
    reply = test_pbx_cmd (f->pbx, "faults terminate-subs");
    g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->bob, d) >= 2, 5000));
    g_assert_cmpstr (test_sip_hdr (test_ua_notify (f->bob, d, 1), "Subscription-State"), ==,
                     "terminated;reason=noresource");
    test_dialog_free (d);
  }
  test_ua_free (alice);
  test_ua_free (eve);
}

/* No OPTIONS in the traces: res_pjsip identifies and challenges an
 * out-of-dialog OPTIONS from an endpoint like any other request, then looks
 * the Request-URI user up in the dialplan (404 if it is not there). */
static void
test_options_probe (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *user;
    int status;
  } rows[] = {
    { "799", 404 }, { "700", 200 },       { "701", 200 },         { "710", 200 },
    { "711", 404 }, { "parkslots", 200 }, { "park+701", 404 },    { "100", 200 },
    { "201", 200 }, { "carol", 200 },     { "nobody-here", 404 }, { NULL, 200 },
  };
  TestUa *eve = test_ua_new (f->pbx->sip_port, "bob", "wrong");
  g_autofree char *uri = g_strdup_printf ("sip:799@%s", f->host);
  const TestSipMsg *r;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *ruri = rows[i].user ? g_strdup_printf ("sip:%s@%s", rows[i].user, f->host)
                                           : g_strdup_printf ("sip:%s", f->host);
      r = test_ua_request (f->bob, NULL, "OPTIONS", ruri, "Accept: application/sdp\r\n", NULL,
                           NULL);
      g_assert_nonnull (r);
      g_test_message ("OPTIONS %s -> %d", ruri, r->status);
      g_assert_cmpint (r->status, ==, rows[i].status);
      if (r->status == 200)
        {
          g_assert_nonnull (strstr (test_sip_hdr (r, "Allow"), "REFER"));
          g_assert_nonnull (test_sip_hdr (r, "Accept"));
        }
    }

  /* a wrong password never gets to the lookup: the 404 would tell an
   * unauthenticated client which extensions exist */
  r = test_ua_request (eve, NULL, "OPTIONS", uri, NULL, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 401);
  test_ua_free (eve);
}

int
main (int argc, char **argv)
{
  const char *cfg = "announce_delay_ms=800\n";
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pbx/conformance/subscribe-edge-cases", Fixture, cfg, fixture_setup,
              test_subscribe_edge_cases, fixture_teardown);
  g_test_add ("/pbx/conformance/subscribe-accept-variants", Fixture, cfg, fixture_setup,
              test_subscribe_accept_variants, fixture_teardown);
  g_test_add ("/pbx/conformance/slot-body-and-unsubscribe", Fixture, cfg, fixture_setup,
              test_slot_body_and_unsubscribe, fixture_teardown);
  g_test_add ("/pbx/conformance/resource-list", Fixture, cfg, fixture_setup, test_resource_list,
              fixture_teardown);
  g_test_add ("/pbx/conformance/refer-matrix", Fixture, cfg, fixture_setup, test_refer_matrix,
              fixture_teardown);
  g_test_add ("/pbx/conformance/register-and-faults", Fixture, cfg, fixture_setup,
              test_register_and_faults, fixture_teardown);
  g_test_add ("/pbx/conformance/options-probe", Fixture, cfg, fixture_setup, test_options_probe,
              fixture_teardown);
  return g_test_run ();
}
