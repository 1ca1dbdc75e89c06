/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-sip-uri.h"

typedef struct
{
  const char *input;
  const char *domain;
  const char *expected; /* NULL: an error is expected */
  int error_code;
} NormalizeCase;

static const NormalizeCase normalize_cases[] = {
  { "201", "pbx.example.org", "sip:201@pbx.example.org" },
  { "  201 ", "pbx.example.org", "sip:201@pbx.example.org" },
  { "+49 (30) 1234-56", "pbx", "sip:+4930123456@pbx" },
  { "*97", "pbx", "sip:*97@pbx" },
  { "tel:+49-30-123", "127.0.0.1:5062", "sip:+4930123@127.0.0.1:5062" },
  { "alice", "pbx", "sip:alice@pbx" },
  { "alice@example.org", NULL, "sip:alice@example.org" },
  { "sip:201@pbx:5062", NULL, "sip:201@pbx:5062" },
  { "SIP:201@pbx", NULL, "sip:201@pbx" },
  { "sips:bob@secure.example.org", NULL, "sips:bob@secure.example.org" },
  { "sip:701@127.0.0.1;transport=tcp", NULL, "sip:701@127.0.0.1;transport=tcp" },
  { "sip:[::1]:5070", NULL, "sip:[::1]:5070" },
  { "Caller One <sip:201@pbx>", NULL, "sip:201@pbx" },
  { "", "pbx", NULL, PL_SIP_URI_ERROR_EMPTY },
  { "   ", "pbx", NULL, PL_SIP_URI_ERROR_EMPTY },
  { "201", NULL, NULL, PL_SIP_URI_ERROR_NO_DOMAIN },
  { "201", "", NULL, PL_SIP_URI_ERROR_NO_DOMAIN },
  { "sip:", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:@pbx", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pbx:0", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pbx:70000", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pbx:50a", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:2 01@pbx", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pb x", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@-pbx", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pbx;x=\"y\"", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "http://example.org", "pbx", NULL, PL_SIP_URI_ERROR_INVALID },
  { "hello world", "pbx", NULL, PL_SIP_URI_ERROR_INVALID },
  { "tel:abc", "pbx", NULL, PL_SIP_URI_ERROR_INVALID },
  { "a@b@c", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:201@pbx\n", NULL, "sip:201@pbx" },
  { "201\"; quit", "pbx", NULL, PL_SIP_URI_ERROR_INVALID },
  /* found by fuzz-sip-uri: control bytes and invalid UTF-8 in parameters */
  { "sip:701@127.0.0.1;tra\x10\xb1\x13", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
  { "sip:701@pbx;x=\xc3\xa4", NULL, NULL, PL_SIP_URI_ERROR_INVALID },
};

static void
test_normalize (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (normalize_cases); i++)
    {
      const NormalizeCase *c = &normalize_cases[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *uri = pl_sip_uri_normalize (c->input, c->domain, &error);

      g_test_message ("case %u: “%s”", i, c->input);
      if (c->expected)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (uri, ==, c->expected);
          g_assert_true (pl_sip_uri_is_valid (uri));
        }
      else
        {
          g_assert_null (uri);
          g_assert_error (error, PL_SIP_URI_ERROR, c->error_code);
          g_assert_nonnull (error->message);
        }
    }
}

typedef struct
{
  const char *uri;
  const char *user;
  const char *host;
  const char *display;
} PartsCase;

static const PartsCase parts_cases[] = {
  { "sip:201@127.0.0.1:5080", "201", "127.0.0.1:5080", "201" },
  { "sip:caller1@pbx;transport=tcp", "caller1", "pbx", "caller1" },
  { "sips:pbx.example.org", NULL, "pbx.example.org", "pbx.example.org" },
  { "tel:+4930123", "+4930123", "+4930123", "+4930123" },
  { "<sip:701@pbx>", NULL, NULL, NULL },
};

static void
test_parts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parts_cases) - 1; i++)
    {
      const PartsCase *c = &parts_cases[i];
      g_autofree char *user = pl_sip_uri_dup_user (c->uri);
      g_autofree char *host = pl_sip_uri_dup_host (c->uri);
      g_autofree char *display = pl_sip_uri_dup_display_user (c->uri);

      g_assert_cmpstr (user, ==, c->user);
      g_assert_cmpstr (host, ==, c->host);
      g_assert_cmpstr (display, ==, c->display);
    }
  g_assert_true (pl_sip_uri_same_user ("sip:201@127.0.0.1", "sip:201@pbx.example.org:5080"));
  g_assert_false (pl_sip_uri_same_user ("sip:201@pbx", "sip:202@pbx"));
  g_assert_false (pl_sip_uri_same_user ("sip:pbx", "sip:pbx"));
}

static void
test_party_title (void)
{
  static const struct
  {
    const char *name;
    const char *uri;
    const char *title;
  } cases[] = {
    { "Caller One", "sip:201@pbx", "Caller One" },
    { "", "sip:201@pbx", "201" },
    { NULL, "sip:201@pbx", "201" },
    { NULL, "sip:pbx.example.org", "pbx.example.org" },
    { "", NULL, NULL },
    { NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = pl_sip_party_title (cases[i].name, cases[i].uri);
      g_assert_cmpstr (title, ==, cases[i].title);
    }
}

static void
test_dtmf (void)
{
  const char *valid[] = { "1", "0123456789", "*#", "ABCD", "a" };
  const char *invalid[] = { "", "E", "1 2", "12;", "+" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (pl_dtmf_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (pl_dtmf_is_valid (invalid[i]));
  g_assert_false (pl_dtmf_is_valid (NULL));
}

static void
test_refer_to_replaces (void)
{
  static const struct
  {
    const char *target, *call_id, *to_tag, *from_tag, *expected;
  } cases[] = {
    /* baresip's own Call-IDs and tags, as in the 1.0.0 trace fixture */
    { "sip:101@127.0.0.1:5060;transport=udp", "8cbdf2563d0eb6e5", "f2888a54a25cb711",
      "a5a915aa27076ae8",
      "<sip:101@127.0.0.1:5060;transport=udp?Replaces=8cbdf2563d0eb6e5%3Bto-tag%3Df2888a54a25cb711"
      "%3Bfrom-tag%3Da5a915aa27076ae8>" },
    /* RFC 5589 style Call-ID with '@', tags with token marks */
    { "sips:bob@example.com", "090459243588173445@a.example", "7553452", "31431.x-~",
      "<sips:bob@example.com?Replaces=090459243588173445%40a.example%3Bto-tag%3D7553452"
      "%3Bfrom-tag%3D31431.x-~>" },
    { "sip:b@h", "a;b=c%d", "t", "f",
      "<sip:b@h?Replaces=a%3Bb%3Dc%25d%3Bto-tag%3Dt%3Bfrom-tag%3Df>" },
    { "sip:b@h?x=1", "c", "t", "f", NULL },
    { "tel:101", "c", "t", "f", NULL },
    { "sip:b@h", "", "t", "f", NULL },
    { "sip:b@h", "c", NULL, "f", NULL },
    { "sip:b@h", "c", "t", "f g", NULL },
    { "sip:b@h", "c\r\nX: y", "t", "f", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *value = pl_sip_refer_to_replaces (cases[i].target, cases[i].call_id,
                                                         cases[i].to_tag, cases[i].from_tag);
      g_test_message ("case %u", i);
      g_assert_cmpstr (value, ==, cases[i].expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/sip-uri/normalize", test_normalize);
  g_test_add_func ("/sip-uri/parts", test_parts);
  g_test_add_func ("/sip-uri/party-title", test_party_title);
  g_test_add_func ("/sip-uri/dtmf", test_dtmf);
  g_test_add_func ("/sip-uri/refer-to-replaces", test_refer_to_replaces);
  return g_test_run ();
}
