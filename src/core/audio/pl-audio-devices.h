/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One PortAudio device. baresip 1.0.0's portaudio module takes the device
 * *index* (strtol of the part after "portaudio,"), not the name; the index
 * is stable as long as baresip runs with our environment. */
typedef struct
{
  int index;
  char *name;
  char *host_api;
  gboolean is_input;
  gboolean is_output;
  gboolean is_default_input;
  gboolean is_default_output;
} PlAudioDevice;

void pl_audio_device_free (PlAudioDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlAudioDevice, pl_audio_device_free)

/* Lists the devices PortAudio finds right now (PortAudio is initialised and
 * terminated around the call; takes some milliseconds). Returns a
 * GPtrArray of PlAudioDevice (empty when there is no device), or NULL with
 * @error when PortAudio itself fails. */
GPtrArray *pl_audio_devices_list (GError **error);

/* The device to give baresip for playback (or capture): "default" when
 * there is such a device, else PortAudio's default, else the first device
 * that can do it; NULL when none can. */
const PlAudioDevice *pl_audio_devices_pick (GPtrArray *devices, gboolean input);
/* The same device by name; NULL if not there or not capable. */
const PlAudioDevice *pl_audio_devices_find (GPtrArray *devices, const char *name, gboolean input);

gboolean pl_audio_devices_usable (GPtrArray *devices);

G_END_DECLS
