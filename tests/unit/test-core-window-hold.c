/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-core-window-hold"

/* pl_core_hold_for_window(): the engine's spawn and the worker threads'
 * deliveries wait for the window's first frame, or for the time limit. */

#include "config.h"

#include "pl-core.h"
#include "pl-thread.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"

#define ACCOUNT "[account]\nid=desk\nuser=alice\ndomain=127.0.0.1\npassword=pw\n"

typedef enum
{
  RELEASE_BY_WINDOW,
  RELEASE_BY_TIME_LIMIT,
  STOP_WHILE_HELD,
} Ending;

typedef struct
{
  const char *name;
  Ending ending;
} Case;

static const Case cases[] = {
  { "window-shown", RELEASE_BY_WINDOW },
  { "no-frame-within-limit", RELEASE_BY_TIME_LIMIT },
  { "stopped-while-held", STOP_WHILE_HELD },
};

static gboolean
engine_running (PlScriptEngine *engine)
{
  return pl_engine_get_state (PL_ENGINE (engine)) == PL_ENGINE_STATE_RUNNING;
}

static void
test_hold (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (PlScriptEngine) engine = pl_script_engine_new (NULL);
  g_autoptr (PlCore) core = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = pl_test_make_dir ("hold");
  g_autofree char *path = g_build_filename (dir, "desk.conf", NULL);
  g_autofree char *history = g_build_filename (dir, "history.db", NULL);
  guint limit_ms = c->ending == RELEASE_BY_TIME_LIMIT ? 300 : 5000;
  gint64 started;

  g_assert_true (g_file_set_contents (path, ACCOUNT, -1, NULL));
  core = pl_core_new (PL_ENGINE (engine), settings, history);
  g_assert_true (pl_core_use_keyfile (core, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pl_thread_delivery_priority (), ==, G_PRIORITY_DEFAULT);

  pl_core_hold_for_window (core, limit_ms);
  started = g_get_monotonic_time ();
  pl_core_start (core);
  pl_test_spin (100);
  g_assert_false (engine_running (engine));
  g_assert_cmpint (pl_thread_delivery_priority (), ==, G_PRIORITY_DEFAULT_IDLE);

  switch (c->ending)
    {
      case RELEASE_BY_WINDOW:
        pl_core_window_shown (core);
        g_assert_true (engine_running (engine));
        break;
      case RELEASE_BY_TIME_LIMIT:
        g_assert_true (PL_TEST_WAIT (engine_running (engine), 5000));
        g_assert_cmpint (g_get_monotonic_time () - started, >=, limit_ms * G_TIME_SPAN_MILLISECOND);
        /* The frame that comes late changes nothing. */
        pl_core_window_shown (core);
        g_assert_true (engine_running (engine));
        break;
      case STOP_WHILE_HELD:
        pl_core_stop (core);
        pl_core_window_shown (core);
        pl_test_spin (100);
        g_assert_false (engine_running (engine));
        break;
    }
  g_assert_cmpint (pl_thread_delivery_priority (), ==, G_PRIORITY_DEFAULT);
  pl_core_stop (core);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/core/window-hold/%s", cases[i].name);

      g_test_add_data_func (test_path, &cases[i], test_hold);
    }
  return g_test_run ();
}
