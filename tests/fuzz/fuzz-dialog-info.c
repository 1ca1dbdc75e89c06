/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-event-body.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Any byte string: parse as dialog-info, and when that works, walk the result
 * the way the park-lot reducer does. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (PlDialogInfo) info = pl_dialog_info_parse ((const char *)data, size, NULL);

  if (info != NULL)
    {
      for (guint i = 0; i < info->dialogs->len; i++)
        {
          PlDialogInfoDialog *d = g_ptr_array_index (info->dialogs, i);

          (void)pl_dialog_state_to_string (d->state);
          g_assert (d->state <= PL_DIALOG_STATE_TERMINATED);
          g_assert (d->remote.display == NULL || g_utf8_validate (d->remote.display, -1, NULL));
        }
      (void)pl_dialog_info_is_busy (info);
    }
  return 0;
}
