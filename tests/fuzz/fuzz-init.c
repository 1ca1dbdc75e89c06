/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

/* Linked into every libFuzzer binary (the replay tests get the same from
 * g_test_init): hostile input must never trip a g_return_if_fail() or a
 * warning, so those abort and libFuzzer keeps the input that did it. */

int LLVMFuzzerInitialize (int *argc, char ***argv);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  /* Unlike the tests, a fuzzer runs in the caller's environment: keep GIO
   * from loading modules or settings backends that are not under test. */
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return 0;
}
