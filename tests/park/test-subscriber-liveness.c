/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-subscriber-liveness"

#include "pbx-test-lib.h"
#include "pl-subscriber.h"
#include "pl-test-util.h"

/* The subscriber's keepalive against the loopback test PBX, frozen and
 * killed: it reports the server gone within 10 s and drops every
 * subscription, and when the server answers again every subscription is
 * back (a fresh NOTIFY each) within 5 s. The desks' view of the same
 * (stale lots, registration) is in test-park-liveness.c. */

#define SLOTS 3

typedef struct
{
  TestPbx *pbx;
  PlSubscriber *sub;
  PlServerState server_state;
  guint server_changes;
  char *uris[SLOTS];
  PlSubscriptionState states[SLOTS];
  guint notifications[SLOTS];
  guint activations; /* ACTIVE reports, all slots together */
} Fixture;

static int
slot_index (Fixture *f, const char *uri)
{
  for (int i = 0; i < SLOTS; i++)
    if (g_strcmp0 (f->uris[i], uri) == 0)
      return i;
  g_assert_not_reached ();
}

static void
on_state (PlSubscriber *sub, const char *uri, PlSubscriptionState state, const char *reason,
          Fixture *f)
{
  int i = slot_index (f, uri);

  f->states[i] = state;
  f->activations += state == PL_SUBSCRIPTION_STATE_ACTIVE;
}

static void
on_notification (PlSubscriber *sub, const char *uri, const char *type, GBytes *body, Fixture *f)
{
  f->notifications[slot_index (f, uri)]++;
}

static void
on_server_state (PlSubscriber *sub, PlServerState state, const char *reason, Fixture *f)
{
  g_test_message ("server state %d: %s", state, reason);
  f->server_state = state;
  f->server_changes++;
}

static gboolean
all_active (Fixture *f)
{
  for (int i = 0; i < SLOTS; i++)
    if (f->states[i] != PL_SUBSCRIPTION_STATE_ACTIVE)
      return FALSE;
  return TRUE;
}

static gboolean
none_active (Fixture *f)
{
  for (int i = 0; i < SLOTS; i++)
    if (f->states[i] == PL_SUBSCRIPTION_STATE_ACTIVE)
      return FALSE;
  return TRUE;
}

static guint
total_notifications (Fixture *f)
{
  guint n = 0;

  for (int i = 0; i < SLOTS; i++)
    n += f->notifications[i];
  return n;
}

static gboolean
each_notified_since (Fixture *f, const guint *before)
{
  for (int i = 0; i < SLOTS; i++)
    if (f->notifications[i] <= before[i])
      return FALSE;
  return TRUE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  PlSipTransport transport = GPOINTER_TO_INT (data);
  g_autofree char *domain = NULL;
  g_autoptr (GError) error = NULL;

  f->pbx = test_pbx_start (NULL);
  domain = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
  f->sub = pl_subscriber_new ("alice", NULL, "alicepw", domain, transport, "127.0.0.1", &error);
  g_assert_no_error (error);
  g_signal_connect (f->sub, "state", G_CALLBACK (on_state), f);
  g_signal_connect (f->sub, "notification", G_CALLBACK (on_notification), f);
  g_signal_connect (f->sub, "server-state", G_CALLBACK (on_server_state), f);
  pl_subscriber_set_liveness (f->sub, &pl_liveness_default_policy);
  for (int i = 0; i < SLOTS; i++)
    {
      f->uris[i] = g_strdup_printf ("sip:%d@%s", 701 + i, domain);
      f->states[i] = PL_SUBSCRIPTION_STATE_PENDING;
      pl_subscriber_subscribe (f->sub, f->uris[i], PL_SUBSCRIPTION_DIALOG);
    }
  g_assert_true (PL_TEST_WAIT (f->server_state == PL_SERVER_STATE_ANSWERING && all_active (f)
                                   && total_notifications (f) >= SLOTS,
                               10000));
  g_assert_cmpint (pl_subscriber_get_server_state (f->sub), ==, PL_SERVER_STATE_ANSWERING);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  pl_subscriber_shutdown (f->sub);
  g_assert_finalize_object (f->sub);
  test_pbx_stop (f->pbx);
  for (int i = 0; i < SLOTS; i++)
    g_free (f->uris[i]);
}

/* Not answering within 10 s of going silent, and nothing looks alive
 * meanwhile. */
static void
expect_outage (Fixture *f, const char *what)
{
  gint64 silent_since = g_get_monotonic_time ();
  guint notified;

  g_assert_true (PL_TEST_WAIT (f->server_state == PL_SERVER_STATE_NOT_ANSWERING, 10000));
  g_test_message ("%s → not answering: %.0f ms", what,
                  (g_get_monotonic_time () - silent_since) / 1000.0);
  g_assert_cmpint (pl_subscriber_get_server_state (f->sub), ==, PL_SERVER_STATE_NOT_ANSWERING);
  /* the subscriptions' ends follow the server state */
  g_assert_true (PL_TEST_WAIT (none_active (f), 1000));
  for (int i = 0; i < SLOTS; i++)
    g_assert_cmpint (f->states[i], ==, PL_SUBSCRIPTION_STATE_FAILED);
  /* suspended: no resubscription attempts come back as ACTIVE */
  notified = total_notifications (f);
  pl_test_spin (2500);
  g_assert_true (none_active (f));
  g_assert_cmpuint (total_notifications (f), ==, notified);
  g_assert_cmpint (f->server_state, ==, PL_SERVER_STATE_NOT_ANSWERING);
}

static void
expect_recovery (Fixture *f, const char *what)
{
  gint64 back_at = g_get_monotonic_time ();
  guint before[SLOTS];

  for (int i = 0; i < SLOTS; i++)
    before[i] = f->notifications[i];
  g_assert_true (PL_TEST_WAIT (f->server_state == PL_SERVER_STATE_ANSWERING && all_active (f)
                                   && each_notified_since (f, before),
                               5000));
  g_test_message ("%s → every subscription notified: %.0f ms", what,
                  (g_get_monotonic_time () - back_at) / 1000.0);
}

static void
test_freeze_thaw (Fixture *f, gconstpointer data)
{
  test_pbx_cmd_ok (f->pbx, "faults freeze");
  expect_outage (f, "freeze");
  test_pbx_cmd_ok (f->pbx, "faults thaw");
  expect_recovery (f, "thaw");
  /* and again: the second outage is handled like the first */
  test_pbx_cmd_ok (f->pbx, "faults freeze");
  expect_outage (f, "second freeze");
  test_pbx_cmd_ok (f->pbx, "faults thaw");
  expect_recovery (f, "second thaw");
}

static void
test_kill_restart (Fixture *f, gconstpointer data)
{
  test_pbx_kill (f->pbx);
  expect_outage (f, "kill");
  test_pbx_restart_killed (f->pbx);
  expect_recovery (f, "restart");
}

/* Off by default: without a keepalive nothing is claimed about the
 * server. */
static void
test_off (void)
{
  TestPbx *pbx = test_pbx_start (NULL);
  g_autofree char *domain = g_strdup_printf ("127.0.0.1:%u", pbx->sip_port);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscriber) sub = pl_subscriber_new ("alice", NULL, "alicepw", domain,
                                                    PL_SIP_TRANSPORT_UDP, "127.0.0.1", &error);
  Fixture f = { 0 };

  g_assert_no_error (error);
  g_signal_connect (sub, "server-state", G_CALLBACK (on_server_state), &f);
  pl_test_spin (500);
  g_assert_cmpuint (f.server_changes, ==, 0);
  g_assert_cmpint (pl_subscriber_get_server_state (sub), ==, PL_SERVER_STATE_UNKNOWN);
  /* on, then off again: back to unknown */
  pl_subscriber_set_liveness (sub, &pl_liveness_default_policy);
  g_assert_true (PL_TEST_WAIT (f.server_state == PL_SERVER_STATE_ANSWERING, 5000));
  pl_subscriber_set_liveness (sub, NULL);
  g_assert_true (PL_TEST_WAIT (f.server_state == PL_SERVER_STATE_UNKNOWN, 5000));
  pl_subscriber_shutdown (sub);
  test_pbx_stop (pbx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, transport, func)                                                                 \
  g_test_add (path, Fixture, GINT_TO_POINTER (transport), fixture_setup, func, fixture_teardown)
  ADD ("/subscriber-liveness/udp/freeze-thaw", PL_SIP_TRANSPORT_UDP, test_freeze_thaw);
  ADD ("/subscriber-liveness/tcp/freeze-thaw", PL_SIP_TRANSPORT_TCP, test_freeze_thaw);
  ADD ("/subscriber-liveness/udp/kill-restart", PL_SIP_TRANSPORT_UDP, test_kill_restart);
  ADD ("/subscriber-liveness/tcp/kill-restart", PL_SIP_TRANSPORT_TCP, test_kill_restart);
  g_test_add_func ("/subscriber-liveness/off", test_off);
  return g_test_run ();
}
