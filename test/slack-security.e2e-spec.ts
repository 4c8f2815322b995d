import { SchedulerRegistry } from '@nestjs/schedule';
import { SlackGateway } from '../apps/api/src/slack/slack-gateway';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { eventCallbackRequest, pinAddedEvent, SignOptions, slashCommandRequest, sslCheckRequest, urlVerificationRequest } from './support/slack-payloads';
import { sql } from './support/sql';

describe('Slack request verification', () => {
  let fake: FakeSlack;
  let api: RunningApi;

  const counts = async () => {
    const [row] = await sql<{ incidents: string; events: string }>(
      api.database.url,
      'SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM incident_timeline_events) AS events',
    );
    return { incidents: Number(row.incidents), events: Number(row.events) };
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    api = await startApi({ env: slackEnv(fake) });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  const forgeries: Array<[string, SignOptions]> = [
    ['signed with another secret', { signWith: 'not-our-signing-secret-at-all' }],
    ['a made-up signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['no signature', { omitSignature: true }],
    ['no timestamp', { omitTimestamp: true }],
    ['a timestamp 301 s old (replay)', { staleBySeconds: 301 }],
    ['a timestamp 10 minutes in the future', { staleBySeconds: -600 }],
    ['a body changed after signing', { tamperBody: (raw) => raw.replace('Forged', 'Tampered') }],
  ];

  it.each(forgeries)('answers 401 to a slash command with %s, and does nothing', async (_case, options) => {
    const mark = fake.calls().length;
    const response = await postToSlackEndpoint(
      api,
      slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'declare Forged', responseUrl: fake.responseUrl('forged') }, options),
    );
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'unauthorized' });
    await slackIdle(api);
    expect(
      fake
        .calls()
        .slice(mark)
        .filter((call) => call.method !== 'auth.test'),
    ).toEqual([]);
  });

  it.each(forgeries)('answers 401 to a form submission with %s, and stores nothing', async (_case, options) => {
    const form = await openDeclareForm(api, fake);
    const before = await counts();
    const mark = fake.calls().length;
    const response = await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Forged incident', severity: 'SEV1', team: 'payments' }, options));
    expect(response.status).toBe(401);
    await slackIdle(api);
    expect(await counts()).toEqual(before);
    expect(
      fake
        .calls()
        .slice(mark)
        .filter((call) => call.method !== 'auth.test'),
    ).toEqual([]);
  });

  it('rejects a forged event and the handshake with a bad signature', async () => {
    const event = eventCallbackRequest(
      SLACK_SIGNING_SECRET,
      pinAddedEvent({ channelId: 'C0NOWHERE', message: { ts: '1712345678.000100', text: 'x' } }),
      {},
      { staleBySeconds: 400 },
    );
    expect((await postToSlackEndpoint(api, event)).status).toBe(401);
    expect((await postToSlackEndpoint(api, urlVerificationRequest(SLACK_SIGNING_SECRET, 'challenge-1', { signWith: 'wrong-secret-xxxxxxxx' }))).status).toBe(
      401,
    );
  });

  it("answers Slack's url_verification handshake and ssl_check", async () => {
    const handshake = await postToSlackEndpoint(api, urlVerificationRequest(SLACK_SIGNING_SECRET, 'challenge-abc'));
    expect(handshake.status).toBe(200);
    expect(handshake.body).toEqual({ challenge: 'challenge-abc' });
    expect((await postToSlackEndpoint(api, sslCheckRequest(SLACK_SIGNING_SECRET))).status).toBe(200);
  });

  it('needs no bearer token on /slack/events (the signature is the authentication) but still does on the API', async () => {
    expect((await postToSlackEndpoint(api, slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'help' }))).status).toBe(200);
    expect((await api.http.get('/api/v1/incidents')).status).toBe(401);
  });

  it('answers /slack/events ahead of the routing stack but still counts it in the request metrics', async () => {
    const help = await postToSlackEndpoint(api, slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'help' }));
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({ response_type: 'ephemeral' });
    await postToSlackEndpoint(
      api,
      slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'declare Counted' }, { signWith: 'not-our-signing-secret-at-all' }),
    ).expect(401);
    await slackIdle(api);
    const metrics = (await api.http.get('/metrics').expect(200)).text;
    const count = (status: string) =>
      Number(
        new RegExp(`^http_request_duration_seconds_count\\{method="POST",route="/slack/events",status_code="${status}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ??
          0,
      );
    expect(count('200')).toBeGreaterThanOrEqual(1);
    expect(count('401')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a body larger than any Slack request with 413 before verifying or reading it', async () => {
    const command = slashCommandRequest(SLACK_SIGNING_SECRET, { text: `declare ${'x'.repeat(300 * 1024)}` });
    const mark = fake.calls().length;
    const before = await counts();
    const response = await postToSlackEndpoint(api, command);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: 'payload_too_large' });
    await slackIdle(api);
    expect(await counts()).toEqual(before);
    expect(
      fake
        .calls()
        .slice(mark)
        .filter((call) => call.method !== 'auth.test'),
    ).toEqual([]);
  });

  it('leaves other methods and paths under /slack to the API', async () => {
    expect((await api.http.get('/slack/events')).status).toBe(404);
    expect((await api.http.post('/slack/eventsx').send({})).status).toBe(404);
  });

  it('reports Slack on /health/ready once auth.test answered', async () => {
    await fake.waitForCalls('auth.test');
    await api.app.get(SlackGateway).refreshHealth();
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.slack).toMatchObject({ mode: 'http', status: 'up', team: 'Ballast Test', botUserId: 'U0BALLAST' });
  });
});

describe('Slack disabled (no SLACK_BOT_TOKEN)', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 404 with the reason on /slack/events, says so on /health/ready, and everything else works', async () => {
    const response = await postToSlackEndpoint(api, slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'help' }));
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'slack_disabled' });
    expect(response.body.message).toContain('SLACK_BOT_TOKEN');
    const ready = await api.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.slack).toEqual({ mode: 'disabled', status: 'disabled' });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    const declared = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'No Slack here', severity: 'SEV3', team: 'payments', type: 'other' });
    expect(declared.status).toBe(201);
    expect(declared.body.slack).toMatchObject({ channelId: null, syncState: 'none' });
  });
});

describe('Slack jobs with SCHEDULER_ENABLED', () => {
  it('registers the reminder and retry jobs with @nestjs/schedule only where the scheduler runs', async () => {
    const fake = await FakeSlack.start();
    const scheduling = await startApi({ env: { ...slackEnv(fake), SCHEDULER_ENABLED: 'true', REMINDER_CHECK_INTERVAL_S: '30', SLACK_RETRY_INTERVAL_S: '45' } });
    try {
      expect(scheduling.app.get(SchedulerRegistry).getIntervals()).toEqual(expect.arrayContaining(['slack-reminders', 'slack-sync-retry']));
    } finally {
      await scheduling.close();
      await fake.close();
    }
  });
});
