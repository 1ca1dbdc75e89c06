/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PlAmiFeed, the manager client, against the test PBX's manager port: login
 * and snapshot, events, both privilege levels, every fault the user must be
 * told about, reconnects, TLS with the certificate checked; and the
 * reconnect backoff with jitter. */
#define G_LOG_DOMAIN "test-ami-feed"

#include <string.h>

#include "pbx-test-lib.h"
#include "pl-ami-feed.h"
#include "pl-enums.h"
#include "pl-test-util.h"

#define WAIT_MS 15000

static const char managers[] = "[manager admin]\nsecret=adminpw\nread=all\nwrite=all\n"
                               "[manager desk]\nsecret=deskpw\nread=call\nwrite=\n"
                               "[user caller3]\npassword=caller3pw\next=203\n"
                               "display=Anna \"Front Desk\" O'Neil\n";

typedef struct
{
  TestPbx *pbx;
  PlAmiFeed *feed;
  GPtrArray *events; /* PlParkFeedEvent copies */
  TestPhone *caller1;
} Fixture;

static void
on_event (PlParkFeed *feed, const PlParkFeedEvent *event, Fixture *f)
{
  g_ptr_array_add (f->events, pl_park_feed_event_copy (event));
}

static char *
tls_file (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "pbx", "tls", name, NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *keys = NULL;
  g_autofree char *pem = tls_file (data ? data : "manager.pem");

  keys = g_strdup_printf ("[manager]\ntls_pem=%s\n%s", pem, managers);
  f->pbx = test_pbx_start (keys);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_feed_event_free);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  if (f->feed)
    {
      gpointer feed = f->feed;

      pl_park_feed_stop (PL_PARK_FEED (f->feed));
      g_object_add_weak_pointer (feed, &feed);
      g_object_unref (f->feed);
      /* the cancelled reads and writes let go of it */
      g_assert_true (PL_TEST_WAIT (feed == NULL, 5000));
    }
  g_clear_pointer (&f->caller1, test_phone_stop);
  test_pbx_stop (f->pbx);
  g_ptr_array_unref (f->events);
}

static PlAmiFeed *
start_feed (Fixture *f, guint16 port, const char *user, const char *secret, gboolean tls)
{
  f->feed = pl_ami_feed_new ("127.0.0.1", port, user, secret, tls);
  g_signal_connect (f->feed, "event", G_CALLBACK (on_event), f);
  /* Asterisk answers a wrong secret only after a second: above that */
  pl_ami_feed_set_timing (f->feed, 500, 2000);
  pl_park_feed_start (PL_PARK_FEED (f->feed));
  return f->feed;
}

static PlParkFeedStatus
status (Fixture *f)
{
  return pl_park_feed_get_status (PL_PARK_FEED (f->feed));
}

static char *
status_text (Fixture *f)
{
  return pl_park_feed_dup_status_text (PL_PARK_FEED (f->feed));
}

static const PlParkFeedEvent *
find_event (Fixture *f, PlParkFeedEventKind kind, guint from)
{
  for (guint i = from; i < f->events->len; i++)
    {
      const PlParkFeedEvent *e = g_ptr_array_index (f->events, i);

      if (e->kind == kind)
        return e;
    }
  return NULL;
}

/* caller1 dials the park extension: Asterisk's Park() parks the caller
 * itself on the next slot. */
static void
caller_parks_itself (Fixture *f)
{
  g_autofree char *park = g_strdup_printf ("sip:700@127.0.0.1:%u", f->pbx->sip_port);

  if (f->caller1 == NULL)
    {
      f->caller1 = test_phone_start (f->pbx, "caller1", NULL);
      g_assert_true (test_pbx_wait_registered (f->pbx, "caller1", WAIT_MS));
    }
  test_phone_cmd (f->caller1, "dial", park);
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, WAIT_MS));
}

/* ---- backoff -------------------------------------------------------------- */

typedef struct
{
  guint attempt;
  double random;
  guint expected_ms;
} BackoffCase;

static const BackoffCase backoff_cases[] = {
  { 0, 0.0, 250 },    { 0, 0.5, 2625 },    { 0, 0.999999, 4999 }, { 1, 0.0, 250 },
  { 1, 1.0, 10000 },  { 2, 1.0, 20000 },   { 3, 0.5, 20125 },     { 4, 1.0, 80000 },
  { 5, 1.0, 120000 }, { 60, 1.0, 120000 }, { 1000, 0.5, 60125 },  { 0, -3.0, 250 },
  { 0, 7.0, 5000 },
};

static void
test_backoff_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (backoff_cases); i++)
    {
      const BackoffCase *c = &backoff_cases[i];

      g_test_message ("attempt %u random %g", c->attempt, c->random);
      g_assert_cmpuint (pl_park_feed_backoff_ms (c->attempt, c->random), ==, c->expected_ms);
    }
}

/* A thousand desks lose their PBX at the same moment: their first retries
 * spread over seconds, and no later round bunches up either. */
static void
test_backoff_spread (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);
  guint buckets[130] = { 0 };
  guint worst;

  for (guint attempt = 0; attempt < 4; attempt++)
    {
      memset (buckets, 0, sizeof buckets);
      for (guint desk = 0; desk < 1000; desk++)
        {
          guint ms = pl_park_feed_backoff_ms (attempt, g_rand_double (rand));

          g_assert_cmpuint (ms, >=, PL_PARK_FEED_BACKOFF_MIN_MS);
          buckets[ms / 1000]++;
        }
      guint ceiling = MIN (PL_PARK_FEED_BACKOFF_CAP_MS, PL_PARK_FEED_BACKOFF_BASE_MS << attempt);
      guint mean = 1000 * 1000 / (ceiling - PL_PARK_FEED_BACKOFF_MIN_MS);

      worst = 0;
      for (guint s = 0; s < G_N_ELEMENTS (buckets); s++)
        worst = MAX (worst, buckets[s]);
      g_test_message ("attempt %u: at most %u of 1000 desks in one second (mean %u)", attempt,
                      worst, mean);
      /* spread evenly: the first round over 4.75 s, about 210 a second, each
       * later round over twice as long; never a burst */
      g_assert_cmpuint (worst, <, mean * 3 / 2 + 20);
    }
}

/* ---- against the PBX -------------------------------------------------------- */

static void
test_login_and_snapshot (Fixture *f, gconstpointer data)
{
  const PlParkFeedEvent *parked;
  g_autofree char *text = NULL;

  caller_parks_itself (f);
  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTING);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, 0), WAIT_MS));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Connected");
  g_assert_false (pl_park_feed_get_events_only (PL_PARK_FEED (f->feed)));

  /* parked before we came: named by the list */
  parked = find_event (f, PL_PARK_FEED_EVENT_PARKED, 0);
  g_assert_nonnull (parked);
  g_assert_true (parked->snapshot);
  g_assert_cmpstr (parked->lot, ==, "default");
  g_assert_cmpstr (parked->slot, ==, "701");
  g_assert_cmpstr (parked->caller_name, ==, "Caller One");
  g_assert_cmpstr (parked->caller_number, ==, "201");
  /* its channels went by before the feed: the endpoint is all there is */
  g_assert_cmpstr (parked->parked_by, ==, "caller1");
  g_assert_cmpint (parked->seconds_left, >, 40);
  g_assert_cmpint (parked->duration, >=, 0);
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 1);
}

static void
test_live_events (Fixture *f, gconstpointer data)
{
  const PlParkFeedEvent *e;

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, 0), WAIT_MS));
  g_assert_null (find_event (f, PL_PARK_FEED_EVENT_PARKED, 0));
  caller_parks_itself (f);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_PARKED, 0), WAIT_MS));
  e = find_event (f, PL_PARK_FEED_EVENT_PARKED, 0);
  g_assert_false (e->snapshot);
  /* the Newchannel before it named the endpoint */
  g_assert_cmpstr (e->parked_by, ==, "Caller One");
  g_assert_cmpint (e->duration, ==, 0);
  test_phone_cmd (f->caller1, "hangup", NULL);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_GAVE_UP, 0), WAIT_MS));
  e = find_event (f, PL_PARK_FEED_EVENT_GAVE_UP, 0);
  g_assert_cmpstr (e->slot, ==, "701");
  g_assert_cmpstr (e->park_id, ==, find_event (f, PL_PARK_FEED_EVENT_PARKED, 0)->park_id);
}

/* Asterisk C-escapes caller names in events (O\"Neil); the feed gives them
 * back as written. */
static void
test_escaped_names (Fixture *f, gconstpointer data)
{
  g_autofree char *park = g_strdup_printf ("sip:700@127.0.0.1:%u", f->pbx->sip_port);
  TestPhone *anna;
  const PlParkFeedEvent *e;

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_CONNECTED, WAIT_MS));
  anna = test_phone_start (f->pbx, "caller3", NULL);
  g_assert_true (test_pbx_wait_registered (f->pbx, "caller3", WAIT_MS));
  test_phone_cmd (anna, "dial", park);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_PARKED, 0), WAIT_MS));
  e = find_event (f, PL_PARK_FEED_EVENT_PARKED, 0);
  g_assert_cmpstr (e->caller_name, ==, "Anna \"Front Desk\" O'Neil");
  g_assert_cmpstr (e->parked_by, ==, "Anna \"Front Desk\" O'Neil");
  test_phone_stop (anna);
}

/* read = call, write = nothing: the list is refused, events still flow, and
 * the feed says so without failing. */
static void
test_read_only_user (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  caller_parks_itself (f);
  start_feed (f, f->pbx->ami_port, "desk", "deskpw", FALSE);
  g_assert_true (PL_TEST_WAIT (pl_park_feed_get_events_only (PL_PARK_FEED (f->feed)), WAIT_MS));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Connected — events only");
  /* the call parked before stays unnamed: no snapshot at all */
  g_assert_null (find_event (f, PL_PARK_FEED_EVENT_PARKED, 0));
  g_assert_null (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, 0));
  test_phone_cmd (f->caller1, "hangup", NULL);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_GAVE_UP, 0), WAIT_MS));
  /* the give-up names the caller, so even this call gets a name at the end */
  g_assert_cmpstr (find_event (f, PL_PARK_FEED_EVENT_GAVE_UP, 0)->caller_name, ==, "Caller One");
}

static void
test_wrong_secret (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  start_feed (f, f->pbx->ami_port, "admin", "not-the-secret", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_AUTH_FAILED, WAIT_MS));
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Wrong user or secret");
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 0);
}

/* The PBX's switch: every login refused, even with the right secret. */
static void
test_wrong_secret_fault (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (f->pbx, "faults ami-wrong-secret on");

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_AUTH_FAILED, WAIT_MS));
}

static guint16
closed_port (void)
{
  guint16 port = pl_test_free_tcp_port ();

  return port;
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  start_feed (f, closed_port (), "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_REFUSED, WAIT_MS));
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Connection refused");
}

/* Accepts and says nothing: given up after the answer timeout. */
static void
test_silent_server (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (f->pbx, "faults ami-silent on");
  g_autofree char *text = NULL;
  gint64 t0 = g_get_monotonic_time ();

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_NOT_ANSWERING, WAIT_MS));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Server not answering");
}

/* A server that freezes mid-session is noticed by the Ping within
 * ping-interval + answer-timeout, and the feed comes back when it thaws. */
static void
test_frozen_then_back (Fixture *f, gconstpointer data)
{
  g_autofree char *on = NULL, *off = NULL;
  gint64 t0, took;

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_CONNECTED, WAIT_MS));
  on = test_pbx_cmd (f->pbx, "faults ami-silent on");
  t0 = g_get_monotonic_time ();
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_NOT_ANSWERING, WAIT_MS));
  took = g_get_monotonic_time () - t0;
  g_test_message ("frozen server noticed after %" G_GINT64_FORMAT " ms", took / 1000);
  /* 500 ms interval + 2000 ms timeout, with slack for a busy machine */
  g_assert_cmpint (took, <, 4 * G_USEC_PER_SEC);
  off = test_pbx_cmd (f->pbx, "faults ami-silent off");
  g_assert_true (PL_TEST_WAIT (pl_ami_feed_get_n_logins (f->feed) == 2, WAIT_MS));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
}

/* A quiet server is no dead server: no events and no Ping for longer than
 * the answer timeout keep the connection. */
static void
test_idle_stays_connected (Fixture *f, gconstpointer data)
{
  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  pl_ami_feed_set_timing (f->feed, 4000, 1000);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_CONNECTED, WAIT_MS));
  pl_test_spin (2500);
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 1);
}

/* The manager drops us without a word: lost, reconnected, a fresh list. */
static void
test_dropped_reconnects (Fixture *f, gconstpointer data)
{
  g_autofree char *drop = NULL;
  guint n;

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, 0), WAIT_MS));
  n = f->events->len;
  caller_parks_itself (f);
  drop = test_pbx_cmd (f->pbx, "faults ami-drop");
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_LOST, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, n), WAIT_MS));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 2);
  /* the new list names the call parked meanwhile */
  g_assert_nonnull (find_event (f, PL_PARK_FEED_EVENT_PARKED, n));
}

static gboolean
have_tls (void)
{
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return TRUE;
  g_test_skip ("no TLS backend (glib-networking)");
  return FALSE;
}

static GTlsDatabase *
test_ca (void)
{
  g_autofree char *ca = tls_file ("ca.pem");
  g_autoptr (GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (ca, &error);

  g_assert_no_error (error);
  return database;
}

static void
test_tls_trusted (Fixture *f, gconstpointer data)
{
  g_autoptr (GTlsDatabase) ca = NULL;

  if (!have_tls ())
    return;
  ca = test_ca ();
  g_assert_cmpuint (f->pbx->amis_port, >, 0);
  f->feed = pl_ami_feed_new ("127.0.0.1", f->pbx->amis_port, "admin", "adminpw", TRUE);
  g_signal_connect (f->feed, "event", G_CALLBACK (on_event), f);
  pl_ami_feed_set_tls_database (f->feed, ca);
  pl_park_feed_start (PL_PARK_FEED (f->feed));
  g_assert_true (PL_TEST_WAIT (find_event (f, PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE, 0), WAIT_MS));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_CONNECTED);
}

/* The system's CAs do not know the test CA: refused, with the reason. */
static void
test_tls_untrusted (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  if (!have_tls ())
    return;
  start_feed (f, f->pbx->amis_port, "admin", "adminpw", TRUE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_TLS_FAILED, WAIT_MS));
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Certificate not trusted: issued by an unknown authority");
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 0);
}

/* A certificate of the right CA, but for pbx.example.org. */
static void
test_tls_wrong_host (Fixture *f, gconstpointer data)
{
  g_autoptr (GTlsDatabase) ca = NULL;
  g_autofree char *text = NULL;

  if (!have_tls ())
    return;
  ca = test_ca ();
  f->feed = pl_ami_feed_new ("127.0.0.1", f->pbx->amis_port, "admin", "adminpw", TRUE);
  pl_ami_feed_set_tls_database (f->feed, ca);
  pl_park_feed_start (PL_PARK_FEED (f->feed));
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_TLS_FAILED, WAIT_MS));
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Certificate not trusted: it is for another host");
}

/* TLS asked for, plain TCP on the other end. */
static void
test_tls_to_plain_port (Fixture *f, gconstpointer data)
{
  if (!have_tls ())
    return;
  start_feed (f, f->pbx->ami_port, "admin", "adminpw", TRUE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_TLS_FAILED
                                   || status (f) == PL_PARK_FEED_STATUS_NOT_ANSWERING,
                               WAIT_MS));
  g_assert_cmpuint (pl_ami_feed_get_n_logins (f->feed), ==, 0);
}

/* Something else on the port (an admin typed the SSH port): said so. */
static gboolean
greet_wrongly (GSocketService *service, GSocketConnection *connection, GObject *source,
               gpointer user_data)
{
  static const char greeting[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), greeting,
                             strlen (greeting), NULL, NULL, NULL);
  return FALSE;
}

static void
test_not_asterisk (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocketService) service = g_socket_service_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (greet_wrongly), NULL);
  start_feed (f, port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_PROTOCOL_ERROR, WAIT_MS));
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Not an Asterisk manager interface");
  pl_park_feed_stop (PL_PARK_FEED (f->feed));
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

static void
test_stop (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  start_feed (f, f->pbx->ami_port, "admin", "adminpw", FALSE);
  g_assert_true (PL_TEST_WAIT (status (f) == PL_PARK_FEED_STATUS_CONNECTED, WAIT_MS));
  pl_park_feed_stop (PL_PARK_FEED (f->feed));
  g_assert_cmpint (status (f), ==, PL_PARK_FEED_STATUS_STOPPED);
  text = status_text (f);
  g_assert_cmpstr (text, ==, "Off");
  caller_parks_itself (f);
  pl_test_spin (300);
  g_assert_null (find_event (f, PL_PARK_FEED_EVENT_PARKED, 0));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/ami-feed/backoff-table", test_backoff_table);
  g_test_add_func ("/ami-feed/backoff-spread", test_backoff_spread);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ami-feed/login-and-snapshot", test_login_and_snapshot);
  ADD ("/ami-feed/live-events", test_live_events);
  ADD ("/ami-feed/escaped-names", test_escaped_names);
  ADD ("/ami-feed/read-only-user", test_read_only_user);
  ADD ("/ami-feed/wrong-secret", test_wrong_secret);
  ADD ("/ami-feed/wrong-secret-fault", test_wrong_secret_fault);
  ADD ("/ami-feed/refused", test_refused);
  ADD ("/ami-feed/silent-server", test_silent_server);
  ADD ("/ami-feed/frozen-then-back", test_frozen_then_back);
  ADD ("/ami-feed/idle-stays-connected", test_idle_stays_connected);
  ADD ("/ami-feed/dropped-reconnects", test_dropped_reconnects);
  ADD ("/ami-feed/tls-trusted", test_tls_trusted);
  ADD ("/ami-feed/tls-untrusted", test_tls_untrusted);
  g_test_add ("/ami-feed/tls-wrong-host", Fixture, "other-host.pem", fixture_setup,
              test_tls_wrong_host, fixture_teardown);
  ADD ("/ami-feed/tls-to-plain-port", test_tls_to_plain_port);
  ADD ("/ami-feed/not-asterisk", test_not_asterisk);
  ADD ("/ami-feed/stop", test_stop);
  return g_test_run ();
}
