import type { ComponentStatus } from '@app/incidents/core';
import { formatUptimePercent, type PublicComponent } from '@app/status/core';
import { dayLabel, durationText, statusLabel } from './format';

// The uptime strip of a component (moved out of html-renderer.ts unchanged): its caption, its bars and what each bar says.

/**
 * "99.95% uptime over the last 90 days" only for a component that existed all
 * 90 days; a younger one says since when (the days before it are "no data",
 * not downtime, and not part of the figure).
 */
export function uptimeCaption(component: Pick<PublicComponent, 'uptime' | 'uptimeDays' | 'createdAt'>): string {
  const days = component.uptimeDays.length;
  const firstDay = component.uptimeDays[0]?.date;
  const created = component.createdAt.slice(0, 10);
  const younger = firstDay !== undefined && created > firstDay;
  if (component.uptime === null) return younger ? `no uptime data yet (listed since ${dayLabel(created)})` : `no uptime data yet for the last ${days} days`;
  return younger
    ? `${formatUptimePercent(component.uptime)} uptime since ${dayLabel(created)}, when it was listed`
    : `${formatUptimePercent(component.uptime)} uptime over the last ${days} days`;
}

/** Short class names: the strip repeats them 90 times per component. */
export const DAY_CLASS: Readonly<Record<ComponentStatus | 'none', string>> = {
  none: 'nd',
  operational: 'op',
  degraded_performance: 'dp',
  partial_outage: 'po',
  major_outage: 'mo',
  under_maintenance: 'um',
};

export type UptimeDayView = { date: string; uptime: number | null; worstStatus: ComponentStatus | null; downtime: Partial<Record<ComponentStatus, number>> };

/** A day with nothing to tell: no data yet, or a full day without any downtime. */
function uneventful(day: UptimeDayView): 'no_data' | 'clean' | null {
  if (day.uptime === null) return 'no_data';
  return day.uptime === 1 && Object.values(day.downtime).every((seconds) => !seconds) ? 'clean' : null;
}

/**
 * The strip's bars: every day with downtime on its own, and each stretch of
 * uneventful days (100% uptime, or no data) as one bar spanning them — one
 * tab stop and one sentence for "1 Sep 2026 to 19 Oct 2026: 100% uptime"
 * instead of 49, and a page an eighth the size. The bar keeps the width of
 * its days.
 */
export function uptimeRuns(days: readonly UptimeDayView[]): Array<{ days: UptimeDayView[]; kind: 'no_data' | 'clean' | null }> {
  const runs: Array<{ days: UptimeDayView[]; kind: 'no_data' | 'clean' | null }> = [];
  for (const day of days) {
    const kind = uneventful(day);
    const last = runs[runs.length - 1];
    if (kind && last && last.kind === kind) last.days.push(day);
    else runs.push({ days: [day], kind });
  }
  return runs;
}

export function uptimeRunText(run: { days: UptimeDayView[]; kind: 'no_data' | 'clean' | null }): string {
  if (run.days.length === 1) return uptimeDayText(run.days[0]);
  const span = `${dayLabel(run.days[0].date)} to ${dayLabel(run.days[run.days.length - 1].date)}`;
  return run.kind === 'no_data' ? `${span}: no data (${run.days.length} days)` : `${span}: 100% uptime (${run.days.length} days)`;
}

/** `24 Nov 2026: 95.83% uptime, major outage for 1 h` — what a screen reader or tooltip says for one bar. */
function uptimeDayText(day: UptimeDayView): string {
  const label = dayLabel(day.date);
  if (day.uptime === null) return `${label}: no data`;
  const problems = (['major_outage', 'partial_outage', 'degraded_performance', 'under_maintenance'] as const)
    .filter((status) => (day.downtime[status] ?? 0) > 0)
    .map((status) => `${statusLabel(status).toLowerCase()} for ${durationText(day.downtime[status] ?? 0)}`);
  return [`${label}: ${formatUptimePercent(day.uptime)} uptime`, ...problems].join(', ');
}
