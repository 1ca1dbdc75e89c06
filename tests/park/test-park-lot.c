/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-park-lot.h"
#include "pl-subscriber.h"

#include <string.h>

/* The reducer is driven by sequences of real NOTIFY bodies from the shared
 * traces (tests/park/fixtures) plus a few hand-written ones, at given times. */

#define S(sec) ((gint64)((sec)*G_USEC_PER_SEC) + T0)
static const gint64 T0 = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;

typedef enum
{
  OP_DIALOG,   /* arg: fixture name or inline XML */
  OP_PRESENCE, /* arg: fixture name */
  OP_RLMI,     /* arg: .mp fixture */
  OP_OWN_PARK, /* arg: name, arg2: uri; slot: expected slot or -1 */
  OP_OWN_FAIL, /* the last own park failed */
  OP_STALE,
  OP_RESET,
  OP_TICK,
  OP_RINGBACK_DONE, /* the ring-back of `slot` was answered here */
  OP_CONFIRM,
  OP_CHECK, /* only check slot */
} Op;

enum
{
  BY_ME = 1 << 0,
  PROBABLE = 1 << 1,
  RACE = 1 << 2,
};

typedef struct
{
  Op op;
  double t;
  int slot;
  const char *arg;
  const char *arg2;
  gboolean ignored; /* the apply call must return FALSE */
  PlParkSlotState state;
  const char *name; /* expected pl_park_slot_dup_display_name() */
  PlParkIdentitySource source;
  guint flags;
  guint parked, retrieved, timed_out; /* cumulative signal counts */
} Step;

typedef struct
{
  const char *name;
  PlParkProfile profile;
  const Step *steps;
  guint n_steps;
} Scenario;

#define AST_BUSY_703                                                                               \
  "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\" state=\"full\" "        \
  "entity=\"sip:703@127.0.0.1:5070\"><dialog id=\"703\"><state>confirmed</state></dialog>"         \
  "</dialog-info>"
#define AST_BUSY_702                                                                               \
  "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\" state=\"full\" "        \
  "entity=\"sip:702@127.0.0.1:5070\"><dialog id=\"702\"><state>confirmed</state></dialog>"         \
  "</dialog-info>"

static const Step asterisk_park_retrieve[] = {
  { OP_CHECK, 0, 701, .state = PL_PARK_SLOT_STALE, .name = "Parked call" },
  { OP_DIALOG, 2.7, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 6.8, -1, "Caller One", "sip:201@127.0.0.1", .state = PL_PARK_SLOT_FREE },
  { OP_CHECK, 6.8, 701, .state = PL_PARK_SLOT_FREE },
  { OP_DIALOG, 6.84, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  /* duplicate and older versions are ignored */
  { OP_DIALOG, 6.9, 701, "ast-701-v1-busy.xml", .ignored = TRUE, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_DIALOG, 7.0, 701, "ast-701-v0-free.xml", .ignored = TRUE, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_CONFIRM, 9.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_DIALOG, 11.9, 701, "ast-701-v2-free.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1, .name = "Parked call" },
  { OP_CHECK, 12, 702, .state = PL_PARK_SLOT_STALE, .parked = 1, .retrieved = 1 },
};

static const Step asterisk_timeout[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 5.2, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 5.2, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  /* the learning window closed with no other slot turning busy: ours for
   * sure, and a later park by someone else is no race */
  { OP_TICK, 20, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_DIALOG, 21, 702, AST_BUSY_702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call",
    .parked = 2 },
  { OP_DIALOG, 50.2, 701, "ast-701-v2-free.xml", .state = PL_PARK_SLOT_RETURNING,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 2,
    .timed_out = 1 },
  /* nobody here answers the ring-back: the slot shows it for the window */
  { OP_TICK, 110, 701, .state = PL_PARK_SLOT_RETURNING, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 2, .timed_out = 1 },
  { OP_TICK, 111, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .parked = 2,
    .timed_out = 1 },
};

static const Step asterisk_ringback_answered[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 5.2, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 5.2, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_DIALOG, 50.2, 701, "ast-701-v2-free.xml", .state = PL_PARK_SLOT_RETURNING,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1, .timed_out = 1 },
  /* the parker took the call back: nothing is returning any more */
  { OP_RINGBACK_DONE, 50.3, 701, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .parked = 1,
    .timed_out = 1 },
};

static const Step freeswitch_slot_refer[] = {
  { OP_DIALOG, 3.2, 6001, "fs-6001-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 7.3, 6001, "Caller 1", "sip:2001@127.0.0.1", .state = PL_PARK_SLOT_PARKING,
    .name = "Caller 1", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME },
  /* the remote identity is the slot itself ("park" <sip:6001>): not a caller */
  { OP_DIALOG, 7.4, 6001, "fs-6001-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller 1",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_DIALOG, 13.4, 6001, "fs-6001-v2-free.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
  /* somebody else parks: identity unknown */
  { OP_DIALOG, 20, 6001,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"3\" state=\"full\">"
    "<dialog id=\"6001\"><state>confirmed</state><remote><identity display=\"park\">sip:6001"
    "</identity></remote></dialog></dialog-info>",
    .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call", .parked = 2, .retrieved = 1 },
};

static const Step server_identity[] = {
  { OP_DIALOG, 0, 6002,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\">"
    "<dialog id=\"x\"><state>confirmed</state><remote><identity display=\"Caller Two\">"
    "sip:2002@127.0.0.1</identity></remote></dialog></dialog-info>",
    .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two", .source = PL_PARK_IDENTITY_SERVER,
    .parked = 1 },
  /* first NOTIFY of a subscription: park time unknown, so a free is never a timeout */
  { OP_DIALOG, 500, 6002, "fs-6001-v2-free.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
};

static const Step partial_state[] = {
  { OP_DIALOG, 0, 701,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\">"
    "<dialog id=\"a\"><state>confirmed</state></dialog></dialog-info>",
    .state = PL_PARK_SLOT_OCCUPIED, .parked = 1 },
  { OP_DIALOG, 1, 701,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\" state=\"partial\">"
    "<dialog id=\"b\"><state>early</state></dialog></dialog-info>",
    .state = PL_PARK_SLOT_OCCUPIED, .parked = 1 },
  { OP_DIALOG, 2, 701,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"2\" state=\"partial\">"
    "<dialog id=\"a\"><state>terminated</state></dialog></dialog-info>",
    .state = PL_PARK_SLOT_OCCUPIED, .parked = 1 },
  /* a gap (version 4 after 2) is applied; the caller may resubscribe */
  { OP_DIALOG, 3, 701,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"4\" state=\"partial\">"
    "<dialog id=\"b\"><state>terminated</state></dialog></dialog-info>",
    .state = PL_PARK_SLOT_FREE, .parked = 1, .retrieved = 1 },
  { OP_DIALOG, 4, 701,
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"3\" state=\"full\">"
    "<dialog id=\"c\"><state>confirmed</state></dialog></dialog-info>",
    .ignored = TRUE, .state = PL_PARK_SLOT_FREE, .parked = 1, .retrieved = 1 },
  /* a new subscription starts again at version 0 */
  { OP_RESET, 5, 701, .state = PL_PARK_SLOT_FREE, .parked = 1, .retrieved = 1 },
  { OP_DIALOG, 6, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
};

static const Step race[] = {
  { OP_RLMI, 0, 701, "ast-rls-1-full.mp", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 1.1, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_DIALOG, 1.5, 702, AST_BUSY_702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call",
    .flags = RACE, .parked = 2 },
  { OP_CHECK, 1.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 2 },
  { OP_CONFIRM, 3, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 2 },
};

static const Step two_parks_race[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_OWN_PARK, 1.2, -1, "Caller Two", "sip:202@127.0.0.1" },
  { OP_DIALOG, 1.3, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE,
    .parked = 1 },
  { OP_DIALOG, 1.4, 702, AST_BUSY_702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 2 },
};

/* Parking one call after another, each landing before the next is sent:
 * no race, and each slot is confirmed when its own window closes. */
static const Step two_parks_in_a_row[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 1.3, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_OWN_PARK, 4, -1, "Caller Two", "sip:202@127.0.0.1", .parked = 1 },
  { OP_DIALOG, 4.3, 702, AST_BUSY_702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 2 },
  { OP_CHECK, 4.3, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 2 },
  { OP_TICK, 12, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 2 },
  { OP_CHECK, 12, 702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 2 },
  { OP_TICK, 15, 702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 2 },
};

/* A settled park does not hide a race between two later ones: with two
 * parks out, the two slots that turn busy are both uncertain, and neither
 * is confirmed when the windows close; the settled one is. */
static const Step race_after_settled_park[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 1.3, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_OWN_PARK, 4, -1, "Caller Two", "sip:202@127.0.0.1", .parked = 1 },
  { OP_OWN_PARK, 4.1, -1, "Caller Three", "sip:203@127.0.0.1", .parked = 1 },
  { OP_DIALOG, 4.3, 702, AST_BUSY_702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 2 },
  { OP_DIALOG, 4.5, 703, AST_BUSY_703, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Three",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 3 },
  { OP_CHECK, 4.5, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 3 },
  { OP_TICK, 16, 701, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 3 },
  { OP_CHECK, 16, 702, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Two",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 3 },
  { OP_CHECK, 16, 703, .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller Three",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE | RACE, .parked = 3 },
};

static const Step stale[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 1, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  /* transport lost: unknown, not free, identity kept for display */
  { OP_STALE, 2, 701, .state = PL_PARK_SLOT_STALE, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  { OP_CHECK, 2, 705, .state = PL_PARK_SLOT_STALE, .parked = 1 },
  /* resubscribed: versions start over; the call left during the outage */
  { OP_DIALOG, 5, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
  { OP_STALE, 6, 701, .state = PL_PARK_SLOT_STALE, .parked = 1, .retrieved = 1 },
  /* busy again after an outage from a free slot: somebody else's call */
  { OP_DIALOG, 7, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Parked call",
    .parked = 2, .retrieved = 1 },
};

static const Step stale_keeps_call[] = {
  { OP_DIALOG, 0, 701, "ast-701-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_DIALOG, 1, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  { OP_STALE, 2, 701, .state = PL_PARK_SLOT_STALE, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  { OP_DIALOG, 3, 701, "ast-701-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  /* and the park time survived the outage: 45 s after the park it is a timeout */
  { OP_DIALOG, 47, 701, "ast-701-v2-free.xml", .state = PL_PARK_SLOT_RETURNING,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1, .timed_out = 1 },
};

static const Step presence[] = {
  { OP_PRESENCE, 0, 701, "ast-701-pidf-ready.xml", .state = PL_PARK_SLOT_FREE },
  { OP_PRESENCE, 1, 701, "ast-701-pidf-onthephone.xml", .state = PL_PARK_SLOT_OCCUPIED,
    .parked = 1 },
  { OP_PRESENCE, 2, 701, "ast-701-xpidf-inuse.xml", .state = PL_PARK_SLOT_OCCUPIED, .parked = 1 },
  { OP_PRESENCE, 3, 701, "ast-701-xpidf-open.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
  { OP_PRESENCE, 4, 6001, "fs-6001-pidf-holding.xml", .ignored = TRUE, .state = PL_PARK_SLOT_FREE,
    .parked = 1, .retrieved = 1 },
};

static const Step fs_presence[] = {
  { OP_PRESENCE, 0, 6001, "fs-6001-pidf-empty.xml", .state = PL_PARK_SLOT_FREE },
  { OP_PRESENCE, 1, 6001, "fs-6001-pidf-holding.xml", .state = PL_PARK_SLOT_OCCUPIED, .parked = 1 },
  { OP_PRESENCE, 2, 6001, "fs-6001-pidf-empty.xml", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
};

static const Step rlmi[] = {
  { OP_RLMI, 0, 701, "ast-rls-1-full.mp", .state = PL_PARK_SLOT_FREE },
  { OP_CHECK, 0, 710, .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 7.8, -1, "Caller One", "sip:201@127.0.0.1" },
  { OP_RLMI, 7.85, 701, "ast-rls-2-park.mp", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller One",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE, .parked = 1 },
  { OP_RLMI, 7.9, 701, "ast-rls-2-park.mp", .ignored = TRUE, .state = PL_PARK_SLOT_OCCUPIED,
    .name = "Caller One", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME | PROBABLE,
    .parked = 1 },
  { OP_RLMI, 12.9, 701, "ast-rls-3-retrieve.mp", .state = PL_PARK_SLOT_FREE, .parked = 1,
    .retrieved = 1 },
};

static const Step own_park_fails[] = {
  { OP_DIALOG, 0, 6002, "fs-6001-v0-free.xml", .state = PL_PARK_SLOT_FREE },
  { OP_OWN_PARK, 1, 6002, "Caller 2", "sip:2002@127.0.0.1", .state = PL_PARK_SLOT_PARKING,
    .name = "Caller 2", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME },
  /* the slot we REFERred to turns busy: ours, not just probably */
  { OP_DIALOG, 1.1, 6002, "fs-6001-v1-busy.xml", .state = PL_PARK_SLOT_OCCUPIED, .name = "Caller 2",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_OWN_PARK, 2, 6003, "Caller 1", "sip:2001@127.0.0.1", .state = PL_PARK_SLOT_PARKING,
    .name = "Caller 1", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_OWN_FAIL, 2.5, 6003, .state = PL_PARK_SLOT_FREE, .name = "Parked call", .parked = 1 },
  { OP_OWN_PARK, 3, 6004, "Caller 1", "sip:2001@127.0.0.1", .state = PL_PARK_SLOT_PARKING,
    .name = "Caller 1", .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_TICK, 12, 6004, .state = PL_PARK_SLOT_PARKING, .name = "Caller 1",
    .source = PL_PARK_IDENTITY_OWN_CALL, .flags = BY_ME, .parked = 1 },
  { OP_TICK, 13.1, 6004, .state = PL_PARK_SLOT_FREE, .parked = 1 },
};

#define SCENARIO(n, p)                                                                             \
  {                                                                                                \
#n, p, n, G_N_ELEMENTS(n)                                                                      \
  }

static const Scenario scenarios[] = {
  SCENARIO (asterisk_park_retrieve, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (asterisk_timeout, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (asterisk_ringback_answered, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (two_parks_in_a_row, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (race_after_settled_park, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (freeswitch_slot_refer, PL_PARK_PROFILE_FREESWITCH),
  SCENARIO (server_identity, PL_PARK_PROFILE_FREESWITCH),
  SCENARIO (partial_state, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (race, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (two_parks_race, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (stale, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (stale_keeps_call, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (presence, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (fs_presence, PL_PARK_PROFILE_FREESWITCH),
  SCENARIO (rlmi, PL_PARK_PROFILE_ASTERISK),
  SCENARIO (own_park_fails, PL_PARK_PROFILE_FREESWITCH),
};

static char *
load (const char *name, gsize *length)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  if (name[0] == '<')
    {
      *length = strlen (name);
      return g_strdup (name);
    }
  path = g_test_build_filename (G_TEST_DIST, "park", "fixtures", name, NULL);
  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static void
count_signal (PlParkLot *lot, PlParkSlot *slot, guint *counter)
{
  (*counter)++;
}

static void
run_scenario (gconstpointer data)
{
  const Scenario *sc = data;
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Test", sc->profile);
  g_autoptr (PlParkLot) lot = NULL;
  guint parked = 0, retrieved = 0, timed_out = 0;
  guint last_park_id = 0;

  lot = pl_park_lot_new (config);
  g_signal_connect (lot, "parked", G_CALLBACK (count_signal), &parked);
  g_signal_connect (lot, "retrieved", G_CALLBACK (count_signal), &retrieved);
  g_signal_connect (lot, "timed-out", G_CALLBACK (count_signal), &timed_out);

  for (guint i = 0; i < sc->n_steps; i++)
    {
      const Step *st = &sc->steps[i];
      gint64 now = S (st->t);
      gboolean applied = TRUE;
      int check_slot = st->slot;
      PlParkSlot *slot;

      g_test_message ("%s step %u", sc->name, i);
      switch (st->op)
        {
          case OP_DIALOG:
            {
              gsize len;
              g_autofree char *body = load (st->arg, &len);
              g_autoptr (GError) error = NULL;
              g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (body, len, &error);

              g_assert_no_error (error);
              applied = pl_park_lot_apply_dialog_info (lot, st->slot, info, now);
            }
            break;
          case OP_PRESENCE:
            {
              gsize len;
              g_autofree char *body = load (st->arg, &len);
              g_autoptr (GError) error = NULL;
              g_autoptr (PlPresence) p = pl_presence_parse (body, len, &error);

              g_assert_no_error (error);
              applied = pl_park_lot_apply_presence (lot, st->slot, p, now);
            }
            break;
          case OP_RLMI:
            {
              gsize len;
              g_autofree char *body = load (st->arg, &len);
              char *nl = strchr (body, '\n');
              g_autofree char *ct = g_strndup (body, nl - body);
              g_autoptr (GError) error = NULL;
              g_autoptr (PlRlmiList) list
                  = pl_rlmi_parse_multipart (ct, nl + 1, len - (nl + 1 - body), &error);

              g_assert_no_error (error);
              applied = pl_park_lot_apply_rlmi (lot, list, now);
            }
            break;
          case OP_OWN_PARK:
            last_park_id = pl_park_lot_note_own_park (lot, st->arg, st->arg2, st->slot, now);
            g_assert_cmpuint (last_park_id, >, 0);
            if (st->slot < 0)
              check_slot = 0;
            break;
          case OP_OWN_FAIL:
            pl_park_lot_own_park_failed (lot, last_park_id);
            break;
          case OP_STALE:
            pl_park_lot_set_stale (lot, TRUE);
            g_assert_true (pl_park_lot_get_stale (lot));
            break;
          case OP_RESET:
            pl_park_lot_reset_subscription (lot, st->slot);
            break;
          case OP_TICK:
            pl_park_lot_tick (lot, now);
            break;
          case OP_RINGBACK_DONE:
            pl_park_lot_ringback_done (lot, st->slot);
            break;
          case OP_CONFIRM:
            pl_park_lot_confirm_slot (lot, st->slot);
            break;
          case OP_CHECK:
          default:
            break;
        }
      g_assert_cmpint (applied, ==, !st->ignored);
      g_assert_cmpuint (parked, ==, st->parked);
      g_assert_cmpuint (retrieved, ==, st->retrieved);
      g_assert_cmpuint (timed_out, ==, st->timed_out);
      if (check_slot <= 0)
        continue;
      slot = pl_park_lot_get_slot (lot, check_slot);
      if (st->ignored && slot == NULL)
        continue;
      g_assert_nonnull (slot);
      g_assert_cmpint (pl_park_slot_get_state (slot), ==, st->state);
      if (st->name != NULL)
        {
          g_autofree char *name = pl_park_slot_dup_display_name (slot);

          g_assert_cmpstr (name, ==, st->name);
        }
      g_assert_cmpint (pl_park_slot_get_identity_source (slot), ==, st->source);
      g_assert_cmpint (pl_park_slot_get_parked_by_me (slot), ==, !!(st->flags & BY_ME));
      g_assert_cmpint (pl_park_slot_get_probable (slot), ==, !!(st->flags & PROBABLE));
      g_assert_cmpint (pl_park_slot_get_race (slot), ==, !!(st->flags & RACE));
      if (st->state != PL_PARK_SLOT_STALE && st->state != PL_PARK_SLOT_OCCUPIED
          && st->op != OP_CHECK)
        g_assert_false (pl_park_lot_get_stale (lot));
    }
}

typedef struct
{
  gint64 last;
  guint32 version;
  gboolean full;
  PlDialogVersionCheck expected;
} VersionCase;

static const VersionCase version_cases[] = {
  { -1, 0, TRUE, PL_DIALOG_VERSION_APPLY },
  { -1, 17, FALSE, PL_DIALOG_VERSION_APPLY },
  { 0, 1, TRUE, PL_DIALOG_VERSION_APPLY },
  { 0, 1, FALSE, PL_DIALOG_VERSION_APPLY },
  { 0, 0, TRUE, PL_DIALOG_VERSION_STALE },
  { 5, 3, TRUE, PL_DIALOG_VERSION_STALE },
  { 5, 7, TRUE, PL_DIALOG_VERSION_APPLY },
  { 5, 7, FALSE, PL_DIALOG_VERSION_GAP },
  { G_MAXUINT32 - 1, G_MAXUINT32, FALSE, PL_DIALOG_VERSION_APPLY },
};

static void
test_version_check (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (version_cases); i++)
    {
      const VersionCase *c = &version_cases[i];

      g_test_message ("case %u", i);
      g_assert_cmpint (pl_dialog_version_check (c->last, c->version, c->full), ==, c->expected);
    }
}

static void
test_model (void)
{
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLot) lot = pl_park_lot_new (config);
  g_autoptr (PlParkSlot) first = NULL;
  g_autoptr (PlParkSlot) last = NULL;
  gsize len;
  g_autofree char *body = load ("ast-701-v1-busy.xml", &len);
  g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (body, len, NULL);
  g_autofree char *free_body = load ("ast-701-v0-free.xml", &len);
  g_autoptr (PlDialogInfo) free_info = pl_dialog_info_parse (free_body, len, NULL);
  PlParkSlot *s701;

  g_assert_true (g_type_is_a (g_list_model_get_item_type (G_LIST_MODEL (lot)), PL_TYPE_PARK_SLOT));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lot)), ==, 10);
  first = g_list_model_get_item (G_LIST_MODEL (lot), 0);
  last = g_list_model_get_item (G_LIST_MODEL (lot), 9);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (lot), 10));
  g_assert_cmpint (pl_park_slot_get_number (first), ==, 701);
  g_assert_cmpint (pl_park_slot_get_number (last), ==, 710);
  g_assert_null (pl_park_lot_get_slot (lot, 700));
  g_assert_cmpstr (pl_park_lot_get_name (lot), ==, "Main");

  /* remaining time counts down from the moment the slot turned busy */
  s701 = pl_park_lot_get_slot (lot, 701);
  g_assert_cmpint (pl_park_slot_get_remaining (s701, S (0)), ==, -1);
  g_assert_true (pl_park_lot_apply_dialog_info (lot, 701, free_info, S (0)));
  g_assert_true (pl_park_lot_apply_dialog_info (lot, 701, info, S (1)));
  g_assert_cmpint (pl_park_slot_get_parked_since (s701), ==, S (1));
  g_assert_cmpint (pl_park_slot_get_remaining (s701, S (1)), ==, 45);
  g_assert_cmpint (pl_park_slot_get_remaining (s701, S (11.5)), ==, 35);
  g_assert_cmpint (pl_park_slot_get_remaining (s701, S (46)), ==, 0);
  g_assert_cmpint (pl_park_slot_get_remaining (s701, S (100)), ==, 0);
  /* slots outside the lot are refused */
  g_assert_false (pl_park_lot_apply_dialog_info (lot, 799, info, S (2)));
}

typedef struct
{
  PlParkProfile profile;
  const char *uri;
  const char *content_type;
  const char *fixture; /* first line of .mp files is skipped: content_type given here */
  int error_code;      /* -1: applied */
  int slot;
  PlParkSlotState state;
} NotifyCase;

static const NotifyCase notify_cases[] = {
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "application/dialog-info+xml",
    "ast-701-v1-busy.xml", -1, 701, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "Application/Dialog-Info+XML; charset=x",
    "ast-701-v1-busy.xml", -1, 701, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "application/pidf+xml",
    "ast-701-pidf-onthephone.xml", -1, 701, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "application/xpidf+xml",
    "ast-701-xpidf-open.xml", -1, 701, PL_PARK_SLOT_FREE },
  { PL_PARK_PROFILE_FREESWITCH, "sip:park+6001@127.0.0.1:5080", "application/dialog-info+xml",
    "fs-6001-v1-busy.xml", -1, 6001, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_FREESWITCH, "sip:park+6001@127.0.0.1:5080", "application/pidf+xml",
    "fs-6001-pidf-holding.xml", -1, 6001, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_ASTERISK, "sip:parkslots@127.0.0.1:5070",
    "multipart/related;type=\"application/rlmi+xml\";boundary=deawf", "ast-rls-2-park.mp", -1, 701,
    PL_PARK_SLOT_OCCUPIED },
  /* the list URI names no slot, so a plain dialog-info is placed by its entity */
  { PL_PARK_PROFILE_ASTERISK, "sip:parkslots@127.0.0.1:5070", "application/dialog-info+xml",
    "ast-701-v1-busy.xml", -1, 701, PL_PARK_SLOT_OCCUPIED },
  { PL_PARK_PROFILE_ASTERISK, "sip:100@127.0.0.1:5070", "application/dialog-info+xml",
    "ast-100-v1-early.xml", PL_EVENT_BODY_ERROR_WRONG_DOCUMENT, 701, PL_PARK_SLOT_STALE },
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "text/plain", "ast-701-v1-busy.xml",
    PL_EVENT_BODY_ERROR_UNSUPPORTED, 701, PL_PARK_SLOT_STALE },
  { PL_PARK_PROFILE_ASTERISK, "sip:701@127.0.0.1:5070", "application/pidf+xml",
    "ast-701-v1-busy.xml", PL_EVENT_BODY_ERROR_WRONG_DOCUMENT, 701, PL_PARK_SLOT_STALE },
};

static void
test_apply_notify (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (notify_cases); i++)
    {
      const NotifyCase *c = &notify_cases[i];
      g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", c->profile);
      g_autoptr (PlParkLot) lot = pl_park_lot_new (config);
      g_autoptr (GError) error = NULL;
      gsize len;
      g_autofree char *contents = load (c->fixture, &len);
      const char *body = contents;
      gboolean ok;

      g_test_message ("case %u", i);
      if (g_str_has_suffix (c->fixture, ".mp"))
        {
          body = strchr (contents, '\n') + 1;
          len -= body - contents;
        }
      ok = pl_park_lot_apply_notify (lot, c->uri, c->content_type, body, len, S (1), &error);
      if (c->error_code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, PL_EVENT_BODY_ERROR, c->error_code);
        }
      g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (lot, c->slot)), ==, c->state);
    }
}

static void
test_apply_subscription_state (void)
{
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLot) lot = pl_park_lot_new (config);
  gsize len;
  g_autofree char *busy = load ("ast-701-v1-busy.xml", &len);
  g_autofree char *free_body = load ("ast-701-v0-free.xml", NULL);

  g_assert_true (pl_park_lot_apply_notify (lot, "sip:701@pbx", "application/dialog-info+xml", busy,
                                           len, S (0), NULL));
  g_assert_true (pl_park_lot_apply_notify (lot, "sip:702@pbx", "application/dialog-info+xml",
                                           free_body, strlen (free_body), S (0), NULL));
  /* a failed per-slot subscription makes only that slot stale */
  pl_park_lot_apply_subscription_state (lot, "sip:701@pbx", PL_SUBSCRIPTION_STATE_FAILED);
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (lot, 701)), ==,
                   PL_PARK_SLOT_STALE);
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (lot, 702)), ==, PL_PARK_SLOT_FREE);
  /* a new dialog restarts versions: version 1 again is accepted */
  pl_park_lot_apply_subscription_state (lot, "sip:701@pbx", PL_SUBSCRIPTION_STATE_PENDING);
  g_assert_true (pl_park_lot_apply_notify (lot, "sip:701@pbx", "application/dialog-info+xml", busy,
                                           len, S (1), NULL));
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (lot, 701)), ==,
                   PL_PARK_SLOT_OCCUPIED);
  /* the end of a list subscription makes the whole lot stale */
  pl_park_lot_apply_subscription_state (lot, "sip:parkslots@pbx", PL_SUBSCRIPTION_STATE_TERMINATED);
  g_assert_true (pl_park_lot_get_stale (lot));
  g_assert_cmpint (pl_park_slot_get_state (pl_park_lot_get_slot (lot, 702)), ==,
                   PL_PARK_SLOT_STALE);
}

typedef struct
{
  PlParkSlotState state;
  gint64 since; /* seconds after T0, < 0: unknown */
  gboolean probable, race;
  double now;
  const char *expected;
} StatusCase;

static const StatusCase status_cases[] = {
  { PL_PARK_SLOT_FREE, -1, FALSE, FALSE, 0, "Free" },
  { PL_PARK_SLOT_PARKING, -1, FALSE, FALSE, 0, "Parking…" },
  { PL_PARK_SLOT_OCCUPIED, 0, FALSE, FALSE, 10, "Parked, 0:35 left" },
  { PL_PARK_SLOT_OCCUPIED, 0, FALSE, FALSE, 44.5, "Parked, 0:01 left" },
  { PL_PARK_SLOT_OCCUPIED, 0, FALSE, FALSE, 100, "Parked, 0:00 left" },
  { PL_PARK_SLOT_OCCUPIED, -1, FALSE, FALSE, 10, "Parked" },
  { PL_PARK_SLOT_OCCUPIED, 0, TRUE, FALSE, 10, "Probably parked here" },
  { PL_PARK_SLOT_OCCUPIED, 0, TRUE, TRUE, 10, "Parked — two parks at once, caller uncertain" },
  { PL_PARK_SLOT_RETURNING, 0, FALSE, FALSE, 50, "Timed out, ringing back" },
  { PL_PARK_SLOT_STALE, 0, FALSE, FALSE, 50, "State unknown" },
};

static void
test_slot_status (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_cases); i++)
    {
      const StatusCase *c = &status_cases[i];
      g_autoptr (PlParkSlot) slot = pl_park_slot_new (701, 45);
      g_autofree char *status = NULL;

      g_test_message ("case %u", i);
      pl_park_slot_update (slot, c->state, NULL, NULL, PL_PARK_IDENTITY_UNKNOWN,
                           c->since < 0 ? 0 : S (c->since), FALSE, c->probable, c->race);
      status = pl_park_slot_dup_status (slot, S (c->now));
      g_assert_cmpstr (status, ==, c->expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/park-lot/version-check", test_version_check);
  g_test_add_func ("/park-lot/model", test_model);
  g_test_add_func ("/park-lot/slot-status", test_slot_status);
  g_test_add_func ("/park-lot/apply-notify", test_apply_notify);
  g_test_add_func ("/park-lot/apply-subscription-state", test_apply_subscription_state);
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/park-lot/scenario/%s", scenarios[i].name);

      g_test_add_data_func (path, &scenarios[i], run_scenario);
    }
  return g_test_run ();
}
