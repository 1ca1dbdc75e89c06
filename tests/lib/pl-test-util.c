/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-test"

#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "pl-park-profile.h"
#include "pl-test-util.h"

/* GTestDBus forks a watcher process that runs GLib code and then calls
 * exit(): LeakSanitizer would check it and report as leaked whatever the
 * parent's other threads held, threads that do not exist in the fork. A
 * child forked without exec is not checked; exec'd children (the PBX,
 * parkline) are, as every process. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define PL_TEST_LSAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define PL_TEST_LSAN 1
#endif
#ifdef PL_TEST_LSAN
int __lsan_is_turned_off (void);
static gboolean forked_child;

int
__lsan_is_turned_off (void)
{
  return forked_child;
}

static void
in_forked_child (void)
{
  forked_child = TRUE;
}

__attribute__ ((constructor)) static void
watch_forks (void)
{
  pthread_atfork (NULL, NULL, in_forked_child);
}
#endif

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

gint64
pl_test_scale_ms (gint64 timeout_ms)
{
  static gint64 factor;

  if (factor == 0)
    {
      const char *env = g_getenv ("PL_TEST_WAIT_FACTOR");
      factor = env != NULL ? CLAMP (g_ascii_strtoll (env, NULL, 10), 1, 100) : 1;
    }
  return timeout_ms * factor;
}

static gboolean
wait_for_ms (gboolean (*cond_func) (gpointer), gpointer data, guint timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean timed_out = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);
  gboolean result;

  g_source_set_callback (timer, timed_out_cb, &timed_out, NULL);
  g_source_attach (timer, context);
  while (!(result = cond_func (data)) && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  return result;
}

gboolean
pl_test_wait_for (gboolean (*cond_func) (gpointer), gpointer data, guint timeout_ms)
{
  return wait_for_ms (cond_func, data, (guint)pl_test_scale_ms (timeout_ms));
}

/* One main-context iteration that blocks no later than the deadline. */
void
pl_test_iterate (gint64 deadline_monotonic)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gint64 left_ms = (deadline_monotonic - g_get_monotonic_time ()) / 1000;
  gboolean fired = FALSE;
  GSource *timer = g_timeout_source_new ((guint)CLAMP (left_ms, 1, G_MAXINT));

  g_source_set_callback (timer, timed_out_cb, &fired, NULL);
  g_source_attach (timer, context);
  g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
pl_test_spin (guint ms)
{
  wait_for_ms (never, NULL, ms);
}

static guint16
bound_port (int type, guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                              .sin_port = htons (port) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, type, 0);
  guint16 result = 0;

  if (fd < 0)
    return 0;
  if (bind (fd, (struct sockaddr *)&addr, sizeof addr) == 0
      && getsockname (fd, (struct sockaddr *)&addr, &len) == 0)
    result = ntohs (addr.sin_port);
  close (fd);
  return result;
}

guint16
pl_test_free_tcp_port (void)
{
  return bound_port (SOCK_STREAM, 0);
}

char *
pl_test_options_request (const char *transport, const char *target, guint16 local_port, guint cseq)
{
  g_autofree char *via = g_ascii_strup (transport, -1);

  return g_strdup_printf ("OPTIONS sip:%s;transport=%s SIP/2.0\r\n"
                          "Via: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bK%08x\r\n"
                          "Max-Forwards: 70\r\n"
                          "From: <sip:alice@%s>;tag=t%u\r\n"
                          "To: <sip:%s>\r\n"
                          "Call-ID: options-%08x@127.0.0.1\r\n"
                          "CSeq: %u OPTIONS\r\n"
                          "Content-Length: 0\r\n\r\n",
                          target, transport, via, local_port, g_random_int (), target, cseq, target,
                          g_random_int (), cseq);
}

GDBusConnection *
pl_test_dbus_connect (GTestDBus *bus)
{
  g_autoptr (GError) error = NULL;
  GDBusConnection *connection = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (bus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);

  g_assert_no_error (error);
  return connection;
}

typedef struct
{
  gboolean done;
  GVariant *reply;
  GError *error;
} DBusReply;

static void
dbus_reply_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DBusReply *r = user_data;

  r->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &r->error);
  r->done = TRUE;
}

GVariant *
pl_test_dbus_call (GDBusConnection *client, const char *dest, const char *interface,
                   const char *method, GVariant *args, GError **error)
{
  DBusReply r = { 0 };

  g_dbus_connection_call (client, dest, "/io/github/parkline/Parkline", interface, method, args,
                          NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, dbus_reply_cb, &r);
  g_assert_true (PL_TEST_WAIT (r.done, 15000));
  if (r.error)
    g_propagate_error (error, r.error);
  return r.reply;
}

GVariant *
pl_test_dbus_get_property (GDBusConnection *client, const char *dest, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) wrapped
      = pl_test_dbus_call (client, dest, "org.freedesktop.DBus.Properties", "Get",
                           g_variant_new ("(ss)", "io.github.parkline.Parkline1", name), &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (wrapped, "(v)", &value);
  return value;
}

GSocketConnection *
pl_test_connect_loopback (guint16 port, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();

  g_socket_client_set_enable_proxy (client, FALSE);
  return g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, error);
}

guint16
pl_test_free_sip_port (void)
{
  for (guint attempt = 0; attempt < 200; attempt++)
    {
      guint16 port = bound_port (SOCK_DGRAM, 0);
      if (port == 0 || port == G_MAXUINT16)
        continue;
      if (bound_port (SOCK_STREAM, port) == port && bound_port (SOCK_STREAM, port + 1) == port + 1
          && bound_port (SOCK_DGRAM, port + 1) == port + 1)
        return port;
    }
  g_error ("no free SIP port pair on 127.0.0.1");
}

char *
pl_test_make_dir (const char *name)
{
  g_autofree char *tmpl = g_strdup_printf ("pl-%s-XXXXXX", name);
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_chmod (dir, 0700);
  return dir;
}

void
pl_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pl_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
pl_test_artifact_dir (const char *name)
{
  const char *build_root = g_getenv ("MESON_BUILD_ROOT");
  const char *build_dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *base = NULL;
  char *dir;

  if (build_root)
    base = g_build_filename (build_root, "meson-logs", NULL);
  else if (build_dir)
    base = g_build_filename (build_dir, "..", "meson-logs", NULL);
  else
    base = g_build_filename (g_get_tmp_dir (), "parkline-test-logs", NULL);
  dir = g_build_filename (base, name, NULL);
  g_mkdir_with_parents (dir, 0755);
  return dir;
}

char *
pl_test_shared_fixture (const char *relative_path)
{
  const char *root = g_getenv ("PL_SHARED_FIXTURES");
  char *path;

  if (root == NULL)
    {
      g_test_skip ("PL_SHARED_FIXTURES is not set");
      return NULL;
    }
  path = g_build_filename (root, relative_path, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("fixture %s is missing", path);
      g_free (path);
      return NULL;
    }
  return path;
}

GPtrArray *
pl_test_stored_lots (GSettings *settings)
{
  g_autofree char *text = g_settings_get_string (settings, "park-lots");
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  GPtrArray *lots;

  g_assert_true (g_key_file_load_from_data (keyfile, text, -1, G_KEY_FILE_NONE, &error));
  lots = pl_park_lot_configs_load (keyfile, &error);
  g_assert_no_error (error);
  return lots;
}

void
pl_test_assert_not_in_settings (GSettings *settings, const char *needle)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i]; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      if (strstr (printed, needle) != NULL)
        g_error ("“%s” found in GSettings key %s", needle, keys[i]);
    }
}

void
pl_test_assert_same_lot_config (const PlParkLotConfig *a, const PlParkLotConfig *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->profile, ==, b->profile);
  g_assert_cmpstr (a->park_extension, ==, b->park_extension);
  g_assert_cmpint (a->first_slot, ==, b->first_slot);
  g_assert_cmpint (a->last_slot, ==, b->last_slot);
  g_assert_cmpuint (a->timeout, ==, b->timeout);
  g_assert_cmpint (a->subscribe, ==, b->subscribe);
  g_assert_cmpstr (a->list_uri, ==, b->list_uri);
  g_assert_cmpstr (a->manager_host, ==, b->manager_host);
  g_assert_cmpstr (a->manager_user, ==, b->manager_user);
  g_assert_cmpint (a->manager_tls, ==, b->manager_tls);
  g_assert_cmpstr (a->page_target, ==, b->page_target);
  g_assert_cmpint (a->page_spoken, ==, b->page_spoken);
  if (a->profile == PL_PARK_PROFILE_CUSTOM)
    {
      g_assert_cmpstr (a->park_template, ==, b->park_template);
      g_assert_cmpstr (a->retrieve_template, ==, b->retrieve_template);
      g_assert_cmpstr (a->subscribe_template, ==, b->subscribe_template);
    }
}

gint64
pl_test_sqlite_count (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}
