/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Our own parks, remembered so that the PBX's ring-back — an ordinary INVITE
 * from the parked caller, nothing marks it — can be recognised and labelled
 * "Returned from 701 after 0:45". */
typedef struct
{
  char *lot;
  guint slot; /* 0 until the slot is known */
  char *caller_uri;
  char *caller_name;
  gint64 parked_at; /* real time, µs */
  guint timeout_s;  /* the lot's park timeout */
  gboolean settled; /* retrieved, returned or abandoned: no longer matchable */
} PlParkRecord;

typedef struct _PlParkLedger PlParkLedger;

/* How long after the timeout the PBX may still be ringing us back: Asterisk
 * rings for comebackdialtime (30 s) after parkingtime; allow slack for both. */
#define PL_PARK_RINGBACK_WINDOW_S 90
/* A ring-back can come a little early: PBX timers are not ours. */
#define PL_PARK_RINGBACK_EARLY_S 5

PlParkLedger *pl_park_ledger_new (void);
void pl_park_ledger_free (PlParkLedger *self);
PlParkRecord *pl_park_ledger_add (PlParkLedger *self, const char *lot, guint slot,
                                  const char *caller_uri, const char *caller_name, gint64 parked_at,
                                  guint timeout_s);
/* The open record an incoming call from caller_uri at time now returns from,
 * or NULL. The newest matching park wins. */
PlParkRecord *pl_park_ledger_match_return (PlParkLedger *self, const char *caller_uri, gint64 now);
PlParkRecord *pl_park_ledger_find_slot (PlParkLedger *self, const char *lot, guint slot);
/* Drops settled and long-expired records. */
void pl_park_ledger_prune (PlParkLedger *self, gint64 now);
guint pl_park_ledger_get_n_records (PlParkLedger *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlParkLedger, pl_park_ledger_free)

G_END_DECLS
