/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-engine.h"

G_BEGIN_DECLS

/* A client for baresip's ctrl_tcp socket: netstring-framed JSON commands
 * matched to replies by token, events passed on as PlEngineEvents.
 *
 * Signals:
 *   "event" (PlEngineEvent *)   — every event, in arrival order
 *   "closed" (const char *why)  — the connection ended (not emitted for
 *                                  pl_baresip_ctrl_close()) */

#define PL_TYPE_BARESIP_CTRL (pl_baresip_ctrl_get_type ())
G_DECLARE_FINAL_TYPE (PlBaresipCtrl, pl_baresip_ctrl, PL, BARESIP_CTRL, GObject)

PlBaresipCtrl *pl_baresip_ctrl_new (void);

/* Connects to 127.0.0.1:port, retrying until timeout_ms passes: baresip
 * opens its control port a moment after it starts. */
void pl_baresip_ctrl_connect_async (PlBaresipCtrl *self, guint16 port, guint timeout_ms,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean pl_baresip_ctrl_connect_finish (PlBaresipCtrl *self, GAsyncResult *result, GError **error);

/* Sends one command. Completes with the reply's free text on "ok": true,
 * PL_ENGINE_ERROR_REJECTED (message = reply text) on "ok": false,
 * PL_ENGINE_ERROR_TIMEOUT after timeout_ms, PL_ENGINE_ERROR_PROTOCOL if the
 * connection goes away first. */
void pl_baresip_ctrl_command_async (PlBaresipCtrl *self, const char *command, const char *params,
                                    guint timeout_ms, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
char *pl_baresip_ctrl_command_finish (PlBaresipCtrl *self, GAsyncResult *result, GError **error);
/* Sends a command and forgets about the reply. */
void pl_baresip_ctrl_send (PlBaresipCtrl *self, const char *command, const char *params);

gboolean pl_baresip_ctrl_is_connected (PlBaresipCtrl *self);
guint16 pl_baresip_ctrl_get_port (PlBaresipCtrl *self);
/* Closes without emitting "closed"; pending commands fail. */
void pl_baresip_ctrl_close (PlBaresipCtrl *self);

G_END_DECLS
