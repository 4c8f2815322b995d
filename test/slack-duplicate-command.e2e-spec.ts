import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv } from './support/slack-harness';
import { slashCommandRequest } from './support/slack-payloads';
import { eventually } from './support/poll';

const ALICE = 'U01ALICE';

describe('/incident duplicate INC-n', () => {
  let api: RunningApi;
  let slack: FakeSlack;
  const clock = new FixedClock(new Date('2026-12-02T10:00:00Z'));

  beforeAll(async () => {
    slack = await FakeSlack.start();
    api = await startApi({ clock, env: slackEnv(slack) });
    for (const slug of ['payments', 'search']) await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await slack?.close();
  });

  const declare = async (title: string, team: string, visibility = 'internal') => {
    const created = await api.http.post('/api/v1/incidents').set(api.admin).send({ title, severity: 'SEV2', team, visibility }).expect(201);
    const channel = await eventually(async () => {
      const [row] = (await api.app.get(DataSource).query('SELECT slack_channel_id FROM incidents WHERE id = $1', [created.body.id])) as Array<{
        slack_channel_id: string | null;
      }>;
      return row?.slack_channel_id ?? undefined;
    }, `the channel of ${title}`);
    return { id: created.body.id as string, reference: created.body.reference as string, channel };
  };
  const command = (text: string, channelId: string) =>
    postToSlackEndpoint(
      api,
      slashCommandRequest(
        SLACK_SIGNING_SECRET,
        { text, channelId, userId: ALICE, responseUrl: slack.responseUrl(`cmd-${text}-${channelId}`) },
        { now: clock.now() },
      ),
    );
  const incident = async (id: string) =>
    (await api.http.get(`/api/v1/incidents/${id}`).set(api.admin).expect(200)).body as { status: string; duplicateOf?: unknown };

  it("resolves the channel's incident as a duplicate, points at the original's channel, and a retry changes nothing", async () => {
    const original = await declare('Checkout errors', 'payments');
    const duplicate = await declare('Checkout 500s', 'payments');
    const reply = await command(`duplicate ${original.reference}`, duplicate.channel);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ response_type: 'in_channel' });
    expect(reply.body.text).toContain(`resolved ${duplicate.reference} as a duplicate of *${original.reference}* Checkout errors`);
    expect(reply.body.text).toContain(`<#${original.channel}>`);
    const after = await incident(duplicate.id);
    expect(after.status).toBe('resolved');
    expect(after.duplicateOf).toBe(original.id);
    expect((await incident(original.id)).status).not.toBe('resolved');
    const again = await command(`duplicate ${original.reference}`, duplicate.channel);
    expect(again.body.text).toContain('already a duplicate');
    const notes = (await api.app
      .get(DataSource)
      .query("SELECT count(*)::int AS n FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'internal_note'", [duplicate.id])) as Array<{
      n: number;
    }>;
    expect(notes[0].n).toBe(1);
  });

  it("refuses (ephemeral) an unknown incident and another team's private one, changing nothing", async () => {
    const hidden = await declare('Search index lost', 'search', 'private');
    const mine = await declare('Payments slow', 'payments');
    for (const text of [`duplicate ${hidden.reference}`, 'duplicate INC-9999']) {
      const reply = await command(text, mine.channel);
      expect(reply.status).toBe(200);
      expect(reply.body.response_type).not.toBe('in_channel');
      expect(reply.body.text).toContain('is not an existing incident');
      expect(reply.body.text).not.toContain('Search index lost');
    }
    expect((await incident(mine.id)).status).not.toBe('resolved');
    expect((await incident(hidden.id)).status).not.toBe('resolved');
  });
});
