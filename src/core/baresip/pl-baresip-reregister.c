/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-baresip-reregister"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pl-baresip-reregister.h"

typedef struct
{
  char *aor;
  guint timeout_ms;
} Steps;

static void
steps_free (Steps *steps)
{
  g_free (steps->aor);
  g_free (steps);
}

char *
pl_baresip_account_line_aor (const char *line)
{
  const char *start, *end, *at;

  if (line == NULL || (start = strchr (line, '<')) == NULL
      || (end = strchr (start + 1, '>')) == NULL || end == start + 1)
    return NULL;
  /* baresip drops the URI's parameters and headers (;transport=tcp) */
  at = memchr (start, '@', end - start);
  for (const char *p = at ? at : start; p < end; p++)
    if (*p == ';' || *p == '?')
      {
        end = p;
        break;
      }
  return g_strndup (start + 1, end - start - 1);
}

static void
uadel_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *reply
      = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &error);

  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
uanew_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Steps *steps = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;
  /* the reply echoes the account line, password included: never log it */
  g_autofree char *reply
      = pl_baresip_ctrl_command_finish (PL_BARESIP_CTRL (source), result, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* uadel takes the first agent with this address: the old one */
  pl_baresip_ctrl_command_async (PL_BARESIP_CTRL (source), "uadel", steps->aor, steps->timeout_ms,
                                 cancellable, uadel_done, g_steal_pointer (&task));
}

void
pl_baresip_reregister_async (PlBaresipCtrl *ctrl, const char *account_line, guint timeout_ms,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Steps *steps;

  g_return_if_fail (PL_IS_BARESIP_CTRL (ctrl));
  g_return_if_fail (account_line != NULL);

  task = g_task_new (ctrl, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_baresip_reregister_async);
  steps = g_new0 (Steps, 1);
  steps->aor = pl_baresip_account_line_aor (account_line);
  steps->timeout_ms = timeout_ms;
  g_task_set_task_data (task, steps, (GDestroyNotify)steps_free);
  if (steps->aor == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("The account has no SIP address"));
      return;
    }
  pl_baresip_ctrl_command_async (ctrl, "uanew", account_line, timeout_ms, cancellable, uanew_done,
                                 g_steal_pointer (&task));
}

gboolean
pl_baresip_reregister_finish (PlBaresipCtrl *ctrl, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, ctrl), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pl_baresip_reregister_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
