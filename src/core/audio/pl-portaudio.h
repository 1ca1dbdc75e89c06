/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <portaudio.h>

G_BEGIN_DECLS

/* PortAudio, loaded the first time Parkline needs it: listing devices for a
 * device chosen by name, and the Preferences' tone and microphone level.
 * Linked at start it would bring libjack, libdb, libstdc++ and libasound
 * with it, relocated before main() in every start whether or not any of
 * them is used (baresip does the audio). */
typedef struct
{
  PaError (*initialize) (void);
  PaError (*terminate) (void);
  const char *(*get_error_text) (PaError error);
  PaDeviceIndex (*get_device_count) (void);
  PaDeviceIndex (*get_default_input_device) (void);
  PaDeviceIndex (*get_default_output_device) (void);
  const PaDeviceInfo *(*get_device_info) (PaDeviceIndex device);
  const PaHostApiInfo *(*get_host_api_info) (PaHostApiIndex host_api);
  PaError (*open_stream) (PaStream **stream, const PaStreamParameters *input,
                          const PaStreamParameters *output, double sample_rate,
                          unsigned long frames_per_buffer, PaStreamFlags flags,
                          PaStreamCallback *callback, void *user_data);
  PaError (*start_stream) (PaStream *stream);
  PaError (*stop_stream) (PaStream *stream);
  PaError (*close_stream) (PaStream *stream);
  PaError (*read_stream) (PaStream *stream, void *buffer, unsigned long frames);
  PaError (*write_stream) (PaStream *stream, const void *buffer, unsigned long frames);
} PlPortAudio;

/* Loads the library once (any thread, it stays loaded) and initialises it;
 * NULL with @error (G_IO_ERROR) when it cannot be loaded, or when
 * Pa_Initialize fails (then *@pa_error, if given, is its code). Every user
 * in the process goes through here: PortAudio counts its initialisations in
 * a plain integer, so they are serialised. */
const PlPortAudio *pl_portaudio_begin (PaError *pa_error, GError **error);
/* Pa_Terminate, for each successful pl_portaudio_begin(). */
void pl_portaudio_end (void);

G_END_DECLS
