/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AMI message parser: table cases, arbitrary chunking, the real
 * captures, and action building. */
#include <string.h>

#include "pl-ami-message.h"

typedef struct
{
  const char *name;
  const char *input;
  gssize length; /* -1: strlen */
  gboolean expect_banner;
  const char *banner;   /* expected banner, NULL: none */
  const char *messages; /* "Key=Value|Key=Value" per message, "\n" between */
} ParseCase;

#define LONG_LINE_LEN (PL_AMI_MAX_LINE + 1)

static const ParseCase parse_cases[] = {
  { "banner-only", "Asterisk Call Manager/11.0.0\r\n", -1, TRUE, "Asterisk Call Manager/11.0.0",
    "" },
  { "banner-then-login-response",
    "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n",
    -1, TRUE, "Asterisk Call Manager/11.0.0", "Response=Success|Message=Authentication accepted" },
  { "banner-incomplete", "Asterisk Call Man", -1, TRUE, NULL, "" },
  { "lf-only", "Event: Ping\nActionID: 7\n\n", -1, FALSE, NULL, "Event=Ping|ActionID=7" },
  { "empty-value", "Event: Newchannel\r\nAccountCode: \r\nLanguage: en\r\n\r\n", -1, FALSE, NULL,
    "Event=Newchannel|AccountCode=|Language=en" },
  { "colon-in-value", "Response: Success\r\nTimestamp: 1.5\r\nDialString: a/sip:b@c:5\r\n\r\n", -1,
    FALSE, NULL, "Response=Success|Timestamp=1.5|DialString=a/sip:b@c:5" },
  { "no-space-after-colon", "Event:Hangup\r\nCause:16\r\n\r\n", -1, FALSE, NULL,
    "Event=Hangup|Cause=16" },
  { "blank-lines-between", "\r\n\r\nA: 1\r\n\r\n\r\n\r\nB: 2\r\n\r\n", -1, FALSE, NULL,
    "A=1\nB=2" },
  { "field-order-and-duplicates", "Event: X\r\nK: 1\r\nK: 2\r\nA: 3\r\n\r\n", -1, FALSE, NULL,
    "Event=X|K=1|K=2|A=3" },
  { "line-without-colon-drops-message",
    "Response: Follows\r\nsome command output\r\nMore: x\r\n\r\nEvent: After\r\n\r\n", -1, FALSE,
    NULL, "Event=After" },
  { "key-with-space-drops-message", "Bad Key: x\r\n\r\nEvent: Ok\r\n\r\n", -1, FALSE, NULL,
    "Event=Ok" },
  { "empty-key-drops-message", ": x\r\nEvent: Y\r\n\r\nEvent: Ok\r\n\r\n", -1, FALSE, NULL,
    "Event=Ok" },
  { "nul-byte-drops-message", "Event: A\0B\r\n\r\nEvent: Ok\r\n\r\n", 27, FALSE, NULL, "Event=Ok" },
  { "invalid-utf8-repaired", "CallerIDName: M\xfcller\r\n\r\n", -1, FALSE, NULL,
    "CallerIDName=M\xef\xbf\xbdller" },
  { "unterminated-message-held-back", "Event: A\r\n\r\nEvent: B\r\nX: 1\r\n", -1, FALSE, NULL,
    "Event=A" },
  { "no-banner-expected-first-line-is-field", "Event: A\r\n\r\n", -1, FALSE, NULL, "Event=A" },
  { "banner-not-asterisk", "SSH-2.0-OpenSSH_9.2\r\n", -1, TRUE, "SSH-2.0-OpenSSH_9.2", "" },
};

static char *
describe (GPtrArray *messages)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      PlAmiMessage *m = g_ptr_array_index (messages, i);

      if (i > 0)
        g_string_append_c (out, '\n');
      for (guint f = 0; f < pl_ami_message_get_n_fields (m); f++)
        g_string_append_printf (out, "%s%s=%s", f ? "|" : "", pl_ami_message_get_key (m, f),
                                pl_ami_message_get_value (m, f));
    }
  return g_string_free (out, FALSE);
}

/* The same input fed in pieces of @chunk bytes. */
static GPtrArray *
parse_chunked (const char *data, gsize length, gboolean expect_banner, gsize chunk, char **banner)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);
  PlAmiParser parser;

  pl_ami_parser_init (&parser, expect_banner);
  for (gsize at = 0; at < length; at += chunk)
    pl_ami_parser_feed (&parser, data + at, MIN (chunk, length - at), messages);
  *banner = g_steal_pointer (&parser.banner);
  pl_ami_parser_clear (&parser);
  return messages;
}

static void
test_parse_cases (void)
{
  static const gsize chunks[] = { 1, 2, 3, 7, 64, 100000 };

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      gsize length = c->length >= 0 ? (gsize)c->length : strlen (c->input);

      g_test_message ("case %s", c->name);
      for (guint k = 0; k < G_N_ELEMENTS (chunks); k++)
        {
          g_autofree char *banner = NULL;
          g_autoptr (GPtrArray) messages
              = parse_chunked (c->input, length, c->expect_banner, chunks[k], &banner);
          g_autofree char *got = describe (messages);

          g_assert_cmpstr (banner, ==, c->banner);
          g_assert_cmpstr (got, ==, c->messages);
        }
    }
}

/* Past every size limit: the message is dropped, the stream goes on. */
static void
test_limits (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autoptr (GPtrArray) messages = NULL;
  g_autofree char *got = NULL;

  /* a line longer than PL_AMI_MAX_LINE */
  g_string_append (in, "Event: Long\r\nValue: ");
  for (guint i = 0; i < LONG_LINE_LEN; i++)
    g_string_append_c (in, 'x');
  g_string_append (in, "\r\n\r\nEvent: One\r\n\r\n");
  /* more fields than PL_AMI_MAX_FIELDS */
  g_string_append (in, "Event: Many\r\n");
  for (guint i = 0; i < PL_AMI_MAX_FIELDS + 1; i++)
    g_string_append_printf (in, "K%u: v\r\n", i);
  g_string_append (in, "\r\nEvent: Two\r\n\r\n");
  /* a message over PL_AMI_MAX_MESSAGE made of acceptable lines */
  g_string_append (in, "Event: Huge\r\n");
  for (guint i = 0; i < PL_AMI_MAX_FIELDS - 2; i++)
    {
      g_string_append_printf (in, "K%u: ", i);
      for (guint j = 0; j < 400; j++)
        g_string_append_c (in, 'y');
      g_string_append (in, "\r\n");
    }
  g_string_append (in, "\r\nEvent: Three\r\n\r\n");
  g_assert_cmpuint (in->len, >, PL_AMI_MAX_MESSAGE);

  messages = pl_ami_parse (in->str, in->len, FALSE, NULL);
  got = describe (messages);
  g_assert_cmpstr (got, ==, "Event=One\nEvent=Two\nEvent=Three");
}

/* A banner longer than a line is no banner, and the buffer never holds more
 * than a line of it. */
static void
test_long_banner (void)
{
  g_autofree char *junk = g_strnfill (PL_AMI_MAX_LINE * 4, 'A');
  g_autofree char *input = g_strconcat (junk, "\r\nEvent: X\r\n\r\n", NULL);
  PlAmiParser parser;
  g_autoptr (GPtrArray) messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);

  pl_ami_parser_init (&parser, TRUE);
  pl_ami_parser_feed (&parser, junk, strlen (junk), messages);
  g_assert_cmpuint (parser.line->len, <=, PL_AMI_MAX_LINE);
  pl_ami_parser_feed (&parser, input + strlen (junk), strlen (input) - strlen (junk), messages);
  g_assert_cmpstr (parser.banner, ==, "");
  g_assert_cmpuint (messages->len, ==, 1);
  pl_ami_parser_clear (&parser);
}

static char *
load_capture (const char *name, gsize *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "feed", "fixtures", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

/* The captures show CRLF as LF; Asterisk sends CRLF. Both parse the same. */
static char *
with_crlf (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ("\r\n", lines);
}

typedef struct
{
  const char *file;
  guint n_messages;
  const char *first_event; /* first "Event:" value after the responses */
  guint n_parked, n_unparked, n_timeout, n_giveup;
} CaptureCase;

static const CaptureCase capture_cases[] = {
  { "full-user_park-700_then_bob-retrieves-701.txt", 180, "ParkedCallsComplete", 1, 1, 0, 0 },
  { "full-user_park-timeout_ringback.txt", 222, "ParkedCallsComplete", 1, 0, 1, 0 },
  { "readonly-user_park-700_then_caller-hangs-up.txt", 52, "DeviceStateChange", 1, 0, 0, 1 },
};

static guint
count_events (GPtrArray *messages, const char *event)
{
  guint n = 0;

  for (guint i = 0; i < messages->len; i++)
    n += pl_ami_message_is (g_ptr_array_index (messages, i), "Event", event);
  return n;
}

static void
test_captures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (capture_cases); i++)
    {
      const CaptureCase *c = &capture_cases[i];
      gsize length;
      g_autofree char *lf = load_capture (c->file, &length);
      g_autofree char *crlf = with_crlf (lf);
      g_autofree char *banner = NULL, *banner2 = NULL;
      g_autoptr (GPtrArray) a = pl_ami_parse (lf, length, TRUE, &banner);
      g_autoptr (GPtrArray) b = NULL;
      g_autofree char *da = describe (a);
      g_autofree char *db = NULL;
      const char *first_event = NULL;

      g_test_message ("capture %s", c->file);
      g_assert_cmpstr (banner, ==, "Asterisk Call Manager/11.0.0");
      g_assert_cmpuint (a->len, ==, c->n_messages);
      /* byte-exact values: "AccountCode: " is an empty value, in order */
      for (guint m = 0; m < a->len && first_event == NULL; m++)
        first_event = pl_ami_message_get (g_ptr_array_index (a, m), "Event");
      g_assert_cmpstr (first_event, ==, c->first_event);
      g_assert_cmpuint (count_events (a, "ParkedCall"), ==, c->n_parked);
      g_assert_cmpuint (count_events (a, "UnParkedCall"), ==, c->n_unparked);
      g_assert_cmpuint (count_events (a, "ParkedCallTimeOut"), ==, c->n_timeout);
      g_assert_cmpuint (count_events (a, "ParkedCallGiveUp"), ==, c->n_giveup);

      b = parse_chunked (crlf, strlen (crlf), TRUE, 13, &banner2);
      db = describe (b);
      g_assert_cmpstr (banner2, ==, banner);
      g_assert_cmpstr (db, ==, da);
    }
}

static void
test_parked_call_fields (void)
{
  gsize length;
  g_autofree char *text = load_capture ("full-user_park-700_then_bob-retrieves-701.txt", &length);
  g_autoptr (GPtrArray) messages = pl_ami_parse (text, length, TRUE, NULL);
  static const char *const expected_keys[] = { "Event",
                                               "Privilege",
                                               "SystemName",
                                               "ParkeeChannel",
                                               "ParkeeChannelState",
                                               "ParkeeChannelStateDesc",
                                               "ParkeeCallerIDNum",
                                               "ParkeeCallerIDName",
                                               "ParkeeConnectedLineNum",
                                               "ParkeeConnectedLineName",
                                               "ParkeeLanguage",
                                               "ParkeeAccountCode",
                                               "ParkeeContext",
                                               "ParkeeExten",
                                               "ParkeePriority",
                                               "ParkeeUniqueid",
                                               "ParkeeLinkedid",
                                               "ParkerDialString",
                                               "Parkinglot",
                                               "ParkingSpace",
                                               "ParkingTimeout",
                                               "ParkingDuration" };
  PlAmiMessage *parked = NULL;

  for (guint i = 0; i < messages->len && parked == NULL; i++)
    if (pl_ami_message_is (g_ptr_array_index (messages, i), "Event", "ParkedCall"))
      parked = g_ptr_array_index (messages, i);
  g_assert_nonnull (parked);
  g_assert_cmpuint (pl_ami_message_get_n_fields (parked), ==, G_N_ELEMENTS (expected_keys));
  for (guint i = 0; i < G_N_ELEMENTS (expected_keys); i++)
    g_assert_cmpstr (pl_ami_message_get_key (parked, i), ==, expected_keys[i]);
  g_assert_cmpstr (pl_ami_message_get (parked, "parkeecalleridname"), ==, "Caller One");
  g_assert_cmpstr (pl_ami_message_get (parked, "ParkeeAccountCode"), ==, "");
  g_assert_cmpstr (pl_ami_message_get (parked, "ParkingSpace"), ==, "701");
  g_assert_null (pl_ami_message_get (parked, "RetrieverChannel"));
}

typedef struct
{
  const char *action;
  const char *action_id;
  const char *key, *value;
  const char *expected; /* NULL: refused */
} ActionCase;

static const ActionCase action_cases[] = {
  { "Ping", "ping-1", NULL, NULL, "Action: Ping\r\nActionID: ping-1\r\n\r\n" },
  { "ParkedCalls", NULL, NULL, NULL, "Action: ParkedCalls\r\n\r\n" },
  { "Login", "login", "Username", "desk",
    "Action: Login\r\nActionID: login\r\nUsername: desk\r\n\r\n" },
  { "Login", "login", "Secret", "", "Action: Login\r\nActionID: login\r\nSecret: \r\n\r\n" },
  { "Login", "login", "Secret", "pw\r\nAction: Originate", NULL },
  { "Login", "login", "Username", "a\nb", NULL },
  { "Login", "id\r\nX: y", NULL, NULL, NULL },
  { "Ping\r\n", NULL, NULL, NULL, NULL },
  { "Login", NULL, "Bad Key", "x", NULL },
  { "Login", NULL, "Bad:Key", "x", NULL },
};

static void
test_action_build (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_cases); i++)
    {
      const ActionCase *c = &action_cases[i];
      g_autofree char *built
          = pl_ami_action_build (c->action, c->action_id, c->key, c->value, NULL);

      g_test_message ("action case %u", i);
      g_assert_cmpstr (built, ==, c->expected);
      if (built != NULL)
        {
          /* what we send parses back to the same fields */
          g_autoptr (GPtrArray) back = pl_ami_parse (built, strlen (built), FALSE, NULL);

          g_assert_cmpuint (back->len, ==, 1);
          g_assert_cmpstr (pl_ami_message_get (g_ptr_array_index (back, 0), "Action"), ==,
                           c->action);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ami-message/parse-cases", test_parse_cases);
  g_test_add_func ("/ami-message/limits", test_limits);
  g_test_add_func ("/ami-message/long-banner", test_long_banner);
  g_test_add_func ("/ami-message/captures", test_captures);
  g_test_add_func ("/ami-message/parked-call-fields", test_parked_call_fields);
  g_test_add_func ("/ami-message/action-build", test_action_build);
  return g_test_run ();
}
