/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call.h"
#include "pl-history.h"

G_BEGIN_DECLS

#define PL_TYPE_HISTORY_RECORDER (pl_history_recorder_get_type ())
G_DECLARE_FINAL_TYPE (PlHistoryRecorder, pl_history_recorder, PL, HISTORY_RECORDER, GObject)

/* Writes history as calls happen: a row when a call appears in calls (a
 * GListModel of PlCall, e.g. pl_call_manager_get_calls()), updated when it is
 * answered (state ACTIVE/HELD) and when it ends (state ENDED, with
 * pl_call_get_end()). A call that leaves the model before it ends is still
 * followed until it does. Properties: "history", "calls" (construct-only). */

PlHistoryRecorder *pl_history_recorder_new (PlHistory *history, GListModel *calls);
PlHistory *pl_history_recorder_get_history (PlHistoryRecorder *self);

/* The history record of a call this recorder has seen (live or ended), or
 * NULL. */
PlHistoryRecord *pl_history_recorder_lookup (PlHistoryRecorder *self, PlCall *call);

/* For the park service: records a park event. With a call, the event is
 * linked to that call's row; with call NULL it is stored on its own (e.g. a
 * park seen on a watched slot). info->call_row is ignored. */
void pl_history_recorder_park_event (PlHistoryRecorder *self, PlCall *call,
                                     const PlHistoryParkInfo *info);

G_END_DECLS
