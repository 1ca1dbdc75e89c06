/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-subscriber-probe"

#include "pbx-test-lib.h"
#include "pl-subscriber.h"
#include "pl-test-util.h"

/* pl_subscriber_probe_async() against the loopback test PBX, which answers
 * out-of-dialog OPTIONS like Asterisk's res_pjsip: challenge, then 404 for
 * an extension the dialplan does not know. Parkline checks a park target
 * this way because baresip 1.0.0 hangs up a call whose REFER fails. */

typedef struct
{
  gboolean done;
  guint status;
  GError *error;
  gint64 finished_at;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_error (&o->error);
  o->done = FALSE;
  o->status = 0;
}

static void
probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Outcome *o = user_data;

  g_assert_false (o->done);
  o->status = pl_subscriber_probe_finish (PL_SUBSCRIBER (source), result, &o->error);
  o->finished_at = g_get_monotonic_time ();
  o->done = TRUE;
}

static PlSubscriber *
new_subscriber (const char *user, const char *password, guint16 port, PlSipTransport transport)
{
  g_autofree char *domain = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr (GError) error = NULL;
  PlSubscriber *sub
      = pl_subscriber_new (user, NULL, password, domain, transport, "127.0.0.1", &error);

  g_assert_no_error (error);
  g_assert_nonnull (sub);
  return sub;
}

/* Probes user@port and waits for the answer; returns the status, 0 on error. */
static guint
probe (PlSubscriber *sub, const char *user, guint16 port, Outcome *o)
{
  g_autofree char *uri = g_strdup_printf ("sip:%s@127.0.0.1:%u", user, port);

  outcome_clear (o);
  pl_subscriber_probe_async (sub, uri, NULL, probe_done, o);
  g_assert_true (PL_TEST_WAIT (o->done, 10000));
  g_test_message ("OPTIONS %s -> %u (%s)", uri, o->status, o->error ? o->error->message : "");
  return o->status;
}

static void
run_known_and_unknown (PlSipTransport transport)
{
  static const struct
  {
    const char *user;
    guint status;
  } rows[] = {
    { "799", 404 }, /* the non-existent target of trace s5 #110 */
    { "700", 200 }, /* the park extension */
    { "701", 200 }, /* a slot */
    { "711", 404 }, /* one past the last slot */
    { "101", 200 }, /* a user */
  };
  TestPbx *pbx = test_pbx_start (NULL);
  g_autoptr (PlSubscriber) sub = new_subscriber ("alice", "alicepw", pbx->sip_port, transport);
  Outcome o = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_assert_cmpuint (probe (sub, rows[i].user, pbx->sip_port, &o), ==, rows[i].status);
      g_assert_no_error (o.error);
    }

  /* several at once: each callback gets its own answer */
  {
    Outcome many[3] = { { 0 } };
    const char *users[] = { "799", "700", "701" };
    const guint expect[] = { 404, 200, 200 };

    for (guint i = 0; i < G_N_ELEMENTS (many); i++)
      {
        g_autofree char *uri = g_strdup_printf ("sip:%s@127.0.0.1:%u", users[i], pbx->sip_port);
        pl_subscriber_probe_async (sub, uri, NULL, probe_done, &many[i]);
      }
    g_assert_true (PL_TEST_WAIT (many[0].done && many[1].done && many[2].done, 10000));
    for (guint i = 0; i < G_N_ELEMENTS (many); i++)
      {
        g_assert_no_error (many[i].error);
        g_assert_cmpuint (many[i].status, ==, expect[i]);
      }
  }

  outcome_clear (&o);
  pl_subscriber_shutdown (sub);
  test_pbx_stop (pbx);
}

static void
test_udp (void)
{
  run_known_and_unknown (PL_SIP_TRANSPORT_UDP);
}

static void
test_tcp (void)
{
  run_known_and_unknown (PL_SIP_TRANSPORT_TCP);
}

static void
test_wrong_password (void)
{
  TestPbx *pbx = test_pbx_start (NULL);
  g_autoptr (PlSubscriber) sub
      = new_subscriber ("alice", "not-alicepw", pbx->sip_port, PL_SIP_TRANSPORT_UDP);
  Outcome o = { 0 };
  guint status = probe (sub, "700", pbx->sip_port, &o);

  /* the refused credentials are an answer, not an error */
  g_assert_no_error (o.error);
  g_assert_true (status == 401 || status == 403);
  outcome_clear (&o);
  pl_subscriber_shutdown (sub);
  test_pbx_stop (pbx);
}

static void
test_dead_port (void)
{
  guint16 dead = pl_test_free_sip_port ();
  g_autoptr (PlSubscriber) sub = new_subscriber ("alice", "alicepw", dead, PL_SIP_TRANSPORT_UDP);
  Outcome o = { 0 };
  g_autofree char *uri = g_strdup_printf ("sip:700@127.0.0.1:%u", dead);
  gint64 start = g_get_monotonic_time ();

  pl_subscriber_probe_async (sub, uri, NULL, probe_done, &o);
  g_assert_true (PL_TEST_WAIT (o.done, 10000));
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (o.status, ==, 0);
  /* bounded: the 4 s of the probe, not libre's 32 s transaction timeout */
  g_assert_cmpint (o.finished_at - start, >=, 3500 * 1000);
  g_assert_cmpint (o.finished_at - start, <, 8000 * 1000);
  outcome_clear (&o);
}

static void
test_cancel_and_shutdown (void)
{
  guint16 dead = pl_test_free_sip_port ();
  g_autoptr (PlSubscriber) sub = new_subscriber ("alice", "alicepw", dead, PL_SIP_TRANSPORT_UDP);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *uri = g_strdup_printf ("sip:700@127.0.0.1:%u", dead);
  Outcome cancelled = { 0 }, closed = { 0 }, bad = { 0 };
  gint64 start;

  /* cancelled while nobody answers: the callback comes at once */
  pl_subscriber_probe_async (sub, uri, cancellable, probe_done, &cancelled);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_true (PL_TEST_WAIT (cancelled.done, 2000));
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled.finished_at - start, <, 2000 * 1000);

  /* not a SIP URI */
  pl_subscriber_probe_async (sub, "tel:700", NULL, probe_done, &bad);
  g_assert_true (PL_TEST_WAIT (bad.done, 2000));
  g_assert_error (bad.error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT);
  /* "sip:" but nothing libre can parse */
  outcome_clear (&bad);
  pl_subscriber_probe_async (sub, "sip:", NULL, probe_done, &bad);
  g_assert_true (PL_TEST_WAIT (bad.done, 2000));
  g_assert_error (bad.error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT);

  /* pending at shutdown: the task still returns, and the subscriber can be
   * finalized afterwards */
  pl_subscriber_probe_async (sub, uri, NULL, probe_done, &closed);
  pl_subscriber_shutdown (sub);
  g_assert_true (PL_TEST_WAIT (closed.done, 2000));
  g_assert_error (closed.error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  outcome_clear (&cancelled);
  outcome_clear (&closed);
  outcome_clear (&bad);
  /* the task references are gone once their callbacks ran */
  {
    PlSubscriber *weak = sub;

    g_object_add_weak_pointer (G_OBJECT (sub), (gpointer *)&weak);
    g_clear_object (&sub);
    g_assert_null (weak);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/subscriber-probe/udp", test_udp);
  g_test_add_func ("/subscriber-probe/tcp", test_tcp);
  g_test_add_func ("/subscriber-probe/wrong-password", test_wrong_password);
  g_test_add_func ("/subscriber-probe/dead-port-times-out", test_dead_port);
  g_test_add_func ("/subscriber-probe/cancel-and-shutdown", test_cancel_and_shutdown);
  return g_test_run ();
}
