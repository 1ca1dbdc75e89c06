/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The test PBX's manager interface (AMI), test and demo infrastructure.
 *
 * Speaks like Asterisk 22's manager.c and res_parking as recorded in
 * ../shared/fixtures/asterisk-22/ami/: the banner, Login (a failed one is
 * answered after a second and the connection closed), Ping, Events,
 * ParkedCalls (needs write = call, else "Permission denied"), Logoff; and
 * the events Newchannel, Hangup, ParkedCall, UnParkedCall,
 * ParkedCallTimeOut and ParkedCallGiveUp, field for field as in the
 * captures, emitted from the PBX's real park code paths. */
#define G_LOG_DOMAIN "pbx-ami"

#include <time.h>

#include "pbx.h"

#define AMI_BANNER    "Asterisk Call Manager/11.0.0\r\n"
#define AMI_CONTEXT   "office"
#define AMI_MAX_INPUT (64 * 1024)
/* Asterisk sleeps a second before it says "Authentication failed". */
#define AMI_AUTH_FAIL_DELAY_MS 1000

/* What the manager shows of one leg: a channel such as PJSIP/alice-00000001. */
struct pbx_ami_leg
{
  char *channel;
  char *uniqueid;
  char *linkedid;
  unsigned seq; /* creation order: the older linkedid wins in a bridge */
  char *cid_num, *cid_name;
  char *conn_num, *conn_name; /* NULL: <unknown> */
  char *context;
  char *exten;
  int priority;
  bool dialed_user; /* an incoming call to a user: Dial() runs at priority 2 */
  bool answered;    /* Up, also while the leg is closing */
  uint64_t parked_at;
};

struct ami_conn
{
  struct le le;
  struct tcp_conn *tc;
  struct tls_conn *tls;
  GString *in;
  const struct pbx_ami_user *user; /* set once logged in */
  bool events;
  struct tmr fail_tmr; /* the delayed "Authentication failed" */
  char *fail_text;
};

struct ami_delayed
{
  struct le le;
  char *text;
  uint64_t due;
};

static struct
{
  struct tcp_sock *sock;
  struct tcp_sock *tls_sock;
  struct tls *tls;
  uint16_t port, tls_port;
  struct list conns;
  struct list delayed;
  struct tmr delay_tmr;
  unsigned next_channel;
} ami;

/* ---- text, as Asterisk writes it (pure; tests compare with the captures) -- */

static const char *
state_desc (int state)
{
  switch (state)
    {
      case 0:
        return "Down";
      case 4:
        return "Ring";
      case 5:
        return "Ringing";
      case 6:
        return "Up";
      default:
        return "Unknown";
    }
}

/* ast_escape_c(): caller names go out with C escapes. */
static void
append_escaped (GString *out, const char *s)
{
  static const char plain[] = "\a\b\f\n\r\t\v\\'\"?";
  static const char escaped[] = "abfnrtv\\'\"?";

  for (; *s; s++)
    {
      const char *hit = strchr (plain, *s);

      if (hit)
        g_string_append_c (out, '\\'), g_string_append_c (out, escaped[hit - plain]);
      else
        g_string_append_c (out, *s);
    }
}

static void
append_name (GString *out, const char *name)
{
  if (name && *name)
    append_escaped (out, name);
  else
    g_string_append (out, "<unknown>");
}

char *
pbx_ami_channel_text (const char *p, const struct pbx_ami_chan *c)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%sChannel: %s\r\n%sChannelState: %d\r\n%sChannelStateDesc: %s\r\n",
                          p, c->channel, p, c->state, p, state_desc (c->state));
  g_string_append_printf (out, "%sCallerIDNum: %s\r\n%sCallerIDName: ", p,
                          c->cid_num && *c->cid_num ? c->cid_num : "<unknown>", p);
  append_name (out, c->cid_name);
  g_string_append_printf (out, "\r\n%sConnectedLineNum: %s\r\n%sConnectedLineName: ", p,
                          c->conn_num && *c->conn_num ? c->conn_num : "<unknown>", p);
  append_name (out, c->conn_name);
  g_string_append_printf (out,
                          "\r\n%sLanguage: en\r\n%sAccountCode: \r\n%sContext: %s\r\n"
                          "%sExten: %s\r\n%sPriority: %d\r\n%sUniqueid: %s\r\n%sLinkedid: %s\r\n",
                          p, p, p, c->context, p, c->exten, p, c->priority, p, c->uniqueid, p,
                          c->linkedid);
  return g_string_free (out, FALSE);
}

char *
pbx_ami_event_text (const char *event, gint64 timestamp, const char *system_name, const char *body)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "Event: %s\r\nPrivilege: call,all\r\n", event);
  /* manager.conf timestampevents = yes */
  if (timestamp > 0)
    g_string_append_printf (out, "Timestamp: %ld.%06ld\r\n", (long)(timestamp / G_USEC_PER_SEC),
                            (long)(timestamp % G_USEC_PER_SEC));
  if (system_name && *system_name)
    g_string_append_printf (out, "SystemName: %s\r\n", system_name);
  g_string_append_printf (out, "%s\r\n", body);
  return g_string_free (out, FALSE);
}

/* An event of this PBX, stamped when it happens. */
static char *
event_text (const char *event, const char *body)
{
  return pbx_ami_event_text (event, pbx->cfg.ami_timestamps ? g_get_real_time () : 0,
                             pbx->cfg.ami_system_name, body);
}

char *
pbx_ami_parked_call_text (const struct pbx_ami_chan *parkee, const struct pbx_ami_chan *retriever,
                          const char *parker_dial, const char *lot, const char *space, long timeout,
                          long duration)
{
  g_autofree char *parkee_text = pbx_ami_channel_text ("Parkee", parkee);
  g_autofree char *retriever_text
      = retriever ? pbx_ami_channel_text ("Retriever", retriever) : g_strdup ("");

  return g_strdup_printf ("%s%sParkerDialString: %s\r\nParkinglot: %s\r\nParkingSpace: %s\r\n"
                          "ParkingTimeout: %ld\r\nParkingDuration: %ld\r\n",
                          parkee_text, retriever_text, parker_dial, lot, space, MAX (timeout, 0),
                          MAX (duration, 0));
}

/* ---- sending ---------------------------------------------------------------- */

/* The manager alone silent, or the whole PBX hung (faults freeze): a
 * deadlocked Asterisk answers on no socket. */
static bool
muted (void)
{
  return pbx->faults.ami_silent || pbx->faults.frozen;
}

static void
conn_send (struct ami_conn *c, const char *text)
{
  struct mbuf *mb;

  if (muted () || !c->tc)
    return;
  mb = mbuf_alloc (strlen (text));
  if (!mb)
    return;
  (void)mbuf_write_str (mb, text);
  mb->pos = 0;
  (void)tcp_send (c->tc, mb);
  mem_deref (mb);
}

static void
broadcast_now (const char *text)
{
  for (struct le *le = list_head (&ami.conns); le; le = le->next)
    {
      struct ami_conn *c = le->data;

      if (c->user && c->user->read_call && c->events)
        conn_send (c, text);
    }
}

static void delay_tmr_h (void *arg);

static void
schedule_delayed (void)
{
  struct ami_delayed *d = list_ledata (list_head (&ami.delayed));
  uint64_t now = tmr_jiffies ();

  if (d)
    tmr_start (&ami.delay_tmr, d->due > now ? d->due - now : 0, delay_tmr_h, NULL);
}

static void
delayed_destructor (void *arg)
{
  struct ami_delayed *d = arg;

  list_unlink (&d->le);
  g_free (d->text);
}

static void
delay_tmr_h (void *arg)
{
  uint64_t now = tmr_jiffies ();
  struct ami_delayed *d;

  while ((d = list_ledata (list_head (&ami.delayed))) && d->due <= now)
    {
      broadcast_now (d->text);
      mem_deref (d);
    }
  schedule_delayed ();
}

/* Events keep their order, also across a change of the delay fault. */
static void
broadcast (char *text)
{
  struct ami_delayed *d;

  if (!ami.sock)
    {
      g_free (text);
      return;
    }
  if (pbx->faults.ami_delay_ms == 0 && list_isempty (&ami.delayed))
    {
      broadcast_now (text);
      g_free (text);
      return;
    }
  d = mem_zalloc (sizeof *d, delayed_destructor);
  if (!d)
    {
      g_free (text);
      return;
    }
  d->text = text;
  d->due = tmr_jiffies () + pbx->faults.ami_delay_ms;
  list_append (&ami.delayed, &d->le, d);
  if (!tmr_isrunning (&ami.delay_tmr))
    schedule_delayed ();
}

static void
conn_destructor (void *arg)
{
  struct ami_conn *c = arg;

  tmr_cancel (&c->fail_tmr);
  list_unlink (&c->le);
  c->tls = mem_deref (c->tls);
  c->tc = mem_deref (c->tc);
  g_string_free (c->in, TRUE);
  g_free (c->fail_text);
}

/* ---- legs -------------------------------------------------------------- */

static int
leg_state (const struct pbx_leg *leg)
{
  if (leg->state == LEG_UP || (leg->ami && leg->ami->answered))
    return 6;
  if (leg->incoming || leg->virt)
    return 4;
  return leg->state == LEG_RINGING ? 5 : 0;
}

static void
leg_chan (const struct pbx_leg *leg, int state, struct pbx_ami_chan *c)
{
  const struct pbx_ami_leg *a = leg->ami;

  c->channel = a->channel;
  c->state = state >= 0 ? state : leg_state (leg);
  c->cid_num = a->cid_num;
  c->cid_name = a->cid_name;
  c->conn_num = a->conn_num;
  c->conn_name = a->conn_name;
  c->context = a->context;
  c->exten = a->exten;
  c->priority = a->priority;
  c->uniqueid = a->uniqueid;
  c->linkedid = a->linkedid;
}

static char *
number_of (const char *uri)
{
  const char *user = uri && g_str_has_prefix (uri, "sip:") ? uri + 4 : uri;
  const char *at = user ? strchr (user, '@') : NULL;

  return user ? g_strndup (user, at ? (gsize)(at - user) : strlen (user)) : NULL;
}

void
pbx_ami_channel_new (struct pbx_leg *leg, const char *exten, struct pbx_leg *linked)
{
  struct pbx_ami_leg *a;
  struct pbx_user *endpoint = leg->user;
  g_autofree char *number = NULL;
  g_autofree char *body = NULL;
  struct pbx_ami_chan c;

  if (!leg || leg->ami)
    return;
  a = g_new0 (struct pbx_ami_leg, 1);
  number = leg->user ? g_strdup (leg->user->ext) : number_of (leg->id_uri);
  /* an outside caller without a phone of its own is named after the user
   * with its number, like PJSIP/caller1 */
  if (!endpoint && number)
    endpoint = pbx_user_by_ext (number);
  a->seq = ami.next_channel++;
  a->channel = g_strdup_printf ("PJSIP/%s-%08x", endpoint ? endpoint->name : number, a->seq);
  a->uniqueid = g_strdup_printf ("%s-%ld.%u", pbx->cfg.ami_system_name, (long)time (NULL), a->seq);
  a->linkedid = g_strdup (linked && linked->ami ? linked->ami->linkedid : a->uniqueid);
  a->cid_num = g_strdup (number);
  a->cid_name = g_strdup (leg->user ? leg->user->display : leg->id_display);
  a->context = g_strdup (AMI_CONTEXT);
  /* Asterisk dials a phone from extension "s"; a call in starts at what
   * was dialled */
  a->exten = g_strdup (exten ? exten : "s");
  a->priority = 1;
  a->dialed_user = exten && pbx_user_by_ext (exten) && pbx_slot_index (exten) < 0;
  leg->ami = a;

  leg_chan (leg, exten || leg->virt ? 4 : 0, &c);
  body = pbx_ami_channel_text ("", &c);
  broadcast (event_text ("Newchannel", body));
}

static void
ami_leg_free (struct pbx_ami_leg *a)
{
  g_free (a->channel);
  g_free (a->uniqueid);
  g_free (a->linkedid);
  g_free (a->cid_num);
  g_free (a->cid_name);
  g_free (a->conn_num);
  g_free (a->conn_name);
  g_free (a->context);
  g_free (a->exten);
  g_free (a);
}

void
pbx_ami_channel_gone (struct pbx_leg *leg)
{
  g_autofree char *chan = NULL;
  g_autofree char *body = NULL;
  struct pbx_ami_chan c;

  if (!leg->ami)
    return;
  leg_chan (leg, -1, &c);
  chan = pbx_ami_channel_text ("", &c);
  body = g_strdup_printf ("%sCause: 16\r\nCause-txt: Normal Clearing\r\n", chan);
  broadcast (event_text ("Hangup", body));
  g_clear_pointer (&leg->ami, ami_leg_free);
}

static void
set_connected (struct pbx_ami_leg *a, const struct pbx_ami_leg *other)
{
  g_free (a->conn_num);
  g_free (a->conn_name);
  a->conn_num = g_strdup (other->cid_num);
  a->conn_name = g_strdup (other->cid_name);
}

static void
after_answer (struct pbx_leg *leg)
{
  struct pbx_ami_leg *a = leg->ami;

  a->answered = true;
  if (a->dialed_user)
    a->priority = 2;
  if (!leg->incoming && !leg->virt)
    {
      g_free (a->exten);
      a->exten = g_strdup ("");
    }
}

void
pbx_ami_bridged (struct pbx_leg *x, struct pbx_leg *y)
{
  struct pbx_ami_leg *a = x ? x->ami : NULL, *b = y ? y->ami : NULL;
  const char *older;

  if (!a || !b)
    return;
  set_connected (a, b);
  set_connected (b, a);
  after_answer (x);
  after_answer (y);
  /* both channels of a bridge carry the older call's linkedid */
  older = a->seq < b->seq ? a->linkedid : b->linkedid;
  if (g_strcmp0 (a->linkedid, older))
    g_free (a->linkedid), a->linkedid = g_strdup (older);
  if (g_strcmp0 (b->linkedid, older))
    g_free (b->linkedid), b->linkedid = g_strdup (older);
}

static char *
parked_call_body (const struct pbx_leg *parkee, const struct pbx_leg *retriever)
{
  struct pbx_ami_chan pc, rc;
  uint64_t elapsed_ms = tmr_jiffies () - parkee->ami->parked_at;
  long duration = (long)(elapsed_ms / 1000);
  long limit = (long)(pbx->cfg.parkingtime_ms / 1000);
  g_autofree char *dial
      = parkee->parker ? g_strdup_printf ("PJSIP/%s", parkee->parker->name) : g_strdup ("");

  leg_chan (parkee, 6, &pc);
  if (retriever)
    leg_chan (retriever, 6, &rc);
  return pbx_ami_parked_call_text (&pc, retriever ? &rc : NULL, dial, pbx->cfg.ami_parkinglot,
                                   pbx->slots[parkee->slot].ext, limit - duration, duration);
}

void
pbx_ami_park_event (struct pbx_leg *parkee, const char *event, struct pbx_leg *retriever)
{
  g_autofree char *body = NULL;

  if (!parkee->ami || parkee->slot < 0 || (retriever && !retriever->ami))
    return;
  if (g_str_equal (event, "ParkedCall"))
    parkee->ami->parked_at = tmr_jiffies ();
  else if (g_str_equal (event, "ParkedCallTimeOut") && parkee->parker)
    {
      /* res_parking dials the parker back from its park-dial context */
      g_free (parkee->ami->context);
      g_free (parkee->ami->exten);
      parkee->ami->context = g_strdup ("park-dial");
      parkee->ami->exten = g_strdup_printf ("PJSIP_%s", parkee->parker->name);
      parkee->ami->priority = 1;
    }
  body = parked_call_body (parkee, retriever);
  broadcast (event_text (event, body));
}

/* ---- actions ------------------------------------------------------------ */

static const char *
header (GPtrArray *fields, const char *key)
{
  for (guint i = 0; i + 1 < fields->len; i += 2)
    if (!g_ascii_strcasecmp (g_ptr_array_index (fields, i), key))
      return g_ptr_array_index (fields, i + 1);
  return "";
}

static char *
id_line (GPtrArray *fields)
{
  const char *id = header (fields, "ActionID");

  return *id ? g_strdup_printf ("ActionID: %s\r\n", id) : g_strdup ("");
}

static void
respond (struct ami_conn *c, GPtrArray *fields, const char *response, const char *message)
{
  g_autofree char *id = id_line (fields);
  g_autofree char *text
      = g_strdup_printf ("Response: %s\r\n%sMessage: %s\r\n\r\n", response, id, message);

  conn_send (c, text);
}

static const struct pbx_ami_user *
find_user (const char *name)
{
  for (guint i = 0; pbx->cfg.ami_users && i < pbx->cfg.ami_users->len; i++)
    {
      const struct pbx_ami_user *u = g_ptr_array_index (pbx->cfg.ami_users, i);

      if (!g_ascii_strcasecmp (u->name, name))
        return u;
    }
  return NULL;
}

static bool
mask_has_call (const char *mask)
{
  g_auto (GStrv) parts = g_strsplit (mask, ",", -1);

  if (!g_ascii_strcasecmp (mask, "on"))
    return true;
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (!g_ascii_strcasecmp (parts[i], "call") || !g_ascii_strcasecmp (parts[i], "all"))
        return true;
    }
  return false;
}

static void
fail_tmr_h (void *arg)
{
  struct ami_conn *c = arg;

  conn_send (c, c->fail_text);
  mem_deref (c);
}

static void
action_login (struct ami_conn *c, GPtrArray *fields)
{
  const struct pbx_ami_user *u = find_user (header (fields, "Username"));
  const char *events = header (fields, "Events");

  if (c->user)
    {
      respond (c, fields, "Success", "Already authenticated");
      return;
    }
  if (!u || pbx->faults.ami_wrong_secret || g_strcmp0 (u->secret, header (fields, "Secret")))
    {
      g_autofree char *id = id_line (fields);

      /* the session ends after the answer */
      g_free (c->fail_text);
      c->fail_text
          = g_strdup_printf ("Response: Error\r\n%sMessage: Authentication failed\r\n\r\n", id);
      tmr_start (&c->fail_tmr, AMI_AUTH_FAIL_DELAY_MS, fail_tmr_h, c);
      return;
    }
  c->user = u;
  c->events = *events ? mask_has_call (events) : true;
  respond (c, fields, "Success", "Authentication accepted");
}

static void
action_ping (struct ami_conn *c, GPtrArray *fields)
{
  g_autofree char *id = id_line (fields);
  gint64 now = g_get_real_time ();
  g_autofree char *text
      = g_strdup_printf ("Response: Success\r\n%sPing: Pong\r\nTimestamp: %ld.%06ld\r\n\r\n", id,
                         (long)(now / G_USEC_PER_SEC), (long)(now % G_USEC_PER_SEC));

  conn_send (c, text);
}

static void
action_events (struct ami_conn *c, GPtrArray *fields)
{
  g_autofree char *id = id_line (fields);
  g_autofree char *text = NULL;

  c->events = mask_has_call (header (fields, "EventMask"));
  text
      = g_strdup_printf ("Response: Success\r\n%sEvents: %s\r\n\r\n", id, c->events ? "On" : "Off");
  conn_send (c, text);
}

static void
action_parked_calls (struct ami_conn *c, GPtrArray *fields)
{
  const char *lot = header (fields, "ParkingLot");
  g_autofree char *id = id_line (fields);
  g_autofree char *ack = NULL;
  g_autofree char *done = NULL;
  unsigned total = 0;

  if (!c->user->write_call)
    {
      respond (c, fields, "Error", "Permission denied");
      return;
    }
  if (*lot && g_strcmp0 (lot, pbx->cfg.ami_parkinglot))
    {
      respond (c, fields, "Error", "Requested parking lot could not be found.");
      return;
    }
  ack = g_strdup_printf ("Response: Success\r\n%sEventList: start\r\nMessage: Parked calls will "
                         "follow\r\n\r\n",
                         id);
  conn_send (c, ack);
  for (guint i = 0; i < pbx->cfg.n_slots; i++)
    {
      struct pbx_leg *leg = pbx->slots[i].leg;
      g_autofree char *body = NULL;
      g_autofree char *item = NULL;

      if (!leg || !leg->ami)
        continue;
      body = parked_call_body (leg, NULL);
      item = g_strdup_printf ("Event: ParkedCall\r\n%s%s\r\n", body, id);
      conn_send (c, item);
      total++;
    }
  done = g_strdup_printf ("Event: ParkedCallsComplete\r\n%sEventList: Complete\r\nListItems: %u\r\n"
                          "Total: %u\r\n\r\n",
                          id, total, total);
  conn_send (c, done);
}

/* Returns false when the connection is gone. */
static bool
handle_action (struct ami_conn *c, GPtrArray *fields)
{
  const char *action = header (fields, "Action");

  if (!*action)
    respond (c, fields, "Error", "Missing action in request");
  else if (!c->user && g_ascii_strcasecmp (action, "Login")
           && g_ascii_strcasecmp (action, "Logoff"))
    respond (c, fields, "Error", "Permission denied");
  else if (!g_ascii_strcasecmp (action, "Login"))
    action_login (c, fields);
  else if (!g_ascii_strcasecmp (action, "Logoff"))
    {
      respond (c, fields, "Goodbye", "Thanks for all the fish.");
      mem_deref (c);
      return false;
    }
  else if (!g_ascii_strcasecmp (action, "Ping"))
    action_ping (c, fields);
  else if (!g_ascii_strcasecmp (action, "Events"))
    action_events (c, fields);
  else if (!g_ascii_strcasecmp (action, "ParkedCalls"))
    action_parked_calls (c, fields);
  else if (!g_ascii_strcasecmp (action, "Originate") && !c->user->write_originate)
    respond (c, fields, "Error", "Permission denied");
  else
    {
      g_autofree char *msg = g_strdup_printf (
          "Invalid/unknown command: %s. Use Action: ListCommands to show available commands.",
          action);
      respond (c, fields, "Error", msg);
    }
  return true;
}

/* One message: "Key: Value" lines up to an empty line. */
static GPtrArray *
parse_fields (const char *text)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      char *colon;

      g_strchomp (lines[i]);
      colon = strchr (lines[i], ':');
      if (!colon)
        continue;
      g_ptr_array_add (fields, g_strndup (lines[i], colon - lines[i]));
      g_ptr_array_add (fields, g_strdup (g_strchug (colon + 1)));
    }
  return fields;
}

static void
conn_recv (struct mbuf *mb, void *arg)
{
  struct ami_conn *c = arg;

  /* a frozen server reads nothing */
  if (muted () || c->fail_text)
    return;
  g_string_append_len (c->in, (const char *)mbuf_buf (mb), (gssize)mbuf_get_left (mb));
  if (c->in->len > AMI_MAX_INPUT)
    {
      mem_deref (c);
      return;
    }
  for (;;)
    {
      char *end = strstr (c->in->str, "\r\n\r\n");
      gsize skip = 4;
      g_autofree char *text = NULL;
      g_autoptr (GPtrArray) fields = NULL;

      if (!end || (strstr (c->in->str, "\n\n") && strstr (c->in->str, "\n\n") < end))
        end = strstr (c->in->str, "\n\n"), skip = 2;
      if (!end)
        return;
      text = g_strndup (c->in->str, end - c->in->str);
      g_string_erase (c->in, 0, end - c->in->str + skip);
      fields = parse_fields (text);
      if (fields->len > 0 && !handle_action (c, fields))
        return;
    }
}

static void
conn_close (int err, void *arg)
{
  mem_deref (arg);
}

/* The banner goes out once the connection is up: with TLS, after the
 * handshake. */
static void
conn_estab (void *arg)
{
  conn_send (arg, AMI_BANNER);
}

static void
accept_conn (struct tcp_sock *sock, bool tls)
{
  struct ami_conn *c = mem_zalloc (sizeof *c, conn_destructor);

  if (!c)
    return;
  c->in = g_string_new (NULL);
  if (tcp_accept (&c->tc, sock, conn_estab, conn_recv, conn_close, c)
      || (tls && tls_start_tcp (&c->tls, ami.tls, c->tc, 0)))
    {
      mem_deref (c);
      return;
    }
  list_append (&ami.conns, &c->le, c);
}

static void
connect_h (const struct sa *peer, void *arg)
{
  accept_conn (ami.sock, false);
}

static void
connect_tls_h (const struct sa *peer, void *arg)
{
  accept_conn (ami.tls_sock, true);
}

/* ---- lifecycle and faults ------------------------------------------------ */

int
pbx_ami_start (void)
{
  struct sa laddr, local;
  int err;

  list_init (&ami.conns);
  list_init (&ami.delayed);
  tmr_init (&ami.delay_tmr);
  sa_set_str (&laddr, PBX_HOST, 0);
  err = tcp_listen (&ami.sock, &laddr, connect_h, NULL);
  if (err)
    return err;
  tcp_sock_local_get (ami.sock, &local);
  ami.port = sa_port (&local);
  if (!pbx->cfg.ami_tls_pem)
    return 0;
  err = tls_alloc (&ami.tls, TLS_METHOD_SSLV23, pbx->cfg.ami_tls_pem, NULL);
  if (!err)
    err = tcp_listen (&ami.tls_sock, &laddr, connect_tls_h, NULL);
  if (err)
    return err;
  tcp_sock_local_get (ami.tls_sock, &local);
  ami.tls_port = sa_port (&local);
  return 0;
}

void
pbx_ami_drop_all (void)
{
  list_flush (&ami.conns);
  list_flush (&ami.delayed);
  tmr_cancel (&ami.delay_tmr);
}

void
pbx_ami_stop (void)
{
  pbx_ami_drop_all ();
  ami.sock = mem_deref (ami.sock);
  ami.tls_sock = mem_deref (ami.tls_sock);
  ami.tls = mem_deref (ami.tls);
}

uint16_t
pbx_ami_port (void)
{
  return ami.port;
}

uint16_t
pbx_ami_tls_port (void)
{
  return ami.tls_port;
}

unsigned
pbx_ami_conn_count (void)
{
  return list_count (&ami.conns);
}

bool
pbx_ami_fault (const char *what, const char *arg)
{
  bool on = !arg || !g_str_equal (arg, "off");

  if (g_str_equal (what, "ami-wrong-secret"))
    pbx->faults.ami_wrong_secret = on;
  else if (g_str_equal (what, "ami-silent"))
    pbx->faults.ami_silent = on;
  else if (g_str_equal (what, "ami-delay"))
    pbx->faults.ami_delay_ms = arg ? (unsigned)atoi (arg) : 1000;
  else if (g_str_equal (what, "ami-drop"))
    pbx_ami_drop_all ();
  else
    return false;
  return true;
}

/* A teammate without a phone (park-as) talked to the caller before parking
 * them: the caller's connected line names that teammate, as after a real
 * answer, and the park events say so (ParkeeConnectedLine*). */
void
pbx_ami_connected_to_user (struct pbx_leg *leg, const struct pbx_user *user)
{
  if (!leg->ami || !user)
    return;
  g_free (leg->ami->conn_num);
  g_free (leg->ami->conn_name);
  leg->ami->conn_num = g_strdup (user->ext);
  leg->ami->conn_name = g_strdup (user->display);
  after_answer (leg);
}
