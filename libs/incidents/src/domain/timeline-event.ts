import type { ComponentStatus, IncidentSource, IncidentStatus, Severity, Visibility } from './incident-enums';
import type { RealTimeEdit } from './real-time-edits';

/**
 * The incident timeline is append-only: every entry is one of these kinds with
 * a typed payload, an author and the time it happened (for Slack pins and
 * reactions that is the message's own time, not the time we saw it).
 */
export interface TimelinePayloads {
  declared: {
    readonly title: string;
    readonly severity: Severity;
    readonly visibility: Visibility;
    readonly source: IncidentSource;
    readonly type: string | null;
    readonly team: string | null;
    readonly summary: string | null;
  };
  status_changed: { readonly from: IncidentStatus; readonly to: IncidentStatus; readonly reopened: boolean };
  severity_changed: { readonly from: Severity; readonly to: Severity };
  visibility_changed: { readonly from: Visibility; readonly to: Visibility };
  /** a role is `commander` today; the payload allows more (comms lead, scribe) without a migration */
  role_changed: { readonly role: IncidentRole; readonly from: PersonRef | null; readonly to: PersonRef | null };
  /** the only text that may ever reach the status page (and only for public incidents) */
  public_update: { readonly body: string; readonly status: IncidentStatus };
  internal_note: { readonly body: string };
  components_changed: {
    readonly changes: ReadonlyArray<{ readonly componentId: string; readonly from: ComponentStatus | null; readonly to: ComponentStatus }>;
  };
  started_at_changed: { readonly from: string; readonly to: string };
  slack_pin: SlackMessageRef & { readonly pinnedBy: string };
  slack_reaction: SlackMessageRef & { readonly reaction: string; readonly reactedBy: string };
  alert_fired: AlertRef;
  alert_resolved: AlertRef;
  slo_burn_started: SloBurnRef;
  slo_burn_stopped: SloBurnRef;
  budget_exhausted: { readonly sloId: string; readonly sloName: string; readonly errorBudgetRemaining: number };
  reminder_sent: { readonly silentForMinutes: number; readonly channelId: string | null };
  /** a page went out: a direct message to a person (step `oncall`/`next`) or `@here` in the team channel */
  paged: { readonly step: number; readonly notify: string; readonly slackUserId: string | null; readonly channelId: string | null };
  /** a page could not be delivered (after its retries) */
  page_failed: { readonly step: number; readonly notify: string; readonly slackUserId: string | null; readonly error: string };
  /** someone asked for the next escalation step now */
  escalated: { readonly toStep: number; readonly by: string | null };
  /** a person acknowledged the page: escalation stops */
  acknowledged: { readonly by: string; readonly via: string };
  /** PagerDuty Events API v2 answered (or did not) */
  pagerduty: { readonly action: string; readonly outcome: string };
  /** detectedAt / acknowledgedAt / resolvedAt corrected by a PATCH (issue 24), old → new */
  times_changed: { readonly changes: readonly RealTimeEdit[] };
}

export type TimelineEventKind = keyof TimelinePayloads;

export const TIMELINE_EVENT_KINDS = [
  'declared',
  'status_changed',
  'severity_changed',
  'visibility_changed',
  'role_changed',
  'public_update',
  'internal_note',
  'components_changed',
  'started_at_changed',
  'slack_pin',
  'slack_reaction',
  'alert_fired',
  'alert_resolved',
  'slo_burn_started',
  'slo_burn_stopped',
  'budget_exhausted',
  'reminder_sent',
  'paged',
  'page_failed',
  'escalated',
  'acknowledged',
  'pagerduty',
  'times_changed',
] as const satisfies readonly TimelineEventKind[];

export const INCIDENT_ROLES = ['commander'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** A person as Ballast knows them: a Slack user, a display name, or both. */
export interface PersonRef {
  readonly slackUserId?: string;
  readonly name?: string;
}

export interface SlackMessageRef {
  readonly channelId: string;
  readonly messageTs: string;
  readonly permalink: string | null;
  /** the message text as Slack stored it (already decoded to plain text) */
  readonly text: string;
  readonly messageAuthor: string | null;
}

export interface AlertRef {
  readonly alertname: string;
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string | null;
  readonly generatorUrl: string | null;
}

export interface SloBurnRef {
  readonly sloId: string;
  readonly sloName: string;
  /** e.g. `page` or `ticket` */
  readonly tier: string;
  readonly burnRate: number | null;
}

/** Who wrote a timeline entry. */
export type TimelineAuthor =
  | { readonly kind: 'slack_user'; readonly slackUserId: string; readonly name?: string }
  | { readonly kind: 'api_token'; readonly tokenId: string; readonly team: string | null }
  | { readonly kind: 'system'; readonly component: 'slo' | 'alertmanager' | 'scheduler' | 'slack' };

export interface TimelineEvent<K extends TimelineEventKind = TimelineEventKind> {
  readonly kind: K;
  readonly occurredAt: Date;
  readonly author: TimelineAuthor;
  readonly payload: TimelinePayloads[K];
}

/** Any timeline event, narrowed by `kind`. */
export type AnyTimelineEvent = { [K in TimelineEventKind]: TimelineEvent<K> }[TimelineEventKind];

export function isTimelineEventKind(value: unknown): value is TimelineEventKind {
  return typeof value === 'string' && (TIMELINE_EVENT_KINDS as readonly string[]).includes(value);
}

/** Builds a typed event; the payload type follows `kind`. */
export function timelineEvent<K extends TimelineEventKind>(kind: K, occurredAt: Date, author: TimelineAuthor, payload: TimelinePayloads[K]): TimelineEvent<K> {
  return { kind, occurredAt, author, payload };
}

/** True when the author is a person (for acknowledgement and reminders). */
export function isHumanAuthor(author: TimelineAuthor): boolean {
  return author.kind !== 'system';
}

/**
 * Kinds that count as "someone gave an update" and therefore restart the
 * reminder cadence. Alerts, pins and reminders themselves do not: a channel
 * full of alert noise still owes its stakeholders an update.
 */
export const UPDATE_EVENT_KINDS: ReadonlySet<TimelineEventKind> = new Set<TimelineEventKind>(['declared', 'status_changed', 'public_update', 'internal_note']);

/** Time of the latest update-like event written by a person or at declaration, or null. */
export function lastUpdateAt(events: Iterable<AnyTimelineEvent>): Date | null {
  let latest: Date | null = null;
  for (const event of events) {
    if (!UPDATE_EVENT_KINDS.has(event.kind)) continue;
    if (event.kind !== 'declared' && !isHumanAuthor(event.author)) continue;
    if (latest === null || event.occurredAt.getTime() > latest.getTime()) latest = event.occurredAt;
  }
  return latest;
}

/** Time of the latest reminder, or null. */
export function lastReminderAt(events: Iterable<AnyTimelineEvent>): Date | null {
  let latest: Date | null = null;
  for (const event of events) {
    if (event.kind === 'reminder_sent' && (latest === null || event.occurredAt.getTime() > latest.getTime())) {
      latest = event.occurredAt;
    }
  }
  return latest;
}

/**
 * The status page rule in one place: only public updates of public incidents
 * are published; notes, pins, alerts and everything about internal or private
 * incidents never are.
 */
export function statusPageUpdates(visibility: Visibility, events: Iterable<AnyTimelineEvent>): Array<TimelineEvent<'public_update'>> {
  if (visibility !== 'public') return [];
  const published: Array<TimelineEvent<'public_update'>> = [];
  for (const event of events) {
    if (event.kind === 'public_update') published.push(event);
  }
  return published.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
