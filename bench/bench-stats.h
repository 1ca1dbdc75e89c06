/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The @p quantile (0 < p ≤ 1) of @samples (doubles) by nearest rank: the
 * p95 of 20 values is the 19th smallest. The samples keep their order. */
double bench_percentile (GArray *samples, double p);
/* The middle value; for an even count, the mean of the two middle ones. */
double bench_median (GArray *samples);

G_END_DECLS
