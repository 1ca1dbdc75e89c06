/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-account-store.h"
#include "pl-park-profile.h"
#include "pl-provision.h"
#include "pl-test-util.h"

typedef struct
{
  const char *name;
  const char *keyfile;
  const char *expected_user; /* NULL: an error is expected */
  const char *expected_domain;
  PlTransport expected_transport;
  const char *expected_password;
} KeyfileCase;

static const KeyfileCase keyfile_cases[] = {
  { "minimal", "[account]\nuser=100\ndomain=pbx.example.org\npassword=s3cret\n", "100",
    "pbx.example.org", PL_TRANSPORT_UDP, "s3cret" },
  { "full",
    "[account]\nid=desk-12\ndisplay-name=Front Desk\nuser=100\ndomain=127.0.0.1:5080\n"
    "auth-user=a100\npassword=pw\ntransport=TCP\noutbound-proxy=sip:proxy.example.org\n",
    "100", "127.0.0.1:5080", PL_TRANSPORT_TCP, "pw" },
  { "no-account-group", "[lot main]\nprofile=asterisk\n", NULL },
  { "no-user", "[account]\ndomain=pbx\n", NULL },
  { "no-domain", "[account]\nuser=100\n", NULL },
  { "bad-transport", "[account]\nuser=100\ndomain=pbx\ntransport=sctp\n", NULL },
  { "bad-domain", "[account]\nuser=100\ndomain=pbx example\n", NULL },
  { "injection", "[account]\nuser=100>;x\ndomain=pbx\n", NULL },
  { "bad-proxy", "[account]\nuser=100\ndomain=pbx\noutbound-proxy=proxy\n", NULL },
  { "bad-id", "[account]\nid=../etc\nuser=100\ndomain=pbx\n", NULL },
  { "missing-password-file", "[account]\nuser=100\ndomain=pbx\npassword-file=/nonexistent/pw\n",
    NULL },
  /* would be read forever */
  { "password-file-device", "[account]\nuser=100\ndomain=pbx\npassword-file=/dev/zero\n", NULL },
};

static void
test_keyfile (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (keyfile_cases); i++)
    {
      const KeyfileCase *c = &keyfile_cases[i];
      g_autoptr (GKeyFile) keyfile = g_key_file_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (PlAccount) account = NULL;

      g_test_message ("case %s", c->name);
      g_assert_true (g_key_file_load_from_data (keyfile, c->keyfile, -1, 0, NULL));
      account = pl_account_from_keyfile (keyfile, &error);
      if (c->expected_user == NULL)
        {
          g_assert_null (account);
          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, !=, "");
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (pl_account_get_user (account), ==, c->expected_user);
      g_assert_cmpstr (pl_account_get_domain (account), ==, c->expected_domain);
      g_assert_cmpint (pl_account_get_transport (account), ==, c->expected_transport);
      g_assert_cmpstr (pl_account_get_password (account), ==, c->expected_password);
    }
}

static void
test_password_file (void)
{
  g_autofree char *dir = pl_test_make_dir ("pwfile");
  g_autofree char *path = g_build_filename (dir, "pw", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "from-file\nignored\n", -1, NULL));
  text = g_strdup_printf ("[account]\nuser=100\ndomain=pbx\npassword-file=%s\n", path);
  g_assert_true (g_key_file_load_from_data (keyfile, text, -1, 0, NULL));
  account = pl_account_from_keyfile (keyfile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pl_account_get_password (account), ==, "from-file");
  g_assert_cmpstr (pl_account_get_id (account), ==, "default");
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  pl_account_store_save_finish (PL_ACCOUNT_STORE (source), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;
  pl_account_store_load_finish (PL_ACCOUNT_STORE (source), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

/* Save through one store, load through a fresh one: settings and keyring
 * both round-trip, and the password never lands in GSettings. */
static void
test_save_load_keyring (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");
  g_autoptr (PlAccountStore) store = pl_account_store_new (settings);
  g_autoptr (PlAccountStore) reloaded = pl_account_store_new (settings);
  g_autoptr (PlAccount) account = pl_account_new ("office");
  g_autoptr (GSettings) account_settings = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;
  GError *result = NULL;
  PlAccount *loaded;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs a session bus with a Secret Service (run through with-keyring.sh)");
      return;
    }

  pl_account_set_user (account, "100");
  pl_account_set_domain (account, "127.0.0.1:5080");
  pl_account_set_display_name (account, "Alice");
  pl_account_set_transport (account, PL_TRANSPORT_TCP);
  pl_account_store_save_async (store, account, "hunter2", NULL, saved_cb, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 10000));
  g_assert_error (result, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&result);

  account_settings = g_settings_new_with_path ("io.github.parkline.Parkline.Account",
                                               "/io/github/parkline/Parkline/accounts/office/");
  g_object_get (account_settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i]; i++)
    {
      g_autoptr (GVariant) value = g_settings_get_value (account_settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);
      g_assert_null (strstr (printed, "hunter2"));
    }

  pl_account_store_load_async (reloaded, NULL, loaded_cb, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 10000));
  g_assert_error (result, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&result);
  loaded = pl_account_store_get_default (reloaded);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (pl_account_get_id (loaded), ==, "office");
  g_assert_cmpstr (pl_account_get_user (loaded), ==, "100");
  g_assert_cmpstr (pl_account_get_display_name (loaded), ==, "Alice");
  g_assert_cmpint (pl_account_get_transport (loaded), ==, PL_TRANSPORT_TCP);
  g_assert_cmpstr (pl_account_get_password (loaded), ==, "hunter2");

  pl_account_store_remove (reloaded, loaded);
  g_assert_null (pl_account_store_get_default (reloaded));
}

static void
test_invalid_save_refused (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");
  g_autoptr (PlAccountStore) store = pl_account_store_new (settings);
  g_autoptr (PlAccount) account = pl_account_new ("bad");
  g_auto (GStrv) ids = NULL;
  GError *result = NULL;

  pl_account_set_user (account, "100");
  pl_account_store_save_async (store, account, "pw", NULL, saved_cb, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 5000));
  g_assert_error (result, PL_ACCOUNT_STORE_ERROR, PL_ACCOUNT_STORE_ERROR_INVALID);
  g_clear_error (&result);
  ids = g_settings_get_strv (settings, "accounts");
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
}

/* parkline --provision: account to settings + keyring, lots to settings;
 * a file with a bad lot stores nothing at all. */
static void
test_provision (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");
  g_autofree char *dir = pl_test_make_dir ("provision");
  g_autofree char *good = g_build_filename (dir, "desk.conf", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);
  g_autoptr (PlAccountStore) store = NULL;
  g_autoptr (GKeyFile) lots_keyfile = g_key_file_new ();
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *lots_text = NULL;
  g_auto (GStrv) ids = NULL;
  GError *result = NULL;
  PlAccount *loaded;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs a session bus with a Secret Service (run through with-keyring.sh)");
      return;
    }

  g_assert_true (
      g_file_set_contents (bad,
                           "[account]\nuser=100\ndomain=pbx\npassword=x\n"
                           "[lot Main]\nprofile=asterisk\nfirst-slot=710\nlast-slot=701\n",
                           -1, NULL));
  g_assert_false (pl_provision_from_file (settings, bad, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  ids = g_settings_get_strv (settings, "accounts");
  g_assert_cmpuint (g_strv_length (ids), ==, 0);
  lots_text = g_settings_get_string (settings, "park-lots");
  g_assert_cmpstr (lots_text, ==, "");
  g_clear_pointer (&lots_text, g_free);

  g_assert_true (g_file_set_contents (good,
                                      "[account]\nid=desk-12\nuser=100\ndomain=127.0.0.1:5080\n"
                                      "password=s3cret\n"
                                      "[lot Main]\nprofile=asterisk\npark-extension=700\n"
                                      "first-slot=701\nlast-slot=710\ntimeout=45\n",
                                      -1, NULL));
  g_assert_true (pl_provision_from_file (settings, good, &error));
  g_assert_no_error (error);

  lots_text = g_settings_get_string (settings, "park-lots");
  g_assert_true (g_key_file_load_from_data (lots_keyfile, lots_text, -1, 0, NULL));
  lots = pl_park_lot_configs_load (lots_keyfile, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lots->len, ==, 1);
  g_assert_cmpint (((PlParkLotConfig *)g_ptr_array_index (lots, 0))->first_slot, ==, 701);

  store = pl_account_store_new (settings);
  pl_account_store_load_async (store, NULL, loaded_cb, &result);
  g_assert_true (PL_TEST_WAIT (result != NULL, 10000));
  g_assert_error (result, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&result);
  loaded = pl_account_store_get_default (store);
  g_assert_cmpstr (pl_account_get_id (loaded), ==, "desk-12");
  g_assert_cmpstr (pl_account_get_password (loaded), ==, "s3cret");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/account-store/keyfile", test_keyfile);
  g_test_add_func ("/account-store/password-file", test_password_file);
  g_test_add_func ("/account-store/invalid-save-refused", test_invalid_save_refused);
  g_test_add_func ("/account-store/save-load-keyring", test_save_load_keyring);
  g_test_add_func ("/account-store/provision", test_provision);
  return g_test_run ();
}
