import { RunningApi, startApi } from './support/api-app';
import { FAKE_SLACK_USERS, FakeSlack } from './support/fake-slack';
import { eventually } from './support/poll';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, slackIdle } from './support/slack-harness';
import { declareViewValues, eventCallbackRequest, pinAddedEvent, slashCommandRequest, viewSubmissionRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const [ALICE] = FAKE_SLACK_USERS;
const TEAM_CHANNEL = 'C0SOCKTEAM';
const APP_TOKEN = 'xapp-1-A0BALLAST-1-socket-test';

/**
 * Socket Mode end to end: SLACK_APP_TOKEN set, no signing secret. The app
 * opens its connection through the fake's apps.connections.open, and every
 * request arrives as an envelope over the fake's WebSocket server.
 */
describe('Slack over Socket Mode', () => {
  let fake: FakeSlack;
  let api: RunningApi;

  const incidents = () =>
    sql<{ id: string; title: string; idempotency_key: string; slack_channel_id: string | null; slack_sync_state: string }>(
      api.database.url,
      'SELECT * FROM incidents ORDER BY number',
    );

  /** `/incident` over the socket; resolves once its ack came back and the form work after it is done. */
  const openFormOverSocket = async () => {
    const opensBefore = fake.calls('views.open').length;
    const command = slashCommandRequest(SLACK_SIGNING_SECRET, { userId: ALICE.id, channelId: TEAM_CHANNEL, responseUrl: fake.responseUrl('socket') });
    const ack = await fake.socketMode.deliver('slash_commands', command.payload);
    await slackIdle(api);
    const open = fake.calls('views.open')[opensBefore];
    return { ack, open, triggerId: command.payload.trigger_id };
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: TEAM_CHANNEL, name: 'team-payments', members: [ALICE.id] });
    api = await startApi({ env: { SLACK_BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.url } });
    await fake.socketMode.waitForConnection();
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments', slackChannelId: TEAM_CHANNEL }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('opens the connection with the app-level token through SLACK_API_URL and reports it on /health/ready', async () => {
    const opens = fake.calls('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0].token).toBe(APP_TOKEN);
    expect(fake.socketMode.connectionCount).toBe(1);
    const slack = await eventually(async () => {
      const ready = await api.http.get('/health/ready');
      return ready.status === 200 && ready.body.info.slack.status === 'up' ? ready.body.info.slack : undefined;
    }, 'Slack up on /health/ready');
    expect(slack).toMatchObject({ mode: 'socket', status: 'up', socket: 'connected', team: 'Ballast Test' });
  });

  it('answers POST /slack/events with the documented not-available error', async () => {
    const signed = slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'help' });
    const response = await api.http.post('/slack/events').set(signed.headers).send(signed.body);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'slack_socket_mode' });
    expect(response.body.message).toContain('Socket Mode');
  });

  it('acks /incident over the socket with an empty payload, then opens the form with its trigger_id', async () => {
    const { ack, open, triggerId } = await openFormOverSocket();
    expect(ack.payload).toEqual({});
    expect(open).toBeDefined();
    expect(open.token).toBe(SLACK_BOT_TOKEN);
    expect(open.args.trigger_id).toBe(triggerId);
    expect((open.response?.body as { ok?: boolean }).ok).toBe(true);
  });

  it('answers `/incident help` in the ack payload', async () => {
    const command = slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'help', userId: ALICE.id });
    const ack = await fake.socketMode.deliver('slash_commands', command.payload);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ack.payload.text)).toContain('/incident');
  });

  it('declares exactly one incident with one channel when the same view_submission envelope is delivered twice', async () => {
    const { open } = await openFormOverSocket();
    const viewId = (open.response?.body as { view: { id: string } }).view.id;
    const privateMetadata = String((fake.views.get(viewId)?.view as { private_metadata?: string }).private_metadata ?? '');
    const submission = viewSubmissionRequest(SLACK_SIGNING_SECRET, {
      viewId,
      userId: ALICE.id,
      privateMetadata,
      values: declareViewValues({ title: 'Checkout over the socket', severity: 'SEV2', team: 'payments' }),
    });
    const createsBefore = fake.calls('conversations.create').length;

    const first = await fake.socketMode.deliver('interactive', submission.payload, { envelopeId: 'envelope-submit-1' });
    const again = await fake.socketMode.deliver('interactive', submission.payload, { envelopeId: 'envelope-submit-1' });
    await slackIdle(api);

    expect(first.payload).toEqual({});
    expect(again.payload).toEqual({});
    const declared = (await incidents()).filter((row) => row.title === 'Checkout over the socket');
    expect(declared).toHaveLength(1);
    expect(declared[0]).toMatchObject({ idempotency_key: `slack:view:T0BALLAST:${viewId}`, slack_sync_state: 'synced' });
    const creates = fake.calls('conversations.create').slice(createsBefore);
    expect(creates).toHaveLength(1);
    expect(creates[0].args.name).toMatch(/^inc-\d+-checkout-over-the-socket$/);
    expect(fake.channels.get(declared[0].slack_channel_id!)?.members.has(ALICE.id)).toBe(true);
  });

  it('records a pin delivered as an events_api envelope on the timeline, once for a redelivery', async () => {
    const [incident] = (await incidents()).filter((row) => row.title === 'Checkout over the socket');
    const channelId = incident.slack_channel_id!;
    const message = fake.addMessage(channelId, { text: 'Rolled back the deploy', user: ALICE.id, ts: '1763600000.000300' });
    const event = eventCallbackRequest(
      SLACK_SIGNING_SECRET,
      pinAddedEvent({ channelId, message: { ts: message.ts, text: message.text, user: ALICE.id }, user: ALICE.id }),
      { eventId: 'Ev0SOCKPIN' },
    );
    await fake.socketMode.deliver('events_api', event.payload);
    await fake.socketMode.deliver('events_api', event.payload, { retryAttempt: 1, retryReason: 'timeout' });
    await slackIdle(api);
    const pins = await sql<{ kind: string; body: string }>(
      api.database.url,
      `SELECT kind, body FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'slack_pin'`,
      [incident.id],
    );
    expect(pins).toEqual([{ kind: 'slack_pin', body: 'Rolled back the deploy' }]);
  });

  it('reconnects through apps.connections.open when Slack drops the connection', async () => {
    const opensBefore = fake.calls('apps.connections.open').length;
    fake.socketMode.dropConnections();
    await eventually(async () => (fake.socketMode.connectionCount === 1 ? true : undefined), 'the app to reconnect', 15_000);
    expect(fake.calls('apps.connections.open').length).toBeGreaterThan(opensBefore);
    const { ack, open } = await openFormOverSocket();
    expect(ack.payload).toEqual({});
    expect(open).toBeDefined();
  });
});
