/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pl-call.h"

G_BEGIN_DECLS

/* Whether an answered call carries anybody. On FreeSWITCH 1.10 two desks
 * that retrieve one valet slot at once are both answered; the one without
 * the caller gets no RTP at all, no re-INVITE and no BYE, so the first RTP
 * packet (baresip's CALL_RTPESTAB) is the only thing that tells the two
 * apart. A call that has been up for delay_ms with no RTP in is "silent";
 * func runs with silent TRUE then, and with FALSE if RTP arrives later. */
typedef struct _PlSilenceWatch PlSilenceWatch;
typedef void (*PlSilenceFunc) (PlCall *call, gboolean silent, gpointer user_data);

PlSilenceWatch *pl_silence_watch_new (PlCall *call, guint delay_ms, PlSilenceFunc func,
                                      gpointer user_data);
gboolean pl_silence_watch_get_silent (PlSilenceWatch *watch);
void pl_silence_watch_free (PlSilenceWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlSilenceWatch, pl_silence_watch_free)

G_END_DECLS
