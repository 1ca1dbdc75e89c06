/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-history-text"

#include "pl-history-text.h"

static void
test_csv_field (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\rhere", "\"cr\rhere\"" },
    { " padded", "\" padded\"" },
    { "+4930123", "+4930123" },
    { "Zoë", "Zoë" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) line = g_string_new (NULL);
      pl_history_csv_append_field (line, cases[i].in);
      g_assert_cmpstr (line->str, ==, cases[i].out);
    }
}

static void
test_search (void)
{
  static const struct
  {
    const char *in;
    const char *norm;
    const char *fts;
    const char *like;
  } cases[] = {
    { NULL, NULL, NULL, NULL },
    { "   ", NULL, NULL, NULL },
    { "On", "On", NULL, "%On%" },
    { "  aller   On ", "aller On", "\"aller On\"", "%aller On%" },
    { "0123", "0123", "\"0123\"", "%0123%" },
    { "a\"b", "a\"b", "\"a\"\"b\"", "%a\"b%" },
    { "5%_\\", "5%_\\", "\"5%_\\\"", "%5\\%\\_\\\\%" },
    { "Zoë", "Zoë", "\"Zoë\"", "%Zoë%" },
    { "oë", "oë", NULL, "%oë%" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *norm = pl_history_search_normalize (cases[i].in);
      g_autofree char *fts = pl_history_search_to_fts (cases[i].in);
      g_autofree char *like = pl_history_search_to_like (cases[i].in);

      g_assert_cmpstr (norm, ==, cases[i].norm);
      g_assert_cmpstr (fts, ==, cases[i].fts);
      g_assert_cmpstr (like, ==, cases[i].like);
    }
}

static void
test_day_key (void)
{
  g_autoptr (GDateTime) noon = g_date_time_new_local (2026, 3, 9, 12, 0, 0);
  g_autoptr (GDateTime) late = g_date_time_new_local (2026, 3, 9, 23, 59, 59);
  g_autoptr (GDateTime) next = g_date_time_new_local (2026, 3, 10, 0, 0, 1);
  g_autofree char *a = pl_history_day_key (g_date_time_to_unix (noon) * G_USEC_PER_SEC);
  g_autofree char *b = pl_history_day_key (g_date_time_to_unix (late) * G_USEC_PER_SEC + 999999);
  g_autofree char *c = pl_history_day_key (g_date_time_to_unix (next) * G_USEC_PER_SEC);

  g_assert_cmpstr (a, ==, "2026-03-09");
  g_assert_cmpstr (b, ==, "2026-03-09");
  g_assert_cmpstr (c, ==, "2026-03-10");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/text/csv-field", test_csv_field);
  g_test_add_func ("/history/text/search", test_search);
  g_test_add_func ("/history/text/day-key", test_day_key);
  return g_test_run ();
}
