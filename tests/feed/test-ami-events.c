/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Asterisk parking events → feed events, and the rule that names parkers:
 * table cases and the real captures. */
#include <string.h>

#include "pl-ami-events.h"
#include "pl-enums.h"

typedef struct
{
  const char *channel;
  const char *endpoint;
} EndpointCase;

static const EndpointCase endpoint_cases[] = {
  { "PJSIP/alice-00000001", "alice" },
  { "PJSIP/alice", "alice" },
  { "PJSIP/bob-0000000a", "bob" },
  { "PJSIP/front-desk-0000001f", "front-desk" },
  { "PJSIP/front-desk", "front-desk" },
  { "PJSIP/100-00000002", "100" },
  { "SIP/trunk-0000abcd", "trunk" },
  { "PJSIP/alice/sip:alice@10.0.0.5:5060", "alice" },
  { "PJSIP/alice&PJSIP/bob", "alice" },
  { "Local/100@office-00000003;1", "100@office" },
  { "Local/100@office-00000003;2", "100@office" },
  { "DAHDI/1-1", "1-1" },
  { "PJSIP/x-0000000g", "x-0000000g" }, /* not a hex suffix */
  { "alice", "alice" },
  { "PJSIP/", NULL },
  { "PJSIP/-00000001", NULL },
  { "", NULL },
  { "<unknown>", NULL },
  { NULL, NULL },
};

static void
test_endpoints (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_cases); i++)
    {
      g_autofree char *endpoint = pl_ami_channel_endpoint (endpoint_cases[i].channel);

      g_test_message ("channel %s", endpoint_cases[i].channel);
      g_assert_cmpstr (endpoint, ==, endpoint_cases[i].endpoint);
    }
}

typedef struct
{
  const char *wire;
  const char *name;
} NameDupCase;

static const NameDupCase name_dup_cases[] = {
  { "Caller One", "Caller One" },
  { "O\\\"Brien", "O\"Brien" },       /* O\"Brien on the wire */
  { "Back\\\\slash", "Back\\slash" }, /* Back\\slash */
  { "It\\'s me\\?", "It's me?" },
  { "Tab\\there", "Tab here" },     /* \t: a tab, and no tab in a name */
  { "Hex\\x41", "Hex\\x41" },       /* not one of Asterisk's escapes: kept */
  { "Line\\nbreak", "Line break" }, /* a control character is no name part */
  { "trailing\\", "trailing\\" },
  { "Müller", "Müller" },
  { "<unknown>", NULL },
  { "", NULL },
  { NULL, NULL },
};

static void
test_name_dup (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_dup_cases); i++)
    {
      g_autofree char *name = pl_ami_name_dup (name_dup_cases[i].wire);

      g_test_message ("wire %s", name_dup_cases[i].wire);
      g_assert_cmpstr (name, ==, name_dup_cases[i].name);
    }
}

static PlAmiMessage *
message_from (const char *text)
{
  g_autoptr (GPtrArray) messages = pl_ami_parse (text, strlen (text), FALSE, NULL);

  g_assert_cmpuint (messages->len, ==, 1);
  return g_ptr_array_steal_index (messages, 0);
}

/* Directory learning, then the parker and retriever names. Each case
 * starts from an empty directory, learns the "seen" messages, then names
 * the parker of "event". */
typedef struct
{
  const char *name;
  const char *seen[3];
  const char *event;
  const char *parker;
  const char *retriever;
} NameCase;

#define NEWCHANNEL(chan, state, name)                                                              \
  "Event: Newchannel\nChannel: " chan "\nChannelState: " state "\nCallerIDName: " name "\n\n"
#define PARKED(dial, connected)                                                                    \
  "Event: ParkedCall\nParkeeChannel: PJSIP/caller1-00000000\nParkeeCallerIDName: Caller One\n"     \
  "ParkeeConnectedLineName: " connected "\nParkerDialString: " dial "\nParkingSpace: 701\n\n"
#define UNPARKED(chan, name)                                                                       \
  "Event: UnParkedCall\nRetrieverChannel: " chan "\nRetrieverCallerIDName: " name                  \
  "\nParkerDialString: PJSIP/alice\nParkingSpace: 701\n\n"

static const NameCase name_cases[] = {
  { "learned-from-channel",
    { NEWCHANNEL ("PJSIP/alice-00000001", "0", "Alice") },
    PARKED ("PJSIP/alice", "Someone Else"),
    "Alice" },
  { "connected-line-when-unseen", { NULL }, PARKED ("PJSIP/alice", "Alice"), "Alice" },
  { "endpoint-when-nothing-else", { NULL }, PARKED ("PJSIP/alice", "<unknown>"), "alice" },
  { "no-parker", { NULL }, PARKED ("", "Alice"), NULL },
  { "unknown-caller-id-not-learned",
    { NEWCHANNEL ("PJSIP/alice-00000001", "0", "<unknown>") },
    PARKED ("PJSIP/alice", "<unknown>"),
    "alice" },
  /* the phone's own call in (state 4, Ring) beats an outgoing channel */
  { "ring-channel-wins",
    { NEWCHANNEL ("PJSIP/alice-00000001", "4", "Alice Smith"),
      NEWCHANNEL ("PJSIP/alice-00000002", "0", "Front Desk") },
    PARKED ("PJSIP/alice", "x"),
    "Alice Smith" },
  { "newer-ring-channel-replaces",
    { NEWCHANNEL ("PJSIP/alice-00000001", "4", "Alice"),
      NEWCHANNEL ("PJSIP/alice-00000002", "4", "Alice Smith") },
    PARKED ("PJSIP/alice", "x"),
    "Alice Smith" },
  { "other-endpoint-not-confused",
    { NEWCHANNEL ("PJSIP/alice2-00000001", "4", "Alice Two") },
    PARKED ("PJSIP/alice", "<unknown>"),
    "alice" },
  { "retriever-from-event", { NULL }, UNPARKED ("PJSIP/bob-00000002", "Bob"), "alice", "Bob" },
  { "retriever-from-directory",
    { NEWCHANNEL ("PJSIP/bob-00000002", "4", "Bob") },
    UNPARKED ("PJSIP/bob-00000002", "<unknown>"),
    "alice",
    "Bob" },
  { "retriever-endpoint", { NULL }, UNPARKED ("PJSIP/bob-00000002", ""), "alice", "bob" },
};

static void
test_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      const NameCase *c = &name_cases[i];
      g_autoptr (PlAmiDirectory) directory = pl_ami_directory_new ();
      g_autoptr (PlAmiMessage) event = message_from (c->event);
      g_autofree char *parker = NULL;
      g_autofree char *retriever = NULL;

      g_test_message ("case %s", c->name);
      for (guint s = 0; s < G_N_ELEMENTS (c->seen) && c->seen[s]; s++)
        {
          g_autoptr (PlAmiMessage) seen = message_from (c->seen[s]);

          pl_ami_directory_learn (directory, seen);
        }
      parker = pl_ami_parker_name (event, directory);
      g_assert_cmpstr (parker, ==, c->parker);
      if (c->retriever)
        {
          retriever = pl_ami_retriever_name (event, directory);
          g_assert_cmpstr (retriever, ==, c->retriever);
        }
    }
}

static GPtrArray *
load_capture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "feed", "fixtures", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return pl_ami_parse (contents, length, TRUE, NULL);
}

/* The feed events a capture yields, one line each. */
static char *
feed_events (const char *capture, const char *snapshot_id, gboolean learn)
{
  g_autoptr (GPtrArray) messages = load_capture (capture);
  g_autoptr (PlAmiDirectory) directory = pl_ami_directory_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      PlAmiMessage *m = g_ptr_array_index (messages, i);
      g_autoptr (PlParkFeedEvent) e = NULL;
      g_autoptr (GEnumClass) kinds = g_type_class_ref (PL_TYPE_PARK_FEED_EVENT_KIND);

      if (learn)
        pl_ami_directory_learn (directory, m);
      e = pl_ami_park_event (m, directory, snapshot_id);
      if (e == NULL)
        continue;
      g_string_append_printf (out,
                              "%s lot=%s slot=%s id=%s caller=%s/%s by=%s taken=%s/%s/%s "
                              "left=%d dur=%d%s\n",
                              g_enum_get_value (kinds, e->kind)->value_nick, e->lot, e->slot,
                              e->park_id, e->caller_name, e->caller_number, e->parked_by,
                              e->taken_by, e->taken_by_id, e->taken_by_number, e->seconds_left,
                              e->duration, e->snapshot ? " snapshot" : "");
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *capture;
  const char *snapshot_id;
  gboolean learn; /* FALSE: a desk that saw none of the channel events */
  const char *expected;
} CaptureCase;

static const CaptureCase capture_cases[] = {
  { "full-user_park-700_then_bob-retrieves-701.txt", "initial", TRUE,
    "snapshot-complete lot=(null) slot=(null) id=(null) caller=(null)/(null) by=(null) "
    "taken=(null)/(null)/(null) left=-1 dur=-1 snapshot\n"
    "parked lot=default slot=701 id=lab-1795625357.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=45 dur=0\n"
    "unparked lot=default slot=701 id=lab-1795625357.0 caller=Caller One/201 by=Alice "
    "taken=Bob/bob/101 left=40 dur=5\n" },
  /* the list asked for at the end is someone else's: not our snapshot */
  { "full-user_park-700_then_bob-retrieves-701.txt", "final", TRUE,
    "parked lot=default slot=701 id=lab-1795625357.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=45 dur=0\n"
    "unparked lot=default slot=701 id=lab-1795625357.0 caller=Caller One/201 by=Alice "
    "taken=Bob/bob/101 left=40 dur=5\n"
    "snapshot-complete lot=(null) slot=(null) id=(null) caller=(null)/(null) by=(null) "
    "taken=(null)/(null)/(null) left=-1 dur=-1 snapshot\n" },
  { "full-user_park-timeout_ringback.txt", "initial", TRUE,
    "snapshot-complete lot=(null) slot=(null) id=(null) caller=(null)/(null) by=(null) "
    "taken=(null)/(null)/(null) left=-1 dur=-1 snapshot\n"
    "parked lot=default slot=701 id=lab-1795625417.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=45 dur=0\n"
    "timed-out lot=default slot=701 id=lab-1795625417.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=0 dur=45\n" },
  { "readonly-user_park-700_then_caller-hangs-up.txt", "initial", TRUE,
    "parked lot=default slot=701 id=lab-1796397648.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=45 dur=0\n"
    "gave-up lot=default slot=701 id=lab-1796397648.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=40 dur=5\n" },
  /* without the channel events the connected line still names Alice */
  { "readonly-user_park-700_then_caller-hangs-up.txt", NULL, FALSE,
    "parked lot=default slot=701 id=lab-1796397648.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=45 dur=0\n"
    "gave-up lot=default slot=701 id=lab-1796397648.0 caller=Caller One/201 by=Alice "
    "taken=(null)/(null)/(null) left=40 dur=5\n" },
};

static void
test_captures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (capture_cases); i++)
    {
      const CaptureCase *c = &capture_cases[i];
      g_autofree char *got = feed_events (c->capture, c->snapshot_id, c->learn);

      g_test_message ("capture %s, snapshot %s", c->capture, c->snapshot_id);
      g_assert_cmpstr (got, ==, c->expected);
    }
}

/* The directory learned from a whole capture. */
static void
test_directory_from_capture (void)
{
  g_autoptr (GPtrArray) messages = load_capture ("full-user_park-700_then_bob-retrieves-701.txt");
  g_autoptr (PlAmiDirectory) directory = pl_ami_directory_new ();

  for (guint i = 0; i < messages->len; i++)
    pl_ami_directory_learn (directory, g_ptr_array_index (messages, i));
  g_assert_cmpstr (pl_ami_directory_lookup (directory, "alice"), ==, "Alice");
  g_assert_cmpstr (pl_ami_directory_lookup (directory, "bob"), ==, "Bob");
  g_assert_cmpstr (pl_ami_directory_lookup (directory, "caller1"), ==, "Caller One");
  g_assert_null (pl_ami_directory_lookup (directory, "carol"));
  g_assert_cmpuint (pl_ami_directory_get_size (directory), ==, 3);
}

/* A snapshot list item as res_parking writes it: no Privilege, the ActionID
 * last. */
static void
test_snapshot_item (void)
{
  g_autoptr (PlAmiMessage) item = message_from (
      "Event: ParkedCall\r\nParkeeChannel: PJSIP/caller2-00000004\r\nParkeeCallerIDNum: 202\r\n"
      "ParkeeCallerIDName: Caller Two\r\nParkeeConnectedLineNum: 101\r\n"
      "ParkeeConnectedLineName: Bob\r\nParkeeUniqueid: lab-1.4\r\nParkerDialString: PJSIP/bob\r\n"
      "Parkinglot: default\r\nParkingSpace: 703\r\nParkingTimeout: 30\r\nParkingDuration: 15\r\n"
      "ActionID: snap-2\r\n\r\n");
  g_autoptr (PlParkFeedEvent) ours = pl_ami_park_event (item, NULL, "snap-2");
  g_autoptr (PlParkFeedEvent) other = pl_ami_park_event (item, NULL, "snap-1");
  g_autoptr (PlAmiMessage) no_space = message_from ("Event: ParkedCall\r\nParkingSpace: \r\n\r\n");
  g_autoptr (PlAmiMessage) unrelated = message_from ("Event: Hangup\r\nChannel: PJSIP/a\r\n\r\n");

  g_assert_nonnull (ours);
  g_assert_true (ours->snapshot);
  g_assert_cmpint (ours->kind, ==, PL_PARK_FEED_EVENT_PARKED);
  g_assert_cmpstr (ours->slot, ==, "703");
  g_assert_cmpstr (ours->parked_by, ==, "Bob");
  g_assert_cmpint (ours->seconds_left, ==, 30);
  g_assert_cmpint (ours->duration, ==, 15);
  g_assert_false (other->snapshot);
  g_assert_null (pl_ami_park_event (no_space, NULL, NULL));
  g_assert_null (pl_ami_park_event (unrelated, NULL, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ami-events/endpoints", test_endpoints);
  g_test_add_func ("/ami-events/name-dup", test_name_dup);
  g_test_add_func ("/ami-events/names", test_names);
  g_test_add_func ("/ami-events/captures", test_captures);
  g_test_add_func ("/ami-events/directory-from-capture", test_directory_from_capture);
  g_test_add_func ("/ami-events/snapshot-item", test_snapshot_item);
  return g_test_run ();
}
