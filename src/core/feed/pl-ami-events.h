/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pl-ami-message.h"
#include "pl-park-feed-event.h"

G_BEGIN_DECLS

/* What Asterisk's parking events mean for a park lot, as pure functions.
 *
 * Asterisk names who parked a call only by a dial string ("PJSIP/alice")
 * and who took it by a channel ("PJSIP/bob-00000002"). People want names:
 * the directory learns them from the channel events that pass by (every
 * channel of endpoint alice carries CallerIDName "Alice"). */

/* The endpoint a channel or dial string belongs to: "PJSIP/alice-00000001"
 * and "PJSIP/alice" → "alice", "PJSIP/front-desk-0000000a" → "front-desk",
 * "Local/100@office-00000003;1" → "100@office". NULL when there is none. */
char *pl_ami_channel_endpoint (const char *channel);

/* TRUE for a caller-ID value that names someone: not empty, not
 * "<unknown>". */
gboolean pl_ami_value_is_known (const char *value);

/* A caller name as people read it: Asterisk writes names with C escapes
 * (ast_escape_c: O\"Brien); control characters become spaces. NULL for an
 * unknown name. */
char *pl_ami_name_dup (const char *value);

typedef struct _PlAmiDirectory PlAmiDirectory;

/* Endpoint → display name, bounded in size. */
PlAmiDirectory *pl_ami_directory_new (void);
void pl_ami_directory_free (PlAmiDirectory *directory);
/* Learns from any message with Channel and CallerIDName. A channel the
 * phone itself opened (Newchannel in state Ring) is the surest source and
 * is not overwritten by weaker ones. */
void pl_ami_directory_learn (PlAmiDirectory *directory, const PlAmiMessage *message);
const char *pl_ami_directory_lookup (PlAmiDirectory *directory, const char *endpoint);
guint pl_ami_directory_get_size (PlAmiDirectory *directory);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlAmiDirectory, pl_ami_directory_free)

/* Who parked the call of a parking event: the name the directory knows
 * for the endpoint of ParkerDialString, else the parked caller's connected
 * line at park time (who they were talking to), else the endpoint itself.
 * NULL when the event has no parker. */
char *pl_ami_parker_name (const PlAmiMessage *message, PlAmiDirectory *directory);
/* Who took it (UnParkedCall): RetrieverCallerIDName, else the directory's
 * name for the retriever's endpoint, else the endpoint. */
char *pl_ami_retriever_name (const PlAmiMessage *message, PlAmiDirectory *directory);

/* The feed event for a parking event (ParkedCall, UnParkedCall,
 * ParkedCallTimeOut, ParkedCallGiveUp, ParkedCallSwap), or NULL for any other
 * message or one without a usable ParkingSpace. snapshot_action_id: the
 * ActionID of our ParkedCalls action, whose list items are marked
 * snapshot. */
PlParkFeedEvent *pl_ami_park_event (const PlAmiMessage *message, PlAmiDirectory *directory,
                                    const char *snapshot_action_id);

G_END_DECLS
