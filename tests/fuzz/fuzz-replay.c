/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <stdint.h>

/* Runs a fuzz target's entry point over every file of a seed corpus, as a
 * normal GLib test: the targets are exercised by every compiler in CI, and a
 * crash found by libFuzzer stays fixed once its input is added to the corpus.
 * Usage: fuzz-replay-NAME --tap CORPUS_DIR */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

static void
replay_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *)contents, length), ==, 0);
  /* every prefix too: truncated input is the commonest hostile case */
  for (gsize cut = 0; cut < length; cut += 1 + length / 64)
    {
      g_autofree char *prefix = g_memdup2 (contents, cut);

      LLVMFuzzerTestOneInput ((const uint8_t *)prefix, cut);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  const char *corpus;

  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s [--tap] CORPUS_DIR\n", argv[0]);
      return 2;
    }
  corpus = argv[1];
  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (paths, g_build_filename (corpus, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  g_assert_cmpuint (paths->len, >, 0);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *test_path = g_strdup_printf ("/fuzz-replay/%s", base);

      g_test_add_data_func (test_path, path, replay_file);
    }
  return g_test_run ();
}
