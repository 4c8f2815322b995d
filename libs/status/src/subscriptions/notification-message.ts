/** The public events subscribers hear about (the `kind` of an event row; the trigger functions of the StatusSubscriptions migration make them). */
export const NOTIFICATION_KINDS = [
  'incident.created',
  'incident.update',
  'incident.resolved',
  'maintenance.scheduled',
  'maintenance.started',
  'maintenance.completed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** Only public fields: the triggers copy nothing else into an event. */
export interface NotificationPayload {
  readonly incident?: { readonly id: string; readonly title: string; readonly status: string; readonly resolvedAt?: string | null };
  readonly update?: { readonly id: string; readonly body: string; readonly status: string; readonly occurredAt: string } | null;
  readonly maintenance?: {
    readonly id: string;
    readonly name: string;
    readonly body: string;
    readonly status: string;
    readonly scheduledFor: string;
    readonly scheduledUntil: string;
  };
  readonly components?: ReadonlyArray<{ readonly id: string; readonly name: string; readonly status?: string }>;
}

export interface NotificationEvent {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly occurredAt: Date;
  readonly payload: NotificationPayload;
}

export interface PageIdentity {
  readonly name: string;
  /** Public base URL, no trailing slash. */
  readonly url: string;
}

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const STATUS_LABELS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

const label = (status: string | undefined): string => (status ? (STATUS_LABELS[status] ?? status) : '');

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);
}

function utc(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

interface Summary {
  readonly headline: string;
  readonly statusLine: string;
  readonly body: string;
  readonly link: string;
  readonly components: string[];
  readonly when: string;
}

function summarize(event: NotificationEvent, page: PageIdentity): Summary {
  const { incident, update, maintenance, components = [] } = event.payload;
  const componentLines = components.map((component) => (component.status ? `${component.name}: ${label(component.status)}` : component.name));
  if (incident) {
    const status = event.kind === 'incident.resolved' ? 'resolved' : (update?.status ?? incident.status);
    const fallback =
      event.kind === 'incident.resolved' ? 'This incident has been resolved.' : event.kind === 'incident.created' ? 'We are investigating this incident.' : '';
    return {
      headline: incident.title,
      statusLine: label(status),
      body: update?.body?.trim() ? update.body : fallback,
      link: `${page.url}/incidents/${encodeURIComponent(incident.id)}`,
      components: componentLines,
      when: utc(update?.occurredAt ?? event.occurredAt.toISOString()),
    };
  }
  const name = maintenance?.name ?? 'Scheduled maintenance';
  const statusLine = event.kind === 'maintenance.scheduled' ? 'Scheduled' : event.kind === 'maintenance.started' ? 'In progress' : 'Completed';
  const window = maintenance ? `Scheduled for ${utc(maintenance.scheduledFor)} to ${utc(maintenance.scheduledUntil)}.` : '';
  const lead =
    event.kind === 'maintenance.completed'
      ? 'The scheduled maintenance has been completed.'
      : event.kind === 'maintenance.started'
        ? 'The scheduled maintenance is now in progress.'
        : window;
  return {
    headline: name,
    statusLine,
    body: [lead, maintenance?.body?.trim() ?? ''].filter(Boolean).join('\n\n'),
    link: maintenance ? `${page.url}/maintenances/${encodeURIComponent(maintenance.id)}` : page.url,
    components: componentLines,
    when: utc(event.occurredAt.toISOString()),
  };
}

/** The notification e-mail of one event (plain text and HTML), with the subscriber's own unsubscribe link. */
export function renderNotificationEmail(event: NotificationEvent, page: PageIdentity, unsubscribeUrl: string): EmailContent {
  const summary = summarize(event, page);
  const subject = `[${page.name} status] ${summary.statusLine}: ${summary.headline}`;
  const text = [
    `${summary.statusLine}: ${summary.headline}`,
    summary.when,
    '',
    summary.body,
    ...(summary.components.length > 0 ? ['', 'Affected components:', ...summary.components.map((line) => `- ${line}`)] : []),
    '',
    `Details: ${summary.link}`,
    '',
    '--',
    `You receive this because you subscribed to ${page.name} status updates.`,
    `Unsubscribe: ${unsubscribeUrl}`,
  ].join('\n');
  const paragraphs = summary.body
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p style="margin:0 0 12px">${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('');
  const componentList =
    summary.components.length > 0
      ? `<p style="margin:16px 0 4px;font-weight:600">Affected components</p><ul style="margin:0;padding-left:20px">${summary.components.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`
      : '';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#172b4d">
<div style="max-width:600px;margin:0 auto;padding:24px">
<p style="margin:0 0 16px;font-size:14px;color:#5e6c84">${escapeHtml(page.name)} status</p>
<div style="background:#fff;border-radius:6px;padding:24px;border:1px solid #dfe1e6">
<h1 style="margin:0 0 8px;font-size:20px">${escapeHtml(summary.headline)}</h1>
<p style="margin:0 0 16px;font-size:14px"><strong>${escapeHtml(summary.statusLine)}</strong>${summary.when ? ` &middot; ${escapeHtml(summary.when)}` : ''}</p>
${paragraphs}${componentList}
<p style="margin:20px 0 0"><a href="${escapeHtml(summary.link)}" style="color:#0052cc">View on the status page</a></p>
</div>
<p style="margin:16px 0 0;font-size:12px;color:#5e6c84">You receive this because you subscribed to ${escapeHtml(page.name)} status updates. <a href="${escapeHtml(unsubscribeUrl)}" style="color:#5e6c84">Unsubscribe</a></p>
</div></body></html>`;
  return { subject, text, html };
}

/** The double opt-in mail. */
export function renderConfirmationEmail(page: PageIdentity, confirmUrl: string, componentNames: readonly string[]): EmailContent {
  const scope = componentNames.length > 0 ? `these components: ${componentNames.join(', ')}` : 'every component';
  const subject = `Confirm your subscription to ${page.name} status updates`;
  const text = [
    `Someone (hopefully you) asked to receive ${page.name} status updates by e-mail for ${scope}.`,
    '',
    `Confirm: ${confirmUrl}`,
    '',
    'If it was not you, ignore this mail: nothing is sent without confirmation.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#172b4d">
<p>Someone (hopefully you) asked to receive ${escapeHtml(page.name)} status updates by e-mail for ${escapeHtml(scope)}.</p>
<p><a href="${escapeHtml(confirmUrl)}">Confirm the subscription</a></p>
<p style="color:#5e6c84;font-size:12px">If it was not you, ignore this mail: nothing is sent without confirmation.</p>
</body></html>`;
  return { subject, text, html };
}

/** The JSON body a webhook subscriber receives (signed as it is sent). */
export function renderWebhookBody(event: NotificationEvent, page: PageIdentity): string {
  const summary = summarize(event, page);
  const { incident, update, maintenance, components = [] } = event.payload;
  return JSON.stringify({
    id: event.id,
    event: event.kind,
    occurredAt: event.occurredAt.toISOString(),
    page: { name: page.name, url: page.url },
    ...(incident ? { incident: { id: incident.id, title: incident.title, status: incident.status, url: summary.link } } : {}),
    ...(incident ? { update: update ? { id: update.id, body: update.body, status: update.status, occurredAt: update.occurredAt } : null } : {}),
    ...(maintenance ? { maintenance: { ...maintenance, url: summary.link } } : {}),
    components,
  });
}
