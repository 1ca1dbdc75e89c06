/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-test-peer"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "pl-baresip-ctrl.h"
#include "pl-test-peer.h"
#include "pl-test-util.h"

#define START_TIMEOUT_MS   10000
#define COMMAND_TIMEOUT_MS 5000

struct _PlTestPeer
{
  char *name;
  char *dir;
  char *uri;
  GSubprocess *proc;
  PlBaresipCtrl *ctrl;
  GPtrArray *events;
  GHashTable *consumed; /* PlEngineEvent* already returned by a wait */
  gboolean *exited;     /* set by the wait callback; freed once it has run */
};

static void
peer_event_cb (PlBaresipCtrl *ctrl, PlEngineEvent *event, gpointer user_data)
{
  PlTestPeer *peer = user_data;

  g_debug ("%s: %s %s %s", peer->name, event->type_name, event->call_id ? event->call_id : "",
           event->param ? event->param : "");
  g_ptr_array_add (peer->events, pl_engine_event_copy (event));
}

static void
peer_exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* Scratch dirs hold a few flat files each; logs live in the artifact dir. */
const char *
pl_test_silence_wav (void)
{
  static char *path;

  if (path == NULL)
    {
      g_autofree char *dir = pl_test_make_dir ("silence");
      g_autofree char *file = g_build_filename (dir, "silence.wav", NULL);
      const char *argv[]
          = { "sox", "-n", "-r", "8000", "-c", "1", "-b", "16", file, "trim", "0", "120", NULL };
      g_autoptr (GError) error = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                    &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      path = g_steal_pointer (&file);
    }
  return path;
}

static const char *
baresip_binary (void)
{
  const char *env = g_getenv ("PL_BARESIP");
  return env && *env ? env : "baresip";
}

/* An aborted test must not leave peers or registrars behind. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, GPOINTER_TO_INT (user_data));
}

typedef struct
{
  gboolean done;
  gboolean ok;
  char *data;
  GError *error;
} Wait;

static void
connect_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->ok = pl_baresip_ctrl_connect_finish (PL_BARESIP_CTRL (source), result, &w->error);
  w->done = TRUE;
}

static gboolean *
watch_exit (GSubprocess *proc)
{
  gboolean *exited = g_new0 (gboolean, 1);
  g_subprocess_wait_async (proc, NULL, peer_exited_cb, exited);
  return exited;
}

PlTestPeer *
pl_test_peer_new (const char *name, const char *audio_source, const char *const *extra_modules,
                  const char *extra_config)
{
  PlTestPeer *peer = g_new0 (PlTestPeer, 1);
  g_autoptr (GString) config = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  g_autofree char *log = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *default_source = g_strdup_printf ("aufile,%s", pl_test_silence_wav ());
  guint16 sip_port = pl_test_free_sip_port ();
  guint16 ctrl_port = pl_test_free_tcp_port ();
  Wait w = { 0 };

  peer->name = g_strdup (name);
  peer->dir = pl_test_make_dir (name);
  peer->uri = g_strdup_printf ("sip:%s@127.0.0.1:%u", name, sip_port);
  peer->events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_engine_event_free);
  peer->consumed = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_string_append_printf (config,
                          "module_path " PL_BARESIP_MODULE_PATH "\n"
                          "sip_listen 127.0.0.1:%u\n"
                          "net_interface 127.0.0.1\n"
                          "ctrl_tcp_listen 127.0.0.1:%u\n"
                          "module g711.so\n"
                          "module alsa.so\n"
                          "module aufile.so\n",
                          sip_port, ctrl_port);
  if (extra_modules)
    for (const char *const *m = extra_modules; *m; m++)
      g_string_append_printf (config, "module %s\n", *m);
  g_string_append_printf (config,
                          "module_app account.so\n"
                          "module_app menu.so\n"
                          "module_app ctrl_tcp.so\n"
                          "audio_player alsa,null\n"
                          "audio_alert alsa,null\n"
                          "audio_source %s\n%s\n",
                          audio_source ? audio_source : default_source,
                          extra_config ? extra_config : "");
  path = g_build_filename (peer->dir, "config", NULL);
  g_assert_true (g_file_set_contents (path, config->str, -1, NULL));
  g_free (path);
  accounts = g_strdup_printf ("<%s>;regint=0\n", peer->uri);
  path = g_build_filename (peer->dir, "accounts", NULL);
  g_assert_true (g_file_set_contents (path, accounts, -1, NULL));

  log = g_strdup_printf ("%s/peer-%s-%u.log", logdir, name, sip_port);
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (SIGKILL), NULL);
  peer->proc
      = g_subprocess_launcher_spawn (launcher, &error, baresip_binary (), "-f", peer->dir, NULL);
  g_assert_no_error (error);
  peer->exited = watch_exit (peer->proc);

  peer->ctrl = pl_baresip_ctrl_new ();
  g_signal_connect (peer->ctrl, "event", G_CALLBACK (peer_event_cb), peer);
  pl_baresip_ctrl_connect_async (peer->ctrl, ctrl_port, START_TIMEOUT_MS, NULL, connect_done_cb,
                                 &w);
  g_assert_true (PL_TEST_WAIT (w.done, START_TIMEOUT_MS + 1000));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  return peer;
}

static gboolean
peer_exited (PlTestPeer *peer)
{
  return *peer->exited;
}

void
pl_test_peer_free (PlTestPeer *peer)
{
  if (peer == NULL)
    return;
  /* A polite quit first, SIGKILL if it dawdles; either way it is reaped. */
  pl_baresip_ctrl_send (peer->ctrl, "quit", NULL);
  if (!PL_TEST_WAIT (*peer->exited, 3000))
    {
      g_subprocess_force_exit (peer->proc);
      g_assert_true (PL_TEST_WAIT (*peer->exited, 5000));
    }
  g_free (peer->exited);
  pl_baresip_ctrl_close (peer->ctrl);
  g_clear_object (&peer->ctrl);
  g_clear_object (&peer->proc);
  g_ptr_array_unref (peer->events);
  g_hash_table_unref (peer->consumed);
  g_free (peer->name);
  g_free (peer->uri);
  pl_test_remove_tree (peer->dir);
  g_free (peer->dir);
  g_free (peer);
}

const char *
pl_test_peer_uri (PlTestPeer *peer)
{
  return peer->uri;
}

static void
command_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->data = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &w->error);
  w->done = TRUE;
}

char *
pl_test_peer_command (PlTestPeer *peer, const char *command, const char *params, GError **error)
{
  Wait w = { 0 };

  g_assert_false (peer_exited (peer));
  pl_baresip_ctrl_command_async (peer->ctrl, command, params, COMMAND_TIMEOUT_MS, NULL,
                                 command_done_cb, &w);
  g_assert_true (PL_TEST_WAIT (w.done, COMMAND_TIMEOUT_MS + 1000));
  if (w.error)
    g_propagate_error (error, w.error);
  return w.data;
}

static const PlEngineEvent *
find_event (GPtrArray *events, GHashTable *consumed, PlEngineEventType type, const char *call_id)
{
  for (guint i = 0; i < events->len; i++)
    {
      const PlEngineEvent *e = g_ptr_array_index (events, i);

      if (e->type == type && (call_id == NULL || g_strcmp0 (e->call_id, call_id) == 0)
          && !g_hash_table_contains (consumed, e))
        {
          g_hash_table_add (consumed, (gpointer)e);
          return e;
        }
    }
  return NULL;
}

const PlEngineEvent *
pl_test_peer_wait_event (PlTestPeer *peer, PlEngineEventType type, const char *call_id,
                         guint timeout_ms)
{
  const PlEngineEvent *found = NULL;

  PL_TEST_WAIT ((found = find_event (peer->events, peer->consumed, type, call_id)) != NULL,
                timeout_ms);
  return found;
}

guint
pl_test_peer_count_events (PlTestPeer *peer, PlEngineEventType type, const char *type_name)
{
  guint n = 0;

  for (guint i = 0; i < peer->events->len; i++)
    {
      const PlEngineEvent *e = g_ptr_array_index (peer->events, i);
      if (e->type == type && (type_name == NULL || g_strcmp0 (e->type_name, type_name) == 0))
        n++;
    }
  return n;
}

/* Registrar */

struct _PlTestRegistrar
{
  char *dir;
  guint16 port;
  GSubprocess *proc;
  pid_t group; /* the workers' process group: kept, GSubprocess forgets the pid at exit */
  gboolean *exited;
};

/* Ready means Kamailio itself answers on the port: a port that was free
 * when it was picked can be taken by another test's process before
 * Kamailio binds it (seen under load: Kamailio's TCP bind failed and a
 * "port open" check connected to the other process). Its OPTIONS reply
 * names it in the Server header. */
static gboolean
registrar_answers (guint16 port)
{
  g_autoptr (GSocket) sock
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocketAddress) local = NULL;
  g_autofree char *target = NULL;
  g_autofree char *request = NULL;
  char reply[2048];
  gssize n;

  if (sock == NULL || !g_socket_bind (sock, any, TRUE, NULL)
      || (local = g_socket_get_local_address (sock, NULL)) == NULL)
    return FALSE;
  target = g_strdup_printf ("127.0.0.1:%u", port);
  request = pl_test_options_request (
      "udp", target, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)), 1);
  if (g_socket_send_to (sock, to, request, strlen (request), NULL, NULL) < 0)
    return FALSE;
  if (!g_socket_condition_timed_wait (sock, G_IO_IN, 100 * G_TIME_SPAN_MILLISECOND, NULL, NULL))
    return FALSE;
  n = g_socket_receive (sock, reply, sizeof reply - 1, NULL, NULL);
  if (n <= 0)
    return FALSE;
  reply[n] = '\0';
  return g_str_has_prefix (reply, "SIP/2.0 200") && strstr (reply, "kamailio") != NULL;
}

static const char *
kamailio_module_dir (void)
{
  const char *dirs[] = { "/usr/lib/x86_64-linux-gnu/kamailio/modules",
                         "/usr/lib/aarch64-linux-gnu/kamailio/modules",
                         "/usr/lib64/kamailio/modules", "/usr/lib/kamailio/modules" };

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
      return dirs[i];
  return dirs[0];
}

/* Kamailio's workers get a process group of their own with their main
 * process: a worker killed holding a shared-memory lock leaves others
 * blocked on it after the main process is gone, still bound to the
 * registrar's ports (seen after full test runs), so the group is ended
 * once the main process has exited. */
static void
registrar_child_setup (gpointer user_data)
{
  setpgid (0, 0);
  die_with_test (GINT_TO_POINTER (SIGTERM));
}

static void
end_registrar_workers (PlTestRegistrar *reg)
{
  if (reg->group > 0)
    kill (-reg->group, SIGKILL);
  reg->group = 0;
}

/* Starts Kamailio on a fresh port; FALSE if it exited (its port was taken
 * meanwhile), after reaping it. */
static gboolean
registrar_start (PlTestRegistrar *reg, const char *password)
{
  g_autofree char *cfg = NULL;
  g_autofree char *cfg_path = NULL;
  g_autofree char *pid_path = NULL;
  g_autofree char *logdir = pl_test_artifact_dir ("engine");
  g_autofree char *log = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;

  reg->port = pl_test_free_sip_port ();
  cfg = g_strdup_printf (
      "#!KAMAILIO\n"
      "debug=2\nlog_stderror=yes\nchildren=1\ntcp_children=1\nauto_aliases=no\n"
      "listen=udp:127.0.0.1:%u\nlisten=tcp:127.0.0.1:%u\n"
      "mpath=\"%s\"\n"
      "loadmodule \"sl.so\"\nloadmodule \"tm.so\"\nloadmodule \"pv.so\"\n"
      "loadmodule \"maxfwd.so\"\nloadmodule \"textops.so\"\nloadmodule \"siputils.so\"\n"
      "loadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\nloadmodule \"auth.so\"\n"
      "modparam(\"usrloc\", \"db_mode\", 0)\n"
      "request_route {\n"
      "  if (!mf_process_maxfwd_header(\"10\")) { sl_send_reply(\"483\", \"Too Many Hops\"); exit; "
      "}\n"
      "  if (is_method(\"REGISTER\")) {\n"
      "    if (!pv_auth_check(\"$fd\", \"%s\", \"0\", \"0\")) { auth_challenge(\"$fd\", \"0\"); "
      "exit; }\n"
      "    if (!save(\"location\")) { sl_reply_error(); }\n"
      "    exit;\n"
      "  }\n"
      "  if (is_method(\"OPTIONS\")) { sl_send_reply(\"200\", \"OK\"); exit; }\n"
      "  sl_send_reply(\"404\", \"Not here\");\n"
      "}\n",
      reg->port, reg->port, kamailio_module_dir (), password);
  cfg_path = g_build_filename (reg->dir, "kamailio.cfg", NULL);
  pid_path = g_build_filename (reg->dir, "kamailio.pid", NULL);
  g_assert_true (g_file_set_contents (cfg_path, cfg, -1, NULL));

  log = g_strdup_printf ("%s/kamailio-%u.log", logdir, reg->port);
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  /* SIGTERM, so Kamailio takes its worker processes down with it. */
  g_subprocess_launcher_set_child_setup (launcher, registrar_child_setup, NULL, NULL);
  reg->proc = g_subprocess_launcher_spawn (launcher, &error, "kamailio", "-f", cfg_path, "-DD",
                                           "-E", "-Y", reg->dir, "-P", pid_path, "-w", reg->dir,
                                           "-m", "32", "-M", "8", NULL);
  g_assert_no_error (error);
  reg->group = (pid_t)g_ascii_strtoll (g_subprocess_get_identifier (reg->proc), NULL, 10);
  reg->exited = watch_exit (reg->proc);
  g_assert_true (PL_TEST_WAIT (*reg->exited || registrar_answers (reg->port), START_TIMEOUT_MS));
  if (!*reg->exited)
    return TRUE;
  end_registrar_workers (reg);
  g_clear_object (&reg->proc);
  g_clear_pointer (&reg->exited, g_free);
  return FALSE;
}

PlTestRegistrar *
pl_test_registrar_new (const char *password)
{
  PlTestRegistrar *reg = g_new0 (PlTestRegistrar, 1);
  guint attempt = 0;

  g_assert_null (strchr (password, '"'));
  reg->dir = pl_test_make_dir ("kamailio");
  while (!registrar_start (reg, password))
    g_assert_cmpuint (++attempt, <, 5);
  return reg;
}

guint16
pl_test_registrar_port (PlTestRegistrar *reg)
{
  return reg->port;
}

void
pl_test_registrar_free (PlTestRegistrar *reg)
{
  if (reg == NULL)
    return;
  g_subprocess_send_signal (reg->proc, SIGTERM);
  if (!PL_TEST_WAIT (*reg->exited, 5000))
    {
      g_subprocess_force_exit (reg->proc);
      g_assert_true (PL_TEST_WAIT (*reg->exited, 5000));
    }
  end_registrar_workers (reg);
  g_clear_object (&reg->proc);
  g_free (reg->exited);
  pl_test_remove_tree (reg->dir);
  g_free (reg->dir);
  g_free (reg);
}

/* Recorder */

static void
recorder_event_cb (PlEngine *engine, PlEngineEvent *event, gpointer user_data)
{
  PlTestRecorder *rec = user_data;

  g_debug ("engine: %s %s %s", event->type_name, event->call_id ? event->call_id : "",
           event->param ? event->param : "");
  g_ptr_array_add (rec->events, pl_engine_event_copy (event));
}

static void
recorder_problem_cb (PlEngine *engine, guint code, const char *message, gpointer user_data)
{
  PlTestRecorder *rec = user_data;

  g_ptr_array_add (rec->problems, g_strdup_printf ("%u: %s", code, message));
}

PlTestRecorder *
pl_test_recorder_new (PlEngine *engine)
{
  PlTestRecorder *rec = g_new0 (PlTestRecorder, 1);

  rec->engine = engine;
  rec->events = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_engine_event_free);
  rec->problems = g_ptr_array_new_with_free_func (g_free);
  g_object_set_data_full (G_OBJECT (engine), "pl-test-consumed",
                          g_hash_table_new (g_direct_hash, g_direct_equal),
                          (GDestroyNotify)g_hash_table_unref);
  g_signal_connect (engine, "event", G_CALLBACK (recorder_event_cb), rec);
  g_signal_connect (engine, "problem", G_CALLBACK (recorder_problem_cb), rec);
  return rec;
}

void
pl_test_recorder_free (PlTestRecorder *rec)
{
  if (rec == NULL)
    return;
  g_signal_handlers_disconnect_by_data (rec->engine, rec);
  g_object_set_data (G_OBJECT (rec->engine), "pl-test-consumed", NULL);
  g_ptr_array_unref (rec->events);
  g_ptr_array_unref (rec->problems);
  g_free (rec);
}

const PlEngineEvent *
pl_test_recorder_wait_event (PlTestRecorder *rec, PlEngineEventType type, const char *call_id,
                             guint timeout_ms)
{
  GHashTable *consumed = g_object_get_data (G_OBJECT (rec->engine), "pl-test-consumed");
  const PlEngineEvent *found = NULL;

  PL_TEST_WAIT ((found = find_event (rec->events, consumed, type, call_id)) != NULL, timeout_ms);
  return found;
}

gboolean
pl_test_recorder_has_problem (PlTestRecorder *rec, PlEngineError code)
{
  g_autofree char *prefix = g_strdup_printf ("%u: ", code);

  for (guint i = 0; i < rec->problems->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (rec->problems, i), prefix))
      return TRUE;
  return FALSE;
}

static void
action_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->ok = pl_engine_action_finish (PL_ENGINE (source), result, &w->error);
  w->done = TRUE;
}

gboolean
pl_test_engine_action (PlEngine *engine, PlEngineAction action, const char *call_id,
                       const char *arg, GError **error)
{
  Wait w = { 0 };

  pl_engine_action_async (engine, action, call_id, arg, NULL, action_done_cb, &w);
  g_assert_true (PL_TEST_WAIT (w.done, 10000));
  if (w.error)
    g_propagate_error (error, w.error);
  return w.ok;
}
