/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-event-body.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Input: the Content-Type header value on the first line, the multipart
 * body after it (the format of the .mp files in tests/park/fixtures). */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  const char *nl = size > 0 ? memchr (text, '\n', size) : NULL;
  g_autofree char *content_type = NULL;
  g_autoptr (PlRlmiList) list = NULL;
  gsize offset;

  if (nl == NULL)
    return 0;
  content_type = g_strndup (text, nl - text);
  offset = (gsize)(nl - text) + 1;
  list = pl_rlmi_parse_multipart (content_type, text + offset, size - offset, NULL);
  if (list != NULL)
    {
      for (guint i = 0; i < list->resources->len; i++)
        {
          PlRlmiResource *r = g_ptr_array_index (list->resources, i);

          /* at most one body kind per resource */
          g_assert (r->dialog_info == NULL || r->presence == NULL);
          if (r->dialog_info != NULL)
            (void)pl_dialog_info_is_busy (r->dialog_info);
        }
    }
  return 0;
}
