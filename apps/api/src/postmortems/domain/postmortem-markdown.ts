import { formatShare, PostmortemBudgetImpact } from './postmortem-rules';

/** What the draft is built from: plain data, so the builder is a pure function. */
export interface PostmortemSource {
  readonly incident: {
    readonly reference: string;
    readonly title: string;
    readonly summary: string;
    readonly severity: string;
    readonly status: string;
    readonly type: string;
    readonly team: string;
    readonly visibility: string;
    readonly commander: string | null;
    readonly services: readonly string[];
    readonly affectedComponents: ReadonlyArray<{ readonly componentId: string; readonly name?: string; readonly status: string }>;
    readonly startedAt: Date;
    readonly detectedAt: Date;
    readonly acknowledgedAt: Date | null;
    readonly mitigatedAt: Date | null;
    readonly resolvedAt: Date | null;
  };
  readonly timeline: ReadonlyArray<{
    readonly kind: string;
    readonly occurredAt: Date;
    readonly author: string;
    readonly body: string;
    readonly public: boolean;
    readonly data: Readonly<Record<string, unknown>>;
  }>;
  readonly budgetImpact: readonly PostmortemBudgetImpact[];
  readonly requiredBecause: string | null;
  readonly followUps: ReadonlyArray<{
    readonly title: string;
    readonly priority: string;
    readonly owner: string | null;
    readonly dueDate: string | null;
    readonly status: string;
  }>;
  /** Time the draft is written (an open incident's durations run until then). */
  readonly now: Date;
}

const KIND_LABELS: Readonly<Record<string, string>> = {
  declared: 'Declared',
  status_changed: 'Status changed',
  severity_changed: 'Severity changed',
  visibility_changed: 'Visibility changed',
  role_changed: 'Role changed',
  public_update: 'Public update',
  internal_note: 'Internal note',
  components_changed: 'Components changed',
  started_at_changed: 'Start time changed',
  times_changed: 'Times corrected',
  slack_pin: 'Pinned in Slack',
  slack_reaction: 'Pinned with a reaction',
  alert_fired: 'Alert fired',
  alert_resolved: 'Alert resolved',
  slo_burn_started: 'SLO burn started',
  slo_burn_stopped: 'SLO burn stopped',
  budget_exhausted: 'Error budget exhausted',
  reminder_sent: 'Reminder sent',
};

/** "1h 05m", "3d 2h", "45s". */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

function time(at: Date | null): string {
  return at ? at.toISOString().replace('.000Z', 'Z') : '—';
}

/** One line of text: Markdown control at line starts and table pipes neutralised, newlines folded. */
function inline(text: string): string {
  return text
    .replace(/\r?\n+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function describeEntry(entry: PostmortemSource['timeline'][number]): string {
  const data = entry.data;
  const text = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value));
  switch (entry.kind) {
    case 'status_changed':
      return `${text(data.from)} → ${text(data.to)}${data.reopened ? ' (reopened)' : ''}`;
    case 'severity_changed':
    case 'visibility_changed':
      return `${text(data.from)} → ${text(data.to)}`;
    case 'role_changed': {
      const person = (value: unknown) =>
        value && typeof value === 'object' ? text((value as Record<string, unknown>).slackUserId ?? (value as Record<string, unknown>).name) : 'nobody';
      return `${text(data.role)}: ${person(data.from)} → ${person(data.to)}`;
    }
    case 'components_changed':
      return Array.isArray(data.changes)
        ? data.changes.map((change) => `${text(change.componentId)} ${text(change.from ?? 'none')} → ${text(change.to)}`).join(', ')
        : '';
    case 'slack_pin':
    case 'slack_reaction':
      return `${text(data.text)}${data.permalink ? ` ([message](${text(data.permalink)}))` : ''}`;
    case 'alert_fired':
    case 'alert_resolved':
      return `${text(data.alertname)}${data.summary ? `: ${text(data.summary)}` : ''}`;
    case 'slo_burn_started':
    case 'slo_burn_stopped':
      return `${text(data.sloName)} (${text(data.tier)} tier${typeof data.burnRate === 'number' ? `, ${data.burnRate.toFixed(1)}x` : ''})`;
    case 'declared':
      return `${text(data.title)} (${text(data.severity)}, ${text(data.visibility)})`;
    case 'times_changed':
      return Array.isArray(data.changes)
        ? data.changes.map((change) => `${text(change.field)} ${text(change.from ?? 'unset')} → ${text(change.to ?? 'unset')}`).join(', ')
        : '';
    default:
      return '';
  }
}

/**
 * The first draft of a postmortem, from the incident alone: summary, impact
 * (durations, budget), services and components, the key times, every
 * timeline entry in order (public updates, notes, pins, status changes, ...),
 * and the skeleton the team fills in.
 */
export function buildPostmortemMarkdown(source: PostmortemSource): string {
  const { incident } = source;
  const end = incident.resolvedAt ?? source.now;
  const lines: string[] = [];
  lines.push(`# Postmortem: ${incident.reference} ${inline(incident.title)}`, '');
  lines.push(`- **Severity:** ${incident.severity}`);
  lines.push(`- **Status:** ${incident.status}${incident.resolvedAt ? '' : ' (still open: this is an early draft)'}`);
  lines.push(`- **Team:** ${incident.team}`);
  lines.push(`- **Type:** ${incident.type}`);
  lines.push(`- **Incident commander:** ${incident.commander ?? '—'}`);
  if (source.requiredBecause) lines.push(`- **Postmortem required:** ${source.requiredBecause}`);
  lines.push(
    '',
    '## Summary',
    '',
    incident.summary.trim() === '' ? '_No summary was given. Describe what happened in two or three sentences._' : incident.summary.trim(),
    '',
  );

  lines.push('## Impact', '');
  lines.push(
    `- **Duration:** ${formatDuration(end.getTime() - incident.startedAt.getTime())} (${time(incident.startedAt)} → ${incident.resolvedAt ? time(incident.resolvedAt) : 'ongoing'})`,
  );
  lines.push(`- **Time to detect:** ${formatDuration(incident.detectedAt.getTime() - incident.startedAt.getTime())}`);
  lines.push(`- **Time to acknowledge:** ${incident.acknowledgedAt ? formatDuration(incident.acknowledgedAt.getTime() - incident.detectedAt.getTime()) : '—'}`);
  lines.push(`- **Time to mitigate:** ${incident.mitigatedAt ? formatDuration(incident.mitigatedAt.getTime() - incident.startedAt.getTime()) : '—'}`);
  lines.push(`- **Time to resolve:** ${incident.resolvedAt ? formatDuration(incident.resolvedAt.getTime() - incident.startedAt.getTime()) : '—'}`);
  lines.push(`- **Affected services:** ${incident.services.length > 0 ? incident.services.join(', ') : '—'}`);
  lines.push(
    `- **Affected components:** ${incident.affectedComponents.length > 0 ? incident.affectedComponents.map((component) => `${component.name ?? component.componentId} (${component.status})`).join(', ') : '—'}`,
  );
  lines.push('');
  lines.push('### Error budget', '');
  if (source.budgetImpact.length === 0) {
    lines.push('_No SLO is linked to the affected services._', '');
  } else {
    lines.push('| SLO | Service | Objective | Bad events | Budget consumed |', '|---|---|---|---|---|');
    for (const impact of source.budgetImpact) {
      lines.push(
        `| ${inline(impact.name)} | ${impact.service} | ${(impact.objective * 100).toFixed(3).replace(/\.?0+$/, '')}% over ${impact.window} | ${Math.round(impact.badEvents)} | ${impact.budgetConsumed === null ? 'no traffic' : formatShare(impact.budgetConsumed)} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Key times', '', '| Event | Time (UTC) |', '|---|---|');
  lines.push(`| Started | ${time(incident.startedAt)} |`);
  lines.push(`| Detected | ${time(incident.detectedAt)} |`);
  lines.push(`| Acknowledged | ${time(incident.acknowledgedAt)} |`);
  lines.push(`| Mitigated | ${time(incident.mitigatedAt)} |`);
  lines.push(`| Resolved | ${time(incident.resolvedAt)} |`, '');

  lines.push('## Timeline', '');
  if (source.timeline.length === 0) lines.push('_The timeline is empty._');
  for (const entry of source.timeline) {
    const label = KIND_LABELS[entry.kind] ?? entry.kind;
    const detail = [describeEntry(entry), entry.body].filter((part) => part.trim() !== '').map(inline);
    const unique = detail.filter((part, index) => detail.indexOf(part) === index);
    lines.push(
      `- **${time(entry.occurredAt)}** ${label}${entry.public ? ' (public)' : ''} by ${inline(entry.author)}${unique.length > 0 ? `: ${unique.join(' — ')}` : ''}`,
    );
  }
  lines.push('');

  lines.push('## What went well', '', '- ', '', '## What went wrong', '', '- ', '', '## Where we got lucky', '', '- ', '');
  lines.push('## Action items', '');
  if (source.followUps.length === 0) lines.push('_No follow-ups yet. A required postmortem needs at least one P0 follow-up._');
  for (const followUp of source.followUps) {
    lines.push(
      `- [${followUp.status === 'done' ? 'x' : ' '}] **${followUp.priority}** ${inline(followUp.title)}${followUp.owner ? ` (owner: ${inline(followUp.owner)})` : ''}${followUp.dueDate ? ` — due ${followUp.dueDate}` : ''}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
