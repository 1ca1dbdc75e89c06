/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-ami"

#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbx-test-ami.h"
#include "pbx-test-lib.h"
#include "pl-ami-events.h"
#include "pl-ami-feed.h"
#include "pl-ami-message.h"
#include "pl-park-lot.h"
#include "pl-test-util.h"

/* The manager feed, measured. Prints a table:
 *
 *   1. AMI messages parsed per second on one core: the three Asterisk 22
 *      captures (CRLF, as on the wire) fed to the parser in 4 KiB reads,
 *      alone and with the mapping to park events (directory and all).
 *   2. Event → slot updated: the real PlAmiFeed against the test PBX
 *      (timestampevents on), real baresip callers parking themselves on
 *      701 in turn; from the PBX's Timestamp of each ParkedCall to the
 *      slot's caller-name notification in the lot. Median, p95, max.
 *
 *   bench-ami [PARKS] [SECONDS]   (also: meson test --benchmark ami) */

static const char *const captures[] = {
  "full-user_park-700_then_bob-retrieves-701.txt",
  "full-user_park-timeout_ringback.txt",
  "readonly-user_park-700_then_caller-hangs-up.txt",
};

/* One core, so "per second" means per second of one CPU. */
static void
pin_to_one_core (void)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  CPU_SET (sched_getcpu () >= 0 ? sched_getcpu () : 0, &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    g_printerr ("could not pin to one core; numbers are for a free-running thread\n");
}

static GString *
load_captures (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  GString *stream = g_string_new (NULL);

  g_assert_nonnull (srcdir);
  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    {
      g_autofree char *path = g_build_filename (srcdir, "feed", "fixtures", captures[i], NULL);
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;
      g_autofree char *crlf = NULL;
      const char *after_banner;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        g_error ("cannot read %s", path);
      lines = g_strsplit (text, "\n", -1);
      crlf = g_strjoinv ("\r\n", lines);
      /* one stream: the banner only once, at its start */
      after_banner = i == 0 ? crlf : strstr (crlf, "\r\n") + 2;
      g_string_append (stream, after_banner);
    }
  return stream;
}

typedef struct
{
  guint64 messages;
  guint64 events;
  guint64 bytes;
  double seconds;
} Throughput;

static Throughput
parse_for (const GString *stream, double seconds, gboolean map)
{
  Throughput t = { 0 };
  g_autoptr (GTimer) timer = g_timer_new ();
  g_autoptr (PlAmiDirectory) directory = pl_ami_directory_new ();

  while (g_timer_elapsed (timer, NULL) < seconds)
    {
      g_autoptr (GPtrArray) messages
          = g_ptr_array_new_with_free_func ((GDestroyNotify)pl_ami_message_free);
      PlAmiParser parser;

      pl_ami_parser_init (&parser, TRUE);
      for (gsize at = 0; at < stream->len; at += 4096)
        {
          pl_ami_parser_feed (&parser, stream->str + at, MIN (4096, stream->len - at), messages);
          for (guint i = 0; map && i < messages->len; i++)
            {
              PlAmiMessage *m = g_ptr_array_index (messages, i);
              g_autoptr (PlParkFeedEvent) event = NULL;

              pl_ami_directory_learn (directory, m);
              event = pl_ami_park_event (m, directory, "initial");
              t.events += event != NULL;
            }
          t.messages += messages->len;
          g_ptr_array_set_size (messages, 0);
        }
      t.messages += messages->len;
      t.bytes += stream->len;
      pl_ami_parser_clear (&parser);
    }
  t.seconds = g_timer_elapsed (timer, NULL);
  return t;
}

/* ---- event → slot ------------------------------------------------------- */

typedef struct
{
  GArray *updated; /* gint64 real time of each caller-name change */
} Updates;

static void
on_caller_name (PlParkSlot *slot, GParamSpec *pspec, Updates *updates)
{
  gint64 now = g_get_real_time ();

  g_array_append_val (updates->updated, now);
}

static void
on_feed_event (PlParkFeed *feed, const PlParkFeedEvent *event, PlParkLot *lot)
{
  pl_park_lot_apply_feed (lot, event, "127.0.0.1", g_get_real_time ());
}

static gint64
timestamp_of (const char *block)
{
  const char *at = strstr (block, "\r\nTimestamp: ");
  double seconds;

  g_assert_nonnull (at);
  seconds = g_ascii_strtod (at + 13, NULL);
  return (gint64)(seconds * G_USEC_PER_SEC);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

static void
measure_latency (guint parks)
{
  static const char keys[] = "slots=701-701\nparkingtime=600\n"
                             "[manager]\ntimestampevents=yes\n"
                             "[manager desk]\nsecret=deskpw\nread=call\nwrite=\n";
  TestPbx *pbx = test_pbx_start (keys);
  TestPhone *callers[2];
  g_autoptr (PlParkLotConfig) config = pl_park_lot_config_new ("Main", PL_PARK_PROFILE_ASTERISK);
  g_autoptr (PlParkLot) lot = NULL;
  g_autoptr (PlAmiFeed) feed = NULL;
  g_autoptr (TestAmi) stamps = NULL;
  g_autoptr (GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *park = g_strdup_printf ("sip:700@127.0.0.1:%u", pbx->sip_port);
  PlPresence busy = { .busy = TRUE };
  Updates updates = { g_array_new (FALSE, FALSE, sizeof (gint64)) };
  guint seen = 0;

  callers[0] = test_phone_start (pbx, "caller1", NULL);
  callers[1] = test_phone_start (pbx, "caller2", NULL);
  g_assert_true (test_pbx_wait_registered (pbx, "caller1", 10000));
  g_assert_true (test_pbx_wait_registered (pbx, "caller2", 10000));

  /* The lot sees 701 busy all along (the NOTIFY side is not measured): each
   * ParkedCall then names a new caller on it. */
  config->first_slot = config->last_slot = 701;
  lot = pl_park_lot_new (config);
  pl_park_lot_set_feed_live (lot, TRUE, g_get_real_time ());
  pl_park_lot_apply_presence (lot, 701, &busy, g_get_real_time ());
  g_signal_connect (pl_park_lot_get_slot (lot, 701), "notify::caller-name",
                    G_CALLBACK (on_caller_name), &updates);
  feed = pl_ami_feed_new ("127.0.0.1", pbx->ami_port, "desk", "deskpw", FALSE);
  g_signal_connect (feed, "event", G_CALLBACK (on_feed_event), lot);
  pl_park_feed_start (PL_PARK_FEED (feed));
  g_assert_true (PL_TEST_WAIT (
      pl_park_feed_get_status (PL_PARK_FEED (feed)) == PL_PARK_FEED_STATUS_CONNECTED, 10000));
  /* a second session only reads the PBX's Timestamps */
  stamps = test_ami_connect (pbx->ami_port);
  g_assert_true (test_ami_login (stamps, "desk", "deskpw"));

  for (guint i = 0; i < parks; i++)
    {
      TestPhone *caller = callers[i % 2];
      int parked, gone;

      test_phone_cmd (caller, "dial", park);
      parked = test_ami_wait (stamps, "Event: ParkedCall\r\n", seen, 10000);
      g_assert_cmpint (parked, >=, 0);
      g_assert_true (PL_TEST_WAIT (updates.updated->len == i + 1, 10000));
      {
        gint64 latency = g_array_index (updates.updated, gint64, i)
                         - timestamp_of (g_ptr_array_index (stamps->blocks, parked));

        g_array_append_val (latencies, latency);
      }
      test_phone_cmd (caller, "hangup", NULL);
      gone = test_ami_wait (stamps, "Event: ParkedCallGiveUp\r\n", parked, 10000);
      g_assert_cmpint (gone, >, parked);
      seen = gone + 1;
    }
  g_array_sort (latencies, compare_gint64);
  printf ("| event → slot updated, median | %.2f ms | %u parks through the real client |\n",
          g_array_index (latencies, gint64, latencies->len / 2) / 1000.0, latencies->len);
  printf ("| event → slot updated, p95 | %.2f ms | |\n",
          g_array_index (latencies, gint64, latencies->len * 95 / 100) / 1000.0);
  printf ("| event → slot updated, max | %.2f ms | |\n",
          g_array_index (latencies, gint64, latencies->len - 1) / 1000.0);

  pl_park_feed_stop (PL_PARK_FEED (feed));
  pl_test_spin (50);
  test_phone_stop (callers[0]);
  test_phone_stop (callers[1]);
  test_pbx_stop (pbx);
  g_array_unref (updates.updated);
}

int
main (int argc, char *argv[])
{
  guint parks = argc > 1 ? (guint)atoi (argv[1]) : 100;
  double seconds = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 3.0;
  g_autoptr (GString) stream = NULL;
  Throughput alone, mapped;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  pin_to_one_core ();
  stream = load_captures ();
  /* warm up caches and the allocator first */
  parse_for (stream, 0.2, TRUE);
  alone = parse_for (stream, seconds, FALSE);
  mapped = parse_for (stream, seconds, TRUE);

  printf ("\n| AMI feed | value | notes |\n|---|---|---|\n");
  printf ("| messages parsed per second, one core | %.0f | %.1f MB/s, 4 KiB reads of the three "
          "captures (%zu bytes) |\n",
          alone.messages / alone.seconds, alone.bytes / alone.seconds / 1e6, stream->len);
  printf ("| … with park-event mapping and names | %.0f | %.1f park events/s |\n",
          mapped.messages / mapped.seconds, mapped.events / mapped.seconds);
  fflush (stdout);
  measure_latency (parks);
  return 0;
}
