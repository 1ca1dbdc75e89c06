/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The slots over D-Bus: Slots keeps its shape for existing clients, and
 * SlotDetails carries what a server feed adds (parked by, taken by). */
#include <string.h>

#include "pl-dbus-service.h"
#include "pl-park-service.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"

typedef struct
{
  GTestDBus *bus;
  GDBusConnection *server;
  GDBusConnection *client;
  PlAccount *account;
  PlScriptEngine *engine;
  PlCallManager *manager;
  PlParkService *park;
  PlDBusService *service;
  PlParkLot *lot;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lots
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_park_lot_config_free);

  fx->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fx->bus);
  fx->server = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fx->client = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (fx->bus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);

  fx->account = pl_account_new ("test");
  pl_account_set_user (fx->account, "101");
  pl_account_set_domain (fx->account, "pbx.example.org");
  fx->engine = pl_script_engine_new (fx->account);
  fx->manager = pl_call_manager_new (PL_ENGINE (fx->engine));
  fx->park = pl_park_service_new (fx->manager, NULL);
  /* no account: no subscription, the lot is driven by hand below */
  g_ptr_array_add (lots, pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK));
  pl_park_service_configure (fx->park, NULL, lots, NULL);
  fx->lot = pl_park_service_find_lot (fx->park, "Main");
  fx->service = pl_dbus_service_new (fx->manager);
  pl_dbus_service_set_park_service (fx->service, fx->park);
  pl_dbus_service_export (fx->service, fx->server, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  pl_dbus_service_unexport (fx->service);
  g_assert_finalize_object (fx->service);
  pl_park_service_shutdown (fx->park);
  g_assert_finalize_object (fx->park);
  g_assert_finalize_object (fx->manager);
  g_assert_finalize_object (fx->engine);
  g_assert_finalize_object (fx->account);
  g_dbus_connection_close_sync (fx->client, NULL, NULL);
  g_object_unref (fx->client);
  g_object_unref (fx->server);
  g_test_dbus_down (fx->bus);
  g_object_unref (fx->bus);
}

static void
got_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GVariant **reply = user_data;
  g_autoptr (GError) error = NULL;

  *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_assert_no_error (error);
}

/* A property as a client reads it, over the bus. */
static GVariant *
get_property (Fixture *fx, const char *name)
{
  GVariant *reply = NULL;
  GVariant *value = NULL;

  g_dbus_connection_call (fx->client, g_dbus_connection_get_unique_name (fx->server),
                          PL_DBUS_OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", "io.github.parkline.Parkline1", name),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, got_reply,
                          &reply);
  g_assert_true (PL_TEST_WAIT (reply != NULL, 5000));
  g_variant_get (reply, "(v)", &value);
  g_variant_unref (reply);
  return value;
}

/* The details of one slot, as a dictionary. */
static GVariant *
details_of (GVariant *all, int number)
{
  for (gsize i = 0; i < g_variant_n_children (all); i++)
    {
      g_autoptr (GVariant) entry = g_variant_get_child_value (all, i);
      const char *lot;
      int slot;
      GVariant *dict;

      g_variant_get (entry, "(&si@a{sv})", &lot, &slot, &dict);
      if (slot == number)
        return dict;
      g_variant_unref (dict);
    }
  return NULL;
}

static void
feed_parks (Fixture *fx, gint64 now)
{
  g_autoptr (PlParkFeedEvent) event = pl_park_feed_event_new (PL_PARK_FEED_EVENT_PARKED);
  PlPresence busy = { .busy = TRUE };

  event->lot = g_strdup ("default");
  event->slot = g_strdup ("702");
  event->park_id = g_strdup ("lab-1.0");
  event->caller_name = g_strdup ("Caller One");
  event->caller_number = g_strdup ("201");
  event->parked_by = g_strdup ("Alice");
  event->duration = 3;
  pl_park_lot_set_feed_live (fx->lot, TRUE, now);
  g_assert_true (pl_park_lot_apply_presence (fx->lot, 702, &busy, now));
  g_assert_true (pl_park_lot_apply_feed (fx->lot, event, "pbx.example.org", now));
}

static void
test_slots_unchanged_and_named (Fixture *fx, gconstpointer data)
{
  g_autoptr (GVariant) slots = NULL;
  gboolean found = FALSE;

  feed_parks (fx, g_get_real_time ());
  g_assert_true (PL_TEST_WAIT (({
                                 g_autoptr (GVariant) s = get_property (fx, "Slots");
                                 g_autofree char *text = g_variant_print (s, FALSE);
                                 strstr (text, "Caller One") != NULL;
                               }),
                               5000));
  slots = get_property (fx, "Slots");
  /* existing clients: the same type, the same fields */
  g_assert_cmpstr (g_variant_get_type_string (slots), ==, "a(sisssxxb)");
  g_assert_cmpuint (g_variant_n_children (slots), ==, 10);
  for (gsize i = 0; i < g_variant_n_children (slots); i++)
    {
      const char *lot, *state, *name, *uri;
      int slot;
      gint64 since, left;
      gboolean mine;

      g_variant_get_child (slots, i, "(&si&s&s&sxxb)", &lot, &slot, &state, &name, &uri, &since,
                           &left, &mine);
      g_assert_cmpstr (lot, ==, "Main");
      if (slot != 702)
        {
          g_assert_cmpstr (state, ==, "stale");
          continue;
        }
      found = TRUE;
      g_assert_cmpstr (state, ==, "occupied");
      g_assert_cmpstr (name, ==, "Caller One");
      g_assert_cmpstr (uri, ==, "sip:201@pbx.example.org");
      g_assert_cmpint (left, >, 40);
      g_assert_false (mine);
    }
  g_assert_true (found);
}

static void
test_slot_details (Fixture *fx, gconstpointer data)
{
  gint64 now = g_get_real_time ();
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) busy = NULL;
  g_autoptr (GVariant) stale = NULL;
  g_autoptr (GVariant) ended = NULL;
  g_autoptr (PlParkFeedEvent) taken = pl_park_feed_event_new (PL_PARK_FEED_EVENT_UNPARKED);
  PlPresence free_presence = { .busy = FALSE };
  const char *text;
  gint64 number;
  gboolean flag;

  feed_parks (fx, now);
  g_assert_true (PL_TEST_WAIT (({
                                 g_autoptr (GVariant) d = get_property (fx, "SlotDetails");
                                 g_autoptr (GVariant) one = details_of (d, 702);
                                 one &&g_variant_lookup (one, "parked-by", "&s", &text);
                               }),
                               5000));
  all = get_property (fx, "SlotDetails");
  g_assert_cmpstr (g_variant_get_type_string (all), ==, "a(sia{sv})");
  busy = details_of (all, 702);
  g_assert_true (g_variant_lookup (busy, "state", "&s", &text));
  g_assert_cmpstr (text, ==, "occupied");
  g_assert_true (g_variant_lookup (busy, "identity-source", "&s", &text));
  g_assert_cmpstr (text, ==, "feed");
  g_assert_true (g_variant_lookup (busy, "caller-name", "&s", &text));
  g_assert_cmpstr (text, ==, "Caller One");
  g_assert_true (g_variant_lookup (busy, "caller-uri", "&s", &text));
  g_assert_cmpstr (text, ==, "sip:201@pbx.example.org");
  g_assert_true (g_variant_lookup (busy, "parked-by", "&s", &text));
  g_assert_cmpstr (text, ==, "Alice");
  g_assert_true (g_variant_lookup (busy, "seconds-left", "x", &number));
  g_assert_cmpint (number, >, 40);
  g_assert_true (g_variant_lookup (busy, "parked-since", "x", &number));
  g_assert_cmpint (number, <=, now - 3 * G_USEC_PER_SEC);
  g_assert_true (g_variant_lookup (busy, "parked-by-me", "b", &flag));
  g_assert_false (flag);
  g_assert_false (g_variant_lookup (busy, "taken-by", "&s", &text));
  /* unknown facts are left out, not sent empty */
  stale = details_of (all, 701);
  g_assert_false (g_variant_lookup (stale, "caller-name", "&s", &text));
  g_assert_false (g_variant_lookup (stale, "seconds-left", "x", &number));

  /* Bob takes it: who took it, and the note every desk shows */
  taken->lot = g_strdup ("default");
  taken->slot = g_strdup ("702");
  taken->park_id = g_strdup ("lab-1.0");
  taken->taken_by = g_strdup ("Bob");
  taken->taken_by_id = g_strdup ("bob");
  taken->duration = 9;
  g_assert_true (pl_park_lot_apply_feed (fx->lot, taken, "pbx.example.org", now + 1));
  g_assert_true (pl_park_lot_apply_presence (fx->lot, 702, &free_presence, now + 2));
  g_assert_true (PL_TEST_WAIT (({
                                 g_autoptr (GVariant) d = get_property (fx, "SlotDetails");
                                 g_autoptr (GVariant) one = details_of (d, 702);
                                 g_variant_lookup (one, "taken-by", "&s", &text);
                               }),
                               5000));
  g_clear_pointer (&all, g_variant_unref);
  all = get_property (fx, "SlotDetails");
  ended = details_of (all, 702);
  g_assert_true (g_variant_lookup (ended, "state", "&s", &text));
  g_assert_cmpstr (text, ==, "free");
  g_assert_true (g_variant_lookup (ended, "taken-by", "&s", &text));
  g_assert_cmpstr (text, ==, "Bob");
  g_assert_true (g_variant_lookup (ended, "ended-note", "&s", &text));
  g_assert_cmpstr (text, ==, "Taken by Bob");
  g_assert_false (g_variant_lookup (ended, "caller-name", "&s", &text));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/dbus-slots/slots-unchanged-and-named", Fixture, NULL, fixture_setup,
              test_slots_unchanged_and_named, fixture_teardown);
  g_test_add ("/dbus-slots/slot-details", Fixture, NULL, fixture_setup, test_slot_details,
              fixture_teardown);
  return g_test_run ();
}
