/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <string.h>

#include "pl-park-profile.h"
#include "pl-sip-uri.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Input: the account's domain on the first line, then what a person typed,
 * pasted or clicked (a sip:/tel: link) as the rest. The same functions
 * also take peer URIs and display names from SIP messages. */

/* What the engine refuses to put on its command line (see uri_ok()). */
static gboolean
has_blank_or_control (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p; p++)
    if (*p <= ' ' || *p == 0x7f)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *nl = size > 0 ? memchr (data, '\n', size) : NULL;
  g_autofree char *domain = NULL;
  g_autofree char *text = NULL;
  g_autofree char *domain_uri = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlParkLotConfig) lot = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_FREESWITCH);

  if (nl == NULL)
    return 0;
  domain = g_strndup ((const char *)data, (const uint8_t *)nl - data);
  text = g_strndup (nl + 1, size - ((const uint8_t *)nl - data) - 1);

  uri = pl_sip_uri_normalize (text, domain, &error);
  g_assert_true ((uri == NULL) == (error != NULL));
  if (uri != NULL)
    {
      g_autofree char *again = NULL;

      g_assert_true (g_str_has_prefix (uri, "sip:") || g_str_has_prefix (uri, "sips:"));
      /* With a domain an account can have (host[:port], as
       * pl_account_validate() checks it) the result is a URI the engine can dial,
       * and normalising it again changes nothing. */
      domain_uri = g_strconcat ("sip:", domain, NULL);
      if (pl_sip_uri_is_valid (domain_uri) && strpbrk (domain, "@;") == NULL)
        {
          g_assert_true (pl_sip_uri_is_valid (uri));
          g_assert_false (has_blank_or_control (uri));
          again = pl_sip_uri_normalize (uri, domain, NULL);
          g_assert_cmpstr (again, ==, uri);
        }
    }
  else
    g_assert_true (error->domain == PL_SIP_URI_ERROR && error->message != NULL);

  /* The rest must merely survive anything. */
  g_free (pl_sip_uri_dup_user (text));
  g_free (pl_sip_uri_dup_host (text));
  g_free (pl_sip_uri_dup_display_user (text));
  g_free (pl_sip_party_title (domain, text));
  g_free (pl_sip_party_title (NULL, text));
  (void)pl_sip_uri_same_user (text, domain);
  (void)pl_dtmf_is_valid (text);
  {
    int slot = pl_park_lot_config_slot_from_uri (lot, text);
    g_assert_true (slot == -1 || pl_park_lot_config_has_slot (lot, slot));
  }
  if (pl_park_template_validate (text, FALSE, NULL))
    {
      g_autofree char *expanded = pl_park_expand_template (text, 6001, "pbx.example.org", NULL);
      g_assert_nonnull (expanded);
      g_assert_false (has_blank_or_control (expanded));
    }
  return 0;
}
