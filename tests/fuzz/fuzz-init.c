/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

/* Linked into every libFuzzer binary (the replay tests get the same from
 * g_test_init): hostile input must never trip a g_return_if_fail() or a
 * warning, so those abort and libFuzzer keeps the input that did it. */

#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);

/* GLib ends a fatal warning with SIGTRAP, which libFuzzer does not catch:
 * the run would stop without keeping the input. abort() it is. */
static GLogWriterOutput
abort_on_warnings (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  GLogWriterOutput written = g_log_writer_standard_streams (level, fields, n_fields, data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return written;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (abort_on_warnings, NULL, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  /* Unlike the tests, a fuzzer runs in the caller's environment: keep GIO
   * from loading modules or settings backends that are not under test. */
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return 0;
}
