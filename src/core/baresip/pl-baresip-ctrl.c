/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-baresip-ctrl"

#include "config.h"

#include <string.h>

#include "pl-baresip-ctrl.h"
#include "pl-baresip-protocol.h"
#include "pl-netstring.h"
#include "pl-trace.h"

#define CONNECT_RETRY_MS 10
#define READ_CHUNK       16384

struct _PlBaresipCtrl
{
  GObject parent_instance;

  GSocketConnection *connection;
  GCancellable *io_cancellable;
  PlNetstringDecoder *decoder;
  guint8 read_buffer[READ_CHUNK];
  GQueue write_queue; /* GBytes */
  gboolean writing;
  GHashTable *pending; /* token → Pending */
  guint next_token;
  guint16 port;
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (PlBaresipCtrl, pl_baresip_ctrl, G_TYPE_OBJECT)

enum
{
  SIGNAL_EVENT,
  SIGNAL_CLOSED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct
{
  GTask *task;
  guint timeout_id;
  char *token;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_object (&pending->task);
  g_free (pending->token);
  g_free (pending);
}

static void
fail_all_pending (PlBaresipCtrl *self, const char *why)
{
  g_autoptr (GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  gpointer value;

  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Pending *p = value;
      g_task_return_new_error (p->task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL, "%s", why);
    }
}

static void
shutdown_connection (PlBaresipCtrl *self, const char *why, gboolean notify)
{
  gboolean was_open = self->connection != NULL && !self->closed;

  self->closed = TRUE;
  g_cancellable_cancel (self->io_cancellable);
  if (self->connection)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  g_queue_clear_full (&self->write_queue, (GDestroyNotify)g_bytes_unref);
  fail_all_pending (self, why);
  if (was_open && notify)
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, why);
}

static void
pl_baresip_ctrl_dispose (GObject *object)
{
  PlBaresipCtrl *self = PL_BARESIP_CTRL (object);

  if (!self->closed)
    shutdown_connection (self, "control connection closed", FALSE);
  G_OBJECT_CLASS (pl_baresip_ctrl_parent_class)->dispose (object);
}

static void
pl_baresip_ctrl_finalize (GObject *object)
{
  PlBaresipCtrl *self = PL_BARESIP_CTRL (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->decoder, pl_netstring_decoder_free);
  g_clear_object (&self->io_cancellable);
  G_OBJECT_CLASS (pl_baresip_ctrl_parent_class)->finalize (object);
}

static void
pl_baresip_ctrl_class_init (PlBaresipCtrlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pl_baresip_ctrl_dispose;
  object_class->finalize = pl_baresip_ctrl_finalize;

  signals[SIGNAL_EVENT]
      = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, PL_TYPE_ENGINE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pl_baresip_ctrl_init (PlBaresipCtrl *self)
{
  self->io_cancellable = g_cancellable_new ();
  self->decoder = pl_netstring_decoder_new (PL_NETSTRING_DEFAULT_MAX);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  g_queue_init (&self->write_queue);
}

PlBaresipCtrl *
pl_baresip_ctrl_new (void)
{
  return g_object_new (PL_TYPE_BARESIP_CTRL, NULL);
}

gboolean
pl_baresip_ctrl_is_connected (PlBaresipCtrl *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_CTRL (self), FALSE);
  return self->connection != NULL && !self->closed;
}

guint16
pl_baresip_ctrl_get_port (PlBaresipCtrl *self)
{
  g_return_val_if_fail (PL_IS_BARESIP_CTRL (self), 0);
  return self->port;
}

void
pl_baresip_ctrl_close (PlBaresipCtrl *self)
{
  g_return_if_fail (PL_IS_BARESIP_CTRL (self));
  shutdown_connection (self, "control connection closed", FALSE);
}

/* Reading */

static void start_read (PlBaresipCtrl *self);

static void
dispatch (PlBaresipCtrl *self, const char *payload, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PlBaresipMessage) msg = pl_baresip_message_parse (payload, len, &error);

  if (msg == NULL)
    {
      g_debug ("ignoring unparsable message: %s", error->message);
      return;
    }
  if (msg->kind == PL_BARESIP_MESSAGE_EVENT)
    {
      g_signal_emit (self, signals[SIGNAL_EVENT], 0, msg->event);
      return;
    }
  if (msg->token != NULL)
    {
      Pending *pending = g_hash_table_lookup (self->pending, msg->token);

      if (pending == NULL)
        return;
      g_hash_table_steal (self->pending, msg->token);
      if (msg->ok)
        g_task_return_pointer (pending->task, g_strdup (msg->data ? msg->data : ""), g_free);
      else
        g_task_return_new_error (pending->task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_REJECTED, "%s",
                                 msg->data ? g_strstrip (msg->data) : "command failed");
      pending_free (pending);
    }
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlBaresipCtrl) self = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (self->closed)
    return;
  if (n <= 0)
    {
      shutdown_connection (self, n == 0 ? "baresip closed the control connection" : error->message,
                           TRUE);
      return;
    }
  pl_netstring_decoder_feed (self->decoder, (const char *)self->read_buffer, (gsize)n);
  for (;;)
    {
      g_autofree char *payload = NULL;
      gsize len = 0;
      const char *why = NULL;
      PlNetstringStatus status = pl_netstring_decoder_next (self->decoder, &payload, &len, &why);

      if (status == PL_NETSTRING_NEED_MORE)
        break;
      if (status == PL_NETSTRING_ERROR)
        {
          g_autofree char *msg = g_strdup_printf ("bad framing from baresip: %s", why);
          shutdown_connection (self, msg, TRUE);
          return;
        }
      dispatch (self, payload, len);
      if (self->closed)
        return;
    }
  start_read (self);
}

static void
start_read (PlBaresipCtrl *self)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (self->connection));

  g_input_stream_read_async (in, self->read_buffer, sizeof self->read_buffer, G_PRIORITY_DEFAULT,
                             self->io_cancellable, read_cb, g_object_ref (self));
}

/* Writing: one write in flight, the rest queued, so frames never interleave. */

static void write_next (PlBaresipCtrl *self);

static void
write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PlBaresipCtrl) self = user_data;
  g_autoptr (GError) error = NULL;

  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!self->closed)
        shutdown_connection (self, error->message, TRUE);
      return;
    }
  write_next (self);
}

static void
write_next (PlBaresipCtrl *self)
{
  GBytes *bytes;
  GOutputStream *out;

  if (self->writing || self->closed || self->connection == NULL)
    return;
  bytes = g_queue_pop_head (&self->write_queue);
  if (bytes == NULL)
    return;
  self->writing = TRUE;
  out = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  /* The bytes ride along as task data of the write. */
  g_object_set_data_full (G_OBJECT (out), "pl-current-write", bytes, (GDestroyNotify)g_bytes_unref);
  g_output_stream_write_all_async (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, self->io_cancellable, write_cb,
                                   g_object_ref (self));
}

static void
queue_frame (PlBaresipCtrl *self, const char *command, const char *params, const char *token)
{
  g_autofree char *json = pl_baresip_command_to_json (command, params, token);
  gsize len = 0;
  char *frame = pl_netstring_encode (json, strlen (json), &len);

  pl_trace_mark ("engine command %s", command);
  g_queue_push_tail (&self->write_queue, g_bytes_new_take (frame, len));
  write_next (self);
}

void
pl_baresip_ctrl_send (PlBaresipCtrl *self, const char *command, const char *params)
{
  g_return_if_fail (PL_IS_BARESIP_CTRL (self));
  if (!pl_baresip_ctrl_is_connected (self))
    return;
  queue_frame (self, command, params, NULL);
}

static gboolean
command_timeout_cb (gpointer user_data)
{
  PlBaresipCtrl *self = PL_BARESIP_CTRL (g_task_get_source_object (user_data));
  const char *token = g_task_get_task_data (user_data);
  Pending *pending = g_hash_table_lookup (self->pending, token);

  if (pending == NULL)
    return G_SOURCE_REMOVE;
  pending->timeout_id = 0;
  g_hash_table_steal (self->pending, token);
  g_task_return_new_error (pending->task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_TIMEOUT,
                           "baresip did not answer the \"%s\" command in time",
                           g_task_get_name (pending->task));
  pending_free (pending);
  return G_SOURCE_REMOVE;
}

void
pl_baresip_ctrl_command_async (PlBaresipCtrl *self, const char *command, const char *params,
                               guint timeout_ms, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Pending *pending;

  g_return_if_fail (PL_IS_BARESIP_CTRL (self));
  g_return_if_fail (command != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_baresip_ctrl_command_async);
  g_task_set_name (task, command);
  if (!pl_baresip_ctrl_is_connected (self))
    {
      g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_NOT_RUNNING,
                               "not connected to baresip");
      return;
    }
  pending = g_new0 (Pending, 1);
  pending->token = g_strdup_printf ("pl-%u", ++self->next_token);
  pending->task = g_object_ref (task);
  g_task_set_task_data (task, g_strdup (pending->token), g_free);
  pending->timeout_id = g_timeout_add (timeout_ms ? timeout_ms : 5000, command_timeout_cb, task);
  g_hash_table_insert (self->pending, pending->token, pending);
  queue_frame (self, command, params, pending->token);
}

char *
pl_baresip_ctrl_command_finish (PlBaresipCtrl *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Connecting */

typedef struct
{
  gint64 deadline;
  guint16 port;
  guint retry_id;
  GError *last_error;
} ConnectData;

static void
connect_data_free (gpointer data)
{
  ConnectData *cd = data;

  g_clear_handle_id (&cd->retry_id, g_source_remove);
  g_clear_error (&cd->last_error);
  g_free (cd);
}

static void try_connect (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  ConnectData *cd = g_task_get_task_data (task);

  cd->retry_id = 0;
  try_connect (task);
  return G_SOURCE_REMOVE;
}

static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PlBaresipCtrl *self = g_task_get_source_object (task);
  ConnectData *cd = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection
      = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_get_monotonic_time () >= cd->deadline)
        {
          g_task_return_new_error (task, PL_ENGINE_ERROR, PL_ENGINE_ERROR_PROTOCOL,
                                   "could not connect to baresip's control port %u: %s", cd->port,
                                   error->message);
          return;
        }
      cd->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, CONNECT_RETRY_MS, retry_cb,
                                         g_object_ref (task), g_object_unref);
      return;
    }
  self->connection = connection;
  self->port = cd->port;
  self->closed = FALSE;
  /* The connect timeout sticks to the socket; an idle control connection
   * must not time out. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 0);
  start_read (self);
  g_task_return_boolean (task, TRUE);
}

static void
try_connect (GTask *task)
{
  ConnectData *cd = g_task_get_task_data (task);
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, cd->port);

  g_socket_client_set_timeout (client, 2);
  /* baresip listens on loopback: a desktop proxy (glib-networking reads
   * GNOME's proxy settings) must never be asked, let alone used. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address),
                                 g_task_get_cancellable (task), connect_cb, g_object_ref (task));
}

void
pl_baresip_ctrl_connect_async (PlBaresipCtrl *self, guint16 port, guint timeout_ms,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ConnectData *cd;

  g_return_if_fail (PL_IS_BARESIP_CTRL (self));
  g_return_if_fail (self->connection == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pl_baresip_ctrl_connect_async);
  cd = g_new0 (ConnectData, 1);
  cd->port = port;
  cd->deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  g_task_set_task_data (task, cd, connect_data_free);
  try_connect (task);
}

gboolean
pl_baresip_ctrl_connect_finish (PlBaresipCtrl *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
