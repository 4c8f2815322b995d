import { type ComponentStatus, worstComponentStatus } from '@app/incidents/core';

/** One recorded stretch of a component's derived status; `to: null` = still current. */
export interface StatusInterval {
  readonly status: ComponentStatus;
  readonly from: Date;
  readonly to: Date | null;
}

/**
 * How much of a stretch counts as downtime (Statuspage's weighting): a major
 * outage fully, a partial outage 30%, degraded performance and announced
 * maintenance not at all.
 */
export const DOWNTIME_WEIGHT: Readonly<Record<ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

export interface UptimeDay {
  /** UTC calendar day, `YYYY-MM-DD`. */
  readonly date: string;
  /** Seconds of the day the component existed (and that have passed). 0 = no data. */
  readonly observedSeconds: number;
  /** 1 - weighted downtime / observed; null when nothing was observed. */
  readonly uptime: number | null;
  /** The worst status seen that day; null when nothing was observed. */
  readonly worstStatus: ComponentStatus | null;
  /** Seconds spent in each non-operational status that day. */
  readonly secondsByStatus: Readonly<Partial<Record<ComponentStatus, number>>>;
}

export interface DailyUptimeInput {
  readonly intervals: readonly StatusInterval[];
  /** The component's creation: before it there is no data (not "100%"). */
  readonly trackedSince: Date;
  readonly now: Date;
  /** Number of days ending with today (UTC), oldest first. */
  readonly days: number;
}

const DAY_MS = 86_400_000;

function utcDayStart(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

/**
 * Uptime per UTC day for the last `days` days (oldest first). Time covered by
 * no interval after `trackedSince` counts as operational: the recorder writes a
 * row only when the derived status changes. Overlapping intervals (which the
 * recorder never writes) would be counted by their worst status.
 */
export function dailyUptime(input: DailyUptimeInput): UptimeDay[] {
  if (!Number.isInteger(input.days) || input.days < 1) throw new RangeError('days must be a positive integer');
  const now = input.now.getTime();
  const tracked = input.trackedSince.getTime();
  const todayStart = utcDayStart(now);
  // By start: each day looks only at the intervals from the first one not yet ended to the last one started before the day ends.
  const spans = input.intervals
    .map((interval) => ({ status: interval.status, from: interval.from.getTime(), to: interval.to ? interval.to.getTime() : now }))
    .sort((a, b) => a.from - b.from);
  let first = 0;
  const result: UptimeDay[] = [];
  for (let offset = input.days - 1; offset >= 0; offset--) {
    const dayStart = todayStart - offset * DAY_MS;
    const windowStart = Math.max(dayStart, tracked);
    const windowEnd = Math.min(dayStart + DAY_MS, now);
    const date = new Date(dayStart).toISOString().slice(0, 10);
    if (windowEnd <= windowStart) {
      result.push({ date, observedSeconds: 0, uptime: null, worstStatus: null, secondsByStatus: {} });
      continue;
    }
    // Millisecond spans per status within the window, resolving overlaps by worst status.
    while (first < spans.length && spans[first].to <= windowStart) first++;
    const cuts = new Set<number>([windowStart, windowEnd]);
    const clipped: Array<{ status: ComponentStatus; from: number; to: number }> = [];
    for (let index = first; index < spans.length && spans[index].from < windowEnd; index++) {
      const from = Math.max(spans[index].from, windowStart);
      const to = Math.min(spans[index].to, windowEnd);
      if (to <= from) continue;
      clipped.push({ status: spans[index].status, from, to });
      cuts.add(from);
      cuts.add(to);
    }
    const observed = windowEnd - windowStart;
    if (clipped.length === 0 || (clipped.length === 1 && clipped[0].from === windowStart && clipped[0].to === windowEnd)) {
      // Most days: one status all day (the same figures as the general case below, without its bookkeeping).
      const status = clipped.length === 0 ? 'operational' : clipped[0].status;
      result.push({
        date,
        observedSeconds: Math.round(observed / 1000),
        uptime: 1 - (observed * DOWNTIME_WEIGHT[status]) / observed,
        worstStatus: status,
        secondsByStatus: status === 'operational' ? {} : { [status]: Math.round(observed / 1000) },
      });
      continue;
    }
    const points = [...cuts].sort((a, b) => a - b);
    const millisByStatus = new Map<ComponentStatus, number>();
    for (let index = 0; index + 1 < points.length; index++) {
      const from = points[index];
      const to = points[index + 1];
      const covering = clipped.filter((span) => span.from <= from && span.to >= to).map((span) => span.status);
      const status = covering.length > 0 ? worstComponentStatus(covering) : 'operational';
      millisByStatus.set(status, (millisByStatus.get(status) ?? 0) + (to - from));
    }
    let downtime = 0;
    const secondsByStatus: Partial<Record<ComponentStatus, number>> = {};
    for (const [status, millis] of millisByStatus) {
      downtime += millis * DOWNTIME_WEIGHT[status];
      if (status !== 'operational' && millis > 0) secondsByStatus[status] = Math.round(millis / 1000);
    }
    result.push({
      date,
      observedSeconds: Math.round(observed / 1000),
      uptime: 1 - downtime / observed,
      worstStatus: worstComponentStatus([...millisByStatus.keys()]),
      secondsByStatus,
    });
  }
  return result;
}

/** Uptime over several days, weighted by observed time; null when nothing was observed. */
export function overallUptime(days: readonly UptimeDay[]): number | null {
  let observed = 0;
  let up = 0;
  for (const day of days) {
    if (day.uptime === null) continue;
    observed += day.observedSeconds;
    up += day.uptime * day.observedSeconds;
  }
  return observed === 0 ? null : up / observed;
}

/**
 * Uptime as people read it: floored (never rounded up to 100%) to two decimals,
 * so a day with a 10-second outage shows 99.98%, not 100.00%.
 */
export function formatUptimePercent(uptime: number | null): string {
  if (uptime === null) return 'no data';
  if (uptime >= 1) return '100%';
  return `${(Math.floor(uptime * 10_000) / 100).toFixed(2)}%`;
}
