/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Stores the account (settings + keyring) and the park lots of a
 * provisioning keyfile, as `parkline --provision FILE` does for admins
 * setting up many desks. Validates everything before storing anything.
 * Blocks until the keyring has answered. */
gboolean pl_provision_from_file (GSettings *settings, const char *path, GError **error);

G_END_DECLS
