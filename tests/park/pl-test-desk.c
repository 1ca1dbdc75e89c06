/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-test-desk"

#include <string.h>
#include <glib/gstdio.h>

#include "pl-test-desk.h"
#include "pl-test-peer.h"
#include "pl-test-util.h"

static void
remember (PlTestDesk *desk, const char *text)
{
  g_ptr_array_add (desk->messages, g_strdup (text));
}

/* The window shows the engine's problems in its banner, as it does the core's. */
static void
remember_problem (PlTestDesk *desk, guint code, const char *text)
{
  remember (desk, text);
}

PlBaresipEngine *
pl_test_desk_engine_new (const char *name, const char *runtime_dir)
{
  g_autoptr (PlBaresipOptions) options = pl_baresip_options_new ();
  g_autofree char *logdir = pl_test_artifact_dir ("park");
  const char *extra[] = { "alsa.so", "aufile.so", NULL };
  guint16 sip_port = pl_test_free_sip_port ();

  options->runtime_dir = g_strdup (runtime_dir);
  options->sip_listen = g_strdup_printf ("127.0.0.1:%u", sip_port);
  options->net_interface = g_strdup ("127.0.0.1");
  options->audio_player = g_strdup ("alsa,null");
  options->audio_source = g_strdup_printf ("aufile,%s", pl_test_silence_wav ());
  options->audio_alert = g_strdup ("alsa,null");
  options->extra_modules = g_strdupv ((char **)extra);
  options->log_file = g_strdup_printf ("%s/%s-%u.log", logdir, name, sip_port);
  options->regint = 60;
  return pl_baresip_engine_new (options);
}

PlTestDesk *
pl_test_desk_new (const char *user, const char *password, guint16 pbx_port,
                  const char *lots_keyfile)
{
  return pl_test_desk_new_on (user, password, pbx_port, PL_TRANSPORT_UDP, lots_keyfile);
}

/* The engine and the core, not started. history_path NULL: in the desk's
 * scratch dir. */
static PlTestDesk *
desk_new (const char *user, const char *history_path)
{
  PlTestDesk *desk = g_new0 (PlTestDesk, 1);
  g_autoptr (GSettings) settings = g_settings_new ("io.github.parkline.Parkline");

  desk->name = g_strdup (user);
  desk->messages = g_ptr_array_new_with_free_func (g_free);
  desk->runtime_dir = pl_test_make_dir (user);
  desk->history_is_ours = history_path == NULL;
  if (desk->history_is_ours)
    desk->history_path = g_build_filename (desk->runtime_dir, "history.db", NULL);
  else
    desk->history_path = g_strdup (history_path);
  desk->engine = pl_test_desk_engine_new (user, desk->runtime_dir);

  desk->core = pl_core_new (PL_ENGINE (desk->engine), settings, desk->history_path);
  g_signal_connect_swapped (desk->core, "message", G_CALLBACK (remember), desk);
  g_signal_connect_swapped (desk->core, "problem", G_CALLBACK (remember), desk);
  g_signal_connect_swapped (desk->engine, "problem", G_CALLBACK (remember_problem), desk);
  g_signal_connect_swapped (pl_core_get_call_manager (desk->core), "message", G_CALLBACK (remember),
                            desk);
  return desk;
}

/* The account and lots of a run, then the start; wait: until registered. */
static void
desk_start (PlTestDesk *desk, const char *password, guint16 pbx_port, PlTransport transport,
            const char *lots_keyfile, gboolean wait)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *domain = g_strdup_printf ("127.0.0.1:%u", pbx_port);

  desk->account = pl_account_new (desk->name);
  pl_account_set_user (desk->account, desk->name);
  pl_account_set_domain (desk->account, domain);
  pl_account_set_password (desk->account, password);
  pl_account_set_transport (desk->account, transport);
  g_assert_true (g_key_file_load_from_data (keyfile, lots_keyfile, -1, 0, &error));
  lots = pl_park_lot_configs_load (keyfile, &error);
  g_assert_no_error (error);
  pl_core_use_lots (desk->core, lots);
  pl_core_use_account (desk->core, desk->account);
  pl_core_start (desk->core);

  if (wait)
    g_assert_true (PL_TEST_WAIT (
        pl_account_get_registration_state (desk->account) == PL_REGISTRATION_REGISTERED, 20000));
}

PlTestDesk *
pl_test_desk_new_on (const char *user, const char *password, guint16 pbx_port,
                     PlTransport transport, const char *lots_keyfile)
{
  PlTestDesk *desk = desk_new (user, NULL);

  desk_start (desk, password, pbx_port, transport, lots_keyfile, TRUE);
  return desk;
}

PlTestDesk *
pl_test_desk_new_with_options (const char *user, const char *password, guint16 pbx_port,
                               const char *lots_keyfile, const PlTestDeskOptions *options)
{
  PlTestDesk *desk = desk_new (user, options->history_path);

  desk_start (desk, password, pbx_port, PL_TRANSPORT_UDP, lots_keyfile,
              !options->dont_wait_registered);
  return desk;
}

PlTestDesk *
pl_test_desk_new_stored (const char *name)
{
  PlTestDesk *desk = desk_new (name, NULL);
  PlAccount *account;

  pl_core_start (desk->core);
  g_assert_true (PL_TEST_WAIT ((account = pl_engine_get_account (PL_ENGINE (desk->engine)))
                                   && pl_account_get_registration_state (account)
                                          == PL_REGISTRATION_REGISTERED,
                               20000));
  return desk;
}

void
pl_test_desk_free (PlTestDesk *desk)
{
  gpointer core = desk->core;

  pl_core_stop (desk->core);
  g_assert_true (PL_TEST_WAIT (!pl_baresip_engine_has_child (desk->engine), 10000));
  g_object_add_weak_pointer (core, &core);
  g_object_unref (desk->core);
  /* Idle-completed engine actions and subscriber callbacks may still hold
   * references for a moment. */
  g_assert_true (PL_TEST_WAIT (core == NULL, 5000));
  g_assert_finalize_object (desk->engine);
  if (desk->account)
    g_assert_finalize_object (desk->account);
  g_ptr_array_unref (desk->messages);
  if (desk->history_is_ours)
    {
      g_autofree char *wal = g_strdup_printf ("%s-wal", desk->history_path);
      g_autofree char *shm = g_strdup_printf ("%s-shm", desk->history_path);
      g_remove (wal);
      g_remove (shm);
      g_remove (desk->history_path);
    }
  g_free (desk->history_path);
  g_rmdir (desk->runtime_dir);
  g_free (desk->runtime_dir);
  g_free (desk->name);
  g_free (desk);
}

PlCallManager *
pl_test_desk_calls (PlTestDesk *desk)
{
  return pl_core_get_call_manager (desk->core);
}

PlParkService *
pl_test_desk_park (PlTestDesk *desk)
{
  return pl_core_get_park_service (desk->core);
}

PlParkLot *
pl_test_desk_lot (PlTestDesk *desk)
{
  return pl_park_service_find_lot (pl_test_desk_park (desk), NULL);
}

PlParkSlotState
pl_test_desk_slot_state (PlTestDesk *desk, int number)
{
  return pl_park_slot_get_state (pl_test_desk_slot (desk, number));
}

PlCall *
pl_test_desk_answer_caller (PlTestDesk *desk, TestPbx *pbx, const char *number, const char *name)
{
  PlCallManager *calls = pl_test_desk_calls (desk);
  g_autofree char *command = g_strdup_printf ("originate %s \"%s\" %s", number, name, desk->name);
  PlCall *call;

  test_pbx_cmd_ok (pbx, command);
  g_assert_true (
      PL_TEST_WAIT (pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING), 20000));
  call = pl_call_manager_find_by_state (calls, PL_CALL_STATE_INCOMING);
  g_assert_cmpstr (pl_call_get_peer_name (call), ==, name);
  g_assert_true (pl_call_manager_answer (calls, call, NULL));
  g_assert_true (PL_TEST_WAIT (pl_call_get_state (call) == PL_CALL_STATE_ACTIVE, 20000));
  return call;
}

gboolean
pl_test_desk_told (PlTestDesk *desk, const char *fragment)
{
  for (guint i = 0; i < desk->messages->len; i++)
    if (strstr (g_ptr_array_index (desk->messages, i), fragment))
      return TRUE;
  return FALSE;
}

gboolean
pl_test_desk_lot_known (PlTestDesk *desk)
{
  PlParkLot *lot = pl_test_desk_lot (desk);
  guint n = lot ? g_list_model_get_n_items (G_LIST_MODEL (lot)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlParkSlot) slot = g_list_model_get_item (G_LIST_MODEL (lot), i);
      if (pl_park_slot_get_state (slot) == PL_PARK_SLOT_STALE)
        return FALSE;
    }
  return n > 0;
}

void
pl_test_team_setup (PlTestTeam *team, gconstpointer data)
{
  const PlTestProfile *profile = data;

  team->pbx = test_pbx_start (profile->pbx_keys);
  team->alice = pl_test_desk_new ("alice", "alicepw", team->pbx->sip_port, profile->lots);
  team->bob = pl_test_desk_new ("bob", "bobpw", team->pbx->sip_port, profile->lots);
  /* Subscriptions answered: every slot known, none assumed free. */
  g_assert_true (PL_TEST_WAIT (
      pl_test_desk_lot_known (team->alice) && pl_test_desk_lot_known (team->bob), 20000));
}

void
pl_test_team_teardown (PlTestTeam *team, gconstpointer profile)
{
  g_clear_pointer (&team->bob, pl_test_desk_free);
  g_clear_pointer (&team->alice, pl_test_desk_free);
  g_clear_pointer (&team->pbx, test_pbx_stop);
}

PlParkSlot *
pl_test_desk_slot (PlTestDesk *desk, int number)
{
  PlParkSlot *slot = pl_park_lot_get_slot (pl_test_desk_lot (desk), number);

  g_assert_nonnull (slot);
  return slot;
}
