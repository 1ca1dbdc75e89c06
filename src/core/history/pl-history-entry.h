/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call.h"
#include "pl-history.h"

G_BEGIN_DECLS

#define PL_TYPE_HISTORY_ENTRY (pl_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (PlHistoryEntry, pl_history_entry, PL, HISTORY_ENTRY, GObject)

/* One stored call, immutable. Read-only properties: "id", "account",
 * "direction" (PlCallDirection), "peer-uri", "peer-name", "peer-number",
 * "title" (name, else number), "call-id", "started", "answered", "ended",
 * "duration" (µs; 0 if never answered), "end" (PlCallEnd; NONE while in
 * progress), "in-progress", "outcome" (stable name: answered, missed, …,
 * in-progress), "outcome-label" (translated), "parked", "returned",
 * "park-lot", "park-slot", "park-action" (PlHistoryParkAction of the
 * latest park event), "transfer" (PlCallTransfer: its part in a consult
 * transfer), "transfer-party" (the other leg's party), "day" (local calendar day "YYYY-MM-DD" of
 * "started": the section key — the UI shows a header row where it changes). */

gint64 pl_history_entry_get_id (PlHistoryEntry *self);
const char *pl_history_entry_get_account (PlHistoryEntry *self);
PlCallDirection pl_history_entry_get_direction (PlHistoryEntry *self);
const char *pl_history_entry_get_peer_uri (PlHistoryEntry *self);
const char *pl_history_entry_get_peer_name (PlHistoryEntry *self);
const char *pl_history_entry_get_peer_number (PlHistoryEntry *self);
const char *pl_history_entry_get_title (PlHistoryEntry *self);
const char *pl_history_entry_get_call_id (PlHistoryEntry *self);
gint64 pl_history_entry_get_started (PlHistoryEntry *self);
gint64 pl_history_entry_get_answered (PlHistoryEntry *self);
gint64 pl_history_entry_get_ended (PlHistoryEntry *self);
gint64 pl_history_entry_get_duration (PlHistoryEntry *self);
PlCallEnd pl_history_entry_get_end (PlHistoryEntry *self);
gboolean pl_history_entry_get_in_progress (PlHistoryEntry *self);
const char *pl_history_entry_get_outcome (PlHistoryEntry *self);
const char *pl_history_entry_get_outcome_label (PlHistoryEntry *self);
gboolean pl_history_entry_get_parked (PlHistoryEntry *self);
gboolean pl_history_entry_get_returned (PlHistoryEntry *self);
const char *pl_history_entry_get_park_lot (PlHistoryEntry *self);
const char *pl_history_entry_get_park_slot (PlHistoryEntry *self);
PlHistoryParkAction pl_history_entry_get_park_action (PlHistoryEntry *self);
PlCallTransfer pl_history_entry_get_transfer (PlHistoryEntry *self);
const char *pl_history_entry_get_transfer_party (PlHistoryEntry *self);
const char *pl_history_entry_get_day (PlHistoryEntry *self);

G_END_DECLS
