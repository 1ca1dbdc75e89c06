/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager keys of a park lot: host:port, what is saved (never the
 * secret), the secret file, and which lots share a connection. */
#include <glib/gstdio.h>
#include <string.h>

#include "pl-park-profile.h"
#include "pl-test-util.h"

typedef struct
{
  const char *text;
  gboolean ok;
  const char *host;
  guint16 port;
} HostCase;

static const HostCase host_cases[] = {
  { "pbx.example.org:5038", TRUE, "pbx.example.org", 5038 },
  { "127.0.0.1:5039", TRUE, "127.0.0.1", 5039 },
  { "[::1]:5038", TRUE, "::1", 5038 },
  { "[fe80::1]:1", TRUE, "fe80::1", 1 },
  { "pbx-1.lan:65535", TRUE, "pbx-1.lan", 65535 },
  { "pbx.example.org", FALSE },
  { "pbx:0", FALSE },
  { "pbx:65536", FALSE },
  { "pbx:50x", FALSE },
  { ":5038", FALSE },
  { "[::1]5038", FALSE },
  { "[]:5038", FALSE },
  { "pb x:5038", FALSE },
  { "pbx/x:5038", FALSE },
  { "pbx:5038\r\nAction: Originate", FALSE },
  { "", FALSE },
  { NULL, FALSE },
};

static void
test_host_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_cases); i++)
    {
      const HostCase *c = &host_cases[i];
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_test_message ("case %s", c->text);
      g_assert_cmpint (pl_park_manager_host_parse (c->text, &host, &port), ==, c->ok);
      if (c->ok)
        {
          g_assert_cmpstr (host, ==, c->host);
          g_assert_cmpuint (port, ==, c->port);
        }
    }
}

static GPtrArray *
load_text (const char *text, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();

  g_assert_true (g_key_file_load_from_data (keyfile, text, -1, 0, NULL));
  return pl_park_lot_configs_load (keyfile, error);
}

/* Loaded with the secret, saved without it (the lots go to GSettings),
 * loaded back with everything else. */
static void
test_save_never_writes_secret (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lots = load_text (
      "[lot Main]\nmanager-host=pbx.example.org:5039\nmanager-user=desk\n"
      "manager-secret= s3cret with spaces \nmanager-tls=true\nmanager-parkinglot=sales\n",
      &error);
  g_autoptr (GKeyFile) saved = g_key_file_new ();
  g_autoptr (GPtrArray) again = NULL;
  g_autofree char *text = NULL;
  const PlParkLotConfig *c, *back;

  g_assert_no_error (error);
  c = g_ptr_array_index (lots, 0);
  g_assert_cmpstr (c->manager_host, ==, "pbx.example.org:5039");
  g_assert_cmpstr (c->manager_user, ==, "desk");
  /* a secret is taken as written (GKeyFile drops the spaces after "=",
   * "\s" keeps one) */
  g_assert_cmpstr (c->manager_secret, ==, "s3cret with spaces ");
  g_assert_true (c->manager_tls);
  g_assert_cmpstr (c->manager_parkinglot, ==, "sales");

  pl_park_lot_configs_save (lots, saved);
  text = g_key_file_to_data (saved, NULL, NULL);
  g_assert_null (strstr (text, "s3cret"));
  g_assert_null (strstr (text, "manager-secret"));
  again = load_text (text, &error);
  g_assert_no_error (error);
  back = g_ptr_array_index (again, 0);
  g_assert_cmpstr (back->manager_host, ==, c->manager_host);
  g_assert_cmpstr (back->manager_user, ==, c->manager_user);
  g_assert_null (back->manager_secret);
  g_assert_true (back->manager_tls);
  g_assert_cmpstr (back->manager_parkinglot, ==, "sales");
}

/* manager-secret-file: its first line is read at load, and the file's
 * name (not the secret) is what is saved. */
static void
test_secret_file (void)
{
  g_autofree char *dir = pl_test_make_dir ("lot-manager");
  g_autofree char *path = g_build_filename (dir, "ami-secret", NULL);
  g_autofree char *keys = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GKeyFile) saved = g_key_file_new ();
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const PlParkLotConfig *c;

  g_assert_true (g_file_set_contents (path, "deskpw\r\nsecond line\n", -1, NULL));
  keys = g_strdup_printf ("[lot Main]\nmanager-host=pbx:5038\nmanager-user=desk\n"
                          "manager-secret-file=%s\n",
                          path);
  lots = load_text (keys, &error);
  g_assert_no_error (error);
  c = g_ptr_array_index (lots, 0);
  g_assert_cmpstr (c->manager_secret, ==, "deskpw");
  g_assert_cmpstr (c->manager_secret_file, ==, path);
  pl_park_lot_configs_save (lots, saved);
  text = g_key_file_to_data (saved, NULL, NULL);
  g_assert_null (strstr (text, "deskpw"));
  g_assert_nonnull (strstr (text, "manager-secret-file="));
  g_remove (path);
  pl_test_remove_tree (dir);
}

/* Defaults: no manager, lot "default", no TLS; a lot without a manager
 * saves no manager keys. */
static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lots = load_text ("[lot Main]\nprofile=asterisk\n", &error);
  g_autoptr (GKeyFile) saved = g_key_file_new ();
  g_autofree char *text = NULL;
  const PlParkLotConfig *c = g_ptr_array_index (lots, 0);

  g_assert_null (c->manager_host);
  g_assert_false (c->manager_tls);
  g_assert_cmpstr (c->manager_parkinglot, ==, "default");
  g_assert_null (pl_park_lot_config_dup_manager_key (c));
  pl_park_lot_configs_save (lots, saved);
  text = g_key_file_to_data (saved, NULL, NULL);
  g_assert_null (strstr (text, "manager"));
}

/* Lots on the same manager and user share one connection; TLS or another
 * user makes another. */
static void
test_shared_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lots = load_text (
      "[lot A]\nfirst-slot=701\nlast-slot=705\nmanager-host=pbx:5038\nmanager-user=desk\n"
      "[lot B]\nfirst-slot=706\nlast-slot=710\nmanager-host=pbx:5038\nmanager-user=desk\n"
      "manager-parkinglot=sales\n"
      "[lot C]\nfirst-slot=801\nlast-slot=810\nmanager-host=pbx:5038\nmanager-user=desk\n"
      "manager-tls=true\n"
      "[lot D]\nfirst-slot=901\nlast-slot=910\nmanager-host=pbx:5038\nmanager-user=ops\n",
      &error);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  g_assert_no_error (error);
  a = pl_park_lot_config_dup_manager_key (g_ptr_array_index (lots, 0));
  b = pl_park_lot_config_dup_manager_key (g_ptr_array_index (lots, 1));
  c = pl_park_lot_config_dup_manager_key (g_ptr_array_index (lots, 2));
  d = pl_park_lot_config_dup_manager_key (g_ptr_array_index (lots, 3));
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (a, !=, d);
}

/* A copy is a real copy (the service keeps its own). */
static void
test_copy (void)
{
  g_autoptr (PlParkLotConfig) c = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLotConfig) copy = NULL;

  c->manager_host = g_strdup ("pbx:5038");
  c->manager_user = g_strdup ("desk");
  c->manager_secret = g_strdup ("pw");
  c->manager_secret_file = g_strdup ("/etc/parkline/ami");
  c->manager_tls = TRUE;
  copy = pl_park_lot_config_copy (c);
  g_assert_true (copy->manager_host != c->manager_host);
  g_assert_cmpstr (copy->manager_host, ==, "pbx:5038");
  g_assert_cmpstr (copy->manager_user, ==, "desk");
  g_assert_cmpstr (copy->manager_secret, ==, "pw");
  g_assert_cmpstr (copy->manager_secret_file, ==, "/etc/parkline/ami");
  g_assert_cmpstr (copy->manager_parkinglot, ==, "default");
  g_assert_true (copy->manager_tls);
  g_assert_true (pl_park_lot_config_validate (copy, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/lot-manager/host-parse", test_host_parse);
  g_test_add_func ("/lot-manager/save-never-writes-secret", test_save_never_writes_secret);
  g_test_add_func ("/lot-manager/secret-file", test_secret_file);
  g_test_add_func ("/lot-manager/defaults", test_defaults);
  g_test_add_func ("/lot-manager/shared-connection", test_shared_connection);
  g_test_add_func ("/lot-manager/copy", test_copy);
  return g_test_run ();
}
