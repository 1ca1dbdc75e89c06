/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-ami-events.h"
#include "pl-ami-message.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Any byte stream as a manager connection (with a banner when it starts
 * like Asterisk's), fed in pieces whose size the last byte picks, every
 * message then mapped to a park event as the client does. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GPtrArray) messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);
  g_autoptr (PlAmiDirectory) directory = pl_ami_directory_new ();
  gboolean expect_banner = size > 0 && data[0] == 'A';
  size_t chunk = size > 0 ? 1 + data[size - 1] % 64 : 1;
  PlAmiParser parser;

  pl_ami_parser_init (&parser, expect_banner);
  for (size_t at = 0; at < size; at += chunk)
    pl_ami_parser_feed (&parser, (const char *)data + at, MIN (chunk, size - at), messages);
  g_assert (parser.line->len <= PL_AMI_MAX_LINE);
  g_assert (parser.banner == NULL || g_utf8_validate (parser.banner, -1, NULL));
  pl_ami_parser_clear (&parser);

  for (guint i = 0; i < messages->len; i++)
    {
      PlAmiMessage *m = g_ptr_array_index (messages, i);
      g_autoptr (PlParkFeedEvent) event = NULL;
      guint n = pl_ami_message_get_n_fields (m);

      g_assert (n > 0 && n <= PL_AMI_MAX_FIELDS);
      for (guint f = 0; f < n; f++)
        {
          const char *key = pl_ami_message_get_key (m, f);

          g_assert (*key != '\0' && strchr (key, ':') == NULL && strchr (key, ' ') == NULL);
          g_assert (g_utf8_validate (pl_ami_message_get_value (m, f), -1, NULL));
        }
      pl_ami_directory_learn (directory, m);
      event = pl_ami_park_event (m, directory, "snapshot");
      if (event != NULL && event->kind != PL_PARK_FEED_EVENT_SNAPSHOT_COMPLETE)
        g_assert (event->slot != NULL && g_utf8_validate (event->slot, -1, NULL));
    }
  return 0;
}
