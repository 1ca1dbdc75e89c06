/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "pl-history-entry.h"

G_BEGIN_DECLS

/* The columns pl_history_entry_new_from_stmt() reads, in this order, from a
 * query on "calls c". */
#define PL_HISTORY_ENTRY_COLUMNS                                                                   \
  "c.id, c.account, c.direction, c.peer_uri, c.peer_name, c.peer_number, c.call_id, c.started, "   \
  "c.answered, c.ended, c.duration, c.outcome, c.park_flags, c.park_lot, c.park_slot, "            \
  "c.park_action, c.transfer, c.transfer_party"

#define PL_HISTORY_PARK_FLAG_PARKED   1
#define PL_HISTORY_PARK_FLAG_RETURNED 2

#define PL_HISTORY_OUTCOME_IN_PROGRESS "in-progress"

PlHistoryEntry *pl_history_entry_new_from_stmt (sqlite3_stmt *stmt);
PlCallEnd pl_history_end_from_string (const char *outcome);

G_END_DECLS
