/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pl-server-liveness"

#include "config.h"

#include "pl-server-liveness.h"

const PlLivenessPolicy pl_liveness_default_policy = {
  .keepalive_ms = 5000,
  .timeout_ms = 3000,
  .retry_ms = 2000,
  .resume_spread_ms = 2000,
};

void
pl_liveness_init (PlLiveness *self)
{
  g_return_if_fail (self != NULL);

  self->state = PL_SERVER_STATE_UNKNOWN;
  self->resume_pending = FALSE;
}

/* The jitter only ever shortens a gap, so the policy's figures stay upper
 * bounds: keepalive + timeout is the longest a silent server goes unseen. */
static guint
shortened (guint ms, double keep, double random)
{
  return (guint)(ms * (keep + (1.0 - keep) * random));
}

PlLivenessStep
pl_liveness_step (PlLiveness *self, const PlLivenessPolicy *policy, PlLivenessInput input,
                  double random)
{
  PlLivenessStep step = { 0 };
  gboolean silent = self->state == PL_SERVER_STATE_NOT_ANSWERING;

  g_return_val_if_fail (self != NULL && policy != NULL, step);
  random = CLAMP (random, 0.0, 1.0);

  switch (input)
    {
      case PL_LIVENESS_ANSWERED:
        step.actions |= PL_LIVENESS_DO_PROBE;
        step.probe_in_ms = shortened (policy->keepalive_ms, 0.8, random);
        step.probe_wait_ms = policy->timeout_ms;
        if (self->state == PL_SERVER_STATE_UNKNOWN)
          {
            /* The subscriptions started with us: nothing to resume. */
            self->state = PL_SERVER_STATE_ANSWERING;
            step.actions |= PL_LIVENESS_DO_REPORT;
          }
        else if (silent && !self->resume_pending)
          {
            self->resume_pending = TRUE;
            step.actions |= PL_LIVENESS_DO_ARM_RESUME;
            step.resume_in_ms = (guint)(policy->resume_spread_ms * random);
          }
        break;

      case PL_LIVENESS_NO_ANSWER:
      case PL_LIVENESS_CONNECTION_LOST:
        /* From now on a keepalive every retry_ms, each waiting no longer
         * than that, so a server that is back is seen within retry_ms. A
         * closed connection is asked about at once, over a new one (which
         * a killed PBX refuses at once). */
        step.actions |= PL_LIVENESS_DO_PROBE;
        step.probe_wait_ms = shortened (policy->retry_ms, 0.75, random);
        step.probe_in_ms = input == PL_LIVENESS_CONNECTION_LOST ? 0 : step.probe_wait_ms;
        if (!silent)
          {
            /* A closed connection is treated like silence: whatever the
             * server knew about us may have gone with it (a restart). */
            self->state = PL_SERVER_STATE_NOT_ANSWERING;
            step.actions |= PL_LIVENESS_DO_REPORT | PL_LIVENESS_DO_SUSPEND;
          }
        else if (self->resume_pending)
          {
            self->resume_pending = FALSE;
            step.actions |= PL_LIVENESS_DO_CANCEL_RESUME;
          }
        break;

      case PL_LIVENESS_RESUME_DUE:
        if (silent && self->resume_pending)
          {
            self->resume_pending = FALSE;
            self->state = PL_SERVER_STATE_ANSWERING;
            step.actions |= PL_LIVENESS_DO_RESUME | PL_LIVENESS_DO_REPORT;
          }
        break;

      default:
        g_return_val_if_reached (step);
    }
  return step;
}

guint
pl_liveness_backoff_ms (guint failures, guint min_ms, guint max_ms, double random)
{
  guint64 ms = MAX (min_ms, 1);

  for (guint i = 1; i < failures && ms < max_ms; i++)
    ms *= 2;
  ms = MIN (ms, (guint64)MAX (max_ms, min_ms));
  random = CLAMP (random, 0.0, 1.0);
  return (guint)(ms / 2 + (guint64)((ms - ms / 2) * random));
}
