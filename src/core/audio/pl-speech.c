/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-speech"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pl-speech.h"

static const char *
espeak_binary (void)
{
  const char *env = g_getenv ("PL_ESPEAK");
  return env && *env ? env : "espeak-ng";
}

static void
espeak_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GSubprocess *proc = G_SUBPROCESS (source);

  if (!g_subprocess_wait_check_finish (proc, result, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _ ("espeak-ng could not speak the announcement: %s"),
                               error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
pl_speech_render_async (const char *text, const char *voice, const char *path,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (text != NULL && voice != NULL && path != NULL);

  g_task_set_source_tag (task, pl_speech_render_async);
  /* "--" keeps a text that starts with '-' from being read as options;
   * a slightly slow rate carries better through ceiling speakers. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, espeak_binary (), "-v", voice, "-s", "150", "-w", path, "--",
                           text, NULL);
  if (proc == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _ ("espeak-ng is not available to speak the announcement: %s"),
                               error->message);
      return;
    }
  g_subprocess_wait_check_async (proc, cancellable, espeak_done, g_steal_pointer (&task));
}

gboolean
pl_speech_render_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
