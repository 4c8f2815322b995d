import type { DeliveryFigures } from '@app/incidents';
import { formatDuration } from '../common/format-duration';
import type { ChartMarker } from './charts/svg-chart';

export interface DeliveryPanelRow {
  measure: string;
  value: string;
  previous: string;
  /** direction and whether it is better, in words (never colour alone) */
  trend: string;
}

const percent = (value: number | null): string => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const perDay = (value: number): string => value.toFixed(2);
const durations = (summary: DeliveryFigures['leadTimeForChangesSeconds']): string => `${formatDuration(summary.median)} (p90 ${formatDuration(summary.p90)})`;

/** ↑/↓ with "better"/"worse": more deployments is better, every other figure is better lower. */
function trend(current: number | null, previous: number | null, higherIsBetter: boolean): string {
  if (current === null || previous === null) return '–';
  if (current === previous) return '→ same';
  const up = current > previous;
  return `${up ? '↑' : '↓'} ${up === higherIsBetter ? 'better' : 'worse'}`;
}

/** DORA's five for the team dashboard, each with the previous period and its trend. */
export function deliveryPanelRows(figures: (DeliveryFigures & { previous: DeliveryFigures }) | null): DeliveryPanelRow[] {
  if (figures === null) return [];
  const p = figures.previous;
  return [
    {
      measure: 'Deployments per day',
      value: `${perDay(figures.deploymentsPerDay)} (${figures.deployments})`,
      previous: `${perDay(p.deploymentsPerDay)} (${p.deployments})`,
      trend: trend(figures.deploymentsPerDay, p.deploymentsPerDay, true),
    },
    {
      measure: 'Change failure rate',
      value: percent(figures.changeFailureRate),
      previous: percent(p.changeFailureRate),
      trend: trend(figures.changeFailureRate, p.changeFailureRate, false),
    },
    {
      measure: 'Failed deployment recovery time (median)',
      value: durations(figures.failedDeploymentRecoveryTimeSeconds),
      previous: durations(p.failedDeploymentRecoveryTimeSeconds),
      trend: trend(figures.failedDeploymentRecoveryTimeSeconds.median, p.failedDeploymentRecoveryTimeSeconds.median, false),
    },
    {
      measure: 'Lead time for changes (median)',
      value: durations(figures.leadTimeForChangesSeconds),
      previous: durations(p.leadTimeForChangesSeconds),
      trend: trend(figures.leadTimeForChangesSeconds.median, p.leadTimeForChangesSeconds.median, false),
    },
    {
      measure: 'Deployment rework rate',
      value: percent(figures.deploymentReworkRate),
      previous: percent(p.deploymentReworkRate),
      trend: trend(figures.deploymentReworkRate, p.deploymentReworkRate, false),
    },
  ];
}

/** Deployments of one service as chart markers ("deploy v1.2 (failed)"). */
export function deploymentMarkers(
  deployments: ReadonlyArray<{ finishedAt: Date; version: string; status: string; service: string; url: string | null }>,
  service: string,
): ChartMarker[] {
  return deployments
    .filter((deployment) => deployment.service === service)
    .map((deployment) => ({
      at: deployment.finishedAt,
      label: `deploy ${deployment.version}${deployment.status === 'succeeded' ? '' : ` (${deployment.status.replace('_', ' ')})`}`,
      ...(deployment.url ? { href: deployment.url } : {}),
    }));
}
