/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-event-body.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Any byte string as a PIDF or XPIDF body. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (PlPresence) presence = pl_presence_parse ((const char *)data, size, NULL);

  if (presence != NULL)
    {
      /* busy is derived: it must agree with its inputs */
      g_assert (!presence->on_the_phone || presence->busy);
      g_assert (presence->note == NULL || g_utf8_validate (presence->note, -1, NULL));
    }
  return 0;
}
