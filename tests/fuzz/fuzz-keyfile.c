/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <string.h>

#include "pl-account-store.h"
#include "pl-baresip-config.h"
#include "pl-park-profile.h"
#include "pl-test-util.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Input: a provisioning file (`parkline --provision FILE`, `--account-file`),
 * which admins hand to users: an [account] group and [lot NAME] groups. */

static void
check_account (PlAccount *account)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_true (pl_account_validate (account, NULL));
  /* The account line goes to baresip as one command parameter: it either
   * is refused with a reason or stays one line. */
  line = pl_baresip_account_line (account, 600, &error);
  g_assert_true ((line == NULL) == (error != NULL));
  if (line != NULL)
    g_assert_null (strpbrk (line, "\r\n"));
}

static void
check_lots (GPtrArray *lots)
{
  g_autoptr (GKeyFile) saved = g_key_file_new ();
  g_autoptr (GPtrArray) reloaded = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (pl_park_lot_configs_validate (lots, NULL));
  for (guint i = 0; i < lots->len; i++)
    {
      const PlParkLotConfig *lot = g_ptr_array_index (lots, i);
      guint n = pl_park_lot_config_n_slots (lot);

      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n, <=, 1000);
      /* Every slot can be retrieved and watched (or fails with a reason). */
      for (int slot = lot->first_slot; slot <= lot->last_slot; slot += MAX (1, n / 4))
        {
          g_autoptr (GError) uri_error = NULL;
          g_autofree char *uri = pl_park_lot_config_retrieve_uri (lot, slot, "pbx", &uri_error);

          g_assert_true ((uri == NULL) == (uri_error != NULL));
          g_free (pl_park_lot_config_subscribe_uri (lot, slot, "pbx", NULL));
          g_free (pl_park_lot_config_park_uri (lot, slot, "pbx", NULL));
        }
      g_free (pl_park_lot_config_park_uri (lot, PL_PARK_ANY_SLOT, "pbx", NULL));
    }

  /* What Preferences saves loads back the same. */
  pl_park_lot_configs_save (lots, saved);
  reloaded = pl_park_lot_configs_load (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reloaded->len, ==, lots->len);
  for (guint i = 0; i < lots->len; i++)
    pl_test_assert_same_lot_config (g_ptr_array_index (lots, i), g_ptr_array_index (reloaded, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (PlAccount) account = NULL;
  g_autoptr (GPtrArray) lots = NULL;
  g_autoptr (GError) account_error = NULL;
  g_autoptr (GError) lots_error = NULL;

  if (!g_key_file_load_from_data (keyfile, (const char *)data, size, G_KEY_FILE_NONE, NULL))
    return 0;

  account = pl_account_from_keyfile (keyfile, &account_error);
  g_assert_true ((account == NULL) == (account_error != NULL));
  if (account != NULL)
    check_account (account);

  lots = pl_park_lot_configs_load (keyfile, &lots_error);
  g_assert_true ((lots == NULL) == (lots_error != NULL));
  if (lots != NULL)
    check_lots (lots);
  return 0;
}
