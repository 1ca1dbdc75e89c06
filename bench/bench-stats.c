/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "bench-stats.h"

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static GArray *
sorted_copy (GArray *samples)
{
  GArray *sorted = g_array_copy (samples);

  g_array_sort (sorted, compare_doubles);
  return sorted;
}

double
bench_percentile (GArray *samples, double p)
{
  g_autoptr (GArray) sorted = NULL;
  guint rank;

  if (samples->len == 0)
    return NAN;
  sorted = sorted_copy (samples);
  rank = (guint)ceil (p * sorted->len);
  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

double
bench_median (GArray *samples)
{
  g_autoptr (GArray) sorted = NULL;
  guint n = samples->len;

  if (n == 0)
    return NAN;
  sorted = sorted_copy (samples);
  if (n % 2)
    return g_array_index (sorted, double, n / 2);
  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}
