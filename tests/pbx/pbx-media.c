/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Media of the test PBX (test and demo infrastructure): one RTP socket per
 * leg, packets relayed as they are to the bridged leg (every leg is offered
 * PCMU only, so payloads pass through), and music on hold from a WAV. */
#define G_LOG_DOMAIN "pbx-media"

#include <math.h>
#include "pbx.h"

#define MOH_RATE  8000
#define MOH_FRAME 160

uint8_t
pbx_ulaw_encode (int16_t pcm)
{
  const int bias = 0x84, clip = 32635;
  int sign = (pcm >> 8) & 0x80;
  int sample = pcm;
  int exponent = 7, mantissa;

  if (sign)
    sample = -sample;
  if (sample > clip)
    sample = clip;
  sample += bias;
  for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1)
    exponent--;
  mantissa = (sample >> (exponent + 3)) & 0x0f;
  return (uint8_t) ~(sign | (exponent << 4) | mantissa);
}

/* Reads an 8 kHz mono 16-bit PCM WAV; anything else falls back to the
 * generated tune. */
static gboolean
moh_read_wav (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0, pos = 12;

  if (!path || !g_file_get_contents (path, &data, &len, NULL) || len < 44
      || memcmp (data, "RIFF", 4) || memcmp (data + 8, "WAVE", 4))
    return FALSE;
  while (pos + 8 <= len)
    {
      guint32 size = GUINT32_FROM_LE (*(guint32 *)(data + pos + 4));
      if (!memcmp (data + pos, "fmt ", 4) && size >= 16)
        {
          guint16 fmt = GUINT16_FROM_LE (*(guint16 *)(data + pos + 8));
          guint16 ch = GUINT16_FROM_LE (*(guint16 *)(data + pos + 10));
          guint32 rate = GUINT32_FROM_LE (*(guint32 *)(data + pos + 12));
          guint16 bits = GUINT16_FROM_LE (*(guint16 *)(data + pos + 22));
          if (fmt != 1 || ch != 1 || rate != MOH_RATE || bits != 16)
            return FALSE;
        }
      else if (!memcmp (data + pos, "data", 4))
        {
          gsize n = MIN (size, len - pos - 8) / 2;
          if (n < MOH_FRAME)
            return FALSE;
          pbx->moh = g_new (int16_t, n);
          for (gsize i = 0; i < n; i++)
            pbx->moh[i] = (int16_t)GINT16_FROM_LE (*(gint16 *)(data + pos + 8 + 2 * i));
          pbx->moh_len = n;
          return TRUE;
        }
      pos += 8 + size + (size & 1);
    }
  return FALSE;
}

void
pbx_moh_load (const char *path)
{
  /* A gentle four-note loop, so a parked caller clearly hears "music". */
  static const double notes[] = { 440.0, 554.37, 659.25, 554.37 };
  const gsize per_note = MOH_RATE / 2;

  if (moh_read_wav (path))
    return;
  pbx->moh_len = per_note * G_N_ELEMENTS (notes);
  pbx->moh = g_new (int16_t, pbx->moh_len);
  for (gsize i = 0; i < pbx->moh_len; i++)
    {
      double f = notes[i / per_note];
      double env = sin (G_PI * (double)(i % per_note) / (double)per_note);
      pbx->moh[i] = (int16_t)(6000.0 * env * sin (2.0 * G_PI * f * (double)i / MOH_RATE));
    }
}

static void
rtp_recv (const struct sa *src, struct mbuf *mb, void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *peer = leg->peer;

  /* a frozen PBX relays nothing (pbx-freeze.c) */
  if (pbx->faults.frozen)
    return;
  /* Symmetric RTP, like Asterisk's rtp_symmetric=yes. */
  if (!leg->have_remote || !sa_cmp (src, &leg->rtp_remote, SA_ALL))
    {
      leg->rtp_remote = *src;
      leg->have_remote = true;
    }
  if (peer && peer->rtp && peer->have_remote && peer->role == ROLE_NORMAL)
    (void)udp_send (peer->rtp, &peer->rtp_remote, mb);
}

int
pbx_media_alloc (struct pbx_leg *leg)
{
  struct sa laddr, local;
  int err;

  sa_set_str (&laddr, PBX_HOST, 0);
  err = udp_listen (&leg->rtp, &laddr, rtp_recv, leg);
  if (err)
    return err;
  udp_local_get (leg->rtp, &local);
  leg->rtp_port = sa_port (&local);
  leg->ssrc = g_random_int ();
  leg->seq = (uint16_t)g_random_int ();
  return 0;
}

void
pbx_media_close (struct pbx_leg *leg)
{
  pbx_moh_stop (leg);
  leg->rtp = mem_deref (leg->rtp);
}

struct mbuf *
pbx_sdp_offer (struct pbx_leg *leg)
{
  struct mbuf *mb = mbuf_alloc (512);
  mbuf_printf (mb,
               "v=0\r\n"
               "o=- %u %u IN IP4 %s\r\n"
               "s=parkline-test-pbx\r\n"
               "c=IN IP4 %s\r\n"
               "t=0 0\r\n"
               "m=audio %u RTP/AVP 0 101\r\n"
               "a=rtpmap:0 PCMU/8000\r\n"
               "a=rtpmap:101 telephone-event/8000\r\n"
               "a=fmtp:101 0-16\r\n"
               "a=ptime:20\r\n"
               "a=maxptime:140\r\n"
               "a=sendrecv\r\n",
               leg->ssrc, leg->id, PBX_HOST, PBX_HOST, leg->rtp_port);
  mb->pos = 0;
  return mb;
}

bool
pbx_sdp_parse_remote (struct pbx_leg *leg, struct mbuf *mb)
{
  g_autofree char *sdp = NULL;
  g_auto (GStrv) lines = NULL;
  char addr[64] = "";
  unsigned port = 0;

  if (!mb || !mbuf_get_left (mb))
    return false;
  sdp = g_strndup ((const char *)mbuf_buf (mb), mbuf_get_left (mb));
  lines = g_strsplit (sdp, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (g_str_has_prefix (lines[i], "c=IN IP4 "))
        g_strlcpy (addr, lines[i] + 9, sizeof addr);
      else if (g_str_has_prefix (lines[i], "m=audio "))
        port = (unsigned)atoi (lines[i] + 8);
    }
  if (!*addr || !port)
    return false;
  if (sa_set_str (&leg->rtp_remote, addr, (uint16_t)port))
    return false;
  leg->have_remote = true;
  return true;
}

static void
moh_tick (void *arg)
{
  struct pbx_leg *leg = arg;
  struct pbx_leg *to = leg;
  uint8_t pkt[12 + MOH_FRAME];
  struct mbuf mb;

  tmr_start (&leg->moh_tmr, 20, moh_tick, leg);
  /* an originated call has no phone: its music goes to its partner */
  if (leg->virt)
    to = leg->peer;
  if (!to || !to->rtp || !to->have_remote || pbx->faults.frozen)
    return;
  pkt[0] = 0x80;
  pkt[1] = 0; /* PCMU */
  pkt[2] = (uint8_t)(leg->seq >> 8);
  pkt[3] = (uint8_t)leg->seq;
  pkt[4] = (uint8_t)(leg->ts >> 24);
  pkt[5] = (uint8_t)(leg->ts >> 16);
  pkt[6] = (uint8_t)(leg->ts >> 8);
  pkt[7] = (uint8_t)leg->ts;
  pkt[8] = (uint8_t)(leg->ssrc >> 24);
  pkt[9] = (uint8_t)(leg->ssrc >> 16);
  pkt[10] = (uint8_t)(leg->ssrc >> 8);
  pkt[11] = (uint8_t)leg->ssrc;
  for (int i = 0; i < MOH_FRAME; i++)
    {
      pkt[12 + i] = pbx_ulaw_encode (pbx->moh[leg->moh_pos]);
      leg->moh_pos = (leg->moh_pos + 1) % pbx->moh_len;
    }
  leg->seq++;
  leg->ts += MOH_FRAME;
  mbuf_init (&mb);
  mb.buf = pkt;
  mb.size = mb.end = sizeof pkt;
  mb.pos = 0;
  (void)udp_send (to->rtp, &to->rtp_remote, &mb);
}

void
pbx_moh_start (struct pbx_leg *leg)
{
  if (!tmr_isrunning (&leg->moh_tmr))
    tmr_start (&leg->moh_tmr, 20, moh_tick, leg);
}

void
pbx_moh_stop (struct pbx_leg *leg)
{
  tmr_cancel (&leg->moh_tmr);
}
