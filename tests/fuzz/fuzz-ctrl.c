/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <string.h>

#include "pl-baresip-protocol.h"
#include "pl-call-manager.h"
#include "pl-netstring.h"
#include "pl-script-engine.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Input: what baresip's ctrl_tcp socket sends (netstrings of JSON). The
 * corpus holds the streams of the recorded 1.0.0 session. */

/* Every frame of the stream, decoded in one piece or in chunks of the given
 * size: a socket may split the stream anywhere. */
static GPtrArray *
decode (const uint8_t *data, size_t size, gsize chunk, gboolean *failed)
{
  g_autoptr (PlNetstringDecoder) decoder = pl_netstring_decoder_new (64 * 1024);
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  *failed = FALSE;
  for (gsize offset = 0; offset < size && !*failed; offset += chunk)
    {
      pl_netstring_decoder_feed (decoder, (const char *)data + offset, MIN (chunk, size - offset));
      for (;;)
        {
          char *payload = NULL;
          gsize len = 0;
          const char *why = NULL;
          PlNetstringStatus status = pl_netstring_decoder_next (decoder, &payload, &len, &why);

          if (status == PL_NETSTRING_NEED_MORE)
            break;
          if (status == PL_NETSTRING_ERROR)
            {
              g_assert_nonnull (why);
              *failed = TRUE;
              break;
            }
          g_assert_nonnull (payload);
          g_assert_cmpint (payload[len], ==, '\0');
          g_ptr_array_add (frames, g_bytes_new_take (payload, len));
        }
    }
  return frames;
}

/* What the call list may never show, whatever the engine said. */
static void
check_calls (PlCallManager *manager)
{
  GListModel *calls = pl_call_manager_get_calls (manager);
  PlCall *active = pl_call_manager_get_active_call (manager);
  gboolean active_listed = active == NULL;
  guint n = g_list_model_get_n_items (calls);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PlCall) call = g_list_model_get_item (calls, i);

      g_assert_true (pl_call_is_live (call));
      g_assert_cmpint (pl_call_get_end (call), ==, PL_CALL_END_NONE);
      active_listed = active_listed || call == active;
      for (guint j = 0; j < i; j++)
        {
          g_autoptr (PlCall) other = g_list_model_get_item (calls, j);
          g_assert_true (pl_call_get_id (call) == NULL
                         || g_strcmp0 (pl_call_get_id (call), pl_call_get_id (other)) != 0);
        }
    }
  g_assert_true (active_listed);
}

/* Something a user might do right then, chosen by the frame. */
static void
poke (PlCallManager *manager, gsize frame_len)
{
  PlCall *call = pl_call_manager_get_active_call (manager);

  if (call == NULL || frame_len % 2 == 0)
    return;
  switch ((frame_len / 2) % 5)
    {
      case 0:
        pl_call_manager_answer (manager, call, NULL);
        break;
      case 1:
        pl_call_manager_hold (manager, call, NULL);
        break;
      case 2:
        pl_call_manager_resume (manager, call, NULL);
        break;
      case 3:
        pl_call_manager_transfer (manager, call, "sip:700@pbx", NULL);
        break;
      default:
        pl_call_manager_hangup (manager, call, NULL);
        break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gboolean whole_failed, chunked_failed;
  g_autoptr (GPtrArray) frames = decode (data, size, MAX (size, 1), &whole_failed);
  g_autoptr (GPtrArray) chunked = decode (data, size, 7, &chunked_failed);
  g_autoptr (PlAccount) account = pl_account_new ("fuzz");
  g_autoptr (PlScriptEngine) engine = NULL;
  g_autoptr (PlCallManager) manager = NULL;

  /* Framing does not depend on how the bytes arrived. */
  g_assert_cmpint (whole_failed, ==, chunked_failed);
  g_assert_cmpuint (frames->len, ==, chunked->len);
  for (guint i = 0; i < frames->len; i++)
    g_assert_true (g_bytes_equal (frames->pdata[i], chunked->pdata[i]));

  pl_account_set_user (account, "alice");
  pl_account_set_domain (account, "pbx");
  engine = pl_script_engine_new (account);
  manager = pl_call_manager_new (PL_ENGINE (engine));
  pl_engine_start (PL_ENGINE (engine));

  for (guint i = 0; i < frames->len; i++)
    {
      gsize len;
      const char *json = g_bytes_get_data (frames->pdata[i], &len);
      g_autoptr (GError) error = NULL;
      g_autoptr (PlBaresipMessage) message = pl_baresip_message_parse (json, len, &error);

      g_assert_true ((message == NULL) == (error != NULL));
      if (message == NULL || message->kind != PL_BARESIP_MESSAGE_EVENT)
        continue;
      g_assert_nonnull (message->event);
      g_assert_true (message->event->call_id == NULL || *message->event->call_id != '\0');
      /* REGISTER_FAIL reasons become a sentence for the user, always. */
      if (message->event->type == PL_ENGINE_EVENT_REGISTER_FAIL)
        {
          g_autofree char *reason = pl_baresip_registration_reason (message->event->param);
          g_assert_true (reason != NULL && *reason != '\0');
        }
      pl_engine_emit_event (PL_ENGINE (engine), message->event);
      poke (manager, len);
      /* Actions on the scripted engine complete from the main loop. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      check_calls (manager);
    }

  pl_engine_stop (PL_ENGINE (engine));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}
