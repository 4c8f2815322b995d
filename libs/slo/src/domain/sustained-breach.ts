import { EVENT_BUCKET_SECONDS, EventBucket } from './event-buckets';

const EVENT_BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

/** `policy.breachIncident.window` values: each a whole number of 5-minute buckets. */
export const BREACH_WINDOWS = { '5m': 300, '30m': 1800, '1h': 3600, '2h': 7200, '6h': 21_600, '12h': 43_200, '1d': 86_400 } as const;
export type BreachWindow = keyof typeof BREACH_WINDOWS;
export const MIN_BREACH_AFTER_HOURS = 1;
export const MAX_BREACH_AFTER_HOURS = 720;

export function isBreachWindow(value: unknown): value is BreachWindow {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BREACH_WINDOWS, value);
}

export interface SustainedBreachInput {
  readonly objective: number;
  readonly window: BreachWindow;
  readonly afterHours: number;
  readonly now: Date;
}

export interface SustainedBreach {
  /** Start of the first missed stretch of the current run: the breach's identity. */
  readonly since: Date;
  /** End of the last complete stretch (now floored to the window). */
  readonly until: Date;
  readonly missedSeconds: number;
}

/**
 * A sustained miss of the objective (the "no team misses its SLA for over 48
 * hours" rule). Time is cut into window-long stretches aligned to the epoch
 * (hourly stretches start on the hour, daily ones at 00:00 UTC), so a stretch
 * and a breach keep their identity as time moves on. A stretch missed when it
 * had traffic and its error ratio (bad ÷ total over the stretch, event
 * weighted) exceeded the budget 1 - objective. The breach is the run of
 * missed stretches ending with the latest complete one; it counts once it
 * covers at least `afterHours`, i.e. every stretch of the last `afterHours`
 * hours missed. A stretch that met the objective, or had no traffic, ends the
 * run, so a later miss is a new breach (a later `since`).
 *
 * Returns null when there is no such breach. Buckets may come in any order;
 * missing buckets count as zero traffic.
 */
export function findSustainedBreach(buckets: Iterable<EventBucket>, input: SustainedBreachInput): SustainedBreach | null {
  const stretchMs = BREACH_WINDOWS[input.window] * 1000;
  const untilMs = Math.floor(input.now.getTime() / stretchMs) * stretchMs;
  const stretches = new Map<number, { bad: number; total: number }>();
  for (const bucket of buckets) {
    const startMs = bucket.start.getTime();
    if (startMs + EVENT_BUCKET_MS > untilMs) continue;
    const stretchStartMs = Math.floor(startMs / stretchMs) * stretchMs;
    const stretch = stretches.get(stretchStartMs) ?? { bad: 0, total: 0 };
    stretch.bad += bucket.bad;
    stretch.total += bucket.total;
    stretches.set(stretchStartMs, stretch);
  }
  const budget = 1 - input.objective;
  let sinceMs: number | null = null;
  for (let startMs = untilMs - stretchMs; ; startMs -= stretchMs) {
    const stretch = stretches.get(startMs);
    if (!stretch || stretch.total <= 0 || stretch.bad / stretch.total <= budget) break;
    sinceMs = startMs;
  }
  if (sinceMs === null || untilMs - sinceMs < input.afterHours * 3_600_000) return null;
  return { since: new Date(sinceMs), until: new Date(untilMs), missedSeconds: (untilMs - sinceMs) / 1000 };
}

/** "2 days 3 hours", "50 hours" style, for the incident's text. */
export function formatMissedDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const days = Math.floor(hours / 24);
  const parts = days > 0 ? [`${days}d`, `${hours % 24}h`] : [`${hours}h`];
  if (minutes > 0) parts.push(`${minutes}m`);
  return `${parts.join(' ')} (${hours} hours)`;
}
