/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-park-profile.h"

G_BEGIN_DECLS

/* The manager secret of a park lot (manager-secret=) lives in the Secret
 * Service, like the SIP password: never in GSettings, which gets the lots
 * without it (pl_park_lot_configs_save()). One item per lot, found by the
 * lot's name, manager host and manager user. */

#define PL_LOT_SECRETS_ERROR (pl_lot_secrets_error_quark ())

typedef enum
{
  PL_LOT_SECRETS_ERROR_KEYRING, /* the Secret Service refused or is absent */
} PlLotSecretsError;

GQuark pl_lot_secrets_error_quark (void);

/* Makes the keyring hold what config says: its manager secret under its
 * name, host and user, and nothing else for that lot name (nor for the
 * name of old, the lot as it was before this edit, NULL for a new lot). A
 * config without a secret keeps old's stored one, also across a rename or a
 * new host or user; a lot without a manager is left with none. */
void pl_lot_secrets_save_async (const PlParkLotConfig *config, const PlParkLotConfig *old,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean pl_lot_secrets_save_finish (GAsyncResult *result, GError **error);

/* Removes whatever the keyring holds for the lot name; failures are only
 * logged (a stale item harms nobody: it is found only by its lot). */
void pl_lot_secrets_forget (const char *lot_name);

/* TRUE when a lot names a manager but holds no secret: the keyring has to be
 * asked before its feed can log in. */
gboolean pl_lot_secrets_needed (GPtrArray *configs);

/* Copies of configs (PlParkLotConfig) with each missing manager secret
 * looked up in the keyring; a lot whose secret is not stored keeps NULL.
 * On a keyring failure the error is set and NULL returned. */
void pl_lot_secrets_fill_async (GPtrArray *configs, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pl_lot_secrets_fill_finish (GAsyncResult *result, GError **error);

G_END_DECLS
