import { FixedClock } from '@app/platform';
import { SlackReminders } from '../apps/api/src/slack/slack-reminders.service';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { slashCommandRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const T0 = new Date('2026-11-20T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe('Slack reminders: once per lapse, once across two replicas on one database', () => {
  let fake: FakeSlack;
  let first: RunningApi;
  let second: RunningApi;
  const clock = new FixedClock(T0);
  let sev1: { id: string; channel: string };
  let sev4: { id: string; channel: string };

  /** Both replicas run the reminder job at the same moment; returns how many reminders were posted in all. */
  const tick = async (at: Date) => {
    clock.set(at);
    const sent = await Promise.all([first.app.get(SlackReminders).sendDueReminders(), second.app.get(SlackReminders).sendDueReminders()]);
    return sent[0] + sent[1];
  };
  const remindersIn = (channel: string) =>
    fake.calls('chat.postMessage').filter((call) => call.args.channel === channel && String(call.args.text).includes(':alarm_clock:'));
  const reminderEvents = (incidentId: string) =>
    sql<{ occurred_at: Date; data: { silentForMinutes: number; channelId: string } }>(
      first.database.url,
      `SELECT occurred_at, data FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'reminder_sent' ORDER BY occurred_at`,
      [incidentId],
    );
  const declare = async (title: string, severity: string) => {
    const form = await openDeclareForm(first, fake, {}, { now: clock.now() });
    await postToSlackEndpoint(first, submitDeclareForm(form, { title, severity, team: 'payments' }, { now: clock.now() })).expect(200);
    await slackIdle(first);
    const [row] = await sql<{ id: string; slack_channel_id: string }>(first.database.url, 'SELECT id, slack_channel_id FROM incidents WHERE title = $1', [
      title,
    ]);
    return { id: row.id, channel: row.slack_channel_id };
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    first = await startApi({ env: slackEnv(fake), clock });
    second = await startApi({ env: slackEnv(fake), clock, database: first.database, keepDatabase: true });
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    sev1 = await declare('Checkout down', 'SEV1');
    sev4 = await declare('Typo on the pricing page', 'SEV4');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await fake?.close();
  });

  it('reminds a quiet SEV1 every 15 minutes, exactly once per lapse across both replicas, and restarts the count after an update', async () => {
    expect(await tick(minutes(14))).toBe(0);
    expect(await tick(minutes(15))).toBe(1);
    expect(remindersIn(sev1.channel)).toHaveLength(1);
    expect(String(remindersIn(sev1.channel)[0].args.text)).toContain('no update for 15 min');
    expect(await tick(minutes(16))).toBe(0);
    expect(await tick(minutes(29))).toBe(0);
    expect(await tick(minutes(31))).toBe(1);
    expect(remindersIn(sev1.channel)).toHaveLength(2);

    // Someone posts a note at +35: the silence starts again from there.
    clock.set(minutes(35));
    const note = await postToSlackEndpoint(
      second,
      slashCommandRequest(
        SLACK_SIGNING_SECRET,
        { text: 'note Still digging', channelId: sev1.channel, responseUrl: fake.responseUrl('note') },
        { now: clock.now() },
      ),
    );
    expect(note.body.response_type).toBe('in_channel');
    expect(await tick(minutes(49))).toBe(0);
    expect(await tick(minutes(50))).toBe(1);

    const events = await reminderEvents(sev1.id);
    expect(events.map((event) => event.occurred_at.toISOString())).toEqual([minutes(15), minutes(31), minutes(50)].map((at) => at.toISOString()));
    expect(events.map((event) => event.data.silentForMinutes)).toEqual([15, 31, 15]);
    expect(events.every((event) => event.data.channelId === sev1.channel)).toBe(true);
  });

  it('never reminds a SEV4 (no cadence) nor a resolved incident', async () => {
    expect(remindersIn(sev4.channel)).toHaveLength(0);
    clock.set(minutes(60));
    await postToSlackEndpoint(
      first,
      slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'status resolved', channelId: sev1.channel, responseUrl: fake.responseUrl('r') }, { now: clock.now() }),
    ).expect(200);
    await slackIdle(first);
    const before = remindersIn(sev1.channel).length;
    expect(await tick(minutes(24 * 60))).toBe(0);
    expect(remindersIn(sev1.channel)).toHaveLength(before);
    expect(remindersIn(sev4.channel)).toHaveLength(0);
  });
});

describe('reminder cadence from configuration', () => {
  it('follows REMINDER_SEVn_MIN (0 = never)', async () => {
    const fake = await FakeSlack.start();
    const api = await startApi({ env: { ...slackEnv(fake), REMINDER_SEV1_MIN: '5', REMINDER_SEV2_MIN: '0', REMINDER_SEV4_MIN: '240' } });
    try {
      expect(api.app.get(SlackReminders).cadence).toEqual({ SEV1: 5, SEV2: null, SEV3: 60, SEV4: 240 });
    } finally {
      await api.close();
      await fake.close();
    }
  });
});
