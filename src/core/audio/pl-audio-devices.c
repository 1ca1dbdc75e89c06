/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-audio-devices"

#include "config.h"

#include "pl-audio-devices.h"
#include "pl-engine.h"
#include "pl-portaudio.h"

void
pl_audio_device_free (PlAudioDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->host_api);
  g_free (device);
}

GPtrArray *
pl_audio_devices_list (GError **error)
{
  g_autoptr (GPtrArray) devices
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_audio_device_free);
  g_autoptr (GError) pa_error = NULL;
  const PlPortAudio *pa = pl_portaudio_begin (NULL, &pa_error);
  PaDeviceIndex count, def_in, def_out;

  if (pa == NULL)
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NO_AUDIO, pa_error->message);
      return NULL;
    }
  count = pa->get_device_count ();
  def_in = pa->get_default_input_device ();
  def_out = pa->get_default_output_device ();
  for (PaDeviceIndex i = 0; i < count; i++)
    {
      const PaDeviceInfo *info = pa->get_device_info (i);
      const PaHostApiInfo *api;
      PlAudioDevice *device;

      if (info == NULL || info->name == NULL)
        continue;
      api = pa->get_host_api_info (info->hostApi);
      device = g_new0 (PlAudioDevice, 1);
      device->index = i;
      device->name = g_strdup (info->name);
      device->host_api = g_strdup (api && api->name ? api->name : "");
      device->is_input = info->maxInputChannels > 0;
      device->is_output = info->maxOutputChannels > 0;
      device->is_default_input = i == def_in;
      device->is_default_output = i == def_out;
      g_ptr_array_add (devices, device);
    }
  pl_portaudio_end ();
  return g_steal_pointer (&devices);
}

const PlAudioDevice *
pl_audio_devices_find (GPtrArray *devices, const char *name, gboolean input)
{
  g_return_val_if_fail (devices != NULL, NULL);
  for (guint i = 0; i < devices->len; i++)
    {
      PlAudioDevice *d = g_ptr_array_index (devices, i);

      if ((input ? d->is_input : d->is_output) && g_strcmp0 (d->name, name) == 0)
        return d;
    }
  return NULL;
}

const PlAudioDevice *
pl_audio_devices_pick (GPtrArray *devices, gboolean input)
{
  const PlAudioDevice *first = NULL, *fallback = NULL;

  g_return_val_if_fail (devices != NULL, NULL);
  for (guint i = 0; i < devices->len; i++)
    {
      PlAudioDevice *d = g_ptr_array_index (devices, i);
      gboolean can = input ? d->is_input : d->is_output;

      if (!can)
        continue;
      /* ALSA's "default" follows the desktop's choice (PulseAudio, PipeWire). */
      if (g_strcmp0 (d->name, "default") == 0)
        return d;
      if (fallback == NULL && (input ? d->is_default_input : d->is_default_output))
        fallback = d;
      if (first == NULL)
        first = d;
    }
  return fallback ? fallback : first;
}

gboolean
pl_audio_devices_usable (GPtrArray *devices)
{
  return devices != NULL && pl_audio_devices_pick (devices, TRUE) != NULL
         && pl_audio_devices_pick (devices, FALSE) != NULL;
}
