/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-test"

#include "pl-test-bus.h"
#include "pl-test-util.h"

#define PARKLINE_PATH      "/io/github/parkline/Parkline"
#define PARKLINE_INTERFACE "io.github.parkline.Parkline1"

static GDBusConnection *
connect_to (GTestDBus *bus)
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

PlTestBus *
pl_test_bus_new (void)
{
  PlTestBus *bus = g_new0 (PlTestBus, 1);

  bus->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus->bus);
  bus->server = connect_to (bus->bus);
  bus->client = connect_to (bus->bus);
  return bus;
}

void
pl_test_bus_free (PlTestBus *bus)
{
  g_dbus_connection_close_sync (bus->client, NULL, NULL);
  g_dbus_connection_close_sync (bus->server, NULL, NULL);
  g_object_unref (bus->client);
  g_object_unref (bus->server);
  g_test_dbus_down (bus->bus);
  g_object_unref (bus->bus);
  g_free (bus);
}

typedef struct
{
  gboolean done;
  GVariant *reply;
  GError *error;
} Reply;

static void
call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reply *reply = user_data;

  reply->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &reply->error);
  reply->done = TRUE;
}

GVariant *
pl_test_bus_call (PlTestBus *bus, const char *interface, const char *method, GVariant *args,
                  GError **error)
{
  Reply reply = { 0 };

  g_dbus_connection_call (bus->client, g_dbus_connection_get_unique_name (bus->server),
                          PARKLINE_PATH, interface, method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
                          10000, NULL, call_done, &reply);
  g_assert_true (PL_TEST_WAIT (reply.done, 15000));
  if (reply.error)
    g_propagate_error (error, reply.error);
  return reply.reply;
}

GVariant *
pl_test_bus_get_property (PlTestBus *bus, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) wrapped
      = pl_test_bus_call (bus, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PARKLINE_INTERFACE, name), &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (wrapped, "(v)", &value);
  return value;
}
