/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-core-keyfile"

/* --account-file: which parts of the file a run takes over. */

#include "config.h"

#include <glib/gstdio.h>

#include "pl-core.h"
#include "pl-script-engine.h"
#include "pl-test-util.h"

#define ACCOUNT "[account]\nid=desk\nuser=alice\ndomain=127.0.0.1\npassword=pw\n"
#define LOT(name, first, last)                                                                     \
  "[lot " name "]\nprofile=asterisk\nfirst-slot=" first "\nlast-slot=" last "\n"

typedef struct
{
  const char *name;
  const char *text;
  gboolean ok;
  int n_run_lots; /* -1: the stored lots stay in charge */
} Case;

static const Case cases[] = {
  { "account-and-lots", ACCOUNT LOT ("Front Desk", "701", "710") LOT ("Sales", "801", "810"), TRUE,
    2 },
  { "account-only", ACCOUNT, TRUE, -1 },
  { "no-account", LOT ("Front Desk", "701", "710"), FALSE, -1 },
  { "inverted-lot", ACCOUNT LOT ("Broken", "710", "701"), FALSE, -1 },
  { "overlapping-lots", ACCOUNT LOT ("Front Desk", "701", "710") LOT ("Sales", "705", "720"), FALSE,
    -1 },
  { "not-a-keyfile", "account = desk\n", FALSE, -1 },
};

static void
test_keyfile (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (PlScriptEngine) engine = pl_script_engine_new (NULL);
  g_autoptr (PlCore) core = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = pl_test_make_dir ("keyfile");
  g_autofree char *path = g_build_filename (dir, "desk.conf", NULL);
  g_autofree char *history = g_build_filename (dir, "history.db", NULL);
  GPtrArray *run_lots;
  gboolean ok;

  g_assert_true (g_file_set_contents (path, c->text, -1, NULL));
  core = pl_core_new (PL_ENGINE (engine), settings, history);
  ok = pl_core_use_keyfile (core, path, &error);
  if (error)
    g_test_message ("%s", error->message);
  g_assert_cmpint (ok, ==, c->ok);
  if (!c->ok)
    {
      g_assert_nonnull (error);
      g_assert_null (pl_core_get_run_lots (core));
      return;
    }
  g_assert_no_error (error);
  run_lots = pl_core_get_run_lots (core);
  if (c->n_run_lots < 0)
    g_assert_null (run_lots);
  else
    g_assert_cmpuint (run_lots->len, ==, (guint)c->n_run_lots);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/account-file/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_keyfile);
    }
  return g_test_run ();
}
