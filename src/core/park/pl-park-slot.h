/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PL_PARK_SLOT_FREE,
  PL_PARK_SLOT_PARKING, /* our REFER to this slot is in flight */
  PL_PARK_SLOT_OCCUPIED,
  PL_PARK_SLOT_RETURNING, /* timed out; the PBX is ringing the parker back */
  PL_PARK_SLOT_STALE,     /* subscription lost: state unknown (not "free") */
} PlParkSlotState;

typedef enum
{
  PL_PARK_IDENTITY_UNKNOWN,  /* shown as "Parked call" */
  PL_PARK_IDENTITY_OWN_CALL, /* we parked it: identity from our call */
  PL_PARK_IDENTITY_SERVER,   /* from dialog-info <remote><identity> */
  PL_PARK_IDENTITY_FEED,     /* from a server feed (the Asterisk manager interface) */
} PlParkIdentitySource;

#define PL_TYPE_PARK_SLOT (pl_park_slot_get_type ())
G_DECLARE_FINAL_TYPE (PlParkSlot, pl_park_slot, PL, PARK_SLOT, GObject)

PlParkSlot *pl_park_slot_new (int number, guint timeout);

int pl_park_slot_get_number (PlParkSlot *self);
PlParkSlotState pl_park_slot_get_state (PlParkSlot *self);
const char *pl_park_slot_get_caller_name (PlParkSlot *self);
const char *pl_park_slot_get_caller_uri (PlParkSlot *self);
PlParkIdentitySource pl_park_slot_get_identity_source (PlParkSlot *self);
/* Name, else the URI's user, else "Parked call" (translated). */
char *pl_park_slot_dup_display_name (PlParkSlot *self);
/* Real time (g_get_real_time()) the slot turned busy, 0 when unknown. */
gint64 pl_park_slot_get_parked_since (PlParkSlot *self);
guint pl_park_slot_get_timeout (PlParkSlot *self);
/* Seconds until the PBX rings the parker back, 0 when due; -1 when the slot
 * is not occupied or the park time is unknown. */
gint64 pl_park_slot_get_remaining (PlParkSlot *self, gint64 now);
gboolean pl_park_slot_get_parked_by_me (PlParkSlot *self);
/* Learned from "the first slot that turned busy after our park-extension
 * REFER": probably ours, not confirmed. */
gboolean pl_park_slot_get_probable (PlParkSlot *self);
/* Two parks landed inside the learning window: the assignment may be wrong. */
gboolean pl_park_slot_get_race (PlParkSlot *self);

/* Display name of who parked the call (from a server feed), or NULL. */
const char *pl_park_slot_get_parked_by (PlParkSlot *self);
/* Translated one-liner about how the last park of this slot ended ("Taken by
 * Bob", "Caller hung up after 0:05"), kept for a while after the slot turned
 * free; NULL otherwise. */
const char *pl_park_slot_get_ended_note (PlParkSlot *self);
/* Display name of who took the last call from this slot, while the ended
 * note is shown; NULL otherwise. */
const char *pl_park_slot_get_taken_by (PlParkSlot *self);

/* One line for a slot row: "Free", "Parking…", "Parked, 0:35 left",
 * "Probably parked here", "Timed out, ringing back", "State unknown"… */
char *pl_park_slot_dup_status (PlParkSlot *self, gint64 now);

/* For PlParkLot: sets everything at once, notifying only what changed. */
void pl_park_slot_update (PlParkSlot *self, PlParkSlotState state, const char *caller_name,
                          const char *caller_uri, PlParkIdentitySource source, gint64 parked_since,
                          gboolean parked_by_me, gboolean probable, gboolean race);
void pl_park_slot_set_state (PlParkSlot *self, PlParkSlotState state);
void pl_park_slot_set_race (PlParkSlot *self, gboolean race);
void pl_park_slot_set_probable (PlParkSlot *self, gboolean probable);
void pl_park_slot_set_parked_by (PlParkSlot *self, const char *parked_by);
void pl_park_slot_set_ended (PlParkSlot *self, const char *ended_note, const char *taken_by);

G_END_DECLS
