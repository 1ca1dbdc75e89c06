/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-page-text"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pl-page-text.h"

static gboolean
has_letter (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

char *
pl_page_text_display (const char *caller, int slot)
{
  gboolean named = caller != NULL && *caller != '\0';

  if (slot < 0)
    return named ? g_strdup_printf (_ ("Call for %s in the park lot"), caller)
                 : g_strdup (_ ("Call in the park lot"));
  /* Translators: what the person paging says or shows, "Call for Caller One on 701". */
  return named ? g_strdup_printf (_ ("Call for %s on %d"), caller, slot)
               : g_strdup_printf (_ ("Call on %d"), slot);
}

char *
pl_page_text_slot_words (int slot)
{
  static const char *const digits[] = {
    /* Translators: digits as said over a loudspeaker, one by one: 701 is
     * "seven oh one". */
    N_ ("oh"),   N_ ("one"), N_ ("two"),   N_ ("three"), N_ ("four"),
    N_ ("five"), N_ ("six"), N_ ("seven"), N_ ("eight"), N_ ("nine"),
  };
  g_autofree char *number = g_strdup_printf ("%d", slot);
  g_autoptr (GString) words = g_string_new (NULL);

  g_return_val_if_fail (slot >= 0, NULL);
  for (const char *p = number; *p; p++)
    {
      if (words->len > 0)
        g_string_append_c (words, ' ');
      g_string_append (words, _ (digits[*p - '0']));
    }
  return g_string_free (g_steal_pointer (&words), FALSE);
}

char *
pl_page_text_spoken (const char *caller, int slot)
{
  g_autofree char *where = slot >= 0 ? pl_page_text_slot_words (slot) : NULL;
  g_autofree char *once = NULL;

  if (has_letter (caller))
    once = where ? g_strdup_printf (_ ("Call for %s on %s."), caller, where)
                 : g_strdup_printf (_ ("Call for %s in the park lot."), caller);
  else
    once = where ? g_strdup_printf (_ ("Call on %s."), where)
                 : g_strdup (_ ("Call in the park lot."));
  /* Translators: the spoken page repeats itself once: "<announcement> Again: <announcement>". */
  return g_strdup_printf (_ ("%s Again: %s"), once, once);
}

const char *
pl_page_text_voice (void)
{
  /* Translators: the espeak-ng voice that speaks pages in your language
   * ("espeak-ng --voices" lists them), e.g. "de" for German. */
  return C_ ("espeak-ng voice", "en");
}
