/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pbx-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "pl-test-util.h"
#include "pbx-test-lib.h"

#define WAIT_MS 8000
/* aufile ends the call at the end of the file: 5 minutes of silence */
#define SILENCE_BYTES (8000 * 2 * 300)

/* ---------------------------------------------------------------- PBX */

/* For conditions nothing in this process signals (a child's socket
 * appearing, a PBX-side state): re-check every 20 ms, up to ms. */
static gboolean
poll_cond (gboolean (*cond) (gpointer), gpointer data, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;
  while (!cond (data))
    {
      gint64 next = g_get_monotonic_time () + 20 * 1000;
      if (next > deadline)
        return cond (data);
      pl_test_iterate (next);
    }
  return TRUE;
}

/* Children die with the test, even when an assertion aborts it. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags flags, GError **error, const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (l, argv, error);
}

static const char users_ini[] = "[user alice]\npassword=alicepw\ndisplay=Alice\next=100\n"
                                "[user bob]\npassword=bobpw\ndisplay=Bob\next=101\n"
                                "[user carol]\npassword=carolpw\ndisplay=Carol\next=102\n"
                                "[user caller1]\npassword=caller1pw\ndisplay=Caller One\next=201\n"
                                "[user caller2]\npassword=caller2pw\ndisplay=Caller Two\next=202\n";

/* Runs the PBX on pbx->dir's config, on port (0: the kernel's choice). */
static void
spawn_pbx (TestPbx *pbx, guint16 port)
{
  g_autofree char *cfg = g_build_filename (pbx->dir, "pbx.ini", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  const char *exe = g_getenv ("PL_TEST_PBX");
  unsigned sp = 0, cp = 0;

  g_assert_nonnull (exe);
  {
    const char *argv[]
        = { exe,      "--config", cfg,
            "--port", port_text,  g_getenv ("PL_TEST_PBX_VERBOSE") ? "--verbose" : NULL,
            NULL };
    pbx->proc = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, argv);
  }
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (pbx->proc));
  /* blocks until READY or until the PBX exits and closes stdout */
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "READY sip=127.0.0.1:%u control=127.0.0.1:%u", &sp, &cp), ==, 2);
  g_assert_true (port == 0 || sp == port);
  pbx->sip_port = (guint16)sp;
  pbx->ctl_port = (guint16)cp;
  if (strstr (line, " ami=127.0.0.1:"))
    pbx->ami_port = (guint16)atoi (strstr (line, " ami=127.0.0.1:") + 15);
  if (strstr (line, " amis=127.0.0.1:"))
    pbx->amis_port = (guint16)atoi (strstr (line, " amis=127.0.0.1:") + 16);

  pbx->ctl = pl_test_connect_loopback (pbx->ctl_port, &error);
  g_assert_no_error (error);
  /* A PBX that stops answering fails the test instead of hanging it. */
  g_socket_set_timeout (g_socket_connection_get_socket (pbx->ctl), 10);
  pbx->ctl_in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (pbx->ctl)));
}

TestPbx *
test_pbx_start (const char *extra)
{
  TestPbx *pbx = g_new0 (TestPbx, 1);
  g_autofree char *cfg = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  pbx->dir = g_dir_make_tmp ("pl-pbx-XXXXXX", &error);
  g_assert_no_error (error);
  cfg = g_build_filename (pbx->dir, "pbx.ini", NULL);
  text = g_strdup_printf ("[pbx]\nrealm=parkline-test\n%s\n%s", extra ? extra : "", users_ini);
  g_assert_true (g_file_set_contents (cfg, text, -1, NULL));
  spawn_pbx (pbx, 0);
  return pbx;
}

static void
close_control (TestPbx *pbx)
{
  g_clear_object (&pbx->ctl_in);
  if (pbx->ctl)
    g_io_stream_close (G_IO_STREAM (pbx->ctl), NULL, NULL);
  g_clear_object (&pbx->ctl);
}

static void exited_cb (GObject *src, GAsyncResult *res, gpointer data);

/* Like a killed Asterisk: no final NOTIFY, no BYE; the kernel closes the
 * sockets (TCP peers see the connection end). */
void
test_pbx_kill (TestPbx *pbx)
{
  gboolean done = FALSE;

  g_assert_nonnull (pbx->proc);
  close_control (pbx);
  g_subprocess_wait_async (pbx->proc, NULL, exited_cb, &done);
  g_subprocess_force_exit (pbx->proc);
  g_assert_true (PL_TEST_WAIT (done, 5000));
  g_assert_true (g_subprocess_get_if_signaled (pbx->proc));
  g_clear_object (&pbx->proc);
}

void
test_pbx_restart_killed (TestPbx *pbx)
{
  g_assert_null (pbx->proc);
  spawn_pbx (pbx, pbx->sip_port);
}

typedef struct
{
  gboolean done;
  char *line;
} LineWait;

static void
line_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  LineWait *w = data;
  g_autoptr (GError) error = NULL;
  w->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (src), res, NULL, &error);
  if (error)
    g_test_message ("control port: %s", error->message);
  w->done = TRUE;
}

/* The reply is awaited with the main context running, so the raw UAs keep
 * answering the PBX meanwhile (a restart waits for their NOTIFY 200s). */
char *
test_pbx_cmd (TestPbx *pbx, const char *cmd)
{
  g_autofree char *line = g_strdup_printf ("%s\n", cmd);
  g_autoptr (GError) error = NULL;
  LineWait w = { FALSE, NULL };

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (pbx->ctl)), line,
                             strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_data_input_stream_read_line_async (pbx->ctl_in, G_PRIORITY_DEFAULT, NULL, line_cb, &w);
  g_assert_true (PL_TEST_WAIT (w.done, 15000));
  if (!w.line)
    g_test_message ("no reply to '%s'", cmd);
  g_assert_nonnull (w.line);
  return w.line;
}

void
test_pbx_cmd_ok (TestPbx *pbx, const char *cmd)
{
  g_autofree char *reply = test_pbx_cmd (pbx, cmd);

  if (!g_str_has_prefix (reply, "OK"))
    g_test_message ("'%s' → %s", cmd, reply);
  g_assert_true (g_str_has_prefix (reply, "OK"));
}

gboolean
test_pbx_slot_busy (TestPbx *pbx, const char *slot)
{
  g_autofree char *r = test_pbx_cmd (pbx, "slots");
  g_autofree char *needle = g_strdup_printf (" %s:busy", slot);
  return strstr (r, needle) != NULL;
}

static void
exited_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (src), res, NULL);
  *(gboolean *)data = TRUE;
}

typedef struct
{
  TestPbx *pbx;
  const char *user;
  gboolean busy;
} RegWait;

static gboolean
slot_is (gpointer data)
{
  RegWait *w = data;
  return test_pbx_slot_busy (w->pbx, w->user) == w->busy;
}

gboolean
test_pbx_wait_slot (TestPbx *pbx, const char *slot, gboolean busy, guint ms)
{
  RegWait w = { pbx, slot, busy };
  return poll_cond (slot_is, &w, ms);
}

static gboolean
registered (gpointer data)
{
  RegWait *w = data;
  g_autofree char *cmd = g_strdup_printf ("contacts %s", w->user);
  g_autofree char *r = test_pbx_cmd (w->pbx, cmd);
  return !g_str_equal (r, "OK 0");
}

gboolean
test_pbx_wait_registered (TestPbx *pbx, const char *user, guint ms)
{
  RegWait w = { pbx, user, FALSE };
  return poll_cond (registered, &w, ms);
}

void
test_pbx_stop (TestPbx *pbx)
{
  g_autoptr (GError) error = NULL;

  close_control (pbx);
  /* none after a kill that was not followed by a restart */
  if (pbx->proc)
    {
      gboolean done = FALSE;

      g_subprocess_wait_async (pbx->proc, NULL, exited_cb, &done);
      g_subprocess_send_signal (pbx->proc, SIGTERM);
      g_assert_true (PL_TEST_WAIT (done, 5000));
      /* exits cleanly on SIGTERM */
      g_assert_true (g_subprocess_get_if_exited (pbx->proc));
      g_assert_cmpint (g_subprocess_get_exit_status (pbx->proc), ==, 0);
      g_clear_object (&pbx->proc);
    }
  {
    g_autofree char *cfg = g_build_filename (pbx->dir, "pbx.ini", NULL);
    g_unlink (cfg);
    g_rmdir (pbx->dir);
  }
  g_free (pbx->dir);
  g_free (pbx);
}

/* ---------------------------------------------------------------- SIP messages */

static void
sip_msg_free (gpointer data)
{
  TestSipMsg *m = data;
  g_free (m->method);
  g_free (m->ruri);
  g_ptr_array_unref (m->names);
  g_ptr_array_unref (m->values);
  g_free (m->body);
  g_free (m);
}

static const char *
expand_compact (const char *n)
{
  static const char *map[][2]
      = { { "i", "Call-ID" },      { "f", "From" },    { "t", "To" },
          { "v", "Via" },          { "m", "Contact" }, { "l", "Content-Length" },
          { "c", "Content-Type" }, { "o", "Event" },   { "r", "Refer-To" } };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (n, map[i][0]) == 0)
      return map[i][1];
  return n;
}

static TestSipMsg *
sip_msg_parse (const char *data, gsize len)
{
  g_autofree char *text = g_strndup (data, len);
  char *sep = strstr (text, "\r\n\r\n");
  g_auto (GStrv) lines = NULL;
  TestSipMsg *m;

  if (!sep)
    return NULL;
  *sep = '\0';
  m = g_new0 (TestSipMsg, 1);
  m->names = g_ptr_array_new_with_free_func (g_free);
  m->values = g_ptr_array_new_with_free_func (g_free);
  m->body = g_strdup (sep + 4);
  lines = g_strsplit (text, "\r\n", -1);
  if (g_str_has_prefix (lines[0], "SIP/2.0 "))
    m->status = atoi (lines[0] + 8);
  else
    {
      g_auto (GStrv) parts = g_strsplit (lines[0], " ", 3);
      m->method = g_strdup (parts[0]);
      m->ruri = g_strdup (parts[1] ? parts[1] : "");
    }
  for (guint i = 1; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');
      if (!colon)
        continue;
      *colon = '\0';
      g_strstrip (lines[i]);
      g_ptr_array_add (m->names, g_strdup (expand_compact (lines[i])));
      g_ptr_array_add (m->values, g_strstrip (g_strdup (colon + 1)));
    }
  return m;
}

const char *
test_sip_hdr (const TestSipMsg *m, const char *name)
{
  for (guint i = 0; i < m->names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (m->names, i), name) == 0)
      return g_ptr_array_index (m->values, i);
  return NULL;
}

static char *
hdr_param (const char *value, const char *param)
{
  g_autofree char *key = g_strdup_printf (";%s=", param);
  const char *p = value ? strstr (value, key) : NULL;
  gsize n;
  if (!p)
    return NULL;
  p += strlen (key);
  n = strcspn (p, ";>, ");
  return g_strndup (p, n);
}

static char *
hdr_uri (const char *value)
{
  const char *lt = value ? strchr (value, '<') : NULL;
  const char *gt = lt ? strchr (lt, '>') : NULL;
  if (!lt || !gt)
    return value ? g_strdup (value) : NULL;
  return g_strndup (lt + 1, (gsize)(gt - lt - 1));
}

/* ---------------------------------------------------------------- raw UA */

static void
ua_send (TestUa *ua, const char *text)
{
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) dst = g_inet_socket_address_new (lo, ua->pbx_port);
  g_socket_send_to (ua->sock, dst, text, strlen (text), NULL, NULL);
}

static void
ua_reply (TestUa *ua, TestSipMsg *req, int code, const char *reason, const char *extra,
          const char *body)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "SIP/2.0 %d %s\r\n", code, reason);
  for (guint i = 0; i < req->names->len; i++)
    {
      const char *n = g_ptr_array_index (req->names, i);
      const char *v = g_ptr_array_index (req->values, i);
      if (!g_ascii_strcasecmp (n, "Via") || !g_ascii_strcasecmp (n, "From")
          || !g_ascii_strcasecmp (n, "Call-ID") || !g_ascii_strcasecmp (n, "CSeq"))
        g_string_append_printf (s, "%s: %s\r\n", n, v);
      else if (!g_ascii_strcasecmp (n, "To"))
        g_string_append_printf (s, "To: %s%s\r\n", v,
                                strstr (v, "tag=") || code < 101 ? "" : ";tag=uatag");
    }
  g_string_append_printf (s, "Contact: <sip:%s@127.0.0.1:%u>\r\n%s", ua->user, ua->port,
                          extra ? extra : "");
  g_string_append_printf (s, "Content-Length: %zu\r\n\r\n%s", body ? strlen (body) : 0,
                          body ? body : "");
  ua_send (ua, s->str);
  g_string_free (s, TRUE);
}

static gboolean
ua_readable (GSocket *sock, GIOCondition cond, gpointer data)
{
  TestUa *ua = data;
  char buf[65536];
  gssize n;

  while ((n = g_socket_receive (sock, buf, sizeof buf, NULL, NULL)) > 0)
    {
      TestSipMsg *m = sip_msg_parse (buf, (gsize)n);
      if (!m)
        continue;
      if (m->status)
        g_ptr_array_add (ua->responses, m);
      else if (g_str_equal (m->method, "NOTIFY"))
        {
          ua_reply (ua, m, 200, "OK", NULL, NULL);
          g_ptr_array_add (ua->notifies, m);
        }
      else if (g_str_equal (m->method, "ACK"))
        sip_msg_free (m);
      else if (g_str_equal (m->method, "INVITE") && ua->auto_answer)
        {
          g_autofree char *sdp
              = g_strdup_printf ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                                 "t=0 0\r\nm=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
                                 ua->port + 2);
          ua_reply (ua, m, 200, "OK", "Content-Type: application/sdp\r\n", sdp);
          g_ptr_array_add (ua->requests, m);
        }
      else
        {
          ua_reply (ua, m, 200, "OK", NULL, NULL);
          g_ptr_array_add (ua->requests, m);
        }
    }
  return G_SOURCE_CONTINUE;
}

TestUa *
test_ua_new (guint16 pbx_port, const char *user, const char *password)
{
  TestUa *ua = g_new0 (TestUa, 1);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GError) error = NULL;

  ua->sock
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (ua->sock, FALSE);
  g_socket_bind (ua->sock, any, FALSE, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (ua->sock, &error);
  ua->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  ua->pbx_port = pbx_port;
  ua->user = g_strdup (user);
  ua->password = g_strdup (password);
  ua->responses = g_ptr_array_new_with_free_func (sip_msg_free);
  ua->notifies = g_ptr_array_new_with_free_func (sip_msg_free);
  ua->requests = g_ptr_array_new_with_free_func (sip_msg_free);
  ua->next_cseq = 1;
  ua->source = g_socket_create_source (ua->sock, G_IO_IN, NULL);
  g_source_set_callback (ua->source, (GSourceFunc)(void (*) (void))ua_readable, ua, NULL);
  g_source_attach (ua->source, g_main_context_get_thread_default ());
  return ua;
}

void
test_ua_free (TestUa *ua)
{
  g_source_destroy (ua->source);
  g_source_unref (ua->source);
  g_socket_close (ua->sock, NULL);
  g_object_unref (ua->sock);
  g_ptr_array_unref (ua->responses);
  g_ptr_array_unref (ua->notifies);
  g_ptr_array_unref (ua->requests);
  g_free (ua->user);
  g_free (ua->password);
  g_free (ua);
}

TestDialog *
test_dialog_new (const char *to_uri)
{
  TestDialog *d = g_new0 (TestDialog, 1);
  d->call_id = g_strdup_printf ("%08x%08x@test", g_random_int (), g_random_int ());
  d->from_tag = g_strdup_printf ("%08x", g_random_int ());
  d->to_uri = g_strdup (to_uri);
  d->cseq = 1;
  return d;
}

void
test_dialog_free (TestDialog *d)
{
  if (!d)
    return;
  g_free (d->call_id);
  g_free (d->from_tag);
  g_free (d->to_tag);
  g_free (d->to_uri);
  g_free (d->remote_target);
  g_free (d);
}

static char *
digest (TestUa *ua, const char *chall, const char *method, const char *uri)
{
  g_autofree char *realm = NULL, *nonce = NULL, *opaque = NULL;
  g_autofree char *a1 = NULL, *a2 = NULL, *ha1 = NULL, *ha2 = NULL, *r = NULL, *resp = NULL;
  const char *keys[] = { "realm", "nonce", "opaque" };
  char **vals[] = { &realm, &nonce, &opaque };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *k = g_strdup_printf ("%s=\"", keys[i]);
      const char *p = strstr (chall, k);
      if (p)
        {
          p += strlen (k);
          *vals[i] = g_strndup (p, strcspn (p, "\""));
        }
    }
  a1 = g_strdup_printf ("%s:%s:%s", ua->user, realm, ua->password);
  ha1 = g_compute_checksum_for_string (G_CHECKSUM_MD5, a1, -1);
  a2 = g_strdup_printf ("%s:%s", method, uri);
  ha2 = g_compute_checksum_for_string (G_CHECKSUM_MD5, a2, -1);
  r = g_strdup_printf ("%s:%s:00000001:abcdef01:auth:%s", ha1, nonce, ha2);
  resp = g_compute_checksum_for_string (G_CHECKSUM_MD5, r, -1);
  return g_strdup_printf ("Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                          "uri=\"%s\", response=\"%s\", algorithm=MD5, cnonce=\"abcdef01\", "
                          "qop=auth, nc=00000001, opaque=\"%s\"\r\n",
                          ua->user, realm, nonce, uri, resp, opaque ? opaque : "");
}

static const TestSipMsg *
find_response (TestUa *ua, const char *call_id, guint cseq)
{
  for (guint i = 0; i < ua->responses->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (ua->responses, i);
      const char *cid = test_sip_hdr (m, "Call-ID");
      const char *cs = test_sip_hdr (m, "CSeq");
      if (m->status >= 200 && cid && cs && g_str_equal (cid, call_id) && (guint)atoi (cs) == cseq)
        return m;
    }
  return NULL;
}

static void
send_req (TestUa *ua, TestDialog *d, const char *method, const char *ruri, guint cseq,
          const char *branch, const char *extra, const char *auth, const char *ctype,
          const char *body)
{
  g_autofree char *text = g_strdup_printf (
      "%s %s SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:%u;rport;branch=%s\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:%s@127.0.0.1:%u>;tag=%s\r\n"
      "To: <%s>%s%s\r\n"
      "Call-ID: %s\r\n"
      "CSeq: %u %s\r\n"
      "Contact: <sip:%s@127.0.0.1:%u>\r\n"
      "User-Agent: pbx-test-ua\r\n"
      "%s%s%s%s%s"
      "Content-Length: %zu\r\n\r\n%s",
      method, ruri, ua->port, branch, ua->user, ua->pbx_port, d->from_tag, d->to_uri,
      d->to_tag ? ";tag=" : "", d->to_tag ? d->to_tag : "", d->call_id, cseq,
      g_str_equal (method, "ACK") ? "ACK" : method, ua->user, ua->port, extra ? extra : "",
      auth ? auth : "", ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
      body ? strlen (body) : 0, body ? body : "");
  ua_send (ua, text);
}

const TestSipMsg *
test_ua_request (TestUa *ua, TestDialog *dlg, const char *method, const char *ruri,
                 const char *extra, const char *ctype, const char *body)
{
  TestDialog *own = NULL;
  TestDialog *d = dlg;
  const TestSipMsg *resp = NULL;
  g_autofree char *auth = NULL;
  const char *target;

  if (!d)
    d = own = test_dialog_new (ruri);
  target = d->remote_target ? d->remote_target : ruri;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      guint cseq = d->cseq++;
      g_autofree char *branch = g_strdup_printf ("z9hG4bK%08x", g_random_int ());
      send_req (ua, d, method, target, cseq, branch, extra, auth, ctype, body);
      if (!PL_TEST_WAIT ((resp = find_response (ua, d->call_id, cseq)) != NULL,
                         ua->wait_ms ? ua->wait_ms : WAIT_MS))
        {
          resp = NULL;
          break;
        }
      if (g_str_equal (method, "INVITE") && resp->status >= 300)
        {
          /* hop-by-hop ACK for the failure */
          g_autofree char *to = g_strdup (test_sip_hdr (resp, "To"));
          g_autofree char *tag = hdr_param (to, "tag");
          char *saved = d->to_tag;
          d->to_tag = tag;
          send_req (ua, d, "ACK", target, cseq, branch, NULL, NULL, NULL, NULL);
          d->to_tag = saved;
        }
      if ((resp->status == 401 || resp->status == 407) && attempt == 0 && !auth)
        {
          auth = digest (ua, test_sip_hdr (resp, "WWW-Authenticate"), method, target);
          continue;
        }
      break;
    }
  if (resp && resp->status >= 200 && resp->status < 300
      && (g_str_equal (method, "INVITE") || g_str_equal (method, "SUBSCRIBE")))
    {
      g_autofree char *tag = hdr_param (test_sip_hdr (resp, "To"), "tag");
      if (!d->to_tag)
        d->to_tag = g_steal_pointer (&tag);
      if (!d->remote_target)
        d->remote_target = hdr_uri (test_sip_hdr (resp, "Contact"));
      if (g_str_equal (method, "INVITE"))
        {
          g_autofree char *branch = g_strdup_printf ("z9hG4bK%08x", g_random_int ());
          send_req (ua, d, "ACK", d->remote_target, d->cseq - 1, branch, NULL, NULL, NULL, NULL);
        }
    }
  test_dialog_free (own);
  return resp;
}

static GPtrArray *
dialog_notifies (TestUa *ua, const TestDialog *dlg)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < ua->notifies->len; i++)
    {
      TestSipMsg *m = g_ptr_array_index (ua->notifies, i);
      const char *cid = test_sip_hdr (m, "Call-ID");
      if (cid && g_str_equal (cid, dlg->call_id))
        g_ptr_array_add (out, m);
    }
  return out;
}

guint
test_ua_count_notifies (TestUa *ua, const TestDialog *dlg)
{
  g_autoptr (GPtrArray) a = dialog_notifies (ua, dlg);
  return a->len;
}

const TestSipMsg *
test_ua_notify (TestUa *ua, const TestDialog *dlg, guint index)
{
  g_autoptr (GPtrArray) a = dialog_notifies (ua, dlg);
  return index < a->len ? g_ptr_array_index (a, index) : NULL;
}

gboolean
test_ua_last_notify_has (TestUa *ua, const TestDialog *dlg, const char *needle)
{
  g_autoptr (GPtrArray) a = dialog_notifies (ua, dlg);
  TestSipMsg *m;
  if (!a->len)
    return FALSE;
  m = g_ptr_array_index (a, a->len - 1);
  return m->body && strstr (m->body, needle);
}

/* ---------------------------------------------------------------- baresip */

static void phone_read (TestPhone *p);

static void
phone_parse (TestPhone *p)
{
  for (;;)
    {
      char *colon = memchr (p->inbuf->str, ':', p->inbuf->len);
      gsize n, head;
      g_autoptr (JsonParser) parser = NULL;
      if (!colon)
        return;
      n = (gsize)g_ascii_strtoull (p->inbuf->str, NULL, 10);
      head = (gsize)(colon - p->inbuf->str) + 1;
      if (p->inbuf->len < head + n + 1)
        return;
      parser = json_parser_new ();
      if (json_parser_load_from_data (parser, p->inbuf->str + head, (gssize)n, NULL)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));
          if (json_object_has_member (o, "event"))
            g_ptr_array_add (p->events, json_object_ref (o));
          if (g_getenv ("PL_TEST_PHONE_DEBUG"))
            g_test_message ("%s: %.*s", p->user, (int)n, p->inbuf->str + head);
        }
      g_string_erase (p->inbuf, 0, (gssize)(head + n + 1));
    }
}

static void
phone_read_cb (GObject *src, GAsyncResult *res, gpointer data)
{
  TestPhone *p = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, NULL);
  p->reading = FALSE;
  if (n <= 0)
    return;
  g_string_append_len (p->inbuf, p->read_buf, n);
  phone_parse (p);
  phone_read (p);
}

static void
phone_read (TestPhone *p)
{
  p->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (p->ctl)), p->read_buf,
                             sizeof p->read_buf, G_PRIORITY_DEFAULT, p->cancel, phone_read_cb, p);
}

static gboolean
try_connect (gpointer data)
{
  TestPhone *p = data;
  guint16 port = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (p->cancel), "ctl-port"));
  p->ctl = pl_test_connect_loopback (port, NULL);
  return p->ctl != NULL;
}

TestPhone *
test_phone_start (TestPbx *pbx, const char *user, const char *wav)
{
  TestPhone *p = g_new0 (TestPhone, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *config = NULL, *accounts = NULL, *path = NULL, *silence = NULL;
  guint16 ctl_port = pl_test_free_tcp_port ();
  const char *display = g_str_equal (user, "caller1")   ? "Caller One"
                        : g_str_equal (user, "caller2") ? "Caller Two"
                                                        : user;

  p->user = g_strdup (user);
  p->dir = g_dir_make_tmp ("pl-phone-XXXXXX", &error);
  g_assert_no_error (error);
  p->sip_port = pl_test_free_sip_port ();
  p->inbuf = g_string_new (NULL);
  p->events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  p->cancel = g_cancellable_new ();
  g_object_set_data (G_OBJECT (p->cancel), "ctl-port", GUINT_TO_POINTER (ctl_port));

  if (!wav)
    {
      /* 8 kHz mono 16-bit silence */
      guint8 hdr[44] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0"
                       "\x10\0data";
      g_autofree guint8 *buf = g_malloc0 (44 + SILENCE_BYTES);
      guint32 dl = SILENCE_BYTES, rl = 36 + SILENCE_BYTES;
      memcpy (buf, hdr, 40);
      memcpy (buf + 4, &rl, 4);
      memcpy (buf + 40, &dl, 4);
      silence = g_build_filename (p->dir, "silence.wav", NULL);
      g_assert_true (g_file_set_contents (silence, (char *)buf, 44 + SILENCE_BYTES, NULL));
      wav = silence;
    }
  config = g_strdup_printf ("poll_method epoll\n"
                            "sip_listen 127.0.0.1:%u\n"
                            "net_interface 127.0.0.1\n"
                            "audio_source aufile,%s\n"
                            "audio_player aubridge,sink-%s\n"
                            "audio_alert aubridge,alert-%s\n"
                            "module_path " PL_BARESIP_MODULE_PATH "\n"
                            "module g711.so\n"
                            "module aufile.so\n"
                            "module aubridge.so\n"
                            "module_app account.so\n"
                            "module_app menu.so\n"
                            "module_app ctrl_tcp.so\n"
                            "ctrl_tcp_listen 127.0.0.1:%u\n",
                            p->sip_port, wav, user, user, ctl_port);
  path = g_build_filename (p->dir, "config", NULL);
  g_assert_true (g_file_set_contents (path, config, -1, NULL));
  g_free (path);
  accounts = g_strdup_printf ("\"%s\" <sip:%s@127.0.0.1:%u>;auth_pass=%spw;regint=600;"
                              "answermode=manual\n",
                              display, user, pbx->sip_port, user);
  path = g_build_filename (p->dir, "accounts", NULL);
  g_assert_true (g_file_set_contents (path, accounts, -1, NULL));
  g_free (path);
  path = g_build_filename (p->dir, "contacts", NULL);
  g_assert_true (g_file_set_contents (path, "", -1, NULL));

  {
    const char *argv[] = { g_getenv ("PL_BARESIP"), "-f", p->dir, NULL };
    p->proc
        = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, argv);
  }
  g_assert_no_error (error);
  g_assert_true (poll_cond (try_connect, p, 10000));
  phone_read (p);
  return p;
}

void
test_phone_cmd (TestPhone *p, const char *command, const char *params)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL, *token = NULL, *ns = NULL;

  token = g_strdup_printf ("%u", ++p->token);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "command");
  json_builder_add_string_value (b, command);
  json_builder_set_member_name (b, "params");
  json_builder_add_string_value (b, params ? params : "");
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  ns = g_strdup_printf ("%zu:%s,", strlen (json), json);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (p->ctl)), ns, strlen (ns),
                             NULL, NULL, NULL);
}

int
test_phone_find_event (TestPhone *p, const char *type, guint start)
{
  for (guint i = start; i < p->events->len; i++)
    {
      JsonObject *o = g_ptr_array_index (p->events, i);
      const char *t = json_object_get_string_member_with_default (o, "type", "");
      if (g_str_equal (t, type))
        return (int)i;
    }
  return -1;
}

gboolean
test_phone_wait_event (TestPhone *p, const char *type, guint start, guint ms)
{
  return PL_TEST_WAIT (test_phone_find_event (p, type, start) >= 0, ms);
}

const char *
test_phone_event_str (TestPhone *p, int index, const char *member)
{
  if (index < 0 || (guint)index >= p->events->len)
    return NULL;
  return json_object_get_string_member_with_default (g_ptr_array_index (p->events, index), member,
                                                     NULL);
}

void
test_phone_stop (TestPhone *p)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_cancellable_cancel (p->cancel);
  if (p->ctl)
    g_io_stream_close (G_IO_STREAM (p->ctl), NULL, NULL);
  /* the cancelled read must finish before the phone goes away */
  g_assert_true (PL_TEST_WAIT (!p->reading, 5000));
  {
    gboolean done = FALSE;
    /* baresip's graceful shutdown waits for un-REGISTER; the test is over,
     * so it is killed outright */
    g_subprocess_wait_async (p->proc, NULL, exited_cb, &done);
    g_subprocess_force_exit (p->proc);
    g_assert_true (PL_TEST_WAIT (done, 5000));
  }
  g_clear_object (&p->ctl);
  g_object_unref (p->proc);
  g_object_unref (p->cancel);
  dir = g_dir_open (p->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *f = g_build_filename (p->dir, name, NULL);
      g_unlink (f);
    }
  g_rmdir (p->dir);
  g_free (p->dir);
  g_free (p->user);
  g_string_free (p->inbuf, TRUE);
  g_ptr_array_unref (p->events);
  g_free (p);
}

int
test_phone_connect (TestPbx *pbx, TestPhone *caller, const char *ext, TestPhone *callee)
{
  g_autofree char *to = g_strdup_printf ("sip:%s@127.0.0.1:%u", ext, pbx->sip_port);

  test_phone_cmd (caller, "dial", to);
  g_assert_true (test_phone_wait_event (callee, "CALL_INCOMING", 0, WAIT_MS));
  test_phone_cmd (callee, "accept", NULL);
  g_assert_true (test_phone_wait_event (callee, "CALL_ESTABLISHED", 0, WAIT_MS));
  g_assert_true (test_phone_wait_event (caller, "CALL_ESTABLISHED", 0, WAIT_MS));
  return test_phone_find_event (callee, "CALL_INCOMING", 0);
}
