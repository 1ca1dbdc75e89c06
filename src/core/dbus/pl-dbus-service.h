/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call-manager.h"
#include "pl-park-pager.h"
#include "pl-park-service.h"

G_BEGIN_DECLS

#define PL_DBUS_OBJECT_PATH "/io/github/parkline/Parkline"

#define PL_TYPE_DBUS_SERVICE (pl_dbus_service_get_type ())
G_DECLARE_FINAL_TYPE (PlDBusService, pl_dbus_service, PL, DBUS_SERVICE, GObject)

/* io.github.parkline.Parkline1 on the session bus: the same operations the
 * window offers, for scripts and integrations. */
PlDBusService *pl_dbus_service_new (PlCallManager *manager);
/* Adds Park, Retrieve and Slots; without it those report "no park lot". */
void pl_dbus_service_set_park_service (PlDBusService *self, PlParkService *park);
/* Adds ParkAndPage and EndPage. */
void pl_dbus_service_set_park_pager (PlDBusService *self, PlParkPager *pager);
gboolean pl_dbus_service_export (PlDBusService *self, GDBusConnection *connection,
                                 const char *object_path, GError **error);
void pl_dbus_service_unexport (PlDBusService *self);

G_END_DECLS
