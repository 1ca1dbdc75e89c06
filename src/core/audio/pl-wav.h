/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 16-bit PCM WAV files, read, converted and written in memory. A spoken
 * page is rendered by espeak-ng at its own rate (22050 Hz mono) and must
 * reach baresip's aufile source at the call codec's rate and channel count
 * (8000/1 for G.711, 16000/1 for G.722, 48000/2 for Opus): aufile refuses
 * anything else. */

#define PL_WAV_ERROR (pl_wav_error_quark ())

typedef enum
{
  PL_WAV_ERROR_INVALID,     /* not a RIFF/WAVE file, or cut short */
  PL_WAV_ERROR_UNSUPPORTED, /* not 16-bit PCM, or an odd rate/channel count */
} PlWavError;

GQuark pl_wav_error_quark (void);

typedef struct
{
  guint rate;
  guint channels;
  gsize n_frames;
  gint16 *samples; /* interleaved, n_frames * channels */
} PlWav;

void pl_wav_free (PlWav *wav);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlWav, pl_wav_free)

PlWav *pl_wav_parse (const guint8 *data, gsize length, GError **error);
/* The same sound at another rate and channel count: band-limited
 * (windowed sinc) so that nothing above the new Nyquist frequency folds
 * back; channels are averaged down or copied up. */
PlWav *pl_wav_convert (const PlWav *wav, guint rate, guint channels);
GBytes *pl_wav_encode (const PlWav *wav);

G_END_DECLS
