/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-park-target-cache.h"

#define S G_USEC_PER_SEC

typedef struct
{
  guint status;
  PlParkTargetVerdict verdict;
} StatusCase;

static const StatusCase status_cases[] = {
  { 200, PL_PARK_TARGET_EXISTS },  { 202, PL_PARK_TARGET_EXISTS },  { 401, PL_PARK_TARGET_EXISTS },
  { 405, PL_PARK_TARGET_EXISTS },  { 501, PL_PARK_TARGET_EXISTS },  { 404, PL_PARK_TARGET_MISSING },
  { 484, PL_PARK_TARGET_MISSING }, { 604, PL_PARK_TARGET_MISSING }, { 0, PL_PARK_TARGET_UNKNOWN },
  { 100, PL_PARK_TARGET_UNKNOWN },
};

static void
test_verdict (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      g_test_message ("status %u", status_cases[i].status);
      g_assert_cmpint (pl_park_target_verdict (status_cases[i].status), ==,
                       status_cases[i].verdict);
    }
}

typedef struct
{
  const char *name;
  guint status;      /* what the PBX answered at t=0 */
  gint64 asked_at;   /* seconds after that */
  const char *asked; /* NULL: the probed target */
  gboolean forget;   /* everything forgotten in between */
  PlParkTargetVerdict expected;
} LookupCase;

#define TARGET "sip:700@pbx.example.org"

static const LookupCase lookup_cases[] = {
  { "fresh yes", 200, 1, NULL, FALSE, PL_PARK_TARGET_EXISTS },
  { "yes at the limit", 200, 300, NULL, FALSE, PL_PARK_TARGET_EXISTS },
  { "stale yes", 200, 301, NULL, FALSE, PL_PARK_TARGET_UNKNOWN },
  { "fresh no", 404, 1, NULL, FALSE, PL_PARK_TARGET_MISSING },
  { "no answer", 0, 1, NULL, FALSE, PL_PARK_TARGET_UNKNOWN },
  { "other target", 200, 1, "sip:701@pbx.example.org", FALSE, PL_PARK_TARGET_UNKNOWN },
  { "forgotten", 200, 1, NULL, TRUE, PL_PARK_TARGET_UNKNOWN },
  { "clock went back", 200, -1, NULL, FALSE, PL_PARK_TARGET_UNKNOWN },
};

static void
test_lookup (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (lookup_cases); i++)
    {
      const LookupCase *c = &lookup_cases[i];
      g_autoptr (PlParkTargetCache) cache = pl_park_target_cache_new (PL_PARK_TARGET_MAX_AGE);
      gint64 t0 = 1000 * S;

      g_test_message ("case %s", c->name);
      pl_park_target_cache_store (cache, TARGET, c->status, t0);
      if (c->forget)
        pl_park_target_cache_forget (cache, NULL);
      g_assert_cmpint (
          pl_park_target_cache_lookup (cache, c->asked ? c->asked : TARGET, t0 + c->asked_at * S),
          ==, c->expected);
    }
}

/* A later answer replaces an earlier one; no answer drops what was known. */
static void
test_replace (void)
{
  g_autoptr (PlParkTargetCache) cache = pl_park_target_cache_new (PL_PARK_TARGET_MAX_AGE);

  pl_park_target_cache_store (cache, TARGET, 200, 0);
  pl_park_target_cache_store (cache, TARGET, 404, 10 * S);
  g_assert_cmpint (pl_park_target_cache_lookup (cache, TARGET, 11 * S), ==, PL_PARK_TARGET_MISSING);
  pl_park_target_cache_store (cache, TARGET, 200, 20 * S);
  pl_park_target_cache_forget (cache, "sip:701@pbx.example.org");
  g_assert_cmpint (pl_park_target_cache_lookup (cache, TARGET, 21 * S), ==, PL_PARK_TARGET_EXISTS);
  pl_park_target_cache_store (cache, TARGET, 0, 30 * S);
  g_assert_cmpint (pl_park_target_cache_lookup (cache, TARGET, 31 * S), ==, PL_PARK_TARGET_UNKNOWN);
  pl_park_target_cache_forget (cache, TARGET);
  g_assert_cmpint (pl_park_target_cache_lookup (cache, NULL, 31 * S), ==, PL_PARK_TARGET_UNKNOWN);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/park-target-cache/verdict", test_verdict);
  g_test_add_func ("/park-target-cache/lookup", test_lookup);
  g_test_add_func ("/park-target-cache/replace", test_replace);
  return g_test_run ();
}
