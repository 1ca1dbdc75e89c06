/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-park-ledger"

#include "config.h"

#include "pl-park-ledger.h"
#include "pl-sip-uri.h"

struct _PlParkLedger
{
  GPtrArray *records;
};

static void
record_free (PlParkRecord *record)
{
  g_free (record->lot);
  g_free (record->caller_uri);
  g_free (record->caller_name);
  g_free (record);
}

PlParkLedger *
pl_park_ledger_new (void)
{
  PlParkLedger *self = g_new0 (PlParkLedger, 1);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify)record_free);
  return self;
}

void
pl_park_ledger_free (PlParkLedger *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->records);
  g_free (self);
}

PlParkRecord *
pl_park_ledger_add (PlParkLedger *self, const char *lot, guint slot, const char *caller_uri,
                    const char *caller_name, gint64 parked_at, guint timeout_s)
{
  PlParkRecord *record = g_new0 (PlParkRecord, 1);

  record->lot = g_strdup (lot);
  record->slot = slot;
  record->caller_uri = g_strdup (caller_uri);
  record->caller_name = g_strdup (caller_name);
  record->parked_at = parked_at;
  record->timeout_s = timeout_s;
  g_ptr_array_add (self->records, record);
  return record;
}

PlParkRecord *
pl_park_ledger_match_return (PlParkLedger *self, const char *caller_uri, gint64 now)
{
  for (guint i = self->records->len; i > 0; i--)
    {
      PlParkRecord *record = g_ptr_array_index (self->records, i - 1);
      gint64 due = record->parked_at + (gint64)record->timeout_s * G_USEC_PER_SEC;

      if (record->settled || !pl_sip_uri_same_user (record->caller_uri, caller_uri))
        continue;
      if (now >= due - PL_PARK_RINGBACK_EARLY_S * G_USEC_PER_SEC
          && now <= due + PL_PARK_RINGBACK_WINDOW_S * G_USEC_PER_SEC)
        return record;
    }
  return NULL;
}

PlParkRecord *
pl_park_ledger_find_slot (PlParkLedger *self, const char *lot, guint slot)
{
  for (guint i = self->records->len; i > 0; i--)
    {
      PlParkRecord *record = g_ptr_array_index (self->records, i - 1);
      if (!record->settled && record->slot == slot && g_strcmp0 (record->lot, lot) == 0)
        return record;
    }
  return NULL;
}

void
pl_park_ledger_prune (PlParkLedger *self, gint64 now)
{
  for (guint i = self->records->len; i > 0; i--)
    {
      PlParkRecord *record = g_ptr_array_index (self->records, i - 1);
      gint64 stale_after
          = record->parked_at
            + (gint64)(record->timeout_s + PL_PARK_RINGBACK_WINDOW_S) * G_USEC_PER_SEC;
      if (record->settled || now > stale_after)
        g_ptr_array_remove_index (self->records, i - 1);
    }
}

guint
pl_park_ledger_get_n_records (PlParkLedger *self)
{
  return self->records->len;
}
