import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { slackEnv } from './support/slack-harness';
import { eventually } from './support/poll';

describe('resolution message: postmortem draft link', () => {
  let api: RunningApi;
  let slack: FakeSlack;
  const clock = new FixedClock(new Date('2026-12-02T10:00:00Z'));

  beforeAll(async () => {
    slack = await FakeSlack.start();
    api = await startApi({ clock, env: { ...slackEnv(slack), PUBLIC_API_URL: 'https://ballast.example.com' } });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'payments' }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await slack?.close();
  });

  const resolveAndReadSummary = async (severity: string, title: string): Promise<{ id: string; summary: string }> => {
    clock.set(new Date('2026-12-02T10:00:00Z'));
    const created = await api.http.post('/api/v1/incidents').set(api.admin).send({ title, severity, team: 'payments', visibility: 'internal' }).expect(201);
    const id = created.body.id as string;
    const channel = await eventually(async () => {
      const [row] = (await api.app.get(DataSource).query('SELECT slack_channel_id FROM incidents WHERE id = $1', [id])) as Array<{ slack_channel_id: string | null }>;
      return row?.slack_channel_id ?? undefined;
    }, `the channel of ${title}`);
    clock.set(new Date('2026-12-02T11:00:00Z'));
    await api.http.patch(`/api/v1/incidents/${id}`).set(api.admin).send({ status: 'resolved' }).expect(200);
    const summary = await eventually(async () => slack.messagesIn(channel).find((message) => message.text.includes('resolved* after'))?.text, `the resolution summary of ${title}`);
    return { id, summary };
  };

  it('links the postmortem draft on the resolution message of a SEV1 (a postmortem is required)', async () => {
    const { id, summary } = await resolveAndReadSummary('SEV1', 'Checkout down');
    expect(summary).toContain(`:memo: A postmortem is required: write the <https://ballast.example.com/dashboard/incidents/${id}|postmortem draft>`);
  });

  it('adds no postmortem line for a SEV4 without a postmortem', async () => {
    const { summary } = await resolveAndReadSummary('SEV4', 'Slow receipts');
    expect(summary).toContain('MTTA');
    expect(summary).not.toContain('postmortem');
  });
});
