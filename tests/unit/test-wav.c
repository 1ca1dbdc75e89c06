/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WAV reading, rate/channel conversion and writing: what turns espeak-ng's
 * 22050 Hz announcement into what baresip's aufile accepts for the codec. */
#include <math.h>
#include <string.h>

#include "pl-wav.h"

static PlWav *
tone (guint rate, guint channels, double hz, double seconds, double amplitude)
{
  PlWav *wav = g_new0 (PlWav, 1);

  wav->rate = rate;
  wav->channels = channels;
  wav->n_frames = (gsize)(rate * seconds);
  wav->samples = g_new (gint16, wav->n_frames * channels);
  for (gsize i = 0; i < wav->n_frames; i++)
    for (guint c = 0; c < channels; c++)
      wav->samples[i * channels + c] = (gint16)(amplitude * sin (2 * G_PI * hz * i / rate));
  return wav;
}

/* Level and frequency of channel 0 in the middle half (edges excluded). */
static void
measure (const PlWav *wav, double *rms, double *hz)
{
  gsize from = wav->n_frames / 4, to = 3 * wav->n_frames / 4;
  double sum = 0;
  guint crossings = 0;

  for (gsize i = from; i < to; i++)
    {
      double v = wav->samples[i * wav->channels];
      double prev = wav->samples[(i - 1) * wav->channels];
      sum += v * v;
      if ((prev < 0) != (v < 0))
        crossings++;
    }
  *rms = sqrt (sum / (double)(to - from));
  *hz = crossings / 2.0 / ((double)(to - from) / wav->rate);
}

typedef struct
{
  guint in_rate, in_ch;
  double hz;
  guint out_rate, out_ch;
  gboolean passes; /* below the new Nyquist frequency: kept, else removed */
} ConvertCase;

static const ConvertCase convert_cases[] = {
  { 22050, 1, 440, 8000, 1, TRUE },    /* espeak-ng → G.711 */
  { 22050, 1, 1000, 16000, 1, TRUE },  /* → G.722 */
  { 22050, 1, 3000, 48000, 2, TRUE },  /* → Opus */
  { 48000, 2, 440, 8000, 1, TRUE },    /* stereo down to mono */
  { 22050, 1, 6000, 8000, 1, FALSE },  /* above 4 kHz: must not fold back to 2 kHz */
  { 22050, 1, 9000, 16000, 1, FALSE }, /* above 8 kHz */
  { 8000, 1, 1000, 8000, 1, TRUE },    /* same rate: unchanged */
};

static void
test_convert (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (convert_cases); i++)
    {
      const ConvertCase *c = &convert_cases[i];
      g_autoptr (PlWav) in = tone (c->in_rate, c->in_ch, c->hz, 1.0, 10000);
      g_autoptr (PlWav) out = pl_wav_convert (in, c->out_rate, c->out_ch);
      double rms_in, hz_in, rms, hz;

      g_test_message ("case %u: %g Hz %u/%u → %u/%u", i, c->hz, c->in_rate, c->in_ch, c->out_rate,
                      c->out_ch);
      g_assert_cmpuint (out->rate, ==, c->out_rate);
      g_assert_cmpuint (out->channels, ==, c->out_ch);
      g_assert_cmpuint (out->n_frames, ==, c->out_rate);
      measure (in, &rms_in, &hz_in);
      measure (out, &rms, &hz);
      if (c->passes)
        {
          g_assert_cmpfloat (fabs (rms - rms_in) / rms_in, <, 0.05);
          g_assert_cmpfloat (fabs (hz - c->hz), <, c->hz * 0.02);
        }
      else
        g_assert_cmpfloat (rms, <, rms_in * 0.05);
      for (gsize f = 0; c->out_ch == 2 && f < out->n_frames; f++)
        g_assert_cmpint (out->samples[2 * f], ==, out->samples[2 * f + 1]);
    }
}

static void
test_roundtrip (void)
{
  g_autoptr (PlWav) in = tone (16000, 2, 700, 0.25, 20000);
  g_autoptr (GBytes) bytes = pl_wav_encode (in);
  g_autoptr (GError) error = NULL;
  g_autoptr (PlWav) back = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  g_assert_cmpuint (length, ==, 44 + in->n_frames * 4);
  back = pl_wav_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->rate, ==, 16000);
  g_assert_cmpuint (back->channels, ==, 2);
  g_assert_cmpuint (back->n_frames, ==, in->n_frames);
  g_assert_cmpmem (back->samples, back->n_frames * 4, in->samples, in->n_frames * 4);
}

/* espeak-ng --stdout cannot seek back and leaves the sizes at 0x7fffffff. */
static void
test_streamed_sizes (void)
{
  g_autoptr (PlWav) in = tone (22050, 1, 300, 0.1, 5000);
  g_autoptr (GBytes) bytes = pl_wav_encode (in);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (PlWav) back = NULL;

  memset (copy + 4, 0xff, 3);
  copy[7] = 0x7f;
  memset (copy + 40, 0xff, 3);
  copy[43] = 0x7f;
  back = pl_wav_parse (copy, g_bytes_get_size (bytes), NULL);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->n_frames, ==, in->n_frames);
}

static void
test_bad_files (void)
{
  g_autoptr (PlWav) in = tone (8000, 1, 300, 0.01, 5000);
  g_autoptr (GBytes) bytes = pl_wav_encode (in);
  const guint8 *good = g_bytes_get_data (bytes, NULL);
  struct
  {
    gsize offset; /* byte to change, or G_MAXSIZE */
    guint8 value;
    gsize length; /* 0: whole file */
    int code;
  } cases[] = {
    { G_MAXSIZE, 0, 11, PL_WAV_ERROR_INVALID }, { 0, 'X', 0, PL_WAV_ERROR_INVALID }, /* not RIFF */
    { 20, 3, 0, PL_WAV_ERROR_UNSUPPORTED },                                          /* float */
    { 34, 8, 0, PL_WAV_ERROR_UNSUPPORTED },                                          /* 8-bit */
    { 22, 6, 0, PL_WAV_ERROR_UNSUPPORTED },     /* 6 channels */
    { G_MAXSIZE, 0, 40, PL_WAV_ERROR_INVALID }, /* no data chunk */
    { 16, 0xff, 0, PL_WAV_ERROR_INVALID },      /* fmt chunk larger than the file */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length = cases[i].length ? cases[i].length : g_bytes_get_size (bytes);
      g_autofree guint8 *data = g_memdup2 (good, g_bytes_get_size (bytes));
      g_autoptr (GError) error = NULL;
      g_autoptr (PlWav) wav = NULL;

      g_test_message ("case %u", i);
      if (cases[i].offset != G_MAXSIZE)
        data[cases[i].offset] = cases[i].value;
      wav = pl_wav_parse (data, length, &error);
      g_assert_null (wav);
      g_assert_error (error, PL_WAV_ERROR, cases[i].code);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wav/convert", test_convert);
  g_test_add_func ("/wav/roundtrip", test_roundtrip);
  g_test_add_func ("/wav/streamed-sizes", test_streamed_sizes);
  g_test_add_func ("/wav/bad-files", test_bad_files);
  return g_test_run ();
}
