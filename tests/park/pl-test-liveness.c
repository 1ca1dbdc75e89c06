/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-test-liveness"

#include <stdlib.h>
#include <string.h>

#include "pl-test-liveness.h"
#include "pl-test-util.h"

typedef struct
{
  PlLivenessRig *rig;
  const char *desk;
} SlotWatch;

static void
slot_state_cb (PlParkSlot *slot, GParamSpec *pspec, SlotWatch *watch)
{
  if (watch->rig->silent && pl_park_slot_get_state (slot) == PL_PARK_SLOT_FREE)
    {
      g_autofree char *report
          = g_strdup_printf ("%s %d", watch->desk, pl_park_slot_get_number (slot));

      g_test_message ("slot turned free while the PBX was silent: %s", report);
      g_ptr_array_add (watch->rig->free_reports, g_steal_pointer (&report));
    }
}

/* Every state change of every slot, for the whole run: a slot shown free
 * while the PBX is silent is recorded even if it goes stale a moment later. */
static void
watch_slots (PlLivenessRig *rig, PlTestDesk *desk)
{
  PlParkLot *lot = pl_test_desk_lot (desk);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));
  SlotWatch *watch = g_new0 (SlotWatch, 1);

  watch->rig = rig;
  watch->desk = desk->name;
  g_object_set_data_full (G_OBJECT (lot), "pl-test-watch", watch, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      g_signal_connect (slot, "notify::state", G_CALLBACK (slot_state_cb), watch);
    }
}

static void
unwatch_slots (PlTestDesk *desk)
{
  PlParkLot *lot = pl_test_desk_lot (desk);
  gpointer watch = g_object_get_data (G_OBJECT (lot), "pl-test-watch");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      g_signal_handlers_disconnect_by_data (slot, watch);
    }
  g_object_set_data (G_OBJECT (lot), "pl-test-watch", NULL);
}

static gboolean
every_slot_is (PlTestDesk *desk, gboolean stale)
{
  PlParkLot *lot = pl_test_desk_lot (desk);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (lot));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);

      if ((pl_park_slot_get_state (slot) == PL_PARK_SLOT_STALE) != stale)
        return FALSE;
    }
  return n > 0;
}

gboolean
pl_liveness_desk_shows_outage (PlTestDesk *desk)
{
  return pl_park_service_get_server_state (pl_test_desk_park (desk))
             == PL_SERVER_STATE_NOT_ANSWERING
         && every_slot_is (desk, TRUE);
}

gboolean
pl_liveness_desk_is_fresh (PlTestDesk *desk)
{
  return pl_park_service_get_server_state (pl_test_desk_park (desk)) == PL_SERVER_STATE_ANSWERING
         && every_slot_is (desk, FALSE);
}

static gboolean
registered_here (PlTestDesk *desk)
{
  return pl_account_get_registration_state (desk->account) == PL_REGISTRATION_REGISTERED;
}

static gboolean
registered_at_pbx (PlLivenessRig *rig, PlTestDesk *desk)
{
  g_autofree char *cmd = g_strdup_printf ("contacts %s", desk->name);
  g_autofree char *reply = test_pbx_cmd (rig->pbx, cmd);

  return g_str_has_prefix (reply, "OK ") && atoi (reply + 3) >= 1;
}

PlLivenessRig *
pl_liveness_rig_new (PlTransport transport, const char *lots_keyfile)
{
  PlLivenessRig *rig = g_new0 (PlLivenessRig, 1);

  rig->free_reports = g_ptr_array_new_with_free_func (g_free);
  rig->pbx = test_pbx_start (NULL);
  rig->alice
      = pl_test_desk_new_on ("alice", "alicepw", rig->pbx->sip_port, transport, lots_keyfile);
  rig->bob = pl_test_desk_new_on ("bob", "bobpw", rig->pbx->sip_port, transport, lots_keyfile);
  g_assert_true (PL_TEST_WAIT (
      pl_liveness_desk_is_fresh (rig->alice) && pl_liveness_desk_is_fresh (rig->bob), 20000));
  watch_slots (rig, rig->alice);
  watch_slots (rig, rig->bob);
  return rig;
}

void
pl_liveness_rig_free (PlLivenessRig *rig)
{
  unwatch_slots (rig->alice);
  unwatch_slots (rig->bob);
  g_clear_pointer (&rig->bob, pl_test_desk_free);
  g_clear_pointer (&rig->alice, pl_test_desk_free);
  g_clear_pointer (&rig->pbx, test_pbx_stop);
  g_ptr_array_unref (rig->free_reports);
  g_free (rig);
}

gboolean
pl_liveness_rig_start_outage (PlLivenessRig *rig, PlOutage outage, guint stale_ms,
                              PlOutageTimes *times)
{
  gint64 started;
  gboolean shown;

  rig->silent = TRUE;
  started = g_get_monotonic_time ();
  if (outage == PL_OUTAGE_FREEZE)
    test_pbx_cmd_ok (rig->pbx, "faults freeze");
  else
    test_pbx_kill (rig->pbx);
  shown = PL_TEST_WAIT (pl_liveness_desk_shows_outage (rig->alice)
                            && pl_liveness_desk_shows_outage (rig->bob),
                        stale_ms);
  times->to_stale_ms = (g_get_monotonic_time () - started) / 1000.0;
  return shown;
}

gboolean
pl_liveness_rig_end_outage (PlLivenessRig *rig, PlOutage outage, guint fresh_ms,
                            gboolean registered, PlOutageTimes *times)
{
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + (gint64)fresh_ms * 1000;
  gboolean fresh = FALSE;

  rig->silent = FALSE;
  if (outage == PL_OUTAGE_FREEZE)
    test_pbx_cmd_ok (rig->pbx, "faults thaw");
  else
    test_pbx_restart_killed (rig->pbx);
  /* the desks' side first; the PBX is asked only once they look done */
  while (!fresh && g_get_monotonic_time () < deadline)
    {
      fresh = pl_liveness_desk_is_fresh (rig->alice) && pl_liveness_desk_is_fresh (rig->bob)
              && (!registered
                  || (registered_here (rig->alice) && registered_here (rig->bob)
                      && registered_at_pbx (rig, rig->alice) && registered_at_pbx (rig, rig->bob)));
      if (!fresh)
        pl_test_iterate (MIN (deadline, g_get_monotonic_time () + 20 * 1000));
    }
  times->to_fresh_ms = (g_get_monotonic_time () - started) / 1000.0;
  return fresh;
}
