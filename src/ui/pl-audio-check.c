/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-audio-check"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "pl-audio-check.h"
#include "pl-portaudio.h"

#define TONE_HZ      440.0
#define TONE_SECONDS 0.6
#define METER_RATE   16000.0
#define METER_FRAMES 800 /* 50 ms */

static const PlPortAudio *
pa_begin (GError **error)
{
  g_autoptr (GError) pa_error = NULL;
  const PlPortAudio *pa = pl_portaudio_begin (NULL, &pa_error);

  if (pa == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The audio system failed: %s"),
                 pa_error->message);
  return pa;
}

static gboolean
pa_failed (const PlPortAudio *pa, PaError err, GError **error)
{
  if (err == paNoError)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The audio device failed: %s"),
               pa->get_error_text (err));
  return TRUE;
}

static gboolean
play_tone (int device_index, GCancellable *cancellable, GError **error)
{
  const PaDeviceInfo *info;
  PaStreamParameters params = { 0 };
  PaStream *stream = NULL;
  double rate;
  guint n_frames, chunk = 480;
  g_autofree float *samples = NULL;
  gboolean ok = FALSE;
  const PlPortAudio *pa = pa_begin (error);

  if (pa == NULL)
    return FALSE;
  info = device_index >= 0 && device_index < pa->get_device_count ()
             ? pa->get_device_info (device_index)
             : NULL;
  if (info == NULL || info->maxOutputChannels < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("The speaker is not connected any more"));
      goto out;
    }
  rate = info->defaultSampleRate > 0 ? info->defaultSampleRate : 48000.0;
  params.device = device_index;
  params.channelCount = 1;
  params.sampleFormat = paFloat32;
  params.suggestedLatency = info->defaultHighOutputLatency;
  if (pa_failed (pa, pa->open_stream (&stream, NULL, &params, rate, chunk, paClipOff, NULL, NULL),
                 error)
      || pa_failed (pa, pa->start_stream (stream), error))
    goto out;

  /* A sine with 20 ms fades, so it neither clicks nor startles. */
  n_frames = (guint)(rate * TONE_SECONDS);
  samples = g_new (float, n_frames);
  for (guint i = 0; i < n_frames; i++)
    {
      double t = i / rate;
      double fade = MIN (1.0, MIN (t, TONE_SECONDS - t) / 0.02);
      samples[i] = (float)(0.25 * fade * sin (2 * G_PI * TONE_HZ * t));
    }
  for (guint done = 0; done < n_frames; done += chunk)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (pa_failed (pa, pa->write_stream (stream, samples + done, MIN (chunk, n_frames - done)),
                     error))
        goto out;
    }
  ok = !pa_failed (pa, pa->stop_stream (stream), error);

out:
  if (stream != NULL)
    pa->close_stream (stream);
  pl_portaudio_end ();
  return ok;
}

static void
play_tone_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (play_tone (GPOINTER_TO_INT (task_data), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pl_audio_check_play_tone_async (int device_index, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pl_audio_check_play_tone_async);
  g_task_set_task_data (task, GINT_TO_POINTER (device_index), NULL);
  g_task_run_in_thread (task, play_tone_thread);
}

gboolean
pl_audio_check_play_tone_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Level meter -------------------------------------------------------------- */

struct _PlLevelMeter
{
  int device_index;
  GThread *thread;
  gint stop;  /* atomic */
  gint level; /* atomic, peak × 10000 */
  GMutex lock;
  char *error;
};

static void
meter_fail (PlLevelMeter *meter, GError *error)
{
  g_mutex_lock (&meter->lock);
  g_free (meter->error);
  meter->error = g_strdup (error->message);
  g_mutex_unlock (&meter->lock);
  g_message ("Microphone level: %s", error->message);
  g_error_free (error);
}

static gpointer
meter_thread (gpointer data)
{
  PlLevelMeter *meter = data;
  const PaDeviceInfo *info;
  PaStreamParameters params = { 0 };
  PaStream *stream = NULL;
  float samples[METER_FRAMES];
  GError *error = NULL;
  const PlPortAudio *pa = pa_begin (&error);

  if (pa == NULL)
    {
      meter_fail (meter, error);
      return NULL;
    }
  info = meter->device_index >= 0 && meter->device_index < pa->get_device_count ()
             ? pa->get_device_info (meter->device_index)
             : NULL;
  if (info == NULL || info->maxInputChannels < 1)
    {
      meter_fail (meter, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                      _ ("The microphone is not connected any more")));
      goto out;
    }
  params.device = meter->device_index;
  params.channelCount = 1;
  params.sampleFormat = paFloat32;
  params.suggestedLatency = info->defaultLowInputLatency;
  if (pa_failed (
          pa,
          pa->open_stream (&stream, &params, NULL, METER_RATE, METER_FRAMES, paClipOff, NULL, NULL),
          &error)
      || pa_failed (pa, pa->start_stream (stream), &error))
    {
      meter_fail (meter, error);
      goto out;
    }
  /* Each read blocks for one 50 ms buffer, which bounds how long stop waits. */
  while (!g_atomic_int_get (&meter->stop))
    {
      float peak = 0;
      PaError err = pa->read_stream (stream, samples, METER_FRAMES);

      if (err != paNoError && err != paInputOverflowed)
        {
          pa_failed (pa, err, &error);
          meter_fail (meter, error);
          break;
        }
      for (guint i = 0; i < METER_FRAMES; i++)
        peak = MAX (peak, fabsf (samples[i]));
      g_atomic_int_set (&meter->level, (gint)(MIN (peak, 1.0f) * 10000));
    }
  pa->stop_stream (stream);

out:
  if (stream != NULL)
    pa->close_stream (stream);
  pl_portaudio_end ();
  return NULL;
}

PlLevelMeter *
pl_level_meter_start (int device_index)
{
  PlLevelMeter *meter = g_new0 (PlLevelMeter, 1);

  meter->device_index = device_index;
  g_mutex_init (&meter->lock);
  meter->thread = g_thread_new ("pl-level-meter", meter_thread, meter);
  return meter;
}

double
pl_level_meter_get_level (PlLevelMeter *meter)
{
  g_return_val_if_fail (meter != NULL, 0);
  return g_atomic_int_get (&meter->level) / 10000.0;
}

char *
pl_level_meter_dup_error (PlLevelMeter *meter)
{
  char *error;

  g_return_val_if_fail (meter != NULL, NULL);
  g_mutex_lock (&meter->lock);
  error = g_strdup (meter->error);
  g_mutex_unlock (&meter->lock);
  return error;
}

void
pl_level_meter_stop (PlLevelMeter *meter)
{
  if (meter == NULL)
    return;
  g_atomic_int_set (&meter->stop, 1);
  g_thread_join (meter->thread);
  g_mutex_clear (&meter->lock);
  g_free (meter->error);
  g_free (meter);
}
