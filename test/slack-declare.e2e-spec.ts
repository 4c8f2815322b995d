import { incidentChannelName } from '../apps/api/src/slack/ui';
import { RunningApi, startApi } from './support/api-app';
import { FAKE_SLACK_GENERAL_CHANNEL, FAKE_SLACK_USERS, FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { slashCommandRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const [ALICE, BOB] = FAKE_SLACK_USERS;
const TEAM_CHANNEL = 'C0PAYMENTS';

interface IncidentRow extends Record<string, unknown> {
  id: string;
  number: number;
  title: string;
  status: string;
  severity: string;
  commander: string | null;
  source: string;
  declared_by: string;
  idempotency_key: string;
  slack_channel_id: string | null;
  slack_channel_name: string | null;
  slack_headline_ts: string | null;
  slack_team_message_ts: string | null;
  slack_sync_state: string;
  slack_sync_error: string | null;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
}

/** The text of every mrkdwn object in a Block Kit structure. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own = object.type === 'mrkdwn' && typeof object.text === 'string' ? [object.text] : [];
  return [...own, ...Object.values(object).flatMap(mrkdwnTexts)];
}

describe('Slack: declaring and running an incident', () => {
  let fake: FakeSlack;
  let api: RunningApi;

  const incidents = () => sql<IncidentRow>(api.database.url, 'SELECT * FROM incidents ORDER BY number');
  const timeline = (incidentId: string) =>
    sql<{ kind: string; body: string; public: boolean; author: string }>(
      api.database.url,
      'SELECT kind, body, public, author FROM incident_timeline_events WHERE incident_id = $1 ORDER BY occurred_at, created_at',
      [incidentId],
    );
  const command = async (text: string, channelId: string, userId = ALICE.id, responseUrlId = 'cmd') => {
    const response = await postToSlackEndpoint(
      api,
      slashCommandRequest(SLACK_SIGNING_SECRET, { text, channelId, userId, responseUrl: fake.responseUrl(responseUrlId) }),
    );
    await slackIdle(api);
    return response;
  };
  const since = (mark: number, method?: string) =>
    fake
      .calls()
      .slice(mark)
      .filter((call) => method === undefined || call.method === method);

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: TEAM_CHANNEL, name: 'team-payments', members: [ALICE.id, BOB.id] });
    api = await startApi({ env: slackEnv(fake) });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments', slackChannelId: TEAM_CHANNEL }).expect(201);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'search', name: 'Search' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('acknowledges /incident at once, then opens a placeholder and fills in the form from the catalog', async () => {
    const mark = fake.calls().length;
    const acked = await postToSlackEndpoint(
      api,
      slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'declare Checkout is down', responseUrl: fake.responseUrl('x') }),
    );
    expect(acked.status).toBe(200);
    expect(acked.text).toBe('');
    await slackIdle(api);
    const [open] = since(mark, 'views.open');
    expect((open.args.view as { blocks: Array<{ block_id: string }> }).blocks.map((block) => block.block_id)).toEqual(['declare_loading']);
    const [update] = since(mark, 'views.update');
    const view = update.args.view as { blocks: Array<{ block_id: string; element?: { options?: Array<{ value: string }>; initial_value?: string } }> };
    expect(update.args.view_id).toBe((open.response!.body as { view: { id: string } }).view.id);
    const block = (id: string) => view.blocks.find((candidate) => candidate.block_id === id);
    expect(block('declare_title')?.element?.initial_value).toBe('Checkout is down');
    expect(block('declare_team')?.element?.options?.map((option) => option.value)).toEqual(['payments', 'search']);
    expect(block('declare_services')?.element?.options?.map((option) => option.value)).toEqual(['checkout']);
    expect(block('declare_type')?.element?.options?.map((option) => option.value)).toEqual(expect.arrayContaining(['deploy', 'other']));
  });

  it('opens the real form at once when the catalog was read a moment ago (one views.open, no placeholder)', async () => {
    const mark = fake.calls().length;
    await postToSlackEndpoint(api, slashCommandRequest(SLACK_SIGNING_SECRET, { text: '', responseUrl: fake.responseUrl('x') })).expect(200);
    await slackIdle(api);
    const opened = since(mark).filter((call) => call.method.startsWith('views.'));
    expect(opened.map((call) => call.method)).toEqual(['views.open']);
    expect((opened[0].args.view as { blocks: Array<{ block_id: string }> }).blocks.map((block) => block.block_id)).toContain('declare_title');
  });

  it('acknowledges a burst of 50 /incident commands with empty 200s and opens each one its form, once', async () => {
    const mark = fake.calls().length;
    const commands = Array.from({ length: 50 }, (_unused, i) =>
      slashCommandRequest(SLACK_SIGNING_SECRET, { text: i % 2 === 0 ? '' : `declare Burst ${i}`, responseUrl: fake.responseUrl(`burst-${i}`) }),
    );
    const answers = await Promise.all(commands.map((command) => postToSlackEndpoint(api, command)));
    expect(answers.map((answer) => [answer.status, answer.text])).toEqual(commands.map(() => [200, '']));
    await slackIdle(api);
    const opened = since(mark, 'views.open').map((call) => call.args.trigger_id);
    expect([...opened].sort()).toEqual(commands.map((command) => command.payload.trigger_id).sort());
  });

  it('runs the whole incident from Slack: declare → channel, invite, headlines → status, severity, lead, update, note → resolve', async () => {
    const form = await openDeclareForm(api, fake);
    const mark = fake.calls().length;
    const title = 'Checkout fails for EU <!channel> & more';
    const submitted = await postToSlackEndpoint(
      api,
      submitDeclareForm(form, {
        title,
        severity: 'SEV2',
        team: 'payments',
        services: ['checkout'],
        type: 'deploy',
        visibility: 'public',
        summary: 'Card payments <@U02BOB> fail',
      }),
    );
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');
    await slackIdle(api);

    const [incident] = (await incidents()).filter((row) => row.title === title);
    expect(incident).toMatchObject({
      source: 'slack',
      declared_by: `slack:${ALICE.id}`,
      status: 'investigating',
      severity: 'SEV2',
      slack_sync_state: 'synced',
      slack_sync_error: null,
    });
    expect(incident.idempotency_key).toBe(`slack:view:T0BALLAST:${form.viewId}`);
    expect(incident.acknowledged_at).not.toBeNull();
    // Acknowledged by declaring it: self-declared, reported apart from MTTA (issue 21 item 8).
    expect([incident.acknowledged_via, incident.acknowledged_by]).toEqual(['self_declared', `slack:${ALICE.id}`]);
    // Declared public from Slack: its summary is its first public update (the status page never shows it silent).
    const published = await sql<{ body: string; status_at_event: string }>(
      api.database.url,
      `SELECT body, status_at_event FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'public_update' AND public`,
      [incident.id],
    );
    expect(published).toEqual([{ body: 'Card payments <@U02BOB> fail', status_at_event: 'investigating' }]);

    const channelName = incidentChannelName(incident.number, title);
    expect(channelName).toMatch(new RegExp(`^inc-${incident.number}-checkout-fails-for-eu-channel-more$`));
    const channel = fake.channelByName(channelName)!;
    expect(channel).toBeDefined();
    expect(channel.isPrivate).toBe(false);
    expect(incident).toMatchObject({ slack_channel_id: channel.id, slack_channel_name: channelName });
    expect([...channel.members]).toContain(ALICE.id);
    expect(since(mark, 'conversations.invite')[0].args).toMatchObject({ channel: channel.id, users: ALICE.id });

    const headline = fake.findMessage(channel.id, incident.slack_headline_ts!)!;
    expect(headline).toBeDefined();
    // Everything Slack parses as mrkdwn has the user's text escaped (plain_text headers are never parsed).
    const rendered = [...mrkdwnTexts(headline.blocks), headline.text].join('\n');
    expect(rendered).toContain('&lt;!channel&gt;');
    expect(rendered).toContain('&lt;@U02BOB&gt;');
    expect(rendered).not.toContain('<!channel>');
    expect(rendered).not.toContain('<@U02BOB>');
    expect(fake.findMessage(TEAM_CHANNEL, incident.slack_team_message_ts!)).toBeDefined();

    // Inside the incident channel.
    // Someone typing a literal `<!here>` arrives entity-escaped; stored as typed, echoed escaped (no @here ping).
    const identified = await command('status identified Rolled back &lt;!here&gt; the deploy', channel.id);
    expect(identified.status).toBe(200);
    expect(identified.body).toMatchObject({ response_type: 'in_channel' });
    expect(identified.body.text).toContain('Identified');
    expect(identified.body.text).toContain('&lt;!here&gt;');
    const severity = await command('severity sev1', channel.id);
    expect(severity.body.text).toContain('SEV1');
    const lead = await command(`lead <@${BOB.id}|bob>`, channel.id);
    expect(lead.body.text).toContain(`<@${BOB.id}>`);
    await command('note Rollback owner is bob', channel.id);
    await command('update Payments recovered, monitoring', channel.id);
    const resolved = await command('status resolved', channel.id);
    expect(resolved.body.response_type).toBe('in_channel');

    const [after] = (await incidents()).filter((row) => row.id === incident.id);
    expect(after).toMatchObject({ status: 'resolved', severity: 'SEV1', commander: BOB.id });
    expect(after.resolved_at).not.toBeNull();
    expect((await timeline(incident.id)).map((event) => [event.kind, event.body, event.public])).toEqual([
      ['declared', '', false],
      // Declared public: the summary is the first public update.
      ['public_update', 'Card payments <@U02BOB> fail', true],
      ['status_changed', '', false],
      // `status <state> <text>` records the text as an internal note (issue 20: public only when published).
      ['internal_note', 'Rolled back <!here> the deploy', false],
      ['severity_changed', '', false],
      ['role_changed', '', false],
      ['internal_note', 'Rollback owner is bob', false],
      ['public_update', 'Payments recovered, monitoring', true],
      ['status_changed', '', false],
    ]);

    // The headline in both channels followed every change with chat.update.
    const updates = since(mark, 'chat.update');
    expect(updates.some((call) => call.args.channel === channel.id && call.args.ts === incident.slack_headline_ts)).toBe(true);
    expect(updates.some((call) => call.args.channel === TEAM_CHANNEL && call.args.ts === incident.slack_team_message_ts)).toBe(true);
    const finalHeadline = JSON.stringify(fake.findMessage(channel.id, incident.slack_headline_ts!)!.blocks);
    expect(finalHeadline).toContain('Resolved');
    expect(finalHeadline).toContain('SEV1');
    expect(finalHeadline).toContain(`<@${BOB.id}>`);

    // A resolved incident can only be re-opened: the domain's refusal reaches the user, privately.
    const refused = await command('status monitoring', channel.id);
    expect(refused.body.response_type).toBe('ephemeral');
    expect(refused.body.text).toContain('re-opened');
  });

  it('rewrites the headline in the incident and the team channel when only the title, summary or type is edited', async () => {
    const declared = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Search is slow', severity: 'SEV3', team: 'payments', type: 'other' })
      .expect(201);
    await slackIdle(api);
    const [incident] = (await incidents()).filter((row) => row.id === declared.body.id);
    expect(incident).toMatchObject({ slack_sync_state: 'synced' });
    const headlineOf = (channel: string, ts: string) => JSON.stringify(fake.findMessage(channel, ts)!.blocks);
    const updatesOfHeadlines = (mark: number) =>
      since(mark, 'chat.update').filter(
        (call) =>
          (call.args.channel === incident.slack_channel_id && call.args.ts === incident.slack_headline_ts) ||
          (call.args.channel === TEAM_CHANNEL && call.args.ts === incident.slack_team_message_ts),
      );

    let mark = fake.calls().length;
    await api.http.patch(`/api/v1/incidents/${incident.id}`).set(api.admin).send({ title: 'Checkout search times out' }).expect(200);
    await slackIdle(api);
    expect(
      updatesOfHeadlines(mark)
        .map((call) => call.args.channel)
        .sort(),
    ).toEqual([incident.slack_channel_id, TEAM_CHANNEL].sort());
    for (const [channel, ts] of [
      [incident.slack_channel_id!, incident.slack_headline_ts!],
      [TEAM_CHANNEL, incident.slack_team_message_ts!],
    ]) {
      expect(headlineOf(channel, ts)).toContain('Checkout search times out');
      expect(headlineOf(channel, ts)).not.toContain('Search is slow');
    }

    mark = fake.calls().length;
    await api.http
      .patch(`/api/v1/incidents/${incident.id}`)
      .set(api.admin)
      .send({ summary: 'Index rebuild saturates the cluster', type: 'capacity' })
      .expect(200);
    await slackIdle(api);
    expect(updatesOfHeadlines(mark)).toHaveLength(2);
    for (const [channel, ts] of [
      [incident.slack_channel_id!, incident.slack_headline_ts!],
      [TEAM_CHANNEL, incident.slack_team_message_ts!],
    ]) {
      expect(headlineOf(channel, ts)).toContain('Index rebuild saturates the cluster');
      expect(headlineOf(channel, ts)).toContain('Capacity');
    }

    // The same values again change nothing, so Slack is not called.
    mark = fake.calls().length;
    await api.http.patch(`/api/v1/incidents/${incident.id}`).set(api.admin).send({ title: 'Checkout search times out', type: 'capacity' }).expect(200);
    await slackIdle(api);
    expect(updatesOfHeadlines(mark)).toEqual([]);
  });

  it('answers help and mistakes privately, and explains incident commands outside an incident channel', async () => {
    const help = await command('help', FAKE_SLACK_GENERAL_CHANNEL);
    expect(help.body).toMatchObject({ response_type: 'ephemeral' });
    expect(help.body.text).toContain('/incident status');
    const typo = await command('stauts identified', FAKE_SLACK_GENERAL_CHANNEL);
    expect(typo.body.text).toContain('Did you mean `status`?');
    const outside = await command('status identified', FAKE_SLACK_GENERAL_CHANNEL);
    expect(outside.body.response_type).toBe('ephemeral');
    expect(outside.body.text).toContain('inside an incident channel');
  });

  it('keeps the form open with field errors when the submission is invalid, and stores nothing', async () => {
    const form = await openDeclareForm(api, fake);
    const before = (await incidents()).length;
    const response = await postToSlackEndpoint(api, submitDeclareForm(form, { title: '  ', severity: null, team: null }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      response_action: 'errors',
      errors: { declare_title: expect.any(String), declare_severity: expect.any(String), declare_team: expect.any(String) },
    });
    expect((await incidents()).length).toBe(before);
  });

  it('creates exactly one incident and one channel for Slack retries, double clicks and replays of one submission', async () => {
    const form = await openDeclareForm(api, fake);
    const mark = fake.calls().length;
    const answers = { title: 'Search is slow', severity: 'SEV3', team: 'search', visibility: 'internal' };
    const requests = [
      submitDeclareForm(form, answers),
      submitDeclareForm(form, answers), // a double click: the same view, signed again
      submitDeclareForm(form, answers, { retryNum: 1, retryReason: 'http_timeout' }),
      submitDeclareForm(form, answers, { retryNum: 2, retryReason: 'http_timeout' }),
      submitDeclareForm(form, answers, { retryNum: 3, retryReason: 'http_timeout' }),
    ];
    const responses = await Promise.all(requests.map((signed) => postToSlackEndpoint(api, signed)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    // A later replay of the very same bytes.
    expect((await postToSlackEndpoint(api, requests[0])).status).toBe(200);
    await slackIdle(api);

    const matching = (await incidents()).filter((row) => row.title === 'Search is slow');
    expect(matching).toHaveLength(1);
    expect(since(mark, 'conversations.create')).toHaveLength(1);
    expect(since(mark, 'chat.postMessage').filter((call) => call.args.channel === matching[0].slack_channel_id)).toHaveLength(1);
    const unique = await sql(api.database.url, `SELECT indexdef FROM pg_indexes WHERE tablename = 'incidents' AND indexdef LIKE '%UNIQUE%idempotency_key%'`);
    expect(unique).toHaveLength(1);
  });

  it('creates one incident when two replicas get the same submission at the same moment (the unique key decides)', async () => {
    const replica = await startApi({ env: slackEnv(fake), database: api.database, keepDatabase: true });
    try {
      const form = await openDeclareForm(api, fake);
      const mark = fake.calls().length;
      const answers = { title: 'Two replicas', severity: 'SEV2', team: 'payments' };
      const responses = await Promise.all([
        postToSlackEndpoint(api, submitDeclareForm(form, answers)),
        postToSlackEndpoint(replica, submitDeclareForm(form, answers, { retryNum: 1 })),
        postToSlackEndpoint(replica, submitDeclareForm(form, answers)),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
      await Promise.all([slackIdle(api), slackIdle(replica)]);
      expect((await incidents()).filter((row) => row.title === 'Two replicas')).toHaveLength(1);
      expect(since(mark, 'conversations.create')).toHaveLength(1);
    } finally {
      await replica.close();
    }
  });

  it('suffixes the channel name when it is taken, never failing the declaration', async () => {
    const nextNumber = Number((await sql<{ n: string }>(api.database.url, 'SELECT last_value + 1 AS n FROM incident_number_seq'))[0].n);
    const taken = incidentChannelName(nextNumber, 'Login broken');
    fake.addChannel({ name: taken });
    fake.addChannel({ name: `${taken}-2` });
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Login broken', severity: 'SEV2', team: 'payments' })).expect(200);
    await slackIdle(api);
    const [incident] = (await incidents()).filter((row) => row.title === 'Login broken');
    expect(incident.number).toBe(nextNumber);
    expect(incident).toMatchObject({ slack_channel_name: `${taken}-3`, slack_sync_state: 'synced' });
    expect(fake.channelByName(`${taken}-3`)?.id).toBe(incident.slack_channel_id);
  });

  it('creates a private channel for a private incident', async () => {
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(
      api,
      submitDeclareForm(form, { title: 'Leaked key', severity: 'SEV1', team: 'payments', type: 'security', visibility: 'private' }),
    ).expect(200);
    await slackIdle(api);
    const [incident] = (await incidents()).filter((row) => row.title === 'Leaked key');
    expect(fake.channels.get(incident.slack_channel_id!)?.isPrivate).toBe(true);
  });

  it('tells the declarer privately when Slack refuses (missing_scope), logs it, and keeps the incident', async () => {
    const form = await openDeclareForm(api, fake);
    fake.failNext('conversations.create', 'missing_scope', 1, { needed: 'channels:manage', provided: 'chat:write' });
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Scopes missing', severity: 'SEV3', team: 'payments' })).expect(200);
    await slackIdle(api);
    const [incident] = (await incidents()).filter((row) => row.title === 'Scopes missing');
    expect(incident).toMatchObject({ slack_sync_state: 'pending', slack_channel_id: null });
    expect(incident.slack_sync_error).toContain('missing_scope');
    const told = fake.calls('response_url').filter((call) => call.responseUrlId === form.responseUrlId);
    expect(told).toHaveLength(1);
    expect(told[0].args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told[0].args.text)).toContain('lacks a permission');
    expect(String(told[0].args.text)).toContain(`INC-${incident.number}`);
  });

  it('does not hold the incident back when the bot is not in the team channel; the declarer is told how to fix it', async () => {
    const lonely = fake.addChannel({ name: 'team-lonely', botIsMember: false, members: [ALICE.id] });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'lonely', name: 'Lonely', slackChannelId: lonely.id }).expect(201);
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Nobody invited us', severity: 'SEV3', team: 'lonely' })).expect(200);
    await slackIdle(api);
    const [incident] = (await incidents()).filter((row) => row.title === 'Nobody invited us');
    expect(incident.slack_channel_id).not.toBeNull();
    expect(incident.slack_headline_ts).not.toBeNull();
    expect(incident).toMatchObject({ slack_sync_state: 'synced', slack_team_message_ts: null });
    expect(incident.slack_sync_error).toContain('not_in_channel');
    const told = fake.calls('response_url').filter((call) => call.responseUrlId === form.responseUrlId);
    expect(String(told[0]?.args.text)).toContain('/invite @Ballast');
  });

  it('honours 429 Retry-After from Slack and carries on', async () => {
    const form = await openDeclareForm(api, fake);
    const mark = fake.calls().length;
    fake.rateLimitNext('conversations.create', 1);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Rate limited', severity: 'SEV4', team: 'payments' })).expect(200);
    await slackIdle(api);
    const creates = since(mark, 'conversations.create');
    expect(creates).toHaveLength(2);
    expect(creates[0].response?.status).toBe(429);
    expect(creates[1].at.getTime() - creates[0].at.getTime()).toBeGreaterThanOrEqual(950);
    const [incident] = (await incidents()).filter((row) => row.title === 'Rate limited');
    expect(incident.slack_sync_state).toBe('synced');
  });

  it('reports a form that could not be opened (expired trigger) to the user', async () => {
    fake.failNext('views.open', 'expired_trigger_id');
    const response = await command('', FAKE_SLACK_GENERAL_CHANNEL, ALICE.id, 'expired');
    expect(response.status).toBe(200);
    const told = fake.calls('response_url').filter((call) => call.responseUrlId === 'expired');
    expect(String(told[0]?.args.text)).toContain('took too long');
  });
});
