/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Park lots' manager secrets in a real gnome-keyring on a private bus (run
 * through with-keyring.sh): saved, found, kept across edits, removed, and
 * never written to GSettings by provisioning. */
#include <string.h>

#include "pl-lot-secrets.h"
#include "pl-provision.h"
#include "pl-test-util.h"

#define WAIT_MS 10000

static PlParkLotConfig *
manager_lot (const char *name, const char *host, const char *user, const char *secret)
{
  PlParkLotConfig *c = pl_park_lot_config_new (name, PL_PARK_PROFILE_ASTERISK);

  c->manager_host = g_strdup (host);
  c->manager_user = g_strdup (user);
  c->manager_secret = g_strdup (secret);
  return c;
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  if (pl_lot_secrets_save_finish (result, error))
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

static void
save (const PlParkLotConfig *config, const PlParkLotConfig *old)
{
  GError *result = NULL;

  pl_lot_secrets_save_async (config, old, NULL, saved_cb, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, WAIT_MS));
  g_assert_error (result, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&result);
}

static void
filled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = pl_lot_secrets_fill_finish (result, &error);
  g_assert_no_error (error);
}

/* The secret the keyring gives a stored copy of config (secret stripped). */
static char *
lookup (const PlParkLotConfig *config)
{
  g_autoptr (GPtrArray) configs
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);
  g_autoptr (GPtrArray) filled = NULL;
  PlParkLotConfig *stored = pl_park_lot_config_copy (config);

  g_clear_pointer (&stored->manager_secret, g_free);
  g_ptr_array_add (configs, stored);
  g_assert_true (pl_lot_secrets_needed (configs));
  pl_lot_secrets_fill_async (configs, NULL, filled_cb, &filled);
  g_assert_true (PL_TEST_WAIT (filled != NULL, WAIT_MS));
  g_assert_cmpuint (filled->len, ==, 1);
  return g_strdup (((PlParkLotConfig *)g_ptr_array_index (filled, 0))->manager_secret);
}

static gboolean
have_keyring (void)
{
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;
  g_test_skip ("needs a session bus with a Secret Service (run through with-keyring.sh)");
  return FALSE;
}

typedef enum
{
  EDIT_SAME,       /* saved again, secret field left empty */
  EDIT_NEW_SECRET, /* a new secret typed */
  EDIT_RENAME,     /* the lot renamed, secret left empty */
  EDIT_NEW_USER,   /* another manager user, secret left empty */
  EDIT_NO_MANAGER, /* the manager host cleared */
} Edit;

static const struct
{
  const char *name;
  Edit edit;
  const char *expected_new; /* what the edited lot finds */
  gboolean old_gone;        /* the unedited lot finds nothing any more */
} edit_cases[] = {
  { "same", EDIT_SAME, "s3cret", FALSE },
  { "new-secret", EDIT_NEW_SECRET, "changed", FALSE },
  { "rename", EDIT_RENAME, "s3cret", TRUE },
  { "new-user", EDIT_NEW_USER, "s3cret", TRUE },
  { "no-manager", EDIT_NO_MANAGER, NULL, TRUE },
};

static void
test_edits (void)
{
  if (!have_keyring ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (edit_cases); i++)
    {
      g_autoptr (PlParkLotConfig) original
          = manager_lot ("Main", "pbx.test:5038", "desk", "s3cret");
      g_autoptr (PlParkLotConfig) edited = pl_park_lot_config_copy (original);
      g_autoptr (PlParkLotConfig) probe = NULL;
      g_autofree char *found_old = NULL;
      g_autofree char *found_new = NULL;

      g_test_message ("case %s", edit_cases[i].name);
      save (original, NULL);
      g_clear_pointer (&edited->manager_secret, g_free);
      switch (edit_cases[i].edit)
        {
          case EDIT_SAME:
            break;
          case EDIT_NEW_SECRET:
            edited->manager_secret = g_strdup ("changed");
            break;
          case EDIT_RENAME:
            g_free (edited->name);
            edited->name = g_strdup ("Front");
            break;
          case EDIT_NEW_USER:
            g_free (edited->manager_user);
            edited->manager_user = g_strdup ("panel");
            break;
          case EDIT_NO_MANAGER:
            g_clear_pointer (&edited->manager_host, g_free);
            break;
        }
      save (edited, original);
      /* A lot without a manager is looked up as if it still had one. */
      probe = pl_park_lot_config_copy (edited);
      if (probe->manager_host == NULL)
        probe->manager_host = g_strdup (original->manager_host);
      found_new = lookup (probe);
      g_assert_cmpstr (found_new, ==, edit_cases[i].expected_new);
      found_old = lookup (original);
      if (edit_cases[i].old_gone)
        g_assert_null (found_old);
      else
        g_assert_cmpstr (found_old, ==, edit_cases[i].expected_new);

      pl_lot_secrets_forget (edited->name);
      g_assert_true (PL_TEST_WAIT (({
                                     g_autofree char *left = lookup (probe);
                                     left == NULL;
                                   }),
                                   WAIT_MS));
    }
}

/* Lots that name no manager, or already hold their secret, need no
 * keyring at all. */
static void
test_needed (void)
{
  g_autoptr (GPtrArray) configs
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);

  g_assert_false (pl_lot_secrets_needed (configs));
  g_ptr_array_add (configs, pl_park_lot_config_new ("Plain", PL_PARK_PROFILE_ASTERISK));
  g_assert_false (pl_lot_secrets_needed (configs));
  g_ptr_array_add (configs, manager_lot ("Main", "pbx:5038", "desk", "pw"));
  g_assert_false (pl_lot_secrets_needed (configs));
  g_clear_pointer (&((PlParkLotConfig *)g_ptr_array_index (configs, 1))->manager_secret, g_free);
  g_assert_true (pl_lot_secrets_needed (configs));
}

/* parkline --provision: secrets (inline or from a file) to the keyring,
 * nothing of them to GSettings; a lot the next file drops loses its
 * secret. */
static void
test_provision (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");
  g_autofree char *dir = pl_test_make_dir ("provision");
  g_autofree char *secret_file = g_build_filename (dir, "ami-secret", NULL);
  g_autofree char *first = g_build_filename (dir, "first.conf", NULL);
  g_autofree char *second = g_build_filename (dir, "second.conf", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GError) error = NULL;
  static const char account[] = "[account]\nuser=100\ndomain=127.0.0.1:5080\npassword=sippw\n";

  if (!have_keyring ())
    return;
  g_assert_true (g_file_set_contents (secret_file, "from-a-file\nignored\n", -1, NULL));
  text = g_strdup_printf ("%s"
                          "[lot Main]\nprofile=asterisk\nfirst-slot=701\nlast-slot=710\n"
                          "manager-host=127.0.0.1:5038\nmanager-user=desk\n"
                          "manager-secret=inline-secret\n"
                          "[lot Back]\nprofile=freepbx\nfirst-slot=71\nlast-slot=79\n"
                          "manager-host=127.0.0.1:5038\nmanager-user=desk\n"
                          "manager-secret-file=%s\n",
                          account, secret_file);
  g_assert_true (g_file_set_contents (first, text, -1, NULL));
  pl_provision_from_file (settings, first, &error);
  g_assert_no_error (error);

  pl_test_assert_not_in_settings (settings, "inline-secret");
  pl_test_assert_not_in_settings (settings, "from-a-file");
  pl_test_assert_not_in_settings (settings, secret_file);
  lots = pl_test_stored_lots (settings);
  g_assert_cmpuint (lots->len, ==, 2);
  for (guint i = 0; i < lots->len; i++)
    {
      PlParkLotConfig *lot = g_ptr_array_index (lots, i);
      g_autofree char *found = lookup (lot);

      g_assert_null (lot->manager_secret);
      g_assert_cmpstr (found, ==,
                       g_str_equal (lot->name, "Main") ? "inline-secret" : "from-a-file");
    }

  /* The next file has only Main: Back's secret goes with it. */
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%s[lot Main]\nprofile=asterisk\nfirst-slot=701\nlast-slot=710\n"
                          "manager-host=127.0.0.1:5038\nmanager-user=desk\n"
                          "manager-secret=inline-secret\n",
                          account);
  g_assert_true (g_file_set_contents (second, text, -1, NULL));
  pl_provision_from_file (settings, second, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < lots->len; i++)
    {
      PlParkLotConfig *lot = g_ptr_array_index (lots, i);
      g_autofree char *found = lookup (lot);

      if (g_str_equal (lot->name, "Back"))
        g_assert_null (found);
      else
        g_assert_cmpstr (found, ==, "inline-secret");
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/lot-secrets/needed", test_needed);
  g_test_add_func ("/lot-secrets/edits", test_edits);
  g_test_add_func ("/lot-secrets/provision", test_provision);
  return g_test_run ();
}
