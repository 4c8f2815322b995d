import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle } from './support/slack-harness';
import { blockActionsRequest, viewSubmissionRequest } from './support/slack-payloads';
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

  const resolveAndReadSummary = async (
    severity: string,
    title: string,
  ): Promise<{
    id: string;
    summary: string;
    channel: string;
    blocks: Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> }>;
  }> => {
    clock.set(new Date('2026-12-02T10:00:00Z'));
    const created = await api.http.post('/api/v1/incidents').set(api.admin).send({ title, severity, team: 'payments', visibility: 'internal' }).expect(201);
    const id = created.body.id as string;
    const channel = await eventually(async () => {
      const [row] = (await api.app.get(DataSource).query('SELECT slack_channel_id FROM incidents WHERE id = $1', [id])) as Array<{
        slack_channel_id: string | null;
      }>;
      return row?.slack_channel_id ?? undefined;
    }, `the channel of ${title}`);
    clock.set(new Date('2026-12-02T11:00:00Z'));
    await api.http.patch(`/api/v1/incidents/${id}`).set(api.admin).send({ status: 'resolved' }).expect(200);
    const message = await eventually(
      async () => slack.messagesIn(channel).find((posted) => posted.text.includes('resolved* after')),
      `the resolution summary of ${title}`,
    );
    return {
      id,
      summary: message.text,
      channel,
      blocks: message.blocks as Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value: string }> }>,
    };
  };

  it('links the postmortem draft on the resolution message of a SEV1 (a postmortem is required)', async () => {
    const { id, summary } = await resolveAndReadSummary('SEV1', 'Checkout down');
    expect(summary).toContain(`:memo: A postmortem is required: <https://ballast.example.com/dashboard/incidents/${id}|open it in Ballast>`);
  });

  it('adds no postmortem line for a SEV4 without a postmortem', async () => {
    const { summary } = await resolveAndReadSummary('SEV4', 'Slow receipts');
    expect(summary).toContain('MTTA');
    expect(summary).not.toContain('postmortem');
  });

  it('"Add follow-up" on the resolution message opens a modal whose submission creates the follow-up once per view', async () => {
    const { id, channel, blocks } = await resolveAndReadSummary('SEV3', 'Cart flaky');
    const button = blocks.find((block) => block.type === 'actions')?.elements?.find((element) => element.action_id === 'incident_follow_up_open');
    expect(button?.value).toBe(`${id}:0`);
    const opened = slack.calls('views.open').length;
    const click = await postToSlackEndpoint(
      api,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        { actions: [{ action_id: 'incident_follow_up_open', block_id: 'resolution_actions', value: `${id}:0` }], userId: 'U01ALICE', channelId: channel },
        { now: clock.now() },
      ),
    );
    expect(click.status).toBe(200);
    await slackIdle(api);
    const call = slack.calls('views.open')[opened];
    const view = call.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string }> };
    expect(view.callback_id).toBe('incident_follow_up');
    expect(view.blocks.map((block) => block.block_id)).toEqual(expect.arrayContaining(['title', 'owner', 'due_date', 'priority']));
    const viewId = (call.response?.body as { view: { id: string } }).view.id;
    const values = (dueDate: string) => ({
      title: { value: { type: 'plain_text_input', value: 'Add a cart retry budget' } },
      owner: { value: { type: 'plain_text_input', value: 'U01ALICE' } },
      due_date: { value: { type: 'plain_text_input', value: dueDate } },
      priority: { value: { type: 'static_select', selected_option: { value: 'P1' } } },
    });
    const submit = (dueDate: string) =>
      postToSlackEndpoint(
        api,
        viewSubmissionRequest(
          SLACK_SIGNING_SECRET,
          { callbackId: 'incident_follow_up', viewId, privateMetadata: view.private_metadata, userId: 'U01ALICE', values: values(dueDate) as never },
          { now: clock.now() },
        ),
      );
    const refused = await submit('next week');
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { due_date: expect.stringContaining('dueDate') } });
    expect((await api.http.get(`/api/v1/incidents/${id}/follow-ups`).set(api.admin).expect(200)).body.items).toHaveLength(0);
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await submit('2026-12-09')).status).toBe(200);
    const items = (await api.http.get(`/api/v1/incidents/${id}/follow-ups`).set(api.admin).expect(200)).body.items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: 'Add a cart retry budget', owner: 'U01ALICE', dueDate: '2026-12-09', priority: 'P1' });
  });
});
