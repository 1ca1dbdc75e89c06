/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a page says, for the screen and for the speaker (pure, translated).
 * caller is the parked caller's name as shown, or NULL; slot < 0 when the
 * PBX did not say where the call went. */

/* "Call for Caller One on 701", "Call on 701", "Call for Caller One". */
char *pl_page_text_display (const char *caller, int slot);
/* The digits as words for a speaker: 701 → "seven oh one". */
char *pl_page_text_slot_words (int slot);
/* The announcement, said twice as pages are: "Call for Caller One on seven
 * oh one. Again, call for …". A caller "name" without a letter (a number)
 * is left out: read aloud it only delays the slot. */
char *pl_page_text_spoken (const char *caller, int slot);
/* The espeak-ng voice for the spoken text's language ("en", "de"). */
const char *pl_page_text_voice (void);

G_END_DECLS
