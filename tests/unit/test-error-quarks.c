/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error domains are matched by their registered names across processes (a
 * GError sent over D-Bus, a log line searched by an admin), so the names
 * must be exactly the intended ones: clang-format once rewrote every
 * G_DEFINE_QUARK name into "pl - park - service - error - quark". */
#include <string.h>

#include "pl-account-store.h"
#include "pl-call-manager.h"
#include "pl-engine.h"
#include "pl-event-body.h"
#include "pl-history.h"
#include "pl-lot-secrets.h"
#include "pl-park-feed.h"
#include "pl-park-profile.h"
#include "pl-park-service.h"
#include "pl-sip-uri.h"
#include "pl-subscriber.h"

typedef struct
{
  GQuark (*quark) (void);
  const char *name;
} Domain;

static const Domain domains[] = {
  { pl_account_store_error_quark, "pl-account-store-error-quark" },
  { pl_call_manager_error_quark, "pl-call-manager-error-quark" },
  { pl_engine_error_quark, "pl-engine-error-quark" },
  { pl_event_body_error_quark, "pl-event-body-error-quark" },
  { pl_history_error_quark, "pl-history-error-quark" },
  { pl_lot_secrets_error_quark, "pl-lot-secrets-error-quark" },
  { pl_park_feed_error_quark, "pl-park-feed-error-quark" },
  { pl_park_profile_error_quark, "pl-park-profile-error-quark" },
  { pl_park_service_error_quark, "pl-park-service-error-quark" },
  { pl_sip_uri_error_quark, "pl-sip-uri-error-quark" },
  { pl_subscriber_error_quark, "pl-subscriber-error-quark" },
};

static void
test_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      GQuark quark = domains[i].quark ();

      g_assert_cmpstr (g_quark_to_string (quark), ==, domains[i].name);
      g_assert_null (strchr (g_quark_to_string (quark), ' '));
      /* The same quark on every call, and the one the name looks up. */
      g_assert_cmpuint (domains[i].quark (), ==, quark);
      g_assert_cmpuint (g_quark_try_string (domains[i].name), ==, quark);
    }
}

/* Every PL_DEFINE_QUARK in the core is in the table above, so a new domain
 * cannot slip past this test. */
static void
test_table_complete (void)
{
  const char *root = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *core = g_build_filename (root, "..", "src", "core", NULL);
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  guint found = 0;

  g_ptr_array_add (dirs, g_strdup (core));
  while (dirs->len > 0)
    {
      g_autofree char *dir = g_ptr_array_steal_index (dirs, dirs->len - 1);
      g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
      const char *entry;

      g_assert_nonnull (listing);
      while ((entry = g_dir_read_name (listing)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, entry, NULL);
          g_autofree char *text = NULL;
          const char *at;

          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            {
              g_ptr_array_add (dirs, g_steal_pointer (&path));
              continue;
            }
          if (!g_str_has_suffix (entry, ".c") || !g_file_get_contents (path, &text, NULL, NULL))
            continue;
          g_assert_null (strstr (text, "G_DEFINE_QUARK ("));
          for (at = strstr (text, "\nPL_DEFINE_QUARK (\""); at;
               at = strstr (at + 1, "\nPL_DEFINE_QUARK (\""))
            {
              const char *name = at + strlen ("\nPL_DEFINE_QUARK (\"");
              gboolean listed = FALSE;

              for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
                listed |= strncmp (name, domains[i].name, strlen (domains[i].name)) == 0
                          && name[strlen (domains[i].name)] == '"';
              if (!listed)
                g_error ("%s defines an error domain missing from this test: %.40s", path, name);
              found++;
            }
        }
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (domains));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error-quarks/names", test_names);
  g_test_add_func ("/error-quarks/table-complete", test_table_complete);
  return g_test_run ();
}
