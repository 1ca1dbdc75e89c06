/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-event-body.h"
#include "pl-park-lot.h"
#include "pl-subscriber.h"
#include "pl-test-util.h"

#include <string.h>

/* PlSubscriber against a real SIP peer on loopback: sipp in UAS mode playing
 * a park-slot notifier (tests/park/sipp-*.xml). */

typedef struct
{
  GPtrArray *states; /* of "STATE reason" strings */
  GPtrArray *bodies; /* of GBytes */
  GPtrArray *ctypes; /* of strings */
  guint n_active;
  guint n_terminated;
  guint n_failed;
  guint n_pending;
  PlParkLot *lot; /* fed like the park service would */
  guint16 port;
  char *domain; /* where sipp listens */
  GSubprocess *sipp;
  gboolean sipp_done;
  gboolean sipp_ok;
  char *sipp_error;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->states = g_ptr_array_new_with_free_func (g_free);
  f->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  f->ctypes = g_ptr_array_new_with_free_func (g_free);
  f->port = pl_test_free_sip_port ();
  f->domain = g_strdup_printf ("127.0.0.1:%u", f->port);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->sipp);
  g_ptr_array_unref (f->states);
  g_ptr_array_unref (f->bodies);
  g_ptr_array_unref (f->ctypes);
  g_clear_object (&f->lot);
  g_free (f->domain);
  g_free (f->sipp_error);
}

static void
on_state (PlSubscriber *sub, const char *uri, PlSubscriptionState state, const char *reason,
          Fixture *f)
{
  g_ptr_array_add (f->states, g_strdup_printf ("%d %s", state, reason ? reason : ""));
  g_test_message ("state %s: %d (%s)", uri, state, reason);
  switch (state)
    {
      case PL_SUBSCRIPTION_STATE_PENDING:
        f->n_pending++;
        break;
      case PL_SUBSCRIPTION_STATE_ACTIVE:
        f->n_active++;
        break;
      case PL_SUBSCRIPTION_STATE_TERMINATED:
        f->n_terminated++;
        break;
      case PL_SUBSCRIPTION_STATE_FAILED:
      default:
        f->n_failed++;
        break;
    }
  /* as the park service does it */
  if (f->lot != NULL)
    pl_park_lot_apply_subscription_state (f->lot, uri, state);
}

static void
on_notification (PlSubscriber *sub, const char *uri, const char *content_type, GBytes *body,
                 Fixture *f)
{
  g_ptr_array_add (f->bodies, g_bytes_ref (body));
  g_ptr_array_add (f->ctypes, g_strdup (content_type));
  if (f->lot != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (body, &len);
      g_autoptr (GError) error = NULL;

      pl_park_lot_apply_notify (f->lot, uri, content_type, data, len, g_get_real_time (), &error);
      g_assert_no_error (error);
    }
}

static void
count_parked (PlParkLot *lot, PlParkSlot *slot, guint *counter)
{
  (*counter)++;
}

static void
sipp_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr (GError) error = NULL;

  f->sipp_ok = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  if (error != NULL)
    f->sipp_error = g_strdup (error->message);
  f->sipp_done = TRUE;
}

static GSubprocess *
start_sipp (const char *scenario, guint16 port, guint calls, const char *transport, Fixture *f)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "park", scenario, NULL);
  g_autofree char *port_s = g_strdup_printf ("%u", port);
  g_autofree char *calls_s = g_strdup_printf ("%u", calls);
  g_autofree char *logdir = pl_test_artifact_dir ("subscriber");
  g_autofree char *sipp = g_find_program_in_path ("sipp");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  if (sipp == NULL)
    return NULL;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* sipp writes its error trace into the working directory */
  g_subprocess_launcher_set_cwd (launcher, logdir);
  proc = g_subprocess_launcher_spawn (
      launcher, &error, sipp, "-sf", path, "-i", "127.0.0.1", "-p", port_s, "-t", transport, "-m",
      calls_s, "-timeout", "25s", "-timeout_error", "-nostdin", "-trace_err", "-trace_msg", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (proc, NULL, sipp_exited, f);
  return proc;
}

/* Starts sipp playing @scenario and a subscriber wired to @f. The retry
 * backoff is short: sipp may still be starting when the first SUBSCRIBE goes
 * out. Returns NULL, the test skipped, when sipp is not installed. */
static PlSubscriber *
start_peer (Fixture *f, const char *scenario, guint calls, PlSipTransport transport,
            const char *user, const char *auth_user, const char *password)
{
  g_autoptr (GError) error = NULL;
  PlSubscriber *sub;

  f->sipp
      = start_sipp (scenario, f->port, calls, transport == PL_SIP_TRANSPORT_TCP ? "t1" : "u1", f);
  if (f->sipp == NULL)
    {
      g_test_skip ("sipp (Debian package sip-tester) is not installed");
      return NULL;
    }
  sub = pl_subscriber_new (user, auth_user, password, f->domain, transport, "127.0.0.1", &error);
  g_assert_no_error (error);
  g_signal_connect (sub, "state", G_CALLBACK (on_state), f);
  g_signal_connect (sub, "notification", G_CALLBACK (on_notification), f);
  pl_subscriber_set_retry_interval (sub, 100, 1000);
  return sub;
}

static void
test_dialog_notifier (Fixture *f, gconstpointer transport_p)
{
  PlSipTransport transport = GPOINTER_TO_INT (transport_p);
  g_autoptr (PlSubscriber) sub = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autofree char *uri = g_strdup_printf ("sip:701@%s", f->domain);
  static const gboolean expected_busy[] = { FALSE, TRUE, FALSE, FALSE, TRUE, FALSE };
  guint lot_parked = 0;

  f->lot = pl_park_lot_new (config);
  g_signal_connect (f->lot, "parked", G_CALLBACK (count_parked), &lot_parked);
  sub = start_peer (f, "sipp-park-notifier.xml", 2, transport, "alice", NULL, "secret");
  if (sub == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (sub), (gpointer *)&sub);
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG);

  /* both dialogs ran to completion inside sipp, which checked Event, Accept
   * and the digest response, and saw the refresh */
  g_assert_true (PL_TEST_WAIT (f->sipp_done, 30000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  g_assert_true (f->sipp_ok);
  g_assert_true (PL_TEST_WAIT (f->n_terminated >= 2 && f->bodies->len >= 6, 5000));

  g_assert_cmpuint (f->bodies->len, ==, G_N_ELEMENTS (expected_busy));
  for (guint i = 0; i < f->bodies->len; i++)
    {
      gsize len;
      const char *data = g_bytes_get_data (g_ptr_array_index (f->bodies, i), &len);
      g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (data, len, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (g_ptr_array_index (f->ctypes, i), ==, "application/dialog-info+xml");
      g_assert_cmpint (pl_dialog_info_is_busy (info), ==, expected_busy[i]);
    }
  g_assert_cmpuint (f->n_active, >=, 2);
  /* one PENDING per SUBSCRIBE dialog: the first, the resubscription, and the
   * one after the second termination (which finds sipp gone) */
  g_assert_true (PL_TEST_WAIT (f->n_pending >= 3, 5000));
  {
    gboolean seen_noresource = FALSE;

    for (guint i = 0; i < f->states->len; i++)
      if (g_str_equal (g_ptr_array_index (f->states, i), "2 noresource"))
        seen_noresource = TRUE;
    g_assert_true (seen_noresource);
  }
  /* the model saw two parks, and the slot is stale after the termination */
  g_assert_cmpuint (lot_parked, ==, 2);
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (f->lot, 701)), ==,
                   PL_PARK_SLOT_STALE);

  pl_subscriber_shutdown (sub);
  /* nothing arrives after shutdown */
  {
    guint n = f->states->len;

    pl_test_spin (200);
    g_assert_cmpuint (f->states->len, ==, n);
  }
  g_clear_object (&sub);
  g_assert_null (sub);
}

/* RFC 4662: one subscription for the whole lot, multipart/related bodies. */
static void
test_list_subscription (Fixture *f, gconstpointer data)
{
  g_autoptr (PlSubscriber) sub = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autofree char *uri = NULL;
  guint parked = 0, retrieved = 0;

  config->subscribe = PL_PARK_SUBSCRIBE_LIST;
  config->list_uri = g_strdup ("sip:parkslots@{domain}");
  uri = pl_park_lot_config_subscribe_uri (config, PL_PARK_ANY_SLOT, f->domain, &error);
  g_assert_no_error (error);
  f->lot = pl_park_lot_new (config);
  g_signal_connect (f->lot, "parked", G_CALLBACK (count_parked), &parked);
  g_signal_connect (f->lot, "retrieved", G_CALLBACK (count_parked), &retrieved);
  sub = start_peer (f, "sipp-park-list-notifier.xml", 1, PL_SIP_TRANSPORT_UDP, "bob", NULL,
                    "secret");
  if (sub == NULL)
    return;
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG_LIST);

  g_assert_true (PL_TEST_WAIT (f->sipp_done, 30000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  g_assert_true (PL_TEST_WAIT (f->n_terminated >= 1, 5000));
  g_assert_cmpuint (f->bodies->len, ==, 3);
  /* full state made every slot free; 701 was parked and retrieved */
  g_assert_cmpuint (parked, ==, 1);
  g_assert_cmpuint (retrieved, ==, 1);
  /* then the list subscription ended: every slot is unknown, not free */
  g_assert_true (pl_park_lot_get_stale (f->lot));
  for (int slot = 701; slot <= 710; slot++)
    g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (f->lot, slot)), ==,
                     PL_PARK_SLOT_STALE);
  g_clear_object (&sub);
}

/* FreeSWITCH presence on park+6001, and its Event-less final NOTIFY. */
static void
test_freeswitch_presence (Fixture *f, gconstpointer data)
{
  g_autoptr (PlSubscriber) sub = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Valet", PL_PARK_PROFILE_FREESWITCH);
  g_autofree char *uri = NULL;
  guint parked = 0, retrieved = 0;

  config->subscribe = PL_PARK_SUBSCRIBE_PRESENCE;
  uri = pl_park_lot_config_subscribe_uri (config, 6001, f->domain, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (uri, "sip:park+6001@"));
  f->lot = pl_park_lot_new (config);
  g_signal_connect (f->lot, "parked", G_CALLBACK (count_parked), &parked);
  g_signal_connect (f->lot, "retrieved", G_CALLBACK (count_parked), &retrieved);
  sub = start_peer (f, "sipp-park-fs-presence-notifier.xml", 2, PL_SIP_TRANSPORT_UDP, "1001", NULL,
                    "pw1001");
  if (sub == NULL)
    return;
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_PRESENCE);

  /* sipp checked the 200 to the Event-less NOTIFY, the unsubscribe of the
   * dead dialog and the second subscription */
  g_assert_true (PL_TEST_WAIT (f->sipp_done, 30000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  g_assert_true (PL_TEST_WAIT (f->n_terminated >= 2, 5000));
  g_assert_cmpuint (f->bodies->len, ==, 4);
  g_assert_cmpuint (f->n_active, >=, 2);
  /* Empty, Holding, then after resubscribing Empty (retrieved), Holding */
  g_assert_cmpuint (parked, ==, 2);
  g_assert_cmpuint (retrieved, ==, 1);
  g_clear_object (&sub);
}

/* A PBX that stops answering: the subscription must be reported lost. */
static void
test_silent_notifier (Fixture *f, gconstpointer data)
{
  g_autoptr (PlSubscriber) sub = NULL;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autofree char *uri = g_strdup_printf ("sip:701@%s", f->domain);
  gboolean seen_silence = FALSE;

  f->lot = pl_park_lot_new (config);
  sub = start_peer (f, "sipp-park-silent-notifier.xml", 1, PL_SIP_TRANSPORT_UDP, "alice", NULL,
                    "secret");
  if (sub == NULL)
    return;
  /* the retry after the silence must not come before the assertions */
  pl_subscriber_set_retry_interval (sub, 60000, 60000);
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG);

  g_assert_true (PL_TEST_WAIT (f->n_active >= 1 && f->bodies->len >= 1, 10000));
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (f->lot, 701)), ==,
                   PL_PARK_SLOT_OCCUPIED);
  /* sipp saw the refresh before the expiry, then left */
  g_assert_true (PL_TEST_WAIT (f->sipp_done, 10000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  g_assert_true (PL_TEST_WAIT (f->n_failed >= 1, 10000));
  for (guint i = 0; i < f->states->len; i++)
    if (strstr (g_ptr_array_index (f->states, i), "no NOTIFY") != NULL)
      seen_silence = TRUE;
  g_assert_true (seen_silence);
  /* not free: unknown */
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (f->lot, 701)), ==,
                   PL_PARK_SLOT_STALE);
  g_clear_object (&sub);
}

/* unsubscribe: SUBSCRIBE Expires: 0 in the dialog, then silence. */
static void
test_unsubscribe (Fixture *f, gconstpointer data)
{
  g_autoptr (PlSubscriber) sub = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:701@%s", f->domain);
  guint n_states;

  sub = start_peer (f, "sipp-park-unsubscribe.xml", 1, PL_SIP_TRANSPORT_UDP, "alice", NULL,
                    "secret");
  if (sub == NULL)
    return;
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG);
  /* subscribing again to the same URI and kind changes nothing */
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG);

  g_assert_true (PL_TEST_WAIT (f->n_active >= 1 && f->bodies->len >= 1, 10000));
  n_states = f->states->len;
  pl_subscriber_unsubscribe (sub, uri);
  /* sipp saw Expires: 0 and got its final NOTIFY answered */
  g_assert_true (PL_TEST_WAIT (f->sipp_done, 10000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  /* and nothing was reported for the URI after the unsubscribe */
  pl_test_spin (300);
  g_assert_cmpuint (f->states->len, ==, n_states);
  g_assert_cmpuint (f->bodies->len, ==, 1);
  g_assert_cmpuint (f->n_pending, ==, 1);
  g_clear_object (&sub);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_autoptr (PlSubscriber) sub = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:701@%s", f->domain);
  gboolean seen_401 = FALSE;

  sub = start_peer (f, "sipp-park-wrong-password.xml", 1, PL_SIP_TRANSPORT_UDP, "alice",
                    "alice-auth", "wrong");
  if (sub == NULL)
    return;
  pl_subscriber_subscribe (sub, uri, PL_SUBSCRIPTION_DIALOG);

  g_assert_true (PL_TEST_WAIT (f->sipp_done, 30000));
  g_assert_cmpstr (f->sipp_error, ==, NULL);
  g_assert_true (PL_TEST_WAIT (f->n_failed >= 1, 5000));
  for (guint i = 0; i < f->states->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->states, i), "3 401"))
      seen_401 = TRUE;
  g_assert_true (seen_401);
  g_assert_cmpuint (f->n_active, ==, 0);
  g_assert_cmpuint (f->bodies->len, ==, 0);
  g_clear_object (&sub);
}

static void
test_bad_arguments (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlSubscriber) sub = NULL;

  sub = pl_subscriber_new ("al\r\nice", NULL, "x", "127.0.0.1", PL_SIP_TRANSPORT_UDP, "127.0.0.1",
                           &error);
  g_assert_null (sub);
  g_assert_error (error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  sub = pl_subscriber_new ("alice", NULL, "x", "127.0.0.1", PL_SIP_TRANSPORT_UDP, "not-an-ip",
                           &error);
  g_assert_null (sub);
  g_assert_error (error, PL_SUBSCRIBER_ERROR, PL_SUBSCRIBER_ERROR_START_FAILED);
}

/* Two subscribers (two libre threads) start and stop independently. */
static void
test_start_stop (void)
{
  g_autoptr (GError) error = NULL;
  PlSubscriber *a = pl_subscriber_new ("alice", NULL, "x", "127.0.0.1:9", PL_SIP_TRANSPORT_UDP,
                                       "127.0.0.1", &error);
  PlSubscriber *b;

  g_assert_no_error (error);
  b = pl_subscriber_new ("bob", NULL, "y", "127.0.0.1:9", PL_SIP_TRANSPORT_TCP, "127.0.0.1",
                         &error);
  g_assert_no_error (error);
  g_object_add_weak_pointer (G_OBJECT (a), (gpointer *)&a);
  g_object_add_weak_pointer (G_OBJECT (b), (gpointer *)&b);
  g_object_unref (a);
  g_assert_null (a);
  pl_subscriber_shutdown (b);
  pl_subscriber_shutdown (b);
  pl_subscriber_subscribe (b, "sip:701@127.0.0.1:9", PL_SUBSCRIPTION_DIALOG);
  g_object_unref (b);
  g_assert_null (b);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/subscriber/bad-arguments", test_bad_arguments);
  g_test_add_func ("/subscriber/start-stop", test_start_stop);
  g_test_add ("/subscriber/auth-notify-refresh-resubscribe", Fixture,
              GINT_TO_POINTER (PL_SIP_TRANSPORT_UDP), fixture_setup, test_dialog_notifier,
              fixture_teardown);
  g_test_add ("/subscriber/tcp", Fixture, GINT_TO_POINTER (PL_SIP_TRANSPORT_TCP), fixture_setup,
              test_dialog_notifier, fixture_teardown);
  g_test_add ("/subscriber/silent-notifier", Fixture, NULL, fixture_setup, test_silent_notifier,
              fixture_teardown);
  g_test_add ("/subscriber/unsubscribe", Fixture, NULL, fixture_setup, test_unsubscribe,
              fixture_teardown);
  g_test_add ("/subscriber/wrong-password", Fixture, NULL, fixture_setup, test_wrong_password,
              fixture_teardown);
  g_test_add ("/subscriber/rfc4662-list", Fixture, NULL, fixture_setup, test_list_subscription,
              fixture_teardown);
  g_test_add ("/subscriber/freeswitch-presence", Fixture, NULL, fixture_setup,
              test_freeswitch_presence, fixture_teardown);
  return g_test_run ();
}
