/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-page-sound"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "pl-page-text.h"
#include "pl-sip-trace.h"
#include "pl-speech.h"
#include "pl-test-util.h"
#include "pl-wav.h"

/* What a spoken page costs before it plays, and what reading baresip's SIP
 * trace costs: espeak-ng renders the announcement, the engine converts it
 * to the call codec's rate in a worker (G.711, G.722, Opus), and every
 * byte of baresip's stdout goes through the trace reader. Prints a table
 * of medians.
 *
 *   bench-page-sound [RUNS]   (also: meson test --benchmark page-sound) */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median (GArray *times)
{
  g_array_sort (times, compare_doubles);
  return g_array_index (times, double, times->len / 2);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} Render;

static void
rendered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Render *render = user_data;

  render->ok = pl_speech_render_finish (result, &render->error);
  render->done = TRUE;
}

int
main (int argc, char *argv[])
{
  guint runs = argc > 1 ? (guint)atoi (argv[1]) : 20;
  g_autofree char *dir = pl_test_make_dir ("bench-page");
  g_autofree char *path = g_build_filename (dir, "page.wav", NULL);
  g_autofree char *text = pl_page_text_spoken ("Caller One", 701);
  static const struct
  {
    const char *codec;
    guint rate, channels;
  } targets[] = { { "G.711", 8000, 1 }, { "G.722", 16000, 1 }, { "Opus", 48000, 2 } };
  g_autoptr (GArray) render = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *data = NULL;
  g_autoptr (PlWav) wav = NULL;
  gsize length = 0;

  for (guint i = 0; i < MAX (runs / 4, 3); i++)
    {
      Render job = { 0 };
      gint64 start = g_get_monotonic_time ();

      pl_speech_render_async (text, "en", path, NULL, rendered, &job);
      while (!job.done)
        g_main_context_iteration (NULL, TRUE);
      if (!job.ok)
        {
          g_printerr ("espeak-ng: %s\n", job.error ? job.error->message : "no sound");
          g_clear_error (&job.error);
          return 1;
        }
      g_array_append_val (render, (double){ (g_get_monotonic_time () - start) / 1000.0 });
    }
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  wav = pl_wav_parse ((const guint8 *)data, length, NULL);
  g_assert_nonnull (wav);

  printf ("spoken page: \"%s\"\n", text);
  printf ("%-28s %10s %12s\n", "step", "median ms", "output");
  printf ("%-28s %10.1f %9.2f s\n", "espeak-ng render (22050/1)", median (render),
          (double)wav->n_frames / wav->rate);
  for (gsize t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      gsize bytes = 0;

      for (guint i = 0; i < runs; i++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr (PlWav) parsed = pl_wav_parse ((const guint8 *)data, length, NULL);
          g_autoptr (PlWav) converted
              = pl_wav_convert (parsed, targets[t].rate, targets[t].channels);
          g_autoptr (GBytes) encoded = pl_wav_encode (converted);

          bytes = g_bytes_get_size (encoded);
          g_array_append_val (times, (double){ (g_get_monotonic_time () - start) / 1000.0 });
        }
      {
        g_autofree char *label = g_strdup_printf ("convert to %s (%u/%u)", targets[t].codec,
                                                  targets[t].rate, targets[t].channels);
        printf ("%-28s %10.1f %9zu kB\n", label, median (times), bytes / 1024);
      }
    }

  /* The trace reader on baresip's real output, fed as stdout delivers it. */
  {
    const char *srcdir = g_getenv ("G_TEST_SRCDIR");
    g_autofree char *fixture = g_build_filename (srcdir ? srcdir : "tests", "engine", "fixtures",
                                                 "baresip-1.0.0-sip-trace.txt", NULL);
    g_autofree char *trace = NULL;
    g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
    gsize trace_length = 0;
    guint messages = 0;

    g_assert_true (g_file_get_contents (fixture, &trace, &trace_length, NULL));
    for (guint i = 0; i < runs; i++)
      {
        g_autoptr (PlSipTrace) reader = pl_sip_trace_new ();
        gint64 start = g_get_monotonic_time ();

        for (gsize pos = 0; pos < trace_length; pos += 4096)
          {
            g_autoptr (GPtrArray) found
                = pl_sip_trace_feed (reader, trace + pos, MIN (4096, trace_length - pos));

            if (i == 0 && found)
              messages += found->len;
          }
        g_array_append_val (times, (double){ (g_get_monotonic_time () - start) / 1000.0 });
      }
    {
      g_autofree char *label = g_strdup_printf ("SIP trace (%u dialog tags)", messages);
      printf ("%-28s %10.3f %9.1f MB/s\n", label, median (times),
              trace_length / 1e6 / (median (times) / 1000.0));
    }
  }
  g_unlink (path);
  pl_test_remove_tree (dir);
  return 0;
}
