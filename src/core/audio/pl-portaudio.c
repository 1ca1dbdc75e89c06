/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-portaudio"

#include "config.h"

#include <gio/gio.h>
#include <gmodule.h>

#include "pl-portaudio.h"

static GMutex lock;
static PlPortAudio functions;
static GModule *module;
static char *load_error;

/* Every function or none: a half-resolved table must never be used. */
static gboolean
resolve (void)
{
  static const struct
  {
    const char *name;
    gsize offset;
  } symbols[] = {
    { "Pa_Initialize", G_STRUCT_OFFSET (PlPortAudio, initialize) },
    { "Pa_Terminate", G_STRUCT_OFFSET (PlPortAudio, terminate) },
    { "Pa_GetErrorText", G_STRUCT_OFFSET (PlPortAudio, get_error_text) },
    { "Pa_GetDeviceCount", G_STRUCT_OFFSET (PlPortAudio, get_device_count) },
    { "Pa_GetDefaultInputDevice", G_STRUCT_OFFSET (PlPortAudio, get_default_input_device) },
    { "Pa_GetDefaultOutputDevice", G_STRUCT_OFFSET (PlPortAudio, get_default_output_device) },
    { "Pa_GetDeviceInfo", G_STRUCT_OFFSET (PlPortAudio, get_device_info) },
    { "Pa_GetHostApiInfo", G_STRUCT_OFFSET (PlPortAudio, get_host_api_info) },
    { "Pa_OpenStream", G_STRUCT_OFFSET (PlPortAudio, open_stream) },
    { "Pa_StartStream", G_STRUCT_OFFSET (PlPortAudio, start_stream) },
    { "Pa_StopStream", G_STRUCT_OFFSET (PlPortAudio, stop_stream) },
    { "Pa_CloseStream", G_STRUCT_OFFSET (PlPortAudio, close_stream) },
    { "Pa_ReadStream", G_STRUCT_OFFSET (PlPortAudio, read_stream) },
    { "Pa_WriteStream", G_STRUCT_OFFSET (PlPortAudio, write_stream) },
  };
  PlPortAudio table = { 0 };

  module = g_module_open (PL_PORTAUDIO_LIBRARY, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      load_error = g_strdup (g_module_error ());
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (!g_module_symbol (module, symbols[i].name,
                          (gpointer *)G_STRUCT_MEMBER_P (&table, symbols[i].offset)))
      {
        load_error = g_strdup_printf ("%s has no %s", PL_PORTAUDIO_LIBRARY, symbols[i].name);
        return FALSE;
      }
  /* PortAudio keeps threads and callbacks of ours: it is never unloaded. */
  g_module_make_resident (module);
  functions = table;
  return TRUE;
}

const PlPortAudio *
pl_portaudio_begin (PaError *pa_error, GError **error)
{
  static gsize loaded;
  PaError err;

  if (g_once_init_enter (&loaded))
    g_once_init_leave (&loaded, resolve () ? 1 : 2);
  if (loaded != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "PortAudio could not be loaded: %s",
                   load_error);
      return NULL;
    }
  g_mutex_lock (&lock);
  err = functions.initialize ();
  g_mutex_unlock (&lock);
  if (pa_error)
    *pa_error = err;
  if (err != paNoError)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "PortAudio could not start: %s",
                   functions.get_error_text (err));
      return NULL;
    }
  return &functions;
}

void
pl_portaudio_end (void)
{
  g_mutex_lock (&lock);
  functions.terminate ();
  g_mutex_unlock (&lock);
}
