/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pl-event-body.h"

#include <string.h>

/* Fixtures are NOTIFY bodies cut from the shared Asterisk 22 and FreeSWITCH
 * 1.10 traces (see tests/park/fixtures/README). */
static char *
load_fixture (const char *name, gsize *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "park", "fixtures", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

typedef struct
{
  const char *fixture;
  guint32 version;
  gboolean full;
  const char *entity;
  guint n_dialogs;
  gboolean busy;
  PlDialogState first_state;
  const char *remote_display;
  const char *remote_uri;
} DialogCase;

static const DialogCase dialog_cases[] = {
  { "ast-701-v0-free.xml", 0, TRUE, "sip:701@127.0.0.1:5070", 1, FALSE,
    PL_DIALOG_STATE_TERMINATED },
  { "ast-701-v1-busy.xml", 1, TRUE, "sip:701@127.0.0.1:5070", 1, TRUE, PL_DIALOG_STATE_CONFIRMED },
  { "ast-701-v2-free.xml", 2, TRUE, "sip:701@127.0.0.1:5070", 1, FALSE,
    PL_DIALOG_STATE_TERMINATED },
  { "ast-100-v1-early.xml", 1, TRUE, "sip:100@127.0.0.1:5070", 1, TRUE, PL_DIALOG_STATE_EARLY,
    "Caller One", "sip:201@127.0.0.1" },
  { "fs-6001-v0-free.xml", 0, TRUE, "sip:park+6001@127.0.0.1", 1, FALSE,
    PL_DIALOG_STATE_TERMINATED },
  { "fs-6001-v1-busy.xml", 1, TRUE, "sip:park+6001@127.0.0.1", 1, TRUE, PL_DIALOG_STATE_CONFIRMED,
    "park", "sip:6001" },
  { "fs-6001-v2-free.xml", 2, TRUE, "sip:park+6001@127.0.0.1", 1, FALSE,
    PL_DIALOG_STATE_TERMINATED },
  { "fs-6001-plain-empty.xml", 0, TRUE, "sip:6001@127.0.0.1", 0, FALSE },
};

static void
test_dialog_info_fixtures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (dialog_cases); i++)
    {
      const DialogCase *c = &dialog_cases[i];
      gsize length;
      g_autofree char *body = load_fixture (c->fixture, &length);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlDialogInfo) info = NULL;

      g_test_message ("fixture %s", c->fixture);
      info = pl_dialog_info_parse (body, length, &error);
      g_assert_no_error (error);
      g_assert_nonnull (info);
      g_assert_cmpuint (info->version, ==, c->version);
      g_assert_cmpint (info->full, ==, c->full);
      g_assert_cmpstr (info->entity, ==, c->entity);
      g_assert_cmpuint (info->dialogs->len, ==, c->n_dialogs);
      g_assert_cmpint (pl_dialog_info_is_busy (info), ==, c->busy);
      if (c->n_dialogs > 0)
        {
          PlDialogInfoDialog *d = g_ptr_array_index (info->dialogs, 0);

          g_assert_cmpint (d->state, ==, c->first_state);
          g_assert_cmpstr (d->remote.display, ==, c->remote_display);
          g_assert_cmpstr (d->remote.uri, ==, c->remote_uri);
        }
    }
}

static void
test_dialog_info_details (void)
{
  static const char body[]
      = "<?xml version=\"1.0\"?>\n"
        "<d:dialog-info xmlns:d=\"urn:ietf:params:xml:ns:dialog-info\" version=\"4294967295\"\n"
        "   state=\"partial\" entity=\"sip:702@pbx\">\n"
        " <d:dialog id=\"a\" call-id=\"c1@h\" local-tag=\"lt\" remote-tag=\"rt\" "
        "direction=\"initiator\">\n"
        "  <d:state event=\"replaced\" code=\"486\">terminated</d:state>\n"
        "  <d:local><d:identity display=\"Me\">sip:me@pbx</d:identity>"
        "<d:target uri=\"sip:me@10.0.0.1\"/></d:local>\n"
        "  <x:unknown xmlns:x=\"urn:example\"><d:dialog id=\"nested\"/></x:unknown>\n"
        " </d:dialog>\n"
        " <d:dialog id=\"b\"><d:state>early</d:state>"
        "<d:remote><d:identity>sip:201@pbx</d:identity></d:remote></d:dialog>\n"
        " <other:dialog xmlns:other=\"urn:other\" id=\"ignored\"/>\n"
        "</d:dialog-info>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (PlDialogInfo) info = pl_dialog_info_parse (body, strlen (body), &error);
  PlDialogInfoDialog *a, *b;

  g_assert_no_error (error);
  g_assert_false (info->full);
  g_assert_cmpuint (info->version, ==, G_MAXUINT32);
  g_assert_cmpuint (info->dialogs->len, ==, 2);
  a = g_ptr_array_index (info->dialogs, 0);
  b = g_ptr_array_index (info->dialogs, 1);
  g_assert_cmpstr (a->id, ==, "a");
  g_assert_cmpstr (a->call_id, ==, "c1@h");
  g_assert_cmpstr (a->local_tag, ==, "lt");
  g_assert_cmpstr (a->remote_tag, ==, "rt");
  g_assert_cmpint (a->direction, ==, PL_DIALOG_DIRECTION_INITIATOR);
  g_assert_cmpint (a->state, ==, PL_DIALOG_STATE_TERMINATED);
  g_assert_cmpstr (a->state_event, ==, "replaced");
  g_assert_cmpint (a->state_code, ==, 486);
  g_assert_cmpstr (a->local.display, ==, "Me");
  g_assert_cmpstr (a->local.uri, ==, "sip:me@pbx");
  g_assert_cmpstr (a->local.target, ==, "sip:me@10.0.0.1");
  g_assert_null (a->remote.uri);
  g_assert_cmpstr (b->id, ==, "b");
  g_assert_cmpint (b->state, ==, PL_DIALOG_STATE_EARLY);
  g_assert_null (b->remote.display);
  g_assert_cmpstr (b->remote.uri, ==, "sip:201@pbx");
  g_assert_true (pl_dialog_info_is_busy (info));
  g_assert_cmpstr (pl_dialog_state_to_string (b->state), ==, "early");
}

typedef struct
{
  const char *fixture;
  gboolean busy;
  gboolean on_the_phone;
  const char *note;
  PlPresenceBasic basic;
} PresenceCase;

static const PresenceCase presence_cases[] = {
  { "ast-701-pidf-ready.xml", FALSE, FALSE, "Ready", PL_PRESENCE_BASIC_OPEN },
  { "ast-701-pidf-onthephone.xml", TRUE, TRUE, "On the phone", PL_PRESENCE_BASIC_OPEN },
  { "ast-701-xpidf-open.xml", FALSE, FALSE, NULL, PL_PRESENCE_BASIC_OPEN },
  { "ast-701-xpidf-inuse.xml", TRUE, TRUE, NULL, PL_PRESENCE_BASIC_OPEN },
  { "fs-6001-pidf-empty.xml", FALSE, FALSE, "Empty", PL_PRESENCE_BASIC_OPEN },
  { "fs-6001-pidf-holding.xml", TRUE, TRUE, "Holding", PL_PRESENCE_BASIC_OPEN },
};

static void
test_presence_fixtures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (presence_cases); i++)
    {
      const PresenceCase *c = &presence_cases[i];
      gsize length;
      g_autofree char *body = load_fixture (c->fixture, &length);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlPresence) p = NULL;

      g_test_message ("fixture %s", c->fixture);
      p = pl_presence_parse (body, length, &error);
      g_assert_no_error (error);
      g_assert_cmpint (p->busy, ==, c->busy);
      g_assert_cmpint (p->on_the_phone, ==, c->on_the_phone);
      g_assert_cmpstr (p->note, ==, c->note);
      g_assert_cmpint (p->basic, ==, c->basic);
      g_assert_nonnull (p->entity);
    }
}

static void
test_presence_note_only (void)
{
  /* A note alone decides: Asterisk's "On the phone" without RPID. */
  static const char body[] = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:a@b\">"
                             "<tuple id=\"x\"><status><basic>closed</basic></status></tuple>"
                             "<note>On the phone</note></presence>";
  g_autoptr (PlPresence) p = pl_presence_parse (body, strlen (body), NULL);

  g_assert_nonnull (p);
  g_assert_true (p->busy);
  g_assert_false (p->on_the_phone);
  g_assert_cmpint (p->basic, ==, PL_PRESENCE_BASIC_CLOSED);
}

typedef struct
{
  const char *content_type;
  const char *name;
  const char *expected;
} ParamCase;

static const ParamCase param_cases[] = {
  { "multipart/related;type=\"application/rlmi+xml\";boundary=keohl", "boundary", "keohl" },
  { "multipart/related;type=\"application/rlmi+xml\";boundary=keohl", "type",
    "application/rlmi+xml" },
  { "multipart/related; boundary=\"a;b=c\"; type=x", "boundary", "a;b=c" },
  { "multipart/related; boundary=\"a;b=c\"; type=x", "type", "x" },
  { "multipart/related; BOUNDARY = \"q\\\"x\"", "boundary", "q\"x" },
  { "multipart/related; boundaryx=1; boundary=2", "boundary", "2" },
  { "multipart/related", "boundary", NULL },
  { "multipart/related; boundary", "boundary", NULL },
  { "multipart/related; boundary=\"unterminated", "boundary", "unterminated" },
  { "", "boundary", NULL },
};

static void
test_content_type_params (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (param_cases); i++)
    {
      g_autofree char *v
          = pl_content_type_dup_param (param_cases[i].content_type, param_cases[i].name);

      g_test_message ("case %u", i);
      g_assert_cmpstr (v, ==, param_cases[i].expected);
    }
  {
    g_autofree char *m = pl_content_type_dup_media_type (" Multipart/Related ;boundary=x");

    g_assert_cmpstr (m, ==, "multipart/related");
  }
}

/* The .mp fixtures hold the Content-Type on their first line, the body after. */
static PlRlmiList *
parse_mp_fixture (const char *name, gboolean crlf, GError **error)
{
  gsize length;
  g_autofree char *contents = load_fixture (name, &length);
  char *nl = strchr (contents, '\n');
  g_autofree char *content_type = g_strndup (contents, nl - contents);
  g_autoptr (GString) body = g_string_new (nl + 1);

  if (crlf)
    g_string_replace (body, "\n", "\r\n", 0);
  return pl_rlmi_parse_multipart (content_type, body->str, body->len, error);
}

static void
check_rls (gboolean crlf)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlRlmiList) full = parse_mp_fixture ("ast-rls-1-full.mp", crlf, &error);
  g_autoptr (PlRlmiList) park = NULL;
  g_autoptr (PlRlmiList) retrieve = NULL;
  PlRlmiResource *r;

  g_assert_no_error (error);
  g_assert_cmpstr (full->uri, ==, "sip:parkslots@127.0.0.1:5070");
  g_assert_true (full->full_state);
  g_assert_cmpuint (full->version, ==, 0);
  g_assert_cmpuint (full->resources->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *uri = g_strdup_printf ("sip:%u@127.0.0.1:5070", 701 + i);
      g_autofree char *entity = g_strdup_printf ("sip:%u@127.0.0.1:5070", 701 + i);

      r = g_ptr_array_index (full->resources, i);
      g_assert_cmpstr (r->uri, ==, uri);
      g_assert_cmpstr (r->instance_state, ==, "active");
      g_assert_cmpstr (r->content_type, ==, "application/dialog-info+xml");
      g_assert_nonnull (r->dialog_info);
      g_assert_cmpstr (r->dialog_info->entity, ==, entity);
      g_assert_false (pl_dialog_info_is_busy (r->dialog_info));
    }

  park = parse_mp_fixture ("ast-rls-2-park.mp", crlf, &error);
  g_assert_no_error (error);
  g_assert_false (park->full_state);
  g_assert_cmpuint (park->version, ==, 1);
  g_assert_cmpuint (park->resources->len, ==, 1);
  r = g_ptr_array_index (park->resources, 0);
  g_assert_cmpstr (r->uri, ==, "sip:701@127.0.0.1:5070");
  g_assert_cmpstr (r->cid, ==, "btsir@127.0.0.1");
  g_assert_nonnull (r->dialog_info);
  g_assert_cmpuint (r->dialog_info->version, ==, 1);
  g_assert_true (pl_dialog_info_is_busy (r->dialog_info));

  retrieve = parse_mp_fixture ("ast-rls-3-retrieve.mp", crlf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retrieve->version, ==, 2);
  r = g_ptr_array_index (retrieve->resources, 0);
  g_assert_nonnull (r->dialog_info);
  g_assert_false (pl_dialog_info_is_busy (r->dialog_info));
}

/* Which bodies replace everything before them: the subscriber drops what
 * such a body makes obsolete while the main loop is behind. */
typedef struct
{
  const char *fixture; /* a .xml body, or a .mp file with its Content-Type first */
  const char *ctype;   /* for .xml */
  gboolean full;
  guint32 version;
} FullStateCase;

static const FullStateCase full_state_cases[] = {
  { "ast-701-v1-busy.xml", "application/dialog-info+xml", TRUE, 1 },
  { "fs-6001-v2-free.xml", "Application/Dialog-Info+XML; charset=utf-8", TRUE, 2 },
  { "ast-701-pidf-onthephone.xml", "application/pidf+xml", TRUE, 0 },
  { "ast-701-xpidf-inuse.xml", "application/xpidf+xml", TRUE, 0 },
  { "ast-rls-1-full.mp", NULL, TRUE, 0 },
  { "ast-rls-2-park.mp", NULL, FALSE, 1 },
  { "ast-701-v1-busy.xml", "text/plain", FALSE, 0 },
  { "ast-701-v1-busy.xml", NULL, FALSE, 0 },
};

static void
test_full_state (void)
{
  static const char partial[] = "<?xml version=\"1.0\"?><dialog-info xmlns=\"urn:ietf:params:"
                                "xml:ns:dialog-info\" version=\"7\" state=\"partial\" "
                                "entity=\"sip:701@pbx\"/>";
  guint32 version = 99;

  for (guint i = 0; i < G_N_ELEMENTS (full_state_cases); i++)
    {
      const FullStateCase *c = &full_state_cases[i];
      gsize length;
      g_autofree char *contents = load_fixture (c->fixture, &length);
      const char *ctype = c->ctype;
      const char *body = contents;

      g_test_message ("case %u: %s as %s", i, c->fixture, ctype ? ctype : "(its own)");
      if (g_str_has_suffix (c->fixture, ".mp"))
        {
          char *nl = strchr (contents, '\n');
          *nl = '\0';
          ctype = contents;
          body = nl + 1;
          length -= (gsize)(body - contents);
        }
      g_assert_cmpint (pl_event_body_is_full_state (ctype, body, length, &version), ==, c->full);
      g_assert_cmpuint (version, ==, c->version);
    }
  g_assert_false (pl_event_body_is_full_state ("application/dialog-info+xml", partial,
                                               strlen (partial), &version));
  g_assert_cmpuint (version, ==, 7);
  g_assert_false (
      pl_event_body_is_full_state ("application/dialog-info+xml", "<dialog-info", 12, &version));
}

static void
test_rls_lf (void)
{
  check_rls (FALSE);
}

static void
test_rls_crlf (void)
{
  check_rls (TRUE);
}

/* A hand-built list: quoted boundary, a start parameter, cid with angle
 * brackets, a PIDF part, a pending instance with no body and a part whose XML
 * is broken (only that resource loses its body). */
static void
test_rls_variants (void)
{
  static const char ct[] = "multipart/related; type=\"application/rlmi+xml\"; "
                           "start=\"<root@x>\"; boundary=\"b:1 2\"";
  static const char body[]
      = "preamble\r\n"
        "--b:1 2\r\n"
        "Content-Type: application/pidf+xml\r\n"
        "Content-ID: <p1@x>\r\n\r\n"
        "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:6001@x\">"
        "<note>Holding</note></presence>\r\n"
        "--b:1 2   \r\n"
        "content-id: <root@x>\r\n"
        "content-type: Application/RLMI+XML; charset=UTF-8\r\n\r\n"
        "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:l@x\" version=\"7\" "
        "fullState=\"false\">"
        "<resource uri=\"sip:6001@x\"><instance id=\"i1\" state=\"active\" cid=\"&lt;p1@x&gt;\"/>"
        "</resource>"
        "<resource uri=\"sip:6002@x\"><instance id=\"i2\" state=\"pending\"/></resource>"
        "<resource uri=\"sip:6003@x\"><instance id=\"i3\" state=\"terminated\" "
        "reason=\"rejected\"/></resource>"
        "<resource uri=\"sip:6004@x\"><instance id=\"i4\" state=\"active\" cid=\"bad@x\"/>"
        "</resource>"
        "<resource uri=\"sip:6005@x\"><instance id=\"i5\" state=\"active\" cid=\"missing@x\"/>"
        "</resource>"
        "<resource uri=\"sip:6006@x\"><instance id=\"i6\" state=\"active\" cid=\"p1@x\"/>"
        "</resource>"
        "</list>\r\n"
        "--b:1 2\r\n"
        "Content-Type: application/dialog-info+xml\r\n"
        "Content-ID: <bad@x>\r\n\r\n"
        "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\"\r\n"
        "--b:1 2--\r\n"
        "epilogue";
  g_autoptr (GError) error = NULL;
  g_autoptr (PlRlmiList) list = pl_rlmi_parse_multipart (ct, body, strlen (body), &error);
  PlRlmiResource *r;

  g_assert_no_error (error);
  g_assert_cmpuint (list->version, ==, 7);
  g_assert_false (list->full_state);
  g_assert_cmpuint (list->resources->len, ==, 6);
  r = g_ptr_array_index (list->resources, 0);
  g_assert_cmpstr (r->cid, ==, "p1@x");
  g_assert_nonnull (r->presence);
  g_assert_true (r->presence->busy);
  r = g_ptr_array_index (list->resources, 1);
  g_assert_cmpstr (r->instance_state, ==, "pending");
  g_assert_null (r->presence);
  g_assert_null (r->dialog_info);
  r = g_ptr_array_index (list->resources, 2);
  g_assert_cmpstr (r->reason, ==, "rejected");
  r = g_ptr_array_index (list->resources, 3);
  g_assert_cmpstr (r->content_type, ==, "application/dialog-info+xml");
  g_assert_null (r->dialog_info);
  r = g_ptr_array_index (list->resources, 4);
  g_assert_null (r->content_type);
  /* a part belongs to one resource only */
  r = g_ptr_array_index (list->resources, 5);
  g_assert_null (r->presence);
}

typedef struct
{
  const char *name;
  const char *content_type;
  const char *body;
  int code;
} BadMultipartCase;

static const BadMultipartCase bad_multipart_cases[] = {
  { "not multipart", "application/dialog-info+xml", "x", PL_EVENT_BODY_ERROR_UNSUPPORTED },
  { "wrong type", "multipart/related;type=\"text/plain\";boundary=a", "--a\r\n\r\nx\r\n--a--",
    PL_EVENT_BODY_ERROR_UNSUPPORTED },
  { "no boundary", "multipart/related;type=\"application/rlmi+xml\"", "",
    PL_EVENT_BODY_ERROR_MALFORMED },
  { "no delimiter", "multipart/related;type=\"application/rlmi+xml\";boundary=a", "nothing",
    PL_EVENT_BODY_ERROR_MALFORMED },
  { "not closed", "multipart/related;type=\"application/rlmi+xml\";boundary=a",
    "--a\r\nContent-Type: application/rlmi+xml\r\n\r\n<list/>\r\n", PL_EVENT_BODY_ERROR_MALFORMED },
  { "root not rlmi", "multipart/related;type=\"application/rlmi+xml\";boundary=a",
    "--a\r\nContent-Type: text/plain\r\n\r\nhi\r\n--a--", PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "empty", "multipart/related;type=\"application/rlmi+xml\";boundary=a", "--a--",
    PL_EVENT_BODY_ERROR_MALFORMED },
  { "rlmi wrong ns", "multipart/related;type=\"application/rlmi+xml\";boundary=a",
    "--a\r\nContent-Type: application/rlmi+xml\r\n\r\n<list xmlns=\"urn:x\" version=\"1\"/>\r\n"
    "--a--",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "rlmi bad version", "multipart/related;type=\"application/rlmi+xml\";boundary=a",
    "--a\r\nContent-Type: application/rlmi+xml\r\n\r\n"
    "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" version=\"-1\"/>\r\n--a--",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
};

static void
test_multipart_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_multipart_cases); i++)
    {
      const BadMultipartCase *c = &bad_multipart_cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (PlRlmiList) list = NULL;

      g_test_message ("case %s", c->name);
      list = pl_rlmi_parse_multipart (c->content_type, c->body, strlen (c->body), &error);
      g_assert_null (list);
      g_assert_error (error, PL_EVENT_BODY_ERROR, c->code);
    }
}

typedef struct
{
  const char *name;
  const char *body;
  int code;
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "billion laughs",
    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\" "
    "entity=\"&lol3;\"/>",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "external entity",
    "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\" "
    "entity=\"x\"><dialog id=\"&xxe;\"/></dialog-info>",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "external dtd",
    "<?xml version=\"1.0\"?><!DOCTYPE dialog-info SYSTEM \"http://127.0.0.1:1/x.dtd\">"
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\"/>",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "undeclared entity",
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" state=\"full\">"
    "&xxe;</dialog-info>",
    PL_EVENT_BODY_ERROR_MALFORMED },
  { "truncated",
    "<?xml version=\"1.0\"?>\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
    "version=\"1\" state=\"full\"><dialog id=\"701\"><state>confirm",
    PL_EVENT_BODY_ERROR_MALFORMED },
  { "wrong namespace",
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-infox\" version=\"1\" state=\"full\"/>",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "no namespace", "<dialog-info version=\"1\" state=\"full\"/>",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "missing version", "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" state=\"full\"/>",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "negative version",
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"-3\" state=\"full\"/>",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "bad state",
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"1\" state=\"most\"/>",
    PL_EVENT_BODY_ERROR_WRONG_DOCUMENT },
  { "utf-16", "<\0d\0", PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "ebcdic declared", "<?xml version=\"1.0\" encoding=\"IBM037\"?>LZ\xc4\xd6\xc3\xe3\xe8\xd7\xc5",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "utf-16 declared", "<?xml version='1.0' encoding='UTF-16'?><dialog-info/>",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "unquoted encoding", "<?xml version='1.0' encoding=UTF-8?><dialog-info/>",
    PL_EVENT_BODY_ERROR_FORBIDDEN },
  { "empty", "", PL_EVENT_BODY_ERROR_MALFORMED },
  { "not xml", "Content-Type: x", PL_EVENT_BODY_ERROR_MALFORMED },
};

static void
test_hostile_xml (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      const HostileCase *c = &hostile_cases[i];
      gsize length = g_str_equal (c->name, "utf-16") ? 4 : strlen (c->body);
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) perror = NULL;
      g_autoptr (PlDialogInfo) info = NULL;
      g_autoptr (PlPresence) presence = NULL;

      g_test_message ("case %s", c->name);
      info = pl_dialog_info_parse (c->body, length, &error);
      g_assert_null (info);
      g_assert_error (error, PL_EVENT_BODY_ERROR, c->code);
      /* the presence parser shares the guard */
      presence = pl_presence_parse (c->body, length, &perror);
      g_assert_null (presence);
      g_assert_nonnull (perror);
    }
}

static void
test_huge_body (void)
{
  g_autoptr (GString) body
      = g_string_new ("<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                      "version=\"1\" state=\"full\">");
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) mp_error = NULL;
  g_autoptr (PlDialogInfo) info = NULL;
  g_autoptr (PlRlmiList) list = NULL;

  while (body->len <= PL_EVENT_BODY_MAX_SIZE)
    g_string_append (body, "<dialog id=\"x\"><state>confirmed</state></dialog>");
  g_string_append (body, "</dialog-info>");
  info = pl_dialog_info_parse (body->str, body->len, &error);
  g_assert_null (info);
  g_assert_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_TOO_LARGE);

  list = pl_rlmi_parse_multipart ("multipart/related;type=\"application/rlmi+xml\";boundary=a",
                                  body->str, body->len, &mp_error);
  g_assert_null (list);
  g_assert_error (mp_error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_TOO_LARGE);
}

/* Deep nesting: libxml2 refuses beyond its depth limit; below it, our walk is
 * bounded and ignores what it does not know. Either way: no crash. */
static void
test_deeply_nested (void)
{
  static const guint depths[] = { 100, 300, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (depths); i++)
    {
      g_autoptr (GString) body
          = g_string_new ("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:x@y\">");
      g_autoptr (GError) error = NULL;
      g_autoptr (PlPresence) p = NULL;

      for (guint d = 0; d < depths[i]; d++)
        g_string_append (body, "<a>");
      g_string_append (body, "<note>Holding</note>");
      for (guint d = 0; d < depths[i]; d++)
        g_string_append (body, "</a>");
      g_string_append (body, "</presence>");
      p = pl_presence_parse (body->str, body->len, &error);
      if (depths[i] < 256)
        {
          g_assert_no_error (error);
          /* the note sits deeper than the walk goes: not seen, so not busy */
          g_assert_false (p->busy);
        }
      else
        {
          g_assert_null (p);
          g_assert_error (error, PL_EVENT_BODY_ERROR, PL_EVENT_BODY_ERROR_MALFORMED);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event-body/dialog-info/fixtures", test_dialog_info_fixtures);
  g_test_add_func ("/event-body/dialog-info/details", test_dialog_info_details);
  g_test_add_func ("/event-body/presence/fixtures", test_presence_fixtures);
  g_test_add_func ("/event-body/presence/note-only", test_presence_note_only);
  g_test_add_func ("/event-body/content-type/params", test_content_type_params);
  g_test_add_func ("/event-body/rlmi/asterisk-lf", test_rls_lf);
  g_test_add_func ("/event-body/rlmi/asterisk-crlf", test_rls_crlf);
  g_test_add_func ("/event-body/rlmi/variants", test_rls_variants);
  g_test_add_func ("/event-body/rlmi/bad", test_multipart_bad);
  g_test_add_func ("/event-body/full-state", test_full_state);
  g_test_add_func ("/event-body/hostile/xml", test_hostile_xml);
  g_test_add_func ("/event-body/hostile/huge", test_huge_body);
  g_test_add_func ("/event-body/hostile/deep", test_deeply_nested);
  return g_test_run ();
}
