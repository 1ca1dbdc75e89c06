/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pbx-test-lib.h"
#include "pl-baresip-engine.h"
#include "pl-core.h"

G_BEGIN_DECLS

/* One Parkline desk as end-to-end tests need it: a PlCore with a real
 * baresip engine on loopback (no sound card: silent aufile in, ALSA null
 * out), an account on the test PBX and the given park lots, its own history
 * file. Two desks in one test play two teammates. */
typedef struct
{
  char *name;
  char *runtime_dir;
  char *history_path;
  gboolean history_is_ours; /* FALSE: the test's own file, left in place */
  PlBaresipEngine *engine;
  PlAccount *account;
  PlCore *core;
  GPtrArray *messages; /* what the user was told (messages, problems), newest last */
} PlTestDesk;

/* A real baresip engine as the desks use it: loopback, a silent WAV as the
 * microphone, ALSA null as the speaker, its log in the artifact dir. */
PlBaresipEngine *pl_test_desk_engine_new (const char *name, const char *runtime_dir);

PlTestDesk *pl_test_desk_new (const char *user, const char *password, guint16 pbx_port,
                              const char *lots_keyfile);

/* For fault tests: where the history lives (NULL: in the desk's scratch
 * dir), and whether to return before the account is registered (a wrong
 * password never gets there). */
typedef struct
{
  const char *history_path;
  gboolean dont_wait_registered;
} PlTestDeskOptions;

PlTestDesk *pl_test_desk_new_with_options (const char *user, const char *password, guint16 pbx_port,
                                           const char *lots_keyfile,
                                           const PlTestDeskOptions *options);
/* The same over another SIP transport (baresip and the subscriptions). */
PlTestDesk *pl_test_desk_new_on (const char *user, const char *password, guint16 pbx_port,
                                 PlTransport transport, const char *lots_keyfile);
/* A desk as Parkline starts after `parkline --provision`: the account and
 * lots from the settings, the secrets from the keyring (account NULL). */
PlTestDesk *pl_test_desk_new_stored (const char *name);
void pl_test_desk_free (PlTestDesk *desk);
PlCallManager *pl_test_desk_calls (PlTestDesk *desk);
PlParkService *pl_test_desk_park (PlTestDesk *desk);
PlParkLot *pl_test_desk_lot (PlTestDesk *desk);
gboolean pl_test_desk_told (PlTestDesk *desk, const char *fragment);
/* The state of a slot of the desk's first lot. */
PlParkSlotState pl_test_desk_slot_state (PlTestDesk *desk, int number);
PlParkSlot *pl_test_desk_slot (PlTestDesk *desk, int number);
/* Every slot of the desk's first lot is known: none stale, none assumed free. */
gboolean pl_test_desk_lot_known (PlTestDesk *desk);
/* The PBX calls the desk's user as "name" <number>; the desk answers.
 * Returns: (transfer none) the call, active. */
PlCall *pl_test_desk_answer_caller (PlTestDesk *desk, TestPbx *pbx, const char *number,
                                    const char *name);
/* Every slot of the first lot known (no slot stale, none assumed free). */
gboolean pl_test_desk_lot_known (PlTestDesk *desk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlTestDesk, pl_test_desk_free)

/* The PBX and two teammates on it, alice and bob, each watching the lots;
 * started once every slot is known on both desks. */
typedef struct
{
  TestPbx *pbx;
  PlTestDesk *alice;
  PlTestDesk *bob;
} PlTestTeam;

/* A server profile as the team tests run it. */
typedef struct
{
  const char *name;
  const char *pbx_keys; /* [pbx] keys for the PBX (and more groups after them) */
  const char *lots;     /* Parkline's lot config, {port} not needed: domain is the account's */
  int first_slot;
  gboolean server_identity; /* the NOTIFY names the parked caller */
} PlTestProfile;

/* g_test_add () fixture functions; data is a PlTestProfile. */
void pl_test_team_setup (PlTestTeam *team, gconstpointer profile);
void pl_test_team_teardown (PlTestTeam *team, gconstpointer profile);

G_END_DECLS
