/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The -s trace of a real baresip 1.0.0 (tests/engine/fixtures) gives the
 * dialog tags ctrl_tcp never reports, in whatever chunks stdout delivers. */
#include <string.h>

#include "pl-sip-trace.h"
#include "pl-test-util.h"

typedef struct
{
  const char *call_id;
  const char *from_tag;
  const char *to_tag;
} Expected;

/* In trace order: the page call we placed, Caller One's call we answered
 * (our 200 OK), its hold re-INVITE we sent (tags the other way round), the
 * consultation call we placed, and the resume of the first call. */
static const Expected expected[] = {
  { "8b76eda4ffcd8bb7", "89d0029f0187a44d", "57da4466b13722ce" },
  { "2fc5a06b6028a748", "6b8ea1067c47a08a", "85b48e77f4d73857" },
  { "2fc5a06b6028a748", "85b48e77f4d73857", "6b8ea1067c47a08a" },
  { "8cbdf2563d0eb6e5", "a5a915aa27076ae8", "f2888a54a25cb711" },
  { "2fc5a06b6028a748", "85b48e77f4d73857", "6b8ea1067c47a08a" },
};

static char *
read_fixture (gsize *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "engine", "fixtures",
                                                 "baresip-1.0.0-sip-trace.txt", NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, length, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_real_trace (void)
{
  static const gsize chunks[] = { 1, 2, 7, 100, 1500, 4096, 1 << 20 };
  gsize length = 0;
  g_autofree char *text = read_fixture (&length);

  for (gsize c = 0; c < G_N_ELEMENTS (chunks); c++)
    {
      g_autoptr (PlSipTrace) trace = pl_sip_trace_new ();
      g_autoptr (GPtrArray) all
          = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_sip_trace_dialog_free);

      g_test_message ("chunk size %" G_GSIZE_FORMAT, chunks[c]);
      for (gsize pos = 0; pos < length; pos += chunks[c])
        {
          g_autoptr (GPtrArray) found
              = pl_sip_trace_feed (trace, text + pos, MIN (chunks[c], length - pos));
          for (guint i = 0; found && i < found->len; i++)
            g_ptr_array_add (all, g_steal_pointer (&g_ptr_array_index (found, i)));
          if (found)
            g_ptr_array_set_free_func (found, NULL);
        }
      g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (expected));
      for (guint i = 0; i < all->len; i++)
        {
          const PlSipTraceDialog *d = g_ptr_array_index (all, i);
          g_assert_cmpstr (d->call_id, ==, expected[i].call_id);
          g_assert_cmpstr (d->from_tag, ==, expected[i].from_tag);
          g_assert_cmpstr (d->to_tag, ==, expected[i].to_tag);
        }
    }
}

typedef struct
{
  const char *message;
  const char *call_id; /* NULL: no dialog */
  const char *from_tag;
  const char *to_tag;
} MessageCase;

static const MessageCase message_cases[] = {
  /* compact headers, spaces around the tag, LF only */
  { "SIP/2.0 200 OK\ni: abc@host\nf: <sip:a@h>; tag = x1\nt: \"B\" <sip:b@h;transport=udp>;tag=y2\n"
    "CSeq: 2 INVITE\n\n",
    "abc@host", "x1", "y2" },
  /* a tag-like parameter inside the URI is no tag */
  { "SIP/2.0 200 OK\r\nCall-ID: c\r\nFrom: <sip:a@h;tag=uri>;tag=f\r\nTo: <sip:b@h>;tag=t\r\n"
    "CSeq: 1 INVITE\r\n\r\n",
    "c", "f", "t" },
  /* not INVITE, not 2xx, no tag, no Call-ID, a request */
  { "SIP/2.0 200 OK\r\nCall-ID: c\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\n"
    "CSeq: 1 BYE\r\n\r\n",
    NULL },
  { "SIP/2.0 180 Ringing\r\nCall-ID: c\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\n"
    "CSeq: 1 INVITE\r\n\r\n",
    NULL },
  { "SIP/2.0 200 OK\r\nCall-ID: c\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\n"
    "CSeq: 1 INVITE\r\n\r\n",
    NULL },
  { "SIP/2.0 200 OK\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\nCSeq: 1 INVITE\r\n\r\n",
    NULL },
  { "INVITE sip:b@h SIP/2.0\r\nCall-ID: c\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\n"
    "CSeq: 1 INVITE\r\n\r\n",
    NULL },
  /* headers in the body do not count */
  { "SIP/2.0 200 OK\r\nCall-ID: c\r\nFrom: <sip:a@h>;tag=f\r\nCSeq: 1 INVITE\r\n\r\n"
    "To: <sip:b@h>;tag=t\r\n",
    NULL },
  { "", NULL },
};

static void
test_messages (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (message_cases); i++)
    {
      const MessageCase *c = &message_cases[i];
      g_autoptr (PlSipTraceDialog) d = pl_sip_trace_parse_message (c->message, strlen (c->message));

      g_test_message ("case %u", i);
      if (c->call_id == NULL)
        {
          g_assert_null (d);
          continue;
        }
      g_assert_nonnull (d);
      g_assert_cmpstr (d->call_id, ==, c->call_id);
      g_assert_cmpstr (d->from_tag, ==, c->from_tag);
      g_assert_cmpstr (d->to_tag, ==, c->to_tag);
    }
}

/* Log lines between blocks, a block cut by other output, garbage that
 * never ends: skipped without losing the next good block. */
static void
test_noise (void)
{
  static const char good[] = "\x1b[36;1m#\nUDP 1 -> 2\nSIP/2.0 200 OK\r\nCall-ID: ok\r\n"
                             "From: <sip:a@h>;tag=f\r\nTo: <sip:b@h>;tag=t\r\nCSeq: 9 INVITE\r\n"
                             "\r\n\x1b[;m\n";
  g_autoptr (PlSipTrace) trace = pl_sip_trace_new ();
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autofree char *flood = g_strnfill (70 * 1024, 'x');

  none = pl_sip_trace_feed (trace, "baresip is ready.\n\x1b[31mwarning\x1b[;m\n", 36);
  g_assert_null (none);
  none = pl_sip_trace_feed (trace, "\x1b[36;1m#\nUDP 1 -> 2\n", 20);
  g_assert_null (none);
  none = pl_sip_trace_feed (trace, flood, strlen (flood));
  g_assert_null (none);
  found = pl_sip_trace_feed (trace, good, strlen (good));
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((PlSipTraceDialog *)g_ptr_array_index (found, 0))->call_id, ==, "ok");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-trace/real-baresip-trace", test_real_trace);
  g_test_add_func ("/sip-trace/messages", test_messages);
  g_test_add_func ("/sip-trace/noise", test_noise);
  return g_test_run ();
}
