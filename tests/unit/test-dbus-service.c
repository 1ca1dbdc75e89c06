/* SPDX-License-Identifier: GPL-3.0-or-later */
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
  PlParkLot *lot;
  PlDBusService *service;
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
  fx->client = pl_test_dbus_connect (fx->bus);

  fx->account = pl_account_new ("test");
  pl_account_set_user (fx->account, "100");
  pl_account_set_domain (fx->account, "pbx");
  fx->engine = pl_script_engine_new (fx->account);
  pl_engine_start (PL_ENGINE (fx->engine));
  fx->manager = pl_call_manager_new (PL_ENGINE (fx->engine));
  /* a lot without a subscription: driven by hand in the slot tests */
  fx->park = pl_park_service_new (fx->manager, NULL);
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

/* Calls a method and spins the main context until the answer is in. */
static GVariant *
call_interface (Fixture *fx, const char *interface, const char *method, GVariant *args,
                GError **error)
{
  return pl_test_dbus_call (fx->client, g_dbus_connection_get_unique_name (fx->server), interface,
                            method, args, error);
}

static GVariant *
call_method (Fixture *fx, const char *method, GVariant *args, GError **error)
{
  return call_interface (fx, "io.github.parkline.Parkline1", method, args, error);
}

static GVariant *
get_property (Fixture *fx, const char *name)
{
  return pl_test_dbus_get_property (fx->client, g_dbus_connection_get_unique_name (fx->server),
                                    name);
}

static gboolean
call_is_published_active (Fixture *fx)
{
  g_autoptr (GVariant) calls = get_property (fx, "Calls");
  g_autoptr (GVariant) first = NULL;
  const char *state;

  if (g_variant_n_children (calls) != 1)
    return FALSE;
  first = g_variant_get_child_value (calls, 0);
  g_variant_get_child (first, 2, "&s", &state);
  return g_strcmp0 (state, "active") == 0;
}

static void
test_dial_and_calls (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) calls = NULL;
  guint handle = 0;
  PlCall *call;

  reply = call_method (fx, "Dial", g_variant_new ("(s)", "201"), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &handle);
  call = pl_call_manager_find_by_handle (fx->manager, handle);
  g_assert_nonnull (call);
  g_assert_cmpstr (pl_call_get_peer_uri (call), ==, "sip:201@pbx");
  g_assert_true (PL_TEST_WAIT (pl_script_engine_get_log (fx->engine)->len == 1, 2000));
  g_assert_cmpstr (g_ptr_array_index (pl_script_engine_get_log (fx->engine), 0), ==,
                   "dial - sip:201@pbx");

  pl_script_engine_emit (fx->engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1",
                         PL_CALL_DIRECTION_OUTGOING, "sip:201@pbx", NULL);
  /* The skeleton publishes property changes from an idle. */
  g_assert_true (PL_TEST_WAIT (call_is_published_active (fx), 2000));
  calls = get_property (fx, "Calls");
  g_assert_cmpuint (g_variant_n_children (calls), ==, 1);
  {
    guint32 listed_handle;
    const char *id, *state, *direction, *uri, *name;
    guint64 started;
    g_variant_get_child (calls, 0, "(u&s&s&s&s&st)", &listed_handle, &id, &state, &direction, &uri,
                         &name, &started);
    g_assert_cmpuint (listed_handle, ==, handle);
    g_assert_cmpstr (id, ==, "c1");
    g_assert_cmpstr (state, ==, "active");
    g_assert_cmpstr (direction, ==, "outgoing");
    g_assert_cmpstr (uri, ==, "sip:201@pbx");
  }
  {
    g_autoptr (GVariant) engine_state = get_property (fx, "EngineState");
    g_assert_cmpstr (g_variant_get_string (engine_state, NULL), ==, "running");
  }

  /* Handle 0 is the active call. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_method (fx, "SendDtmf", g_variant_new ("(us)", 0, "5"), &error);
  g_assert_no_error (error);
  g_assert_true (PL_TEST_WAIT (pl_script_engine_get_log (fx->engine)->len == 2, 2000));
  g_assert_cmpstr (g_ptr_array_index (pl_script_engine_get_log (fx->engine), 1), ==, "dtmf c1 5");
}

static void
test_errors (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = call_method (fx, "Dial", g_variant_new ("(s)", "not a number!"), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not a phone number"));
  g_clear_error (&error);

  reply = call_method (fx, "Hangup", g_variant_new ("(u)", 4242), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_cmpuint (pl_script_engine_get_log (fx->engine)->len, ==, 0);
}

/* ---- slots: Slots keeps its shape, SlotDetails adds a feed's facts ---- */

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
  g_test_add ("/dbus-service/dial-and-calls", Fixture, NULL, fixture_setup, test_dial_and_calls,
              fixture_teardown);
  g_test_add ("/dbus-service/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/dbus-service/slots-unchanged-and-named", Fixture, NULL, fixture_setup,
              test_slots_unchanged_and_named, fixture_teardown);
  g_test_add ("/dbus-service/slot-details", Fixture, NULL, fixture_setup, test_slot_details,
              fixture_teardown);
  return g_test_run ();
}
