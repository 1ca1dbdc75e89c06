/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pbx-test-lib.h"
#include "pl-test-desk.h"

G_BEGIN_DECLS

/* The test PBX with two desks (alice, bob) watching its lot, and the
 * outages of issue 11 played on it: the PBX freezes (stops answering,
 * sockets open) and thaws, or is killed (no final NOTIFY) and started again
 * on its port. Shared by test-park-liveness.c (behaviour, once per case)
 * and bench/liveness.c (the same outages many times, timed). */
typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  PlTestDesk *bob;
  gboolean silent;         /* the PBX is frozen or dead right now */
  GPtrArray *free_reports; /* "alice 701": a slot turned free while silent */
} PlLivenessRig;

typedef enum
{
  PL_OUTAGE_FREEZE,
  PL_OUTAGE_KILL,
} PlOutage;

typedef struct
{
  double to_stale_ms; /* outage → every desk: not answering, every slot stale */
  double to_fresh_ms; /* back → every desk: answering, every slot known, registered */
} PlOutageTimes;

PlLivenessRig *pl_liveness_rig_new (PlTransport transport, const char *lots_keyfile);
void pl_liveness_rig_free (PlLivenessRig *rig);

/* Starts the outage and waits (up to stale_ms) until both desks show it;
 * the PBX stays silent until pl_liveness_rig_end_outage(). FALSE on
 * timeout. */
gboolean pl_liveness_rig_start_outage (PlLivenessRig *rig, PlOutage outage, guint stale_ms,
                                       PlOutageTimes *times);
/* Ends it (thaw or restart) and waits (up to fresh_ms) until both desks are
 * fresh: answering, every slot known, registered here and at the PBX.
 * With registered FALSE the registration is not waited for (a desk with a
 * call up re-registers when the call ends). FALSE on timeout. */
gboolean pl_liveness_rig_end_outage (PlLivenessRig *rig, PlOutage outage, guint fresh_ms,
                                     gboolean registered, PlOutageTimes *times);

gboolean pl_liveness_desk_shows_outage (PlTestDesk *desk);
gboolean pl_liveness_desk_is_fresh (PlTestDesk *desk);

G_END_DECLS
