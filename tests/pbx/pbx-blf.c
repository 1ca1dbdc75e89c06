/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BLF of the test PBX (test and demo infrastructure): SUBSCRIBE dialog /
 * presence to slots and users, and the RFC 4662 list of all slots, answered
 * like Asterisk 22 (subscribe_edge_cases, subscribe_accept_variants and
 * rls_eventlist traces). */
#define G_LOG_DOMAIN "pbx-blf"

#include "pbx.h"

struct pbx_sub
{
  struct le le;
  struct sipnot * not ;
  char *resource;
  int slot;              /* slot index or -1 */
  struct pbx_user *user; /* watched user or NULL */
  bool is_list;
  bool fs_plain; /* FreeSWITCH plain slot URI: one empty body, no updates */
  PbxBodyType body;
  uint32_t version;
  uint32_t *res_versions;
  char **res_ids;
  char *watcher;
  char *boundary;
  char *last_state;
  struct tmr delay_tmr;
  int pending_slot; /* for delayed list updates; -2 = full */
};

static void
sub_destructor (void *arg)
{
  struct pbx_sub *sub = arg;
  tmr_cancel (&sub->delay_tmr);
  list_unlink (&sub->le);
  sub->not = mem_deref (sub->not );
  g_free (sub->resource);
  g_free (sub->res_versions);
  g_strfreev (sub->res_ids);
  g_free (sub->watcher);
  g_free (sub->boundary);
  g_free (sub->last_state);
}

unsigned
pbx_sub_count (void)
{
  return list_count (&pbx->subs);
}

static char *
host_port (void)
{
  return g_strdup_printf ("%s:%u", PBX_HOST, pbx->sip_port);
}

/* `faults flood`: updates left, and whether the current one tells the
 * opposite of every slot's state. */
static struct tmr flood_tmr;
static unsigned flood_left;
static bool flood_lie;

static char *
slot_body (struct pbx_sub *sub, int slot, uint32_t version)
{
  g_autofree char *host = host_port ();
  struct pbx_leg *leg = flood_lie ? NULL : pbx->slots[slot].leg;
  const char *ext = pbx->slots[slot].ext;
  bool busy = (pbx->slots[slot].leg != NULL) != flood_lie;

  switch (sub->body)
    {
      case BODY_DIALOG:
        return pbx_body_dialog (ext, host, version, busy, pbx->cfg.profile,
                                leg ? leg->id_display : NULL, leg ? leg->id_uri : NULL);
      case BODY_PIDF:
        return pbx_body_pidf (ext, host, busy, sub->watcher, pbx->cfg.profile);
      case BODY_XPIDF:
      case BODY_CPIM_PIDF:
        return pbx_body_xpidf (ext, host, busy, sub->watcher);
    }
  return NULL;
}

static char *
user_body (struct pbx_sub *sub, const char *state, const char *rd, const char *ru)
{
  g_autofree char *host = host_port ();
  bool busy = !g_str_equal (state, "terminated");

  switch (sub->body)
    {
      case BODY_DIALOG:
        return pbx_body_user_dialog (sub->user->ext, host, sub->version, state, rd, ru,
                                     sub->user->display);
      case BODY_PIDF:
        return pbx_body_pidf (sub->user->ext, host, busy, sub->watcher, PBX_PROFILE_ASTERISK);
      case BODY_XPIDF:
      case BODY_CPIM_PIDF:
        return pbx_body_xpidf (sub->user->ext, host, busy, sub->watcher);
    }
  return NULL;
}

static void
append_part (GString *s, const char *boundary, const char *cid, const char *ctype, const char *body)
{
  g_string_append_printf (s,
                          "--%s\r\n"
                          "Content-ID: <%s@%s>\r\n"
                          "Content-Type: %s\r\n"
                          "Content-Length: %zu\r\n"
                          "\r\n"
                          "%s\r\n",
                          boundary, cid, PBX_HOST, ctype, strlen (body), body);
}

/* RFC 4662 multipart/related: RLMI first, then one dialog-info per slot;
 * only_slot >= 0 sends a partial notification for that slot. */
static char *
list_body (struct pbx_sub *sub, int only_slot)
{
  g_autofree char *host = host_port ();
  GString *rlmi = g_string_new (NULL);
  GString *s = g_string_new ("\r\n");
  g_autoptr (GPtrArray) cids = g_ptr_array_new_with_free_func (g_free);

  g_string_append_printf (rlmi,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<list xmlns=\"urn:ietf:params:xml:ns:rlmi\" uri=\"sip:%s@%s\" "
                          "version=\"%u\" fullState=\"%s\">\n"
                          " <name>%s</name>\n",
                          sub->resource, host, sub->version, only_slot < 0 ? "true" : "false",
                          sub->resource);
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    {
      char *cid;
      if (only_slot >= 0 && (int)i != only_slot)
        {
          g_ptr_array_add (cids, NULL);
          continue;
        }
      cid = pbx_random_token (5);
      g_ptr_array_add (cids, cid);
      g_string_append_printf (rlmi,
                              " <resource uri=\"sip:%s@%s\">\n"
                              "  <name>%s</name>\n"
                              "  <instance id=\"%s\" state=\"active\" cid=\"%s@%s\" />\n"
                              " </resource>\n",
                              pbx->slots[i].ext, host, pbx->slots[i].ext, sub->res_ids[i], cid,
                              PBX_HOST);
    }
  g_string_append (rlmi, "</list>\n");
  {
    g_autofree char *rcid = pbx_random_token (5);
    append_part (s, sub->boundary, rcid, "application/rlmi+xml", rlmi->str);
  }
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    {
      g_autofree char *part = NULL;
      const char *cid = g_ptr_array_index (cids, i);
      if (!cid)
        continue;
      part = slot_body (sub, (int)i, sub->res_versions[i]);
      sub->res_versions[i]++;
      g_string_append (s, "\r\n");
      append_part (s, sub->boundary, cid, "application/dialog-info+xml", part);
    }
  g_string_append_printf (s, "\r\n--%s--\r\n", sub->boundary);
  g_string_free (rlmi, TRUE);
  return g_string_free (s, FALSE);
}

static void
sub_send (struct pbx_sub *sub, int list_slot)
{
  g_autofree char *body = NULL;
  struct mbuf *mb;

  if (!sub->not )
    return;
  if (sub->fs_plain)
    body = g_strdup_printf ("<?xml version=\"1.0\"?>\n"
                            "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                            "version=\"%u\" state=\"full\" entity=\"sip:%s@%s\">\n"
                            "</dialog-info>\n",
                            sub->version, sub->resource, PBX_HOST);
  else if (sub->is_list)
    body = list_body (sub, list_slot);
  else if (sub->slot >= 0)
    body = slot_body (sub, sub->slot, sub->version);
  else if (sub->user)
    {
      const char *rd, *ru;
      const char *state = pbx_user_state (sub->user, &rd, &ru);
      body = user_body (sub, state, rd, ru);
      g_free (sub->last_state);
      sub->last_state = g_strdup (state);
    }
  if (!body)
    return;
  sub->version++;

  if (pbx->faults.drop_notifies > 0)
    {
      pbx->faults.drop_notifies--;
      return;
    }
  if (pbx->faults.malformed_next)
    {
      /* cut the XML in the middle of a tag */
      pbx->faults.malformed_next = false;
      body[strlen (body) / 2] = '\0';
      strcat (body, "<dialog id=\"");
    }
  mb = mbuf_alloc (strlen (body) + 1);
  mbuf_write_str (mb, body);
  mb->pos = 0;
  (void)sipevent_notify (sub->not, mb, SIPEVENT_ACTIVE, 0, 0);
  mem_deref (mb);
}

static void
delayed_send (void *arg)
{
  struct pbx_sub *sub = arg;
  sub_send (sub, sub->pending_slot == -2 ? -1 : sub->pending_slot);
}

static void
sub_update (struct pbx_sub *sub, int list_slot)
{
  if (pbx->faults.delay_ms)
    {
      /* a second change while delayed makes a list send full state */
      sub->pending_slot = tmr_isrunning (&sub->delay_tmr) ? -2 : list_slot;
      tmr_start (&sub->delay_tmr, pbx->faults.delay_ms, delayed_send, sub);
      return;
    }
  sub_send (sub, list_slot);
}

void
pbx_blf_slot_changed (int slot)
{
  struct le *le = list_head (&pbx->subs);
  while (le)
    {
      struct pbx_sub *sub = le->data;
      le = le->next;
      if (sub->fs_plain)
        continue;
      if (sub->is_list)
        sub_update (sub, slot);
      else if (sub->slot == slot)
        sub_update (sub, -1);
    }
}

void
pbx_blf_user_changed (struct pbx_user *u)
{
  struct le *le = list_head (&pbx->subs);
  while (le)
    {
      struct pbx_sub *sub = le->data;
      const char *rd, *ru;
      le = le->next;
      if (sub->user != u)
        continue;
      if (sub->last_state && g_str_equal (sub->last_state, pbx_user_state (u, &rd, &ru)))
        continue;
      sub_update (sub, -1);
    }
}

static void
sub_close (int err, const struct sip_msg *msg, void *arg)
{
  struct pbx_sub *sub = arg;
  mem_deref (sub);
}

void
pbx_blf_terminate_all (void)
{
  struct le *le;
  while ((le = list_head (&pbx->subs)))
    {
      struct pbx_sub *sub = le->data;
      list_unlink (&sub->le);
      if (sub->not )
        (void)sipevent_notify (sub->not, NULL, SIPEVENT_TERMINATED, SIPEVENT_NORESOURCE, 0);
      mem_deref (sub);
    }
}

void
pbx_blf_clear (void)
{
  tmr_cancel (&flood_tmr);
  flood_left = 0;
  list_flush (&pbx->subs);
}

/* One update to every slot and list subscription per millisecond (a zero
 * timer would spin inside libre's timer loop and starve the sockets), the
 * state flipping each time and the truth last. libre keeps one NOTIFY in
 * flight per subscription and folds updates made meanwhile into the next,
 * as a real notifier does, so a slow watcher sets the pace. */
static void
flood_tick (void *arg)
{
  struct le *le = list_head (&pbx->subs);

  flood_left--;
  flood_lie = flood_left % 2 == 1;
  while (le)
    {
      struct pbx_sub *sub = le->data;
      le = le->next;
      if (!sub->fs_plain && (sub->is_list || sub->slot >= 0))
        sub_send (sub, -1);
    }
  flood_lie = false;
  if (flood_left > 0)
    tmr_start (&flood_tmr, 1, flood_tick, NULL);
}

void
pbx_blf_flood (unsigned updates)
{
  flood_left = updates;
  tmr_start (&flood_tmr, 1, flood_tick, NULL);
}

unsigned
pbx_blf_flood_left (void)
{
  return flood_left;
}

static char *
watcher_uri (const struct sip_msg *msg)
{
  return g_strdup_printf ("sip:%.*s@%s", (int)msg->from.uri.user.l, msg->from.uri.user.p, PBX_HOST);
}

bool
pbx_subscribe_handler (const struct sip_msg *msg, void *arg)
{
  const struct sip_hdr *hdr = sip_msg_hdr (msg, SIP_HDR_EVENT);
  const struct sip_hdr *acc = sip_msg_hdr (msg, SIP_HDR_ACCEPT);
  struct sipevent_event se;
  g_autofree char *event = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *resource = NULL;
  struct pbx_sub *sub;
  PbxBodyType body;
  bool is_list, fs_plain = false;
  int slot = -1;
  struct pbx_user *user = NULL;
  int err;

  if (!pbx->auth_user)
    {
      (void)sip_treply (NULL, pbx->sip, msg, 403, "Forbidden");
      return true;
    }
  if (!hdr || sipevent_event_decode (&se, &hdr->val))
    {
      (void)sip_treply (NULL, pbx->sip, msg, 400, "Bad Request");
      return true;
    }
  event = g_strndup (se.event.p, se.event.l);
  if (acc)
    {
      /* all Accept headers, comma-joined */
      GString *a = g_string_new (NULL);
      for (struct le *le = list_head (&msg->hdrl); le; le = le->next)
        {
          const struct sip_hdr *h = le->data;
          if (h->id == SIP_HDR_ACCEPT)
            g_string_append_printf (a, "%s%.*s", a->len ? "," : "", (int)h->val.l, h->val.p);
        }
      accept = g_string_free (a, FALSE);
    }
  resource = g_strndup (msg->uri.user.p, msg->uri.user.l);
  is_list = g_str_equal (resource, pbx->cfg.list_name);

  if (g_ascii_strcasecmp (event, "dialog") && g_ascii_strcasecmp (event, "presence"))
    {
      (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 489, "Bad Event",
                         "Allow-Events: presence, dialog, refer\r\n"
                         "Content-Length: 0\r\n\r\n");
      return true;
    }
  if (is_list)
    {
      if (!sip_msg_hdr_has_value (msg, SIP_HDR_SUPPORTED, "eventlist"))
        {
          (void)sip_treplyf (NULL, NULL, pbx->sip, msg, false, 421, "Extension Required",
                             "Require: eventlist\r\nContent-Length: 0\r\n\r\n");
          return true;
        }
    }
  else
    {
      slot = pbx_slot_index (resource);
      if (pbx->cfg.profile == PBX_PROFILE_FREESWITCH)
        fs_plain = slot >= 0 && !g_str_has_prefix (resource, "park+");
      else if (g_str_has_prefix (resource, "park+"))
        slot = -1;
      if (slot < 0)
        {
          user = pbx_user_by_ext (resource);
          if (user && !g_str_equal (user->ext, resource))
            user = NULL;
        }
      if (slot < 0 && !user)
        {
          (void)sip_treply (NULL, pbx->sip, msg, 404, "Not Found");
          return true;
        }
    }
  if (pl_isset (&msg->expires) && pl_u32 (&msg->expires) == 0)
    {
      (void)sip_treply (NULL, pbx->sip, msg, 400, "Bad Request");
      return true;
    }
  if (is_list)
    body = BODY_DIALOG;
  else if (!pbx_body_choose (event, accept, &body))
    body = BODY_DIALOG;

  sub = mem_zalloc (sizeof (*sub), sub_destructor);
  if (!sub)
    return true;
  sub->resource = g_steal_pointer (&resource);
  sub->slot = slot;
  sub->user = user;
  sub->is_list = is_list;
  sub->fs_plain = fs_plain;
  sub->body = body;
  sub->watcher = watcher_uri (msg);
  sub->boundary = pbx_random_token (5);
  if (is_list)
    {
      sub->res_versions = g_new0 (uint32_t, pbx->cfg.n_slots);
      sub->res_ids = g_new0 (char *, pbx->cfg.n_slots + 1);
      for (guint i = 0; i < pbx->cfg.n_slots; i++)
        sub->res_ids[i] = pbx_random_token (5);
    }
  {
    g_autofree char *ctype
        = is_list ? g_strdup_printf ("multipart/related;type=\"application/rlmi+xml\";"
                                     "boundary=%s",
                                     sub->boundary)
                  : g_strdup (pbx_body_ctype (body));
    err = sipevent_accept (&sub->not, pbx->evt_sock, msg, NULL, &se, 200, "OK", 1, 600, 3600,
                           sub->resource, ctype, NULL, NULL, false, sub_close, sub,
                           is_list ? "Require: eventlist\r\n" : NULL);
  }
  if (err)
    {
      mem_deref (sub);
      (void)sip_treply (NULL, pbx->sip, msg, 500, "Server Internal Error");
      return true;
    }
  list_append (&pbx->subs, &sub->le, sub);
  sub_send (sub, -1);
  return true;
}
