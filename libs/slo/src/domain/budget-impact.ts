import { EVENT_BUCKET_SECONDS, EventBucket } from './event-buckets';

const EVENT_BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

export interface BudgetImpactInput {
  readonly objective: number;
  /** Length of the SLO's rolling window. */
  readonly windowSeconds: number;
  /** The incident's startedAt. */
  readonly startedAt: Date;
  /** The incident's resolvedAt, or now while it is open. */
  readonly endedAt: Date;
}

export interface BudgetImpact {
  /** Bad events in the buckets the incident touched. */
  readonly badEvents: number;
  /** Bad events the budget allows over the SLO window ending at the incident's end. */
  readonly allowedBadEvents: number;
  /** badEvents ÷ allowedBadEvents; null when the window saw no traffic (no budget to speak of). */
  readonly budgetConsumed: number | null;
}

/**
 * The share of an SLO's error budget an incident used, from the SLO's stored
 * 5-minute event buckets (a bucket holds the events of (start, start + 5m]).
 *
 * - The incident's bad events are those of every bucket that overlaps
 *   [startedAt, endedAt]: the incident period widened to the bucket grid, since
 *   events inside a bucket carry no finer time.
 * - The allowed bad events are (1 - objective) × the total events of the
 *   window-long stretch ending at endedAt rounded up to the grid, the same
 *   widening, so a resolved incident's figure does not change later.
 */
export function budgetImpact(buckets: Iterable<EventBucket>, input: BudgetImpactInput): BudgetImpact {
  const incidentFromMs = Math.floor(input.startedAt.getTime() / EVENT_BUCKET_MS) * EVENT_BUCKET_MS;
  const incidentToMs = Math.max(incidentFromMs + EVENT_BUCKET_MS, Math.ceil(input.endedAt.getTime() / EVENT_BUCKET_MS) * EVENT_BUCKET_MS);
  const windowFromMs = incidentToMs - input.windowSeconds * 1000;
  let badEvents = 0;
  let windowTotal = 0;
  for (const bucket of buckets) {
    const startMs = bucket.start.getTime();
    if (startMs >= incidentFromMs && startMs < incidentToMs) badEvents += bucket.bad;
    if (startMs >= windowFromMs && startMs < incidentToMs) windowTotal += bucket.total;
  }
  const allowedBadEvents = (1 - input.objective) * windowTotal;
  return { badEvents, allowedBadEvents, budgetConsumed: allowedBadEvents > 0 ? badEvents / allowedBadEvents : null };
}

/** The stored-bucket range budgetImpact reads: [from, to) of bucket starts. */
export function budgetImpactBucketRange(input: BudgetImpactInput): { readonly from: Date; readonly to: Date } {
  const incidentFromMs = Math.floor(input.startedAt.getTime() / EVENT_BUCKET_MS) * EVENT_BUCKET_MS;
  const incidentToMs = Math.max(incidentFromMs + EVENT_BUCKET_MS, Math.ceil(input.endedAt.getTime() / EVENT_BUCKET_MS) * EVENT_BUCKET_MS);
  return { from: new Date(Math.min(incidentFromMs, incidentToMs - input.windowSeconds * 1000)), to: new Date(incidentToMs) };
}
