/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Calls and parking of the test PBX (test and demo infrastructure).
 *
 * A B2BUA: every phone-facing dialog is a leg (one sipsess and one RTP
 * socket); two bridged legs relay each other's RTP. Parking detaches a leg
 * from its partner, puts it in a slot and plays music to it. Timings follow
 * the Asterisk 22 traces in ../shared/fixtures/asterisk-22. */
#define G_LOG_DOMAIN "pbx-calls"

#include "pbx.h"

#define CUSER "asterisk"

static void leg_close_h (int err, const struct sip_msg *msg, void *arg);
static void leg_refer_h (struct sip *sip, const struct sip_msg *msg, void *arg);
static void fork_failed (struct pbx_leg *origin, uint16_t scode);

unsigned
pbx_leg_count (void)
{
  return list_count (&pbx->legs);
}

int
pbx_slot_index (const char *ext)
{
  if (!ext)
    return -1;
  if (g_str_has_prefix (ext, "park+"))
    ext += 5;
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    if (g_str_equal (pbx->slots[i].ext, ext))
      return (int)i;
  return -1;
}

void
pbx_calls_init (void)
{
  if (!pbx->slots)
    {
      pbx->slots = g_new0 (struct pbx_slot, pbx->cfg.n_slots);
      for (guint i = 0; i < pbx->cfg.n_slots; i++)
        pbx->slots[i].ext = pbx->cfg.slots[i];
      pbx->last_slot = -1;
    }
  list_init (&pbx->legs);
}

static void
leg_destructor (void *arg)
{
  struct pbx_leg *leg = arg;

  tmr_cancel (&leg->ring_tmr);
  tmr_cancel (&leg->park_tmr);
  tmr_cancel (&leg->hang_tmr);
  tmr_cancel (&leg->refer_tmr);
  list_unlink (&leg->le);
  if (leg->slot >= 0 && pbx->slots[leg->slot].leg == leg)
    {
      int slot = leg->slot;
      pbx->slots[slot].leg = NULL;
      leg->slot = -1;
      pbx_blf_slot_changed (slot);
    }
  for (struct le *le = list_head (&pbx->legs); le; le = le->next)
    {
      struct pbx_leg *o = le->data;
      if (o->peer == leg)
        o->peer = NULL;
      if (o->origin == leg)
        o->origin = NULL;
    }
  pbx_ami_channel_gone (leg);
  pbx_media_close (leg);
  leg->refer_not = mem_deref (leg->refer_not);
  leg->pai_req = mem_deref (leg->pai_req);
  leg->sess = mem_deref (leg->sess);
  if (leg->user)
    pbx_blf_user_changed (leg->user);
  g_free (leg->rdisplay);
  g_free (leg->ruri);
  g_free (leg->id_display);
  g_free (leg->id_uri);
}

static struct pbx_leg *
leg_alloc (bool incoming, struct pbx_user *user)
{
  struct pbx_leg *leg = mem_zalloc (sizeof (*leg), leg_destructor);
  if (!leg)
    return NULL;
  leg->id = ++pbx->next_leg_id;
  leg->incoming = incoming;
  leg->slot = -1;
  leg->user = user;
  if (user)
    {
      leg->id_display = g_strdup (user->display);
      leg->id_uri = g_strdup_printf ("sip:%s@%s", user->ext, PBX_HOST);
    }
  list_append (&pbx->legs, &leg->le, leg);
  if (pbx_media_alloc (leg))
    {
      mem_deref (leg);
      return NULL;
    }
  return leg;
}

static void
bridge (struct pbx_leg *a, struct pbx_leg *b)
{
  a->peer = b;
  b->peer = a;
  a->role = ROLE_NORMAL;
  b->role = ROLE_NORMAL;
  pbx_ami_bridged (a, b);
  if (!a->virt)
    pbx_moh_stop (a);
  if (!b->virt)
    pbx_moh_stop (b);
  tmr_cancel (&a->park_tmr);
  tmr_cancel (&b->park_tmr);
  tmr_cancel (&a->ring_tmr);
  tmr_cancel (&b->ring_tmr);
  tmr_cancel (&a->hang_tmr);
  tmr_cancel (&b->hang_tmr);
}

static void
unpark (struct pbx_leg *leg)
{
  int slot = leg->slot;
  if (slot < 0)
    return;
  pbx->slots[slot].leg = NULL;
  leg->slot = -1;
  tmr_cancel (&leg->park_tmr);
  pbx_blf_slot_changed (slot);
}

static void
hang_tmr_h (void *arg)
{
  mem_deref (arg);
}

static void
pai_resp_h (int err, const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;

  if (err || !msg || msg->scode < 200 || msg->scode >= 300 || !leg->sess)
    return;
  (void)sip_drequestf (NULL, pbx->sip, false, "ACK", sipsess_dialog (leg->sess), leg->pai_cseq,
                       NULL, NULL, NULL, NULL, "Content-Length: 0\r\n\r\n");
}

/* Asterisk tells both sides of a retrieval who they now talk to with a
 * re-INVITE carrying P-Asserted-Identity (the 200 OK had none). libre's
 * sipsess_modify() cannot add headers, so it is sent on the dialog. */
static void
send_pai_reinvite (struct pbx_leg *leg)
{
  struct pbx_leg *peer = leg->peer;
  struct sip_dialog *dlg;
  struct mbuf *sdp;

  leg->pai_pending = false;
  if (!leg->sess || !peer || !peer->id_uri || leg->pai_req)
    return;
  dlg = sipsess_dialog (leg->sess);
  leg->pai_cseq = sip_dialog_lseq (dlg);
  sdp = pbx_sdp_offer (leg);
  (void)sip_drequestf (&leg->pai_req, pbx->sip, true, "INVITE", dlg, 0, NULL, NULL, pai_resp_h, leg,
                       "Contact: <sip:" CUSER "@%s:%u>\r\n"
                       "P-Asserted-Identity: \"%s\" <%s>\r\n"
                       "Content-Type: application/sdp\r\n"
                       "Content-Length: %zu\r\n\r\n%b",
                       PBX_HOST, pbx->sip_port, peer->id_display ? peer->id_display : "",
                       peer->id_uri, mbuf_get_left (sdp), mbuf_buf (sdp), mbuf_get_left (sdp));
  mem_deref (sdp);
}

/* ---- SDP and session callbacks shared by both directions ---- */

static int
leg_offer_h (struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  pbx_sdp_parse_remote (leg, msg->mb);
  *descp = pbx_sdp_offer (leg);
  return 0;
}

static int
leg_answer_h (const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  pbx_sdp_parse_remote (leg, msg->mb);
  return 0;
}

static void
leg_estab_h (const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  leg->state = LEG_UP;
  if (leg->pai_pending)
    send_pai_reinvite (leg);
  if (leg->user)
    pbx_blf_user_changed (leg->user);
}

static void
answer_origin (struct pbx_leg *origin, struct pbx_leg *callee)
{
  struct mbuf *sdp = pbx_sdp_offer (origin);
  (void)sipsess_answer (origin->sess, 200, "OK", sdp, "P-Asserted-Identity: \"%s\" <%s>\r\n",
                        callee->id_display, callee->id_uri);
  mem_deref (sdp);
}

/* An outgoing fork answered: it wins, the other forks are cancelled. */
static void
fork_estab_h (const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *origin = leg->origin;
  struct le *le;

  leg->state = LEG_UP;
  if (!origin)
    {
      mem_deref (leg);
      return;
    }
  le = list_head (&pbx->legs);
  while (le)
    {
      struct pbx_leg *o = le->data;
      le = le->next;
      if (o != leg && o->origin == origin && o->state != LEG_UP)
        {
          o->origin = NULL;
          mem_deref (o);
        }
    }
  leg->origin = NULL;
  if (origin->incoming && origin->state != LEG_UP)
    answer_origin (origin, leg);
  bridge (origin, leg);
  if (leg->user)
    pbx_blf_user_changed (leg->user);
}

static void
fork_progr_h (const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  if (msg->scode >= 180 && leg->state == LEG_NEW)
    {
      leg->state = LEG_RINGING;
      if (leg->user)
        pbx_blf_user_changed (leg->user);
    }
}

static void
ring_timeout (void *arg)
{
  fork_failed (arg, 480);
}

/* The legs ringing for origin all failed (or timed out). */
static void
fork_failed (struct pbx_leg *origin, uint16_t scode)
{
  struct le *le = list_head (&pbx->legs);
  while (le)
    {
      struct pbx_leg *o = le->data;
      le = le->next;
      if (o->origin == origin)
        {
          o->origin = NULL;
          mem_deref (o);
        }
    }
  tmr_cancel (&origin->ring_tmr);
  if (origin->incoming && origin->state != LEG_UP)
    {
      (void)sipsess_reject (origin->sess, scode ? scode : 480,
                            scode == 486 ? "Busy Here" : "Temporarily Unavailable", NULL);
      mem_deref (origin);
    }
  else
    {
      /* comeback nobody answered, or a blind transfer failed */
      mem_deref (origin);
    }
}

/* Rings every registered contact of target on behalf of origin. */
static int
ring_user (struct pbx_leg *origin, struct pbx_user *target, guint timeout_ms)
{
  int n = 0;

  pbx_user_prune (target);
  for (struct le *le = list_head (&target->contacts); le; le = le->next)
    {
      struct pbx_contact *c = le->data;
      struct pbx_leg *out = leg_alloc (false, target);
      struct mbuf *sdp;
      int err;

      if (!out)
        continue;
      out->origin = origin;
      pbx_ami_channel_new (out, NULL, origin);
      sdp = pbx_sdp_offer (out);
      err = sipsess_connect (&out->sess, pbx->sess_sock, c->uri, origin->id_display, origin->id_uri,
                             CUSER, NULL, 0, "application/sdp", sdp, NULL, NULL, false, leg_offer_h,
                             leg_answer_h, fork_progr_h, fork_estab_h, NULL, leg_refer_h,
                             leg_close_h, out,
                             "P-Asserted-Identity: \"%s\" <%s>\r\n"
                             "Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, INVITE, ACK, BYE, "
                             "CANCEL, REFER\r\n",
                             origin->id_display, origin->id_uri);
      mem_deref (sdp);
      if (err)
        {
          mem_deref (out);
          continue;
        }
      n++;
    }
  if (n)
    tmr_start (&origin->ring_tmr, timeout_ms, ring_timeout, origin);
  return n;
}

/* ---- parking ---- */

static void park_timeout (void *arg);

static void
park_in (struct pbx_leg *leg, int slot, struct pbx_user *parker)
{
  if (leg->peer)
    leg->peer->peer = NULL;
  leg->peer = NULL;
  leg->role = ROLE_PARKED;
  leg->slot = slot;
  leg->parker = parker;
  pbx->slots[slot].leg = leg;
  pbx->last_slot = slot;
  pbx_ami_park_event (leg, "ParkedCall", NULL);
  pbx_moh_start (leg);
  tmr_start (&leg->park_tmr, pbx->cfg.parkingtime_ms, park_timeout, leg);
  pbx_blf_slot_changed (slot);
}

/* findslot=next: the search starts after the last slot used. FreeSWITCH's
 * auto-park takes the first free one. */
static int
next_free_slot (void)
{
  guint n = pbx->cfg.n_slots;
  guint start = pbx->cfg.profile == PBX_PROFILE_FREESWITCH ? 0 : (guint)(pbx->last_slot + 1);
  for (guint k = 0; k < n; k++)
    {
      guint i = (start + k) % n;
      if (!pbx->slots[i].leg)
        return (int)i;
    }
  return -1;
}

static void
park_timeout (void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_user *parker = leg->parker;

  pbx_ami_park_event (leg, "ParkedCallTimeOut", NULL);
  unpark (leg);
  leg->role = ROLE_RINGBACK;
  if (!parker || !ring_user (leg, parker, pbx->cfg.comebackdialtime_ms))
    {
      mem_deref (leg);
      return;
    }
  /* ring_user runs ring_tmr for comebackdialtime: on expiry the forks are
   * cancelled and the caller hung up (fork_failed). */
}

/* ---- REFER ---- */

static void
refer_notify (struct pbx_leg *leg, bool final, const char *status)
{
  if (!leg->refer_not)
    return;
  if (!final)
    (void)sipevent_notifyf (leg->refer_not, NULL, SIPEVENT_ACTIVE, 0, 0, "SIP/2.0 %s\r\n", status);
  else
    (void)sipevent_notifyf (leg->refer_not, NULL, SIPEVENT_TERMINATED, SIPEVENT_NORESOURCE, 0,
                            "SIP/2.0 %s\r\n", status);
}

static void
refer_delayed (void *arg)
{
  struct pbx_leg *leg = arg;
  refer_notify (leg, false, "100 Trying");
  refer_notify (leg, true, leg->refer_final ? leg->refer_final : "200 OK");
}

static void
refer_not_close (int err, const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  leg->refer_not = mem_deref (leg->refer_not);
}

static bool
profile_parks_in_named_slot (void)
{
  return pbx->cfg.profile == PBX_PROFILE_FREEPBX || pbx->cfg.profile == PBX_PROFILE_FREESWITCH;
}

/* leg sent an in-dialog REFER; its partner is the one transferred. */
static void
leg_refer_h (struct sip *sip, const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *other = leg->peer;
  const struct sip_hdr *hdr = sip_msg_hdr (msg, SIP_HDR_REFER_TO);
  const struct sip_hdr *rsub = sip_msg_hdr (msg, SIP_HDR_REFER_SUB);
  bool nosub = rsub && !pl_strcasecmp (&rsub->val, "false");
  struct sip_addr addr;
  g_autofree char *target = NULL;
  struct pbx_user *parker = leg->user;
  struct pbx_user *tu;
  int slot;

  if (!hdr)
    hdr = sip_msg_xhdr (msg, "r");
  if (!hdr || sip_addr_decode (&addr, &hdr->val)
      || (pl_strcasecmp (&addr.uri.scheme, "sip") && pl_strcasecmp (&addr.uri.scheme, "sips")))
    {
      (void)sip_treplyf (NULL, NULL, sip, msg, false, 400, "Bad Request",
                         "Content-Length: 0\r\n\r\n");
      return;
    }
  target = g_strndup (addr.uri.user.p, addr.uri.user.l);

  if (nosub)
    (void)sip_treplyf (NULL, NULL, sip, msg, false, 200, "OK",
                       "Refer-Sub: false\r\nContent-Length: 0\r\n\r\n");
  else
    {
      leg->refer_not = mem_deref (leg->refer_not);
      if (sipevent_accept (&leg->refer_not, pbx->evt_sock, msg, sipsess_dialog (leg->sess), NULL,
                           202, "Accepted", 600, 600, 600, CUSER, "message/sipfrag;version=2.0",
                           NULL, NULL, false, refer_not_close, leg, NULL))
        {
          (void)sip_reply (sip, msg, 500, "Server Internal Error");
          return;
        }
    }

  slot = pbx_slot_index (target);
  if (pbx->cfg.profile != PBX_PROFILE_FREESWITCH && g_str_has_prefix (target, "park+"))
    slot = -1;

  if (!other)
    {
      refer_notify (leg, false, "100 Trying");
      refer_notify (leg, true, "503 Service Unavailable");
      return;
    }

  if (g_str_equal (target, pbx->cfg.park_ext)
      || (slot >= 0 && !pbx->slots[slot].leg && profile_parks_in_named_slot ()))
    {
      if (slot < 0)
        slot = next_free_slot ();
      if (slot < 0)
        {
          refer_notify (leg, false, "100 Trying");
          refer_notify (leg, true, "503 Service Unavailable");
          return;
        }
      park_in (other, slot, parker);
      /* Asterisk reads the slot number to the parker before it reports. */
      leg->refer_final = "200 OK";
      tmr_start (&leg->refer_tmr, pbx->cfg.announce_delay_ms, refer_delayed, leg);
      tmr_start (&leg->hang_tmr, pbx->cfg.parker_bye_ms, hang_tmr_h, leg);
      return;
    }

  if (slot >= 0 && pbx->slots[slot].leg)
    {
      struct pbx_leg *parked = pbx->slots[slot].leg;
      pbx_ami_park_event (parked, "UnParkedCall", other);
      unpark (parked);
      leg->peer = NULL;
      bridge (other, parked);
      refer_notify (leg, false, "100 Trying");
      refer_notify (leg, true, "200 OK");
      tmr_start (&leg->hang_tmr, pbx->cfg.parker_bye_ms, hang_tmr_h, leg);
      return;
    }

  if (slot >= 0)
    {
      /* Stock Asterisk: ParkedCall() on an empty slot plays
       * "invalid parking space" to the caller, then hangs up. */
      leg->peer = NULL;
      other->peer = NULL;
      other->role = ROLE_HOLDOUT;
      pbx_moh_start (other);
      tmr_start (&other->hang_tmr, pbx->cfg.invalid_delay_ms, hang_tmr_h, other);
      refer_notify (leg, false, "100 Trying");
      refer_notify (leg, true, "200 OK");
      tmr_start (&leg->hang_tmr, pbx->cfg.parker_bye_ms, hang_tmr_h, leg);
      return;
    }

  tu = pbx_user_by_ext (target);
  if (tu)
    {
      /* blind transfer to a user */
      leg->peer = NULL;
      other->peer = NULL;
      other->role = ROLE_RINGBACK;
      pbx_moh_start (other);
      if (!ring_user (other, tu, pbx->cfg.ring_timeout_ms))
        {
          refer_notify (leg, false, "100 Trying");
          refer_notify (leg, true, "480 Temporarily Unavailable");
          mem_deref (other);
          return;
        }
      refer_notify (leg, false, "100 Trying");
      refer_notify (leg, true, "200 OK");
      tmr_start (&leg->hang_tmr, pbx->cfg.parker_bye_ms, hang_tmr_h, leg);
      return;
    }

  refer_notify (leg, false, "100 Trying");
  refer_notify (leg, true, "404 Not Found");
}

void
pbx_refer_ood (const struct sip_msg *msg)
{
  (void)sip_treply (NULL, pbx->sip, msg, 501, "Not Implemented");
}

/* ---- closing ---- */

static void
leg_close_h (int err, const struct sip_msg *msg, void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *origin = leg->origin;
  struct pbx_leg *peer = leg->peer;

  /* the caller hung up while parked */
  if (leg->role == ROLE_PARKED && leg->slot >= 0)
    pbx_ami_park_event (leg, "ParkedCallGiveUp", NULL);
  leg->state = LEG_CLOSED;
  leg->sess = mem_deref (leg->sess);

  if (origin)
    {
      /* a fork failed; the origin fails when it was the last one */
      bool others = false;
      leg->origin = NULL;
      for (struct le *le = list_head (&pbx->legs); le; le = le->next)
        {
          struct pbx_leg *o = le->data;
          if (o != leg && o->origin == origin)
            others = true;
        }
      mem_deref (leg);
      if (!others)
        fork_failed (origin, msg ? msg->scode : 480);
      return;
    }

  /* the caller gave up: stop ringing for it */
  for (struct le *le = list_head (&pbx->legs); le;)
    {
      struct pbx_leg *o = le->data;
      le = le->next;
      if (o->origin == leg)
        {
          o->origin = NULL;
          mem_deref (o);
        }
    }
  /* the side that hung up is gone first, then its partner */
  pbx_ami_channel_gone (leg);
  if (peer)
    {
      peer->peer = NULL;
      leg->peer = NULL;
      mem_deref (peer);
    }
  mem_deref (leg);
}

/* ---- incoming INVITE ---- */

static void
retrieve (struct pbx_leg *leg, int slot)
{
  struct pbx_leg *parked = pbx->slots[slot].leg;
  pbx_ami_park_event (parked, "UnParkedCall", leg);
  unpark (parked);
  bridge (leg, parked);
  pbx->slots[slot].retrieved_at = tmr_jiffies ();
  /* FreeSWITCH's valet bridge sends neither side a re-INVITE (trace s1). */
  if (pbx->cfg.profile == PBX_PROFILE_FREESWITCH)
    return;
  send_pai_reinvite (parked);
  leg->pai_pending = true; /* once the retriever has ACKed */
}

/* FreeSWITCH 1.10, measured: when two phones retrieve one valet slot at
 * once, both are answered; one gets the caller, the other stays in the call
 * with no RTP at all, no re-INVITE and no BYE (15 s and more), and the slot
 * reads free. valet_park marks the slot taken only after both have looked,
 * so "at once" is a window here. */
static bool
lost_retrieve_race (int slot)
{
  uint64_t taken = pbx->slots[slot].retrieved_at;

  return pbx->cfg.profile == PBX_PROFILE_FREESWITCH && taken != 0
         && tmr_jiffies () - taken < pbx->cfg.retrieve_race_ms;
}

void
pbx_invite_handler (const struct sip_msg *msg, void *arg)
{
  struct pbx_user *u = pbx->auth_user;
  g_autofree char *target = NULL;
  struct pbx_user *tu;
  struct pbx_leg *leg;
  struct mbuf *sdp;
  int slot;
  int err;

  if (!u)
    {
      (void)sip_treply (NULL, pbx->sip, msg, 403, "Forbidden");
      return;
    }
  target = g_strndup (msg->uri.user.p, msg->uri.user.l);
  slot = pbx_slot_index (target);
  if (pbx->cfg.profile != PBX_PROFILE_FREESWITCH && g_str_has_prefix (target, "park+"))
    slot = -1;
  tu = pbx_user_by_ext (target);
  if (slot < 0 && !tu && !g_str_equal (target, pbx->cfg.park_ext))
    {
      (void)sip_treply (NULL, pbx->sip, msg, 404, "Not Found");
      return;
    }

  leg = leg_alloc (true, u);
  if (!leg)
    {
      (void)sip_treply (NULL, pbx->sip, msg, 500, "Server Internal Error");
      return;
    }
  pbx_ami_channel_new (leg, target, NULL);
  pbx_sdp_parse_remote (leg, msg->mb);

  if (tu)
    {
      err = sipsess_accept (
          &leg->sess, pbx->sess_sock, msg, 180, "Ringing", CUSER, "application/sdp", NULL, NULL,
          NULL, false, leg_offer_h, leg_answer_h, leg_estab_h, NULL, leg_refer_h, leg_close_h, leg,
          "P-Asserted-Identity: \"%s\" <sip:%s@%s>\r\n", tu->display, tu->ext, PBX_HOST);
      if (err)
        {
          mem_deref (leg);
          return;
        }
      leg->state = LEG_RINGING;
      if (!ring_user (leg, tu, pbx->cfg.ring_timeout_ms))
        {
          (void)sipsess_reject (leg->sess, 480, "Temporarily Unavailable", NULL);
          mem_deref (leg);
        }
      return;
    }

  /* the park extension and the slots answer at once */
  sdp = pbx_sdp_offer (leg);
  err = sipsess_accept (&leg->sess, pbx->sess_sock, msg, 200, "OK", CUSER, "application/sdp", sdp,
                        NULL, NULL, false, leg_offer_h, leg_answer_h, leg_estab_h, NULL,
                        leg_refer_h, leg_close_h, leg, NULL);
  mem_deref (sdp);
  if (err)
    {
      mem_deref (leg);
      return;
    }

  if (slot < 0)
    {
      /* dialling the park extension parks oneself (Park() application) */
      slot = next_free_slot ();
      if (slot < 0)
        tmr_start (&leg->hang_tmr, pbx->cfg.invalid_delay_ms, hang_tmr_h, leg);
      else
        park_in (leg, slot, u);
      return;
    }
  if (pbx->slots[slot].leg)
    {
      retrieve (leg, slot);
      return;
    }
  if (lost_retrieve_race (slot))
    {
      leg->role = ROLE_LIMBO;
      return;
    }
  if (pbx->cfg.profile == PBX_PROFILE_FREESWITCH)
    {
      /* valet_park: calling an empty slot parks the caller there */
      park_in (leg, slot, u);
      return;
    }
  leg->role = ROLE_HOLDOUT;
  pbx_moh_start (leg);
  tmr_start (&leg->hang_tmr, pbx->cfg.invalid_delay_ms, hang_tmr_h, leg);
}

/* An outside caller with no phone behind it, who dialled exten: the PBX
 * plays its voice (music). */
static struct pbx_leg *
virtual_caller_new (const char *number, const char *display, const char *exten)
{
  struct pbx_leg *leg = mem_zalloc (sizeof (*leg), leg_destructor);

  if (!leg)
    return NULL;
  leg->id = ++pbx->next_leg_id;
  leg->slot = -1;
  leg->state = LEG_UP;
  leg->id_display = g_strdup (display);
  leg->id_uri = g_strdup_printf ("sip:%s@%s", number, PBX_HOST);
  leg->virt = true;
  list_append (&pbx->legs, &leg->le, leg);
  pbx_ami_channel_new (leg, exten, NULL);
  return leg;
}

/* The PBX itself calls a user from an outside identity; the call side
 * plays music. For demos without a real caller. */
int
pbx_originate (const char *number, const char *display, const char *to_user)
{
  struct pbx_user *tu = pbx_user_by_ext (to_user);
  struct pbx_leg *leg;

  if (!tu || !(leg = virtual_caller_new (number, display, tu->ext)))
    return -1;
  leg->role = ROLE_RINGBACK;
  pbx_moh_start (leg);
  if (!ring_user (leg, tu, pbx->cfg.ring_timeout_ms))
    {
      mem_deref (leg);
      return -1;
    }
  return (int)leg->id;
}

/* A teammate with no phone of their own (the demo's bob) parks an outside
 * caller: the park path a REFER to the park extension takes, with parker
 * set, so the slot's NOTIFYs and every park event follow as usual. */
int
pbx_park_as (const char *number, const char *display, const char *parker_name)
{
  struct pbx_user *parker = pbx_user_by_ext (parker_name);
  int slot = next_free_slot ();
  struct pbx_leg *leg;

  if (!parker || slot < 0 || !(leg = virtual_caller_new (number, display, parker->ext)))
    return -1;
  pbx_ami_connected_to_user (leg, parker);
  park_in (leg, slot, parker);
  return slot;
}

void
pbx_calls_clear (void)
{
  struct le *le;
  while ((le = list_head (&pbx->legs)))
    {
      struct pbx_leg *leg = le->data;
      if (leg->role == ROLE_PARKED && leg->slot >= 0)
        pbx_ami_park_event (leg, "ParkedCallGiveUp", NULL);
      list_unlink (&leg->le);
      leg->peer = NULL;
      leg->origin = NULL;
      mem_deref (leg);
    }
  for (guint i = 0; pbx->slots && i < pbx->cfg.n_slots; i++)
    {
      pbx->slots[i].leg = NULL;
      pbx->slots[i].retrieved_at = 0;
    }
}

/* The dialog state of a user for BLF: confirmed when any of its legs is up,
 * early while one rings (with the caller as remote party). */
const char *
pbx_user_state (struct pbx_user *u, const char **rdisplay, const char **ruri)
{
  const char *state = "terminated";
  *rdisplay = NULL;
  *ruri = NULL;
  for (struct le *le = list_head (&pbx->legs); le; le = le->next)
    {
      struct pbx_leg *leg = le->data;
      if (leg->user != u || leg->state == LEG_CLOSED)
        continue;
      if (leg->state == LEG_UP)
        return "confirmed";
      if (leg->state == LEG_RINGING && !leg->incoming && leg->origin)
        {
          state = "early";
          *rdisplay = leg->origin->id_display;
          *ruri = leg->origin->id_uri;
        }
    }
  return state;
}

/* A pick-up without phones ends like any call: both sides hang up. */
static void
pickup_done (void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *peer = leg->peer;

  if (peer)
    {
      peer->peer = NULL;
      leg->peer = NULL;
      mem_deref (peer);
    }
  mem_deref (leg);
}

/* A teammate without a phone (the demo's bob) picks up the caller parked on
 * slot_ext, if it is the caller with that number (NULL: anyone): the path
 * of a phone dialling the slot, so the slot frees and the park events name
 * him. They talk for talk_ms, then both hang up. */
int
pbx_pickup_as (const char *slot_ext, const char *user_name, const char *number, guint talk_ms)
{
  struct pbx_user *user = pbx_user_by_ext (user_name);
  int slot = pbx_slot_index (slot_ext);
  struct pbx_leg *parked = slot >= 0 ? pbx->slots[slot].leg : NULL;
  g_autofree char *expected = number ? g_strdup_printf ("sip:%s@%s", number, PBX_HOST) : NULL;
  struct pbx_leg *leg;

  if (!user || !parked || (expected && g_strcmp0 (parked->id_uri, expected) != 0)
      || !(leg = virtual_caller_new (user->ext, user->display, slot_ext)))
    return -1;
  retrieve (leg, slot);
  tmr_start (&leg->hang_tmr, talk_ms, pickup_done, leg);
  return 0;
}
