/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads the SIP trace baresip 1.0.0 prints on stdout when started with -s
 * ("\e[36;1m#\nUDP a -> b\n<message>\e[;m\n", interleaved with its log).
 *
 * It exists for one fact ctrl_tcp never tells: the dialog tags of a call.
 * An attended transfer needs them (RFC 3891 Replaces: Call-ID, to-tag,
 * from-tag); events carry only the Call-ID. The trace shows each 2xx answer
 * to an INVITE, and with it both tags. */
typedef struct _PlSipTrace PlSipTrace;

/* A dialog confirmed by a 2xx answer to an INVITE, as the trace shows it:
 * the tags are those of the From and To headers (for a call we placed,
 * From is ours; for one we answered, To is). */
typedef struct
{
  char *call_id;
  char *from_tag;
  char *to_tag;
} PlSipTraceDialog;

void pl_sip_trace_dialog_free (PlSipTraceDialog *dialog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlSipTraceDialog, pl_sip_trace_dialog_free)

PlSipTrace *pl_sip_trace_new (void);
void pl_sip_trace_free (PlSipTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlSipTrace, pl_sip_trace_free)

/* Feeds output as it arrives, in any chunks. Returns the dialogs completed
 * by this chunk (PlSipTraceDialog, possibly none), or NULL if none. Text
 * outside trace blocks is skipped; a block longer than 64 KiB is dropped. */
GPtrArray *pl_sip_trace_feed (PlSipTrace *trace, const char *data, gsize length);

/* One traced message's dialog, if it is a 2xx response to INVITE with a
 * Call-ID and both tags; NULL otherwise. For tests and the feeder. */
PlSipTraceDialog *pl_sip_trace_parse_message (const char *message, gsize length);

G_END_DECLS
