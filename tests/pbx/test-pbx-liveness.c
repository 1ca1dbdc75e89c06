/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test PBX's liveness faults, checked on the wire: a frozen PBX keeps
 * its sockets (TCP connections too) and answers nothing, sends nothing, and
 * does not answer late what arrived meanwhile; a killed PBX leaves without
 * a final NOTIFY, and one started again on its port has forgotten
 * everything. */
#define G_LOG_DOMAIN "test-pbx-liveness"

#include <string.h>

#include "pl-test-util.h"
#include "pbx-test-lib.h"

#define SILENCE_MS 1500

typedef struct
{
  TestPbx *pbx;
  TestUa *alice;
  char *host;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->pbx = test_pbx_start (NULL);
  f->alice = test_ua_new (f->pbx->sip_port, "alice", "alicepw");
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  test_ua_free (f->alice);
  test_pbx_stop (f->pbx);
  g_free (f->host);
}

static guint
responses_for (TestUa *ua, const TestDialog *d)
{
  guint n = 0;

  for (guint i = 0; i < ua->responses->len; i++)
    n += g_strcmp0 (test_sip_hdr (g_ptr_array_index (ua->responses, i), "Call-ID"), d->call_id)
         == 0;
  return n;
}

static TestDialog *
subscribe (Fixture *f, const char *slot, int *status)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", slot, f->host);
  TestDialog *d = test_dialog_new (uri);
  const TestSipMsg *r = test_ua_request (
      f->alice, d, "SUBSCRIBE", uri,
      "Event: dialog\r\nAccept: application/dialog-info+xml\r\nExpires: 600\r\n", NULL, NULL);

  *status = r ? r->status : 0;
  return d;
}

/* Live: alice registered, watching 701 (its first NOTIFY in). */
static TestDialog *
register_and_watch_701 (Fixture *f)
{
  g_autofree char *reg_uri = g_strdup_printf ("sip:%s", f->host);
  const TestSipMsg *r
      = test_ua_request (f->alice, NULL, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL);
  TestDialog *sub701;
  int st;

  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  sub701 = subscribe (f, "701", &st);
  g_assert_cmpint (st, ==, 200);
  g_assert_true (PL_TEST_WAIT (test_ua_count_notifies (f->alice, sub701) == 1, 5000));
  return sub701;
}

/* ---- a raw TCP client: one request, one response ---- */

static void
tcp_send_options (GSocketConnection *conn, const char *host, guint cseq)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (sock, NULL);
  guint16 port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_autofree char *text = pl_test_options_request ("tcp", host, port, cseq);
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), text,
                             strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef enum
{
  TCP_SILENT,
  TCP_DATA,
  TCP_CLOSED,
} TcpOutcome;

/* What the PBX does on the connection within ms: *text gets the bytes. */
static TcpOutcome
tcp_wait (GSocketConnection *conn, guint ms, char **text)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;
  GString *got = g_string_new (NULL);
  TcpOutcome outcome = TCP_SILENT;

  /* a response ends with its empty line (these carry no body) */
  while (strstr (got->str, "\r\n\r\n") == NULL)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      char buf[2048];
      gssize n;

      if (left <= 0 || !g_socket_condition_timed_wait (sock, G_IO_IN, left, NULL, NULL))
        break;
      n = g_socket_receive (sock, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        {
          outcome = TCP_CLOSED;
          break;
        }
      g_string_append_len (got, buf, n);
      outcome = TCP_DATA;
    }
  if (text)
    *text = g_strdup (got->str);
  g_string_free (got, TRUE);
  return outcome;
}

/* ---- cases ---- */

static void
test_freeze_udp (Fixture *f, gconstpointer data)
{
  g_autofree char *reg_uri = g_strdup_printf ("sip:%s", f->host);
  g_autofree char *status = NULL;
  g_autoptr (GPtrArray) frozen = g_ptr_array_new_with_free_func ((GDestroyNotify)test_dialog_free);
  TestDialog *sub701, *d;
  const TestSipMsg *r;
  guint notifies, requests;
  int st;

  sub701 = register_and_watch_701 (f);

  test_pbx_cmd_ok (f->pbx, "faults freeze");
  /* the control port still works: only SIP and RTP are frozen */
  status = test_pbx_cmd (f->pbx, "status");
  g_assert_true (g_str_has_prefix (status, "OK profile="));

  f->alice->wait_ms = SILENCE_MS;
  d = test_dialog_new (reg_uri);
  g_ptr_array_add (frozen, d);
  g_assert_null (test_ua_request (f->alice, d, "OPTIONS", reg_uri, NULL, NULL, NULL));
  d = test_dialog_new (reg_uri);
  g_ptr_array_add (frozen, d);
  g_assert_null (
      test_ua_request (f->alice, d, "REGISTER", reg_uri, "Expires: 600\r\n", NULL, NULL));
  g_ptr_array_add (frozen, subscribe (f, "702", &st));
  g_assert_cmpint (st, ==, 0);
  /* in-dialog requests too */
  g_assert_null (test_ua_request (f->alice, sub701, "SUBSCRIBE", sub701->remote_target,
                                  "Event: dialog\r\nExpires: 600\r\n", NULL, NULL));
  /* and nothing goes out: a call to alice does not ring her */
  notifies = test_ua_count_notifies (f->alice, sub701);
  requests = f->alice->requests->len;
  g_free (test_pbx_cmd (f->pbx, "originate 201 \"Caller One\" alice"));
  pl_test_spin (SILENCE_MS);
  g_assert_cmpuint (f->alice->requests->len, ==, requests);
  g_assert_cmpuint (test_ua_count_notifies (f->alice, sub701), ==, notifies);

  test_pbx_cmd_ok (f->pbx, "faults thaw");
  f->alice->wait_ms = 0;
  r = test_ua_request (f->alice, NULL, "OPTIONS", reg_uri, NULL, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  /* what arrived while frozen was dropped, not queued for later */
  pl_test_spin (SILENCE_MS);
  for (guint i = 0; i < frozen->len; i++)
    g_assert_cmpuint (responses_for (f->alice, g_ptr_array_index (frozen, i)), ==, 0);
  test_pbx_cmd_ok (f->pbx, "hangup-all");
  test_dialog_free (sub701);
}

static void
test_freeze_tcp (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketConnection) early = NULL;
  g_autoptr (GSocketConnection) late = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *late_text = NULL;

  early = pl_test_connect_loopback (f->pbx->sip_port, &error);
  g_assert_no_error (error);
  tcp_send_options (early, f->host, 1);
  /* res_pjsip challenges out-of-dialog OPTIONS; any answer will do here */
  g_assert_cmpint (tcp_wait (early, 5000, &text), ==, TCP_DATA);
  g_assert_true (g_str_has_prefix (text, "SIP/2.0 401"));
  g_clear_pointer (&text, g_free);

  test_pbx_cmd_ok (f->pbx, "faults freeze");
  tcp_send_options (early, f->host, 2);
  /* silent, and the connection stays open */
  g_assert_cmpint (tcp_wait (early, SILENCE_MS, NULL), ==, TCP_SILENT);
  g_assert_true (g_socket_is_connected (g_socket_connection_get_socket (early)));
  /* a connection opened during the freeze is accepted and ignored */
  late = pl_test_connect_loopback (f->pbx->sip_port, &error);
  g_assert_no_error (error);
  tcp_send_options (late, f->host, 10);
  g_assert_cmpint (tcp_wait (late, SILENCE_MS, NULL), ==, TCP_SILENT);

  test_pbx_cmd_ok (f->pbx, "faults thaw");
  tcp_send_options (early, f->host, 3);
  g_assert_cmpint (tcp_wait (early, 5000, &text), ==, TCP_DATA);
  /* the answer is to the new request: CSeq 2 was dropped, not queued */
  g_assert_nonnull (strstr (text, "CSeq: 3 OPTIONS"));
  g_assert_null (strstr (text, "CSeq: 2 OPTIONS"));
  tcp_send_options (late, f->host, 11);
  g_assert_cmpint (tcp_wait (late, 5000, &late_text), ==, TCP_DATA);
  g_assert_nonnull (strstr (late_text, "CSeq: 11 OPTIONS"));
  g_assert_null (strstr (late_text, "CSeq: 10 OPTIONS"));
}

static void
test_kill_and_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *reg_uri = g_strdup_printf ("sip:%s", f->host);
  g_autofree char *contacts = NULL;
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GSocketConnection) refused = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = f->pbx->sip_port;
  TestDialog *sub701;
  const TestSipMsg *r;
  guint notifies;

  sub701 = register_and_watch_701 (f);
  conn = pl_test_connect_loopback (port, &error);
  g_assert_no_error (error);
  tcp_send_options (conn, f->host, 1);
  g_assert_cmpint (tcp_wait (conn, 5000, NULL), ==, TCP_DATA);
  notifies = test_ua_count_notifies (f->alice, sub701);

  test_pbx_kill (f->pbx);
  /* the kernel ends the TCP connection; no goodbye on SIP */
  g_assert_cmpint (tcp_wait (conn, 5000, NULL), ==, TCP_CLOSED);
  pl_test_spin (500);
  g_assert_cmpuint (test_ua_count_notifies (f->alice, sub701), ==, notifies);
  refused = pl_test_connect_loopback (port, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  test_pbx_restart_killed (f->pbx);
  g_assert_cmpuint (f->pbx->sip_port, ==, port);
  r = test_ua_request (f->alice, NULL, "OPTIONS", reg_uri, NULL, NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 200);
  /* a fresh PBX: registrations and subscriptions are gone */
  contacts = test_pbx_cmd (f->pbx, "contacts alice");
  g_assert_cmpstr (contacts, ==, "OK 0");
  r = test_ua_request (f->alice, sub701, "SUBSCRIBE", sub701->remote_target,
                       "Event: dialog\r\nExpires: 600\r\n", NULL, NULL);
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, 481);
  test_dialog_free (sub701);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pbx-liveness/freeze-udp", Fixture, NULL, fixture_setup, test_freeze_udp,
              fixture_teardown);
  g_test_add ("/pbx-liveness/freeze-tcp", Fixture, NULL, fixture_setup, test_freeze_tcp,
              fixture_teardown);
  g_test_add ("/pbx-liveness/kill-and-restart", Fixture, NULL, fixture_setup, test_kill_and_restart,
              fixture_teardown);
  return g_test_run ();
}
