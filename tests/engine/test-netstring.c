/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-netstring"

#include <string.h>

#include "pl-netstring.h"

typedef struct
{
  const char *name;
  const char *input;
  gsize chunk; /* feed in pieces of this size; 0 = all at once */
  const char *frames[4];
  gboolean error;
  gsize pending; /* bytes left over when no error */
} Case;

static const Case cases[] = {
  { "one", "5:hello,", 0, { "hello" }, FALSE, 0 },
  { "empty", "0:,", 0, { "" }, FALSE, 0 },
  { "two-in-one-read", "3:abc,2:de,", 0, { "abc", "de" }, FALSE, 0 },
  { "byte-by-byte", "3:abc,2:de,", 1, { "abc", "de" }, FALSE, 0 },
  { "split-3", "10:{\"a\":true},0:,4:x:y,,", 3, { "{\"a\":true}", "", "x:y," }, FALSE, 0 },
  { "partial-length", "12", 0, { NULL }, FALSE, 2 },
  { "partial-payload", "5:hel", 0, { NULL }, FALSE, 5 },
  { "frame-then-partial", "2:ab,3:c", 1, { "ab" }, FALSE, 3 },
  { "garbage", "hello", 0, { NULL }, TRUE, 0 },
  { "garbage-after-frame", "1:a,x", 0, { "a" }, TRUE, 0 },
  { "no-length", ":abc,", 0, { NULL }, TRUE, 0 },
  { "leading-zero", "05:hello,", 0, { NULL }, TRUE, 0 },
  { "leading-zero-split", "05:hello,", 1, { NULL }, TRUE, 0 },
  { "oversized", "2000:", 0, { NULL }, TRUE, 0 },
  { "overlong-digits", "00000000000000000001:a,", 0, { NULL }, TRUE, 0 },
  { "huge-number", "99999999999999999999999:", 0, { NULL }, TRUE, 0 },
  { "missing-comma", "3:abcX", 0, { NULL }, TRUE, 0 },
  { "missing-comma-split", "3:abc;1:a,", 2, { NULL }, TRUE, 0 },
  { "negative", "-1:,", 0, { NULL }, TRUE, 0 },
  { "space", " 1:a,", 0, { NULL }, TRUE, 0 },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (PlNetstringDecoder) decoder = pl_netstring_decoder_new (1000);
  gsize len = strlen (c->input), chunk = c->chunk ? c->chunk : len, got = 0;
  gboolean errored = FALSE;

  for (gsize off = 0; off < len && !errored; off += chunk)
    {
      pl_netstring_decoder_feed (decoder, c->input + off, MIN (chunk, len - off));
      for (;;)
        {
          g_autofree char *frame = NULL;
          gsize frame_len = 0;
          const char *why = NULL;
          PlNetstringStatus status = pl_netstring_decoder_next (decoder, &frame, &frame_len, &why);

          if (status == PL_NETSTRING_NEED_MORE)
            break;
          if (status == PL_NETSTRING_ERROR)
            {
              g_assert_nonnull (why);
              errored = TRUE;
              break;
            }
          g_assert_cmpuint (got, <, G_N_ELEMENTS (c->frames));
          g_assert_nonnull (c->frames[got]);
          g_assert_cmpstr (frame, ==, c->frames[got]);
          g_assert_cmpuint (frame_len, ==, strlen (c->frames[got]));
          got++;
        }
    }
  g_assert_cmpint (errored, ==, c->error);
  g_assert_true (got == G_N_ELEMENTS (c->frames) || c->frames[got] == NULL);
  if (!c->error)
    g_assert_cmpuint (pl_netstring_decoder_pending (decoder), ==, c->pending);
}

static void
test_error_is_sticky (void)
{
  g_autoptr (PlNetstringDecoder) decoder = pl_netstring_decoder_new (0);
  g_autofree char *frame = NULL;

  pl_netstring_decoder_feed (decoder, "x", 1);
  g_assert_cmpint (pl_netstring_decoder_next (decoder, &frame, NULL, NULL), ==, PL_NETSTRING_ERROR);
  pl_netstring_decoder_feed (decoder, "1:a,", 4);
  g_assert_cmpint (pl_netstring_decoder_next (decoder, &frame, NULL, NULL), ==, PL_NETSTRING_ERROR);
  g_assert_null (frame);
}

static void
test_encode_roundtrip (void)
{
  const char *payloads[] = { "", "a", "{\"command\":\"dial\"}", "with,comma:colon" };

  for (gsize i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autoptr (PlNetstringDecoder) decoder = pl_netstring_decoder_new (0);
      gsize len = 0, out_len = 0;
      g_autofree char *encoded = pl_netstring_encode (payloads[i], strlen (payloads[i]), &len);
      g_autofree char *decoded = NULL;

      g_assert_cmpuint (len, ==, strlen (encoded));
      pl_netstring_decoder_feed (decoder, encoded, len);
      g_assert_cmpint (pl_netstring_decoder_next (decoder, &decoded, &out_len, NULL), ==,
                       PL_NETSTRING_FRAME);
      g_assert_cmpstr (decoded, ==, payloads[i]);
    }
  {
    g_autofree char *e = pl_netstring_encode ("hello", 5, NULL);
    g_assert_cmpstr (e, ==, "5:hello,");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/netstring/decode/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/netstring/error-is-sticky", test_error_is_sticky);
  g_test_add_func ("/netstring/encode", test_encode_roundtrip);
  return g_test_run ();
}
