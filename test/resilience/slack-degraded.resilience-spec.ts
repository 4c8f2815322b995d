// A burst of declarations from Slack while the Slack Web API is slow (5 s),
// erroring (ok:false, HTTP 5xx) and rate limiting (429 + Retry-After), then
// down for a while: every submission is acknowledged in time, every incident
// is stored exactly once (Slack redeliveries and double clicks included), and
// once Slack recovers the Slack side catches up by itself: one channel, one
// headline in it and one announcement in the team channel per incident.
import { FAKE_SLACK_USERS, FakeSlack } from '../support/fake-slack';
import { millisUntil, query, sendJson, sleep, tally } from './probes';
import { recordScenario } from './report';
import { declareSubmission, OpenedForm, openDeclareForm, postToSlackEndpoint, SlackAnswer, slackEnv, toldThroughResponseUrl } from './slack-client';
import { BallastSystem } from './system';

const FORMS = 24;
const TEAM_CHANNEL = 'C0PAYMENTS';
const SLACK_DOWN_MS = 8_000;

interface IncidentRow extends Record<string, unknown> {
  id: string;
  number: number;
  idempotency_key: string;
  slack_sync_state: string;
  slack_channel_id: string | null;
  slack_headline_ts: string | null;
  slack_team_message_ts: string | null;
  declared: number;
  services: number;
}

const percentile = (values: number[], share: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]);
};

describe('Slack slow, erroring and rate limiting during a declaration burst', () => {
  let fake: FakeSlack;
  let system: BallastSystem;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: TEAM_CHANNEL, name: 'team-payments', members: FAKE_SLACK_USERS.map((user) => user.id) });
    system = await BallastSystem.start({ statusPage: false, env: { ...slackEnv(fake), PROMETHEUS_URL: 'http://127.0.0.1:9' } });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await fake?.close();
  });

  it('stores each incident once and catches up the Slack side after Slack recovers', async () => {
    const headers = system.adminHeaders();
    const api = system.api.url;
    const db = system.postgres.url;
    expect((await sendJson(`${api}/api/v1/teams`, 'POST', headers, { slug: 'payments', name: 'Payments', slackChannelId: TEAM_CHANNEL })).status).toBe(201);
    expect((await sendJson(`${api}/api/v1/services`, 'POST', headers, { slug: 'checkout', name: 'Checkout', team: 'payments' })).status).toBe(201);

    // People open the form while Slack is still fine.
    const forms: OpenedForm[] = [];
    for (let index = 0; index < FORMS; index += 1) {
      forms.push(await openDeclareForm(api, fake, `burst-${index}`, FAKE_SLACK_USERS[index % FAKE_SLACK_USERS.length].id));
    }
    const mark = fake.calls().length;

    // Then Slack degrades: scripts apply to the next calls of each method, in order.
    fake.delayNext('conversations.create', 5_000, 6);
    fake.rateLimitNext('conversations.invite', 1, 4);
    fake.rateLimitNext('chat.postMessage', 2, 4);
    fake.failNext('chat.postMessage', 'internal_error', 4);
    // Three calls' worth of 503s: each call is tried three times (two quick transport retries).
    fake.httpErrorNext('chat.postMessage', 503, 9);

    const answers = (index: number) => ({
      title: `Checkout errors burst ${index}`,
      severity: 'SEV2',
      team: 'payments',
      services: ['checkout'],
      type: 'deploy',
      visibility: 'internal',
    });
    const submitted: Array<Promise<SlackAnswer>> = [];
    forms.forEach((form, index) => {
      const submission = declareSubmission(form, answers(index));
      submitted.push(postToSlackEndpoint(api, submission));
      // Slack redelivers some (the first delivery "timed out"), and some people double-click.
      if (index % 4 === 0) submitted.push(postToSlackEndpoint(api, declareSubmission(form, answers(index), { retryNum: 1, retryReason: 'http_timeout' })));
      if (index % 8 === 1) submitted.push(postToSlackEndpoint(api, submission));
    });
    const acks = await Promise.all(submitted);

    // While the first attempts are still working through the slow calls, Slack goes down altogether.
    await sleep(2_000);
    await fake.goDown('http503');
    await sleep(SLACK_DOWN_MS);
    await fake.comeBack();

    const stored = async () =>
      query<IncidentRow>(
        db,
        `SELECT i.id, i.number, i.idempotency_key, i.slack_sync_state, i.slack_channel_id, i.slack_headline_ts, i.slack_team_message_ts,
                (SELECT count(*)::int FROM incident_timeline_events e WHERE e.incident_id = i.id AND e.kind = 'declared') AS declared,
                (SELECT count(*)::int FROM incident_services s WHERE s.incident_id = i.id) AS services
           FROM incidents i ORDER BY i.number`,
      );
    const afterBurst = await stored();
    const pendingAfterOutage = afterBurst.filter((row) => row.slack_sync_state !== 'synced').length;
    // The retry job waits for incidents nobody touched for SLACK_RETRY_IDLE_S (30 s here), then works every SLACK_RETRY_INTERVAL_S.
    const caughtUpMs = await millisUntil(
      async () => (await stored()).every((row) => row.slack_sync_state === 'synced'),
      'every incident synced to Slack',
      200_000,
      1000,
    );
    await sleep(1_000);
    const rows = await stored();

    const since = fake.calls().slice(mark);
    const createdChannels = since.filter(
      (call) => call.method === 'conversations.create' && (call.response?.body as { ok?: boolean } | undefined)?.ok === true,
    );
    const incidentChannels = [...fake.channels.values()].filter((channel) => channel.name.startsWith('inc-'));
    const headlinesPerChannel = rows.map((row) => fake.messagesIn(row.slack_channel_id ?? '').filter((message) => message.botId !== null).length);
    const teamAnnouncements = fake.messagesIn(TEAM_CHANNEL).filter((message) => message.botId !== null);
    const announcementsPerIncident = rows.map((row) => teamAnnouncements.filter((message) => new RegExp(`\\bINC-${row.number}\\b`).test(message.text)).length);
    const ackStatuses = tally(acks.map((ack) => String(ack.status)));
    // What each Slack call got: 200 with ok:true, or the failure (HTTP status, or ok:false with Slack's error).
    const callOutcomes = tally(
      since.map((call) => {
        const body = call.response?.body as { ok?: boolean; error?: string } | string | undefined;
        if (call.response?.status !== 200) return String(call.response?.status ?? 'no answer');
        return typeof body === 'object' && body.ok === false ? `ok:false ${body.error ?? ''}` : 'ok';
      }),
    );
    const ackMs = acks.map((ack) => ack.ms);
    const told = new Map<string, number>();
    for (const form of forms) {
      for (const text of toldThroughResponseUrl(fake, form)) {
        const shape = text.replace(/INC-\d+/g, 'INC-n');
        told.set(shape, (told.get(shape) ?? 0) + 1);
      }
    }
    const errorLogs = system.api.logLines().filter((line) => Number(line.level) >= 50).length;
    const keys = new Set(rows.map((row) => row.idempotency_key));
    const expectedKeys = forms.map((form) => `slack:view:T0BALLAST:${form.viewId}`);

    const checks = {
      'every submission acknowledged in Slack time (200 under 3 s)': acks.every((ack) => ack.status === 200 && ack.ms < 3000),
      'forms closed (empty ack)': acks.every((ack) => ack.body === null),
      'each incident stored once': rows.length === FORMS && keys.size === FORMS && expectedKeys.every((key) => keys.has(key)),
      'no partial incident': rows.every((row) => row.declared === 1 && row.services === 1),
      'one channel per incident':
        createdChannels.length === FORMS && incidentChannels.length === FORMS && new Set(rows.map((row) => row.slack_channel_id)).size === FORMS,
      'headline posted once in each channel':
        rows.every((row) => row.slack_headline_ts !== null && fake.findMessage(row.slack_channel_id ?? '', row.slack_headline_ts) !== undefined) &&
        headlinesPerChannel.every((count) => count === 1),
      'announced once in the team channel': announcementsPerIncident.every((count) => count === 1) && teamAnnouncements.length === FORMS,
    };
    const passed = Object.values(checks).every(Boolean) && pendingAfterOutage > 0 && errorLogs === 0;
    recordScenario({
      scenario: 'Slack slow, erroring and rate limiting during a declaration burst',
      injected: `${acks.length} signed view_submission deliveries for ${FORMS} forms at once (${acks.length - FORMS} of them Slack redeliveries or double clicks) while the fake Slack delayed conversations.create 5 s (×6), answered 429 Retry-After 1–2 s (×8), ok:false internal_error (×4) and HTTP 503 (×9); then every Slack call 503 for ${SLACK_DOWN_MS / 1000} s`,
      usersSaw: `acks ${JSON.stringify(ackStatuses)}, all closing the form, p50 ${percentile(ackMs, 0.5)} ms / max ${Math.round(Math.max(...ackMs))} ms; ephemeral messages: ${[...told].map(([text, count]) => `${count}× "${text}"`).join('; ') || 'none'}`,
      stored: `${rows.length} incidents for ${FORMS} forms (${keys.size} distinct idempotency keys), each with 1 declared event and its service; ${pendingAfterOutage} had their Slack side pending after the outage; finally ${createdChannels.length} channels created, 1 headline in each, ${teamAnnouncements.length} team-channel announcements`,
      figures: {
        'Slack calls during the test': since.length,
        'Slack call outcomes': JSON.stringify(callOutcomes),
        'Slack calls failed': `${((100 * (since.length - (callOutcomes.ok ?? 0))) / since.length).toFixed(1)}%`,
        'ack p50 (ms)': percentile(ackMs, 0.5),
        'ack max (ms)': Math.round(Math.max(...ackMs)),
        'incidents pending after the Slack outage': pendingAfterOutage,
        'Slack side caught up after Slack came back (ms)': caughtUpMs,
        'error-level log lines': errorLogs,
      },
      passed,
    });

    expect(checks).toEqual(Object.fromEntries(Object.keys(checks).map((key) => [key, true])));
    // The outage really left work for the retry job (otherwise this tested nothing).
    expect(pendingAfterOutage).toBeGreaterThan(0);
    expect(errorLogs).toBe(0);
  }, 300_000);
});
