/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-silence-watch"

#include "config.h"

#include "pl-silence-watch.h"

struct _PlSilenceWatch
{
  PlCall *call;
  guint delay_ms;
  PlSilenceFunc func;
  gpointer user_data;
  guint timeout_id;
  gboolean silent;
};

static gboolean
delay_elapsed_cb (gpointer user_data)
{
  PlSilenceWatch *watch = user_data;

  watch->timeout_id = 0;
  if (pl_call_get_media_received (watch->call) || !pl_call_is_live (watch->call))
    return G_SOURCE_REMOVE;
  g_message ("Call %s has been up %u ms without any RTP", pl_call_get_peer_uri (watch->call),
             watch->delay_ms);
  watch->silent = TRUE;
  watch->func (watch->call, TRUE, watch->user_data);
  return G_SOURCE_REMOVE;
}

/* The clock starts when the call is answered: ringing is silent anyway.
 * Held calls carry no RTP by design, so only an active call counts. */
static void
call_changed_cb (PlSilenceWatch *watch)
{
  PlCallState state = pl_call_get_state (watch->call);

  if (pl_call_get_media_received (watch->call))
    {
      g_clear_handle_id (&watch->timeout_id, g_source_remove);
      if (watch->silent)
        {
          watch->silent = FALSE;
          watch->func (watch->call, FALSE, watch->user_data);
        }
      return;
    }
  if (state != PL_CALL_STATE_ACTIVE)
    {
      g_clear_handle_id (&watch->timeout_id, g_source_remove);
      return;
    }
  if (watch->timeout_id == 0 && !watch->silent)
    watch->timeout_id = g_timeout_add (watch->delay_ms, delay_elapsed_cb, watch);
}

PlSilenceWatch *
pl_silence_watch_new (PlCall *call, guint delay_ms, PlSilenceFunc func, gpointer user_data)
{
  PlSilenceWatch *watch;

  g_return_val_if_fail (PL_IS_CALL (call), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  watch = g_new0 (PlSilenceWatch, 1);
  watch->call = g_object_ref (call);
  watch->delay_ms = delay_ms;
  watch->func = func;
  watch->user_data = user_data;
  g_signal_connect_swapped (call, "notify::state", G_CALLBACK (call_changed_cb), watch);
  g_signal_connect_swapped (call, "notify::media-received", G_CALLBACK (call_changed_cb), watch);
  call_changed_cb (watch);
  return watch;
}

gboolean
pl_silence_watch_get_silent (PlSilenceWatch *watch)
{
  g_return_val_if_fail (watch != NULL, FALSE);
  return watch->silent;
}

void
pl_silence_watch_free (PlSilenceWatch *watch)
{
  if (watch == NULL)
    return;
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (watch->call, watch);
  g_clear_object (&watch->call);
  g_free (watch);
}
