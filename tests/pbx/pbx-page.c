/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Paging groups of the test PBX (test and demo infrastructure).
 *
 * Asterisk's Page() and FreePBX paging groups answer the pager at once and
 * carry its voice one way to the members' speakers; nothing comes back. The
 * test PBX does the same without the speakers: it answers, sends no media,
 * and records who paged which group, for how long, and whether sound
 * arrived (RTP packets and the loudest PCMU sample), for tests to query on
 * the control port. */
#define G_LOG_DOMAIN "pbx-page"

#include <inttypes.h>
#include <stdlib.h>
#include "pbx.h"

static int16_t
ulaw_decode (uint8_t u)
{
  int t;

  u = (uint8_t)~u;
  t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (int16_t)((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

static void
page_group_free (gpointer data)
{
  struct pbx_page_group *g = data;

  g_free (g->name);
  g_free (g->ext);
  g_strfreev (g->members);
  g_free (g);
}

static void
page_record_free (gpointer data)
{
  struct pbx_page_record *r = data;

  g_free (r->from);
  g_free (r);
}

gboolean
pbx_page_config_load (GKeyFile *kf, struct pbx_config *cfg, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  cfg->pages = g_ptr_array_new_with_free_func (page_group_free);
  for (guint i = 0; groups[i]; i++)
    {
      struct pbx_page_group *g;

      if (!g_str_has_prefix (groups[i], "page "))
        continue;
      g = g_new0 (struct pbx_page_group, 1);
      g->name = g_strstrip (g_strdup (groups[i] + 5));
      g->ext = g_key_file_get_string (kf, groups[i], "ext", NULL);
      g->members = g_key_file_get_string_list (kf, groups[i], "members", NULL, NULL);
      g_ptr_array_add (cfg->pages, g);
      if (!g->ext || !*g->ext)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "[%s] needs an ext",
                       groups[i]);
          return FALSE;
        }
    }
  return TRUE;
}

void
pbx_page_config_clear (struct pbx_config *cfg)
{
  g_clear_pointer (&cfg->pages, g_ptr_array_unref);
}

struct pbx_page_group *
pbx_page_group_by_ext (const char *ext)
{
  for (guint i = 0; ext && pbx->cfg.pages && i < pbx->cfg.pages->len; i++)
    {
      struct pbx_page_group *g = g_ptr_array_index (pbx->cfg.pages, i);
      if (g_str_equal (g->ext, ext))
        return g;
    }
  return NULL;
}

struct pbx_page_record *
pbx_page_begin (struct pbx_page_group *group, struct pbx_user *from)
{
  struct pbx_page_record *r = g_new0 (struct pbx_page_record, 1);

  if (!pbx->page_log)
    pbx->page_log = g_ptr_array_new_with_free_func (page_record_free);
  r->group = group;
  r->from = g_strdup (from ? from->name : "-");
  r->started = tmr_jiffies ();
  g_ptr_array_add (pbx->page_log, r);
  return r;
}

void
pbx_page_end (struct pbx_page_record *record)
{
  if (record && !record->ended)
    record->ended = tmr_jiffies ();
}

/* The pager's audio: counted and measured, then dropped (nobody to mix
 * it with). PCMU only, as every leg is offered nothing else. */
void
pbx_page_rtp (struct pbx_page_record *record, struct mbuf *mb)
{
  size_t len = mbuf_get_left (mb);
  const uint8_t *p = mbuf_buf (mb);
  size_t header;

  if (!record || record->ended || len < 12)
    return;
  header = 12 + 4 * (size_t)(p[0] & 0x0f);
  if ((p[1] & 0x7f) != 0 || len <= header)
    return;
  record->packets++;
  for (size_t i = header; i < len; i++)
    {
      int v = abs (ulaw_decode (p[i]));
      if (v > record->peak)
        record->peak = v;
    }
}

void
pbx_page_clear (void)
{
  for (guint i = 0; pbx->page_log && i < pbx->page_log->len; i++)
    pbx_page_end (g_ptr_array_index (pbx->page_log, i));
}

/* `pages`: "OK N" and one entry per page, oldest first:
 * GROUP:EXT:FROM:MS:live|done:PACKETS:PEAK:MEMBERS (members joined by +). */
char *
pbx_page_report (void)
{
  GString *s = g_string_new (NULL);
  guint n = pbx->page_log ? pbx->page_log->len : 0;
  uint64_t now = tmr_jiffies ();

  g_string_printf (s, "OK %u", n);
  for (guint i = 0; i < n; i++)
    {
      struct pbx_page_record *r = g_ptr_array_index (pbx->page_log, i);
      g_autofree char *members
          = r->group->members ? g_strjoinv ("+", r->group->members) : g_strdup ("-");
      uint64_t end = r->ended ? r->ended : now;

      g_string_append_printf (s, " %s:%s:%s:%" PRIu64 ":%s:%u:%d:%s", r->group->name, r->group->ext,
                              r->from, end - r->started, r->ended ? "done" : "live", r->packets,
                              r->peak, *members ? members : "-");
    }
  return g_string_free (s, FALSE);
}
