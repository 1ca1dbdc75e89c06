/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test PBX's paging group and attended transfer (REFER with Replaces),
 * with raw UAs: carol pages and transfers, bob and caller2 answer by
 * themselves. */
#define G_LOG_DOMAIN "test-pbx-page"

#include <string.h>

#include "pl-test-util.h"
#include "pbx-test-lib.h"

#define PBX_KEYS "[page Team]\next=600\nmembers=bob;carol\n"

typedef struct
{
  TestPbx *pbx;
  TestUa *bob, *carol, *caller2;
  char *host;
} Fixture;

static const char sdp_fmt[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                              "t=0 0\r\nm=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

static void
register_ua (Fixture *f, TestUa *ua)
{
  g_autofree char *reg = g_strdup_printf ("sip:%s", f->host);
  const TestSipMsg *r = test_ua_request (ua, NULL, "REGISTER", reg, "Expires: 600\r\n", NULL, NULL);

  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->pbx = test_pbx_start (PBX_KEYS);
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
  f->bob = test_ua_new (f->pbx->sip_port, "bob", "bobpw");
  f->carol = test_ua_new (f->pbx->sip_port, "carol", "carolpw");
  f->caller2 = test_ua_new (f->pbx->sip_port, "caller2", "caller2pw");
  f->bob->auto_answer = TRUE;
  f->caller2->auto_answer = TRUE;
  register_ua (f, f->bob);
  register_ua (f, f->caller2);
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

/* carol calls ext; the answered dialog, or NULL with *status set. */
static TestDialog *
call (Fixture *f, const char *ext, guint16 rtp_port, int *status)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", ext, f->host);
  g_autofree char *sdp = g_strdup_printf (sdp_fmt, rtp_port ? rtp_port : 9);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (f->carol, d, "INVITE", uri, NULL, "application/sdp", sdp);

  *status = r ? r->status : 0;
  if (*status == 200)
    return d;
  test_dialog_free (d);
  return NULL;
}

static guint16
sdp_port (const char *body)
{
  const char *m = body ? strstr (body, "m=audio ") : NULL;
  return m ? (guint16)atoi (m + 8) : 0;
}

static GSocket *
rtp_socket (guint16 *port)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GError) error = NULL;
  GSocket *sock
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_socket_set_blocking (sock, FALSE);
  g_assert_true (g_socket_bind (sock, any, FALSE, &error));
  local = g_socket_get_local_address (sock, &error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  return sock;
}

/* n PCMU packets of 20 ms whose samples are all `ulaw`. */
static void
send_rtp (GSocket *sock, guint16 to_port, guint n, guint8 ulaw)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (lo, to_port);
  guint8 pkt[12 + 160];

  memset (pkt, ulaw, sizeof pkt);
  for (guint i = 0; i < n; i++)
    {
      pkt[0] = 0x80;
      pkt[1] = 0; /* PCMU */
      pkt[2] = (guint8)(i >> 8);
      pkt[3] = (guint8)i;
      memset (pkt + 4, 0, 8);
      pkt[8] = 0x12;
      g_assert_cmpint (g_socket_send_to (sock, to, (const char *)pkt, sizeof pkt, NULL, NULL), ==,
                       sizeof pkt);
    }
}

static gboolean
report_has (Fixture *f, const char *cmd, const char *needle)
{
  g_autofree char *reply = test_pbx_cmd (f->pbx, cmd);
  return strstr (reply, needle) != NULL;
}

static gboolean
got_request (TestUa *ua, const char *method, const char *call_id)
{
  for (guint i = 0; i < ua->requests->len; i++)
    {
      const TestSipMsg *m = g_ptr_array_index (ua->requests, i);
      if (g_str_equal (m->method, method) && g_strcmp0 (test_sip_hdr (m, "Call-ID"), call_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_page_answers_and_records (Fixture *f, gconstpointer data)
{
  guint16 port = 0;
  g_autoptr (GSocket) rtp = rtp_socket (&port);
  g_autofree char *reply = NULL;
  const TestSipMsg *r;
  TestDialog *d;
  char buf[512];
  int status = 0;

  g_assert_true (report_has (f, "pages", "OK 0"));
  d = call (f, "600", port, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_true (report_has (f, "pages", "OK 1 Team:600:carol:"));
  g_assert_true (report_has (f, "pages", ":live:0:0:bob+carol"));

  /* A loud tone and some silence: heard, measured, never sent back. */
  r = g_ptr_array_index (f->carol->responses, f->carol->responses->len - 1);
  send_rtp (rtp, sdp_port (r->body), 25, 0x80);
  send_rtp (rtp, sdp_port (r->body), 25, 0xff);
  g_assert_true (PL_TEST_WAIT (report_has (f, "pages", ":live:50:"), 5000));
  reply = test_pbx_cmd (f->pbx, "pages");
  g_assert_nonnull (strstr (reply, ":live:50:32124:"));
  g_assert_cmpint (g_socket_receive (rtp, buf, sizeof buf, NULL, NULL), <, 0);

  r = test_ua_request (f->carol, d, "BYE", NULL, NULL, NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_assert_true (PL_TEST_WAIT (report_has (f, "pages", ":done:50:32124:bob+carol"), 5000));
  g_assert_true (report_has (f, "status", "calls=0"));
  test_dialog_free (d);
}

static void
test_page_busy_and_unknown (Fixture *f, gconstpointer data)
{
  g_autofree char *options = g_strdup_printf ("sip:600@%s", f->host);
  g_autofree char *unknown = g_strdup_printf ("sip:611@%s", f->host);
  g_autofree char *ok = test_pbx_cmd (f->pbx, "faults page-busy on");
  const TestSipMsg *r;
  int status = 0;

  g_assert_cmpstr (ok, ==, "OK");
  g_assert_null (call (f, "600", 0, &status));
  g_assert_cmpint (status, ==, 486);
  g_assert_null (call (f, "611", 0, &status));
  g_assert_cmpint (status, ==, 404);
  g_assert_true (report_has (f, "pages", "OK 0"));

  /* OPTIONS finds the group like any extension (Park & Page checks it). */
  r = test_ua_request (f->carol, NULL, "OPTIONS", options, NULL, NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);
  r = test_ua_request (f->carol, NULL, "OPTIONS", unknown, NULL, NULL, NULL);
  g_assert_cmpint (r->status, ==, 404);
}

/* carol talks to caller2 (first), holds it and calls bob (consult). */
static void
consult (Fixture *f, TestDialog **first, TestDialog **second)
{
  int status = 0;

  *first = call (f, "202", 0, &status);
  g_assert_cmpint (status, ==, 200);
  *second = call (f, "101", 0, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_true (report_has (f, "bridges", "OK 2 "));
  g_assert_true (report_has (f, "bridges", "102<->202"));
  g_assert_true (report_has (f, "bridges", "102<->101"));
}

/* RFC 3261 hnv-unreserved and unreserved marks stay, the rest is escaped:
 * the raw UA's Call-IDs have an '@', which may not appear bare. */
static char *
escape_header (const char *value)
{
  return g_uri_escape_string (value, "!*'()[]/?:+$", FALSE);
}

static char *
replaces_value (const char *call_id, const char *to_tag, const char *from_tag)
{
  g_autofree char *id = escape_header (call_id);
  g_autofree char *to = escape_header (to_tag);
  g_autofree char *from = escape_header (from_tag);

  return g_strdup_printf ("%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s", id, to, from);
}

static const TestSipMsg *
refer_replaces (Fixture *f, TestDialog *first, const char *replaces)
{
  g_autofree char *rt
      = g_strdup_printf ("Refer-To: <sip:101@%s?Replaces=%s>\r\n", f->host, replaces);

  return test_ua_request (f->carol, first, "REFER", NULL, rt, NULL, NULL);
}

static void
test_replaces_joins_the_two_parties (Fixture *f, gconstpointer data)
{
  TestDialog *first, *second;
  g_autofree char *replaces = NULL;
  const TestSipMsg *r;

  consult (f, &first, &second);
  /* RFC 5589: to-tag is the far end's (here the PBX's) tag, from-tag ours;
   * ';' and '=' escaped inside the URI header. */
  replaces = replaces_value (second->call_id, second->to_tag, second->from_tag);
  r = refer_replaces (f, first, replaces);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (PL_TEST_WAIT (test_ua_last_notify_has (f->carol, first, "SIP/2.0 200 OK"), 5000));
  g_assert_true (report_has (f, "bridges", "OK 1 202<->101"));
  /* The PBX hangs up the consultation leg, as Asterisk does. */
  g_assert_true (PL_TEST_WAIT (got_request (f->carol, "BYE", second->call_id), 5000));
  test_dialog_free (first);
  test_dialog_free (second);
}

static void
test_replaces_failures_keep_the_calls (Fixture *f, gconstpointer data)
{
  TestDialog *first, *second;
  g_autofree char *wrong_tag = NULL;
  g_autofree char *swapped = NULL;
  g_autofree char *bare_id = NULL;
  const TestSipMsg *r;

  consult (f, &first, &second);
  /* No dialog of the PBX has these tags: stock Asterisk has no
   * external_replaces and fails with 404. */
  wrong_tag = replaces_value (second->call_id, "nothing", second->from_tag);
  r = refer_replaces (f, first, wrong_tag);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (
      PL_TEST_WAIT (test_ua_last_notify_has (f->carol, first, "SIP/2.0 404 Not Found"), 5000));
  /* Tags the wrong way round name no dialog either. */
  swapped = replaces_value (second->call_id, second->from_tag, second->to_tag);
  r = refer_replaces (f, first, swapped);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->carol, first) >= 4, 5000));
  g_assert_true (test_ua_last_notify_has (f->carol, first, "SIP/2.0 404 Not Found"));
  /* A Replaces without tags is no Replaces header at all. */
  bare_id = escape_header (second->call_id);
  r = refer_replaces (f, first, bare_id);
  g_assert_cmpint (r->status, ==, 202);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->carol, first) >= 6, 5000));
  g_assert_true (test_ua_last_notify_has (f->carol, first, "SIP/2.0 400 Bad Request"));
  g_assert_true (report_has (f, "bridges", "OK 2 "));
  g_assert_false (got_request (f->carol, "BYE", second->call_id));
  test_dialog_free (first);
  test_dialog_free (second);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pbx/page/answers-and-records", Fixture, NULL, fixture_setup,
              test_page_answers_and_records, fixture_teardown);
  g_test_add ("/pbx/page/busy-and-unknown", Fixture, NULL, fixture_setup,
              test_page_busy_and_unknown, fixture_teardown);
  g_test_add ("/pbx/replaces/joins-the-two-parties", Fixture, NULL, fixture_setup,
              test_replaces_joins_the_two_parties, fixture_teardown);
  g_test_add ("/pbx/replaces/failures-keep-the-calls", Fixture, NULL, fixture_setup,
              test_replaces_failures_keep_the_calls, fixture_teardown);
  return g_test_run ();
}
