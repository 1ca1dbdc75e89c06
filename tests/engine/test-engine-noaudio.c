/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine-noaudio"

#include <glib/gstdio.h>
#include <string.h>

#include "pl-audio-devices.h"
#include "pl-baresip-engine.h"
#include "pl-test-peer.h"
#include "pl-test-util.h"

/* No sound card, no PulseAudio, ALSA configured with nothing: Parkline must
 * say so instead of failing calls silently. */

#define WAIT_MS 15000

static gboolean machine_has_audio;

static void
test_no_devices (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = NULL;

  if (machine_has_audio)
    {
      g_test_skip ("this machine has a sound card");
      return;
    }
  devices = pl_audio_devices_list (&error);

  /* PortAudio may refuse to start at all or list nothing; both mean none. */
  if (devices == NULL)
    g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_AUDIO);
  else
    {
      g_assert_false (pl_audio_devices_usable (devices));
      g_assert_null (pl_audio_devices_pick (devices, FALSE));
    }
}

static void
test_engine_reports_no_audio (void)
{
  g_autoptr (PlTestRegistrar) registrar = pl_test_registrar_new ("pw");
  g_autoptr (PlBaresipOptions) o = pl_baresip_options_new ();
  g_autoptr (PlAccount) account = pl_account_new ("noaudio");
  g_autoptr (PlTestPeer) bob = pl_test_peer_new ("bob", NULL, NULL, NULL);
  g_autoptr (PlTestRecorder) rec = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  g_autofree char *domain = NULL;
  PlBaresipEngine *engine;
  guint16 sip_port = pl_test_free_sip_port ();
  const char *message = NULL;

  if (machine_has_audio)
    {
      g_test_skip ("this machine has a sound card");
      return;
    }
  o->runtime_dir = pl_test_make_dir ("noaudio-rt");
  o->sip_listen = g_strdup_printf ("127.0.0.1:%u", sip_port);
  o->net_interface = g_strdup ("127.0.0.1");
  o->log_file = g_strdup_printf ("%s/engine-noaudio-%u.log", logdir, sip_port);
  engine = pl_baresip_engine_new (o);
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  domain = g_strdup_printf ("127.0.0.1:%u", pl_test_registrar_port (registrar));
  pl_account_set_user (account, "alice");
  pl_account_set_domain (account, domain);
  pl_account_set_password (account, "pw");
  pl_engine_set_account (PL_ENGINE (engine), account);
  pl_engine_start (PL_ENGINE (engine));

  g_assert_true (
      PL_TEST_WAIT (pl_test_recorder_has_problem (rec, PL_ENGINE_ERROR_NO_AUDIO), WAIT_MS));
  for (guint i = 0; i < rec->problems->len; i++)
    if (strstr (g_ptr_array_index (rec->problems, i), "audio device"))
      message = g_ptr_array_index (rec->problems, i);
  g_assert_nonnull (message);
  g_message ("%s", message);
  /* Registration still works: the user can be told, and calls fail cleanly. */
  g_assert_true (PL_TEST_WAIT (
      pl_account_get_registration_state (account) == PL_REGISTRATION_REGISTERED, WAIT_MS));
  if (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_DIAL, NULL,
                             pl_test_peer_uri (bob), &error))
    {
      const PlEngineEvent *incoming
          = pl_test_peer_wait_event (bob, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
      g_autofree char *reply = NULL;
      const PlEngineEvent *end = NULL;

      /* Accepted by baresip: once answered, the call must either end or run
       * without audio; it must not hang in between. */
      g_assert_nonnull (incoming);
      reply = pl_test_peer_command (bob, "accept", NULL, NULL);
      g_assert_true (PL_TEST_WAIT (
          (end = pl_test_recorder_wait_event (rec, PL_ENGINE_EVENT_CALL_CLOSED, NULL, 0))
              || (end
                  = pl_test_recorder_wait_event (rec, PL_ENGINE_EVENT_CALL_ESTABLISHED, NULL, 0)),
          WAIT_MS));
      g_message ("call without audio: %s %s", end->type_name, end->param);
      /* …and the user is told again, for this call. */
      g_assert_true (PL_TEST_WAIT (rec->problems->len >= 2, WAIT_MS));
      g_assert_nonnull (strstr (g_ptr_array_index (rec->problems, rec->problems->len - 1),
                                "This call has no sound"));
      if (end->type == PL_ENGINE_EVENT_CALL_ESTABLISHED)
        g_assert_true (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_HANGUP,
                                              incoming->call_id, NULL, NULL));
    }
  else
    {
      g_message ("dial without audio refused: %s", error->message);
      g_assert_error (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED);
    }

  pl_engine_stop (PL_ENGINE (engine));
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (engine), 5000));
  g_clear_pointer (&rec, pl_test_recorder_free);
  g_assert_finalize_object (engine);
  g_rmdir (o->runtime_dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *client_conf = NULL;

  g_test_init (&argc, &argv, NULL);
  /* Before anything touches PortAudio: no ~/.asoundrc, no PulseAudio to
   * reach or spawn. (An empty ALSA_CONFIG_PATH would be simpler, but
   * PortAudio 19.6 aborts on it: see BuildDeviceList.) */
  dir = pl_test_make_dir ("noaudio");
  client_conf = g_build_filename (dir, "client.conf", NULL);
  g_assert_true (g_file_set_contents (client_conf, "autospawn = no\n", -1, NULL));
  g_setenv ("PULSE_CLIENTCONFIG", client_conf, TRUE);
  g_setenv ("HOME", dir, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);
  g_unsetenv ("PULSE_SERVER");
  g_unsetenv ("ALSA_CONFIG_PATH");
  {
    g_autoptr (GPtrArray) devices = pl_audio_devices_list (NULL);
    machine_has_audio = pl_audio_devices_usable (devices);
  }
  g_test_add_func ("/engine-noaudio/no-devices", test_no_devices);
  g_test_add_func ("/engine-noaudio/engine-reports", test_engine_reports_no_audio);
  return g_test_run ();
}
