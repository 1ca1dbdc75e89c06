/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call-manager.h"

G_BEGIN_DECLS

typedef enum
{
  PL_CONSULT_STATE_CONSULTING, /* the caller on hold, the colleague called */
  PL_CONSULT_STATE_COMPLETING, /* the transfer was asked for */
  PL_CONSULT_STATE_DONE,       /* the caller was handed on */
  PL_CONSULT_STATE_CANCELLED,  /* back with the caller */
  PL_CONSULT_STATE_FAILED,     /* see the last message */
} PlConsultState;

#define PL_TYPE_CONSULT_TRANSFER (pl_consult_transfer_get_type ())
G_DECLARE_FINAL_TYPE (PlConsultTransfer, pl_consult_transfer, PL, CONSULT_TRANSFER, GObject)

/* A consult (attended) transfer: the caller waits on hold while the user
 * talks to a colleague; Complete joins the two and drops the user, Cancel
 * hangs up on the colleague and returns to the caller.
 *
 * Completing is attended when the colleague answered and the engine knows
 * the consultation's dialog tags ("attended" TRUE): one REFER with
 * Replaces (RFC 5589), the PBX joins the two. Otherwise it falls back,
 * openly, to what baresip 1.0.0 can always do: hang up on the colleague,
 * then transfer the caller blind to the same number (the colleague's phone
 * rings again).
 *
 * Properties: "caller", "consultation" (PlCall), "state" (PlConsultState),
 * "attended" (gboolean). Messages go out on the call manager's "message". */

/* Puts caller on hold and calls target. The consultation lives until it
 * is done, cancelled or failed; the call manager holds the only reference. */
PlConsultTransfer *pl_consult_transfer_start (PlCallManager *calls, PlCall *caller,
                                              const char *target, GError **error);
/* The consultation either call takes part in, or NULL. */
PlConsultTransfer *pl_consult_transfer_find (PlCallManager *calls, PlCall *call);
gboolean pl_consult_transfer_complete (PlConsultTransfer *self, GError **error);
gboolean pl_consult_transfer_cancel (PlConsultTransfer *self, GError **error);
PlCall *pl_consult_transfer_get_caller (PlConsultTransfer *self);
PlCall *pl_consult_transfer_get_consultation (PlConsultTransfer *self);
PlConsultState pl_consult_transfer_get_state (PlConsultTransfer *self);
gboolean pl_consult_transfer_get_attended (PlConsultTransfer *self);
/* TRUE while Complete or Cancel can still be chosen. */
gboolean pl_consult_transfer_get_open (PlConsultTransfer *self);

G_END_DECLS
