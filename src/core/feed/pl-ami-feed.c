/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-ami"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pl-ami-events.h"
#include "pl-ami-feed.h"
#include "pl-ami-message.h"
#include "pl-util.h"

#define AMI_BANNER_PREFIX "Asterisk Call Manager/"
#define LOGIN_ID          "login"
/* A wrong secret does not fix itself: retry slowly, the admin may fix the
 * server meanwhile. */
#define AUTH_FAILED_ATTEMPT 4

/* An async step of one connection; callbacks of an earlier connection
 * find its cancellable cancelled. The op keeps the feed alive until its
 * callback ran, so owners stop the feed (pl_park_feed_stop) to let go. */
typedef struct
{
  PlAmiFeed *self;
  GCancellable *cancellable;
  GBytes *bytes; /* being written */
} Op;

struct _PlAmiFeed
{
  GObject parent_instance;

  char *host;
  guint16 port;
  char *user;
  char *secret;
  gboolean tls;
  GTlsDatabase *tls_database;
  guint ping_interval_ms;
  guint answer_timeout_ms;

  PlParkFeedStatus status;
  char *status_text;
  gboolean events_only;
  gboolean running;
  guint attempt; /* failed attempts since the last login */
  guint retry_id;
  guint n_logins;
  GRand *rand;
  PlAmiDirectory *directory;

  /* the current connection */
  GCancellable *cancellable;
  GSocketConnection *socket;
  GIOStream *stream; /* the socket, or TLS on it */
  GTlsCertificateFlags certificate_errors;
  PlAmiParser parser;
  gboolean logged_in;
  GQueue *out; /* GBytes waiting to be written */
  gboolean writing;
  guint ping_id;
  guint deadline_id; /* the answer we wait for has not come */
  guint ping_seq;
  char *snapshot_id;
  char buffer[8192];
};

static void pl_ami_feed_park_feed_init (PlParkFeedInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlAmiFeed, pl_ami_feed, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PL_TYPE_PARK_FEED,
                                                      pl_ami_feed_park_feed_init))

enum
{
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_USER,
  PROP_SECRET,
  PROP_TLS,
  PROP_PING_INTERVAL,
  PROP_ANSWER_TIMEOUT,
  PROP_TLS_DATABASE,
  PROP_STATUS,
  PROP_STATUS_TEXT,
  PROP_EVENTS_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_retry (PlAmiFeed *self);
static void connect_now (PlAmiFeed *self);
static void read_more (PlAmiFeed *self);

static Op *
op_new (PlAmiFeed *self)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->cancellable = g_object_ref (self->cancellable);
  return op;
}

static void
op_free (Op *op)
{
  g_object_unref (op->self);
  g_object_unref (op->cancellable);
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

/* ---- status ----------------------------------------------------------- */

static void
set_status (PlAmiFeed *self, PlParkFeedStatus status, const char *text)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (pl_set_str (&self->status_text, text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_connected_status (PlAmiFeed *self)
{
  set_status (self, PL_PARK_FEED_STATUS_CONNECTED,
              self->events_only ? _ ("Connected — events only") : _ ("Connected"));
}

static void
set_events_only (PlAmiFeed *self, gboolean events_only)
{
  if (self->events_only == events_only)
    return;
  self->events_only = events_only;
  /* Once per change, not per login: a read-only user is a choice. */
  if (events_only)
    g_message ("Manager user %s may not list parked calls (write = call): calls parked before "
               "Parkline connected stay unnamed",
               self->user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENTS_ONLY]);
  if (self->status == PL_PARK_FEED_STATUS_CONNECTED)
    set_connected_status (self);
}

static char *
certificate_problem (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup (_ ("issued by an unknown authority"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup (_ ("it is for another host"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup (_ ("it has expired"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup (_ ("it is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup (_ ("it was revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup (_ ("it uses an insecure algorithm"));
  return g_strdup (_ ("it is not valid"));
}

/* What went wrong, as a status the user can act on. */
static void
status_for_error (PlAmiFeed *self, const GError *error)
{
  g_autofree char *text = NULL;
  PlParkFeedStatus status;

  if (self->certificate_errors != 0)
    {
      g_autofree char *why = certificate_problem (self->certificate_errors);

      status = PL_PARK_FEED_STATUS_TLS_FAILED;
      text = g_strdup_printf (_ ("Certificate not trusted: %s"), why);
    }
  else if (error->domain == G_TLS_ERROR)
    {
      status = PL_PARK_FEED_STATUS_TLS_FAILED;
      text = g_strdup_printf (_ ("TLS failed: %s"), error->message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      status = PL_PARK_FEED_STATUS_REFUSED;
      text = g_strdup (_ ("Connection refused"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
           || g_error_matches (error, PL_PARK_FEED_ERROR, PL_PARK_FEED_ERROR_NOT_ANSWERING))
    {
      status = PL_PARK_FEED_STATUS_NOT_ANSWERING;
      text = g_strdup (_ ("Server not answering"));
    }
  else if (g_error_matches (error, PL_PARK_FEED_ERROR, PL_PARK_FEED_ERROR_AUTH_FAILED))
    {
      status = PL_PARK_FEED_STATUS_AUTH_FAILED;
      text = g_strdup (_ ("Wrong user or secret"));
    }
  else if (g_error_matches (error, PL_PARK_FEED_ERROR, PL_PARK_FEED_ERROR_PROTOCOL))
    {
      status = PL_PARK_FEED_STATUS_PROTOCOL_ERROR;
      text = g_strdup (_ ("Not an Asterisk manager interface"));
    }
  else if (error->domain == G_RESOLVER_ERROR
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    {
      status = PL_PARK_FEED_STATUS_UNREACHABLE;
      text = g_strdup_printf (_ ("Cannot reach %s: %s"), self->host, error->message);
    }
  else if (self->logged_in)
    {
      status = PL_PARK_FEED_STATUS_LOST;
      text = g_strdup (_ ("Connection lost, reconnecting…"));
    }
  else
    {
      status = PL_PARK_FEED_STATUS_UNREACHABLE;
      text = g_strdup_printf (_ ("Cannot connect to %s: %s"), self->host, error->message);
    }
  set_status (self, status, text);
}

/* ---- the connection ------------------------------------------------------ */

static void
close_connection (PlAmiFeed *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->ping_id, g_source_remove);
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  if (self->stream)
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_queue_clear_full (self->out, (GDestroyNotify)g_bytes_unref);
  self->writing = FALSE;
  self->logged_in = FALSE;
  self->certificate_errors = 0;
  g_clear_pointer (&self->snapshot_id, g_free);
  pl_ami_parser_clear (&self->parser);
}

/* The connection failed or died: say why and try again later. */
static void
fail (PlAmiFeed *self, const GError *error)
{
  gboolean was_logged_in = self->logged_in;

  g_message ("Manager %s:%u: %s", self->host, self->port, error->message);
  status_for_error (self, error);
  if (g_error_matches (error, PL_PARK_FEED_ERROR, PL_PARK_FEED_ERROR_AUTH_FAILED))
    self->attempt = MAX (self->attempt, AUTH_FAILED_ATTEMPT);
  /* a connection that worked until now starts the backoff over */
  if (was_logged_in)
    self->attempt = 0;
  close_connection (self);
  schedule_retry (self);
}

static void
fail_literal (PlAmiFeed *self, PlParkFeedError code, const char *message)
{
  g_autoptr (GError) error = g_error_new_literal (PL_PARK_FEED_ERROR, code, message);

  fail (self, error);
}

static gboolean
deadline_cb (gpointer user_data)
{
  PlAmiFeed *self = user_data;

  self->deadline_id = 0;
  fail_literal (self, PL_PARK_FEED_ERROR_NOT_ANSWERING,
                self->logged_in ? "no answer to Ping" : "no banner or login answer");
  return G_SOURCE_REMOVE;
}

static void
expect_answer (PlAmiFeed *self)
{
  if (self->deadline_id == 0)
    self->deadline_id = g_timeout_add (self->answer_timeout_ms, deadline_cb, self);
}

static void write_next (PlAmiFeed *self);

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Op) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)
      && !g_cancellable_is_cancelled (op->cancellable))
    {
      fail (op->self, error);
      return;
    }
  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  op->self->writing = FALSE;
  write_next (op->self);
}

static void
write_next (PlAmiFeed *self)
{
  Op *op;
  gsize length;
  const char *data;

  if (self->writing || g_queue_is_empty (self->out))
    return;
  op = op_new (self);
  op->bytes = g_queue_pop_head (self->out);
  data = g_bytes_get_data (op->bytes, &length);
  self->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), data, length,
                                   G_PRIORITY_DEFAULT, self->cancellable, write_done, op);
}

static void
send_action (PlAmiFeed *self, char *text)
{
  if (text == NULL)
    {
      /* only our own values go in; a control character in them is a bug
       * in the configuration checks */
      fail_literal (self, PL_PARK_FEED_ERROR_PROTOCOL, "an action with a line break in a value");
      return;
    }
  g_queue_push_tail (self->out, g_bytes_new_take (text, strlen (text)));
  write_next (self);
}

static gboolean
ping_cb (gpointer user_data)
{
  PlAmiFeed *self = user_data;
  g_autofree char *id = g_strdup_printf ("ping-%u", ++self->ping_seq);

  send_action (self, pl_ami_action_build ("Ping", id, NULL));
  expect_answer (self);
  return G_SOURCE_CONTINUE;
}

static void
logged_in (PlAmiFeed *self)
{
  self->logged_in = TRUE;
  self->attempt = 0;
  self->n_logins++;
  g_clear_handle_id (&self->deadline_id, g_source_remove);
  set_connected_status (self);
  /* calls parked before we came get their names from the list */
  g_free (self->snapshot_id);
  self->snapshot_id = g_strdup_printf ("snapshot-%u", self->n_logins);
  send_action (self, pl_ami_action_build ("ParkedCalls", self->snapshot_id, NULL));
  self->ping_id = g_timeout_add (self->ping_interval_ms, ping_cb, self);
}

static void
handle_response (PlAmiFeed *self, const PlAmiMessage *message)
{
  const char *id = pl_ami_message_get (message, "ActionID");
  gboolean success = pl_ami_message_is (message, "Response", "Success");

  if (g_strcmp0 (id, LOGIN_ID) == 0 && !self->logged_in)
    {
      if (success)
        logged_in (self);
      else
        fail_literal (self, PL_PARK_FEED_ERROR_AUTH_FAILED,
                      pl_ami_message_get (message, "Message")
                          ? pl_ami_message_get (message, "Message")
                          : "login refused");
      return;
    }
  if (self->snapshot_id && g_strcmp0 (id, self->snapshot_id) == 0)
    {
      if (success)
        set_events_only (self, FALSE);
      else if (g_strcmp0 (pl_ami_message_get (message, "Message"), "Permission denied") == 0)
        set_events_only (self, TRUE);
      else
        g_message ("Manager %s: the list of parked calls failed: %s", self->host,
                   pl_ami_message_get (message, "Message"));
    }
}

static void
handle_message (PlAmiFeed *self, const PlAmiMessage *message)
{
  g_autoptr (PlParkFeedEvent) event = NULL;

  if (pl_ami_message_get (message, "Response") != NULL)
    {
      handle_response (self, message);
      return;
    }
  if (!self->logged_in)
    return;
  pl_ami_directory_learn (self->directory, message);
  event = pl_ami_park_event (message, self->directory, self->snapshot_id);
  if (event != NULL)
    pl_park_feed_emit_event (PL_PARK_FEED (self), event);
}

static void
handle_input (PlAmiFeed *self, GCancellable *cancellable, const char *data, gsize length)
{
  g_autoptr (GPtrArray) messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);
  gboolean had_banner = self->parser.banner != NULL;

  pl_ami_parser_feed (&self->parser, data, length, messages);
  if (!had_banner && self->parser.banner != NULL)
    {
      if (!g_str_has_prefix (self->parser.banner, AMI_BANNER_PREFIX))
        {
          g_autofree char *why = g_strdup_printf ("greeted with “%.60s”", self->parser.banner);

          fail_literal (self, PL_PARK_FEED_ERROR_PROTOCOL, why);
          return;
        }
      send_action (self,
                   pl_ami_action_build ("Login", LOGIN_ID, "Username", self->user, "Secret",
                                        self->secret ? self->secret : "", "Events", "call", NULL));
    }
  for (guint i = 0; i < messages->len && !g_cancellable_is_cancelled (cancellable); i++)
    handle_message (self, g_ptr_array_index (messages, i));
}

static void
read_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Op) op = user_data;
  PlAmiFeed *self = op->self;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  if (n < 0)
    {
      fail (self, error);
      return;
    }
  if (n == 0)
    {
      fail_literal (self, PL_PARK_FEED_ERROR_CLOSED, "the server closed the connection");
      return;
    }
  /* anything from the server shows it is alive */
  if (self->logged_in)
    g_clear_handle_id (&self->deadline_id, g_source_remove);
  handle_input (self, op->cancellable, self->buffer, (gsize)n);
  if (!g_cancellable_is_cancelled (op->cancellable))
    read_more (self);
}

static void
read_more (PlAmiFeed *self)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->buffer,
                             sizeof self->buffer, G_PRIORITY_DEFAULT, self->cancellable, read_done,
                             op_new (self));
}

static void
stream_ready (PlAmiFeed *self)
{
  pl_ami_parser_init (&self->parser, TRUE);
  read_more (self);
}

static gboolean
accept_certificate_cb (GTlsConnection *connection, GTlsCertificate *certificate,
                       GTlsCertificateFlags errors, gpointer user_data)
{
  PlAmiFeed *self = user_data;

  /* Never accept what failed the checks; remember why for the user. */
  self->certificate_errors = errors;
  return FALSE;
}

static void
handshake_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Op) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (!g_cancellable_is_cancelled (op->cancellable))
        fail (op->self, error);
      return;
    }
  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  stream_ready (op->self);
}

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Op) op = user_data;
  PlAmiFeed *self = op->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) socket
      = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  g_autoptr (GSocketConnectable) identity = NULL;
  GIOStream *tls;

  if (g_cancellable_is_cancelled (op->cancellable))
    return;
  if (socket == NULL)
    {
      fail (self, error);
      return;
    }
  self->socket = g_steal_pointer (&socket);
  /* The client's connect timeout stays on the socket: an idle manager
   * connection is fine, the Ping tells a dead one. */
  g_socket_set_timeout (g_socket_connection_get_socket (self->socket), 0);
  if (!self->tls)
    {
      self->stream = g_object_ref (G_IO_STREAM (self->socket));
      stream_ready (self);
      return;
    }
  identity = g_network_address_new (self->host, self->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (self->socket), identity, &error);
  if (tls == NULL)
    {
      fail (self, error);
      return;
    }
  self->stream = tls;
  if (self->tls_database)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->tls_database);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, self->cancellable,
                                    handshake_done, op_new (self));
}

static void
connect_now (PlAmiFeed *self)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();

  close_connection (self);
  self->cancellable = g_cancellable_new ();
  self->out = self->out ? self->out : g_queue_new ();
  if (self->status == PL_PARK_FEED_STATUS_STOPPED)
    set_status (self, PL_PARK_FEED_STATUS_CONNECTING, _ ("Connecting…"));
  g_socket_client_set_timeout (client, MAX (1, self->answer_timeout_ms / 1000));
  /* A manager interface is on the LAN or loopback: never through a desktop
   * proxy, and never ask for one. */
  g_socket_client_set_enable_proxy (client, FALSE);
  /* connect, TLS, banner and login together within the answer timeout */
  self->deadline_id = g_timeout_add (self->answer_timeout_ms, deadline_cb, self);
  g_socket_client_connect_to_host_async (client, self->host, self->port, self->cancellable,
                                         connected, op_new (self));
}

static gboolean
retry_cb (gpointer user_data)
{
  PlAmiFeed *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PlAmiFeed *self)
{
  guint delay;

  if (!self->running)
    return;
  delay = pl_park_feed_backoff_ms (self->attempt++, g_rand_double (self->rand));
  g_debug ("Manager %s:%u: reconnecting in %u ms", self->host, self->port, delay);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

/* ---- PlParkFeed ----------------------------------------------------------- */

static void
pl_ami_feed_start (PlParkFeed *feed)
{
  PlAmiFeed *self = PL_AMI_FEED (feed);

  if (self->running)
    return;
  self->running = TRUE;
  self->attempt = 0;
  connect_now (self);
}

static void
pl_ami_feed_stop (PlParkFeed *feed)
{
  PlAmiFeed *self = PL_AMI_FEED (feed);

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  close_connection (self);
  set_status (self, PL_PARK_FEED_STATUS_STOPPED, _ ("Off"));
}

static void
pl_ami_feed_park_feed_init (PlParkFeedInterface *iface)
{
  iface->start = pl_ami_feed_start;
  iface->stop = pl_ami_feed_stop;
}

/* ---- GObject ------------------------------------------------------------ */

static void
pl_ami_feed_dispose (GObject *object)
{
  PlAmiFeed *self = PL_AMI_FEED (object);

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  close_connection (self);
  g_clear_object (&self->tls_database);
  G_OBJECT_CLASS (pl_ami_feed_parent_class)->dispose (object);
}

static void
pl_ami_feed_finalize (GObject *object)
{
  PlAmiFeed *self = PL_AMI_FEED (object);

  g_free (self->host);
  g_free (self->user);
  if (self->secret)
    memset (self->secret, 0, strlen (self->secret));
  g_free (self->secret);
  g_free (self->status_text);
  if (self->out)
    g_queue_free_full (self->out, (GDestroyNotify)g_bytes_unref);
  g_rand_free (self->rand);
  pl_ami_directory_free (self->directory);
  G_OBJECT_CLASS (pl_ami_feed_parent_class)->finalize (object);
}

static void
pl_ami_feed_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PlAmiFeed *self = PL_AMI_FEED (object);

  switch (prop_id)
    {
      case PROP_HOST:
        g_value_set_string (value, self->host);
        break;
      case PROP_PORT:
        g_value_set_uint (value, self->port);
        break;
      case PROP_USER:
        g_value_set_string (value, self->user);
        break;
      case PROP_TLS:
        g_value_set_boolean (value, self->tls);
        break;
      case PROP_PING_INTERVAL:
        g_value_set_uint (value, self->ping_interval_ms);
        break;
      case PROP_ANSWER_TIMEOUT:
        g_value_set_uint (value, self->answer_timeout_ms);
        break;
      case PROP_TLS_DATABASE:
        g_value_set_object (value, self->tls_database);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_STATUS_TEXT:
        g_value_set_string (value, self->status_text);
        break;
      case PROP_EVENTS_ONLY:
        g_value_set_boolean (value, self->events_only);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_ami_feed_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PlAmiFeed *self = PL_AMI_FEED (object);

  switch (prop_id)
    {
      case PROP_HOST:
        self->host = g_value_dup_string (value);
        break;
      case PROP_PORT:
        self->port = (guint16)g_value_get_uint (value);
        break;
      case PROP_USER:
        self->user = g_value_dup_string (value);
        break;
      case PROP_SECRET:
        self->secret = g_value_dup_string (value);
        break;
      case PROP_TLS:
        self->tls = g_value_get_boolean (value);
        break;
      case PROP_PING_INTERVAL:
        pl_ami_feed_set_timing (self, g_value_get_uint (value), self->answer_timeout_ms);
        break;
      case PROP_ANSWER_TIMEOUT:
        pl_ami_feed_set_timing (self, self->ping_interval_ms, g_value_get_uint (value));
        break;
      case PROP_TLS_DATABASE:
        pl_ami_feed_set_tls_database (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pl_ami_feed_class_init (PlAmiFeedClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = pl_ami_feed_dispose;
  object_class->finalize = pl_ami_feed_finalize;
  object_class->get_property = pl_ami_feed_get_property;
  object_class->set_property = pl_ami_feed_set_property;

  properties[PROP_HOST] = g_param_spec_string ("host", NULL, NULL, NULL, construct);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 5038, construct);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, construct);
  properties[PROP_SECRET]
      = g_param_spec_string ("secret", NULL, NULL, NULL,
                             G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TLS] = g_param_spec_boolean ("tls", NULL, NULL, FALSE, construct);
  properties[PROP_PING_INTERVAL] = g_param_spec_uint ("ping-interval", NULL, NULL, 10, G_MAXINT,
                                                      PL_AMI_DEFAULT_PING_INTERVAL_MS, rw);
  properties[PROP_ANSWER_TIMEOUT] = g_param_spec_uint ("answer-timeout", NULL, NULL, 10, G_MAXINT,
                                                       PL_AMI_DEFAULT_ANSWER_TIMEOUT_MS, rw);
  properties[PROP_TLS_DATABASE]
      = g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE, rw);
  g_object_class_install_properties (object_class, PROP_STATUS, properties);

  g_object_class_override_property (object_class, PROP_STATUS, "status");
  g_object_class_override_property (object_class, PROP_STATUS_TEXT, "status-text");
  g_object_class_override_property (object_class, PROP_EVENTS_ONLY, "events-only");
  properties[PROP_STATUS] = g_object_class_find_property (object_class, "status");
  properties[PROP_STATUS_TEXT] = g_object_class_find_property (object_class, "status-text");
  properties[PROP_EVENTS_ONLY] = g_object_class_find_property (object_class, "events-only");
}

static void
pl_ami_feed_init (PlAmiFeed *self)
{
  self->ping_interval_ms = PL_AMI_DEFAULT_PING_INTERVAL_MS;
  self->answer_timeout_ms = PL_AMI_DEFAULT_ANSWER_TIMEOUT_MS;
  self->status = PL_PARK_FEED_STATUS_STOPPED;
  self->status_text = g_strdup (_ ("Off"));
  self->rand = g_rand_new ();
  self->directory = pl_ami_directory_new ();
  self->out = g_queue_new ();
}

PlAmiFeed *
pl_ami_feed_new (const char *host, guint16 port, const char *user, const char *secret, gboolean tls)
{
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  return g_object_new (PL_TYPE_AMI_FEED, "host", host, "port", (guint)port, "user", user, "secret",
                       secret, "tls", tls, NULL);
}

void
pl_ami_feed_set_timing (PlAmiFeed *self, guint ping_interval_ms, guint answer_timeout_ms)
{
  g_return_if_fail (PL_IS_AMI_FEED (self));
  g_return_if_fail (ping_interval_ms > 0 && answer_timeout_ms > 0);

  if (self->ping_interval_ms != ping_interval_ms)
    {
      self->ping_interval_ms = ping_interval_ms;
      if (self->ping_id != 0)
        {
          g_source_remove (self->ping_id);
          self->ping_id = g_timeout_add (ping_interval_ms, ping_cb, self);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PING_INTERVAL]);
    }
  if (self->answer_timeout_ms != answer_timeout_ms)
    {
      self->answer_timeout_ms = answer_timeout_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER_TIMEOUT]);
    }
}

void
pl_ami_feed_set_tls_database (PlAmiFeed *self, GTlsDatabase *database)
{
  g_return_if_fail (PL_IS_AMI_FEED (self));
  if (g_set_object (&self->tls_database, database))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}

guint
pl_ami_feed_get_n_logins (PlAmiFeed *self)
{
  g_return_val_if_fail (PL_IS_AMI_FEED (self), 0);
  return self->n_logins;
}
