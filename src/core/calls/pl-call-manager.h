/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pl-call.h"
#include "pl-engine.h"

G_BEGIN_DECLS

#define PL_CALL_MANAGER_ERROR (pl_call_manager_error_quark ())

typedef enum
{
  PL_CALL_MANAGER_ERROR_NO_ACCOUNT,
  PL_CALL_MANAGER_ERROR_ENGINE_DOWN,
  PL_CALL_MANAGER_ERROR_WRONG_STATE, /* e.g. answering a call that is not ringing */
  PL_CALL_MANAGER_ERROR_INVALID,     /* bad DTMF digits and the like */
} PlCallManagerError;

GQuark pl_call_manager_error_quark (void);

#define PL_TYPE_CALL_MANAGER (pl_call_manager_get_type ())
G_DECLARE_FINAL_TYPE (PlCallManager, pl_call_manager, PL, CALL_MANAGER, GObject)

/* Owns the calls: turns engine events into PlCall objects and user intents
 * into engine actions. hold/mute produce no engine events, so their state is
 * tracked here.
 *
 * Properties: "engine", "calls" (GListModel of live PlCall, in arrival order;
 * a call leaves the model when it ends), "active-call" (the call that has the
 * user's attention: ringing here, talking, or the last one put on hold).
 * Signals: "call-added" (PlCall), "call-ended" (PlCall) — once per call, after
 * its end cause is set; "message" (const char *text) — something to tell the
 * user (a failed transfer, a dropped call, engine trouble). */

PlCallManager *pl_call_manager_new (PlEngine *engine);
PlEngine *pl_call_manager_get_engine (PlCallManager *self);
GListModel *pl_call_manager_get_calls (PlCallManager *self);
PlCall *pl_call_manager_get_active_call (PlCallManager *self);
PlCall *pl_call_manager_find_call (PlCallManager *self, const char *id);
PlCall *pl_call_manager_find_by_handle (PlCallManager *self, guint handle);
/* The most recent live call in that state, e.g. the one ringing here. */
PlCall *pl_call_manager_find_by_state (PlCallManager *self, PlCallState state);
PlCall *pl_call_manager_dial (PlCallManager *self, const char *input, GError **error);
gboolean pl_call_manager_answer (PlCallManager *self, PlCall *call, GError **error);
gboolean pl_call_manager_decline (PlCallManager *self, PlCall *call, GError **error);
gboolean pl_call_manager_hangup (PlCallManager *self, PlCall *call, GError **error);
gboolean pl_call_manager_hold (PlCallManager *self, PlCall *call, GError **error);
gboolean pl_call_manager_resume (PlCallManager *self, PlCall *call, GError **error);
gboolean pl_call_manager_set_muted (PlCallManager *self, PlCall *call, gboolean muted,
                                    GError **error);
gboolean pl_call_manager_send_dtmf (PlCallManager *self, PlCall *call, const char *digits,
                                    GError **error);
gboolean pl_call_manager_transfer (PlCallManager *self, PlCall *call, const char *target,
                                   GError **error);

/* An attended transfer (RFC 5589): asks the far end of call, with a REFER
 * whose Refer-To carries a Replaces header, to take the place of this side
 * in replaced (a call whose dialog tags are known, see
 * pl_call_get_replaceable()). Both calls end as TRANSFERRED. */
gboolean pl_call_manager_transfer_replacing (PlCallManager *self, PlCall *call, PlCall *replaced,
                                             GError **error);
/* The transfer of call failed or was given up: its end is no transfer. */
void pl_call_manager_forget_transfer (PlCallManager *self, PlCall *call);

/* A blind transfer to a park URI: like transfer, but the call ends as
 * PARKED and failures speak of parking. The caller has validated uri. */
gboolean pl_call_manager_park (PlCallManager *self, PlCall *call, const char *uri, GError **error);

G_END_DECLS
