/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Faults, with real components: a Parkline desk (PlCore + real baresip) on
 * the loopback test PBX, whose outside caller is a real SIP leg. Each case
 * breaks one thing and checks what the user is told, that nothing committed
 * is lost and that calls work afterwards:
 *
 *   engine killed idle / mid-call, a foreign connection to the engine's
 *   control port, the history database damaged, read-only or full.
 *
 * Read-only and full need a file system of their own: the program moves into
 * a private mount namespace at start (as root, or through a user namespace)
 * and mounts small tmpfs there; where the kernel or the container forbids
 * that, those two cases are skipped and say why. */
#define _GNU_SOURCE  /* unshare(), CLONE_NEW* */
#define G_LOG_DOMAIN "test-faults"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "pbx-test-lib.h"
#include "pl-baresip-protocol.h"
#include "pl-netstring.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS 20000
#define LOTS                                                                                       \
  "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\ntimeout=30\n"

/* Why the mount namespace is missing, or NULL when tmpfs can be mounted. */
static char *no_mounts_reason;

typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  char *mount_dir; /* a tmpfs of our own, or NULL */
} Fixture;

/* ---- helpers ------------------------------------------------------------ */

static gboolean
pbx_has_contact (TestPbx *pbx, const char *user)
{
  g_autofree char *cmd = g_strdup_printf ("contacts %s", user);
  g_autofree char *reply = test_pbx_cmd (pbx, cmd);

  return g_str_has_prefix (reply, "OK ") && atoi (reply + 3) > 0;
}

static gboolean
engine_back (PlTestDesk *desk)
{
  return pl_engine_get_state (PL_ENGINE (desk->engine)) == PL_ENGINE_STATE_RUNNING
         && pl_account_get_registration_state (desk->account) == PL_REGISTRATION_REGISTERED;
}

static PlCall *
answer_caller (Fixture *fx, PlTestDesk *desk)
{
  return pl_test_desk_answer_caller (desk, fx->pbx, "201", "Caller One");
}

/* A whole call, answered and hung up here: the desk works. */
static void
assert_calls_work (Fixture *fx, PlTestDesk *desk)
{
  g_autoptr (PlCall) call = g_object_ref (answer_caller (fx, desk));

  g_assert_true (pl_call_manager_hangup (pl_test_desk_calls (desk), call, NULL));
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_HANGUP);
}

static void
wait_told (PlTestDesk *desk, const char *fragment)
{
  if (!PL_TEST_WAIT (pl_test_desk_told (desk, fragment), WAIT_MS))
    {
      for (guint i = 0; i < desk->messages->len; i++)
        g_test_message ("told: %s", (char *)g_ptr_array_index (desk->messages, i));
      g_error ("the user was never told “%s”", fragment);
    }
}

/* Calls rows in a history file, read as another program would. */
static int
count_calls (const char *path, const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM calls%s%s", where ? " WHERE " : "",
                                          where ? where : "");

  return (int)pl_test_sqlite_count (path, sql);
}

/* Test data of the cases that start their desk themselves. */
static const char own_desk[] = "own-desk";

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  fx->pbx = test_pbx_start (NULL);
  if (data == own_desk)
    return;
  fx->alice = pl_test_desk_new ("alice", "alicepw", fx->pbx->sip_port, LOTS);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  g_clear_pointer (&fx->pbx, test_pbx_stop);
  if (fx->mount_dir)
    {
      umount2 (fx->mount_dir, MNT_DETACH);
      pl_test_remove_tree (fx->mount_dir);
      g_free (fx->mount_dir);
    }
}

/* ---- the engine dies ---------------------------------------------------- */

static void
test_engine_killed_idle (Fixture *fx, gconstpointer data)
{
  int pid = pl_baresip_engine_get_pid (fx->alice->engine);

  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  wait_told (fx->alice, "The phone engine crashed (signal 9); restarting it");
  g_assert_true (PL_TEST_WAIT (engine_back (fx->alice), WAIT_MS));
  g_assert_cmpint (pl_baresip_engine_get_pid (fx->alice->engine), !=, pid);
  /* reaped, not a zombie */
  g_assert_true (PL_TEST_WAIT (kill (pid, 0) != 0 && errno == ESRCH, WAIT_MS));
  g_assert_true (pbx_has_contact (fx->pbx, "alice"));
  assert_calls_work (fx, fx->alice);
}

static void
test_engine_killed_mid_call (Fixture *fx, gconstpointer data)
{
  g_autoptr (PlCall) call = g_object_ref (answer_caller (fx, fx->alice));
  PlCallManager *calls = pl_test_desk_calls (fx->alice);
  PlHistory *history = pl_core_get_history (fx->alice->core);
  int pid = pl_baresip_engine_get_pid (fx->alice->engine);

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  /* The dead call leaves the list, and says why. */
  g_assert_true (PL_TEST_WAIT (!pl_call_is_live (call), WAIT_MS));
  g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_ENGINE_STOPPED);
  g_assert_cmpuint (g_list_model_get_n_items (pl_call_manager_get_calls (calls)), ==, 0);
  wait_told (fx->alice, "was cut off: the phone engine stopped");
  wait_told (fx->alice, "restarting it");
  g_assert_true (PL_TEST_WAIT (engine_back (fx->alice), WAIT_MS));
  assert_calls_work (fx, fx->alice);

  /* Both calls are in the history, the first as cut off. */
  g_assert_true (pl_history_flush_sync (history, NULL));
  g_assert_cmpint (count_calls (fx->alice->history_path, NULL), ==, 2);
  g_assert_cmpint (count_calls (fx->alice->history_path, "outcome = 'engine-stopped'"), ==, 1);
}

/* ---- a foreign connection to the control port -------------------------- */

static void
send_frame (GSocketConnection *connection, const char *command, const char *params,
            const char *token)
{
  g_autofree char *json = pl_baresip_command_to_json (command, params, token);
  gsize len;
  g_autofree char *frame = pl_netstring_encode (json, strlen (json), &len);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  /* Once the engine is gone the write may fail: that is the point. */
  g_output_stream_write_all (out, frame, len, NULL, NULL, NULL);
}

typedef struct
{
  GString *received;
  gboolean closed;
  char buffer[4096];
} Intruder;

static void
intruder_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Intruder *intruder = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      intruder->closed = TRUE;
      return;
    }
  g_string_append_len (intruder->received, intruder->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (source), intruder->buffer, sizeof intruder->buffer,
                             G_PRIORITY_DEFAULT, NULL, intruder_read_cb, intruder);
}

/* ctrl_tcp takes one client and a newcomer replaces the old one: another
 * local program can take the engine over. Parkline freezes the engine the
 * moment its connection drops, replaces it on a fresh port and leaves the
 * intruder with a dead socket.
 *
 * at_once: the intruder's first command is sent with the connection, the
 * worst case. baresip may have run it before Parkline could notice (it
 * accepts and reads in one go); this is what ctrl_tcp without
 * authentication allows, and what the test reports rather than asserts.
 * Everything after that does nothing. */
static void
test_control_port_intruder (Fixture *fx, gconstpointer data)
{
  gboolean at_once = GPOINTER_TO_INT (data) == 2;
  guint16 port = pl_baresip_engine_get_ctrl_port (fx->alice->engine);
  int pid = pl_baresip_engine_get_pid (fx->alice->engine);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bob_uri = g_strdup_printf ("sip:101@127.0.0.1:%u", fx->pbx->sip_port);
  Intruder intruder = { g_string_new (NULL) };
  TestPhone *bob = test_phone_start (fx->pbx, "bob", NULL);
  gsize heard_before;

  g_assert_true (test_pbx_wait_registered (fx->pbx, "bob", WAIT_MS));
  connection = pl_test_connect_loopback (port, &error);
  g_assert_no_error (error);
  if (at_once)
    send_frame (connection, "dial", bob_uri, "intruder-1");
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             intruder.buffer, sizeof intruder.buffer, G_PRIORITY_DEFAULT, NULL,
                             intruder_read_cb, &intruder);

  wait_told (fx->alice, "Another program took over the connection to the phone engine");
  g_assert_true (PL_TEST_WAIT (engine_back (fx->alice), WAIT_MS));
  g_assert_cmpuint (pl_baresip_engine_get_ctrl_port (fx->alice->engine), !=, port);
  g_assert_cmpint (pl_baresip_engine_get_pid (fx->alice->engine), !=, pid);
  g_assert_true (PL_TEST_WAIT (kill (pid, 0) != 0 && errno == ESRCH, WAIT_MS));
  g_assert_true (PL_TEST_WAIT (intruder.closed, WAIT_MS));
  heard_before = intruder.received->len;
  if (at_once)
    g_test_message ("the dial sent with the connection %s; the intruder heard %" G_GSIZE_FORMAT
                    " bytes before the engine froze",
                    test_phone_find_event (bob, "CALL_INCOMING", 0) >= 0 ? "reached bob"
                                                                         : "did not reach bob",
                    heard_before);
  else
    g_assert_cmpuint (heard_before, ==, 0);

  /* The engine the intruder holds is gone: its commands go nowhere, it
   * hears nothing of the calls that follow, and its old port is closed. */
  test_phone_cmd (bob, "hangup", "");
  send_frame (connection, "dial", bob_uri, "intruder-2");
  assert_calls_work (fx, fx->alice);
  g_assert_cmpuint (intruder.received->len, ==, heard_before);
  g_assert_null (strstr (intruder.received->str, "intruder-2"));
  g_assert_null (strstr (intruder.received->str, "Caller One"));
  if (!at_once)
    g_assert_cmpint (test_phone_find_event (bob, "CALL_INCOMING", 0), ==, -1);
  {
    g_autoptr (GSocketConnection) again = pl_test_connect_loopback (port, NULL);
    g_assert_null (again);
  }
  test_phone_stop (bob);
  g_string_free (intruder.received, TRUE);
}

/* ---- the history database ---------------------------------------------- */

/* A damaged file: history is off and says so, calls work, the file stays as
 * it was (clearing the history later keeps it aside). */
static void
test_history_corrupt (Fixture *fx, gconstpointer data)
{
  g_autofree char *dir = pl_test_make_dir ("corrupt-history");
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr (GString) garbage = g_string_new ("SQLite format 3");
  g_autofree char *after = NULL;
  gsize after_len;
  PlTestDeskOptions options = { .history_path = path };

  for (guint i = 0; i < 16384; i++)
    g_string_append_c (garbage, (char)(i * 131 + 7));
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  fx->alice = pl_test_desk_new_with_options ("alice", "alicepw", fx->pbx->sip_port, LOTS, &options);
  wait_told (fx->alice, "Call history is off");
  wait_told (fx->alice, "is damaged");
  wait_told (fx->alice, "Calls still work");
  assert_calls_work (fx, fx->alice);
  assert_calls_work (fx, fx->alice);
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, garbage->str, garbage->len);
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  pl_test_remove_tree (dir);
}

/* A tmpfs of @kib KiB of our own for this case. */
static gboolean
mount_small_fs (Fixture *fx, guint kib)
{
  g_autofree char *options = g_strdup_printf ("size=%uk,mode=0700", kib);

  if (no_mounts_reason != NULL)
    {
      g_test_skip (no_mounts_reason);
      return FALSE;
    }
  fx->mount_dir = pl_test_make_dir ("small-fs");
  if (mount ("tmpfs", fx->mount_dir, "tmpfs", 0, options) != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot mount a tmpfs: %s", g_strerror (errno));
      g_test_skip (why);
      return FALSE;
    }
  return TRUE;
}

/* A history with one committed call, written by an earlier run. */
static void
make_history (Fixture *fx, const char *path)
{
  PlTestDeskOptions options = { .history_path = path };

  fx->alice = pl_test_desk_new_with_options ("alice", "alicepw", fx->pbx->sip_port, LOTS, &options);
  assert_calls_work (fx, fx->alice);
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  g_assert_cmpint (count_calls (path, NULL), ==, 1);
}

/* The history's folder cannot be written (EROFS holds for root too). */
static void
test_history_read_only (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = NULL;
  PlTestDeskOptions options = { 0 };

  if (!mount_small_fs (fx, 4096))
    return;
  path = g_build_filename (fx->mount_dir, "history.db", NULL);
  make_history (fx, path);
  g_assert_cmpint (mount (NULL, fx->mount_dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);

  options.history_path = path;
  fx->alice = pl_test_desk_new_with_options ("alice", "alicepw", fx->pbx->sip_port, LOTS, &options);
  wait_told (fx->alice, "Call history is off");
  wait_told (fx->alice, "cannot be written");
  assert_calls_work (fx, fx->alice);
  g_clear_pointer (&fx->alice, pl_test_desk_free);
  /* What was committed before is all there. */
  g_assert_cmpint (count_calls (path, NULL), ==, 1);
}

/* Fills the file system until not even a byte more fits. */
static char *
fill_disk (const char *dir)
{
  char *filler = g_build_filename (dir, "filler", NULL);
  int fd = g_open (filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  char block[4096] = { 0 };

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  while (write (fd, block, 1) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
  return filler;
}

/* The disk fills up while Parkline runs: the user is told, calls work, and
 * once there is room again the history goes on. */
static void
test_history_disk_full (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  PlTestDeskOptions options = { 0 };
  PlHistory *history;

  if (!mount_small_fs (fx, 1024))
    return;
  path = g_build_filename (fx->mount_dir, "history.db", NULL);
  options.history_path = path;
  fx->alice = pl_test_desk_new_with_options ("alice", "alicepw", fx->pbx->sip_port, LOTS, &options);
  history = pl_core_get_history (fx->alice->core);
  assert_calls_work (fx, fx->alice);
  g_assert_true (pl_history_flush_sync (history, NULL));
  g_assert_cmpint (count_calls (path, NULL), ==, 1);

  filler = fill_disk (fx->mount_dir);
  for (guint i = 0; i < 3; i++)
    assert_calls_work (fx, fx->alice);
  wait_told (fx->alice, "is full");
  g_assert_cmpint (count_calls (path, NULL), >=, 1);

  /* Room again: the calls go on being recorded, none committed is lost. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  assert_calls_work (fx, fx->alice);
  g_assert_true (pl_history_flush_sync (history, NULL));
  g_assert_true (PL_TEST_WAIT (count_calls (path, NULL) == 5, WAIT_MS));
}

/* ---- main ---------------------------------------------------------------- */

/* In place: /proc files take no temporary file and rename. */
static gboolean
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY);
  gboolean ok = fd >= 0 && write (fd, text, strlen (text)) == (gssize)strlen (text);

  if (fd >= 0)
    close (fd);
  return ok;
}

/* Before any thread exists: unshare() refuses a threaded process. */
static void
enter_private_mounts (void)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();

  if (unshare (CLONE_NEWNS) != 0)
    {
      g_autofree char *uid_map = g_strdup_printf ("0 %u 1\n", (guint)uid);
      g_autofree char *gid_map = g_strdup_printf ("0 %u 1\n", (guint)gid);

      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0)
        {
          no_mounts_reason = g_strdup_printf ("no private mount namespace: %s", g_strerror (errno));
          return;
        }
      if (!write_file ("/proc/self/setgroups", "deny")
          || !write_file ("/proc/self/uid_map", uid_map)
          || !write_file ("/proc/self/gid_map", gid_map))
        {
          no_mounts_reason = g_strdup ("cannot map the user into a user namespace");
          return;
        }
    }
  /* Our mounts must not leak to the host, nor the host's reach us. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    no_mounts_reason = g_strdup_printf ("cannot make mounts private: %s", g_strerror (errno));
}

int
main (int argc, char *argv[])
{
  enter_private_mounts ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, func, own)                                                                       \
  g_test_add (path, Fixture, (own) ? own_desk : NULL, fixture_setup, func, fixture_teardown)
  ADD ("/faults/engine/killed-idle", test_engine_killed_idle, FALSE);
  ADD ("/faults/engine/killed-mid-call", test_engine_killed_mid_call, FALSE);
  g_test_add ("/faults/engine/control-port-intruder", Fixture, GINT_TO_POINTER (1), fixture_setup,
              test_control_port_intruder, fixture_teardown);
  g_test_add ("/faults/engine/control-port-intruder-at-once", Fixture, GINT_TO_POINTER (2),
              fixture_setup, test_control_port_intruder, fixture_teardown);
  ADD ("/faults/history/corrupt", test_history_corrupt, TRUE);
  ADD ("/faults/history/read-only", test_history_read_only, TRUE);
  ADD ("/faults/history/disk-full", test_history_disk_full, TRUE);
  return g_test_run ();
}
