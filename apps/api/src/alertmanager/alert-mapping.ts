import type { Severity } from '@app/incidents';

/** What a firing Alertmanager group becomes. */
export interface MappedAlertGroup {
  team: string | null;
  severity: Severity;
  services: string[];
  type: string;
  title: string;
  summary: string;
  dedupKey: string;
  detectedAt: Date;
}

export interface AlertGroupInput {
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; status: string }[];
}

/**
 * Documented mapping of the `severity` label. Prometheus conventions
 * (critical/warning/info), Ballast's own rule export (page/ticket) and
 * literal SEV1..SEV4 are understood; anything else gets the default.
 */
export const SEVERITY_BY_LABEL: Readonly<Record<string, Severity>> = {
  sev1: 'SEV1',
  sev2: 'SEV2',
  sev3: 'SEV3',
  sev4: 'SEV4',
  critical: 'SEV2',
  page: 'SEV2',
  error: 'SEV3',
  warning: 'SEV3',
  ticket: 'SEV3',
  info: 'SEV4',
};

function label(group: AlertGroupInput, name: string): string | undefined {
  return group.commonLabels[name] ?? group.groupLabels[name] ?? group.alerts.find((alert) => alert.labels[name])?.labels[name];
}

/** One open incident per team and groupKey: two teams' Alertmanagers may use the same groupKey. */
export function alertDedupKey(team: string, groupKey: string): string {
  return `alertmanager:${team}:${groupKey}`.slice(0, 500);
}

/** Pure mapping of an Alertmanager group to incident fields; `now` bounds the detection time. */
export function mapAlertGroup(group: AlertGroupInput, defaults: { team: string | null; severity: Severity }, now: Date): MappedAlertGroup {
  const alertname = label(group, 'alertname') ?? 'alert';
  const severityLabel = label(group, 'severity')?.toLowerCase();
  const services = [...new Set(group.alerts.map((alert) => alert.labels.service).filter((service): service is string => Boolean(service)))].sort();
  const summary = group.commonAnnotations.summary ?? group.alerts.find((alert) => alert.annotations.summary)?.annotations.summary;
  const description = group.commonAnnotations.description ?? '';
  const starts = group.alerts.map((alert) => Date.parse(alert.startsAt)).filter((time) => Number.isFinite(time) && time > 0);
  const earliest = starts.length > 0 ? Math.min(...starts) : now.getTime();
  const team = label(group, 'team') ?? defaults.team;
  return {
    team,
    severity: (severityLabel && SEVERITY_BY_LABEL[severityLabel]) || defaults.severity,
    services,
    type: label(group, 'incident_type') ?? 'other',
    title: (summary ? `${alertname}: ${summary}` : `${alertname} firing${services.length ? ` on ${services.join(', ')}` : ''}`).slice(0, 120),
    summary: [description, `Alertmanager group ${group.groupKey}`].filter(Boolean).join('\n\n').slice(0, 3000),
    dedupKey: alertDedupKey(team ?? '', group.groupKey),
    detectedAt: new Date(Math.min(earliest, now.getTime())),
  };
}
