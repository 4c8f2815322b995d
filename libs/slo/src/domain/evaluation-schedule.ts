/**
 * Share of SLO_EVAL_INTERVAL_S by which a cycle may run ahead of an SLO's
 * `next_evaluation_at`. Interval timers measure on the event loop's cached
 * clock, so a tick can read the wall clock a few milliseconds (more under
 * load) less than one interval after the previous tick. Without this slack an
 * SLO due at exactly "previous evaluation + interval" is not due yet at that
 * tick and waits a whole extra cycle.
 */
export const EVALUATION_DUE_SLACK_SHARE = 0.05;

/** The latest `next_evaluation_at` a cycle that starts at `tickAt` evaluates. */
export function evaluationDueBy(tickAt: Date, intervalSeconds: number): Date {
  return new Date(tickAt.getTime() + intervalSeconds * 1000 * EVALUATION_DUE_SLACK_SHARE);
}
