import { FixedClock } from '@app/platform';
import { PRESS_LEASE_MS, SlackButtonPresses } from '../apps/api/src/slack/slack-button-presses';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle } from './support/slack-harness';
import { blockActionsRequest, viewSubmissionRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const ALICE = 'U01ALICE';
const BOB = 'U02BOB';
const T0 = new Date('2026-12-02T10:00:00Z');

/**
 * Issue 21: modal submissions are claimed by view id (a double "Update" adds
 * the note once), and Acknowledge / Escalate presses are answered before any
 * database work, then stored and handled exactly once, again after a crash.
 * Two replicas on one database, the fake Slack Web API, signed payloads.
 */
describe('Slack interactions claimed in PostgreSQL (view submissions, button presses)', () => {
  const clock = new FixedClock(T0);
  let fake: FakeSlack;
  let first: RunningApi;
  let second: RunningApi;

  const dmOf = (user: string) => `D${user.slice(1)}`;
  const idle = async () => {
    await slackIdle(first);
    await slackIdle(second);
  };
  const events = (incidentId: string, kind: string) =>
    sql<{ body: string | null; data: Record<string, unknown> }>(
      first.database.url,
      'SELECT body, data FROM incident_timeline_events WHERE incident_id = $1 AND kind = $2 ORDER BY created_at',
      [incidentId, kind],
    );
  const declare = async (title: string, severity: string, extra: Record<string, unknown> = {}) => {
    const response = await first.http
      .post('/api/v1/incidents')
      .set(first.admin)
      .send({ title, severity, team: 'payments', type: 'other', ...extra });
    expect(response.status).toBe(201);
    await idle();
    return response.body as { id: string; number: number };
  };
  const submit = (api: RunningApi, callbackId: string, viewId: string, incidentId: string, values: Record<string, unknown>) =>
    postToSlackEndpoint(
      api,
      viewSubmissionRequest(
        SLACK_SIGNING_SECRET,
        { callbackId, viewId, privateMetadata: incidentId, userId: BOB, values: values as never },
        { now: clock.now() },
      ),
    );
  const press = (api: RunningApi, actionId: string, value: string, userId: string) =>
    postToSlackEndpoint(
      api,
      blockActionsRequest(
        SLACK_SIGNING_SECRET,
        {
          actions: [{ action_id: actionId, block_id: `page:${value}`, value }],
          userId,
          channelId: dmOf(userId),
          responseUrl: fake.responseUrl(`${userId}-${value}`),
        },
        { now: clock.now() },
      ),
    );

  beforeAll(async () => {
    fake = await FakeSlack.start();
    const teamChannel = fake.addChannel({ name: 'payments-team', members: [ALICE, BOB] }).id;
    first = await startApi({ env: slackEnv(fake), clock });
    second = await startApi({ env: slackEnv(fake), clock, database: first.database, keepDatabase: true });
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'payments', name: 'Payments', slackChannelId: teamChannel }).expect(201);
    await first.http
      .put('/api/v1/teams/payments/oncall')
      .set(first.admin)
      .send({
        members: [ALICE, BOB],
        rotationStart: '2026-12-01T09:00:00Z',
        shiftHours: 168,
        escalation: [
          { afterMinutes: 0, notify: 'oncall' },
          { afterMinutes: 10, notify: 'next' },
        ],
        pageSeverities: ['SEV1'],
      })
      .expect(200);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await fake?.close();
  });

  it('a double Update submission (again, and at once on two replicas) adds the note and the update once', async () => {
    const incident = await declare('Card payments failing', 'SEV3');
    const values = {
      status: { value: { type: 'static_select', selected_option: { value: 'identified' } } },
      internal_text: { value: { type: 'plain_text_input', value: 'Acquirer timeouts on node 2' } },
    };
    const once = await submit(first, 'incident_update', 'V0UPDATE0001', incident.id, values);
    expect(once.status).toBe(200);
    const again = await submit(second, 'incident_update', 'V0UPDATE0001', incident.id, values);
    expect(again.status).toBe(200);
    expect(again.text).toBe('');
    await idle();
    expect((await events(incident.id, 'internal_note')).map((event) => event.body)).toEqual(['Acquirer timeouts on node 2']);

    const concurrent = { internal_text: { value: { type: 'plain_text_input', value: 'Failing over to acquirer B' } } };
    const both = await Promise.all([
      submit(first, 'incident_update', 'V0UPDATE0002', incident.id, concurrent),
      submit(second, 'incident_update', 'V0UPDATE0002', incident.id, concurrent),
      submit(first, 'incident_update', 'V0UPDATE0002', incident.id, concurrent),
    ]);
    expect(both.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await idle();
    expect((await events(incident.id, 'internal_note')).map((event) => event.body)).toEqual(['Acquirer timeouts on node 2', 'Failing over to acquirer B']);
    expect(await events(incident.id, 'status_changed')).toHaveLength(1);
    // The same modal's other callback (a different modal kind) is its own claim.
    expect(await sql(first.database.url, "SELECT 1 FROM slack_view_submissions WHERE view_id IN ('V0UPDATE0001', 'V0UPDATE0002')")).toHaveLength(2);
  });

  it('Publish and Edit submissions apply once; a refused one can be corrected from the same modal', async () => {
    const incident = await declare('Checkout latency', 'SEV3', { visibility: 'public' });
    const text = { public_text: { value: { type: 'plain_text_input', value: 'Payments are slower than usual; we are on it.' } } };
    const published = await Promise.all([
      submit(first, 'incident_publish', 'V0PUBLISH01', incident.id, text),
      submit(second, 'incident_publish', 'V0PUBLISH01', incident.id, text),
    ]);
    expect(published.map((answer) => answer.status)).toEqual([200, 200]);
    await idle();
    const updates = (await events(incident.id, 'public_update')).map((event) => event.body);
    expect(updates.filter((body) => body === 'Payments are slower than usual; we are on it.')).toHaveLength(1);

    const refused = await submit(first, 'incident_edit', 'V0EDIT00001', incident.id, {
      title: { value: { type: 'plain_text_input', value: 'Checkout latency in EU' } },
      type: { value: { type: 'static_select', selected_option: { value: 'no-such-type' } } },
    });
    expect(refused.body).toMatchObject({ response_action: 'errors', errors: { type: expect.any(String) } });
    const edit = {
      title: { value: { type: 'plain_text_input', value: 'Checkout latency in EU' } },
      visibility: { value: { type: 'static_select', selected_option: { value: 'internal' } } },
    };
    const edits = await Promise.all([
      submit(first, 'incident_edit', 'V0EDIT00001', incident.id, edit),
      submit(second, 'incident_edit', 'V0EDIT00001', incident.id, edit),
    ]);
    expect(edits.map((answer) => answer.status)).toEqual([200, 200]);
    await idle();
    expect(await events(incident.id, 'visibility_changed')).toHaveLength(1);
    const [row] = await sql<{ title: string; visibility: string }>(first.database.url, 'SELECT title, visibility FROM incidents WHERE id = $1', [incident.id]);
    expect(row).toEqual({ title: 'Checkout latency in EU', visibility: 'internal' });
  });

  it('Resolve with a note submitted twice at once resolves once with one note', async () => {
    const incident = await declare('Refunds stuck', 'SEV3');
    const resolving = {
      type: { value: { type: 'static_select', selected_option: { value: 'other' } } },
      resolution_note: { value: { type: 'plain_text_input', value: 'Replayed the refund queue' } },
    };
    const both = await Promise.all([
      submit(first, 'incident_resolve', 'V0RESOLVE01', incident.id, resolving),
      submit(second, 'incident_resolve', 'V0RESOLVE01', incident.id, resolving),
    ]);
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);
    await idle();
    expect((await events(incident.id, 'internal_note')).map((event) => event.body)).toEqual(['Replayed the refund queue']);
    const [row] = await sql<{ status: string }>(first.database.url, 'SELECT status FROM incidents WHERE id = $1', [incident.id]);
    expect(row.status).toBe('resolved');
  });

  it('Acknowledge pressed twice on both replicas: four 200s, four stored presses, one acknowledgement', async () => {
    clock.set(T0);
    const incident = await declare('Checkout down', 'SEV1');
    expect(fake.messagesIn(dmOf(ALICE)).filter((message) => JSON.stringify(message.blocks ?? []).includes(`page:${incident.id}:0`))).toHaveLength(1);
    const value = `${incident.id}:0`;
    const answers = await Promise.all([
      press(first, 'incident_acknowledge', value, ALICE),
      press(first, 'incident_acknowledge', value, ALICE),
      press(second, 'incident_acknowledge', value, ALICE),
      press(second, 'incident_acknowledge', value, ALICE),
    ]);
    expect(answers.map((answer) => [answer.status, answer.text])).toEqual([
      [200, ''],
      [200, ''],
      [200, ''],
      [200, ''],
    ]);
    await idle();
    expect(await events(incident.id, 'acknowledged')).toHaveLength(1);
    const presses = await sql<{ done_at: Date | null; attempts: number }>(
      first.database.url,
      'SELECT done_at, attempts FROM slack_button_presses WHERE incident_id = $1',
      [incident.id],
    );
    expect(presses).toHaveLength(4);
    expect(presses.every((row) => row.done_at !== null && row.attempts === 1)).toBe(true);
    const [acknowledged] = await sql<{ acknowledged_at: Date }>(first.database.url, 'SELECT acknowledged_at FROM incidents WHERE id = $1', [incident.id]);
    expect(acknowledged.acknowledged_at.toISOString()).toBe(T0.toISOString());
  });

  it('a press stored by a process that died is handled once by another replica after its lease, and finishes a half-done acknowledgement', async () => {
    clock.set(new Date(T0.getTime() + 60 * 60_000));
    const incident = await declare('Login errors', 'SEV1');
    const stored = (key: string, lease: Date | null, attempts: number) =>
      sql(
        first.database.url,
        `INSERT INTO slack_button_presses (press_key, action, incident_id, step_index, user_id, user_name, reply, received_at, attempts, lease_until)
         VALUES ($1, 'incident_acknowledge', $2, 0, $3, 'alice', $4, $5, $6, $7)`,
        [key, incident.id, ALICE, JSON.stringify({ userId: ALICE, responseUrl: null, channelId: dmOf(ALICE) }), clock.now(), attempts, lease],
      );
    // The dead process had won the compare-and-set, then stopped before the incident was acknowledged.
    await sql(first.database.url, 'UPDATE incident_paging SET acknowledged_at = $2, acknowledged_by = $3 WHERE incident_id = $1', [
      incident.id,
      clock.now(),
      ALICE,
    ]);
    await stored('crashed-press', new Date(clock.now().getTime() + PRESS_LEASE_MS), 1);

    // Still leased: nobody takes it.
    const early = await Promise.all([first.app.get(SlackButtonPresses).handleDue(), second.app.get(SlackButtonPresses).handleDue()]);
    expect(early).toEqual([0, 0]);
    expect(await events(incident.id, 'acknowledged')).toHaveLength(0);

    clock.set(new Date(clock.now().getTime() + PRESS_LEASE_MS + 1000));
    const handled = await Promise.all([first.app.get(SlackButtonPresses).handleDue(), second.app.get(SlackButtonPresses).handleDue()]);
    await idle();
    expect(handled[0] + handled[1]).toBe(1);
    expect(await events(incident.id, 'acknowledged')).toHaveLength(1);
    const [row] = await sql<{ acknowledged_at: Date | null }>(first.database.url, 'SELECT acknowledged_at FROM incidents WHERE id = $1', [incident.id]);
    expect(row.acknowledged_at).not.toBeNull();
    const [press] = await sql<{ done_at: Date | null; attempts: number }>(
      first.database.url,
      "SELECT done_at, attempts FROM slack_button_presses WHERE press_key = 'crashed-press'",
    );
    expect(press.done_at).not.toBeNull();
    expect(press.attempts).toBe(2);
    // Handled: later runs do nothing more.
    expect(await first.app.get(SlackButtonPresses).handleDue()).toBe(0);
    await idle();
    expect(await events(incident.id, 'acknowledged')).toHaveLength(1);
  });
});
