/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-baresip-protocol"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "pl-baresip-protocol.h"

static const struct
{
  const char *name;
  PlEngineEventType type;
} event_names[] = {
  { "REGISTERING", PL_ENGINE_EVENT_REGISTERING },
  { "REGISTER_OK", PL_ENGINE_EVENT_REGISTER_OK },
  { "REGISTER_FAIL", PL_ENGINE_EVENT_REGISTER_FAIL },
  { "UNREGISTERING", PL_ENGINE_EVENT_UNREGISTERING },
  { "CALL_INCOMING", PL_ENGINE_EVENT_CALL_INCOMING },
  /* Not sent by 1.0.0, but by later versions; harmless to know. */
  { "CALL_OUTGOING", PL_ENGINE_EVENT_CALL_OUTGOING },
  { "CALL_RINGING", PL_ENGINE_EVENT_CALL_RINGING },
  { "CALL_PROGRESS", PL_ENGINE_EVENT_CALL_PROGRESS },
  { "CALL_ANSWERED", PL_ENGINE_EVENT_CALL_ANSWERED },
  { "CALL_ESTABLISHED", PL_ENGINE_EVENT_CALL_ESTABLISHED },
  { "CALL_CLOSED", PL_ENGINE_EVENT_CALL_CLOSED },
  { "TRANSFER", PL_ENGINE_EVENT_CALL_TRANSFER },
  { "CALL_TRANSFER", PL_ENGINE_EVENT_CALL_TRANSFER },
  { "TRANSFER_FAILED", PL_ENGINE_EVENT_CALL_TRANSFER_FAILED },
  { "CALL_TRANSFER_FAILED", PL_ENGINE_EVENT_CALL_TRANSFER_FAILED },
  { "CALL_DTMF_START", PL_ENGINE_EVENT_CALL_DTMF_START },
  { "CALL_DTMF_END", PL_ENGINE_EVENT_CALL_DTMF_END },
  { "CALL_RTCP", PL_ENGINE_EVENT_CALL_MEDIA },
  /* baresip 1.0.0 sends it once per stream, on the first RTP packet in. */
  { "CALL_RTPESTAB", PL_ENGINE_EVENT_CALL_MEDIA_RECEIVED },
  { "CALL_LOCAL_SDP", PL_ENGINE_EVENT_CALL_MEDIA },
  { "CALL_REMOTE_SDP", PL_ENGINE_EVENT_CALL_MEDIA },
  { "CALL_MENC", PL_ENGINE_EVENT_CALL_MEDIA },
  { "CALL_HOLD", PL_ENGINE_EVENT_CALL_HOLD },
  { "CALL_RESUME", PL_ENGINE_EVENT_CALL_RESUME },
  { "AUDIO_ERROR", PL_ENGINE_EVENT_AUDIO_ERROR },
  { "SHUTDOWN", PL_ENGINE_EVENT_SHUTDOWN },
  { "EXIT", PL_ENGINE_EVENT_EXIT },
};

PlEngineEventType
pl_baresip_event_type_from_string (const char *name)
{
  if (name == NULL)
    return PL_ENGINE_EVENT_UNKNOWN;
  for (gsize i = 0; i < G_N_ELEMENTS (event_names); i++)
    if (strcmp (event_names[i].name, name) == 0)
      return event_names[i].type;
  return PL_ENGINE_EVENT_UNKNOWN;
}

void
pl_baresip_message_free (PlBaresipMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->token);
  g_free (message->data);
  pl_engine_event_free (message->event);
  g_free (message);
}

/* A string member, or NULL when absent, null or not a string. */
static char *
dup_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gboolean
get_bool_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

static PlEngineEvent *
event_from_object (JsonObject *object)
{
  g_autofree char *type_name = dup_member (object, "type");
  g_autofree char *direction = dup_member (object, "direction");
  PlEngineEvent *event = pl_engine_event_new (pl_baresip_event_type_from_string (type_name));

  event->type_name = g_steal_pointer (&type_name);
  event->call_id = dup_member (object, "id");
  event->account_aor = dup_member (object, "accountaor");
  event->peer_uri = dup_member (object, "peeruri");
  event->peer_name = dup_member (object, "peerdisplayname");
  event->param = dup_member (object, "param");
  if (g_strcmp0 (direction, "incoming") == 0)
    {
      event->has_direction = TRUE;
      event->direction = PL_CALL_DIRECTION_INCOMING;
    }
  else if (g_strcmp0 (direction, "outgoing") == 0)
    {
      event->has_direction = TRUE;
      event->direction = PL_CALL_DIRECTION_OUTGOING;
    }
  /* An empty id (CALL_LOCAL_SDP before the INVITE is out) is no id. */
  if (event->call_id != NULL && *event->call_id == '\0')
    g_clear_pointer (&event->call_id, g_free);
  return event;
}

PlBaresipMessage *
pl_baresip_message_parse (const char *json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (PlBaresipMessage) message = NULL;
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, json, (gssize)len, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL,
                           "baresip sent a message that is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  message = g_new0 (PlBaresipMessage, 1);
  if (get_bool_member (object, "response"))
    {
      message->kind = PL_BARESIP_MESSAGE_RESPONSE;
      message->ok = get_bool_member (object, "ok");
      message->token = dup_member (object, "token");
      message->data = dup_member (object, "data");
    }
  else if (get_bool_member (object, "event"))
    {
      message->kind = PL_BARESIP_MESSAGE_EVENT;
      message->event = event_from_object (object);
    }
  else
    {
      g_set_error_literal (error, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL,
                           "baresip sent a message that is neither a response nor an event");
      return NULL;
    }
  return g_steal_pointer (&message);
}

char *
pl_baresip_command_to_json (const char *command, const char *params, const char *token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, command);
  json_builder_set_member_name (builder, "params");
  json_builder_add_string_value (builder, params ? params : "");
  if (token)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

char *
pl_baresip_registration_reason (const char *param)
{
  guint64 code = 0;
  const char *text = param ? param : "";

  if (g_ascii_isdigit (text[0]))
    code = g_ascii_strtoull (text, NULL, 10);

  switch (code)
    {
      case 401:
      case 403:
      case 407:
        return g_strdup (_ ("Wrong user name or password"));
      case 404:
        return g_strdup (_ ("The server does not know this user"));
      case 408:
      case 480:
      case 504:
        return g_strdup (_ ("The server is not answering"));
      case 503:
        return g_strdup (_ ("The server is unavailable; try again later"));
      default:
        break;
    }
  if (code >= 300)
    return g_strdup_printf (_ ("The server refused the registration (%s)"), text);

  /* Otherwise baresip passes strerror() text of a transport error. */
  if (strstr (text, "timed out") || strstr (text, "Timeout") || strcmp (text, "unreachable") == 0)
    return g_strdup (_ ("The server is unreachable or not answering"));
  if (strstr (text, "refused"))
    return g_strdup (_ ("The server refused the connection; check the server address and port"));
  if (strstr (text, "Permission denied"))
    return g_strdup (_ ("Wrong user name or password"));
  if (strstr (text, "not known") || strstr (text, "resolve") || strstr (text, "No such"))
    return g_strdup (_ ("The server name could not be found"));
  if (*text == '\0')
    return g_strdup (_ ("Registration failed"));
  return g_strdup_printf (_ ("Registration failed: %s"), text);
}
