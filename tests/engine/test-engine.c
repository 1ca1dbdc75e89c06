/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include <math.h>

#include "pl-baresip-engine.h"
#include "pl-test-peer.h"
#include "pl-wav.h"
#include "pl-test-util.h"

#define PASSWORD "s3cret"
#define WAIT_MS  15000

typedef struct
{
  PlTestRegistrar *registrar;
  PlBaresipEngine *engine;
  PlTestRecorder *rec;
  PlAccount *account;
  char *runtime_dir;
  char *our_uri;
  char *log_path;
} Fixture;

/* Engine on loopback with a null audio device (audio is tested in
 * test-engine-audio), registered with a fresh Kamailio. */
static void
fixture_setup_full (Fixture *f, const char *password, gboolean with_registrar,
                    guint register_timeout_ms, const char *audio_source)
{
  g_autoptr (PlBaresipOptions) o = pl_baresip_options_new ();
  const char *extra[] = { "alsa.so", "aufile.so", NULL };
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  guint16 sip_port = pl_test_free_sip_port ();
  guint16 reg_port;

  if (with_registrar)
    {
      f->registrar = pl_test_registrar_new (PASSWORD);
      reg_port = pl_test_registrar_port (f->registrar);
    }
  else
    reg_port = pl_test_free_sip_port (); /* nobody listens there */

  f->runtime_dir = pl_test_make_dir ("engine-rt");
  o->runtime_dir = g_strdup (f->runtime_dir);
  o->sip_listen = g_strdup_printf ("127.0.0.1:%u", sip_port);
  o->net_interface = g_strdup ("127.0.0.1");
  o->audio_player = g_strdup ("alsa,null");
  o->audio_source = audio_source ? g_strdup (audio_source)
                                 : g_strdup_printf ("aufile,%s", pl_test_silence_wav ());
  o->audio_alert = g_strdup ("alsa,null");
  o->extra_modules = g_strdupv ((char **)extra);
  o->log_file = g_strdup_printf ("%s/engine-%u.log", logdir, sip_port);
  f->log_path = g_strdup (o->log_file);
  o->register_timeout_ms = register_timeout_ms;
  o->regint = 60;
  o->restart_delay_ms = 200;

  f->engine = pl_baresip_engine_new (o);
  f->rec = pl_test_recorder_new (PL_ENGINE (f->engine));
  f->account = pl_account_new ("test");
  pl_account_set_user (f->account, "alice");
  {
    g_autofree char *domain = g_strdup_printf ("127.0.0.1:%u", reg_port);
    pl_account_set_domain (f->account, domain);
  }
  pl_account_set_password (f->account, password);
  f->our_uri = g_strdup_printf ("sip:alice@127.0.0.1:%u", sip_port);
  pl_engine_set_account (PL_ENGINE (f->engine), f->account);
  pl_engine_start (PL_ENGINE (f->engine));
  g_assert_true (PL_TEST_WAIT (
      pl_engine_get_state (PL_ENGINE (f->engine)) == PL_ENGINE_STATE_RUNNING, WAIT_MS));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  /* data: the engine's own "module,device" source instead of silence */
  fixture_setup_full (f, PASSWORD, TRUE, 0, data);
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (f->account) == PL_REGISTRATION_REGISTERED, WAIT_MS));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;

  pl_engine_stop (PL_ENGINE (f->engine));
  g_assert_cmpint (pl_engine_get_state (PL_ENGINE (f->engine)), ==, PL_ENGINE_STATE_STOPPED);
  /* No zombie, no leftover child: every baresip we started has been reaped. */
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (f->engine), 5000));
  g_clear_pointer (&f->rec, pl_test_recorder_free);
  g_assert_finalize_object (f->engine);
  g_assert_finalize_object (f->account);
  /* The private config dir (it could hold secrets) is gone. */
  dir = g_dir_open (f->runtime_dir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
  g_rmdir (f->runtime_dir);
  g_free (f->runtime_dir);
  g_free (f->our_uri);
  g_free (f->log_path);
  g_clear_pointer (&f->registrar, pl_test_registrar_free);
}

static void
test_register_ok (Fixture *f, gconstpointer data)
{
  const char *dir = pl_baresip_engine_get_config_dir (f->engine);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_null (pl_account_get_registration_error (f->account));
  g_assert_nonnull (pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_REGISTER_OK, NULL, 0));
  /* Private: 0700 dir, 0600 files, control port on loopback only. */
  g_assert_cmpint (stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (config, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (config, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "ctrl_tcp_listen\t127.0.0.1:"));
  g_assert_null (strstr (text, PASSWORD));
}

static void
test_register_wrong_password (void)
{
  Fixture f = { 0 };

  fixture_setup_full (&f, "wrong", TRUE, 0, NULL);
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (f.account) == PL_REGISTRATION_FAILED, WAIT_MS));
  g_assert_cmpstr (pl_account_get_registration_error (f.account), ==,
                   "Wrong user name or password");
  fixture_teardown (&f, NULL);
}

static void
test_register_unreachable (void)
{
  Fixture f = { 0 };
  gint64 start = g_get_monotonic_time ();

  fixture_setup_full (&f, PASSWORD, FALSE, 2000, NULL);
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (f.account) == PL_REGISTRATION_FAILED, WAIT_MS));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 12 * G_USEC_PER_SEC);
  g_message ("unreachable registrar: %s", pl_account_get_registration_error (f.account));
  g_assert_true (strstr (pl_account_get_registration_error (f.account), "unreachable")
                 || strstr (pl_account_get_registration_error (f.account), "refused"));
  fixture_teardown (&f, NULL);
}

/* Dials @peer from the engine and has the peer answer; returns the call id. */
static char *
establish_outgoing (Fixture *f, PlTestPeer *peer)
{
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *outgoing, *incoming, *established;
  g_autofree char *reply = NULL;

  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_DIAL, NULL,
                                        pl_test_peer_uri (peer), &error));
  g_assert_no_error (error);
  incoming = pl_test_peer_wait_event (peer, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  outgoing = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_OUTGOING, NULL, WAIT_MS);
  g_assert_nonnull (outgoing);
  g_assert_cmpstr (outgoing->call_id, ==, incoming->call_id);
  g_assert_cmpstr (outgoing->peer_uri, ==, pl_test_peer_uri (peer));
  reply = pl_test_peer_command (peer, "accept", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (
      pl_test_peer_wait_event (peer, PL_ENGINE_EVENT_CALL_ESTABLISHED, incoming->call_id, WAIT_MS));
  established = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_ESTABLISHED,
                                             incoming->call_id, WAIT_MS);
  g_assert_nonnull (established);
  g_assert_true (established->has_direction);
  g_assert_cmpint (established->direction, ==, PL_CALL_DIRECTION_OUTGOING);
  return g_strdup (incoming->call_id);
}

static void
test_outgoing_call (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *closed;

  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_HANGUP, call_id,
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS));
  closed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS);
  g_assert_nonnull (closed);
  /* The call is gone: acting on it again is refused without asking baresip. */
  g_assert_false (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_HOLD, call_id, NULL, &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL);
  g_clear_error (&error);
  /* Never an empty dial: it would redial. */
  g_assert_false (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_DIAL, NULL, "", &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
}

static void
test_incoming_call (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = pl_test_peer_command (bob, "dial", f->our_uri, &error);
  const PlEngineEvent *incoming;
  char *call_id;

  g_assert_no_error (error);
  incoming = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  g_assert_cmpint (incoming->direction, ==, PL_CALL_DIRECTION_INCOMING);
  g_assert_cmpstr (incoming->peer_uri, ==, pl_test_peer_uri (bob));
  call_id = incoming->call_id;
  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_ANSWER, call_id,
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (
      pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_ESTABLISHED, call_id, WAIT_MS));
  g_assert_nonnull (
      pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_ESTABLISHED, call_id, WAIT_MS));
  /* The far end hangs up. */
  g_free (pl_test_peer_command (bob, "hangup", NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (
      pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS));
}

static void
test_hold_resume (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  guint offers = pl_test_peer_count_events (bob, PL_ENGINE_EVENT_CALL_MEDIA, "CALL_REMOTE_SDP");

  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_HOLD, call_id, NULL, &error));
  g_assert_no_error (error);
  /* The peer gets a re-INVITE (its SDP offer). baresip 1.0.0 shows the
   * direction attributes nowhere on its control socket, so the offer is
   * what we can see. */
  g_assert_true (PL_TEST_WAIT (
      pl_test_peer_count_events (bob, PL_ENGINE_EVENT_CALL_MEDIA, "CALL_REMOTE_SDP") > offers,
      WAIT_MS));
  offers = pl_test_peer_count_events (bob, PL_ENGINE_EVENT_CALL_MEDIA, "CALL_REMOTE_SDP");
  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_RESUME, call_id,
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (
      pl_test_peer_count_events (bob, PL_ENGINE_EVENT_CALL_MEDIA, "CALL_REMOTE_SDP") > offers,
      WAIT_MS));
  /* Mute is local: twice "1" toggles once. */
  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_MUTE, call_id, "1", NULL));
  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_MUTE, call_id, "1", NULL));
  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_MUTE, call_id, "0", NULL));
}

static void
test_dtmf (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *digit;

  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_DTMF, call_id, "7", &error));
  g_assert_no_error (error);
  digit = pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_DTMF_START, call_id, WAIT_MS);
  g_assert_nonnull (digit);
  g_assert_cmpstr (digit->param, ==, "7");
  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_DTMF, call_id, "#", &error));
  digit = pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_DTMF_START, call_id, WAIT_MS);
  g_assert_nonnull (digit);
  g_assert_cmpstr (digit->param, ==, "#");
  g_assert_false (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_DTMF, call_id,
                                         "9;quit", &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
}

static void
test_blind_transfer (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (PlTestPeer) carol = pl_test_peer_new ("carol", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *incoming, *closed;

  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_TRANSFER, call_id,
                                        pl_test_peer_uri (carol), &error));
  g_assert_no_error (error);
  /* Bob (the transferee) calls carol. */
  incoming = pl_test_peer_wait_event (carol, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  g_assert_cmpstr (incoming->peer_uri, ==, pl_test_peer_uri (bob));
  g_free (pl_test_peer_command (carol, "accept", NULL, &error));
  g_assert_no_error (error);
  closed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS);
  g_assert_nonnull (closed);
  g_assert_cmpstr (closed->param, ==, "Call transfered");
}

static void
test_decline_incoming (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = pl_test_peer_command (bob, "dial", f->our_uri, &error);
  const PlEngineEvent *incoming, *closed;

  g_assert_no_error (error);
  incoming = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_HANGUP,
                                        incoming->call_id, "486", &error));
  g_assert_no_error (error);
  closed = pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_CLOSED, incoming->call_id, WAIT_MS);
  g_assert_nonnull (closed);
  g_assert_nonnull (strstr (closed->param, "486"));
  g_assert_nonnull (pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED,
                                                 incoming->call_id, WAIT_MS));
}

/* The target declines: our REFER fails with the target's SIP reason. */
static void
test_transfer_failed (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (PlTestPeer) carol = pl_test_peer_new ("carol", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *incoming, *failed, *closed;
  g_autofree char *reply = NULL;

  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_TRANSFER, call_id,
                                        pl_test_peer_uri (carol), &error));
  g_assert_no_error (error);
  incoming = pl_test_peer_wait_event (carol, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  /* Carol declines the transferred call. */
  reply = pl_test_peer_command (carol, "hangup", NULL, &error);
  g_assert_no_error (error);
  failed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_TRANSFER_FAILED, call_id,
                                        WAIT_MS);
  g_assert_nonnull (failed);
  g_message ("transfer failed: %s", failed->param);
  g_assert_nonnull (failed->param);
  /* baresip 1.0.0 then hangs up the original call without saying so; the
   * engine notices and reports it closed. */
  closed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS);
  g_assert_nonnull (closed);
  g_assert_cmpstr (closed->param, ==, "transfer failed: 486 Rejected");
  g_assert_nonnull (pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS));
}

static void
test_crash_recovery (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  int pid = pl_baresip_engine_get_pid (f->engine);
  gint64 start;
  const PlEngineEvent *closed;
  gboolean saw_restarting = FALSE;

  g_assert_cmpint (pid, >, 0);
  start = g_get_monotonic_time ();
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  closed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS);
  g_assert_nonnull (closed);
  g_assert_cmpstr (closed->param, ==, "engine stopped");
  saw_restarting = pl_engine_get_state (PL_ENGINE (f->engine)) == PL_ENGINE_STATE_RESTARTING
                   || pl_engine_get_state (PL_ENGINE (f->engine)) == PL_ENGINE_STATE_STARTING;
  g_assert_true (saw_restarting);
  g_assert_true (pl_test_recorder_has_problem (f->rec, PL_ENGINE_ERROR_SPAWN));
  g_assert_true (PL_TEST_WAIT (
      pl_engine_get_state (PL_ENGINE (f->engine)) == PL_ENGINE_STATE_RUNNING
          && pl_account_get_registration_state (f->account) == PL_REGISTRATION_REGISTERED,
      WAIT_MS));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (pl_baresip_engine_get_pid (f->engine), !=, pid);
  g_assert_cmpuint (pl_baresip_engine_get_restart_count (f->engine), ==, 1);
  /* The peer notices the dead call sooner or later; we do not wait for it. */
}

static void
test_hijack (Fixture *f, gconstpointer data)
{
  guint16 port = pl_baresip_engine_get_ctrl_port (f->engine);
  int pid = pl_baresip_engine_get_pid (f->engine);
  g_autoptr (GSocketConnection) intruder = NULL;
  g_autoptr (GError) error = NULL;

  intruder = pl_test_connect_loopback (port, &error);
  g_assert_no_error (error);
  g_assert_true (
      PL_TEST_WAIT (pl_test_recorder_has_problem (f->rec, PL_ENGINE_ERROR_PROTOCOL), WAIT_MS));
  g_assert_true (PL_TEST_WAIT (
      pl_engine_get_state (PL_ENGINE (f->engine)) == PL_ENGINE_STATE_RUNNING
          && pl_account_get_registration_state (f->account) == PL_REGISTRATION_REGISTERED,
      WAIT_MS));
  g_assert_cmpuint (pl_baresip_engine_get_ctrl_port (f->engine), !=, port);
  g_assert_cmpint (pl_baresip_engine_get_pid (f->engine), !=, pid);
  g_io_stream_close (G_IO_STREAM (intruder), NULL, NULL);
}

static void
test_account_change (Fixture *f, gconstpointer data)
{
  g_autoptr (PlAccount) other = pl_account_new ("other");
  g_autofree char *domain = g_strdup_printf ("127.0.0.1:%u", pl_test_registrar_port (f->registrar));
  int pid = pl_baresip_engine_get_pid (f->engine);

  pl_account_set_user (other, "bob");
  pl_account_set_domain (other, domain);
  pl_account_set_password (other, PASSWORD);
  pl_engine_set_account (PL_ENGINE (f->engine), other);
  g_assert_true (pl_engine_get_account (PL_ENGINE (f->engine)) == other);
  /* The old account is no longer registered by us; the new one is. */
  g_assert_cmpint (pl_account_get_registration_state (f->account), ==, PL_REGISTRATION_NONE);
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (other) == PL_REGISTRATION_REGISTERED, WAIT_MS));
  g_assert_cmpint (pl_engine_get_state (PL_ENGINE (f->engine)), ==, PL_ENGINE_STATE_RUNNING);
  g_assert_cmpint (pl_baresip_engine_get_pid (f->engine), !=, pid);
  /* A deliberate change is no problem to report. */
  g_assert_cmpuint (f->rec->problems->len, ==, 0);
  pl_engine_set_account (PL_ENGINE (f->engine), f->account);
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (f->account) == PL_REGISTRATION_REGISTERED, WAIT_MS));
}

/* The SIP trace in baresip's output holds a message with all of needles. */
static gboolean
log_has_message (Fixture *f, const char *const *needles)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) blocks = NULL;

  if (!g_file_get_contents (f->log_path, &text, NULL, NULL))
    return FALSE;
  blocks = g_strsplit (text, "\x1b[36;1m#\n", -1);
  for (guint i = 0; blocks[i]; i++)
    {
      gboolean all = TRUE;
      for (guint k = 0; needles[k] && all; k++)
        all = strstr (blocks[i], needles[k]) != NULL;
      if (all)
        return TRUE;
    }
  return FALSE;
}

/* ctrl_tcp never says a call's dialog tags; the engine reads them from
 * baresip's SIP trace and tells them as CALL_DIALOG "LOCAL;REMOTE". */
static void
test_dialog_tags (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  g_autofree char *from = NULL, *to = NULL, *cid = NULL;
  g_autofree char *reply = NULL;
  g_auto (GStrv) tags = NULL;
  const PlEngineEvent *dialog, *incoming;

  dialog = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_DIALOG, call_id, WAIT_MS);
  g_assert_nonnull (dialog);
  tags = g_strsplit (dialog->param, ";", -1);
  g_assert_cmpuint (g_strv_length (tags), ==, 2);
  g_assert_cmpstr (tags[0], !=, tags[1]);
  /* We placed it: our tag is the From tag of the INVITE we sent and of its
   * 200 OK, the peer's the To tag. */
  cid = g_strdup_printf ("Call-ID: %s", call_id);
  from = g_strdup_printf (";tag=%s\r\n", tags[0]);
  to = g_strdup_printf (";tag=%s\r\n", tags[1]);
  {
    const char *ok[] = { "SIP/2.0 200 ", cid, "CSeq: ", from, to, NULL };
    g_assert_true (log_has_message (f, ok));
  }
  g_free (pl_test_peer_command (bob, "hangup", NULL, &error));
  g_assert_nonnull (
      pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS));

  /* A call we answered: our tag is in the To header of our 200 OK. */
  reply = pl_test_peer_command (bob, "dial", f->our_uri, &error);
  g_assert_no_error (error);
  incoming = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_ANSWER,
                                        incoming->call_id, NULL, &error));
  dialog = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_DIALOG, incoming->call_id,
                                        WAIT_MS);
  g_assert_nonnull (dialog);
  g_strfreev (tags);
  tags = g_strsplit (dialog->param, ";", -1);
  g_free (cid);
  g_free (from);
  g_free (to);
  cid = g_strdup_printf ("Call-ID: %s", incoming->call_id);
  to = g_strdup_printf ("To: <%s>;tag=%s", f->our_uri, tags[0]);
  from = g_strdup_printf (";tag=%s\r\n", tags[1]);
  {
    const char *ok[] = { "SIP/2.0 200 ", cid, from, to, NULL };
    g_assert_true (log_has_message (f, ok));
  }
}

/* A 700 Hz tone (or silence) of that rate and channel count. */
static char *
write_wav (guint rate, guint channels, double seconds, double amplitude)
{
  g_autofree char *dir = pl_test_make_dir ("sound");
  g_autofree char *name = g_strdup_printf ("tone-%u-%u-%g.wav", rate, channels, amplitude);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (PlWav) wav = g_new0 (PlWav, 1);
  g_autoptr (GBytes) bytes = NULL;

  wav->rate = rate;
  wav->channels = channels;
  wav->n_frames = (gsize)(seconds * wav->rate);
  wav->samples = g_new (gint16, wav->n_frames * channels);
  for (gsize i = 0; i < wav->n_frames * channels; i++)
    wav->samples[i] = (gint16)(amplitude * sin (2 * G_PI * 700 * (double)(i / channels) / rate));
  bytes = pl_wav_encode (wav);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize)g_bytes_get_size (bytes), NULL));
  return g_steal_pointer (&path);
}

/* The peer's sndfile recording of what it heard from us on its only call,
 * as far as it is on disk: sndfile fills in the sizes only at the end. */
static PlWav *
recording (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize length = 0;

      if (!g_str_has_suffix (name, "-dec.wav") || !g_file_get_contents (path, &data, &length, NULL)
          || length < 44)
        continue;
      /* Sizes of a file still being written: claim all there is. */
      memset (data + 40, 0xff, 3);
      data[43] = 0x7f;
      return pl_wav_parse ((const guint8 *)data, length, NULL);
    }
  return NULL;
}

static double
recorded_seconds (const char *dir)
{
  g_autoptr (PlWav) wav = recording (dir);
  return wav ? (double)wav->n_frames / wav->rate : 0;
}

/* The loudest 20 ms of the recording (RMS), and its length. */
static double
recorded_level (const char *dir, double *seconds)
{
  g_autoptr (PlWav) wav = recording (dir);
  double best = 0;

  *seconds = 0;
  if (wav != NULL)
    {
      *seconds = (double)wav->n_frames / wav->rate;
      for (gsize start = 0; start + wav->rate / 50 <= wav->n_frames; start += wav->rate / 50)
        {
          double sum = 0;
          for (gsize i = start; i < start + wav->rate / 50; i++)
            sum += (double)wav->samples[i * wav->channels] * wav->samples[i * wav->channels];
          best = MAX (best, sqrt (sum / (wav->rate / 50)));
        }
    }
  return best;
}

/* A tone as espeak-ng would deliver it: 22050 Hz mono. */
static char *
write_tone (double seconds)
{
  return write_wav (22050, 1, seconds, 12000);
}

/* PL_ENGINE_ACTION_PLAY: the peer hears the sound at its codec's rate, the
 * call ends with it, and the next call has its usual source again. The
 * peer's own source must match its codec too (aufile). */
static void
play_to_peer (Fixture *f, const char *const *peer_modules, guint rate, guint channels)
{
  g_autofree char *rec_dir = pl_test_make_dir ("peer-rec");
  g_autofree char *snd = g_strdup_printf ("snd_path %s/", rec_dir);
  g_autofree char *silence = write_wav (rate, channels, 20, 0);
  g_autofree char *source = g_strdup_printf ("aufile,%s", silence);
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", source, peer_modules, snd);
  g_autofree char *tone = write_tone (1.5);
  g_autofree char *call_id = establish_outgoing (f, bob);
  g_autofree char *second = NULL;
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *closed;
  double seconds = 0;

  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_PLAY, call_id, tone, &error));
  g_assert_no_error (error);
  closed = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS);
  g_assert_nonnull (closed);
  g_assert_cmpstr (closed->param, ==, "end of file");
  g_assert_false (pl_test_recorder_has_problem (f->rec, PL_ENGINE_ERROR_NO_AUDIO));
  g_assert_nonnull (pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_CLOSED, call_id, WAIT_MS));
  /* 12000 peak → ~8500 RMS; codecs lose a little. */
  g_assert_cmpfloat (recorded_level (rec_dir, &seconds), >, 4000);
  g_assert_cmpfloat (seconds, >=, 1.4);
  pl_test_remove_tree (rec_dir);
  g_mkdir_with_parents (rec_dir, 0700);

  /* The next call sends silence again, for longer than the tone. */
  second = establish_outgoing (f, bob);
  g_assert_true (PL_TEST_WAIT (recorded_seconds (rec_dir) >= 2.5, WAIT_MS));
  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_HANGUP, second, NULL, NULL));
  g_assert_nonnull (pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_CLOSED, second, WAIT_MS));
  g_assert_cmpfloat (recorded_level (rec_dir, &seconds), <, 100);
  g_assert_cmpfloat (seconds, >=, 2.5);
  pl_test_remove_tree (rec_dir);
  g_unlink (tone);
  g_unlink (silence);
}

static void
test_play_pcmu (Fixture *f, gconstpointer data)
{
  const char *modules[] = { "sndfile.so", NULL };
  play_to_peer (f, modules, 8000, 1);
}

/* Opus runs at 48 kHz stereo in baresip: the sound is converted to that. */
static void
test_play_opus (Fixture *f, gconstpointer data)
{
  const char *modules[] = { "opus.so", "sndfile.so", NULL };
  play_to_peer (f, modules, 48000, 2);
}

/* A call that comes in while a sound plays is set up with the sound as its
 * source (baresip's config changed): answering it ends the playing call
 * first, and the new call gets silence, not the tail of the sound. */
static void
test_play_then_answer (Fixture *f, gconstpointer data)
{
  g_autofree char *rec_dir = pl_test_make_dir ("carol-rec");
  g_autofree char *snd = g_strdup_printf ("snd_path %s/", rec_dir);
  const char *modules[] = { "sndfile.so", NULL };
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (PlTestPeer) carol = pl_test_peer_new ("carol", NULL, modules, snd);
  g_autofree char *tone = write_tone (8.0);
  g_autofree char *first = establish_outgoing (f, bob);
  g_autoptr (GError) error = NULL;
  const PlEngineEvent *incoming;
  g_autofree char *reply = NULL;

  g_assert_true (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_PLAY, first, tone, &error));
  g_assert_no_error (error);
  reply = pl_test_peer_command (carol, "dial", f->our_uri, &error);
  g_assert_no_error (error);
  incoming = pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  g_assert_true (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_ANSWER,
                                        incoming->call_id, NULL, &error));
  g_assert_no_error (error);
  /* The sound's call went first. */
  g_assert_nonnull (
      pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED, first, WAIT_MS));
  g_assert_nonnull (pl_test_peer_wait_event (carol, PL_ENGINE_EVENT_CALL_ESTABLISHED,
                                             incoming->call_id, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (recorded_seconds (rec_dir) >= 2.5, WAIT_MS));
  g_free (pl_test_peer_command (carol, "hangup", NULL, &error));
  g_assert_nonnull (pl_test_recorder_wait_event (f->rec, PL_ENGINE_EVENT_CALL_CLOSED,
                                                 incoming->call_id, WAIT_MS));
  g_assert_nonnull (
      pl_test_peer_wait_event (carol, PL_ENGINE_EVENT_CALL_CLOSED, incoming->call_id, WAIT_MS));
  /* A few packets of the tone may slip out before the source is replaced;
   * after the first 200 ms it is silence. */
  {
    g_autoptr (PlWav) heard = recording (rec_dir);
    double loudest_late = 0;

    g_assert_nonnull (heard);
    for (gsize i = heard->rate / 5; i < heard->n_frames; i++)
      loudest_late = MAX (loudest_late, fabs ((double)heard->samples[i * heard->channels]));
    g_test_message ("carol: %.1f s, loudest after 0.2 s: %.0f",
                    (double)heard->n_frames / heard->rate, loudest_late);
    g_assert_cmpfloat (loudest_late, <, 500);
  }
  pl_test_remove_tree (rec_dir);
  g_unlink (tone);
}

/* baresip would give every call the sound: refused with a second call up,
 * and for a call that is gone. */
static void
test_play_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (PlTestPeer) carol = pl_test_peer_new ("carol", NULL, NULL, NULL);
  g_autofree char *tone = write_tone (0.5);
  g_autofree char *first = establish_outgoing (f, bob);
  g_autofree char *second = establish_outgoing (f, carol);
  g_autoptr (GError) error = NULL;

  g_assert_false (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_PLAY, second, tone, &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
  g_clear_error (&error);
  g_assert_false (pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_PLAY, second,
                                         "/nonexistent.wav", &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
  g_clear_error (&error);
  g_assert_false (
      pl_test_engine_action (PL_ENGINE (f->engine), PL_ENGINE_ACTION_PLAY, "gone", tone, &error));
  g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_SUCH_CALL);
  g_unlink (tone);
}

/* Options for an engine whose binary never gets as far as a control port. */
static PlBaresipOptions *
options_for_binary (const char *binary, const char *runtime_dir)
{
  PlBaresipOptions *o = pl_baresip_options_new ();

  o->binary = g_strdup (binary);
  o->runtime_dir = g_strdup (runtime_dir);
  o->audio_player = g_strdup ("alsa,null");
  o->audio_source = g_strdup ("alsa,null");
  o->audio_alert = g_strdup ("alsa,null");
  return o;
}

/* A binary that dies at once: restarts back off, then the engine gives up. */
static void
test_gives_up (void)
{
  g_autofree char *rt = pl_test_make_dir ("engine-rt");
  g_autoptr (PlBaresipOptions) o = options_for_binary ("/bin/false", rt);
  g_autoptr (PlTestRecorder) rec = NULL;
  PlBaresipEngine *engine;

  o->restart_delay_ms = 50;
  o->max_quick_restarts = 3;
  engine = pl_baresip_engine_new (o);
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  pl_engine_start (PL_ENGINE (engine));
  g_assert_true (
      PL_TEST_WAIT (pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_FAILED, WAIT_MS));
  g_assert_cmpuint (pl_baresip_engine_get_restart_count (engine), ==, 3);
  /* One problem per crash, and the final one. */
  g_assert_cmpuint (rec->problems->len, ==, 4);
  g_assert_nonnull (strstr (g_ptr_array_index (rec->problems, 3), "gave up"));
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (engine), 5000));
  /* start() after FAILED tries again from scratch. */
  pl_engine_start (PL_ENGINE (engine));
  g_assert_cmpint (pl_engine_get_state (PL_ENGINE (engine)), ==, PL_ENGINE_STATE_STARTING);
  pl_engine_stop (PL_ENGINE (engine));
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (engine), 5000));
  g_clear_pointer (&rec, pl_test_recorder_free);
  g_assert_finalize_object (engine);
  g_rmdir (rt);
}

static void
test_spawn_failure (void)
{
  g_autofree char *rt = pl_test_make_dir ("engine-rt");
  g_autoptr (PlBaresipOptions) o = options_for_binary ("/nonexistent/baresip", rt);
  g_autoptr (PlTestRecorder) rec = NULL;
  PlBaresipEngine *engine;

  engine = pl_baresip_engine_new (o);
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  pl_engine_start (PL_ENGINE (engine));
  /* The devices are chosen in a worker first: the failure comes right after. */
  g_assert_true (
      PL_TEST_WAIT (pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_FAILED, WAIT_MS));
  g_assert_true (pl_test_recorder_has_problem (rec, PL_ENGINE_ERROR_SPAWN));
  g_assert_false (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_DIAL, NULL,
                                         "sip:x@127.0.0.1", NULL));
  g_clear_pointer (&rec, pl_test_recorder_free);
  g_assert_finalize_object (engine);
  g_rmdir (rt);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/engine/register-ok", Fixture, NULL, fixture_setup, test_register_ok,
              fixture_teardown);
  g_test_add_func ("/engine/register-wrong-password", test_register_wrong_password);
  g_test_add_func ("/engine/register-unreachable", test_register_unreachable);
  g_test_add ("/engine/outgoing-call", Fixture, NULL, fixture_setup, test_outgoing_call,
              fixture_teardown);
  g_test_add ("/engine/incoming-call", Fixture, NULL, fixture_setup, test_incoming_call,
              fixture_teardown);
  g_test_add ("/engine/hold-resume", Fixture, NULL, fixture_setup, test_hold_resume,
              fixture_teardown);
  g_test_add ("/engine/dtmf", Fixture, NULL, fixture_setup, test_dtmf, fixture_teardown);
  g_test_add ("/engine/blind-transfer", Fixture, NULL, fixture_setup, test_blind_transfer,
              fixture_teardown);
  g_test_add ("/engine/crash-recovery", Fixture, NULL, fixture_setup, test_crash_recovery,
              fixture_teardown);
  g_test_add ("/engine/hijack", Fixture, NULL, fixture_setup, test_hijack, fixture_teardown);
  g_test_add_func ("/engine/spawn-failure", test_spawn_failure);
  g_test_add_func ("/engine/gives-up", test_gives_up);
  g_test_add ("/engine/decline-incoming", Fixture, NULL, fixture_setup, test_decline_incoming,
              fixture_teardown);
  g_test_add ("/engine/transfer-failed", Fixture, NULL, fixture_setup, test_transfer_failed,
              fixture_teardown);
  g_test_add ("/engine/dialog-tags", Fixture, NULL, fixture_setup, test_dialog_tags,
              fixture_teardown);
  g_test_add ("/engine/play-pcmu", Fixture, NULL, fixture_setup, test_play_pcmu, fixture_teardown);
  {
    /* The engine's aufile source must be Opus-shaped too, as a sound card is. */
    static char *stereo;
    g_autofree char *silence = write_wav (48000, 2, 20, 0);

    stereo = g_strdup_printf ("aufile,%s", silence);
    g_test_add ("/engine/play-opus", Fixture, stereo, fixture_setup, test_play_opus,
                fixture_teardown);
  }
  g_test_add ("/engine/play-refused", Fixture, NULL, fixture_setup, test_play_refused,
              fixture_teardown);
  g_test_add ("/engine/play-then-answer", Fixture, NULL, fixture_setup, test_play_then_answer,
              fixture_teardown);
  g_test_add ("/engine/account-change", Fixture, NULL, fixture_setup, test_account_change,
              fixture_teardown);
  return g_test_run ();
}
