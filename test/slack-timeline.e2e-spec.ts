import { RunningApi, startApi } from './support/api-app';
import { FAKE_SLACK_GENERAL_CHANNEL, FAKE_SLACK_USERS, FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { eventCallbackRequest, pinAddedEvent, reactionAddedEvent } from './support/slack-payloads';
import { sql } from './support/sql';

const [ALICE, BOB] = FAKE_SLACK_USERS;

interface EventRow extends Record<string, unknown> {
  kind: string;
  body: string;
  author: string;
  source_ref: string | null;
  occurred_at: Date;
  data: Record<string, unknown>;
}

describe('Slack: pins and :pushpin: reactions on the timeline', () => {
  let fake: FakeSlack;
  let api: RunningApi;
  let incidentId: string;
  let channelId: string;

  const captured = () =>
    sql<EventRow>(
      api.database.url,
      `SELECT * FROM incident_timeline_events WHERE incident_id = $1 AND kind IN ('slack_pin', 'slack_reaction') ORDER BY occurred_at`,
      [incidentId],
    );
  const deliver = async (signed: ReturnType<typeof eventCallbackRequest>) => {
    const response = await postToSlackEndpoint(api, signed);
    await slackIdle(api);
    return response;
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    api = await startApi({ env: slackEnv(fake) });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Timeline test', severity: 'SEV2', team: 'payments' })).expect(200);
    await slackIdle(api);
    const [incident] = await sql<{ id: string; slack_channel_id: string }>(api.database.url, 'SELECT id, slack_channel_id FROM incidents');
    incidentId = incident.id;
    channelId = incident.slack_channel_id;
    fake.channels.get(channelId)!.members.add(BOB.id);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it("records a pinned message with the message's own time, author, text and permalink; a redelivery adds nothing", async () => {
    const message = fake.addMessage(channelId, {
      text: 'Rolled back <https://deploys.example/42|deploy 42> &amp; cleared the cache',
      user: BOB.id,
      ts: '1763600000.000200',
    });
    const event = pinAddedEvent({ channelId, message: { ts: message.ts, text: message.text, user: BOB.id }, user: ALICE.id });
    expect((await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, event, { eventId: 'Ev0PIN1' }))).status).toBe(200);
    // Slack redelivers the same event (X-Slack-Retry-Num) and someone also reacts with :pushpin: to the same message.
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, event, { eventId: 'Ev0PIN1' }, { retryNum: 1, retryReason: 'http_timeout' }));
    fake.addReaction(channelId, message.ts, 'pushpin', ALICE.id);
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, reactionAddedEvent({ channelId, ts: message.ts, user: ALICE.id, itemUser: BOB.id })));

    const events = await captured();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'slack_pin',
      author: `slack:${ALICE.id}`,
      body: 'Rolled back deploy 42 (https://deploys.example/42) & cleared the cache',
      source_ref: `${channelId}:1763600000.000200`,
      data: {
        channelId,
        messageTs: '1763600000.000200',
        messageAuthor: BOB.id,
        pinnedBy: ALICE.id,
        permalink: `https://ballast-test.slack.com/archives/${channelId}/p1763600000000200`,
      },
    });
    expect(events[0].occurred_at.toISOString()).toBe('2025-11-20T00:53:20.000Z');
  });

  it('records a message marked with :pushpin: (text and link looked up), ignores other reactions and other channels', async () => {
    const message = fake.addMessage(channelId, { text: 'Customers report 502s from EU', user: BOB.id, ts: '1763600100.000300' });
    const other = fake.addMessage(channelId, { text: 'lunch?', user: BOB.id, ts: '1763600110.000400' });
    const outside = fake.addMessage(FAKE_SLACK_GENERAL_CHANNEL, { text: 'not an incident channel', user: BOB.id, ts: '1763600120.000500' });
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, reactionAddedEvent({ channelId, ts: other.ts, reaction: 'thumbsup', user: ALICE.id })));
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, reactionAddedEvent({ channelId: FAKE_SLACK_GENERAL_CHANNEL, ts: outside.ts, user: ALICE.id })));
    const mark = fake.calls().length;
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, reactionAddedEvent({ channelId, ts: message.ts, user: ALICE.id, itemUser: BOB.id })));
    expect(
      fake
        .calls()
        .slice(mark)
        .map((call) => call.method),
    ).toEqual(['reactions.get']);

    const reaction = (await captured()).find((event) => event.kind === 'slack_reaction')!;
    expect(reaction).toMatchObject({
      body: 'Customers report 502s from EU',
      source_ref: `${channelId}:1763600100.000300`,
      data: {
        reaction: 'pushpin',
        reactedBy: ALICE.id,
        messageAuthor: BOB.id,
        permalink: `https://ballast-test.slack.com/archives/${channelId}/p1763600100000300`,
      },
    });
    expect(reaction.occurred_at.toISOString()).toBe('2025-11-20T00:55:00.000Z');
    expect(await captured()).toHaveLength(2);
  });

  it('still records the event when the message cannot be read (missing_scope), tells the person privately, and asks for the permalink', async () => {
    const message = fake.addMessage(channelId, { text: 'secret text', user: BOB.id, ts: '1763600200.000600' });
    fake.failNext('reactions.get', 'missing_scope', 1, { needed: 'reactions:read' });
    const mark = fake.calls().length;
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, reactionAddedEvent({ channelId, ts: message.ts, user: ALICE.id, itemUser: BOB.id })));
    const calls = fake.calls().slice(mark);
    expect(calls.map((call) => call.method)).toEqual(['reactions.get', 'chat.postEphemeral', 'chat.getPermalink']);
    expect(calls[1].args).toMatchObject({ channel: channelId, user: ALICE.id });
    expect(String(calls[1].args.text)).toContain('lacks a permission');
    const event = (await captured()).find((row) => row.source_ref === `${channelId}:${message.ts}`)!;
    expect(event).toMatchObject({
      kind: 'slack_reaction',
      body: '',
      data: { messageAuthor: BOB.id, permalink: expect.stringContaining('/p1763600200000600') },
    });
  });

  it('never refreshes the headline for timeline-only events', async () => {
    const mark = fake.calls().length;
    const message = fake.addMessage(channelId, { text: 'one more', user: BOB.id, ts: '1763600300.000700' });
    await deliver(eventCallbackRequest(SLACK_SIGNING_SECRET, pinAddedEvent({ channelId, message: { ts: message.ts, text: message.text, user: BOB.id } })));
    expect(
      fake
        .calls()
        .slice(mark)
        .filter((call) => call.method === 'chat.update'),
    ).toEqual([]);
  });
});
