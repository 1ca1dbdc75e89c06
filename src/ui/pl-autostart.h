/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starting at login: an XDG autostart entry under the user's config dir that
 * runs "parkline --background". (A Flatpak build needs the Background
 * portal instead; the sandbox cannot write there.) */
char *pl_autostart_dup_path (void);
gboolean pl_autostart_set (gboolean enabled, GError **error);

G_END_DECLS
