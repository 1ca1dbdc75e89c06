/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A private session bus with two connections: "server" to export Parkline's
 * D-Bus service on, "client" to call it like a script would. */
typedef struct
{
  GTestDBus *bus;
  GDBusConnection *server;
  GDBusConnection *client;
} PlTestBus;

PlTestBus *pl_test_bus_new (void);
void pl_test_bus_free (PlTestBus *bus);
/* Calls a method of the Parkline object on the server connection, running
 * the thread-default main context until the reply is in (the service
 * answers from it). NULL and @error on a D-Bus error. */
GVariant *pl_test_bus_call (PlTestBus *bus, const char *interface, const char *method,
                            GVariant *args, GError **error);
/* A property of io.github.parkline.Parkline1, as a client reads it. */
GVariant *pl_test_bus_get_property (PlTestBus *bus, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTestBus, pl_test_bus_free)

G_END_DECLS
