/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SIP stack of the test PBX (test and demo infrastructure): transports, the
 * digest-auth filter in front of every other listener, and the registrar. */
#define G_LOG_DOMAIN "pbx-sip"

#include <inttypes.h>
#include "pbx.h"

static char *
nonce_make (uint64_t t)
{
  g_autofree char *base = g_strdup_printf ("%" PRIu64 ":%s", t, pbx->secret);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_MD5, base, -1);
  return g_strdup_printf ("%" PRIu64 "/%s", t, sum);
}

static bool
nonce_valid (const struct pl *nonce)
{
  g_autofree char *n = g_strndup (nonce->p, nonce->l);
  g_autofree char *expect = NULL;
  uint64_t t = g_ascii_strtoull (n, NULL, 10);
  uint64_t now = (uint64_t)(g_get_real_time () / G_USEC_PER_SEC);

  if (t + 600 < now || t > now + 5)
    return false;
  expect = nonce_make (t);
  return g_str_equal (expect, n);
}

static void
challenge (const struct sip_msg *msg)
{
  g_autofree char *nonce = nonce_make ((uint64_t)(g_get_real_time () / G_USEC_PER_SEC));
  g_autofree char *opaque = pbx_random_token (16);

  (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 401, "Unauthorized",
                     "WWW-Authenticate: Digest realm=\"%s\",nonce=\"%s\",opaque=\"%s\","
                     "algorithm=MD5,qop=\"auth\"\r\n"
                     "Server: %s\r\n"
                     "Content-Length: 0\r\n\r\n",
                     pbx->cfg.realm, nonce, opaque, pbx->cfg.user_agent);
}

static struct pbx_user *
check_auth (const struct sip_msg *msg)
{
  const struct sip_hdr *hdr = sip_msg_hdr (msg, SIP_HDR_AUTHORIZATION);
  struct httpauth_digest_resp resp;
  struct pbx_user *u;
  uint8_t ha1[16];

  if (!hdr || httpauth_digest_response_decode (&resp, &hdr->val))
    return NULL;
  u = pbx_user_by_pl (&resp.username);
  if (!u)
    return NULL;
  if (pl_strcmp (&resp.realm, pbx->cfg.realm) || !nonce_valid (&resp.nonce))
    return NULL;
  if (md5_printf (ha1, "%s:%s:%s", u->name, pbx->cfg.realm, u->password))
    return NULL;
  if (httpauth_digest_response_auth (&resp, &msg->met, ha1))
    return NULL;
  return u;
}

/* Runs before sipsess/sipevent see a request: challenges out-of-dialog
 * requests like Asterisk does and leaves the authenticated user in
 * pbx->auth_user for the listener that handles the request next. */
static bool
auth_filter (const struct sip_msg *msg, void *arg)
{
  bool need = false;

  pbx->auth_user = NULL;
  if (!pl_strcmp (&msg->met, "REGISTER"))
    need = true;
  else if ((!pl_strcmp (&msg->met, "INVITE") || !pl_strcmp (&msg->met, "SUBSCRIBE")
            || !pl_strcmp (&msg->met, "MESSAGE") || !pl_strcmp (&msg->met, "OPTIONS"))
           && !pl_isset (&msg->to.tag))
    need = true;
  if (!need)
    return false;

  pbx->auth_user = check_auth (msg);
  if (pbx->auth_user)
    return false;
  challenge (msg);
  return true;
}

static void
contact_destructor (void *arg)
{
  struct pbx_contact *c = arg;
  list_unlink (&c->le);
  mem_deref (c->uri);
}

void
pbx_user_prune (struct pbx_user *u)
{
  uint64_t now = tmr_jiffies ();
  struct le *le = list_head (&u->contacts);
  while (le)
    {
      struct pbx_contact *c = le->data;
      le = le->next;
      if (c->expires_at <= now)
        mem_deref (c);
    }
}

struct reg_ctx
{
  struct pbx_user *u;
  const struct sip_msg *msg;
  uint32_t dfl_expires;
};

static bool
contact_handler (const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
  struct reg_ctx *ctx = arg;
  struct sip_addr addr;
  struct pl pl;
  uint32_t expires = ctx->dfl_expires;
  struct pbx_contact *c = NULL;
  struct le *le;

  if (!pl_strcmp (&hdr->val, "*"))
    {
      list_flush (&ctx->u->contacts);
      return false;
    }
  if (sip_addr_decode (&addr, &hdr->val))
    return false;
  if (!msg_param_decode (&addr.params, "expires", &pl))
    expires = pl_u32 (&pl);

  for (le = list_head (&ctx->u->contacts); le; le = le->next)
    {
      struct pbx_contact *x = le->data;
      if (!pl_strcmp (&addr.auri, x->uri))
        c = x;
    }
  if (expires == 0)
    {
      mem_deref (c);
      return false;
    }
  if (!c)
    {
      c = mem_zalloc (sizeof (*c), contact_destructor);
      if (!c)
        return true;
      pl_strdup (&c->uri, &addr.auri);
      /* max_contacts=2, remove_existing=yes: the oldest goes */
      if (list_count (&ctx->u->contacts) >= 2)
        mem_deref (list_head (&ctx->u->contacts)->data);
      list_append (&ctx->u->contacts, &c->le, c);
    }
  c->addr = msg->src;
  c->tp = msg->tp;
  c->expires_at = tmr_jiffies () + (uint64_t)expires * 1000;
  return false;
}

static int
print_contacts (struct re_printf *pf, struct pbx_user *u)
{
  int err = 0;
  uint64_t now = tmr_jiffies ();
  for (struct le *le = list_head (&u->contacts); le; le = le->next)
    {
      struct pbx_contact *c = le->data;
      err |= re_hprintf (pf, "Contact: <%s>;expires=%u\r\n", c->uri,
                         (unsigned)((c->expires_at - now) / 1000));
    }
  return err;
}

static void
register_handler (const struct sip_msg *msg)
{
  struct reg_ctx ctx = { pbx->auth_user, msg, 600 };
  char date[64];
  time_t t = time (NULL);
  struct tm tm;

  if (pbx->faults.refuse_register)
    {
      (void)sip_treply (NULL, pbx->sip, msg, 403, "Forbidden");
      return;
    }
  if (pl_isset (&msg->expires))
    ctx.dfl_expires = pl_u32 (&msg->expires);
  pbx_user_prune (ctx.u);
  sip_msg_hdr_apply (msg, true, SIP_HDR_CONTACT, contact_handler, &ctx);
  gmtime_r (&t, &tm);
  strftime (date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 200, "OK",
                     "Date: %s\r\n"
                     "%H"
                     "Server: %s\r\n"
                     "Content-Length: 0\r\n\r\n",
                     date, print_contacts, ctx.u, pbx->cfg.user_agent);
  pbx_blf_user_changed (ctx.u);
}

/* Whether res_pjsip would find the OPTIONS Request-URI user in the
 * endpoint's dialplan context: users, the park extension, slots and the
 * list resource exist, anything else does not. */
static bool
options_target_known (const struct pl *user)
{
  g_autofree char *target = g_strndup (user->p, user->l);

  if (pbx_user_by_ext (target) || pbx_page_group_by_ext (target)
      || g_str_equal (target, pbx->cfg.park_ext) || g_str_equal (target, pbx->cfg.list_name))
    return true;
  if (g_str_has_prefix (target, "park+") && pbx->cfg.profile != PBX_PROFILE_FREESWITCH)
    return false;
  return pbx_slot_index (target) >= 0;
}

/* Out-of-dialog OPTIONS went through the auth filter like Asterisk's
 * endpoint identifier; clients use the answer to check an extension before
 * they transfer a call there. Without a user part it is a plain ping. */
static void
options_handler (const struct sip_msg *msg)
{
  if (!pl_isset (&msg->to.tag) && pl_isset (&msg->uri.user)
      && !options_target_known (&msg->uri.user))
    {
      (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 404, "Not Found",
                         "Server: %s\r\n"
                         "Content-Length: 0\r\n\r\n",
                         pbx->cfg.user_agent);
      return;
    }
  (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 200, "OK",
                     "Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, INVITE, ACK, BYE, "
                     "CANCEL, REFER\r\n"
                     "Accept: application/sdp, message/sipfrag;version=2.0, "
                     "application/dialog-info+xml, application/pidf+xml\r\n"
                     "Server: %s\r\n"
                     "Content-Length: 0\r\n\r\n",
                     pbx->cfg.user_agent);
}

/* The last listener: everything sipsess and sipevent did not take. */
static bool
misc_handler (const struct sip_msg *msg, void *arg)
{
  if (!pl_strcmp (&msg->met, "REGISTER"))
    {
      register_handler (msg);
      return true;
    }
  if (!pl_strcmp (&msg->met, "OPTIONS"))
    {
      options_handler (msg);
      return true;
    }
  if (!pl_strcmp (&msg->met, "REFER"))
    {
      pbx_refer_ood (msg);
      return true;
    }
  return false;
}

static void
trace_handler (bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
               const uint8_t *pkt, size_t len, void *arg)
{
  if (tx && len > 7 && memcmp (pkt, "NOTIFY ", 7) == 0)
    pbx->notifies_sent++;
  if (pbx->verbose)
    re_fprintf (stderr, "----- %s %s %J -> %J\n%b\n", tx ? "TX" : "RX", sip_transp_name (tp), src,
                dst, pkt, len);
}

int
pbx_sip_start (uint16_t port)
{
  struct sa laddr;
  int err;

  err = sip_alloc (&pbx->sip, NULL, 32, 32, 32, pbx->cfg.user_agent, NULL, NULL);
  if (err)
    return err;
  /* Also counts the NOTIFYs sent, for the `notifies` control command. */
  sip_set_trace_handler (pbx->sip, trace_handler);

  /* The kernel picks the UDP port; TCP must then get the same one. */
  for (int attempt = 0; attempt < 20; attempt++)
    {
      struct sa udp;
      sa_set_str (&laddr, PBX_HOST, port);
      err = sip_transp_add (pbx->sip, SIP_TRANSP_UDP, &laddr);
      if (err)
        {
          if (port)
            return err;
          continue;
        }
      sip_transp_laddr (pbx->sip, &udp, SIP_TRANSP_UDP, NULL);
      err = sip_transp_add (pbx->sip, SIP_TRANSP_TCP, &udp);
      if (!err)
        {
          pbx->sip_port = sa_port (&udp);
          break;
        }
      if (port)
        return err;
      sip_transp_flush (pbx->sip);
      sip_close (pbx->sip, true);
      pbx->sip = mem_deref (pbx->sip);
      err = sip_alloc (&pbx->sip, NULL, 32, 32, 32, pbx->cfg.user_agent, NULL, NULL);
      if (err)
        return err;
    }
  if (err)
    return err;

  /* first, so a freeze also covers connections opened during it */
  err = sip_listen (&pbx->lsnr_freeze, pbx->sip, true, pbx_freeze_tap, NULL);
  err |= sip_listen (&pbx->lsnr_auth, pbx->sip, true, auth_filter, NULL);
  err |= sipsess_listen (&pbx->sess_sock, pbx->sip, 32, pbx_invite_handler, NULL);
  err |= sipevent_listen (&pbx->evt_sock, pbx->sip, 32, 32, pbx_subscribe_handler, NULL);
  err |= sip_listen (&pbx->lsnr_misc, pbx->sip, true, misc_handler, NULL);
  return err;
}

void
pbx_sip_stop (void)
{
  if (!pbx->sip)
    return;
  pbx_freeze_clear ();
  sip_close (pbx->sip, true);
  pbx_blf_clear ();
  pbx_calls_clear ();
  pbx->lsnr_misc = mem_deref (pbx->lsnr_misc);
  pbx->evt_sock = mem_deref (pbx->evt_sock);
  pbx->sess_sock = mem_deref (pbx->sess_sock);
  pbx->lsnr_auth = mem_deref (pbx->lsnr_auth);
  pbx->lsnr_freeze = mem_deref (pbx->lsnr_freeze);
  pbx->sip = mem_deref (pbx->sip);
  for (guint i = 0; i < pbx->cfg.users->len; i++)
    {
      struct pbx_user *u = g_ptr_array_index (pbx->cfg.users, i);
      list_flush (&u->contacts);
    }
}

/* A graceful restart on the same stack and port: subscriptions end with a
 * terminated NOTIFY, calls with BYE/CANCEL, registrations are forgotten.
 * (Re-creating the libre stack is not an option: its sockets live on while
 * the final NOTIFYs are in flight.) */
void
pbx_sip_reset (void)
{
  pbx_blf_clear ();
  pbx_calls_clear ();
  pbx_calls_init ();
  pbx->last_slot = -1;
  for (guint i = 0; i < pbx->cfg.users->len; i++)
    {
      struct pbx_user *u = g_ptr_array_index (pbx->cfg.users, i);
      list_flush (&u->contacts);
    }
}
