/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-liveness"

#include <stdio.h>
#include <stdlib.h>

#include "pl-test-liveness.h"
#include "pl-test-util.h"

/* Liveness benchmark (issue 11): two desks with real baresip on the
 * loopback test PBX, which freezes and thaws, then is killed and restarted,
 * ROUNDS times each, over UDP and over TCP. Prints how long each desk took
 * to show the outage (server not answering, every slot stale) and to be
 * fresh again (answering, every slot known, registered here and at the
 * PBX), median and max. The bounds (10 s, 5 s) are the issue's; the tests
 * check them once per case (test-park-liveness.c).
 *
 * Then how the resume spread scatters a thousand desks after a restart,
 * simulated with the same decision code (bench-liveness --spread for
 * that table alone).
 *
 *   bench-liveness [ROUNDS]   (also: meson test --benchmark liveness) */

static const char lots[] = "[lot Main]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\n"
                           "last-slot=710\ntimeout=45\n";

typedef struct
{
  const char *transport;
  const char *outage;
  GArray *to_stale; /* double ms */
  GArray *to_fresh;
  guint free_reports;
  guint failures;
} Row;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  if (values->len == 0)
    return 0;
  if (values->len % 2)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1)
          + g_array_index (values, double, values->len / 2))
         / 2;
}

static double
maximum (GArray *values)
{
  double max = 0;

  for (guint i = 0; i < values->len; i++)
    max = MAX (max, g_array_index (values, double, i));
  return max;
}

/* A thousand desks that lost the PBX long ago, run through the real
 * decision code (pl_liveness_step) with libre's UDP retransmissions (0.5
 * and 1.5 s after a send): when does each resubscribe and re-register
 * after the PBX answers again at t = 0? Returns the times in ms, sorted. */
static GArray *
simulate_resumes (const PlLivenessPolicy *policy, gboolean udp, GRand *rand)
{
  GArray *resumes = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint desk = 0; desk < 1000; desk++)
    {
      PlLiveness liveness = { PL_SERVER_STATE_NOT_ANSWERING, FALSE };
      /* some keepalive went out at a random moment of the outage */
      double sent = -g_rand_double_range (rand, 0, policy->retry_ms);
      double answered = -1;

      while (answered < 0)
        {
          PlLivenessStep step
              = pl_liveness_step (&liveness, policy, PL_LIVENESS_NO_ANSWER, g_rand_double (rand));
          const double tries[] = { 0, 500, 1500 };

          for (guint i = 0; i < (udp ? G_N_ELEMENTS (tries) : 1) && answered < 0; i++)
            if (tries[i] < step.probe_wait_ms && sent + tries[i] >= 0)
              answered = sent + tries[i];
          if (answered < 0)
            sent += MAX (step.probe_in_ms, step.probe_wait_ms);
        }
      {
        PlLivenessStep step
            = pl_liveness_step (&liveness, policy, PL_LIVENESS_ANSWERED, g_rand_double (rand));
        double resume = answered + step.resume_in_ms;

        g_array_append_val (resumes, resume);
      }
    }
  g_array_sort (resumes, compare_doubles);
  return resumes;
}

static void
print_spread (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  PlLivenessPolicy no_spread = pl_liveness_default_policy;

  no_spread.resume_spread_ms = 0;
  printf ("\n1,000 desks resubscribing after a PBX restart (decision code, simulated; ms)\n\n");
  printf (
      "| transport | spread | median | max  | 0-1 s | 1-2 s | 2-3 s | 3-4 s | busiest 100 ms |\n");
  printf (
      "|-----------|-------:|-------:|-----:|------:|------:|------:|------:|---------------:|\n");
  for (int tcp = 0; tcp < 2; tcp++)
    for (int spread = 1; spread >= 0; spread--)
      {
        g_autoptr (GArray) t
            = simulate_resumes (spread ? &pl_liveness_default_policy : &no_spread, !tcp, rand);
        guint seconds[4] = { 0 }, tenths[60] = { 0 }, busiest = 0;

        for (guint i = 0; i < t->len; i++)
          {
            double ms = g_array_index (t, double, i);

            seconds[MIN ((guint)(ms / 1000), 3)]++;
            tenths[MIN ((guint)(ms / 100), 59)]++;
          }
        for (guint i = 0; i < G_N_ELEMENTS (tenths); i++)
          busiest = MAX (busiest, tenths[i]);
        printf ("| %-9s | %6u | %6.0f | %4.0f | %5u | %5u | %5u | %5u | %14u |\n",
                tcp ? "TCP" : "UDP", spread ? pl_liveness_default_policy.resume_spread_ms : 0,
                median (t), maximum (t), seconds[0], seconds[1], seconds[2], seconds[3], busiest);
      }
}

static void
run (PlLivenessRig *rig, PlOutage outage, guint rounds, Row *row)
{
  for (guint i = 0; i < rounds; i++)
    {
      PlOutageTimes times = { 0 };
      /* generous limits: a slow round is measured, not cut off */
      gboolean stale = pl_liveness_rig_start_outage (rig, outage, 30000, &times);
      gboolean fresh = pl_liveness_rig_end_outage (rig, outage, 30000, TRUE, &times);

      g_printerr ("%s %s round %u: stale after %.0f ms, fresh after %.0f ms\n", row->transport,
                  row->outage, i + 1, times.to_stale_ms, times.to_fresh_ms);
      if (!stale || !fresh)
        row->failures++;
      g_array_append_val (row->to_stale, times.to_stale_ms);
      g_array_append_val (row->to_fresh, times.to_fresh_ms);
    }
  row->free_reports = rig->free_reports->len;
}

int
main (int argc, char *argv[])
{
  guint rounds = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 5;
  const struct
  {
    PlTransport transport;
    const char *name;
  } transports[] = { { PL_TRANSPORT_UDP, "UDP" }, { PL_TRANSPORT_TCP, "TCP" } };
  Row rows[4];
  guint n_rows = 0;
  int status = 0;

  if (argc > 1 && g_str_equal (argv[1], "--spread"))
    {
      print_spread ();
      return 0;
    }
  if (rounds == 0)
    {
      g_printerr ("usage: %s [ROUNDS | --spread]\n", argv[0]);
      return 2;
    }
  for (guint t = 0; t < G_N_ELEMENTS (transports); t++)
    {
      PlLivenessRig *rig = pl_liveness_rig_new (transports[t].transport, lots);

      for (PlOutage outage = PL_OUTAGE_FREEZE; outage <= PL_OUTAGE_KILL; outage++)
        {
          Row *row = &rows[n_rows++];

          row->transport = transports[t].name;
          row->outage = outage == PL_OUTAGE_FREEZE ? "freeze/thaw" : "kill/restart";
          row->to_stale = g_array_new (FALSE, FALSE, sizeof (double));
          row->to_fresh = g_array_new (FALSE, FALSE, sizeof (double));
          g_ptr_array_set_size (rig->free_reports, 0);
          run (rig, outage, rounds, row);
        }
      pl_liveness_rig_free (rig);
    }

  printf ("\nPBX outages, two desks, %u rounds each (ms; bounds: stale ≤ 10000, fresh ≤ 5000)\n\n",
          rounds);
  printf ("| transport | outage         | → stale median | → stale max | → fresh median | → fresh "
          "max | slots shown free | failed |\n");
  printf ("|-----------|----------------|---------------:|------------:|---------------:|------"
          "------:|-----------------:|-------:|\n");
  for (guint i = 0; i < n_rows; i++)
    {
      Row *row = &rows[i];

      printf ("| %-9s | %-14s | %14.0f | %11.0f | %14.0f | %12.0f | %16u | %6u |\n", row->transport,
              row->outage, median (row->to_stale), maximum (row->to_stale), median (row->to_fresh),
              maximum (row->to_fresh), row->free_reports, row->failures);
      if (row->free_reports > 0 || row->failures > 0)
        status = 1;
      g_array_unref (row->to_stale);
      g_array_unref (row->to_fresh);
    }
  print_spread ();
  return status;
}
