/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test PBX's NOTIFY bodies against the recorded Asterisk 22 and
 * FreeSWITCH 1.10 ones: byte for byte where the trace has no random part,
 * by Content-Length otherwise. */
#define G_LOG_DOMAIN "test-pbx-bodies"

#include "pl-test-util.h"
#include "pbx.h"

static char *
trace (const char *rel)
{
  g_autofree char *path = pl_test_shared_fixture (rel);
  char *text = NULL;
  if (!path || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
test_asterisk_bodies (void)
{
  g_autofree char *s13
      = trace ("asterisk-22/traces/s1-3_refer_park_700_then_bob_retrieves_701.txt");
  static const struct
  {
    PbxBodyType type;
    bool busy;
    guint version;
    gsize length; /* Content-Length in the trace */
    gboolean exact;
  } rows[] = {
    { BODY_DIALOG, false, 0, 226, TRUE }, { BODY_DIALOG, true, 1, 225, TRUE },
    { BODY_PIDF, false, 0, 387, TRUE },   { BODY_PIDF, true, 0, 472, TRUE },
    { BODY_XPIDF, false, 0, 339, FALSE }, { BODY_XPIDF, true, 0, 344, FALSE },
  };

  if (!s13)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *body = NULL;
      switch (rows[i].type)
        {
          case BODY_DIALOG:
            body = pbx_body_dialog ("701", "127.0.0.1:5070", rows[i].version, rows[i].busy,
                                    PBX_PROFILE_ASTERISK, NULL, NULL);
            break;
          case BODY_PIDF:
            body = pbx_body_pidf ("701", "127.0.0.1:5070", rows[i].busy, "sip:bob@127.0.0.1",
                                  PBX_PROFILE_ASTERISK);
            break;
          default:
            body = pbx_body_xpidf ("701", "127.0.0.1:5070", rows[i].busy, "sip:bob@127.0.0.1");
            break;
        }
      g_test_message ("row %u: %zu bytes", i, strlen (body));
      g_assert_cmpuint (strlen (body), ==, rows[i].length);
      if (rows[i].exact)
        g_assert_nonnull (strstr (s13, body));
    }
}

static void
test_freeswitch_bodies (void)
{
  g_autofree char *fs = trace (
      "freeswitch-1.10/traces/s1_refer_to_slot_6001_then_1001_retrieves.1001-blf-subscriber.txt");
  g_autofree char *free_b = NULL, *busy_b = NULL;

  if (!fs)
    return;
  free_b = pbx_body_dialog ("6001", "127.0.0.1", 0, false, PBX_PROFILE_FREESWITCH, NULL, NULL);
  busy_b = pbx_body_dialog ("6001", "127.0.0.1", 1, true, PBX_PROFILE_FREESWITCH, NULL, NULL);
  g_assert_cmpuint (strlen (free_b), ==, 229);
  g_assert_cmpuint (strlen (busy_b), ==, 514);
  g_assert_nonnull (strstr (fs, free_b));
  g_assert_nonnull (strstr (fs, busy_b));
}

static void
test_identity_body (void)
{
  g_autofree char *b = pbx_body_dialog ("701", "127.0.0.1:5070", 3, true, PBX_PROFILE_IDENTITY,
                                        "Caller One", "sip:201@127.0.0.1");
  g_assert_nonnull (
      strstr (b, "<remote>\n   <identity display=\"Caller One\">sip:201@127.0.0.1</identity>"));
  g_assert_nonnull (strstr (b, "<state>confirmed</state>"));
  g_assert_nonnull (strstr (b, "version=\"3\""));
}

static void
test_choose (void)
{
  static const struct
  {
    const char *event, *accept;
    gboolean ok;
    PbxBodyType type;
  } rows[] = {
    { "dialog", NULL, TRUE, BODY_DIALOG },
    { "presence", NULL, TRUE, BODY_PIDF },
    { "dialog", "application/pidf+xml, application/dialog-info+xml", TRUE, BODY_PIDF },
    { "presence", "application/dialog-info+xml", TRUE, BODY_DIALOG },
    { "dialog", "application/xpidf+xml", TRUE, BODY_XPIDF },
    { "presence", "application/cpim-pidf+xml", TRUE, BODY_CPIM_PIDF },
    { "dialog", "text/plain", TRUE, BODY_DIALOG },
    { "foo", NULL, FALSE, BODY_DIALOG },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      PbxBodyType t = BODY_DIALOG;
      g_assert_cmpint (pbx_body_choose (rows[i].event, rows[i].accept, &t), ==, rows[i].ok);
      if (rows[i].ok)
        g_assert_cmpint (t, ==, rows[i].type);
    }
}

static void
test_ulaw (void)
{
  /* G.711 reference points */
  g_assert_cmpuint (pbx_ulaw_encode (0), ==, 0xff);
  g_assert_cmpuint (pbx_ulaw_encode (-1), ==, 0x7f);
  g_assert_cmpuint (pbx_ulaw_encode (32767), ==, 0x80);
  g_assert_cmpuint (pbx_ulaw_encode (-32768), ==, 0x00);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pbx/bodies/asterisk", test_asterisk_bodies);
  g_test_add_func ("/pbx/bodies/freeswitch", test_freeswitch_bodies);
  g_test_add_func ("/pbx/bodies/identity", test_identity_body);
  g_test_add_func ("/pbx/bodies/choose", test_choose);
  g_test_add_func ("/pbx/bodies/ulaw", test_ulaw);
  return g_test_run ();
}
