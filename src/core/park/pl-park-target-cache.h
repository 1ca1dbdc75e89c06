/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the PBX said about a park target when it was last asked (OPTIONS).
 * baresip 1.0.0 drops a call whose REFER fails, so a park is only sent to a
 * target the PBX knows; asking costs two round trips (the PBX challenges
 * OPTIONS), so the answer is kept for a while and asked ahead of time. */
typedef enum
{
  PL_PARK_TARGET_UNKNOWN, /* never asked, too long ago, or no clear answer */
  PL_PARK_TARGET_EXISTS,
  PL_PARK_TARGET_MISSING, /* 404, 484 or 604: the park would lose the caller */
} PlParkTargetVerdict;

/* A "yes" is trusted this long: a PBX's dialplan changes by an admin's hand,
 * and a park to a target gone since then fails as it would without asking. */
#define PL_PARK_TARGET_MAX_AGE (5 * 60 * G_USEC_PER_SEC)

typedef struct _PlParkTargetCache PlParkTargetCache;

/* The verdict a final OPTIONS status means; 0 (no answer) is UNKNOWN: a PBX
 * that does not answer OPTIONS still gets its REFER, but is asked again. */
PlParkTargetVerdict pl_park_target_verdict (guint status);

PlParkTargetCache *pl_park_target_cache_new (gint64 max_age_us);
void pl_park_target_cache_free (PlParkTargetCache *self);
/* Records the PBX's answer @status (0: none) about @uri at @now (monotonic µs). */
void pl_park_target_cache_store (PlParkTargetCache *self, const char *uri, guint status,
                                 gint64 now);
/* The verdict on @uri that is still fresh at @now, else UNKNOWN. */
PlParkTargetVerdict pl_park_target_cache_lookup (PlParkTargetCache *self, const char *uri,
                                                 gint64 now);
/* Forgets @uri, or everything with NULL (the PBX restarted, the account changed). */
void pl_park_target_cache_forget (PlParkTargetCache *self, const char *uri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlParkTargetCache, pl_park_target_cache_free)

G_END_DECLS
