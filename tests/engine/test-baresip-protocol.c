/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-baresip-protocol"

#include <json-glib/json-glib.h>
#include <string.h>

#include "pl-baresip-protocol.h"
#include "pl-test-util.h"

typedef struct
{
  const char *json;
  PlEngineEventType type;
  const char *call_id;
  const char *aor;
  const char *peer;
  int direction; /* -1 none */
  const char *param;
} EventCase;

static const EventCase event_cases[] = {
  { "{\"event\":true,\"class\":\"register\",\"type\":\"REGISTERING\",\"accountaor\":\"sip:a@h\"}",
    PL_ENGINE_EVENT_REGISTERING, NULL, "sip:a@h", NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"register\",\"type\":\"REGISTER_OK\",\"accountaor\":\"sip:a@h\","
    "\"param\":\"200 OK\"}",
    PL_ENGINE_EVENT_REGISTER_OK, NULL, "sip:a@h", NULL, -1, "200 OK" },
  { "{\"event\":true,\"class\":\"register\",\"type\":\"REGISTER_FAIL\",\"accountaor\":\"sip:a@h\","
    "\"param\":\"401 Unauthorized\"}",
    PL_ENGINE_EVENT_REGISTER_FAIL, NULL, "sip:a@h", NULL, -1, "401 Unauthorized" },
  { "{\"event\":true,\"class\":\"register\",\"type\":\"UNREGISTERING\",\"accountaor\":\"sip:a@h\"}",
    PL_ENGINE_EVENT_UNREGISTERING, NULL, "sip:a@h", NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_INCOMING\",\"id\":\"c1\",\"accountaor\":"
    "\"sip:a@h\",\"direction\":\"incoming\",\"peeruri\":\"sip:b@h\",\"peerdisplayname\":\"Bob\","
    "\"param\":\"sip:b@h\"}",
    PL_ENGINE_EVENT_CALL_INCOMING, "c1", "sip:a@h", "sip:b@h", PL_CALL_DIRECTION_INCOMING,
    "sip:b@h" },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_OUTGOING\",\"id\":\"c1\","
    "\"direction\":\"outgoing\"}",
    PL_ENGINE_EVENT_CALL_OUTGOING, "c1", NULL, NULL, PL_CALL_DIRECTION_OUTGOING, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_RINGING\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_RINGING, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_PROGRESS\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_PROGRESS, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_ANSWERED\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_ANSWERED, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_ESTABLISHED\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_ESTABLISHED, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_CLOSED\",\"id\":\"c1\",\"param\":"
    "\"486 Rejected\"}",
    PL_ENGINE_EVENT_CALL_CLOSED, "c1", NULL, NULL, -1, "486 Rejected" },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"TRANSFER\",\"id\":\"c1\",\"param\":\"sip:c@h\"}",
    PL_ENGINE_EVENT_CALL_TRANSFER, "c1", NULL, NULL, -1, "sip:c@h" },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"TRANSFER_FAILED\",\"id\":\"c1\",\"param\":"
    "\"487 Request Terminated\"}",
    PL_ENGINE_EVENT_CALL_TRANSFER_FAILED, "c1", NULL, NULL, -1, "487 Request Terminated" },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_DTMF_START\",\"id\":\"c1\",\"param\":\"#"
    "\"}",
    PL_ENGINE_EVENT_CALL_DTMF_START, "c1", NULL, NULL, -1, "#" },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_DTMF_END\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_DTMF_END, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_RTCP\",\"id\":\"c1\",\"param\":\"audio\","
    "\"rtcp_stats\":{\"tx\":{\"sent\":0}}}",
    PL_ENGINE_EVENT_CALL_MEDIA, "c1", NULL, NULL, -1, "audio" },
  { "{\"event\":true,\"class\":\"other\",\"type\":\"CALL_LOCAL_SDP\",\"direction\":\"outgoing\","
    "\"param\":\"offer\"}",
    PL_ENGINE_EVENT_CALL_MEDIA, NULL, NULL, NULL, PL_CALL_DIRECTION_OUTGOING, "offer" },
  { "{\"event\":true,\"class\":\"other\",\"type\":\"CALL_REMOTE_SDP\",\"id\":\"c1\",\"param\":"
    "\"answer\"}",
    PL_ENGINE_EVENT_CALL_MEDIA, "c1", NULL, NULL, -1, "answer" },
  { "{\"event\":true,\"class\":\"other\",\"type\":\"CALL_RTPESTAB\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_HOLD\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_HOLD, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"CALL_RESUME\",\"id\":\"c1\"}",
    PL_ENGINE_EVENT_CALL_RESUME, "c1", NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"call\",\"type\":\"AUDIO_ERROR\",\"id\":\"c1\",\"param\":\"x\"}",
    PL_ENGINE_EVENT_AUDIO_ERROR, "c1", NULL, NULL, -1, "x" },
  { "{\"event\":true,\"class\":\"application\",\"type\":\"SHUTDOWN\",\"accountaor\":\"sip:a@h\"}",
    PL_ENGINE_EVENT_SHUTDOWN, NULL, "sip:a@h", NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"application\",\"type\":\"EXIT\"}", PL_ENGINE_EVENT_EXIT, NULL,
    NULL, NULL, -1, NULL },
  { "{\"event\":true,\"class\":\"ua\",\"type\":\"VU_RX_REPORT\",\"param\":1}",
    PL_ENGINE_EVENT_UNKNOWN, NULL, NULL, NULL, -1, NULL },
  { "{\"event\":true,\"type\":\"CALL_CLOSED\",\"id\":\"\",\"direction\":\"sideways\"}",
    PL_ENGINE_EVENT_CALL_CLOSED, NULL, NULL, NULL, -1, NULL },
};

static void
test_event (gconstpointer data)
{
  const EventCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlBaresipMessage) msg = pl_baresip_message_parse (c->json, strlen (c->json), &error);

  g_assert_no_error (error);
  g_assert_cmpint (msg->kind, ==, PL_BARESIP_MESSAGE_EVENT);
  g_assert_cmpint (msg->event->type, ==, c->type);
  g_assert_cmpstr (msg->event->call_id, ==, c->call_id);
  g_assert_cmpstr (msg->event->account_aor, ==, c->aor);
  g_assert_cmpstr (msg->event->peer_uri, ==, c->peer);
  g_assert_cmpstr (msg->event->param, ==, c->param);
  g_assert_nonnull (msg->event->type_name);
  if (c->direction < 0)
    g_assert_false (msg->event->has_direction);
  else
    {
      g_assert_true (msg->event->has_direction);
      g_assert_cmpint (msg->event->direction, ==, c->direction);
    }
}

static void
test_peer_name (void)
{
  const char *json = "{\"event\":true,\"type\":\"CALL_INCOMING\",\"peerdisplayname\":\"Bob B\"}";
  g_autoptr (PlBaresipMessage) msg = pl_baresip_message_parse (json, strlen (json), NULL);

  g_assert_cmpstr (msg->event->peer_name, ==, "Bob B");
}

typedef struct
{
  const char *json;
  gboolean valid;
  const char *token;
  gboolean ok;
  const char *data;
} ResponseCase;

static const ResponseCase response_cases[] = {
  { "{\"response\":true,\"ok\":true,\"data\":\"\",\"token\":\"7\"}", TRUE, "7", TRUE, "" },
  { "{\"response\":true,\"ok\":false,\"data\":\"command not found (x)\\n\",\"token\":\"8\"}", TRUE,
    "8", FALSE, "command not found (x)\n" },
  { "{\"response\":true,\"ok\":true}", TRUE, NULL, TRUE, NULL },
  { "{\"response\":true,\"ok\":\"yes\",\"token\":9}", TRUE, NULL, FALSE, NULL },
  { "[1,2]", FALSE },
  { "{\"hello\":1}", FALSE },
  { "{\"response\":tru", FALSE },
  { "", FALSE },
};

static void
test_response (gconstpointer data)
{
  const ResponseCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PlBaresipMessage) msg = pl_baresip_message_parse (c->json, strlen (c->json), &error);

  if (!c->valid)
    {
      g_assert_null (msg);
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (msg->kind, ==, PL_BARESIP_MESSAGE_RESPONSE);
  g_assert_cmpstr (msg->token, ==, c->token);
  g_assert_cmpint (msg->ok, ==, c->ok);
  g_assert_cmpstr (msg->data, ==, c->data);
}

/* Every message baresip sent in the recorded session must parse, and every
 * event in it must map to a known type with the fields copied over. */
static void
test_transcript (void)
{
  g_autofree char *path = pl_test_shared_fixture ("baresip-1.0.0/ctrl_tcp-session.jsonl");
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  guint events = 0, responses = 0;
  GHashTable *seen;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (PlBaresipMessage) msg = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      JsonObject *line, *obj;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      line = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member (line, "dir"), "in") != 0)
        continue;
      obj = json_object_get_object_member (line, "msg");
      json_generator_set_root (gen, json_object_get_member (line, "msg"));
      text = json_generator_to_data (gen, NULL);
      msg = pl_baresip_message_parse (text, strlen (text), &error);
      g_assert_no_error (error);
      if (msg->kind == PL_BARESIP_MESSAGE_RESPONSE)
        {
          g_assert_nonnull (msg->token);
          g_assert_cmpint (msg->ok, ==, json_object_get_boolean_member (obj, "ok"));
          responses++;
          continue;
        }
      events++;
      g_assert_cmpint (msg->event->type, !=, PL_ENGINE_EVENT_UNKNOWN);
      g_assert_cmpstr (msg->event->type_name, ==, json_object_get_string_member (obj, "type"));
      g_hash_table_add (seen, GINT_TO_POINTER (msg->event->type));
      if (g_str_equal (json_object_get_string_member (obj, "class"), "call"))
        {
          g_assert_nonnull (msg->event->call_id);
          g_assert_cmpstr (msg->event->call_id, ==, json_object_get_string_member (obj, "id"));
          g_assert_true (msg->event->has_direction);
          g_assert_cmpstr (msg->event->peer_uri, ==,
                           json_object_get_string_member (obj, "peeruri"));
        }
      if (json_object_has_member (obj, "accountaor"))
        g_assert_cmpstr (msg->event->account_aor, ==,
                         json_object_get_string_member (obj, "accountaor"));
      if (msg->event->type == PL_ENGINE_EVENT_CALL_DTMF_START)
        g_assert_cmpuint (strlen (msg->event->param), ==, 1);
    }
  g_assert_cmpuint (events, >, 50);
  g_assert_cmpuint (responses, >, 10);
  /* The session covers these; if the fixture changes, look again. */
  {
    PlEngineEventType expected[]
        = { PL_ENGINE_EVENT_CALL_INCOMING,    PL_ENGINE_EVENT_CALL_RINGING,
            PL_ENGINE_EVENT_CALL_ESTABLISHED, PL_ENGINE_EVENT_CALL_CLOSED,
            PL_ENGINE_EVENT_CALL_TRANSFER,    PL_ENGINE_EVENT_CALL_TRANSFER_FAILED,
            PL_ENGINE_EVENT_CALL_DTMF_START,  PL_ENGINE_EVENT_CALL_DTMF_END,
            PL_ENGINE_EVENT_CALL_MEDIA,       PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED,
            PL_ENGINE_EVENT_REGISTERING,      PL_ENGINE_EVENT_UNREGISTERING,
            PL_ENGINE_EVENT_SHUTDOWN,         PL_ENGINE_EVENT_EXIT };
    for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_true (g_hash_table_contains (seen, GINT_TO_POINTER (expected[i])));
  }
  g_hash_table_unref (seen);
}

typedef struct
{
  const char *param;
  const char *expected; /* substring of the human text */
} ReasonCase;

static const ReasonCase reason_cases[] = {
  { "401 Unauthorized", "Wrong user name or password" },
  { "403 Forbidden", "Wrong user name or password" },
  { "407 Proxy Authentication Required", "Wrong user name or password" },
  { "404 Not Found", "does not know this user" },
  { "408 Request Timeout", "not answering" },
  { "503 Service Unavailable", "unavailable" },
  { "500 Server Internal Error", "500 Server Internal Error" },
  { "Connection timed out", "unreachable" },
  { "unreachable", "unreachable" },
  { "Connection refused", "refused the connection" },
  { "Permission denied", "Wrong user name or password" },
  { "", "Registration failed" },
  { NULL, "Registration failed" },
  { "Something odd", "Something odd" },
};

static void
test_reason (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reason_cases); i++)
    {
      g_autofree char *text = pl_baresip_registration_reason (reason_cases[i].param);
      g_assert_nonnull (strstr (text, reason_cases[i].expected));
    }
}

static void
test_command (void)
{
  g_autofree char *a = pl_baresip_command_to_json ("dial", "sip:b@h", "7");
  g_autofree char *b = pl_baresip_command_to_json ("hold", NULL, "x\"y");
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  g_assert_cmpstr (a, ==, "{\"command\":\"dial\",\"params\":\"sip:b@h\",\"token\":\"7\"}");
  g_assert_true (json_parser_load_from_data (parser, b, -1, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "token"), ==, "x\"y");
  g_assert_cmpstr (json_object_get_string_member (obj, "params"), ==, "");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (event_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/baresip-protocol/event/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &event_cases[i], test_event);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (response_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/baresip-protocol/response/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (path, &response_cases[i], test_response);
    }
  g_test_add_func ("/baresip-protocol/peer-name", test_peer_name);
  g_test_add_func ("/baresip-protocol/transcript", test_transcript);
  g_test_add_func ("/baresip-protocol/registration-reason", test_reason);
  g_test_add_func ("/baresip-protocol/command", test_command);
  return g_test_run ();
}
