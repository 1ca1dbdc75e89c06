/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-account-store.h"
#include "pl-call-manager.h"
#include "pl-engine.h"
#include "pl-history.h"
#include "pl-history-recorder.h"
#include "pl-park-pager.h"
#include "pl-park-service.h"

G_BEGIN_DECLS

#define PL_TYPE_CORE (pl_core_get_type ())
G_DECLARE_FINAL_TYPE (PlCore, pl_core, PL, CORE, GObject)

/* One phone: the engine, the accounts, the calls and the services built on
 * them, wired together without any display. The application owns one;
 * end-to-end tests run two side by side to play two desks.
 *
 * Signal "message" (const char *text): news for the user from the park
 * service ("Parked Caller One on 701").
 * Signal "problem" (const char *message): a subsystem failed in a way the
 * user must hear about (history off, keyring unavailable); calls go on. */
/* history_path NULL: the user's default history database. */
PlCore *pl_core_new (PlEngine *engine, GSettings *settings, const char *history_path);
PlEngine *pl_core_get_engine (PlCore *self);
PlAccountStore *pl_core_get_account_store (PlCore *self);
PlCallManager *pl_core_get_call_manager (PlCore *self);
PlHistory *pl_core_get_history (PlCore *self);
PlHistoryRecorder *pl_core_get_history_recorder (PlCore *self);
PlParkService *pl_core_get_park_service (PlCore *self);
PlParkPager *pl_core_get_park_pager (PlCore *self);
/* Uses these park lots instead of the stored ones, for this run only. */
void pl_core_use_lots (PlCore *self, GPtrArray *lot_configs);
/* The lots given for this run (pl_core_use_lots, --account-file), which
 * win over the stored ones; NULL when the stored lots apply. */
GPtrArray *pl_core_get_run_lots (PlCore *self);
/* Account and lots from a provisioning keyfile (see pl-account-store.h and
 * pl-park-profile.h), for this run only. */
gboolean pl_core_use_keyfile (PlCore *self, const char *path, GError **error);
/* Uses this account instead of the stored ones, for this run only. */
void pl_core_use_account (PlCore *self, PlAccount *account);
/* Loads stored accounts (unless one was given) and starts the engine. */
void pl_core_start (PlCore *self);
/* Before pl_core_start, when a window is about to be shown: until
 * pl_core_window_shown() or max_ms, whichever comes first, the engine's
 * process is not spawned and what the worker threads deliver (the lots'
 * NOTIFYs) waits behind the window's first frame. The subscriptions, the
 * history and D-Bus start at once. */
void pl_core_hold_for_window (PlCore *self, guint max_ms);
void pl_core_window_shown (PlCore *self);
void pl_core_stop (PlCore *self);
gboolean pl_core_export_dbus (PlCore *self, GDBusConnection *connection, GError **error);

G_END_DECLS
