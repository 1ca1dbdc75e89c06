/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-baresip-ctrl"

#include <json-glib/json-glib.h>
#include <string.h>

#include "pl-baresip-ctrl.h"
#include "pl-netstring.h"
#include "pl-test-util.h"

/* The control client against a scripted fake ctrl_tcp server on loopback:
 * fault injection (reordered replies, refusals, silence, garbage, hang-ups)
 * that a real baresip will not produce on demand. */

typedef struct
{
  GSocketListener *listener;
  guint16 port;
  GSocketConnection *conn; /* server side */
  PlNetstringDecoder *decoder;
  PlBaresipCtrl *ctrl;
  GPtrArray *events;
  char *closed_why;
  gboolean closed;
} Fixture;

static void
accept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  f->conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, NULL);
}

static void
event_cb (PlBaresipCtrl *ctrl, PlEngineEvent *event, gpointer user_data)
{
  Fixture *f = user_data;
  g_ptr_array_add (f->events, pl_engine_event_copy (event));
}

static void
closed_cb (PlBaresipCtrl *ctrl, const char *why, gpointer user_data)
{
  Fixture *f = user_data;
  f->closed = TRUE;
  f->closed_why = g_strdup (why);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  char *data;
  GError *error;
} Result;

static void
connect_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = pl_baresip_ctrl_connect_finish (PL_BARESIP_CTRL (source), result, &r->error);
  r->done = TRUE;
}

static void
command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &r->error);
  r->done = TRUE;
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->data, g_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static guint16
listen_on (GSocketListener *listener, guint16 port)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static void
setup (Fixture *f, gconstpointer data)
{
  Result r = { 0 };

  f->listener = g_socket_listener_new ();
  f->port = listen_on (f->listener, 0);
  f->decoder = pl_netstring_decoder_new (0);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_engine_event_free);
  g_socket_listener_accept_async (f->listener, NULL, accept_cb, f);
  f->ctrl = pl_baresip_ctrl_new ();
  g_signal_connect (f->ctrl, "event", G_CALLBACK (event_cb), f);
  g_signal_connect (f->ctrl, "closed", G_CALLBACK (closed_cb), f);
  pl_baresip_ctrl_connect_async (f->ctrl, f->port, 2000, NULL, connect_done, &r);
  g_assert_true (PL_TEST_WAIT (r.done && f->conn, 3000));
  g_assert_no_error (r.error);
  g_assert_true (pl_baresip_ctrl_is_connected (f->ctrl));
  g_assert_cmpuint (pl_baresip_ctrl_get_port (f->ctrl), ==, f->port);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  pl_baresip_ctrl_close (f->ctrl);
  g_assert_false (pl_baresip_ctrl_is_connected (f->ctrl));
  /* The cancelled read still holds a reference until it is dispatched. */
  g_object_add_weak_pointer (G_OBJECT (f->ctrl), (gpointer *)&f->ctrl);
  g_object_unref (f->ctrl);
  g_assert_true (PL_TEST_WAIT (f->ctrl == NULL, 2000));
  g_clear_object (&f->conn);
  g_socket_listener_close (f->listener);
  g_clear_object (&f->listener);
  pl_netstring_decoder_free (f->decoder);
  g_ptr_array_unref (f->events);
  g_free (f->closed_why);
}

/* Reads the next command the client sent, as a JSON object. */
static JsonObject *
server_read_command (Fixture *f)
{
  GPollableInputStream *in
      = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (f->conn)));
  g_autofree char *payload = NULL;
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  g_autoptr (JsonParser) parser = json_parser_new ();

  while (pl_netstring_decoder_next (f->decoder, &payload, NULL, NULL) != PL_NETSTRING_FRAME)
    {
      char buf[512];
      gssize n = g_pollable_input_stream_read_nonblocking (in, buf, sizeof buf, NULL, NULL);

      if (n > 0)
        pl_netstring_decoder_feed (f->decoder, buf, (gsize)n);
      else
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          pl_test_iterate (g_get_monotonic_time () + 10000);
        }
    }
  g_assert_true (json_parser_load_from_data (parser, payload, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
server_send (Fixture *f, const char *json)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (f->conn));
  gsize len = 0;
  g_autofree char *frame = pl_netstring_encode (json, strlen (json), &len);

  g_assert_true (g_output_stream_write_all (out, frame, len, NULL, NULL, NULL));
}

static void
server_send_raw (Fixture *f, const char *bytes)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (f->conn));
  g_assert_true (g_output_stream_write_all (out, bytes, strlen (bytes), NULL, NULL, NULL));
}

static void
test_replies_matched_by_token (Fixture *f, gconstpointer data)
{
  Result a = { 0 }, b = { 0 };
  g_autoptr (JsonObject) ca = NULL, cb = NULL;
  g_autofree char *reply_a = NULL, *reply_b = NULL;

  pl_baresip_ctrl_command_async (f->ctrl, "dial", "sip:x@127.0.0.1", 2000, NULL, command_done, &a);
  pl_baresip_ctrl_command_async (f->ctrl, "listcalls", NULL, 2000, NULL, command_done, &b);
  ca = server_read_command (f);
  cb = server_read_command (f);
  g_assert_cmpstr (json_object_get_string_member (ca, "command"), ==, "dial");
  g_assert_cmpstr (json_object_get_string_member (ca, "params"), ==, "sip:x@127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (cb, "command"), ==, "listcalls");
  g_assert_cmpstr (json_object_get_string_member (ca, "token"), !=,
                   json_object_get_string_member (cb, "token"));

  /* Out of order, with an event and an unknown token in between. */
  reply_b = g_strdup_printf ("{\"response\":true,\"ok\":true,\"data\":\"B\",\"token\":\"%s\"}",
                             json_object_get_string_member (cb, "token"));
  reply_a = g_strdup_printf ("{\"response\":true,\"ok\":true,\"data\":\"A\",\"token\":\"%s\"}",
                             json_object_get_string_member (ca, "token"));
  server_send (f, reply_b);
  server_send (f, "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_RINGING\",\"id\":\"c1\"}");
  server_send (f, "{\"response\":true,\"ok\":true,\"data\":\"?\",\"token\":\"stranger\"}");
  server_send (f, "not json at all");
  server_send (f, reply_a);
  g_assert_true (PL_TEST_WAIT (a.done && b.done && f->events->len == 1, 3000));
  g_assert_cmpstr (a.data, ==, "A");
  g_assert_cmpstr (b.data, ==, "B");
  g_assert_cmpint (((PlEngineEvent *)f->events->pdata[0])->type, ==, PL_ENGINE_EVENT_CALL_RINGING);
  g_assert_false (f->closed);
  result_clear (&a);
  result_clear (&b);
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  Result r = { 0 };
  g_autoptr (JsonObject) cmd = NULL;
  g_autofree char *reply = NULL;

  pl_baresip_ctrl_command_async (f->ctrl, "nosuch", NULL, 2000, NULL, command_done, &r);
  cmd = server_read_command (f);
  reply = g_strdup_printf ("{\"response\":true,\"ok\":false,\"data\":\"command not found "
                           "(nosuch)\\n\",\"token\":\"%s\"}",
                           json_object_get_string_member (cmd, "token"));
  server_send (f, reply);
  g_assert_true (PL_TEST_WAIT (r.done, 3000));
  g_assert_error (r.error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
  g_assert_cmpstr (r.error->message, ==, "command not found (nosuch)");
  result_clear (&r);
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  Result r = { 0 };
  gint64 start = g_get_monotonic_time ();

  pl_baresip_ctrl_command_async (f->ctrl, "hold", NULL, 300, NULL, command_done, &r);
  g_assert_true (PL_TEST_WAIT (r.done, 3000));
  g_assert_error (r.error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);
  /* The connection itself is still fine. */
  g_assert_true (pl_baresip_ctrl_is_connected (f->ctrl));
  result_clear (&r);
}

static void
test_peer_hangs_up (Fixture *f, gconstpointer data)
{
  Result r = { 0 };

  pl_baresip_ctrl_command_async (f->ctrl, "hold", NULL, 5000, NULL, command_done, &r);
  json_object_unref (server_read_command (f));
  g_io_stream_close (G_IO_STREAM (f->conn), NULL, NULL);
  g_assert_true (PL_TEST_WAIT (r.done && f->closed, 3000));
  g_assert_error (r.error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL);
  g_assert_false (pl_baresip_ctrl_is_connected (f->ctrl));
  result_clear (&r);
  /* Commands on a closed client fail at once. */
  pl_baresip_ctrl_command_async (f->ctrl, "hold", NULL, 5000, NULL, command_done, &r);
  g_assert_true (PL_TEST_WAIT (r.done, 1000));
  g_assert_error (r.error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NOT_RUNNING);
  result_clear (&r);
}

static void
test_garbage_closes (Fixture *f, gconstpointer data)
{
  server_send (f, "{\"event\":true,\"type\":\"CALL_CLOSED\",\"id\":\"c1\"}");
  server_send_raw (f, "12:{\"event\":true}X");
  g_assert_true (PL_TEST_WAIT (f->closed, 3000));
  g_assert_nonnull (strstr (f->closed_why, "framing"));
  g_assert_cmpuint (f->events->len, ==, 1);
}

static void
test_connect_retries (void)
{
  g_autoptr (PlBaresipCtrl) ctrl = pl_baresip_ctrl_new ();
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  guint16 port = pl_test_free_tcp_port ();
  Result r = { 0 };

  /* Nothing listens yet: the client keeps trying until the port opens. */
  pl_baresip_ctrl_connect_async (ctrl, port, 5000, NULL, connect_done, &r);
  pl_test_spin (300);
  g_assert_false (r.done);
  listen_on (listener, port);
  g_assert_true (PL_TEST_WAIT (r.done, 5000));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  pl_baresip_ctrl_close (ctrl);
  g_socket_listener_close (listener);
}

static void
test_connect_gives_up (void)
{
  g_autoptr (PlBaresipCtrl) ctrl = pl_baresip_ctrl_new ();
  Result r = { 0 };

  pl_baresip_ctrl_connect_async (ctrl, pl_test_free_tcp_port (), 300, NULL, connect_done, &r);
  g_assert_true (PL_TEST_WAIT (r.done, 3000));
  g_assert_false (r.ok);
  g_assert_error (r.error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL);
  g_clear_error (&r.error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/baresip-ctrl/replies-matched-by-token", Fixture, NULL, setup,
              test_replies_matched_by_token, teardown);
  g_test_add ("/baresip-ctrl/refused", Fixture, NULL, setup, test_refused, teardown);
  g_test_add ("/baresip-ctrl/timeout", Fixture, NULL, setup, test_timeout, teardown);
  g_test_add ("/baresip-ctrl/peer-hangs-up", Fixture, NULL, setup, test_peer_hangs_up, teardown);
  g_test_add ("/baresip-ctrl/garbage-closes", Fixture, NULL, setup, test_garbage_closes, teardown);
  g_test_add_func ("/baresip-ctrl/connect-retries", test_connect_retries);
  g_test_add_func ("/baresip-ctrl/connect-gives-up", test_connect_gives_up);
  return g_test_run ();
}
