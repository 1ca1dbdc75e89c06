/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test PBX's manager interface against the Asterisk 22 captures: the
 * text builders byte for byte, then a running PBX with real baresip phones
 * whose events must read like the capture (only the clock-made parts of
 * Uniqueid and the park timers normalised), and the fault switches. */
#define G_LOG_DOMAIN "test-pbx-ami"

#include <string.h>

#include "pbx-test-ami.h"
#include "pbx-test-lib.h"
#include "pbx.h"
#include "pl-test-util.h"

#define CALL_MS 10000

static char *
load_capture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "feed", "fixtures", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  /* the captures show CRLF as LF */
  lines = g_strsplit (text, "\n", -1);
  return g_strjoinv ("\r\n", lines);
}

/* Every message block of a capture (after the banner), with its empty
 * line. */
static GPtrArray *
capture_blocks (const char *name)
{
  g_autofree char *text = load_capture (name);
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
  char *p = strstr (text, "\r\n") + 2, *end;

  while ((end = strstr (p, "\r\n\r\n")) != NULL)
    {
      g_ptr_array_add (blocks, g_strndup (p, end - p + 4));
      p = end + 4;
    }
  return blocks;
}

static const char *
value_of (const char *block, const char *key)
{
  static char value[256];
  g_autofree char *needle = g_strdup_printf ("\r\n%s: ", key);
  const char *at = strstr (block, needle);
  const char *end;

  g_assert_nonnull (at);
  at += strlen (needle);
  end = strstr (at, "\r\n");
  g_strlcpy (value, at, MIN ((gsize)(end - at + 1), sizeof value));
  return value;
}

/* The channel of a capture block under a prefix, as the builder wants it. */
static void
chan_from (const char *block, const char *p, struct pbx_ami_chan *c, GPtrArray *keep)
{
#define FIELD(name)                                                                                \
  ({                                                                                               \
    g_autofree char *key_ = g_strconcat (p, name, NULL);                                           \
    char *v_ = g_strdup (value_of (block, key_));                                                  \
    g_ptr_array_add (keep, v_);                                                                    \
    v_;                                                                                            \
  })
  c->channel = FIELD ("Channel");
  c->state = atoi (FIELD ("ChannelState"));
  c->cid_num = FIELD ("CallerIDNum");
  c->cid_name = FIELD ("CallerIDName");
  c->conn_num = FIELD ("ConnectedLineNum");
  c->conn_name = FIELD ("ConnectedLineName");
  c->context = FIELD ("Context");
  c->exten = FIELD ("Exten");
  c->priority = atoi (FIELD ("Priority"));
  c->uniqueid = FIELD ("Uniqueid");
  c->linkedid = FIELD ("Linkedid");
#undef FIELD
  if (g_str_equal (c->conn_num, "<unknown>"))
    c->conn_num = NULL;
  if (g_str_equal (c->conn_name, "<unknown>"))
    c->conn_name = NULL;
}

/* Rebuilds every Newchannel, Hangup and parking event of the captures from
 * its own values: the builders must give back the same bytes. */
static void
test_text_builders (void)
{
  static const char *const captures[]
      = { "full-user_park-700_then_bob-retrieves-701.txt", "full-user_park-timeout_ringback.txt",
          "readonly-user_park-700_then_caller-hangs-up.txt" };
  guint checked = 0;

  for (guint f = 0; f < G_N_ELEMENTS (captures); f++)
    {
      g_autoptr (GPtrArray) blocks = capture_blocks (captures[f]);

      for (guint i = 0; i < blocks->len; i++)
        {
          const char *block = g_ptr_array_index (blocks, i);
          g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *built = NULL;
          g_autofree char *body = NULL;
          struct pbx_ami_chan c, r;
          const char *event = g_str_has_prefix (block, "Event: ") ? block + 7 : "";
          g_autofree char *name = g_strndup (event, strcspn (event, "\r"));

          if (g_str_equal (name, "Newchannel") || g_str_equal (name, "Hangup"))
            {
              chan_from (block, "", &c, keep);
              body = pbx_ami_channel_text ("", &c);
              if (g_str_equal (name, "Hangup"))
                {
                  g_autofree char *cause = g_strdup (value_of (block, "Cause"));
                  char *with_cause = g_strdup_printf ("%sCause: %s\r\nCause-txt: %s\r\n", body,
                                                      cause, value_of (block, "Cause-txt"));
                  g_free (body);
                  body = with_cause;
                }
            }
          else if (g_str_has_prefix (name, "ParkedCall") || g_str_equal (name, "UnParkedCall"))
            {
              gboolean retriever = strstr (block, "\r\nRetrieverChannel: ") != NULL;
              g_autofree char *dial = NULL, *lot = NULL, *space = NULL;
              long timeout, duration;

              if (g_str_equal (name, "ParkedCallsComplete"))
                continue;
              chan_from (block, "Parkee", &c, keep);
              if (retriever)
                chan_from (block, "Retriever", &r, keep);
              dial = g_strdup (value_of (block, "ParkerDialString"));
              lot = g_strdup (value_of (block, "Parkinglot"));
              space = g_strdup (value_of (block, "ParkingSpace"));
              timeout = atol (value_of (block, "ParkingTimeout"));
              duration = atol (value_of (block, "ParkingDuration"));
              body = pbx_ami_parked_call_text (&c, retriever ? &r : NULL, dial, lot, space, timeout,
                                               duration);
            }
          else
            continue;
          built = pbx_ami_event_text (name, 0, "lab", body);
          g_assert_cmpstr (built, ==, block);
          checked++;
        }
    }
  /* 3 + 5 + 2 Newchannel, 5 + 8 + 3 Hangup, 4 + 2 + 2 park events */
  g_test_message ("%u capture blocks rebuilt", checked);
  g_assert_cmpuint (checked, >=, 20);
}

/* manager.conf's timestampevents puts the time after the privilege, as
 * manager.c does. */
static void
test_timestamp_text (void)
{
  g_autofree char *text = pbx_ami_event_text ("Hangup", G_GINT64_CONSTANT (1795625357123456), "lab",
                                              "Channel: PJSIP/bob-00000002\r\n");

  struct pbx_ami_chan c = { .channel = "PJSIP/caller3-00000000",
                            .state = 6,
                            .cid_num = "203",
                            .cid_name = "Anna \"Front Desk\" O'Neil",
                            .context = "office",
                            .exten = "700",
                            .priority = 1,
                            .uniqueid = "lab-1.0",
                            .linkedid = "lab-1.0" };
  g_autofree char *chan = pbx_ami_channel_text ("Parkee", &c);

  g_assert_cmpstr (text, ==,
                   "Event: Hangup\r\nPrivilege: call,all\r\nTimestamp: 1795625357.123456\r\n"
                   "SystemName: lab\r\nChannel: PJSIP/bob-00000002\r\n\r\n");
  /* names go out C-escaped (ast_escape_c), unknown parties as <unknown> */
  g_assert_nonnull (strstr (chan, "\r\nParkeeCallerIDName: Anna \\\"Front Desk\\\" O\\'Neil\r\n"));
  g_assert_nonnull (strstr (chan, "\r\nParkeeConnectedLineName: <unknown>\r\n"));
}

/* ---- a running PBX -------------------------------------------------------- */

static const char manager_users[] = "announce_delay_ms=300\n"
                                    "[manager]\nsystemname=lab\n"
                                    "[manager admin]\nsecret=adminpw\nread=all\nwrite=all\n"
                                    "[manager desk]\nsecret=deskpw\nread=call\nwrite=\n";

typedef struct
{
  TestPbx *pbx;
  TestPhone *alice, *bob, *caller1;
  TestAmi *ami;
  char *host;
} Fixture;

static char *
uri (Fixture *f, const char *user)
{
  return g_strdup_printf ("sip:%s@%s", user, f->host);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *keys = g_strconcat (data ? (const char *)data : "", manager_users, NULL);

  f->pbx = test_pbx_start (keys);
  f->host = g_strdup_printf ("127.0.0.1:%u", f->pbx->sip_port);
  g_assert_cmpuint (f->pbx->ami_port, >, 0);
}

static void
start_phones (Fixture *f)
{
  f->alice = test_phone_start (f->pbx, "alice", NULL);
  f->bob = test_phone_start (f->pbx, "bob", NULL);
  f->caller1 = test_phone_start (f->pbx, "caller1", NULL);
  g_assert_true (test_pbx_wait_registered (f->pbx, "alice", CALL_MS));
  g_assert_true (test_pbx_wait_registered (f->pbx, "bob", CALL_MS));
  g_assert_true (test_pbx_wait_registered (f->pbx, "caller1", CALL_MS));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->ami, test_ami_free);
  g_clear_pointer (&f->alice, test_phone_stop);
  g_clear_pointer (&f->bob, test_phone_stop);
  g_clear_pointer (&f->caller1, test_phone_stop);
  test_pbx_stop (f->pbx);
  g_free (f->host);
}

/* The clock-made parts: Uniqueid/Linkedid seconds and the park timers. */
static char *
normalise (const char *block)
{
  g_autoptr (GRegex) ids = g_regex_new ("lab-[0-9]+\\.", 0, 0, NULL);
  g_autoptr (GRegex) timers = g_regex_new ("(ParkingTimeout|ParkingDuration): [0-9]+", 0, 0, NULL);
  g_autoptr (GRegex) stamp = g_regex_new ("Timestamp: [0-9.]+", 0, 0, NULL);
  g_autofree char *a = g_regex_replace_literal (ids, block, -1, 0, "lab-T.", 0, NULL);
  g_autofree char *b = g_regex_replace (timers, a, -1, 0, "\\1: N", 0, NULL);

  return g_regex_replace_literal (stamp, b, -1, 0, "Timestamp: T", 0, NULL);
}

/* The blocks of the events the PBX emits, normalised, one after another. */
static char *
event_sequence (GPtrArray *blocks)
{
  static const char *const kinds[]
      = { "Event: Newchannel\r\n",        "Event: Hangup\r\n",
          "Event: ParkedCall\r\n",        "Event: UnParkedCall\r\n",
          "Event: ParkedCallTimeOut\r\n", "Event: ParkedCallGiveUp\r\n" };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      const char *block = g_ptr_array_index (blocks, i);

      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (g_str_has_prefix (block, kinds[k]) && strstr (block, "Privilege: "))
          {
            g_autofree char *n = normalise (block);
            g_string_append (out, n);
          }
    }
  return g_string_free (out, FALSE);
}

static void
connect_caller_to_alice (Fixture *f)
{
  test_phone_connect (f->pbx, f->caller1, "100", f->alice);
}

static void
park_via_700 (Fixture *f)
{
  g_autofree char *park = uri (f, "700");

  test_phone_cmd (f->alice, "transfer", park);
  g_assert_true (test_pbx_wait_slot (f->pbx, "701", TRUE, CALL_MS));
  g_assert_true (test_phone_wait_event (f->alice, "CALL_CLOSED", 0, CALL_MS));
}

/* Banner, login and the parked-calls list as the full user's capture
 * begins, byte for byte. */
static void
test_session_full_user (Fixture *f, gconstpointer data)
{
  g_autofree char *capture = load_capture ("full-user_park-700_then_bob-retrieves-701.txt");
  g_autofree char *expected = NULL;
  g_autoptr (GString) got = g_string_new (NULL);
  const char *end;

  f->ami = test_ami_connect (f->pbx->ami_port);
  test_ami_send (f->ami, "Action: Login\r\nUsername: admin\r\nSecret: adminpw\r\n"
                         "Events: call,agent,user,dialplan\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "Authentication accepted", 0, 5000), ==, 0);
  test_ami_send (f->ami, "Action: ParkedCalls\r\nActionID: initial\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "Event: ParkedCallsComplete", 0, 5000), ==, 2);

  g_string_append_printf (got, "%s\r\n", f->ami->banner);
  for (guint i = 0; i < f->ami->blocks->len; i++)
    g_string_append (got, g_ptr_array_index (f->ami->blocks, i));
  end = strstr (capture, "Event: DeviceStateChange");
  expected = g_strndup (capture, end - capture);
  g_assert_cmpstr (got->str, ==, expected);

  /* Ping, as manager.c answers it (not in the captures) */
  test_ami_send (f->ami, "Action: Ping\r\nActionID: p1\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "Ping: Pong", 3, 5000), ==, 3);
  g_assert_true (g_regex_match_simple (
      "^Response: Success\r\nActionID: p1\r\nPing: Pong\r\nTimestamp: [0-9]+\\.[0-9]{6}\r\n\r\n$",
      g_ptr_array_index (f->ami->blocks, 3), 0, 0));
}

/* The read-only user: logged in, but the list is refused as in its capture. */
static void
test_session_readonly (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) capture
      = capture_blocks ("readonly-user_park-700_then_caller-hangs-up.txt");

  f->ami = test_ami_connect (f->pbx->ami_port);
  test_ami_send (f->ami,
                 "Action: Login\r\nUsername: desk\r\nSecret: deskpw\r\nEvents: call\r\n\r\n");
  test_ami_send (f->ami, "Action: ParkedCalls\r\nActionID: initial\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "Permission denied", 0, 5000), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->ami->blocks, 0), ==, g_ptr_array_index (capture, 0));
  g_assert_cmpstr (g_ptr_array_index (f->ami->blocks, 1), ==, g_ptr_array_index (capture, 1));
  /* and so is anything before login */
  {
    g_autoptr (TestAmi) fresh = test_ami_connect (f->pbx->ami_port);

    test_ami_send (fresh, "Action: ParkedCalls\r\n\r\n");
    g_assert_cmpint (
        test_ami_wait (fresh, "Response: Error\r\nMessage: Permission denied\r\n", 0, 5000), ==, 0);
  }
}

/* caller1 → alice, parked through 700 on 701, bob retrieves: the same
 * events as the capture, in the same order. */
static void
test_park_retrieve_events (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) capture = capture_blocks ("full-user_park-700_then_bob-retrieves-701.txt");
  g_autofree char *expected = event_sequence (capture);
  g_autofree char *got = NULL;
  g_autofree char *slot = NULL;

  start_phones (f);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  connect_caller_to_alice (f);
  park_via_700 (f);
  /* alice has hung up for the PBX too, as long before any retrieve */
  g_assert_true (test_ami_wait (f->ami,
                                "Event: Hangup\r\nPrivilege: call,all\r\nSystemName: "
                                "lab\r\nChannel: PJSIP/alice",
                                0, CALL_MS)
                 >= 0);
  slot = uri (f, "701");
  test_phone_cmd (f->bob, "dial", slot);
  g_assert_true (test_phone_wait_event (f->bob, "CALL_ESTABLISHED", 0, CALL_MS));
  g_assert_true (test_ami_wait (f->ami, "Event: UnParkedCall", 0, CALL_MS) >= 0);
  test_phone_cmd (f->bob, "hangup", NULL);
  g_assert_true (test_ami_wait (f->ami, "Channel: PJSIP/caller1-00000000\r\n", 0, CALL_MS) >= 0);
  g_assert_true (test_ami_wait (f->ami,
                                "Event: Hangup\r\nPrivilege: call,all\r\nSystemName: "
                                "lab\r\nChannel: PJSIP/caller1",
                                0, CALL_MS)
                 >= 0);
  got = event_sequence (f->ami->blocks);
  g_assert_cmpstr (got, ==, expected);
}

/* The PBX's own timer and the caller hanging up end a park as in the other
 * two captures. */
static void
test_timeout_event (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) capture = capture_blocks ("full-user_park-timeout_ringback.txt");
  int mine, theirs = -1;
  g_autofree char *a = NULL, *b = NULL;

  for (guint i = 0; i < capture->len && theirs < 0; i++)
    if (g_str_has_prefix (g_ptr_array_index (capture, i), "Event: ParkedCallTimeOut"))
      theirs = (int)i;
  start_phones (f);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  connect_caller_to_alice (f);
  park_via_700 (f);
  mine = test_ami_wait (f->ami, "Event: ParkedCallTimeOut", 0, CALL_MS);
  g_assert_cmpint (mine, >=, 0);
  a = normalise (g_ptr_array_index (f->ami->blocks, mine));
  b = normalise (g_ptr_array_index (capture, theirs));
  g_assert_cmpstr (a, ==, b);
  g_assert_true (strstr (g_ptr_array_index (f->ami->blocks, mine), "ParkingTimeout: 0\r\n"));
  /* then the PBX rings alice back: a new channel of hers */
  g_assert_true (test_ami_wait (f->ami, "Channel: PJSIP/alice-00000002\r\n", mine, CALL_MS) > mine);
}

static void
test_giveup_event (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) capture
      = capture_blocks ("readonly-user_park-700_then_caller-hangs-up.txt");
  int mine, theirs = -1;
  g_autofree char *a = NULL, *b = NULL;

  for (guint i = 0; i < capture->len && theirs < 0; i++)
    if (g_str_has_prefix (g_ptr_array_index (capture, i), "Event: ParkedCallGiveUp"))
      theirs = (int)i;
  start_phones (f);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "desk", "deskpw"));
  connect_caller_to_alice (f);
  park_via_700 (f);
  test_phone_cmd (f->caller1, "hangup", NULL);
  mine = test_ami_wait (f->ami, "Event: ParkedCallGiveUp", 0, CALL_MS);
  g_assert_cmpint (mine, >=, 0);
  a = normalise (g_ptr_array_index (f->ami->blocks, mine));
  b = normalise (g_ptr_array_index (capture, theirs));
  g_assert_cmpstr (a, ==, b);
  g_assert_true (test_ami_wait (f->ami, "Event: Hangup", mine, CALL_MS) > mine);
}

/* A call parked before the manager session: the list names it. */
static void
test_parked_calls_list (Fixture *f, gconstpointer data)
{
  const char *item;
  int index;

  start_phones (f);
  connect_caller_to_alice (f);
  park_via_700 (f);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  test_ami_send (f->ami, "Action: ParkedCalls\r\nActionID: snap\r\n\r\n");
  index = test_ami_wait (f->ami, "Event: ParkedCall\r\n", 0, 5000);
  g_assert_cmpint (index, >=, 0);
  item = g_ptr_array_index (f->ami->blocks, index);
  /* res_parking writes list items without Privilege, ActionID last */
  g_assert_null (strstr (item, "Privilege:"));
  g_assert_true (g_str_has_prefix (item, "Event: ParkedCall\r\nParkeeChannel: PJSIP/caller1-"));
  g_assert_true (g_str_has_suffix (item, "ParkingSpace: 701\r\nParkingTimeout: 45\r\n"
                                         "ParkingDuration: 0\r\nActionID: snap\r\n\r\n")
                 || strstr (item, "ParkingSpace: 701\r\n"));
  g_assert_true (strstr (item, "ParkeeCallerIDName: Caller One\r\n"));
  g_assert_true (strstr (item, "ParkerDialString: PJSIP/alice\r\n"));
  g_assert_true (g_str_has_suffix (item, "ActionID: snap\r\n\r\n"));
  g_assert_cmpint (test_ami_wait (f->ami, "ListItems: 1\r\nTotal: 1\r\n", index, 5000), >, index);
}

static void
test_fault_wrong_secret (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = test_pbx_cmd (f->pbx, "faults ami-wrong-secret on");
  gint64 t0;

  g_assert_cmpstr (reply, ==, "OK");
  f->ami = test_ami_connect (f->pbx->ami_port);
  t0 = g_get_monotonic_time ();
  g_assert_false (test_ami_login (f->ami, "admin", "adminpw"));
  /* a second later, then the session ends */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 900 * 1000);
  g_assert_cmpstr (g_ptr_array_index (f->ami->blocks, 0), ==,
                   "Response: Error\r\nActionID: login\r\nMessage: Authentication failed\r\n\r\n");
  g_assert_true (PL_TEST_WAIT (f->ami->closed, 5000));
}

static void
test_fault_silent_and_drop (Fixture *f, gconstpointer data)
{
  g_autofree char *on = NULL, *off = NULL, *drop = NULL;
  g_autoptr (TestAmi) frozen = NULL;

  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  on = test_pbx_cmd (f->pbx, "faults ami-silent on");
  g_assert_cmpstr (on, ==, "OK");
  /* a new connection is accepted but greeted with nothing */
  frozen = test_ami_connect (f->pbx->ami_port);
  pl_test_spin (500);
  g_assert_null (frozen->banner);
  /* the old session answers no Ping */
  test_ami_send (f->ami, "Action: Ping\r\nActionID: frozen\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "ActionID: frozen", 0, 500), <, 0);
  g_assert_false (f->ami->closed);
  off = test_pbx_cmd (f->pbx, "faults ami-silent off");
  test_ami_send (f->ami, "Action: Ping\r\nActionID: thawed\r\n\r\n");
  g_assert_cmpint (test_ami_wait (f->ami, "ActionID: thawed", 0, 5000), >=, 0);
  /* a dropped session just ends: no goodbye */
  drop = test_pbx_cmd (f->pbx, "faults ami-drop");
  g_assert_cmpstr (drop, ==, "OK");
  g_assert_true (PL_TEST_WAIT (f->ami->closed, 5000));
  g_assert_null (strstr (g_ptr_array_index (f->ami->blocks, f->ami->blocks->len - 1), "Goodbye"));
}

/* Manager events held back by the delay fault keep their order. */
static void
test_fault_delay (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = NULL;
  int parked, newchannel;
  gint64 t0;

  start_phones (f);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  reply = test_pbx_cmd (f->pbx, "faults ami-delay 1500");
  g_assert_cmpstr (reply, ==, "OK");
  connect_caller_to_alice (f);
  t0 = g_get_monotonic_time ();
  park_via_700 (f);
  parked = test_ami_wait (f->ami, "Event: ParkedCall\r\n", 0, CALL_MS);
  g_assert_cmpint (parked, >=, 0);
  newchannel = test_ami_wait (f->ami, "Event: Newchannel", 0, 0);
  g_assert_cmpint (newchannel, <, parked);
  /* the slot was busy on the SIP side long before the event came */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 1000 * 1000);
}

static void
test_restart_drops_sessions (Fixture *f, gconstpointer data)
{
  g_autofree char *reply = NULL;

  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
  reply = test_pbx_cmd (f->pbx, "restart");
  g_assert_true (g_str_has_prefix (reply, "OK restarted"));
  g_assert_true (PL_TEST_WAIT (f->ami->closed, 5000));
  test_ami_free (f->ami);
  f->ami = test_ami_connect (f->pbx->ami_port);
  g_assert_true (test_ami_login (f->ami, "admin", "adminpw"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/pbx-ami/text-builders", test_text_builders);
  g_test_add_func ("/pbx-ami/timestamp-text", test_timestamp_text);
#define ADD(path, keys, func)                                                                      \
  g_test_add (path, Fixture, keys, fixture_setup, func, fixture_teardown)
  ADD ("/pbx-ami/session-full-user", NULL, test_session_full_user);
  ADD ("/pbx-ami/session-readonly", NULL, test_session_readonly);
  ADD ("/pbx-ami/park-retrieve-events", NULL, test_park_retrieve_events);
  ADD ("/pbx-ami/timeout-event", "parkingtime=2\n", test_timeout_event);
  ADD ("/pbx-ami/giveup-event", NULL, test_giveup_event);
  ADD ("/pbx-ami/parked-calls-list", NULL, test_parked_calls_list);
  ADD ("/pbx-ami/fault-wrong-secret", NULL, test_fault_wrong_secret);
  ADD ("/pbx-ami/fault-silent-and-drop", NULL, test_fault_silent_and_drop);
  ADD ("/pbx-ami/fault-delay", NULL, test_fault_delay);
  ADD ("/pbx-ami/restart-drops-sessions", NULL, test_restart_drops_sessions);
  return g_test_run ();
}
