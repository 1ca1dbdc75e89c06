/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-account.h"
#include "pl-call-manager.h"
#include "pl-history-recorder.h"
#include "pl-park-feed.h"
#include "pl-park-lot.h"
#include "pl-server-liveness.h"

G_BEGIN_DECLS

#define PL_PARK_SERVICE_ERROR (pl_park_service_error_quark ())

typedef enum
{
  PL_PARK_SERVICE_ERROR_NO_LOT,  /* no park lot is configured */
  PL_PARK_SERVICE_ERROR_NO_SLOT, /* no free slot, or the slot is not in the lot */
  PL_PARK_SERVICE_ERROR_BUSY,    /* the chosen slot is occupied */
  PL_PARK_SERVICE_ERROR_EMPTY,   /* nothing to retrieve there */
  PL_PARK_SERVICE_ERROR_NO_ACCOUNT,
  PL_PARK_SERVICE_ERROR_NOT_ANSWERING, /* the phone system does not answer (server-state) */
} PlParkServiceError;

GQuark pl_park_service_error_quark (void);

#define PL_TYPE_PARK_SERVICE (pl_park_service_get_type ())
G_DECLARE_FINAL_TYPE (PlParkService, pl_park_service, PL, PARK_SERVICE, GObject)

/* Parks and retrieves calls on the PBX's lots and keeps the lots' state from
 * SIP subscriptions. It knows the profiles' rules (never a REFER to a free
 * Asterisk slot), labels the PBX's ring-backs of our parks, tells the user
 * when a retrieve lost a race, and writes park events to history.
 *
 * Properties: "lots" (GListModel of PlParkLot); "server-state"
 * (PlServerState): whether the PBX answers the subscriptions' keepalive.
 * While it does not, every lot is stale and park and retrieve are refused
 * (PL_PARK_SERVICE_ERROR_NOT_ANSWERING); calls in progress are not touched.
 * Signals: "message" (const char *text) for the user; "parked-by-other"
 * (PlParkLot, PlParkSlot) when someone else parked a call we can see. */
PlParkService *pl_park_service_new (PlCallManager *calls, PlHistoryRecorder *recorder);
/* Subscribes to the lots with the account's credentials. local_address
 * NULL lets the system choose; tests pass "127.0.0.1". */
void pl_park_service_configure (PlParkService *self, PlAccount *account, GPtrArray *lot_configs,
                                const char *local_address);
GListModel *pl_park_service_get_lots (PlParkService *self);
PlServerState pl_park_service_get_server_state (PlParkService *self);
/* Why parking is refused right now whatever the call (translated, for a
 * tooltip), or NULL. */
const char *pl_park_service_get_park_blocker (PlParkService *self);
PlParkLot *pl_park_service_find_lot (PlParkService *self, const char *name);
/* slot PL_PARK_ANY_SLOT: the profile's way of parking without choosing
 * (park extension, or the first free slot). lot NULL: the first lot. */
gboolean pl_park_service_park (PlParkService *self, PlCall *call, PlParkLot *lot, int slot,
                               GError **error);
/* TRUE while a park of call is in flight (REFER sent, call not ended). */
gboolean pl_park_service_is_parking (PlParkService *self, PlCall *call);
PlCall *pl_park_service_retrieve (PlParkService *self, PlParkLot *lot, int slot, GError **error);
/* TRUE while a call of ours retrieves from that slot (dialled, not ended). */
gboolean pl_park_service_is_retrieving (PlParkService *self, PlParkLot *lot, int slot);
/* The n-th (1-based) occupied slot across all lots, in lot and slot order:
 * what Alt+n retrieves. */
gboolean pl_park_service_find_parked (PlParkService *self, guint n, PlParkLot **lot, int *slot);
/* The server feed that names the callers of @lot (its manager connection,
 * shared by the lots that name the same one), or NULL. */
PlParkFeed *pl_park_service_get_feed (PlParkService *self, PlParkLot *lot);
void pl_park_service_shutdown (PlParkService *self);

G_END_DECLS
