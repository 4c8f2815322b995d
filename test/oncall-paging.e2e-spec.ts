import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FixedClock } from '@app/platform';
import { evaluateSloStatus, SLO_EVALUATED, SloEvaluatedEvent } from '@app/slo';
import { SlackPager } from '../apps/api/src/slack/slack-pager.service';
import { SlackResolution } from '../apps/api/src/slack/slack-resolution.service';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack, FakeSlackMessage } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle } from './support/slack-harness';
import { blockActionsRequest, declareViewValues, slashCommandRequest, viewSubmissionRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const ALICE = 'U01ALICE';
const BOB = 'U02BOB';
const CAROL = 'U03CAROL';
const T0 = new Date('2026-12-01T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** A local stand-in for the PagerDuty Events API v2: records every event, answers as scripted (then 202). */
class FakePagerDuty {
  readonly events: Array<Record<string, unknown>> = [];
  readonly script: Array<{ status: number; headers?: Record<string, string> }> = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const scripted = this.script.shift();
        this.events.push({ ...body, path: request.url, answeredWith: scripted?.status ?? 202 });
        response.writeHead(scripted?.status ?? 202, { 'content-type': 'application/json', ...(scripted?.headers ?? {}) });
        response.end(JSON.stringify(scripted ? { status: 'error' } : { status: 'success', dedup_key: body.dedup_key }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('on-call rotations and paging with escalation (two replicas, fake Slack, fake PagerDuty)', () => {
  const clock = new FixedClock(T0);
  let fake: FakeSlack;
  let pagerduty: FakePagerDuty;
  let first: RunningApi;
  let second: RunningApi;
  let teamChannel: string;

  const dmOf = (user: string) => `D${user.slice(1)}`;
  const pagesFor = (user: string, incidentId: string): FakeSlackMessage[] =>
    fake.messagesIn(dmOf(user)).filter((message) => JSON.stringify(message.blocks ?? []).includes(`page:${incidentId}:`));
  const idle = async () => {
    await slackIdle(first);
    await slackIdle(second);
  };
  /** Both replicas run the paging job at the same moment; returns how many steps were sent in all. */
  const tick = async (at: Date) => {
    clock.set(at);
    const sent = await Promise.all([first.app.get(SlackPager).runDueSteps(), second.app.get(SlackPager).runDueSteps()]);
    await idle();
    return sent[0] + sent[1];
  };
  const timeline = (incidentId: string, kind: string) =>
    sql<{ data: Record<string, unknown>; occurred_at: Date }>(
      first.database.url,
      'SELECT data, occurred_at FROM incident_timeline_events WHERE incident_id = $1 AND kind = $2 ORDER BY occurred_at',
      [incidentId, kind],
    );
  const click = (api: RunningApi, actionId: string, value: string, userId: string, responseUrlId: string) =>
    postToSlackEndpoint(
      api,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        { actions: [{ action_id: actionId, block_id: `page:${value}`, value }], userId, channelId: dmOf(userId), responseUrl: fake.responseUrl(responseUrlId) },
        { now: clock.now() },
      ),
    );
  const declareViaApi = async (title: string, severity: string, extra: Record<string, unknown> = {}) => {
    const response = await first.http
      .post('/api/v1/incidents')
      .set(first.admin)
      .send({ title, severity, team: 'payments', type: 'other', ...extra });
    expect(response.status).toBe(201);
    await idle();
    return response.body as { id: string; number: number };
  };

  beforeAll(async () => {
    fake = await FakeSlack.start();
    pagerduty = await new FakePagerDuty().start();
    teamChannel = fake.addChannel({ name: 'payments-team', members: [ALICE, BOB, CAROL] }).id;
    const env = { ...slackEnv(fake), PAGERDUTY_EVENTS_URL: pagerduty.url };
    first = await startApi({ env, clock });
    second = await startApi({ env, clock, database: first.database, keepDatabase: true });
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'payments', name: 'Payments', slackChannelId: teamChannel }).expect(201);
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'search', name: 'Search' }).expect(201);
    await first.http.post('/api/v1/services').set(first.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    const put = await first.http
      .put('/api/v1/teams/payments/oncall')
      .set(first.admin)
      .send({
        members: [ALICE, BOB, CAROL],
        rotationStart: '2026-12-01T09:00:00Z',
        shiftHours: 24,
        escalation: [
          { afterMinutes: 0, notify: 'oncall' },
          { afterMinutes: 10, notify: 'next' },
          { afterMinutes: 20, notify: 'channel' },
        ],
        pageSeverities: ['SEV1', 'SEV2'],
      });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await pagerduty?.close();
    await fake?.close();
  });

  describe('rotation API', () => {
    it('answers who is on call at any instant, with handoffs and overrides', async () => {
      const now = await first.http.get('/api/v1/teams/payments/oncall').set(first.admin);
      expect(now.status).toBe(200);
      expect(now.body).toMatchObject({
        team: 'payments',
        current: ALICE,
        next: BOB,
        shiftEndsAt: '2026-12-02T09:00:00.000Z',
        members: [ALICE, BOB, CAROL],
        shiftHours: 24,
      });
      const later = await first.http.get('/api/v1/teams/payments/oncall?at=2026-12-03T09:00:00Z').set(first.admin);
      expect(later.body).toMatchObject({ current: CAROL, next: ALICE });
      expect((await first.http.get('/api/v1/teams/payments/oncall?at=yesterday').set(first.admin)).body).toMatchObject({
        error: 'validation_failed',
        field: 'at',
      });
    });

    it('rejects bad rotations with 400 naming the field, and writes nothing', async () => {
      const good = { members: [ALICE], rotationStart: '2026-12-01T09:00:00Z', shiftHours: 12 };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...good, members: [] }, 'members'],
        [{ ...good, pager: 'yes' }, 'pager'],
        [{ ...good, members: ['alice'] }, 'members[0]'],
        [{ ...good, escalation: [{ afterMinutes: -5, notify: 'oncall' }] }, 'escalation[0].afterMinutes'],
        [{ ...good, escalation: [{ afterMinutes: 'ten', notify: 'oncall' }] }, 'escalation[0].afterMinutes'],
        [{ ...good, escalation: [{ afterMinutes: 0, notify: 'boss' }] }, 'escalation[0].notify'],
        [
          {
            ...good,
            overrides: [
              { from: '2026-12-05T00:00:00Z', to: '2026-12-06T00:00:00Z', member: BOB },
              { from: '2026-12-05T12:00:00Z', to: '2026-12-07T00:00:00Z', member: CAROL },
            ],
          },
          'overrides[1]',
        ],
      ];
      for (const [body, field] of cases) {
        const response = await first.http.put('/api/v1/teams/search/oncall').set(first.admin).send(body);
        expect({ status: response.status, field: response.body.field }).toEqual({ status: 400, field });
        expect(typeof response.body.message).toBe('string');
      }
      expect((await first.http.get('/api/v1/teams/search/oncall').set(first.admin)).status).toBe(404);
    });

    it("lets a team token read and change only its own team's rotation", async () => {
      const issued = await first.http.post('/api/v1/teams/search/tokens').set(first.admin).send({ name: 'search-bot' }).expect(201);
      const search = { Authorization: `Bearer ${issued.body.token}` };
      expect((await first.http.get('/api/v1/teams/payments/oncall').set(search)).status).toBe(403);
      const foreign = await first.http
        .put('/api/v1/teams/payments/oncall')
        .set(search)
        .send({ members: [CAROL], rotationStart: '2026-12-01T09:00:00Z', shiftHours: 1 });
      expect(foreign.status).toBe(403);
      expect((await first.http.get('/api/v1/teams/payments/oncall').set(first.admin)).body.members).toEqual([ALICE, BOB, CAROL]);
      const own = await first.http
        .put('/api/v1/teams/search/oncall')
        .set(search)
        .send({ members: [CAROL], rotationStart: '2026-12-01T09:00:00Z', shiftHours: 8, pageSeverities: ['SEV1'] });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ current: CAROL, pageSeverities: ['SEV1'] });
      expect((await first.http.get('/api/v1/teams/search/oncall')).status).toBe(401);
    });
  });

  it('SLO burn → page DM to the on-call → no ack → next step exactly once across two replicas → Acknowledge stops it', async () => {
    clock.set(T0);
    const counts = { bad: 200, total: 1000 };
    const status = evaluateSloStatus({
      sloId: '00000000-0000-4000-8000-000000000001',
      objective: 0.999,
      window: '28d',
      now: T0,
      counts: { '5m': counts, '30m': counts, '1h': counts, '2h': counts, '6h': counts, '1d': counts, '3d': counts, '28d': counts },
    });
    const event: SloEvaluatedEvent = {
      slo: {
        id: '00000000-0000-4000-8000-000000000001',
        name: 'checkout-availability',
        objective: 0.999,
        window: '28d',
        policy: { openIncident: true, severity: 'SEV1' },
        service: { id: '00000000-0000-4000-8000-000000000002', slug: 'checkout', name: 'Checkout' },
        team: { id: '00000000-0000-4000-8000-000000000003', slug: 'payments' },
      },
      previousStatus: null,
      status,
    };
    await first.app.get(EventEmitter2).emitAsync(SLO_EVALUATED, event);
    await idle();
    const [incident] = await sql<{ id: string; slack_channel_id: string; acknowledged_at: Date | null }>(
      first.database.url,
      "SELECT id, slack_channel_id, acknowledged_at FROM incidents WHERE source = 'slo'",
    );
    expect(incident.acknowledged_at).toBeNull();

    // Step 1: Alice (on call) gets one DM with both buttons, and is invited to the incident channel.
    expect(pagesFor(ALICE, incident.id)).toHaveLength(1);
    const page = pagesFor(ALICE, incident.id)[0];
    const actions = (page.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((block) => block.type === 'actions');
    expect(actions?.elements?.map((element) => element.action_id)).toEqual(['incident_acknowledge', 'incident_escalate']);
    expect(fake.calls('conversations.open').some((call) => call.args.users === ALICE)).toBe(true);
    await tick(minutes(1));
    expect(fake.channels.get(incident.slack_channel_id)?.members.has(ALICE)).toBe(true);

    // Nobody acknowledges: at +10 min Bob is paged, once, although both replicas run the job.
    expect(await tick(minutes(9))).toBe(0);
    expect(pagesFor(BOB, incident.id)).toHaveLength(0);
    expect(await tick(minutes(10))).toBe(1);
    expect(await tick(minutes(10.5))).toBe(0);
    expect(pagesFor(BOB, incident.id)).toHaveLength(1);
    expect(fake.channels.get(incident.slack_channel_id)?.members.has(BOB)).toBe(true);

    // Bob clicks Acknowledge twice, on both replicas at once: one acknowledgement.
    clock.set(minutes(12));
    const bobPage = pagesFor(BOB, incident.id)[0];
    const value = `${incident.id}:1`;
    const answers = await Promise.all([click(first, 'incident_acknowledge', value, BOB, 'ack-1'), click(second, 'incident_acknowledge', value, BOB, 'ack-2')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await idle();
    expect(await timeline(incident.id, 'acknowledged')).toHaveLength(1);
    const [acknowledged] = await sql<{ acknowledged_at: Date; acknowledged_via: string; acknowledged_by: string }>(
      first.database.url,
      'SELECT acknowledged_at, acknowledged_via, acknowledged_by FROM incidents WHERE id = $1',
      [incident.id],
    );
    expect(acknowledged.acknowledged_at.toISOString()).toBe(minutes(12).toISOString());
    // MTTA counts this one: a person acknowledged it (issue 21 item 8).
    expect([acknowledged.acknowledged_via, acknowledged.acknowledged_by]).toEqual(['person', `slack:${BOB}`]);
    expect(fake.findMessage(dmOf(BOB), bobPage.ts)?.text).toContain(`acknowledged by <@${BOB}>`);

    // Escalation stopped: no @here in the team channel at +20 min and later.
    expect(await tick(minutes(25))).toBe(0);
    expect(fake.messagesIn(teamChannel).filter((message) => message.text.includes('<!here>'))).toHaveLength(0);
    const paged = await timeline(incident.id, 'paged');
    expect(paged.map((row) => row.data.slackUserId)).toEqual([ALICE, BOB]);

    // A late Escalate click on the acknowledged page changes nothing and says why.
    const late = await click(first, 'incident_escalate', `${incident.id}:0`, ALICE, 'late-escalate');
    expect(late.status).toBe(200);
    await idle();
    expect(fake.calls('response_url').some((call) => call.responseUrlId === 'late-escalate' && String(call.args.text).includes('already acknowledged'))).toBe(
      true,
    );
    expect(await timeline(incident.id, 'escalated')).toHaveLength(0);
  });

  it('escalates to the team channel with @here, and Escalate runs the next step once on a double click', async () => {
    clock.set(minutes(40));
    const incident = await declareViaApi('Card payments failing', 'SEV2');
    expect(pagesFor(ALICE, incident.id)).toHaveLength(1);
    clock.set(minutes(41));
    await Promise.all([
      click(first, 'incident_escalate', `${incident.id}:0`, ALICE, 'esc-1'),
      click(second, 'incident_escalate', `${incident.id}:0`, ALICE, 'esc-2'),
    ]);
    await idle();
    expect(pagesFor(BOB, incident.id)).toHaveLength(1);
    expect(await timeline(incident.id, 'escalated')).toHaveLength(1);
    expect(await tick(minutes(60))).toBe(1);
    const here = fake.messagesIn(teamChannel).filter((message) => message.text.includes('<!here>') && message.text.includes(`INC-${incident.number}`));
    expect(here).toHaveLength(1);
    expect(here[0].text).toContain('Card payments failing');
  });

  it('never puts the title of a private incident in the team channel', async () => {
    clock.set(minutes(70));
    const incident = await declareViaApi('Fraud ring targeting ACME Corp', 'SEV1', { visibility: 'private' });
    expect(await tick(minutes(100))).toBe(2);
    const teamMessages = fake.messagesIn(teamChannel).filter((message) => message.text.includes(`INC-${incident.number}`));
    expect(teamMessages.length).toBeGreaterThan(0);
    for (const message of teamMessages) expect(JSON.stringify([message.text, message.blocks])).not.toContain('Fraud ring');
  });

  it('survives Slack 429 and 500 while paging, and a lost answer never doubles a page', async () => {
    const onlyDm = (args: Record<string, unknown>) => String(args.channel).startsWith('D');
    clock.set(minutes(120));
    fake.script('chat.postMessage', { kind: 'rate_limit', retryAfterSeconds: 1 }, 1, onlyDm);
    fake.script('chat.postMessage', { kind: 'http_error', status: 500 }, 1, onlyDm);
    const throttled = await declareViaApi('Refunds slow', 'SEV2');
    expect(pagesFor(ALICE, throttled.id)).toHaveLength(0);
    const [step] = await sql<{ state: string; error: string }>(
      first.database.url,
      'SELECT state, error FROM incident_page_steps WHERE incident_id = $1 AND step_index = 0',
      [throttled.id],
    );
    expect(step).toEqual({ state: 'pending', error: 'http_500' });
    expect(await tick(new Date(minutes(120).getTime() + 5_000))).toBe(1);
    expect(pagesFor(ALICE, throttled.id)).toHaveLength(1);
    await click(first, 'incident_acknowledge', `${throttled.id}:0`, ALICE, 'throttled-ack');
    await idle();

    clock.set(minutes(130));
    fake.script('chat.postMessage', { kind: 'lose_answer' }, 1, onlyDm);
    const lost = await declareViaApi('Payouts delayed', 'SEV2');
    expect(pagesFor(ALICE, lost.id)).toHaveLength(1);
    expect(await tick(new Date(minutes(130).getTime() + 5_000))).toBe(1);
    expect(pagesFor(ALICE, lost.id)).toHaveLength(1);
    expect(await timeline(lost.id, 'paged')).toHaveLength(1);
  });

  it('does not page for severities the team does not page for, nor for a button of an incident that is gone', async () => {
    clock.set(minutes(140));
    const quiet = await declareViaApi('Typo in receipts', 'SEV4');
    expect(pagesFor(ALICE, quiet.id)).toHaveLength(0);
    // Imported history (announce: false) pages nobody, neither at once nor when the scheduler looks for owed pages.
    const imported = await declareViaApi('Outage from last month', 'SEV1', { announce: false });
    await Promise.all([first.app.get(SlackPager).runDueSteps(), second.app.get(SlackPager).runDueSteps()]);
    await idle();
    expect(pagesFor(ALICE, imported.id)).toHaveLength(0);
    expect(await sql(first.database.url, 'SELECT 1 FROM incident_paging WHERE incident_id = $1', [imported.id])).toHaveLength(0);
    const gone = await click(first, 'incident_acknowledge', '00000000-0000-4000-8000-0000000000ff:0', ALICE, 'gone');
    expect(gone.status).toBe(200);
    await idle();
    expect(fake.calls('response_url').some((call) => call.responseUrlId === 'gone' && String(call.args.text).includes('no longer exists'))).toBe(true);
  });

  it('posts each handoff once in the team channel across replicas', async () => {
    clock.set(new Date('2026-12-02T09:00:30Z'));
    const posted = await Promise.all([first.app.get(SlackPager).postDueHandoffs(), second.app.get(SlackPager).postDueHandoffs()]);
    expect(posted[0] + posted[1]).toBe(1);
    const handoffs = fake.messagesIn(teamChannel).filter((message) => message.text.includes('On-call handoff'));
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0].text).toContain(`<@${BOB}> is on call now`);
    clock.set(new Date('2026-12-02T09:05:00Z'));
    expect((await first.app.get(SlackPager).postDueHandoffs()) + (await second.app.get(SlackPager).postDueHandoffs())).toBe(0);
  });

  it('on resolve posts duration, MTTA and MTTR, and archives the channel once after SLACK_ARCHIVE_AFTER_HOURS', async () => {
    clock.set(new Date('2026-12-02T10:00:00Z'));
    const incident = await declareViaApi('Checkout latency', 'SEV3');
    const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [incident.id]);
    clock.set(new Date('2026-12-02T11:30:00Z'));
    await first.http.patch(`/api/v1/incidents/${incident.id}`).set(first.admin).send({ status: 'resolved' }).expect(200);
    await idle();
    const summary = fake.messagesIn(row.slack_channel_id).find((message) => message.text.includes('resolved* after'));
    expect(summary?.text).toContain('after 1.5 h');
    expect(summary?.text).toContain('MTTA');
    expect(summary?.text).toContain('archived in 24 h');

    clock.set(new Date('2026-12-03T11:29:00Z'));
    expect((await first.app.get(SlackResolution).archiveDueChannels()) + (await second.app.get(SlackResolution).archiveDueChannels())).toBe(0);
    clock.set(new Date('2026-12-03T11:30:00Z'));
    const archived = await Promise.all([first.app.get(SlackResolution).archiveDueChannels(), second.app.get(SlackResolution).archiveDueChannels()]);
    expect(archived[0] + archived[1]).toBe(1);
    expect(fake.channels.get(row.slack_channel_id)?.isArchived).toBe(true);
  });

  it('triggers, acknowledges and resolves through PagerDuty (dedup_key = incident id), retrying a 429 and reporting a 400 on the timeline', async () => {
    await first.http
      .put('/api/v1/teams/payments/oncall')
      .set(first.admin)
      .send({
        members: [ALICE, BOB, CAROL],
        rotationStart: '2026-12-01T09:00:00Z',
        shiftHours: 24,
        escalation: [
          { afterMinutes: 0, notify: 'oncall' },
          { afterMinutes: 10, notify: 'next' },
        ],
        pageSeverities: ['SEV1', 'SEV2'],
        pagerdutyRoutingKey: 'R0UTINGKEY0123456789',
      })
      .expect(200);
    clock.set(new Date('2026-12-03T12:00:00Z'));
    pagerduty.script.push({ status: 429, headers: { 'retry-after': '0' } });
    const incident = await declareViaApi('Wallet top-ups failing', 'SEV1');
    expect(pagesFor(CAROL, incident.id)).toHaveLength(1);
    const triggers = pagerduty.events.filter((event) => event.dedup_key === incident.id && event.event_action === 'trigger');
    expect(triggers.map((event) => event.answeredWith)).toEqual([429, 202]);
    expect(triggers[1]).toMatchObject({ routing_key: 'R0UTINGKEY0123456789', path: '/v2/enqueue', payload: { severity: 'critical' } });

    clock.set(new Date('2026-12-03T12:03:00Z'));
    pagerduty.script.push({ status: 400 });
    await click(first, 'incident_acknowledge', `${incident.id}:0`, CAROL, 'pd-ack');
    await idle();
    const outcomes = (await timeline(incident.id, 'pagerduty')).map((row) => `${row.data.action}: ${String(row.data.outcome)}`);
    expect(outcomes[0]).toMatch(/^trigger: accepted \(http 202, 2 attempts\)/);
    expect(outcomes[1]).toMatch(/^acknowledge: rejected \(http 400/);

    clock.set(new Date('2026-12-03T12:30:00Z'));
    await first.http.patch(`/api/v1/incidents/${incident.id}`).set(first.admin).send({ status: 'resolved' }).expect(200);
    await idle();
    expect(pagerduty.events.filter((event) => event.dedup_key === incident.id).map((event) => event.event_action)).toEqual([
      'trigger',
      'trigger',
      'acknowledge',
      'resolve',
    ]);
  });

  it('slash commands: oncall anywhere; ack stops paging once; sev, title, type and resolve as aliases', async () => {
    clock.set(new Date('2026-12-04T10:00:00Z'));
    const command = (text: string, channelId: string, userId = ALICE) =>
      postToSlackEndpoint(
        first,
        slashCommandRequest(SLACK_SIGNING_SECRET, { text, channelId, userId, responseUrl: fake.responseUrl(`cmd-${text}`) }, { now: clock.now() }),
      );
    const oncall = await command('oncall', teamChannel);
    expect(oncall.status).toBe(200);
    expect(oncall.body.text).toContain(`*payments*: <@${ALICE}>, then <@${BOB}> from 2026-12-05T09:00:00Z`);
    expect(oncall.body.text).toContain(`*search*: <@${CAROL}>`);

    const incident = await declareViaApi('Basket empty after login', 'SEV1');
    expect(pagesFor(ALICE, incident.id)).toHaveLength(1);
    const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [incident.id]);
    clock.set(new Date('2026-12-04T10:02:00Z'));
    const ack = await command('ack', row.slack_channel_id);
    expect(ack.body).toMatchObject({ response_type: 'in_channel' });
    expect(ack.body.text).toContain('paging stopped');
    expect((await command('ack', row.slack_channel_id, BOB)).body.text).toContain(`already acknowledged by <@${ALICE}>`);
    await idle();
    await tick(new Date('2026-12-04T11:00:00Z'));
    expect(pagesFor(BOB, incident.id)).toHaveLength(0);
    const [paging] = await sql<{ acknowledged_by: string }>(first.database.url, 'SELECT acknowledged_by FROM incident_paging WHERE incident_id = $1', [
      incident.id,
    ]);
    expect(paging.acknowledged_by).toBe(ALICE);
    const steps = await sql<{ state: string }>(first.database.url, 'SELECT state FROM incident_page_steps WHERE incident_id = $1 ORDER BY step_index', [
      incident.id,
    ]);
    expect(steps.map((step) => step.state)).toEqual(['sent', 'cancelled']);
    expect((await timeline(incident.id, 'acknowledged')).map((event) => event.data.via)).toEqual(['slash_command']);

    expect((await command('sev2', row.slack_channel_id)).status).toBe(200);
    expect((await command('title Basket emptied for EU users', row.slack_channel_id)).body.text).toContain('renamed');
    expect((await command('type deploy', row.slack_channel_id)).body.text).toContain('`deploy`');
    expect((await command('resolve Rolled back', row.slack_channel_id)).body.response_type).toBe('in_channel');
    await idle();
    const [after] = await sql<{ severity: string; title: string; type: string; status: string }>(
      first.database.url,
      'SELECT severity, title, type, status FROM incidents WHERE id = $1',
      [incident.id],
    );
    expect(after).toEqual({ severity: 'SEV2', title: 'Basket emptied for EU users', type: 'deploy', status: 'resolved' });
    expect((await command('ack', row.slack_channel_id)).body.text).toContain('already resolved');
  });

  it('headline buttons: Update, Resolve and Edit open their modals; submissions change the incident once', async () => {
    clock.set(new Date('2026-12-05T10:00:00Z'));
    const incident = await declareViaApi('Search results stale', 'SEV3', { services: ['checkout'] });
    const [row] = await sql<{ slack_channel_id: string; slack_headline_ts: string }>(
      first.database.url,
      'SELECT slack_channel_id, slack_headline_ts FROM incidents WHERE id = $1',
      [incident.id],
    );
    const headline = fake.findMessage(row.slack_channel_id, row.slack_headline_ts);
    const buttons = (headline?.blocks as Array<{ type: string; elements?: Array<{ action_id: string }> }>).find((block) => block.type === 'actions');
    expect(buttons?.elements?.map((element) => element.action_id)).toEqual([
      'incident_acknowledge',
      'incident_update_open',
      'incident_resolve_open',
      'incident_edit_open',
    ]);

    const press = async (actionId: string) => {
      const opened = fake.calls('views.open').length;
      const answer = await postToSlackEndpoint(
        first,
        blockActionsRequest(
          SLACK_SIGNING_SECRET,
          {
            actions: [{ action_id: actionId, block_id: `headline:${incident.id}`, value: `${incident.id}:0` }],
            userId: BOB,
            channelId: row.slack_channel_id,
            messageTs: row.slack_headline_ts,
          },
          { now: clock.now() },
        ),
      );
      expect(answer.status).toBe(200);
      await idle();
      const call = fake.calls('views.open')[opened];
      const view = call.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string; text?: { text: string } }> };
      return { viewId: (call.response?.body as { view: { id: string } }).view.id, view };
    };
    const submit = (callbackId: string, viewId: string, values: Record<string, Record<string, unknown>>) =>
      postToSlackEndpoint(
        first,
        viewSubmissionRequest(
          SLACK_SIGNING_SECRET,
          { callbackId, viewId, privateMetadata: incident.id, userId: BOB, values: values as never },
          { now: clock.now() },
        ),
      );

    const update = await press('incident_update_open');
    expect(update.view.callback_id).toBe('incident_update');
    expect(update.view.blocks.map((block) => block.block_id)).toEqual(expect.arrayContaining(['status', 'public_text', 'internal_text', 'severity']));
    const updated = await submit('incident_update', update.viewId, {
      status: { value: { type: 'static_select', selected_option: { value: 'identified' } } },
      public_text: { value: { type: 'plain_text_input', value: 'We found the cause.' } },
      internal_text: { value: { type: 'plain_text_input', value: 'Index rebuild stuck on node 3' } },
      severity: { value: { type: 'static_select', selected_option: { value: 'SEV2' } } },
    });
    expect(updated.status).toBe(200);
    await idle();
    const [afterUpdate] = await sql<{ status: string; severity: string }>(first.database.url, 'SELECT status, severity FROM incidents WHERE id = $1', [
      incident.id,
    ]);
    expect(afterUpdate).toEqual({ status: 'identified', severity: 'SEV2' });
    const notes = await sql<{ kind: string; body: string; public: boolean }>(
      first.database.url,
      "SELECT kind, body, public FROM incident_timeline_events WHERE incident_id = $1 AND kind IN ('public_update', 'internal_note') ORDER BY created_at",
      [incident.id],
    );
    expect(notes).toEqual([
      { kind: 'public_update', body: 'We found the cause.', public: true },
      { kind: 'internal_note', body: 'Index rebuild stuck on node 3', public: false },
    ]);

    const edit = await press('incident_edit_open');
    expect(edit.view.callback_id).toBe('incident_edit');
    const refused = await submit('incident_edit', edit.viewId, {
      title: { value: { type: 'plain_text_input', value: 'Search results stale in EU' } },
      type: { value: { type: 'static_select', selected_option: { value: 'no-such-type' } } },
      visibility: { value: { type: 'static_select', selected_option: { value: 'internal' } } },
    });
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { type: expect.any(String) } });
    const edited = await submit('incident_edit', edit.viewId, {
      title: { value: { type: 'plain_text_input', value: 'Search results stale in EU' } },
      type: { value: { type: 'static_select', selected_option: { value: 'capacity' } } },
      services: { value: { type: 'multi_static_select', selected_options: [] } },
      visibility: { value: { type: 'static_select', selected_option: { value: 'private' } } },
    });
    expect(edited.status).toBe(200);
    await idle();
    const [afterEdit] = await sql<{ title: string; type: string; visibility: string }>(
      first.database.url,
      'SELECT title, type, visibility FROM incidents WHERE id = $1',
      [incident.id],
    );
    expect(afterEdit).toEqual({ title: 'Search results stale in EU', type: 'capacity', visibility: 'private' });
    expect(await sql(first.database.url, 'SELECT 1 FROM incident_services WHERE incident_id = $1', [incident.id])).toHaveLength(0);

    clock.set(new Date('2026-12-05T10:45:00Z'));
    const resolve = await press('incident_resolve_open');
    expect(resolve.view.callback_id).toBe('incident_resolve');
    expect(resolve.view.blocks[0].text?.text).toContain('45 min');
    const resolving = {
      type: { value: { type: 'static_select', selected_option: { value: 'capacity' } } },
      resolution_note: { value: { type: 'plain_text_input', value: 'Rebuilt the index' } },
    };
    const both = await Promise.all([submit('incident_resolve', resolve.viewId, resolving), submit('incident_resolve', resolve.viewId, resolving)]);
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);
    await idle();
    const [afterResolve] = await sql<{ status: string }>(first.database.url, 'SELECT status FROM incidents WHERE id = $1', [incident.id]);
    expect(afterResolve.status).toBe('resolved');
    expect(await timeline(incident.id, 'status_changed').then((rows) => rows.filter((event) => event.data.to === 'resolved'))).toHaveLength(1);
    const pressLate = await postToSlackEndpoint(
      first,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        {
          actions: [{ action_id: 'incident_update_open', block_id: `headline:${incident.id}`, value: `${incident.id}:0` }],
          userId: BOB,
          channelId: row.slack_channel_id,
          responseUrl: fake.responseUrl('late-update'),
        },
        { now: clock.now() },
      ),
    );
    expect(pressLate.status).toBe(200);
    await idle();
    expect(fake.calls('response_url').some((call) => call.responseUrlId === 'late-update' && String(call.args.text).includes('already resolved'))).toBe(true);
  });

  it('status text stays internal until someone publishes it through the Publish update modal, which shows the exact public text', async () => {
    clock.set(new Date('2026-12-05T12:00:00Z'));
    const incident = await declareViaApi('Checkout slow', 'SEV3', { visibility: 'public' });
    const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [incident.id]);
    const status = await postToSlackEndpoint(
      first,
      slashCommandRequest(
        SLACK_SIGNING_SECRET,
        { text: 'status identified Rolled back v42', channelId: row.slack_channel_id, userId: BOB, responseUrl: fake.responseUrl('status-note') },
        { now: clock.now() },
      ),
    );
    expect(status.body.response_type).toBe('in_channel');
    expect(status.body.text).toContain('Internal note: not on the status page');
    expect(JSON.stringify(status.body.blocks)).toContain('incident_publish_open');
    const kinds = async () =>
      (
        await sql<{ kind: string; body: string }>(
          first.database.url,
          "SELECT kind, body FROM incident_timeline_events WHERE incident_id = $1 AND kind IN ('public_update', 'internal_note') ORDER BY created_at",
          [incident.id],
        )
      ).map((event) => `${event.kind}: ${event.body}`);
    // A public incident's first public update is its summary (the default wording when it has none); the status text is internal.
    const FIRST = 'public_update: We are currently investigating this issue.';
    expect(await kinds()).toEqual([FIRST, 'internal_note: Rolled back v42']);

    const opened = fake.calls('views.open').length;
    await postToSlackEndpoint(
      first,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        {
          actions: [{ action_id: 'incident_publish_open', block_id: `publish:${incident.id}`, value: `${incident.id}:0` }],
          userId: BOB,
          channelId: row.slack_channel_id,
        },
        { now: clock.now() },
      ),
    ).expect(200);
    await idle();
    const call = fake.calls('views.open')[opened];
    const view = call.args.view as { callback_id: string; blocks: unknown[] };
    expect(view.callback_id).toBe('incident_publish');
    expect(JSON.stringify(view.blocks)).toContain('This text goes to the public status page');
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"Rolled back v42"');
    expect(JSON.stringify(view.blocks)).toContain('No component is marked affected');
    const viewId = (call.response?.body as { view: { id: string } }).view.id;
    const published = await postToSlackEndpoint(
      first,
      viewSubmissionRequest(
        SLACK_SIGNING_SECRET,
        {
          callbackId: 'incident_publish',
          viewId,
          privateMetadata: incident.id,
          userId: BOB,
          values: { public_text: { value: { type: 'plain_text_input', value: 'We rolled back the release; checkout is recovering.' } } } as never,
        },
        { now: clock.now() },
      ),
    );
    expect(published.status).toBe(200);
    await idle();
    expect(await kinds()).toEqual([FIRST, 'internal_note: Rolled back v42', 'public_update: We rolled back the release; checkout is recovering.']);
    expect(fake.messagesIn(row.slack_channel_id).some((message) => message.text.includes('public: on the status page now'))).toBe(true);
  });

  it('the declare modal names affected components and their status; the Slack declarer leads and is paged for a paging severity', async () => {
    clock.set(new Date('2026-12-05T14:00:00Z'));
    const component = await first.http.post('/api/v1/status/components').set(first.admin).send({ name: 'Checkout API' }).expect(201);
    const form = await openDeclareForm(first, fake, { userId: CAROL, channelId: teamChannel }, { now: clock.now() });
    const view = fake.views.get(form.viewId)?.view as { blocks: Array<{ block_id?: string }> };
    expect(view.blocks.map((block) => block.block_id)).toEqual(expect.arrayContaining(['declare_components', 'declare_component_status']));
    const values = {
      ...declareViewValues({ title: 'Checkout API timing out', severity: 'SEV2', team: 'payments', type: 'other' }),
      declare_components: { components: { type: 'multi_static_select', selected_options: [{ value: component.body.id }] } },
      declare_component_status: { component_status: { type: 'static_select', selected_option: { value: 'major_outage' } } },
    };
    const submitted = await postToSlackEndpoint(
      first,
      viewSubmissionRequest(
        SLACK_SIGNING_SECRET,
        { viewId: form.viewId, privateMetadata: form.privateMetadata, userId: CAROL, values: values as never },
        { now: clock.now() },
      ),
    );
    expect(submitted.status).toBe(200);
    await idle();
    const [incident] = await sql<{ id: string; commander: string }>(
      first.database.url,
      "SELECT id, commander FROM incidents WHERE title = 'Checkout API timing out'",
    );
    expect(incident.commander).toBe(CAROL);
    const affected = await sql<{ component_id: string; status: string }>(
      first.database.url,
      'SELECT component_id, status FROM incident_affected_components WHERE incident_id = $1',
      [incident.id],
    );
    expect(affected).toEqual([{ component_id: component.body.id, status: 'major_outage' }]);
    // A Slack declaration pages the on-call like any other source (2026-12-05 14:00 is Bob's shift).
    expect(pagesFor(BOB, incident.id)).toHaveLength(1);
  });
});
