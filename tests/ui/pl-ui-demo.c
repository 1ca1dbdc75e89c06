/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ui-demo"

#include "config.h"

#include "pl-application.h"
#include "pl-script-engine.h"

/* Runs the real application on the scripted engine, set up in a scene, for
 * looking at the UI by hand (screenshots, accessibility checks):
 *   GSETTINGS_SCHEMA_DIR=_build/data GSETTINGS_BACKEND=memory \
 *   PL_DEMO_SCENE=two-calls _build/tests/ui/pl-ui-demo
 * Scenes: idle (default), incoming, active, two-calls, failed. */

static void
emit (PlScriptEngine *engine, PlEngineEventType type, const char *id, const char *peer)
{
  pl_script_engine_emit (engine, type, id, PL_CALL_DIRECTION_INCOMING, peer, NULL);
}

static gboolean
play_scene (gpointer user_data)
{
  PlApplication *app = user_data;
  PlScriptEngine *engine = PL_SCRIPT_ENGINE (pl_core_get_engine (pl_application_get_core (app)));
  PlCallManager *manager = pl_application_get_call_manager (app);
  PlAccount *account = pl_engine_get_account (PL_ENGINE (engine));
  const char *scene = g_getenv ("PL_DEMO_SCENE");

  if (scene == NULL)
    scene = "idle";
  if (g_str_equal (scene, "failed"))
    {
      pl_account_set_registration (account, PL_REGISTRATION_FAILED, "401 Unauthorized");
      return G_SOURCE_REMOVE;
    }
  pl_account_set_registration (account, PL_REGISTRATION_REGISTERED, NULL);
  if (g_str_equal (scene, "idle"))
    return G_SOURCE_REMOVE;

  emit (engine, PL_ENGINE_EVENT_CALL_INCOMING, "c1", "sip:alice@pbx.example.com");
  if (g_str_equal (scene, "incoming"))
    return G_SOURCE_REMOVE;

  pl_call_manager_answer (manager, pl_call_manager_find_call (manager, "c1"), NULL);
  emit (engine, PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1", "sip:alice@pbx.example.com");
  if (g_str_equal (scene, "two-calls"))
    emit (engine, PL_ENGINE_EVENT_CALL_INCOMING, "c2", "sip:204@pbx.example.com");
  return G_SOURCE_REMOVE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (PlAccount) account = pl_account_new ("demo");
  g_autoptr (PlScriptEngine) engine = pl_script_engine_new (NULL);
  g_autoptr (PlCore) core = NULL;
  g_autoptr (PlApplication) app = NULL;

  pl_account_set_display_name (account, "Front desk");
  pl_account_set_user (account, "201");
  pl_account_set_domain (account, "pbx.example.com");
  core = pl_core_new (PL_ENGINE (engine), settings, NULL);
  pl_core_use_account (core, account);
  app = pl_application_new_with_core (core);
  g_timeout_add (300, play_scene, app);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
