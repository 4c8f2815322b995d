import { formatDuration } from '../common/format-duration';
import type { IncidentInsights } from '@app/incidents';

export const DIGEST_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type DigestDay = (typeof DIGEST_DAYS)[number];

const DAY_MS = 86_400_000;

/**
 * The most recent scheduled digest time at or before `now` (UTC), and the
 * 7-day period it reports on. Replicas agree on it, so it doubles as the
 * "sent once per team per week" key.
 */
export function latestDigestSlot(now: Date, day: DigestDay, hourUtc: number): { scheduledAt: Date; period: { from: Date; to: Date } } {
  const target = DIGEST_DAYS.indexOf(day);
  const candidate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  const back = (candidate.getUTCDay() - target + 7) % 7;
  let scheduledAt = new Date(candidate.getTime() - back * DAY_MS);
  if (scheduledAt.getTime() > now.getTime()) scheduledAt = new Date(scheduledAt.getTime() - 7 * DAY_MS);
  return { scheduledAt, period: { from: new Date(scheduledAt.getTime() - 7 * DAY_MS), to: scheduledAt } };
}

export function trendArrow(count: number, previousCount: number): string {
  if (count > previousCount) return '↑';
  if (count < previousCount) return '↓';
  return '→';
}

export interface DigestSlo {
  name: string;
  service: string;
  state: string;
  errorBudgetRemaining: number | null;
}

/** The numbers a team reviews in its weekly ops review, as plain text (the notifier escapes it). */
export function renderWeeklyDigest(team: string, insights: IncidentInsights, slosAtRisk: DigestSlo[]): string {
  const teamRow = insights.byTeam.find((row) => row.team === team);
  const types = insights.byTeamAndType.filter((row) => row.team === team);
  const lines = [`Weekly reliability digest for ${team} — ${insights.from.slice(0, 10)} to ${insights.to.slice(0, 10)} (UTC)`];
  lines.push(
    `Incidents: ${teamRow?.count ?? 0} ${trendArrow(teamRow?.count ?? 0, teamRow?.previousCount ?? 0)} (previous week ${teamRow?.previousCount ?? 0})`,
  );
  if (types.length > 0) {
    lines.push('By type:');
    for (const row of types) lines.push(`  • ${row.type}: ${row.count} ${trendArrow(row.count, row.previousCount)} (was ${row.previousCount})`);
  }
  lines.push(
    `MTTR: median ${formatDuration(teamRow?.mttrSeconds.median ?? null, 'n/a')}, p90 ${formatDuration(teamRow?.mttrSeconds.p90 ?? null, 'n/a')} · MTTA: median ${formatDuration(teamRow?.mttaSeconds.median ?? null, 'n/a')} (${teamRow?.selfDeclared ?? 0} self-declared)`,
  );
  if (slosAtRisk.length === 0) {
    lines.push('SLOs at risk: none.');
  } else {
    lines.push('SLOs at risk (least error budget first):');
    for (const slo of slosAtRisk) {
      const budget = slo.errorBudgetRemaining === null ? 'no data' : `${(slo.errorBudgetRemaining * 100).toFixed(1)}% budget left`;
      lines.push(`  • ${slo.name} (${slo.service}): ${budget}, ${slo.state}`);
    }
  }
  return lines.join('\n');
}
