/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-desk"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "bench-stats.h"
#include "pbx-test-lib.h"
#include "pl-test-util.h"

/* The real Parkline next to a bare libadwaita window (bench/bare-window.c),
 * both on a private Xvfb, with the test PBX and a teammate desk:
 *
 *   start → first frame, start → registered with every lot filled, idle RSS
 *   and PSS of app + engine, park click → slot busy on the teammate's desk
 *   (its D-Bus Slots property), retrieve click → call established (the
 *   teammate's D-Bus Calls property)
 *
 * each as median and p95 with the ratio to the bare window of the same run,
 * per GSK renderer. Then what the memory difference is made of (mappings)
 * and where the park time went (the apps' pl-trace marks: every process
 * logs the system-wide monotonic clock, so marks of two desks compare).
 *
 *   bench-desk [--runs N] [--parks N] [--renderers cairo,gl] [--settle MS]
 *
 * The machine may be busy: judge the ratios, not the absolute figures. */

#define WAIT_MS    30000
#define DBUS_NAME  "io.github.parkline.Parkline"
#define DBUS_PATH  "/io/github/parkline/Parkline"
#define DBUS_IFACE "io.github.parkline.Parkline1"
#define LOT_NAME   "Demo"

static int opt_runs = 10;
static int opt_parks = 20;
static int opt_settle_ms = 3000;
static char *opt_renderers = NULL;
static gboolean opt_keep = FALSE;

static const GOptionEntry option_entries[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Start-ups of each program per renderer", "N" },
  { "parks", 0, 0, G_OPTION_ARG_INT, &opt_parks, "Park and retrieve rounds per renderer", "N" },
  { "renderers", 0, 0, G_OPTION_ARG_STRING, &opt_renderers,
    "GSK renderers to compare (default cairo,gl)", "LIST" },
  { "settle", 0, 0, G_OPTION_ARG_INT, &opt_settle_ms,
    "Idle time before memory is read, after the app is ready", "MS" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &opt_keep, "Keep the scratch directory (logs)", NULL },
  { NULL },
};

/* ---- the world: X server, buses, sound server, PBX ---- */

typedef struct
{
  char *dir;
  char *runtime; /* the runtime dirs: tmpfs, as a desktop session's are */
  GSubprocess *xvfb;
  GSubprocess *pulse;
  char *display;
  char *pulse_server;
  TestPbx *pbx;
} World;

static World world;

/* XDG_RUNTIME_DIR of a program whose HOME is @home. */
static char *
runtime_dir (const char *home)
{
  g_autofree char *name = g_path_get_basename (home);

  return g_build_filename (world.runtime, name, NULL);
}

static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void die (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
die (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\n(logs in %s)\n", world.dir ? world.dir : "?");
  exit (1);
}

static char *
read_first_line (const char *path, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && strchr (text, '\n'))
        return g_strndup (text, strcspn (text, "\n"));
      pl_test_spin (20);
    }
  return NULL;
}

/* The environment every program of the bench runs in: nothing inherited
 * that changes how GLib or GTK behave (the test suite's G_DEBUG and
 * MALLOC_CHECK_ would slow both sides down). */
static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags, const char *home)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  const char *drop[] = { "G_DEBUG",         "MALLOC_CHECK_",
                         "MALLOC_PERTURB_", "G_SLICE",
                         "GSK_RENDERER",    "GDK_DEBUG",
                         "GSK_DEBUG",       "GTK_DEBUG",
                         "GTK_THEME",       "WAYLAND_DISPLAY",
                         "SESSION_MANAGER", "G_MESSAGES_DEBUG",
                         "PL_SIP_TRACE",    "DBUS_SESSION_BUS_ADDRESS" };

  for (gsize i = 0; i < G_N_ELEMENTS (drop); i++)
    g_subprocess_launcher_unsetenv (launcher, drop[i]);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (home != NULL)
    {
      g_autofree char *config = g_build_filename (home, ".config", NULL);
      g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
      g_autofree char *cache = g_build_filename (home, ".cache", NULL);
      g_autofree char *state = g_build_filename (home, ".local", "state", NULL);
      g_autofree char *runtime = runtime_dir (home);

      g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
    }
  if (world.display)
    g_subprocess_launcher_setenv (launcher, "DISPLAY", world.display, TRUE);
  if (world.pulse_server)
    g_subprocess_launcher_setenv (launcher, "PULSE_SERVER", world.pulse_server, TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  return launcher;
}

/* A HOME of its own: history, settings, ALSA pointed at the PulseAudio. */
static char *
make_home (const char *name)
{
  char *home = g_build_filename (world.dir, name, NULL);
  g_autofree char *runtime = runtime_dir (home);
  g_autofree char *asoundrc = g_build_filename (home, ".asoundrc", NULL);

  g_mkdir_with_parents (home, 0700);
  g_mkdir_with_parents (runtime, 0700);
  g_file_set_contents (asoundrc, "pcm.!default { type pulse }\nctl.!default { type pulse }\n", -1,
                       NULL);
  return home;
}

static void
world_start (void)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *display_file = NULL, *line = NULL, *pulse_home = NULL, *socket = NULL;
  g_autofree char *pulse_log = NULL;

  world.dir = g_dir_make_tmp ("parkline-bench-XXXXXX", &error);
  if (world.dir == NULL)
    die ("no scratch directory: %s", error->message);
  world.runtime = g_strdup ("/dev/shm/parkline-bench-XXXXXX");
  if (g_mkdtemp_full (world.runtime, 0700) == NULL)
    {
      g_free (world.runtime);
      world.runtime = g_build_filename (world.dir, "runtime", NULL);
      g_mkdir (world.runtime, 0700);
    }

  /* Xvfb tells the display it picked on a file descriptor. */
  display_file = g_build_filename (world.dir, "display", NULL);
  launcher = launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  {
    int fd = g_open (display_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    g_subprocess_launcher_take_fd (launcher, fd, 5);
  }
  world.xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "5", "-screen",
                                            "0", "1280x800x24", "-nolisten", "tcp", NULL);
  if (world.xvfb == NULL)
    die ("Xvfb: %s", error->message);
  line = read_first_line (display_file, 10000);
  if (line == NULL)
    die ("Xvfb did not start");
  world.display = g_strdup_printf (":%s", line);
  g_clear_object (&launcher);

  /* One PulseAudio with a null sink and source: the desks' real audio path. */
  pulse_home = make_home ("pulse");
  {
    g_autofree char *pulse_runtime = runtime_dir (pulse_home);
    socket = g_build_filename (pulse_runtime, "pulse", "native", NULL);
  }
  pulse_log = g_build_filename (world.dir, "pulse.log", NULL);
  launcher = launcher_new (G_SUBPROCESS_FLAGS_NONE, pulse_home);
  g_subprocess_launcher_set_stderr_file_path (launcher, pulse_log);
  world.pulse = g_subprocess_launcher_spawn (
      launcher, &error, "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
      "--log-target=stderr", "-L", "module-native-protocol-unix", "-L",
      "module-null-sink sink_name=bench", "-L", "module-null-source source_name=bench_mic", NULL);
  if (world.pulse == NULL)
    die ("pulseaudio: %s", error->message);
  if (!PL_TEST_WAIT (g_file_test (socket, G_FILE_TEST_EXISTS), 10000))
    die ("PulseAudio did not start");
  world.pulse_server = g_strdup_printf ("unix:%s", socket);

  /* Parked callers stay parked; the parker's call ends soon after the
   * REFER (the announcement is not what is measured). */
  world.pbx = test_pbx_start ("profile=asterisk\nslots=701-710\nparkingtime=900\n"
                              "announce_delay_ms=500\nring_timeout=60\n");
}

static void
exited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *)user_data = TRUE;
}

/* SIGTERM, as a session ending would; SIGKILL if that is not enough. */
static void
terminate (GSubprocess *proc)
{
  gboolean exited = FALSE;

  if (proc == NULL)
    return;
  g_subprocess_wait_async (proc, NULL, exited_cb, &exited);
  g_subprocess_send_signal (proc, SIGTERM);
  if (!PL_TEST_WAIT (exited, 5000))
    g_subprocess_force_exit (proc);
  PL_TEST_WAIT (exited, 5000);
}

static void
world_stop (void)
{
  g_clear_pointer (&world.pbx, test_pbx_stop);
  terminate (world.pulse);
  terminate (world.xvfb);
  g_clear_object (&world.pulse);
  g_clear_object (&world.xvfb);
  pl_test_remove_tree (world.runtime);
  if (!opt_keep)
    pl_test_remove_tree (world.dir);
}

/* ---- a program under test: the app or the bare window ---- */

typedef struct
{
  char *what;
  gint64 at;
} Mark;

static void
mark_free (Mark *mark)
{
  g_free (mark->what);
  g_free (mark);
}

typedef struct
{
  const char *name;
  char *home;
  char *conf; /* --account-file */
  GSubprocess *bus_daemon;
  GDBusConnection *bus;
  guint signal_id;

  GSubprocess *proc;
  GDataInputStream *out;
  GCancellable *cancellable;
  gint64 spawned;
  gint64 first_frame;
  double frame_cpu_ms;  /* the main thread's time on a CPU until its first frame */
  double frame_wait_ms; /* and its time waiting for one: the machine's load */
  gint64 ready;         /* registered and no stale slot, as seen on the bus */
  GPtrArray *marks;

  char *registration;
  GVariant *slots;
  GVariant *calls;
  gint64 slots_at;
  gint64 calls_at;
} Desk;

static void
bus_start (Desk *desk)
{
  g_autoptr (GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("%s/%s.bus", world.dir, desk->name);
  g_autofree char *address = NULL;
  int fd = g_open (file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_subprocess_launcher_take_fd (launcher, fd, 6);
  desk->bus_daemon
      = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--session", "--nofork",
                                     "--nopidfile", "--print-address=6", NULL);
  if (desk->bus_daemon == NULL)
    die ("dbus-daemon: %s", error->message);
  address = read_first_line (file, 10000);
  if (address == NULL)
    die ("dbus-daemon did not start");
  desk->bus = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (desk->bus == NULL)
    die ("session bus: %s", error->message);
  g_object_set_data_full (G_OBJECT (desk->bus), "address", g_steal_pointer (&address), g_free);
}

static gboolean
slots_all_known (GVariant *slots)
{
  GVariantIter iter;
  const char *state;

  if (slots == NULL || g_variant_n_children (slots) == 0)
    return FALSE;
  g_variant_iter_init (&iter, slots);
  while (g_variant_iter_next (&iter, "(&si&s&s&sxxb)", NULL, NULL, &state, NULL, NULL, NULL, NULL,
                              NULL))
    if (g_strcmp0 (state, "stale") == 0)
      return FALSE;
  return TRUE;
}

static void
check_ready (Desk *desk, gint64 now)
{
  if (desk->ready == 0 && g_strcmp0 (desk->registration, "registered") == 0
      && slots_all_known (desk->slots))
    desk->ready = now;
}

static void
take_properties (Desk *desk, GVariant *dict, gint64 now)
{
  GVariant *value;

  if ((value = g_variant_lookup_value (dict, "RegistrationState", G_VARIANT_TYPE_STRING)))
    {
      g_free (desk->registration);
      desk->registration = g_variant_dup_string (value, NULL);
      g_variant_unref (value);
    }
  if ((value = g_variant_lookup_value (dict, "Slots", NULL)))
    {
      g_clear_pointer (&desk->slots, g_variant_unref);
      desk->slots = value;
      desk->slots_at = now;
    }
  if ((value = g_variant_lookup_value (dict, "Calls", NULL)))
    {
      g_clear_pointer (&desk->calls, g_variant_unref);
      desk->calls = value;
      desk->calls_at = now;
    }
  check_ready (desk, now);
}

static void
properties_changed_cb (GDBusConnection *connection, const char *sender, const char *path,
                       const char *interface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr (GVariant) changed = NULL;
  const char *iface = NULL;

  g_variant_get (parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
  if (g_strcmp0 (iface, DBUS_IFACE) == 0)
    take_properties (user_data, changed, now);
}

/* Reads the app's stdout: its pl-trace marks, and the bare window's line. */
static void read_next_line (Desk *desk);

/* The main thread's scheduler statistics (ns on a CPU, ns runnable but
 * waiting): instructions do not depend on the load, waiting does. */
static void
read_schedstat (Desk *desk)
{
  const char *id = g_subprocess_get_identifier (desk->proc);
  g_autofree char *path = g_strdup_printf ("/proc/%s/task/%s/schedstat", id, id);
  g_autofree char *text = NULL;
  guint64 run = 0, wait = 0;

  if (id && g_file_get_contents (path, &text, NULL, NULL)
      && sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run, &wait) == 2)
    {
      desk->frame_cpu_ms = run / 1e6;
      desk->frame_wait_ms = wait / 1e6;
    }
}

static void
line_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Desk *desk = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *line
      = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  const char *text, *at;
  gint64 value;

  if (line == NULL)
    return;
  if (sscanf (line, "first-frame %" G_GINT64_FORMAT, &value) == 1)
    {
      desk->first_frame = value;
      read_schedstat (desk);
    }
  else if ((text = strstr (line, "pl-trace-DEBUG: ")) && (text = strstr (text + 16, ": "))
           && (at = g_strrstr (text, " at ")) && g_str_has_suffix (at, " us"))
    {
      Mark *mark = g_new0 (Mark, 1);

      mark->what = g_strndup (text + 2, at - text - 2);
      mark->at = g_ascii_strtoll (at + 4, NULL, 10);
      g_ptr_array_add (desk->marks, mark);
      if (g_str_equal (mark->what, "first frame"))
        {
          desk->first_frame = mark->at;
          read_schedstat (desk);
        }
    }
  (void)now;
  read_next_line (desk);
}

static void
read_next_line (Desk *desk)
{
  g_data_input_stream_read_line_async (desk->out, G_PRIORITY_DEFAULT, desk->cancellable,
                                       line_read_cb, desk);
}

static Desk *
desk_new (const char *name, guint16 pbx_port)
{
  Desk *desk = g_new0 (Desk, 1);

  desk->name = name;
  desk->home = make_home (name);
  desk->marks = g_ptr_array_new_with_free_func ((GDestroyNotify)mark_free);
  if (pbx_port)
    {
      g_autofree char *text = g_strdup_printf (
          "[account]\nid=bench\ndisplay-name=%s\nuser=%s\ndomain=127.0.0.1:%u\npassword=%spw\n\n"
          "[lot " LOT_NAME "]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\n"
          "last-slot=710\ntimeout=900\n",
          name, name, pbx_port, name);

      desk->conf = g_build_filename (desk->home, "desk.conf", NULL);
      g_file_set_contents_full (desk->conf, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
    }
  bus_start (desk);
  desk->signal_id = g_dbus_connection_signal_subscribe (
      desk->bus, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", DBUS_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, properties_changed_cb, desk, NULL);
  return desk;
}

static const char *parkline_binary;
static const char *bare_binary;

static void
desk_spawn (Desk *desk, const char *renderer)
{
  g_autoptr (GSubprocessLauncher) launcher
      = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, desk->home);
  g_autoptr (GError) error = NULL;
  g_autofree char *log = g_strdup_printf ("%s/%s.log", world.dir, desk->name);

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                g_object_get_data (G_OBJECT (desk->bus), "address"), TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderer, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "pl-trace", TRUE);
  desk->first_frame = desk->ready = 0;
  g_clear_pointer (&desk->registration, g_free);
  g_clear_pointer (&desk->slots, g_variant_unref);
  g_clear_pointer (&desk->calls, g_variant_unref);
  g_ptr_array_set_size (desk->marks, 0);

  desk->spawned = g_get_monotonic_time ();
  if (desk->conf)
    desk->proc = g_subprocess_launcher_spawn (launcher, &error, parkline_binary, "--account-file",
                                              desk->conf, NULL);
  else
    desk->proc = g_subprocess_launcher_spawn (launcher, &error, bare_binary, NULL);
  if (desk->proc == NULL)
    die ("cannot start %s: %s", desk->name, error->message);
  desk->cancellable = g_cancellable_new ();
  desk->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (desk->proc));
  read_next_line (desk);
}

static void
desk_stop (Desk *desk)
{
  if (desk->proc == NULL)
    return;
  g_cancellable_cancel (desk->cancellable);
  terminate (desk->proc);
  g_clear_object (&desk->out);
  g_clear_object (&desk->cancellable);
  g_clear_object (&desk->proc);
}

static void
desk_free (Desk *desk)
{
  desk_stop (desk);
  g_dbus_connection_signal_unsubscribe (desk->bus, desk->signal_id);
  g_dbus_connection_close_sync (desk->bus, NULL, NULL);
  g_clear_object (&desk->bus);
  terminate (desk->bus_daemon);
  g_clear_object (&desk->bus_daemon);
  g_clear_pointer (&desk->registration, g_free);
  g_clear_pointer (&desk->slots, g_variant_unref);
  g_clear_pointer (&desk->calls, g_variant_unref);
  g_ptr_array_unref (desk->marks);
  g_free (desk->conf);
  g_free (desk->home);
  g_free (desk);
}

static void
desk_wait (Desk *desk, gboolean app)
{
  if (!PL_TEST_WAIT (desk->first_frame != 0 && (!app || desk->ready != 0), WAIT_MS))
    die ("%s did not get ready (frame %" G_GINT64_FORMAT ", registration %s)", desk->name,
         desk->first_frame, desk->registration ? desk->registration : "-");
}

/* ---- memory ---- */

/* RSS counts shared pages fully, PSS shares them out among the processes
 * that map them (on a busy machine that includes strangers' copies of the
 * same libraries), private dirty counts what only this process wrote: heaps,
 * stacks, relocated data. The last one does not move with the neighbours. */
typedef struct
{
  double rss_kib;
  double pss_kib;
  double dirty_kib;
} Memory;

static void
read_rollup (int pid, Memory *memory)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/smaps_rollup", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      if (g_str_has_prefix (*l, "Rss:"))
        memory->rss_kib += g_ascii_strtod (*l + 4, NULL);
      else if (g_str_has_prefix (*l, "Pss:"))
        memory->pss_kib += g_ascii_strtod (*l + 4, NULL);
      else if (g_str_has_prefix (*l, "Private_Dirty:"))
        memory->dirty_kib += g_ascii_strtod (*l + 14, NULL);
    }
}

/* @pid and everything it started (baresip). */
static GArray *
process_tree (int pid)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_val (pids, pid);

  for (guint i = 0; i < pids->len; i++)
    {
      int parent = g_array_index (pids, int, i);
      g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", parent);
      g_autoptr (GDir) dir = g_dir_open (task_dir, 0, NULL);
      const char *task;

      while (dir && (task = g_dir_read_name (dir)))
        {
          g_autofree char *path = g_strdup_printf ("%s/%s/children", task_dir, task);
          g_autofree char *text = NULL;
          g_auto (GStrv) words = NULL;

          if (!g_file_get_contents (path, &text, NULL, NULL))
            continue;
          words = g_strsplit_set (g_strstrip (text), " ", -1);
          for (char **w = words; *w; w++)
            if (**w)
              {
                int child = atoi (*w);
                g_array_append_val (pids, child);
              }
        }
    }
  return pids;
}

static int
desk_pid (Desk *desk)
{
  return atoi (g_subprocess_get_identifier (desk->proc));
}

static Memory
desk_memory (Desk *desk)
{
  g_autoptr (GArray) pids = process_tree (desk_pid (desk));
  Memory memory = { 0 };

  for (guint i = 0; i < pids->len; i++)
    read_rollup (g_array_index (pids, int, i), &memory);
  return memory;
}

/* Pss per mapping name, summed over the process tree: what the difference
 * to the bare window is made of. */
static GHashTable *
desk_mappings (Desk *desk)
{
  g_autoptr (GArray) pids = process_tree (desk_pid (desk));
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < pids->len; i++)
    {
      int pid = g_array_index (pids, int, i);
      g_autofree char *path = g_strdup_printf ("/proc/%d/smaps", pid);
      g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", pid);
      g_autofree char *text = NULL, *comm = NULL;
      g_auto (GStrv) lines = NULL;
      g_autofree char *current = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      g_file_get_contents (comm_path, &comm, NULL, NULL);
      lines = g_strsplit (text, "\n", -1);
      for (char **l = lines; *l; l++)
        {
          unsigned long start, end;
          char perms[8];
          int name_at = 0;

          if (sscanf (*l, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &name_at) >= 3
              && name_at > 0)
            {
              const char *name = *l + name_at;
              const char *base = strrchr (name, '/');

              g_free (current);
              /* The engine's mappings are told apart from the app's. */
              current = g_strdup_printf ("%s%s", i > 0 ? "engine: " : "",
                                         *name ? (base ? base + 1 : name) : "[anon]");
            }
          else if (current && g_str_has_prefix (*l, "Pss:"))
            {
              double *sum = g_hash_table_lookup (table, current);

              if (sum == NULL)
                {
                  sum = g_new0 (double, 1);
                  g_hash_table_insert (table, g_strdup (current), sum);
                }
              *sum += g_ascii_strtod (*l + 4, NULL);
            }
        }
    }
  return table;
}

/* ---- statistics ---- */

static void
add (GArray *values, double value)
{
  g_array_append_val (values, value);
}

/* ---- the runs ---- */

typedef struct
{
  const char *renderer;
  GArray *window, *ready, *rss, *pss, *dirty, *cpu, *cpu_wait; /* the app */
  GArray *bare_window, *bare_rss, *bare_pss, *bare_dirty, *bare_cpu, *bare_cpu_wait;
  GArray *park, *retrieve;          /* ms */
  GHashTable *app_maps, *bare_maps; /* last run's mappings */
  GHashTable *steps;                /* park step → GArray of ms */
  GPtrArray *step_order;
  GHashTable *startup_steps; /* start-up mark → GArray of ms from exec */
  GPtrArray *startup_order;
  GHashTable *bare_steps; /* the same for the bare window */
  GPtrArray *bare_order;
} Results;

static Results *
results_new (const char *renderer)
{
  Results *r = g_new0 (Results, 1);

  r->renderer = renderer;
#define NEW_ARRAY() g_array_new (FALSE, FALSE, sizeof (double))
  r->window = NEW_ARRAY ();
  r->ready = NEW_ARRAY ();
  r->rss = NEW_ARRAY ();
  r->pss = NEW_ARRAY ();
  r->dirty = NEW_ARRAY ();
  r->cpu = NEW_ARRAY ();
  r->cpu_wait = NEW_ARRAY ();
  r->bare_window = NEW_ARRAY ();
  r->bare_rss = NEW_ARRAY ();
  r->bare_pss = NEW_ARRAY ();
  r->bare_dirty = NEW_ARRAY ();
  r->bare_cpu = NEW_ARRAY ();
  r->bare_cpu_wait = NEW_ARRAY ();
  r->park = NEW_ARRAY ();
  r->retrieve = NEW_ARRAY ();
#undef NEW_ARRAY
  r->steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  r->step_order = g_ptr_array_new_with_free_func (g_free);
  r->startup_steps
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  r->startup_order = g_ptr_array_new_with_free_func (g_free);
  r->bare_steps
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  r->bare_order = g_ptr_array_new_with_free_func (g_free);
  return r;
}

static void
add_step (GHashTable *steps, GPtrArray *order, const char *name, double ms)
{
  GArray *values = g_hash_table_lookup (steps, name);

  if (values == NULL)
    {
      values = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (steps, g_strdup (name), values);
      g_ptr_array_add (order, g_strdup (name));
    }
  add (values, ms);
}

static double
kib_to_mib (double kib)
{
  return kib / 1024.0;
}

static void
settle (void)
{
  pl_test_spin (opt_settle_ms);
}

/* The first mark of each kind until the desk was ready: later ones (every
 * NOTIFY) belong to no step of the start. */
static void
add_startup_steps (GHashTable *steps, GPtrArray *order, Desk *desk)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < desk->marks->len; i++)
    {
      Mark *mark = g_ptr_array_index (desk->marks, i);
      if (mark->at <= MAX (desk->ready, desk->first_frame) && g_hash_table_add (seen, mark->what))
        add_step (steps, order, mark->what, (mark->at - desk->spawned) / 1000.0);
    }
}

static void
startup_round (Results *r, Desk *bare, Desk *app)
{
  Memory memory;

  desk_spawn (bare, r->renderer);
  desk_wait (bare, FALSE);
  add (r->bare_window, (bare->first_frame - bare->spawned) / 1000.0);
  add (r->bare_cpu, bare->frame_cpu_ms);
  add (r->bare_cpu_wait, bare->frame_wait_ms);
  add_startup_steps (r->bare_steps, r->bare_order, bare);
  settle ();
  memory = desk_memory (bare);
  add (r->bare_rss, kib_to_mib (memory.rss_kib));
  add (r->bare_pss, kib_to_mib (memory.pss_kib));
  add (r->bare_dirty, kib_to_mib (memory.dirty_kib));
  g_clear_pointer (&r->bare_maps, g_hash_table_unref);
  r->bare_maps = desk_mappings (bare);
  desk_stop (bare);

  desk_spawn (app, r->renderer);
  desk_wait (app, TRUE);
  add (r->window, (app->first_frame - app->spawned) / 1000.0);
  add (r->cpu, app->frame_cpu_ms);
  add (r->cpu_wait, app->frame_wait_ms);
  add (r->ready, (app->ready - app->spawned) / 1000.0);
  add_startup_steps (r->startup_steps, r->startup_order, app);
  settle ();
  memory = desk_memory (app);
  add (r->rss, kib_to_mib (memory.rss_kib));
  add (r->pss, kib_to_mib (memory.pss_kib));
  add (r->dirty, kib_to_mib (memory.dirty_kib));
  g_clear_pointer (&r->app_maps, g_hash_table_unref);
  r->app_maps = desk_mappings (app);
  desk_stop (app);
}

static GVariant *
call_sync (Desk *desk, const char *method, GVariant *args, const GVariantType *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply
      = g_dbus_connection_call_sync (desk->bus, DBUS_NAME, DBUS_PATH, DBUS_IFACE, method, args,
                                     reply_type, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    die ("%s.%s: %s", desk->name, method, error->message);
  return reply;
}

/* The handle of @desk's first call in @state (@handle 0: any call), or 0. */
static guint
find_call (Desk *desk, guint handle, const char *state)
{
  GVariantIter iter;
  const char *s;
  guint h;

  if (desk->calls == NULL)
    return 0;
  g_variant_iter_init (&iter, desk->calls);
  while (g_variant_iter_next (&iter, "(u&s&s&s&s&st)", &h, NULL, &s, NULL, NULL, NULL, NULL))
    if ((handle == 0 || h == handle) && g_strcmp0 (s, state) == 0)
      return h;
  return 0;
}

static gboolean
no_calls (Desk *desk)
{
  return desk->calls == NULL || g_variant_n_children (desk->calls) == 0;
}

/* The first slot of @desk in @state, or 0. */
static int
find_slot (Desk *desk, const char *state)
{
  GVariantIter iter;
  const char *s;
  int number;

  if (desk->slots == NULL)
    return 0;
  g_variant_iter_init (&iter, desk->slots);
  while (g_variant_iter_next (&iter, "(&si&s&s&sxxb)", NULL, &number, &s, NULL, NULL, NULL, NULL,
                              NULL))
    if (g_strcmp0 (s, state) == 0)
      return number;
  return 0;
}

/* The first mark named @what at or after @since, or 0. */
static gint64
mark_after (Desk *desk, const char *what, gint64 since)
{
  for (guint i = 0; i < desk->marks->len; i++)
    {
      Mark *mark = g_ptr_array_index (desk->marks, i);
      if (mark->at >= since && g_str_equal (mark->what, what))
        return mark->at;
    }
  return 0;
}

/* Every mark of both desks between @from and @to, in time order, as the
 * steps of one park: "alice: park requested" → ms since the click. */
static void
collect_steps (Results *r, Desk *a, Desk *b, gint64 from, gint64 to, const char *prefix)
{
  Desk *desks[] = { a, b };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize d = 0; d < G_N_ELEMENTS (desks); d++)
    for (guint i = 0; i < desks[d]->marks->len; i++)
      {
        Mark *mark = g_ptr_array_index (desks[d]->marks, i);
        g_autofree char *name = NULL;

        if (mark->at < from || mark->at > to)
          continue;
        name = g_strdup_printf ("%s %s: %s", prefix, desks[d]->name, mark->what);
        if (g_hash_table_contains (seen, name))
          continue;
        g_hash_table_add (seen, g_strdup (name));
        add_step (r->steps, r->step_order, name, (mark->at - from) / 1000.0);
      }
}

static void
park_round (Results *r, Desk *alice, Desk *bob)
{
  g_autofree char *reply = NULL;
  g_autoptr (GVariant) ret = NULL;
  g_autofree char *target = NULL;
  gint64 t_park, t_seen, t_retrieve, t_established;
  guint handle, retrieved;
  int slot;

  reply = test_pbx_cmd (world.pbx, "originate 201 \"Caller One\" alice");
  if (!g_str_has_prefix (reply, "OK"))
    die ("originate: %s", reply);
  if (!PL_TEST_WAIT ((handle = find_call (alice, 0, "incoming")) != 0, WAIT_MS))
    die ("alice: no incoming call");
  g_variant_unref (call_sync (alice, "Answer", g_variant_new ("(u)", handle), NULL));
  if (!PL_TEST_WAIT (find_call (alice, handle, "active"), WAIT_MS))
    die ("alice: the call did not connect");
  /* Let the media settle: the click comes from a person, not at once. */
  pl_test_spin (300);

  t_park = g_get_monotonic_time ();
  g_variant_unref (call_sync (alice, "Park", g_variant_new ("(us)", handle, ""), NULL));
  if (!PL_TEST_WAIT ((slot = find_slot (bob, "occupied")) != 0, WAIT_MS))
    die ("bob never saw the parked call");
  t_seen = bob->slots_at;
  add (r->park, (t_seen - t_park) / 1000.0);
  if (!PL_TEST_WAIT (no_calls (alice), WAIT_MS))
    die ("alice's parked call did not end");
  collect_steps (r, alice, bob, t_park, t_seen, "park");
  pl_test_spin (300);

  target = g_strdup_printf (LOT_NAME ":%d", slot);
  t_retrieve = g_get_monotonic_time ();
  ret = call_sync (bob, "Retrieve", g_variant_new ("(s)", target), G_VARIANT_TYPE ("(u)"));
  g_variant_get (ret, "(u)", &retrieved);
  if (!PL_TEST_WAIT (find_call (bob, retrieved, "active"), WAIT_MS))
    die ("bob's retrieve did not connect");
  t_established = bob->calls_at;
  add (r->retrieve, (t_established - t_retrieve) / 1000.0);
  collect_steps (r, bob, alice, t_retrieve, t_established, "retrieve");

  g_variant_unref (call_sync (bob, "Hangup", g_variant_new ("(u)", retrieved), NULL));
  if (!PL_TEST_WAIT (no_calls (bob) && find_slot (bob, "occupied") == 0
                         && find_slot (alice, "occupied") == 0,
                     WAIT_MS))
    die ("the lot did not empty after the retrieve");
  (void)mark_after;
}

static void
park_rounds (Results *r, Desk *alice, Desk *bob)
{
  desk_spawn (alice, r->renderer);
  desk_spawn (bob, r->renderer);
  desk_wait (alice, TRUE);
  desk_wait (bob, TRUE);
  pl_test_spin (1000);
  for (int i = 0; i < opt_parks; i++)
    park_round (r, alice, bob);
  desk_stop (bob);
  desk_stop (alice);
}

/* ---- the table ---- */

static void
print_row (const char *what, GArray *values, GArray *bare, const char *unit, const char *target,
           gboolean met)
{
  double m = bench_median (values), p = bench_percentile (values, 0.95);

  printf ("  %-30s %9.1f %9.1f %s", what, m, p, unit);
  if (bare)
    printf (" %9.1f %9.1f %6.2f×", bench_median (bare), bench_percentile (bare, 0.95),
            m / bench_median (bare));
  else
    printf (" %9s %9s %7s", "", "", "");
  printf ("  %-22s %s\n", target, met ? "yes" : "NO");
}

static void
print_results (Results *r)
{
  double window = bench_median (r->window), bare_window = bench_median (r->bare_window);
  double ready = bench_median (r->ready);
  double pss = bench_median (r->pss), bare_pss = bench_median (r->bare_pss);
  g_autofree char *ready_target = g_strdup_printf ("≤ window + 200 ms");
  g_autoptr (GArray) ready_over = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < r->ready->len; i++)
    add (ready_over, g_array_index (r->ready, double, i) - g_array_index (r->window, double, i));

  printf ("\nrenderer %s: %d start-ups each, %d parks%s\n", r->renderer, r->window->len,
          r->park->len, r->park->len ? "" : " (none)");
  printf ("  %-30s %9s %9s %s %9s %9s %7s  %-22s %s\n", "", "median", "p95", "  ", "bare med",
          "bare p95", "ratio", "target", "met");
  print_row ("start → window", r->window, r->bare_window, "ms", "≤ 1.1 × bare",
             window <= 1.1 * bare_window);
  print_row ("start → registered + lots", r->ready, r->bare_window, "ms", ready_target,
             ready <= window + 200);
  print_row ("main thread on CPU → window", r->cpu, r->bare_cpu, "ms", "(load-independent)", TRUE);
  print_row ("main thread waiting for CPU", r->cpu_wait, r->bare_cpu_wait, "ms", "(the load)",
             TRUE);
  print_row ("RSS app + engine", r->rss, r->bare_rss, "Mi", "", TRUE);
  print_row ("PSS app + engine", r->pss, r->bare_pss, "Mi", "≤ bare + 20 MiB",
             pss <= bare_pss + 20);
  print_row ("private dirty app + engine", r->dirty, r->bare_dirty, "Mi", "", TRUE);
  if (r->park->len)
    {
      print_row ("park → teammate's Slots", r->park, NULL, "ms", "p95 ≤ 20 ms",
                 bench_percentile (r->park, 0.95) <= 20);
      print_row ("retrieve → established", r->retrieve, NULL, "ms", "p95 ≤ 50 ms",
                 bench_percentile (r->retrieve, 0.95) <= 50);
    }
}

static int
compare_by_difference (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GHashTable **maps = user_data;
  const char *x = *(const char **)a, *y = *(const char **)b;
  double *ax = g_hash_table_lookup (maps[0], x), *bx = g_hash_table_lookup (maps[1], x);
  double *ay = g_hash_table_lookup (maps[0], y), *by = g_hash_table_lookup (maps[1], y);
  double dx = (ax ? *ax : 0) - (bx ? *bx : 0), dy = (ay ? *ay : 0) - (by ? *by : 0);

  return dx < dy ? 1 : dx > dy ? -1 : 0;
}

static void
print_memory_breakdown (Results *r)
{
  GHashTable *maps[] = { r->app_maps, r->bare_maps };
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  double total_app = 0, total_bare = 0, rest = 0;

  if (r->app_maps == NULL || r->bare_maps == NULL)
    return;
  for (gsize m = 0; m < G_N_ELEMENTS (maps); m++)
    {
      g_hash_table_iter_init (&iter, maps[m]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_add (names, key))
          g_ptr_array_add (order, key);
    }
  g_ptr_array_sort_with_data (order, compare_by_difference, maps);
  printf ("\n  PSS by mapping, last start-up (%s), app + engine vs bare window, MiB:\n",
          r->renderer);
  printf ("    %-44s %8s %8s %8s\n", "mapping", "app", "bare", "diff");
  for (guint i = 0; i < order->len; i++)
    {
      const char *name = order->pdata[i];
      double *a = g_hash_table_lookup (r->app_maps, name),
             *b = g_hash_table_lookup (r->bare_maps, name);
      double av = a ? *a / 1024 : 0, bv = b ? *b / 1024 : 0;

      total_app += av;
      total_bare += bv;
      if (i < 25)
        printf ("    %-44.44s %8.2f %8.2f %+8.2f\n", name, av, bv, av - bv);
      else
        rest += av - bv;
    }
  printf ("    %-44s %8s %8s %+8.2f\n", "(everything else)", "", "", rest);
  printf ("    %-44s %8.2f %8.2f %+8.2f\n", "total", total_app, total_bare, total_app - total_bare);
}

static void
print_steps (const char *title, GHashTable *steps, GPtrArray *order, guint min_count)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();

  for (guint i = 0; i < order->len; i++)
    {
      GArray *values = g_hash_table_lookup (steps, order->pdata[i]);
      if (values->len >= min_count)
        g_ptr_array_add (sorted, order->pdata[i]);
    }
  if (sorted->len == 0)
    return;
  /* by median time, so the steps read in the order they happen */
  for (guint i = 1; i < sorted->len; i++)
    for (guint j = i; j > 0; j--)
      {
        double a = bench_median (g_hash_table_lookup (steps, sorted->pdata[j - 1]));
        double b = bench_median (g_hash_table_lookup (steps, sorted->pdata[j]));
        if (a <= b)
          break;
        gpointer tmp = sorted->pdata[j];
        sorted->pdata[j] = sorted->pdata[j - 1];
        sorted->pdata[j - 1] = tmp;
      }
  printf ("\n  %s (median and p95 ms since the start, n):\n", title);
  for (guint i = 0; i < sorted->len; i++)
    {
      GArray *values = g_hash_table_lookup (steps, sorted->pdata[i]);
      printf ("    %-52.52s %8.1f %8.1f  %u\n", (const char *)sorted->pdata[i],
              bench_median (values), bench_percentile (values, 0.95), values->len);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— Parkline against a bare window");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) renderers = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  Desk *bare, *alice, *bob;

  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  parkline_binary = g_getenv ("PL_BENCH_PARKLINE");
  bare_binary = g_getenv ("PL_BENCH_BARE_WINDOW");
  if (parkline_binary == NULL || bare_binary == NULL)
    die ("PL_BENCH_PARKLINE and PL_BENCH_BARE_WINDOW name the programs (meson sets them)");
  renderers = g_strsplit (opt_renderers ? opt_renderers : "cairo,gl", ",", -1);

  world_start ();
  bare = desk_new ("bare", 0);
  alice = desk_new ("alice", world.pbx->sip_port);
  bob = desk_new ("bob", world.pbx->sip_port);

  for (char **renderer = renderers; *renderer; renderer++)
    {
      Results *r = results_new (*renderer);

      g_ptr_array_add (results, r);
      fprintf (stderr, "renderer %s: start-ups", *renderer);
      for (int i = 0; i < opt_runs; i++)
        {
          startup_round (r, bare, alice);
          fprintf (stderr, ".");
        }
      fprintf (stderr, " parks");
      if (opt_parks > 0)
        park_rounds (r, alice, bob);
      fprintf (stderr, " done\n");
    }

  printf ("Parkline desk benchmark: the real app (+ baresip) against a bare libadwaita window,\n"
          "same Xvfb, same renderer, started alternately. The machine may be shared: compare\n"
          "ratios within a run, not absolute times between runs.\n");
  for (guint i = 0; i < results->len; i++)
    print_results (results->pdata[i]);
  for (guint i = 0; i < results->len; i++)
    {
      Results *r = results->pdata[i];

      print_memory_breakdown (r);
      print_steps ("start-up marks of the app", r->startup_steps, r->startup_order, r->window->len);
      print_steps ("start-up marks of the bare window", r->bare_steps, r->bare_order,
                   r->bare_window->len);
      print_steps ("park and retrieve steps, both desks", r->steps, r->step_order,
                   MAX (1, r->park->len / 2));
    }

  desk_free (bob);
  desk_free (alice);
  desk_free (bare);
  world_stop ();
  return 0;
}
