/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `parkline --provision`, then Parkline starts as usual: the SIP password
 * and the lot's manager secret come back from a real gnome-keyring (run
 * through with-keyring.sh), never from GSettings or the file they came in,
 * and the manager feed logs in to the test PBX: a teammate's park is named
 * on this desk. */
#include <glib/gstdio.h>
#include <string.h>

#include "pbx-test-lib.h"
#include "pl-provision.h"
#include "pl-test-desk.h"
#include "pl-test-util.h"

#define WAIT_MS 20000

static PlParkFeed *
feed_of (PlTestDesk *desk)
{
  return pl_park_service_get_feed (pl_test_desk_park (desk), pl_test_desk_lot (desk));
}

static void
test_provision_restart (void)
{
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");
  g_autoptr (GSettings) account_settings = g_settings_new_with_path (
      "io.github.parkline.Parkline.Account", "/io/github/parkline/Parkline/accounts/desk-12/");
  g_autofree char *dir = pl_test_make_dir ("provision");
  g_autofree char *secret_file = g_build_filename (dir, "ami-secret", NULL);
  g_autofree char *conf = g_build_filename (dir, "desk.conf", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  TestPbx *pbx;
  PlTestDesk *desk;
  PlParkSlot *slot;
  gint64 started;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip ("needs a session bus with a Secret Service (run through with-keyring.sh)");
      return;
    }
  pbx = test_pbx_start ("\n[manager desk]\nsecret=deskpw\nread=call\nwrite=\n");
  g_assert_true (g_file_set_contents (secret_file, "deskpw\n", -1, NULL));
  text = g_strdup_printf ("[account]\nid=desk-12\ndisplay-name=Alice\nuser=alice\n"
                          "domain=127.0.0.1:%u\npassword=alicepw\n\n"
                          "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\n"
                          "last-slot=710\ntimeout=45\nmanager-host=127.0.0.1:%u\n"
                          "manager-user=desk\nmanager-secret-file=%s\n",
                          pbx->sip_port, pbx->ami_port, secret_file);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));

  pl_provision_from_file (settings, conf, &error);
  g_assert_no_error (error);
  for (GSettings **s = (GSettings *[]){ settings, account_settings, NULL }; *s; s++)
    {
      pl_test_assert_not_in_settings (*s, "deskpw");
      pl_test_assert_not_in_settings (*s, "alicepw");
      pl_test_assert_not_in_settings (*s, secret_file);
    }
  /* The file is not needed any more. */
  g_assert_cmpint (g_remove (secret_file), ==, 0);

  /* "Restart": a desk that knows only what was stored. */
  started = g_get_monotonic_time ();
  desk = pl_test_desk_new_stored ("alice");
  g_assert_true (PL_TEST_WAIT (feed_of (desk) != NULL
                                   && pl_park_feed_get_status (feed_of (desk))
                                          == PL_PARK_FEED_STATUS_CONNECTED,
                               WAIT_MS));
  g_test_message ("start to feed logged in: %.1f ms", (g_get_monotonic_time () - started) / 1000.0);
  /* A read-only manager user: events only, as Preferences will say. */
  g_assert_true (PL_TEST_WAIT (pl_park_feed_get_events_only (feed_of (desk)), WAIT_MS));
  g_assert_true (PL_TEST_WAIT (pl_test_desk_lot_known (desk), WAIT_MS));

  /* A teammate parks: this desk learns who is waiting and who parked them. */
  reply = test_pbx_cmd (pbx, "park-as 401 \"Dana Whitfield\" bob");
  g_assert_cmpstr (reply, ==, "OK slot=701");
  slot = pl_park_lot_get_slot (pl_test_desk_lot (desk), 701);
  g_assert_true (PL_TEST_WAIT (
      g_strcmp0 (pl_park_slot_get_caller_name (slot), "Dana Whitfield") == 0, WAIT_MS));
  g_assert_cmpint (pl_park_slot_get_state (slot), ==, PL_PARK_SLOT_OCCUPIED);
  g_assert_cmpint (pl_park_slot_get_identity_source (slot), ==, PL_PARK_IDENTITY_FEED);
  g_assert_true (PL_TEST_WAIT (g_strcmp0 (pl_park_slot_get_parked_by (slot), "Bob") == 0, WAIT_MS));

  pl_test_desk_free (desk);
  test_pbx_stop (pbx);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/park-provision/restart-feed-logs-in", test_provision_restart);
  return g_test_run ();
}
