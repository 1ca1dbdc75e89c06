/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The liveness decisions, as tables: which input in which state leads to
 * which state and which actions, and what the jitter does to the delays. */
#include "pl-server-liveness.h"

#define U PL_SERVER_STATE_UNKNOWN
#define A PL_SERVER_STATE_ANSWERING
#define N PL_SERVER_STATE_NOT_ANSWERING

#define PROBE   PL_LIVENESS_DO_PROBE
#define SUSPEND PL_LIVENESS_DO_SUSPEND
#define ARM     PL_LIVENESS_DO_ARM_RESUME
#define CANCEL  PL_LIVENESS_DO_CANCEL_RESUME
#define RESUME  PL_LIVENESS_DO_RESUME
#define REPORT  PL_LIVENESS_DO_REPORT

typedef struct
{
  PlServerState state;
  gboolean resume_pending;
  PlLivenessInput input;
  double random;
  /* expected */
  PlServerState next_state;
  gboolean next_pending;
  guint actions;
  guint probe_in_ms; /* these two checked when PROBE is expected */
  guint probe_wait_ms;
  guint resume_in_ms; /* checked when ARM is expected */
} StepCase;

/* With the default policy: keepalive 5000, timeout 3000, retry 2000,
 * spread 2000. */
static const StepCase step_cases[] = {
  /* start-up: the first answer only reports; the subscriptions run already */
  { U, FALSE, PL_LIVENESS_ANSWERED, 0.0, A, FALSE, PROBE | REPORT, 4000, 3000, 0 },
  { U, FALSE, PL_LIVENESS_ANSWERED, 0.999999, A, FALSE, PROBE | REPORT, 4999, 3000, 0 },
  /* never answered: not answering, suspend, ask again 1.5-2 s after the
   * last keepalive went out (at once after a timeout, later after a
   * refused connection) */
  { U, FALSE, PL_LIVENESS_NO_ANSWER, 0.0, N, FALSE, PROBE | SUSPEND | REPORT, 1500, 1500, 0 },
  { U, FALSE, PL_LIVENESS_CONNECTION_LOST, 0.5, N, FALSE, PROBE | SUSPEND | REPORT, 0, 1750, 0 },
  { U, FALSE, PL_LIVENESS_RESUME_DUE, 0.5, U, FALSE, 0, 0, 0, 0 },

  /* answering: a keepalive every 4-5 s, each waits 3 s */
  { A, FALSE, PL_LIVENESS_ANSWERED, 0.5, A, FALSE, PROBE, 4500, 3000, 0 },
  /* one unanswered keepalive (after its retransmissions) is enough */
  { A, FALSE, PL_LIVENESS_NO_ANSWER, 1.0, N, FALSE, PROBE | SUSPEND | REPORT, 2000, 2000, 0 },
  /* a closed TCP connection: suspend and ask at once over a new one */
  { A, FALSE, PL_LIVENESS_CONNECTION_LOST, 0.3, N, FALSE, PROBE | SUSPEND | REPORT, 0, 1650, 0 },
  /* a late resume timer of an old outage does nothing */
  { A, FALSE, PL_LIVENESS_RESUME_DUE, 0.3, A, FALSE, 0, 0, 0, 0 },

  /* not answering: a keepalive every 1.5-2 s, each waiting as long */
  { N, FALSE, PL_LIVENESS_NO_ANSWER, 0.0, N, FALSE, PROBE, 1500, 1500, 0 },
  { N, FALSE, PL_LIVENESS_NO_ANSWER, 0.5, N, FALSE, PROBE, 1750, 1750, 0 },
  { N, FALSE, PL_LIVENESS_CONNECTION_LOST, 0.5, N, FALSE, PROBE, 0, 1750, 0 },
  /* it answers: wait for this desk's turn in the spread, still not shown */
  { N, FALSE, PL_LIVENESS_ANSWERED, 0.0, N, TRUE, PROBE | ARM, 4000, 3000, 0 },
  { N, FALSE, PL_LIVENESS_ANSWERED, 0.5, N, TRUE, PROBE | ARM, 4500, 3000, 1000 },
  { N, FALSE, PL_LIVENESS_ANSWERED, 0.999, N, TRUE, PROBE | ARM, 4999, 3000, 1998 },
  /* another answer while waiting does not move the turn */
  { N, TRUE, PL_LIVENESS_ANSWERED, 0.2, N, TRUE, PROBE, 4200, 3000, 0 },
  /* silent again before the turn: the turn is off */
  { N, TRUE, PL_LIVENESS_NO_ANSWER, 0.0, N, FALSE, PROBE | CANCEL, 1500, 1500, 0 },
  { N, TRUE, PL_LIVENESS_CONNECTION_LOST, 0.0, N, FALSE, PROBE | CANCEL, 0, 1500, 0 },
  /* the turn comes: resubscribe everything, show it answering */
  { N, TRUE, PL_LIVENESS_RESUME_DUE, 0.7, A, FALSE, RESUME | REPORT, 0, 0, 0 },
  /* a resume timer without a pending resume is stale */
  { N, FALSE, PL_LIVENESS_RESUME_DUE, 0.7, N, FALSE, 0, 0, 0, 0 },
};

static const char *const input_names[]
    = { "answered", "no-answer", "connection-lost", "resume-due" };

static void
test_step_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (step_cases); i++)
    {
      const StepCase *c = &step_cases[i];
      PlLiveness liveness = { c->state, c->resume_pending };
      PlLivenessStep step;

      g_test_message ("case %u: state %d pending %d, %s, random %.3f", i, c->state,
                      c->resume_pending, input_names[c->input], c->random);
      step = pl_liveness_step (&liveness, &pl_liveness_default_policy, c->input, c->random);
      g_assert_cmpint (liveness.state, ==, c->next_state);
      g_assert_cmpint (liveness.resume_pending, ==, c->next_pending);
      g_assert_cmphex (step.actions, ==, c->actions);
      if (c->actions & PROBE)
        {
          g_assert_cmpuint (step.probe_in_ms, ==, c->probe_in_ms);
          g_assert_cmpuint (step.probe_wait_ms, ==, c->probe_wait_ms);
        }
      if (c->actions & ARM)
        g_assert_cmpuint (step.resume_in_ms, ==, c->resume_in_ms);
    }
}

/* The figures the README promises follow from the policy: walk a whole
 * outage with the slowest possible jitter. */
static void
test_worst_case_bounds (void)
{
  const PlLivenessPolicy *policy = &pl_liveness_default_policy;
  PlLiveness liveness;
  PlLivenessStep step;
  guint waited;

  pl_liveness_init (&liveness);
  step = pl_liveness_step (&liveness, policy, PL_LIVENESS_ANSWERED, 0.99999);
  /* the server freezes right after this answer: the next keepalive goes
   * out at most keepalive_ms later and fails after timeout_ms */
  waited = step.probe_in_ms + step.probe_wait_ms;
  step = pl_liveness_step (&liveness, policy, PL_LIVENESS_NO_ANSWER, 0.99999);
  g_assert_true (step.actions & PL_LIVENESS_DO_REPORT);
  g_assert_cmpint (liveness.state, ==, PL_SERVER_STATE_NOT_ANSWERING);
  g_assert_cmpuint (waited, <=, 8000);

  /* it thaws just after a keepalive's last retransmission: that one
   * expires at most retry_ms after it was sent and the next goes out no
   * later, then this desk's turn comes within the spread */
  g_assert_cmpuint (step.probe_in_ms, <=, step.probe_wait_ms);
  waited = step.probe_wait_ms;
  step = pl_liveness_step (&liveness, policy, PL_LIVENESS_ANSWERED, 0.99999);
  g_assert_true (step.actions & PL_LIVENESS_DO_ARM_RESUME);
  waited += step.resume_in_ms;
  step = pl_liveness_step (&liveness, policy, PL_LIVENESS_RESUME_DUE, 0.5);
  g_assert_true (step.actions & PL_LIVENESS_DO_RESUME);
  g_assert_cmpint (liveness.state, ==, PL_SERVER_STATE_ANSWERING);
  /* leaves a second of the 5 s for REGISTER, SUBSCRIBE and NOTIFY */
  g_assert_cmpuint (waited, <=, 4000);
}

/* A thousand desks that saw the server come back in the same instant take
 * their turns spread over the whole window, not in one burst. */
static void
test_resume_spread (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  guint buckets[4] = { 0 };

  for (guint desk = 0; desk < 1000; desk++)
    {
      PlLiveness liveness = { PL_SERVER_STATE_NOT_ANSWERING, FALSE };
      PlLivenessStep step = pl_liveness_step (&liveness, &pl_liveness_default_policy,
                                              PL_LIVENESS_ANSWERED, g_rand_double (rand));

      g_assert_true (step.actions & PL_LIVENESS_DO_ARM_RESUME);
      g_assert_cmpuint (step.resume_in_ms, <, 2000);
      buckets[step.resume_in_ms / 500]++;
    }
  /* every half second of the window gets about a quarter */
  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    {
      g_test_message ("%u-%u ms: %u desks", i * 500, i * 500 + 499, buckets[i]);
      g_assert_cmpuint (buckets[i], >, 200);
      g_assert_cmpuint (buckets[i], <, 300);
    }
}

typedef struct
{
  guint failures, min_ms, max_ms;
  double random;
  guint expected;
} BackoffCase;

static const BackoffCase backoff_cases[] = {
  /* equal jitter: the lower half fixed, the upper half random */
  { 1, 1000, 300000, 0.0, 500 },
  { 1, 1000, 300000, 0.999, 999 },
  { 2, 1000, 300000, 0.0, 1000 },
  { 3, 1000, 300000, 0.5, 3000 },
  { 9, 1000, 300000, 0.0, 128000 },
  /* capped */
  { 10, 1000, 300000, 0.0, 150000 },
  { 40, 1000, 300000, 0.999, 299850 },
  /* odd inputs stay sane */
  { 0, 1000, 300000, 0.0, 500 },
  { 1, 0, 0, 0.0, 0 },
  { 5, 10, 10, 1.0, 10 },
};

static void
test_backoff_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (backoff_cases); i++)
    {
      const BackoffCase *c = &backoff_cases[i];

      g_test_message ("case %u: failures %u", i, c->failures);
      g_assert_cmpuint (pl_liveness_backoff_ms (c->failures, c->min_ms, c->max_ms, c->random), ==,
                        c->expected);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server-liveness/step-table", test_step_table);
  g_test_add_func ("/server-liveness/worst-case-bounds", test_worst_case_bounds);
  g_test_add_func ("/server-liveness/resume-spread", test_resume_spread);
  g_test_add_func ("/server-liveness/backoff-table", test_backoff_table);
  return g_test_run ();
}
