/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pl-history.h"

G_BEGIN_DECLS

/* Texts of the history page, as pure functions of their facts (and of "now"
 * where a date is relative) so that they are tested with tables. */

/* The header of a day in the list: "Today", "Yesterday", a weekday within
 * the last week, else a date. day is a "YYYY-MM-DD" key in local time. */
char *pl_history_format_day (const char *day, GDateTime *now);

/* Local wall-clock time "14:05" of a g_get_real_time() value. */
char *pl_history_format_time (gint64 real_time_us);

/* One line about what happened to a parked call: "Parked on 702",
 * "Parked on 702 · returned after 0:45". waited_us < 0 when not known. */
char *pl_history_format_park_summary (const char *slot, PlHistoryParkAction action,
                                      gint64 waited_us);

/* One step of a call's park timeline: "Parked on 702 by me · 10:02",
 * "Retrieved by someone else after 0:41 · 10:03". */
char *pl_history_format_park_event (const PlHistoryParkEvent *event);

/* A leg of a consult transfer, naming the other leg's party: the caller's
 * "Consulted Bob, then joined them", the colleague's "Consultation about
 * Caller One"; NULL for a call that was no part of one. */
char *pl_history_format_transfer (PlCallTransfer transfer, const char *party);

/* The latest event that ended a park (not a park itself), or NULL. */
const PlHistoryParkEvent *pl_history_find_park_outcome (GPtrArray *events);

G_END_DECLS
