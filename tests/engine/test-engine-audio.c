/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine-audio"

#define _GNU_SOURCE /* memmem */
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "pl-audio-devices.h"
#include "pl-baresip-engine.h"
#include "pl-test-peer.h"
#include "pl-test-util.h"

/* Audio through Parkline's real PortAudio path: a private PulseAudio with a
 * null sink stands in for the sound card, ALSA's default points at it. */

#define WAIT_MS 15000
#define RATE    8000

static char *base_dir;
static gboolean pulse_running;
static GSubprocess *pulse;
static PlTestRegistrar *registrar;

static void
run_or_fail (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* PulseAudio runs in the foreground as our child, so that even an aborted
 * test takes it down (PR_SET_PDEATHSIG); it is ready when its socket is. */
static gboolean
start_pulse (void)
{
  g_autofree char *home = g_build_filename (base_dir, "home", NULL);
  g_autofree char *runtime = g_build_filename (base_dir, "runtime", NULL);
  g_autofree char *asoundrc = g_build_filename (home, ".asoundrc", NULL);
  g_autofree char *socket = g_build_filename (runtime, "pulse", "native", NULL);
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  g_autofree char *log = g_build_filename (logdir, "pulseaudio.log", NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (home, 0700);
  g_mkdir_with_parents (runtime, 0700);
  g_assert_true (g_file_set_contents (asoundrc,
                                      "pcm.!default { type pulse }\n"
                                      "ctl.!default { type pulse }\n",
                                      -1, NULL));
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_unsetenv ("PULSE_SERVER");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  pulse = g_subprocess_launcher_spawn (launcher, &error, "pulseaudio", "-n", "--daemonize=no",
                                       "--exit-idle-time=-1", "--log-target=stderr", "-L",
                                       "module-native-protocol-unix", "-L",
                                       "module-null-sink sink_name=test_sink", NULL);
  if (pulse == NULL)
    {
      g_message ("pulseaudio did not start: %s", error->message);
      return FALSE;
    }
  return PL_TEST_WAIT (g_file_test (socket, G_FILE_TEST_EXISTS), 10000);
}

static void
stop_pulse (void)
{
  if (pulse == NULL)
    return;
  g_subprocess_send_signal (pulse, SIGTERM);
  g_subprocess_wait (pulse, NULL, NULL);
  g_clear_object (&pulse);
}

/* Tone analysis: the loudness and the frequency by zero crossings of the
 * last @n samples. */
static void
analyse (const gint16 *samples, gsize n, double *rms, double *freq)
{
  double sum = 0;
  gsize crossings = 0;

  for (gsize i = 0; i < n; i++)
    {
      sum += (double)samples[i] * samples[i];
      if (i > 0 && ((samples[i - 1] < 0) != (samples[i] < 0)))
        crossings++;
    }
  *rms = n ? sqrt (sum / n) : 0;
  *freq = n ? crossings / 2.0 / ((double)n / RATE) : 0;
}

static gboolean
is_tone (const gint16 *samples, gsize n, double want_hz)
{
  double rms, freq;

  if (n < RATE / 2)
    return FALSE;
  analyse (samples + n - RATE / 2, RATE / 2, &rms, &freq);
  g_debug ("rms %.0f, frequency %.1f Hz", rms, freq);
  return rms > 500 && fabs (freq - want_hz) < 50;
}

static char *
make_tone (const char *name, int hz, int seconds)
{
  g_autofree char *path = g_build_filename (base_dir, name, NULL);
  g_autofree char *hz_text = g_strdup_printf ("%d", hz);
  g_autofree char *len = g_strdup_printf ("%d", seconds);
  const char *argv[] = { "sox", "-n",    "-r", "8000", "-c",    "1",   "-b",  "16",
                         path,  "synth", len,  "sine", hz_text, "vol", "0.5", NULL };

  run_or_fail (argv);
  return g_steal_pointer (&path);
}

static PlBaresipEngine *
new_engine (guint16 sip_port, const char *log_name)
{
  g_autoptr (PlBaresipOptions) o = pl_baresip_options_new ();
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  g_autoptr (PlAccount) account = pl_account_new ("audio");
  g_autofree char *domain = NULL;
  PlBaresipEngine *engine;

  o->runtime_dir = g_build_filename (base_dir, "rt", NULL);
  o->sip_listen = g_strdup_printf ("127.0.0.1:%u", sip_port);
  o->net_interface = g_strdup ("127.0.0.1");
  o->log_file = g_strdup_printf ("%s/%s-%u.log", logdir, log_name, sip_port);
  engine = pl_baresip_engine_new (o);
  /* baresip cannot dial without a user agent, i.e. an account. */
  if (registrar == NULL)
    registrar = pl_test_registrar_new ("pw");
  domain = g_strdup_printf ("127.0.0.1:%u", pl_test_registrar_port (registrar));
  pl_account_set_user (account, "alice");
  pl_account_set_domain (account, domain);
  pl_account_set_password (account, "pw");
  pl_engine_set_account (PL_ENGINE (engine), account);
  return engine;
}

typedef struct
{
  GSubprocess *proc;
  GByteArray *pcm;
  guint8 buf[4096];
  gboolean eof;
} Recorder;

static void
rec_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Recorder *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      r->eof = TRUE;
      return;
    }
  g_byte_array_append (r->pcm, r->buf, (guint)n);
  g_input_stream_read_async (G_INPUT_STREAM (source), r->buf, sizeof r->buf, G_PRIORITY_DEFAULT,
                             NULL, rec_read_cb, r);
}

static void
recorder_start (Recorder *r, const char *device)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dev = g_strdup_printf ("--device=%s", device);

  r->pcm = g_byte_array_new ();
  r->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "parec", dev, "--raw", "--format=s16le", "--rate=8000",
                              "--channels=1", "--latency-msec=20", NULL);
  g_assert_no_error (error);
  g_input_stream_read_async (g_subprocess_get_stdout_pipe (r->proc), r->buf, sizeof r->buf,
                             G_PRIORITY_DEFAULT, NULL, rec_read_cb, r);
}

static void
recorder_stop (Recorder *r)
{
  g_subprocess_send_signal (r->proc, SIGTERM);
  g_assert_true (PL_TEST_WAIT (r->eof, 5000));
  g_assert_true (g_subprocess_wait (r->proc, NULL, NULL));
  g_clear_object (&r->proc);
  g_byte_array_unref (r->pcm);
}

static gboolean
recorder_hears (Recorder *r, double hz)
{
  return is_tone ((const gint16 *)r->pcm->data, r->pcm->len / 2, hz);
}

static void
stop_engine (PlBaresipEngine *engine)
{
  pl_engine_stop (PL_ENGINE (engine));
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (engine), 5000));
  g_assert_finalize_object (engine);
}

static void
test_devices_listed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = pl_audio_devices_list (&error);
  const PlAudioDevice *out, *in;

  g_assert_true (pulse_running);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, >=, 1);
  g_assert_true (pl_audio_devices_usable (devices));
  out = pl_audio_devices_pick (devices, FALSE);
  in = pl_audio_devices_pick (devices, TRUE);
  g_assert_cmpstr (out->name, ==, "default");
  g_assert_cmpstr (in->name, ==, "default");
  g_assert_nonnull (pl_audio_devices_find (devices, "pulse", FALSE));
  g_assert_null (pl_audio_devices_find (devices, "no such device", FALSE));
}

/* A peer sends a 440 Hz tone; it must come out of Parkline's speaker, which
 * is PulseAudio's null sink here. */
/* Dials @peer from @engine, has the peer answer and waits until the engine
 * reports the call established; returns the peer's incoming event. */
static const PlEngineEvent *
call_peer (PlBaresipEngine *engine, PlTestRecorder *rec, PlTestPeer *peer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  const PlEngineEvent *incoming;

  g_assert_true (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_DIAL, NULL,
                                        pl_test_peer_uri (peer), &error));
  g_assert_no_error (error);
  incoming = pl_test_peer_wait_event (peer, PL_ENGINE_EVENT_CALL_INCOMING, NULL, WAIT_MS);
  g_assert_nonnull (incoming);
  reply = pl_test_peer_command (peer, "accept", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pl_test_recorder_wait_event (rec, PL_ENGINE_EVENT_CALL_ESTABLISHED,
                                                 incoming->call_id, WAIT_MS));
  return incoming;
}

static gboolean
config_line (PlBaresipEngine *engine, const char *line)
{
  g_autofree char *path
      = g_build_filename (pl_baresip_engine_get_config_dir (engine), "config", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, line) != NULL;
}

static gboolean
child_maps (PlBaresipEngine *engine, const char *library)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", pl_baresip_engine_get_pid (engine));
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents (path, &maps, NULL, NULL));
  return strstr (maps, library) != NULL;
}

/* No device chosen: PortAudio's default device ("portaudio,"), found by
 * baresip itself, without Parkline listing the devices first. */
static void
test_tone_to_speaker (void)
{
  g_autofree char *tone = NULL;
  g_autofree char *source = NULL;
  g_autoptr (PlTestPeer) bob = NULL;
  g_autoptr (PlTestRecorder) rec = NULL;
  g_autoptr (GError) error = NULL;
  PlBaresipEngine *engine;
  const PlEngineEvent *incoming;
  Recorder speaker = { 0 };

  g_assert_true (pulse_running);
  tone = make_tone ("tone440.wav", 440, 30);
  source = g_strdup_printf ("aufile,%s", tone);
  bob = pl_test_peer_new ("bob", source, NULL, NULL);
  engine = new_engine (pl_test_free_sip_port (), "engine-audio");
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  pl_engine_start (PL_ENGINE (engine));
  g_assert_true (
      PL_TEST_WAIT (pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_RUNNING, WAIT_MS));
  g_assert_false (pl_test_recorder_has_problem (rec, PL_ENGINE_ERROR_NO_AUDIO));
  g_assert_true (config_line (engine, "\naudio_player\tportaudio,\n"));
  g_assert_true (config_line (engine, "\naudio_source\tportaudio,\n"));
  g_assert_true (config_line (engine, "\naudio_alert\tportaudio,\n"));

  recorder_start (&speaker, "test_sink.monitor");
  incoming = call_peer (engine, rec, bob);
  /* Before the call the sink is silent; now the tone must arrive. */
  g_assert_true (PL_TEST_WAIT (recorder_hears (&speaker, 440), WAIT_MS));
  /* through ALSA's pulse PCM, without the AC-3 encoder's libavcodec and
   * JACK that listing the devices would load (pl-baresip-config.h) */
  g_assert_true (child_maps (engine, "libasound_module_pcm_pulse.so"));
  g_assert_false (child_maps (engine, "libasound_module_pcm_a52.so"));
  g_assert_false (child_maps (engine, "libavcodec"));
  g_assert_false (child_maps (engine, "libasound_module_pcm_jack.so"));
  g_assert_true (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_HANGUP,
                                        incoming->call_id, NULL, &error));
  recorder_stop (&speaker);
  g_clear_pointer (&rec, pl_test_recorder_free);
  stop_engine (engine);
}

static gboolean
config_has (PlBaresipEngine *engine, const char *key, int device_index)
{
  g_autofree char *line = g_strdup_printf ("\n%s\tportaudio,%d\n", key, device_index);

  return config_line (engine, line);
}

static gboolean
restarted_and_registered (PlBaresipEngine *engine, int old_pid)
{
  int pid = pl_baresip_engine_get_pid (engine);

  return pid != 0 && pid != old_pid
         && pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_RUNNING
         && pl_account_get_registration_state (pl_engine_get_account (PL_ENGINE (engine)))
                == PL_REGISTRATION_REGISTERED;
}

/* An extra ALSA device ("other_out") on a second sink, so that it and the
 * "pulse" device (PulseAudio's default sink, test_sink) can be told apart
 * by ear; NULL puts the plain configuration back. */
static void
add_alsa_device (const char *sink)
{
  g_autofree char *asoundrc = g_build_filename (base_dir, "home", ".asoundrc", NULL);
  g_autofree char *extra
      = sink ? g_strdup_printf ("pcm.other_out { type pulse device %s }\n", sink) : g_strdup ("");
  g_autofree char *text
      = g_strdup_printf ("pcm.!default { type pulse }\nctl.!default { type pulse }\n%s", extra);

  g_assert_true (g_file_set_contents (asoundrc, text, -1, NULL));
}

/* Preferences → Audio while a call is up: the call keeps its sound, the new
 * devices take over once it has ended (baresip reads them at start), and
 * without a call at once; the new device then carries the next call. */
static void
test_device_change (void)
{
  g_autofree char *tone = NULL;
  g_autofree char *source = NULL;
  g_autoptr (PlTestPeer) bob = NULL;
  g_autoptr (PlTestRecorder) rec = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = NULL;
  const PlAudioDevice *pulse_dev, *other_dev;
  const PlEngineEvent *incoming;
  PlBaresipEngine *engine;
  Recorder speaker = { 0 };
  int pid;

  const char *load[] = { "pactl", "load-module", "module-null-sink", "sink_name=other_sink", NULL };
  Recorder other = { 0 };

  g_assert_true (pulse_running);
  run_or_fail (load);
  add_alsa_device ("other_sink");
  devices = pl_audio_devices_list (&error);
  g_assert_no_error (error);
  pulse_dev = pl_audio_devices_find (devices, "pulse", FALSE);
  other_dev = pl_audio_devices_find (devices, "other_out", FALSE);
  g_assert_nonnull (pulse_dev);
  g_assert_nonnull (other_dev);

  tone = make_tone ("tone523.wav", 523, 60);
  source = g_strdup_printf ("aufile,%s", tone);
  bob = pl_test_peer_new ("bob", source, NULL, NULL);
  engine = new_engine (pl_test_free_sip_port (), "engine-devices");
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  /* Before the start: only remembered. */
  pl_baresip_engine_set_audio_devices (engine, NULL, "other_out", "other_out");
  pl_engine_start (PL_ENGINE (engine));
  g_assert_true (PL_TEST_WAIT (restarted_and_registered (engine, 0), WAIT_MS));
  pid = pl_baresip_engine_get_pid (engine);
  g_assert_true (config_has (engine, "audio_player", other_dev->index));

  /* The first call sounds on the chosen device's sink. */
  recorder_start (&other, "other_sink.monitor");
  incoming = call_peer (engine, rec, bob);
  g_assert_true (PL_TEST_WAIT (recorder_hears (&other, 523), WAIT_MS));
  recorder_stop (&other);

  /* The call is not cut off for a device change: a fixed wait, because
   * "nothing happens" has no event to wait for. */
  pl_baresip_engine_set_audio_devices (engine, NULL, "pulse", "pulse");
  pl_test_spin (1000);
  g_assert_cmpint (pl_baresip_engine_get_pid (engine), ==, pid);
  g_assert_null (pl_test_recorder_wait_event (rec, PL_ENGINE_EVENT_CALL_CLOSED, NULL, 0));

  g_assert_true (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_HANGUP,
                                        incoming->call_id, NULL, &error));
  g_assert_true (PL_TEST_WAIT (restarted_and_registered (engine, pid), WAIT_MS));
  g_assert_true (config_has (engine, "audio_player", pulse_dev->index));
  g_assert_true (config_has (engine, "audio_alert", pulse_dev->index));

  /* The next call's sound comes out of the new device. */
  recorder_start (&speaker, "test_sink.monitor");
  incoming = call_peer (engine, rec, bob);
  g_assert_true (PL_TEST_WAIT (recorder_hears (&speaker, 523), WAIT_MS));
  g_assert_true (pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_HANGUP,
                                        incoming->call_id, NULL, &error));
  recorder_stop (&speaker);

  /* Without a call, at once: only the ringer moves. */
  g_assert_nonnull (
      pl_test_recorder_wait_event (rec, PL_ENGINE_EVENT_CALL_CLOSED, incoming->call_id, WAIT_MS));
  pid = pl_baresip_engine_get_pid (engine);
  pl_baresip_engine_set_audio_devices (engine, NULL, "pulse", "other_out");
  g_assert_true (PL_TEST_WAIT (restarted_and_registered (engine, pid), WAIT_MS));
  g_assert_true (config_has (engine, "audio_player", pulse_dev->index));
  g_assert_true (config_has (engine, "audio_alert", other_dev->index));

  /* Changed and changed back before anything applied: nothing to restart. */
  pid = pl_baresip_engine_get_pid (engine);
  pl_baresip_engine_set_audio_devices (engine, NULL, "other_out", "other_out");
  pl_baresip_engine_set_audio_devices (engine, NULL, "pulse", "other_out");
  pl_test_spin (500);
  g_assert_cmpint (pl_baresip_engine_get_pid (engine), ==, pid);

  /* Changed while baresip is still starting: applied once it runs. */
  pl_engine_stop (PL_ENGINE (engine));
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (engine), WAIT_MS));
  pl_engine_start (PL_ENGINE (engine));
  g_assert_cmpint (pl_engine_get_state (PL_ENGINE (engine)), ==, PL_ENGINE_STATE_STARTING);
  pl_baresip_engine_set_audio_devices (engine, NULL, "other_out", "other_out");
  g_assert_true (PL_TEST_WAIT (config_has (engine, "audio_player", other_dev->index)
                                   && restarted_and_registered (engine, 0),
                               WAIT_MS));

  g_clear_pointer (&rec, pl_test_recorder_free);
  stop_engine (engine);
  add_alsa_device (NULL);
}

static gboolean
dump_has_tone (const char *dir, double hz)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      gsize len = 0;
      const char *data;

      if (!g_str_has_suffix (name, "-dec.wav"))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (!g_file_get_contents (path, &contents, &len, NULL) || len < 100)
        continue;
      data = memmem (contents, MIN (len, 200), "data", 4);
      if (data == NULL)
        continue;
      data += 8;
      if (is_tone ((const gint16 *)data, (len - (data - contents)) / 2, hz))
        return TRUE;
    }
  return FALSE;
}

/* Parkline's microphone (PulseAudio's default source, fed with a tone)
 * must reach the peer, which dumps what it receives to a WAV file. */
static void
test_microphone_to_peer (void)
{
  g_autofree char *tone = NULL;
  g_autofree char *dump_dir = NULL;
  g_autofree char *snd_path = NULL;
  g_autoptr (PlTestPeer) bob = NULL;
  g_autoptr (PlTestRecorder) rec = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) player = NULL;
  const char *modules[] = { "sndfile.so", NULL };
  const char *set_source[] = { "pactl", "set-default-source", "test_sink.monitor", NULL };
  PlBaresipEngine *engine;
  const PlEngineEvent *incoming;

  g_assert_true (pulse_running);
  tone = make_tone ("tone600.wav", 600, 30);
  run_or_fail (set_source);
  player = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "paplay",
                             "--device=test_sink", tone, NULL);
  g_assert_no_error (error);

  dump_dir = pl_test_make_dir ("bob-dump");
  snd_path = g_strdup_printf ("snd_path %s", dump_dir);
  bob = pl_test_peer_new ("bob", NULL, modules, snd_path);
  engine = new_engine (pl_test_free_sip_port (), "engine-mic");
  rec = pl_test_recorder_new (PL_ENGINE (engine));
  pl_engine_start (PL_ENGINE (engine));
  g_assert_true (
      PL_TEST_WAIT (pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_RUNNING, WAIT_MS));
  incoming = call_peer (engine, rec, bob);
  /* libsndfile writes as it goes; the tone shows up in the file. */
  g_assert_true (PL_TEST_WAIT (dump_has_tone (dump_dir, 600), WAIT_MS));
  pl_test_engine_action (PL_ENGINE (engine), PL_ENGINE_ACTION_HANGUP, incoming->call_id, NULL,
                         NULL);
  g_subprocess_force_exit (player);
  g_subprocess_wait (player, NULL, NULL);
  g_clear_pointer (&rec, pl_test_recorder_free);
  stop_engine (engine);
  g_clear_pointer (&bob, pl_test_peer_free);
  pl_test_remove_tree (dump_dir);
}

int
main (int argc, char *argv[])
{
  int result;

  /* No G_TEST_OPTION_ISOLATE_DIRS: it would reset HOME and XDG_RUNTIME_DIR,
   * which must keep pointing at our PulseAudio for every test. */
  g_test_init (&argc, &argv, NULL);
  base_dir = pl_test_make_dir ("audio");
  pulse_running = start_pulse ();
  g_test_add_func ("/engine-audio/devices-listed", test_devices_listed);
  g_test_add_func ("/engine-audio/tone-to-speaker", test_tone_to_speaker);
  g_test_add_func ("/engine-audio/microphone-to-peer", test_microphone_to_peer);
  g_test_add_func ("/engine-audio/device-change", test_device_change);
  result = g_test_run ();
  g_clear_pointer (&registrar, pl_test_registrar_free);
  stop_pulse ();
  return result;
}
