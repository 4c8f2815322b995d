import {
  AnyTimelineEvent,
  isHumanAuthor,
  isTimelineEventKind,
  lastReminderAt,
  lastUpdateAt,
  statusPageUpdates,
  TIMELINE_EVENT_KINDS,
  TimelineAuthor,
  timelineEvent,
  TimelinePayloads,
} from './timeline-event';

const at = (iso: string): Date => new Date(`2026-03-01T${iso}Z`);
const alice: TimelineAuthor = { kind: 'slack_user', slackUserId: 'U01ALICE', name: 'alice' };
const token: TimelineAuthor = { kind: 'api_token', tokenId: 'tok_1', team: 'payments' };
const alertmanager: TimelineAuthor = { kind: 'system', component: 'alertmanager' };
const scheduler: TimelineAuthor = { kind: 'system', component: 'scheduler' };
const alert = { alertname: 'HighErrorRate', fingerprint: 'abc', labels: { service: 'checkout' }, summary: null, generatorUrl: null };

const declared = timelineEvent('declared', at('10:00:00'), alertmanager, {
  title: 'Checkout errors',
  severity: 'SEV2',
  visibility: 'public',
  source: 'alertmanager',
  type: null,
  team: 'payments',
  summary: null,
});

describe('timeline event kinds', () => {
  it('lists every payload kind exactly once', () => {
    // A compile-time exhaustive record: adding a payload kind without listing it breaks the build.
    const kinds: Record<keyof TimelinePayloads, true> = {
      declared: true,
      status_changed: true,
      severity_changed: true,
      visibility_changed: true,
      role_changed: true,
      public_update: true,
      internal_note: true,
      components_changed: true,
      started_at_changed: true,
      slack_pin: true,
      slack_reaction: true,
      alert_fired: true,
      alert_resolved: true,
      slo_burn_started: true,
      slo_burn_stopped: true,
      budget_exhausted: true,
      reminder_sent: true,
      paged: true,
      page_failed: true,
      escalated: true,
      acknowledged: true,
      pagerduty: true,
      times_changed: true,
    };
    expect([...TIMELINE_EVENT_KINDS].sort()).toEqual(Object.keys(kinds).sort());
    expect(new Set(TIMELINE_EVENT_KINDS).size).toBe(TIMELINE_EVENT_KINDS.length);
  });

  it.each([
    ['slack_pin', true],
    ['public_update', true],
    ['deleted', false],
    [42, false],
  ])('isTimelineEventKind(%p) is %p', (value, expected) => {
    expect(isTimelineEventKind(value)).toBe(expected);
  });

  it('tells people from automation', () => {
    expect(isHumanAuthor(alice)).toBe(true);
    expect(isHumanAuthor(token)).toBe(true);
    expect(isHumanAuthor(alertmanager)).toBe(false);
  });
});

describe('lastUpdateAt', () => {
  it('is null for an empty timeline', () => {
    expect(lastUpdateAt([])).toBeNull();
  });

  it('counts the declaration, human status changes, updates and notes', () => {
    const events: AnyTimelineEvent[] = [
      declared,
      timelineEvent('internal_note', at('10:20:00'), alice, { body: 'looking' }),
      timelineEvent('status_changed', at('10:05:00'), token, { from: 'investigating', to: 'identified', reopened: false }),
    ];
    expect(lastUpdateAt(events)).toEqual(at('10:20:00'));
  });

  it('ignores alerts, pins, reminders and automated status changes', () => {
    const events: AnyTimelineEvent[] = [
      declared,
      timelineEvent('alert_fired', at('10:30:00'), alertmanager, alert),
      timelineEvent('reminder_sent', at('10:31:00'), scheduler, { silentForMinutes: 30, channelId: 'C1' }),
      timelineEvent('slack_pin', at('10:32:00'), alice, {
        channelId: 'C1',
        messageTs: '1772359920.000100',
        permalink: null,
        text: 'graph',
        messageAuthor: 'U01ALICE',
        pinnedBy: 'U01ALICE',
      }),
      timelineEvent('status_changed', at('10:33:00'), alertmanager, { from: 'investigating', to: 'resolved', reopened: false }),
    ];
    expect(lastUpdateAt(events)).toEqual(at('10:00:00'));
  });
});

describe('lastReminderAt', () => {
  it('returns the latest reminder', () => {
    const events: AnyTimelineEvent[] = [
      declared,
      timelineEvent('reminder_sent', at('10:45:00'), scheduler, { silentForMinutes: 30, channelId: 'C1' }),
      timelineEvent('reminder_sent', at('10:15:00'), scheduler, { silentForMinutes: 15, channelId: 'C1' }),
    ];
    expect(lastReminderAt(events)).toEqual(at('10:45:00'));
    expect(lastReminderAt([declared])).toBeNull();
  });
});

describe('statusPageUpdates', () => {
  const events: AnyTimelineEvent[] = [
    declared,
    timelineEvent('public_update', at('10:40:00'), alice, { body: 'Fixed', status: 'resolved' }),
    timelineEvent('internal_note', at('10:10:00'), alice, { body: 'db primary is on fire' }),
    timelineEvent('public_update', at('10:05:00'), alice, { body: 'We are investigating', status: 'investigating' }),
    timelineEvent('alert_fired', at('10:01:00'), alertmanager, alert),
  ];

  it('publishes only public updates of public incidents, oldest first', () => {
    expect(statusPageUpdates('public', events).map((event) => event.payload.body)).toEqual(['We are investigating', 'Fixed']);
  });

  it.each(['internal', 'private'] as const)('publishes nothing of a %s incident', (visibility) => {
    expect(statusPageUpdates(visibility, events)).toEqual([]);
  });
});
