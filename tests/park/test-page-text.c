/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a page says on screen and over the speaker. */
#include <locale.h>

#include "pl-page-text.h"

static void
test_display (void)
{
  static const struct
  {
    const char *caller;
    int slot;
    const char *text;
  } cases[] = {
    { "Caller One", 701, "Call for Caller One on 701" },
    { NULL, 701, "Call on 701" },
    { "", 6001, "Call on 6001" },
    { "Caller One", -1, "Call for Caller One in the park lot" },
    { NULL, -1, "Call in the park lot" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pl_page_text_display (cases[i].caller, cases[i].slot);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_spoken (void)
{
  static const struct
  {
    const char *caller;
    int slot;
    const char *text;
  } cases[] = {
    { "Caller One", 701,
      "Call for Caller One on seven oh one. Again: Call for Caller One on seven oh one." },
    { NULL, 701, "Call on seven oh one. Again: Call on seven oh one." },
    /* a number as "name" would only delay the slot */
    { "+49 30 1234", 702, "Call on seven oh two. Again: Call on seven oh two." },
    { "Zoë", 6010, "Call for Zoë on six oh one oh. Again: Call for Zoë on six oh one oh." },
    { "Caller One", -1,
      "Call for Caller One in the park lot. Again: Call for Caller One in the park lot." },
    { NULL, 0, "Call on oh. Again: Call on oh." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pl_page_text_spoken (cases[i].caller, cases[i].slot);
      g_test_message ("case %u", i);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
  g_assert_cmpstr (pl_page_text_voice (), ==, "en");
}

int
main (int argc, char *argv[])
{
  /* The untranslated texts are the ones under test. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/page-text/display", test_display);
  g_test_add_func ("/page-text/spoken", test_spoken);
  return g_test_run ();
}
