import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle } from './support/slack-harness';
import { blockActionsRequest, viewSubmissionRequest } from './support/slack-payloads';
import { eventually } from './support/poll';

describe('Resolve modal: caused by deployment', () => {
  let api: RunningApi;
  let slack: FakeSlack;
  const clock = new FixedClock(new Date('2026-12-02T12:00:00Z'));

  beforeAll(async () => {
    slack = await FakeSlack.start();
    api = await startApi({ clock, env: slackEnv(slack) });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'payments' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'checkout', team: 'payments' }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await slack?.close();
  });

  it('offers the deployments of the 2 h before the incident and sets causedByDeploymentId from the choice', async () => {
    const deploy = async (version: string, finishedAt: string) =>
      (
        await api.http
          .post('/api/v1/deployments')
          .set(api.admin)
          .send({
            service: 'checkout',
            environment: 'production',
            version,
            status: 'succeeded',
            startedAt: new Date(new Date(finishedAt).getTime() - 300_000).toISOString(),
            finishedAt,
          })
          .expect(201)
      ).body.id as string;
    const recent = await deploy('v42', '2026-12-02T11:00:00Z');
    const old = await deploy('v41', '2026-12-02T08:00:00Z');
    const created = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Checkout errors', severity: 'SEV3', team: 'payments', services: ['checkout'], visibility: 'internal' })
      .expect(201);
    const id = created.body.id as string;
    const channel = await eventually(async () => {
      const [row] = (await api.app.get(DataSource).query('SELECT slack_channel_id FROM incidents WHERE id = $1', [id])) as Array<{
        slack_channel_id: string | null;
      }>;
      return row?.slack_channel_id ?? undefined;
    }, 'the incident channel');
    const opened = slack.calls('views.open').length;
    await postToSlackEndpoint(
      api,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        { actions: [{ action_id: 'incident_resolve_open', block_id: `headline:${id}`, value: `${id}:0` }], userId: 'U01ALICE', channelId: channel },
        { now: clock.now() },
      ),
    ).expect(200);
    await slackIdle(api);
    const call = slack.calls('views.open')[opened];
    const view = call.args.view as {
      callback_id: string;
      blocks: Array<{ block_id?: string; element?: { options?: Array<{ value: string; text: { text: string } }> } }>;
    };
    expect(view.callback_id).toBe('incident_resolve');
    const options = view.blocks.find((block) => block.block_id === 'caused_by_deployment')?.element?.options ?? [];
    expect(options.map((option) => option.value)).toEqual([recent]);
    expect(options[0].text.text).toContain('checkout v42');
    expect(options.map((option) => option.value)).not.toContain(old);
    const viewId = (call.response?.body as { view: { id: string } }).view.id;
    const submit = (deploymentId: string) =>
      postToSlackEndpoint(
        api,
        viewSubmissionRequest(
          SLACK_SIGNING_SECRET,
          {
            callbackId: 'incident_resolve',
            viewId,
            privateMetadata: id,
            userId: 'U01ALICE',
            values: { caused_by_deployment: { value: { type: 'static_select', selected_option: { value: deploymentId } } } } as never,
          },
          { now: clock.now() },
        ),
      );
    const refused = await submit(old);
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { caused_by_deployment: expect.any(String) } });
    expect((await api.http.get(`/api/v1/incidents/${id}`).set(api.admin).expect(200)).body.status).not.toBe('resolved');
    expect((await submit(recent)).status).toBe(200);
    const after = (await api.http.get(`/api/v1/incidents/${id}`).set(api.admin).expect(200)).body as { status: string; causedByDeploymentId: string | null };
    expect(after).toMatchObject({ status: 'resolved', causedByDeploymentId: recent });
  });
});
