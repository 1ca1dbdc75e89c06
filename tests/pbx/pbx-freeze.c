/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "freeze" fault of the test PBX (test and demo infrastructure): a PBX
 * that hangs like a deadlocked Asterisk. Sockets stay open (TCP connections
 * too), nothing is answered and nothing goes out: no responses, no
 * retransmissions, no NOTIFYs, no RTP. What arrives meanwhile is dropped,
 * not queued, so a thaw does not answer stale requests.
 *
 * libre answers retransmissions and matches responses in its transaction
 * layer, ahead of any listener the PBX can register, so the freeze sits
 * below SIP: a helper on the UDP socket and on every TCP connection drops
 * packets in both directions while pbx->faults.frozen is set. The helpers
 * are attached the first time a socket carries a request, which for every
 * client is before anything else happens on it. */
#define G_LOG_DOMAIN "pbx-freeze"

#include "pbx.h"

/* A TCP connection with our helper on it. Holding a reference on libre's
 * connection object keeps its address from being reused while we compare
 * against it; the socket itself still closes when libre drops it. */
struct frozen_conn
{
  struct le le;
  void *sip_conn;
};

static struct
{
  struct udp_sock *udp;
  struct udp_helper *udp_helper;
  struct list conns;
} freeze;

static bool
udp_send_blocked (int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
  return pbx->faults.frozen;
}

static bool
udp_recv_blocked (struct sa *src, struct mbuf *mb, void *arg)
{
  return pbx->faults.frozen;
}

static bool
tcp_estab_passed (int *err, bool active, void *arg)
{
  return false;
}

static bool
tcp_send_blocked (int *err, struct mbuf *mb, void *arg)
{
  return pbx->faults.frozen;
}

static bool
tcp_recv_blocked (int *err, struct mbuf *mb, bool *estab, void *arg)
{
  return pbx->faults.frozen;
}

static void
frozen_conn_destructor (void *arg)
{
  struct frozen_conn *fc = arg;

  list_unlink (&fc->le);
  mem_deref (fc->sip_conn);
}

/* Connections libre has closed are held only by us now. */
static void
prune_conns (void)
{
  struct le *le = list_head (&freeze.conns);

  while (le)
    {
      struct frozen_conn *fc = le->data;

      le = le->next;
      if (mem_nrefs (fc->sip_conn) == 1)
        mem_deref (fc);
    }
}

static void
watch_tcp (const struct sip_msg *msg)
{
  struct tcp_conn *tc = sip_msg_tcpconn (msg);
  struct frozen_conn *fc;

  prune_conns ();
  if (tc == NULL)
    return;
  for (struct le *le = list_head (&freeze.conns); le; le = le->next)
    if (((struct frozen_conn *)le->data)->sip_conn == msg->sock)
      return;
  fc = mem_zalloc (sizeof (*fc), frozen_conn_destructor);
  if (fc == NULL)
    return;
  if (tcp_register_helper (NULL, tc, 0, tcp_estab_passed, tcp_send_blocked, tcp_recv_blocked, NULL))
    {
      mem_deref (fc);
      return;
    }
  fc->sip_conn = mem_ref (msg->sock);
  list_append (&freeze.conns, &fc->le, fc);
}

static void
watch_udp (const struct sip_msg *msg)
{
  if (freeze.udp != NULL)
    return;
  if (udp_register_helper (&freeze.udp_helper, msg->sock, 0, udp_send_blocked, udp_recv_blocked,
                           NULL))
    return;
  freeze.udp = mem_ref (msg->sock);
}

/* The first PBX listener: sees every new request before auth, registrar,
 * calls and BLF do. While frozen it swallows what reached it on a socket
 * that had no helper yet (a connection opened during the freeze). */
bool
pbx_freeze_tap (const struct sip_msg *msg, void *arg)
{
  if (msg->tp == SIP_TRANSP_UDP)
    watch_udp (msg);
  else if (msg->tp == SIP_TRANSP_TCP)
    watch_tcp (msg);
  return pbx->faults.frozen;
}

void
pbx_freeze_set (bool frozen)
{
  if (pbx->verbose)
    re_fprintf (stderr, "----- %s\n", frozen ? "FROZEN" : "THAWED");
  pbx->faults.frozen = frozen;
}

void
pbx_freeze_clear (void)
{
  list_flush (&freeze.conns);
  freeze.udp_helper = mem_deref (freeze.udp_helper);
  freeze.udp = mem_deref (freeze.udp);
}
