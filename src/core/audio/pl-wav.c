/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-wav"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pl-quark.h"
#include "pl-wav.h"

PL_DEFINE_QUARK ("pl-wav-error-quark", pl_wav_error)

/* Half the kernel, in input samples at the lower of the two rates: enough
 * for speech to keep its sound and lose its aliases. */
#define SINC_HALF_WIDTH 16
#define MAX_RATE        192000
#define MAX_CHANNELS    2

void
pl_wav_free (PlWav *wav)
{
  if (wav == NULL)
    return;
  g_free (wav->samples);
  g_free (wav);
}

static guint32
le32 (const guint8 *p)
{
  return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static guint16
le16 (const guint8 *p)
{
  return (guint16)(p[0] | p[1] << 8);
}

PlWav *
pl_wav_parse (const guint8 *data, gsize length, GError **error)
{
  g_autoptr (PlWav) wav = NULL;
  gboolean have_format = FALSE;
  gsize pos = 12;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length < 12 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WAVE", 4) != 0)
    {
      g_set_error_literal (error, PL_WAV_ERROR, PL_WAV_ERROR_INVALID, _ ("Not a WAV file"));
      return NULL;
    }
  wav = g_new0 (PlWav, 1);
  while (pos + 8 <= length)
    {
      guint32 size = le32 (data + pos + 4);
      gsize available = length - pos - 8;

      if (memcmp (data + pos, "fmt ", 4) == 0)
        {
          if (size < 16 || available < 16)
            break;
          wav->channels = le16 (data + pos + 10);
          wav->rate = le32 (data + pos + 12);
          if (le16 (data + pos + 8) != 1 || le16 (data + pos + 22) != 16 || wav->channels == 0
              || wav->channels > MAX_CHANNELS || wav->rate < 1000 || wav->rate > MAX_RATE)
            {
              g_set_error_literal (error, PL_WAV_ERROR, PL_WAV_ERROR_UNSUPPORTED,
                                   _ ("Only 16-bit PCM WAV files with one or two channels can be "
                                      "played"));
              return NULL;
            }
          have_format = TRUE;
        }
      else if (memcmp (data + pos, "data", 4) == 0 && have_format)
        {
          /* espeak-ng writing to a pipe leaves the size at 0x7fffffff:
           * take what is there. */
          gsize bytes = MIN ((gsize)size, available);

          wav->n_frames = bytes / (2 * wav->channels);
          wav->samples = g_new (gint16, wav->n_frames * wav->channels);
          for (gsize i = 0; i < wav->n_frames * wav->channels; i++)
            wav->samples[i] = (gint16)le16 (data + pos + 8 + 2 * i);
          return g_steal_pointer (&wav);
        }
      if (size > available)
        break;
      pos += 8 + size + (size & 1);
    }
  g_set_error_literal (error, PL_WAV_ERROR, PL_WAV_ERROR_INVALID,
                       _ ("The WAV file is cut short or has no sound data"));
  return NULL;
}

PlWav *
pl_wav_convert (const PlWav *wav, guint rate, guint channels)
{
  PlWav *out;
  double ratio, cutoff, half, step_arg, step_window;
  double rotate_arg_sin, rotate_arg_cos, rotate_win_sin, rotate_win_cos;
  g_autofree double *mono = NULL;

  g_return_val_if_fail (wav != NULL, NULL);
  g_return_val_if_fail (rate >= 1000 && rate <= MAX_RATE, NULL);
  g_return_val_if_fail (channels >= 1 && channels <= MAX_CHANNELS, NULL);

  out = g_new0 (PlWav, 1);
  out->rate = rate;
  out->channels = channels;
  ratio = (double)wav->rate / rate;
  out->n_frames = (gsize)((double)wav->n_frames / ratio);
  out->samples = g_new0 (gint16, MAX (out->n_frames, 1) * channels);
  /* Low-pass at the lower Nyquist frequency, relative to the input rate. */
  cutoff = MIN (1.0, 1.0 / ratio);
  half = SINC_HALF_WIDTH / cutoff;
  /* Successive taps are one input frame apart, so the sinc's and the Hann
   * window's angles grow by fixed steps: rotating (sin, cos) pairs replaces
   * two trigonometric calls per tap. */
  step_arg = G_PI * cutoff;
  step_window = G_PI / half;
  rotate_arg_sin = sin (step_arg);
  rotate_arg_cos = cos (step_arg);
  rotate_win_sin = sin (step_window);
  rotate_win_cos = cos (step_window);

  /* Down-mixed once, not once per tap. */
  mono = g_new (double, MAX (wav->n_frames, 1));
  for (gsize f = 0; f < wav->n_frames; f++)
    {
      double sum = 0;

      for (guint c = 0; c < wav->channels; c++)
        sum += wav->samples[f * wav->channels + c];
      mono[f] = sum / wav->channels;
    }

  for (gsize i = 0; i < out->n_frames; i++)
    {
      double centre = (double)i * ratio;
      gssize first = (gssize)ceil (centre - half), last = (gssize)floor (centre + half);
      double x0 = (double)first - centre;
      double sin_arg = sin (step_arg * x0), cos_arg = cos (step_arg * x0);
      double sin_win = sin (step_window * x0), cos_win = cos (step_window * x0);
      double acc = 0, weight = 0;
      gint16 value;

      for (gssize k = first; k <= last; k++)
        {
          double arg = step_arg * ((double)k - centre);
          double sinc = fabs (arg) < 1e-9 ? 1.0 : sin_arg / arg;
          double w = sinc * (0.5 + 0.5 * cos_win);
          double turned;

          if (k >= 0 && (gsize)k < wav->n_frames)
            acc += w * mono[k];
          weight += w;
          turned = sin_arg * rotate_arg_cos + cos_arg * rotate_arg_sin;
          cos_arg = cos_arg * rotate_arg_cos - sin_arg * rotate_arg_sin;
          sin_arg = turned;
          turned = sin_win * rotate_win_cos + cos_win * rotate_win_sin;
          cos_win = cos_win * rotate_win_cos - sin_win * rotate_win_sin;
          sin_win = turned;
        }
      /* Normalising by the kernel's sum keeps the level at the edges. */
      acc = weight != 0 ? acc / weight : 0;
      value = (gint16)CLAMP (lround (acc), G_MININT16, G_MAXINT16);
      for (guint c = 0; c < channels; c++)
        out->samples[i * channels + c] = value;
    }
  return out;
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = (guint8)v;
  p[1] = (guint8)(v >> 8);
  p[2] = (guint8)(v >> 16);
  p[3] = (guint8)(v >> 24);
}

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = (guint8)v;
  p[1] = (guint8)(v >> 8);
}

GBytes *
pl_wav_encode (const PlWav *wav)
{
  gsize data_bytes;
  guint8 *buf;

  g_return_val_if_fail (wav != NULL, NULL);

  data_bytes = wav->n_frames * wav->channels * 2;
  buf = g_malloc (44 + data_bytes);
  memcpy (buf, "RIFF", 4);
  put32 (buf + 4, (guint32)(36 + data_bytes));
  memcpy (buf + 8, "WAVEfmt ", 8);
  put32 (buf + 16, 16);
  put16 (buf + 20, 1);
  put16 (buf + 22, (guint16)wav->channels);
  put32 (buf + 24, wav->rate);
  put32 (buf + 28, wav->rate * wav->channels * 2);
  put16 (buf + 32, (guint16)(wav->channels * 2));
  put16 (buf + 34, 16);
  memcpy (buf + 36, "data", 4);
  put32 (buf + 40, (guint32)data_bytes);
  for (gsize i = 0; i < wav->n_frames * wav->channels; i++)
    put16 (buf + 44 + 2 * i, (guint16)wav->samples[i]);
  return g_bytes_new_take (buf, 44 + data_bytes);
}
