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
  alerts: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; status: string; generatorURL?: string }[];
  /** Alertmanager's own URL (webhook v4 `externalURL`): the silence link points there */
  externalURL?: string;
}

const HTTP_URL = /^https?:\/\/[^\s<>|]+$/;

/**
 * What responders need first, from the group (issue 21, item 7): the alerts'
 * summary and description annotations, links to the graph (generatorURL), the
 * runbook (runbook_url) and a prefilled Alertmanager silence (externalURL),
 * and the group's labels. Plain text: Slack links bare URLs itself.
 */
export function alertContext(group: AlertGroupInput): string {
  const firstAnnotation = (name: string) => group.commonAnnotations[name] ?? group.alerts.find((alert) => alert.annotations[name])?.annotations[name];
  const lines: string[] = [];
  const summary = firstAnnotation('summary');
  const description = firstAnnotation('description');
  if (summary) lines.push(summary);
  if (description && description !== summary) lines.push(description);
  const links: string[] = [];
  const graph = group.alerts.find((alert) => alert.generatorURL && HTTP_URL.test(alert.generatorURL))?.generatorURL;
  if (graph) links.push(`Graph: ${graph}`);
  const runbook = firstAnnotation('runbook_url');
  if (runbook && HTTP_URL.test(runbook)) links.push(`Runbook: ${runbook}`);
  if (group.externalURL && HTTP_URL.test(group.externalURL)) {
    const matchers = Object.entries(group.commonLabels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}="${value.replace(/(["\\])/g, '\\$1')}"`)
      .join(',');
    links.push(`Silence: ${group.externalURL.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`);
  }
  if (links.length > 0) lines.push(links.join('\n'));
  const labels = Object.entries(group.commonLabels).sort(([a], [b]) => a.localeCompare(b));
  if (labels.length > 0) lines.push(`Labels: ${labels.map(([name, value]) => `${name}=${value}`).join(' · ')}`);
  return lines.join('\n\n');
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
  const starts = group.alerts.map((alert) => Date.parse(alert.startsAt)).filter((time) => Number.isFinite(time) && time > 0);
  const earliest = starts.length > 0 ? Math.min(...starts) : now.getTime();
  const team = label(group, 'team') ?? defaults.team;
  return {
    team,
    severity: (severityLabel && SEVERITY_BY_LABEL[severityLabel]) || defaults.severity,
    services,
    type: label(group, 'incident_type') ?? 'other',
    title: (summary ? `${alertname}: ${summary}` : `${alertname} firing${services.length ? ` on ${services.join(', ')}` : ''}`).slice(0, 120),
    summary: (alertContext(group) || `${alertname} firing`).slice(0, 3000),
    dedupKey: alertDedupKey(team ?? '', group.groupKey),
    detectedAt: new Date(Math.min(earliest, now.getTime())),
  };
}
