/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-park-ledger.h"

#define S G_USEC_PER_SEC

typedef struct
{
  const char *name;
  const char *incoming_uri;
  gint64 at;           /* seconds after the park */
  gboolean settle;     /* the park was already retrieved */
  guint expected_slot; /* 0: no match */
} ReturnCase;

/* One park of Caller One <201> at t=0 on 701 with a 45 s timeout. */
static const ReturnCase return_cases[] = {
  { "on time", "sip:201@127.0.0.1", 45, FALSE, 701 },
  { "other host", "sip:201@pbx.example.org:5080", 46, FALSE, 701 },
  { "slightly early", "sip:201@127.0.0.1", 41, FALSE, 701 },
  { "end of window", "sip:201@127.0.0.1", 45 + PL_PARK_RINGBACK_WINDOW_S, FALSE, 701 },
  { "too early", "sip:201@127.0.0.1", 10, FALSE, 0 },
  { "too late", "sip:201@127.0.0.1", 45 + PL_PARK_RINGBACK_WINDOW_S + 1, FALSE, 0 },
  { "other caller", "sip:202@127.0.0.1", 45, FALSE, 0 },
  { "already retrieved", "sip:201@127.0.0.1", 45, TRUE, 0 },
};

static void
test_match_return (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (return_cases); i++)
    {
      const ReturnCase *c = &return_cases[i];
      g_autoptr (PlParkLedger) ledger = pl_park_ledger_new ();
      gint64 t0 = 1000 * S;
      PlParkRecord *record
          = pl_park_ledger_add (ledger, "main", 701, "sip:201@127.0.0.1", "Caller One", t0, 45);
      PlParkRecord *match;

      g_test_message ("case %s", c->name);
      record->settled = c->settle;
      match = pl_park_ledger_match_return (ledger, c->incoming_uri, t0 + c->at * S);
      if (c->expected_slot == 0)
        g_assert_null (match);
      else
        {
          g_assert_nonnull (match);
          g_assert_cmpuint (match->slot, ==, c->expected_slot);
        }
    }
}

static void
test_newest_wins_and_prune (void)
{
  g_autoptr (PlParkLedger) ledger = pl_park_ledger_new ();
  PlParkRecord *newer;

  pl_park_ledger_add (ledger, "main", 701, "sip:201@pbx", "Caller One", 0, 45);
  newer = pl_park_ledger_add (ledger, "main", 702, "sip:201@pbx", "Caller One", 5 * S, 45);
  g_assert_true (pl_park_ledger_match_return (ledger, "sip:201@pbx", 50 * S) == newer);
  g_assert_true (pl_park_ledger_find_slot (ledger, "main", 702) == newer);
  g_assert_null (pl_park_ledger_find_slot (ledger, "other", 702));

  newer->settled = TRUE;
  pl_park_ledger_prune (ledger, 50 * S);
  g_assert_cmpuint (pl_park_ledger_get_n_records (ledger), ==, 1);
  pl_park_ledger_prune (ledger, (45 + PL_PARK_RINGBACK_WINDOW_S + 1) * S);
  g_assert_cmpuint (pl_park_ledger_get_n_records (ledger), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/park-ledger/match-return", test_match_return);
  g_test_add_func ("/park-ledger/newest-wins-and-prune", test_newest_wins_and_prune);
  return g_test_run ();
}
