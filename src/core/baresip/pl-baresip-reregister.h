/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-baresip-ctrl.h"

G_BEGIN_DECLS

/* Registers the account afresh in a running baresip 1.0.0, for when the PBX
 * was gone and may have forgotten us.
 *
 * 1.0.0's control interface has no "register again" command (no uareg;
 * its own retry after a failed refresh waits a minute or more). A new user
 * agent for the same account line registers at once ("uanew"); the old one
 * then goes ("uadel", which unregisters its contact). Always in that
 * order: uadel of the current user agent moves the menu's cursor to the
 * next one, and with no next one the cursor is left pointing at the freed
 * agent, which the next uadel would follow. uadel also ends the calls of
 * the agent it deletes, so the caller must make sure there are none.
 *
 * Fails with the error of the step that failed; after a failed uanew
 * nothing has changed. */
void pl_baresip_reregister_async (PlBaresipCtrl *ctrl, const char *account_line, guint timeout_ms,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean pl_baresip_reregister_finish (PlBaresipCtrl *ctrl, GAsyncResult *result, GError **error);

/* The address of record baresip files the agent under: the URI inside the
 * account line's angle brackets without its parameters
 * ("<sip:100@pbx:5060;transport=tcp>;auth_pass=…" → "sip:100@pbx:5060"),
 * or NULL. */
char *pl_baresip_account_line_aor (const char *line);

G_END_DECLS
