/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-target-cache"

#include "config.h"

#include "pl-park-target-cache.h"

typedef struct
{
  PlParkTargetVerdict verdict;
  gint64 at;
} Entry;

struct _PlParkTargetCache
{
  GHashTable *entries; /* uri → Entry */
  gint64 max_age;
};

PlParkTargetVerdict
pl_park_target_verdict (guint status)
{
  if (status == 404 || status == 484 || status == 604)
    return PL_PARK_TARGET_MISSING;
  /* Anything else final (200, but also 401 after a failed challenge or 405
   * from a PBX that does not do OPTIONS) is no reason to keep the caller. */
  return status >= 200 ? PL_PARK_TARGET_EXISTS : PL_PARK_TARGET_UNKNOWN;
}

PlParkTargetCache *
pl_park_target_cache_new (gint64 max_age_us)
{
  PlParkTargetCache *self = g_new0 (PlParkTargetCache, 1);

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->max_age = max_age_us;
  return self;
}

void
pl_park_target_cache_free (PlParkTargetCache *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self);
}

void
pl_park_target_cache_store (PlParkTargetCache *self, const char *uri, guint status, gint64 now)
{
  PlParkTargetVerdict verdict = pl_park_target_verdict (status);
  Entry *entry;

  g_return_if_fail (self != NULL && uri != NULL);

  if (verdict == PL_PARK_TARGET_UNKNOWN)
    {
      g_hash_table_remove (self->entries, uri);
      return;
    }
  entry = g_new0 (Entry, 1);
  entry->verdict = verdict;
  entry->at = now;
  g_hash_table_replace (self->entries, g_strdup (uri), entry);
}

PlParkTargetVerdict
pl_park_target_cache_lookup (PlParkTargetCache *self, const char *uri, gint64 now)
{
  Entry *entry;

  g_return_val_if_fail (self != NULL, PL_PARK_TARGET_UNKNOWN);

  entry = uri ? g_hash_table_lookup (self->entries, uri) : NULL;
  if (entry == NULL || now - entry->at > self->max_age || now < entry->at)
    return PL_PARK_TARGET_UNKNOWN;
  return entry->verdict;
}

void
pl_park_target_cache_forget (PlParkTargetCache *self, const char *uri)
{
  g_return_if_fail (self != NULL);

  if (uri == NULL)
    g_hash_table_remove_all (self->entries);
  else
    g_hash_table_remove (self->entries, uri);
}
