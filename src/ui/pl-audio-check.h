/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Audio checks for the Preferences window, straight on PortAudio in a worker
 * thread: a short test tone on an output device and a live input level.
 * Device indices are those of pl_audio_devices_list(). */

void pl_audio_check_play_tone_async (int device_index, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean pl_audio_check_play_tone_finish (GAsyncResult *result, GError **error);

typedef struct _PlLevelMeter PlLevelMeter;

/* Starts reading the input device; never fails at once: an error shows up
 * as pl_level_meter_dup_error() once the worker has hit it. */
PlLevelMeter *pl_level_meter_start (int device_index);
/* Peak level of the last ~50 ms, 0…1. */
double pl_level_meter_get_level (PlLevelMeter *meter);
char *pl_level_meter_dup_error (PlLevelMeter *meter);
/* Stops and joins the worker, then frees. */
void pl_level_meter_stop (PlLevelMeter *meter);

G_END_DECLS
