/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parkline-test-pbx entry point and its line-based control port.
 *
 * TEST AND DEMO INFRASTRUCTURE: a small loopback SIP PBX on libre that parks
 * calls like stock Asterisk 22 (see tests/pbx/README.md). Not a product. */
#define G_LOG_DOMAIN "pbx-main"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include "pbx.h"

struct ctl_conn
{
  struct le le;
  struct tcp_conn *tc;
  GString *buf;
};

static void
ctl_conn_destructor (void *arg)
{
  struct ctl_conn *c = arg;
  list_unlink (&c->le);
  mem_deref (c->tc);
  g_string_free (c->buf, TRUE);
}

static void ctl_reply (struct ctl_conn *c, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
ctl_reply (struct ctl_conn *c, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *line = NULL;
  struct mbuf *mb;

  va_start (ap, fmt);
  line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  mb = mbuf_alloc (strlen (line) + 2);
  mbuf_printf (mb, "%s\n", line);
  mb->pos = 0;
  (void)tcp_send (c->tc, mb);
  mem_deref (mb);
}

static char *
slots_line (void)
{
  GString *s = g_string_new ("OK");
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    {
      struct pbx_leg *leg = pbx->slots[i].leg;
      if (leg)
        g_string_append_printf (s, " %s:busy:%s", pbx->slots[i].ext,
                                leg->user ? leg->user->ext : "-");
      else
        g_string_append_printf (s, " %s:free", pbx->slots[i].ext);
    }
  return g_string_free (s, FALSE);
}

static guint
parked_count (void)
{
  guint n = 0;
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    n += pbx->slots[i].leg != NULL;
  return n;
}

static void
ctl_faults (struct ctl_conn *c, char **argv, int argc)
{
  const char *what = argc > 1 ? argv[1] : "";

  if (g_str_equal (what, "drop-notify"))
    pbx->faults.drop_notifies = argc > 2 ? atoi (argv[2]) : 1;
  else if (g_str_equal (what, "delay-notify"))
    pbx->faults.delay_ms = argc > 2 ? (unsigned)atoi (argv[2]) : 1000;
  else if (g_str_equal (what, "malformed-next"))
    pbx->faults.malformed_next = true;
  else if (g_str_equal (what, "terminate-subs"))
    pbx_blf_terminate_all ();
  else if (g_str_equal (what, "refuse-register"))
    pbx->faults.refuse_register = argc > 2 ? g_str_equal (argv[2], "on") : true;
  else if (g_str_equal (what, "page-busy"))
    pbx->faults.page_busy = argc > 2 ? g_str_equal (argv[2], "on") : true;
  else if (g_str_equal (what, "flood") && argc > 2 && atoi (argv[2]) > 0)
    pbx_blf_flood ((unsigned)atoi (argv[2]));
  else if (g_str_equal (what, "clear"))
    memset (&pbx->faults, 0, sizeof pbx->faults);
  /* liveness faults: a hung PBX (see pbx-freeze.c); a killed one is SIGKILL */
  else if (g_str_equal (what, "freeze") || g_str_equal (what, "thaw"))
    pbx_freeze_set (g_str_equal (what, "freeze"));
  else if (pbx_ami_fault (what, argc > 2 ? argv[2] : NULL))
    ;
  else
    {
      ctl_reply (c,
                 "ERR unknown fault '%s' (drop-notify N, delay-notify MS, malformed-next, "
                 "terminate-subs, refuse-register on|off, page-busy on|off, freeze, thaw, "
                 "ami-wrong-secret on|off, ami-silent on|off, ami-delay MS, ami-drop, flood N, "
                 "clear)",
                 what);
      return;
    }
  ctl_reply (c, "OK");
}

static void
ctl_command (struct ctl_conn *c, const char *line)
{
  g_auto (GStrv) argv = NULL;
  int argc = 0;
  g_autoptr (GError) error = NULL;

  if (!*line)
    return;
  if (!g_shell_parse_argv (line, &argc, &argv, &error))
    {
      ctl_reply (c, "ERR %s", error->message);
      return;
    }
  if (g_str_equal (argv[0], "ping"))
    ctl_reply (c, "OK pong");
  else if (g_str_equal (argv[0], "status"))
    ctl_reply (c, "OK profile=%s sip=%s:%u slots=%s-%s parked=%u calls=%u subs=%u",
               pbx_profile_name (pbx->cfg.profile), PBX_HOST, pbx->sip_port, pbx->cfg.slots[0],
               pbx->cfg.slots[pbx->cfg.n_slots - 1], parked_count (), pbx_leg_count (),
               pbx_sub_count ());
  else if (g_str_equal (argv[0], "slots"))
    {
      g_autofree char *s = slots_line ();
      ctl_reply (c, "%s", s);
    }
  else if (g_str_equal (argv[0], "contacts") && argc == 2)
    {
      struct pbx_user *u = pbx_user_by_ext (argv[1]);
      if (!u)
        ctl_reply (c, "ERR no user %s", argv[1]);
      else
        {
          pbx_user_prune (u);
          ctl_reply (c, "OK %u", list_count (&u->contacts));
        }
    }
  else if (g_str_equal (argv[0], "faults"))
    ctl_faults (c, argv, argc);
  else if (g_str_equal (argv[0], "notifies"))
    ctl_reply (c, "OK sent=%lu flood=%u", pbx->notifies_sent, pbx_blf_flood_left ());
  else if (g_str_equal (argv[0], "restart"))
    {
      /* a restarted Asterisk has dropped its manager sessions too */
      pbx_ami_drop_all ();
      pbx_sip_reset ();
      ctl_reply (c, "OK restarted sip=%s:%u", PBX_HOST, pbx->sip_port);
    }
  else if (g_str_equal (argv[0], "originate") && argc == 4)
    {
      int id = pbx_originate (argv[1], argv[2], argv[3]);
      if (id < 0)
        ctl_reply (c, "ERR cannot originate to %s", argv[3]);
      else
        ctl_reply (c, "OK call=%d", id);
    }
  else if (g_str_equal (argv[0], "pages") || g_str_equal (argv[0], "bridges"))
    {
      g_autofree char *s
          = g_str_equal (argv[0], "pages") ? pbx_page_report () : pbx_bridges_report ();
      ctl_reply (c, "%s", s);
    }
  else if (g_str_equal (argv[0], "park-as") && argc == 4)
    {
      int slot = pbx_park_as (argv[1], argv[2], argv[3]);
      if (slot < 0)
        ctl_reply (c, "ERR cannot park as %s", argv[3]);
      else
        ctl_reply (c, "OK slot=%s", pbx->slots[slot].ext);
    }
  else if (g_str_equal (argv[0], "pickup-as") && (argc == 3 || argc == 4))
    {
      /* talks for ten seconds, then both hang up */
      if (pbx_pickup_as (argv[1], argv[2], argc == 4 ? argv[3] : NULL, 10000) < 0)
        ctl_reply (c, "ERR nothing for %s to pick up on %s", argv[2], argv[1]);
      else
        ctl_reply (c, "OK");
    }
  else if (g_str_equal (argv[0], "hangup-all"))
    {
      pbx_calls_clear ();
      pbx_calls_init ();
      ctl_reply (c, "OK");
    }
  else
    ctl_reply (c, "ERR unknown command (ping, status, slots, contacts USER, faults ..., notifies, "
                  "restart, originate NUMBER \"NAME\" USER, park-as NUMBER \"NAME\" USER, "
                  "pickup-as SLOT USER [NUMBER], pages, bridges, hangup-all)");
}

static void
ctl_recv (struct mbuf *mb, void *arg)
{
  struct ctl_conn *c = arg;
  char *nl;

  g_string_append_len (c->buf, (const char *)mbuf_buf (mb), (gssize)mbuf_get_left (mb));
  if (c->buf->len > 65536)
    {
      mem_deref (c);
      return;
    }
  mem_ref (c);
  while ((nl = memchr (c->buf->str, '\n', c->buf->len)))
    {
      g_autofree char *line = g_strndup (c->buf->str, (gsize)(nl - c->buf->str));
      g_string_erase (c->buf, 0, nl - c->buf->str + 1);
      g_strstrip (line);
      ctl_command (c, line);
    }
  mem_deref (c);
}

static void
ctl_close (int err, void *arg)
{
  mem_deref (arg);
}

static void
ctl_connect (const struct sa *peer, void *arg)
{
  struct ctl_conn *c = mem_zalloc (sizeof (*c), ctl_conn_destructor);
  if (!c)
    return;
  c->buf = g_string_new (NULL);
  if (tcp_accept (&c->tc, pbx->ctl_sock, NULL, ctl_recv, ctl_close, c))
    {
      mem_deref (c);
      return;
    }
  list_append (&pbx->ctl_conns, &c->le, c);
}

static void
signal_handler (int sig)
{
  re_cancel ();
}

/* re_main() installs its signal handlers only when it starts, after READY:
 * a test that stops the PBX right after READY would find SIGTERM's default
 * action and see the PBX die by the signal. So TERM and INT stay blocked
 * until the loop runs, and this first timer lets them in. */
static void
unblock_stop_signals (void *arg)
{
  sigset_t *stop_signals = arg;
  sigprocmask (SIG_UNBLOCK, stop_signals, NULL);
}

/* For scripts (demo-callers.sh): a port free on 127.0.0.1 for UDP and TCP,
 * with the next one free for TCP too (baresip binds TLS on sip port + 1). */
static int
print_free_port (void)
{
  for (int attempt = 0; attempt < 50; attempt++)
    {
      struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      socklen_t len = sizeof a;
      int u = socket (AF_INET, SOCK_DGRAM, 0), t = -1, t2 = -1;
      int ok = u >= 0 && bind (u, (struct sockaddr *)&a, sizeof a) == 0
               && getsockname (u, (struct sockaddr *)&a, &len) == 0;
      if (ok)
        {
          t = socket (AF_INET, SOCK_STREAM, 0);
          ok = t >= 0 && bind (t, (struct sockaddr *)&a, sizeof a) == 0;
        }
      if (ok)
        {
          struct sockaddr_in b = a;
          b.sin_port = htons ((uint16_t)(ntohs (a.sin_port) + 1));
          t2 = socket (AF_INET, SOCK_STREAM, 0);
          ok = t2 >= 0 && bind (t2, (struct sockaddr *)&b, sizeof b) == 0;
        }
      if (u >= 0)
        close (u);
      if (t >= 0)
        close (t);
      if (t2 >= 0)
        close (t2);
      if (ok)
        {
          printf ("%u\n", ntohs (a.sin_port));
          return 0;
        }
    }
  return 1;
}

static void
usage (void)
{
  g_print ("Usage: parkline-test-pbx --config FILE [--verbose] [--port N]\n"
           "\n"
           "TEST AND DEMO INFRASTRUCTURE for Parkline: a loopback SIP PBX (registrar,\n"
           "B2BUA, call park, BLF) that behaves like stock Asterisk 22 res_parking (or\n"
           "FreePBX / FreeSWITCH valet_park / identity-publishing servers by profile).\n"
           "Listens on 127.0.0.1 UDP+TCP on a kernel-chosen port and prints\n"
           "  READY sip=127.0.0.1:PORT control=127.0.0.1:CPORT ami=127.0.0.1:APORT\n"
           "when ready. The control port takes one command per line and answers one\n"
           "line (OK ... / ERR ...). See tests/pbx/README.md.\n"
           "\n"
           "  --config FILE   users, profile and park settings (GKeyFile)\n"
           "  --port N        SIP port (default: chosen by the kernel)\n"
           "  --verbose       print every SIP message on stderr\n"
           "  --free-port     print a free loopback port for a baresip and exit\n");
}

int
main (int argc, char **argv)
{
  g_autofree char *config = NULL;
  g_autoptr (GError) error = NULL;
  gboolean verbose = FALSE;
  int port = 0;
  struct sa laddr, ctl;
  sigset_t stop_signals;
  struct tmr unblock_tmr;
  int err;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--config") && i + 1 < argc)
        config = g_strdup (argv[++i]);
      else if (g_str_equal (argv[i], "--verbose"))
        verbose = TRUE;
      else if (g_str_equal (argv[i], "--port") && i + 1 < argc)
        port = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--free-port"))
        return print_free_port ();
      else if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          usage ();
          return 0;
        }
      else
        {
          usage ();
          return 2;
        }
    }
  if (!config)
    {
      usage ();
      return 2;
    }

  pbx = g_new0 (struct pbx, 1);
  pbx->verbose = verbose;
  if (!pbx_config_load (&pbx->cfg, config, &error))
    {
      g_printerr ("parkline-test-pbx: %s: %s\n", config, error->message);
      return 1;
    }
  {
    g_autofree char *tok = pbx_random_token (16);
    g_strlcpy (pbx->secret, tok, sizeof pbx->secret);
  }

  err = libre_init ();
  if (err)
    return 1;
  pbx_moh_load (pbx->cfg.moh_path);
  pbx_calls_init ();
  err = pbx_sip_start ((uint16_t)port);
  if (err)
    {
      g_printerr ("parkline-test-pbx: cannot start SIP: %s\n", g_strerror (err));
      return 1;
    }
  sa_set_str (&laddr, PBX_HOST, 0);
  err = tcp_listen (&pbx->ctl_sock, &laddr, ctl_connect, NULL);
  if (err)
    return 1;
  tcp_sock_local_get (pbx->ctl_sock, &ctl);
  pbx->ctl_port = sa_port (&ctl);
  err = pbx_ami_start ();
  if (err)
    {
      g_printerr ("parkline-test-pbx: cannot start the manager interface: %s\n", g_strerror (err));
      return 1;
    }

  sigemptyset (&stop_signals);
  sigaddset (&stop_signals, SIGTERM);
  sigaddset (&stop_signals, SIGINT);
  sigprocmask (SIG_BLOCK, &stop_signals, NULL);
  tmr_init (&unblock_tmr);
  tmr_start (&unblock_tmr, 0, unblock_stop_signals, &stop_signals);

  printf ("READY sip=%s:%u control=%s:%u ami=%s:%u", PBX_HOST, pbx->sip_port, PBX_HOST,
          pbx->ctl_port, PBX_HOST, pbx_ami_port ());
  if (pbx_ami_tls_port ())
    printf (" amis=%s:%u", PBX_HOST, pbx_ami_tls_port ());
  printf ("\n");
  fflush (stdout);

  re_main (signal_handler);
  tmr_cancel (&unblock_tmr);

  list_flush (&pbx->ctl_conns);
  pbx->ctl_sock = mem_deref (pbx->ctl_sock);
  pbx_ami_stop ();
  pbx_sip_stop ();
  g_free (pbx->slots);
  g_free (pbx->moh);
  g_clear_pointer (&pbx->page_log, g_ptr_array_unref);
  pbx_config_clear (&pbx->cfg);
  g_free (pbx);
  libre_close ();
  return 0;
}
