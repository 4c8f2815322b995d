import {
  buildAcknowledgedPageMessage,
  buildChannelPageMessage,
  buildOncallReply,
  buildPageMessage,
  buildPrivateIncidentAnnouncement,
  pageButtonValue,
  PageSubject,
  parsePageButtonValue,
} from './slack-page-messages';
import { resolutionSummaryText } from '../slack-resolution.service';

const subject: PageSubject = {
  incidentId: '3f0c2a5e-7d1b-4c9e-9a63-2b8f4d1e6a70',
  number: 7,
  title: 'Fraud <!channel> ring at ACME',
  severity: 'SEV1',
  visibility: 'public',
  team: 'payments',
  summary: null,
  source: 'slo',
  channelId: 'C0INC7',
};

describe('page messages', () => {
  it('carry the incident and step in the buttons, Escalate only while a further step exists', () => {
    const value = pageButtonValue(subject.incidentId, 1);
    expect(parsePageButtonValue(value)).toEqual({ incidentId: subject.incidentId, stepIndex: 1 });
    expect(parsePageButtonValue('nonsense')).toBeNull();
    const actions = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks.filter((block) => (block as { type: string }).type === 'actions'));
    expect(actions(buildPageMessage(subject, { stepIndex: 0, stepCount: 2, afterMinutes: 0 }))).toContain('incident_escalate');
    expect(actions(buildPageMessage(subject, { stepIndex: 1, stepCount: 2, afterMinutes: 10 }))).not.toContain('incident_escalate');
  });

  it('escape what people typed (no @channel ping from a title)', () => {
    expect(buildPageMessage(subject, { stepIndex: 0, stepCount: 1, afterMinutes: 0 }).text).toContain('&lt;!channel&gt;');
  });

  it('never show the title of a private incident in a channel', () => {
    const hidden = { ...subject, visibility: 'private' as const };
    for (const message of [
      buildChannelPageMessage(hidden, { stepIndex: 2, afterMinutes: 20 }),
      buildAcknowledgedPageMessage(hidden, 'U01ALICE'),
      buildPrivateIncidentAnnouncement({ number: 7, severity: 'SEV1', status: 'investigating' }),
    ]) {
      expect(JSON.stringify(message)).not.toContain('Fraud');
      expect(JSON.stringify(message)).toContain('INC-7');
    }
    expect(buildChannelPageMessage(subject, { stepIndex: 2, afterMinutes: 20 }).text).toMatch(/^<!here> .*not acknowledged after 20 min/);
  });

  it('list who is on call per team', () => {
    expect(buildOncallReply([])).toContain('No team has an on-call rotation');
    expect(buildOncallReply([{ team: 'payments', current: 'U01ALICE', next: 'U02BOB', shiftEndsAt: new Date('2026-12-08T09:00:00Z') }])).toContain(
      '*payments*: <@U01ALICE>, then <@U02BOB> from 2026-12-08T09:00:00Z',
    );
  });
});

describe('resolution summary', () => {
  it('gives duration, MTTA and MTTR, and says when the channel is archived', () => {
    const text = resolutionSummaryText(
      {
        number: 7,
        startedAt: new Date('2026-12-01T10:00:00Z'),
        detectedAt: new Date('2026-12-01T10:05:00Z'),
        acknowledgedAt: new Date('2026-12-01T10:17:00Z'),
        resolvedAt: new Date('2026-12-01T12:00:00Z'),
      },
      24,
      ['Postmortem draft: <https://ballast.example.com/pm/7|INC-7>'],
    );
    expect(text).toBe(
      [
        ':white_check_mark: *INC-7 resolved* after 2.0 h.',
        'Time to acknowledge (MTTA): 12 min · time to resolve (MTTR): 2.0 h',
        'Postmortem draft: <https://ballast.example.com/pm/7|INC-7>',
        '_This channel is archived in 24 h unless the incident is re-opened._',
      ].join('\n'),
    );
    expect(
      resolutionSummaryText({ number: 7, startedAt: new Date(0), detectedAt: new Date(0), acknowledgedAt: null, resolvedAt: new Date(60_000) }, 0, []),
    ).toContain('MTTA): not acknowledged');
    expect(
      resolutionSummaryText(
        {
          number: 8,
          startedAt: new Date(0),
          detectedAt: new Date(0),
          acknowledgedAt: new Date(0),
          acknowledgedVia: 'self_declared',
          resolvedAt: new Date(60_000),
        },
        0,
        [],
      ),
    ).toContain('MTTA): self-declared');
  });
});
