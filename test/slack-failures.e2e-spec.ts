import { SlackIncidentSync } from '../apps/api/src/slack/slack-incident-sync.service';
import { RunningApi, startApi } from './support/api-app';
import { incidentChannelName } from '../apps/api/src/slack/ui';
import { FAKE_SLACK_BOT, FAKE_SLACK_USERS, FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { sql } from './support/sql';

const [ALICE] = FAKE_SLACK_USERS;
const TEAM_CHANNEL = 'C0PAYMENTS';

interface IncidentRow extends Record<string, unknown> {
  id: string;
  number: number;
  title: string;
  source: string;
  slack_channel_id: string | null;
  slack_channel_name: string | null;
  slack_headline_ts: string | null;
  slack_team_message_ts: string | null;
  slack_sync_state: string;
  slack_sync_error: string | null;
}

describe('Slack failures: the incident is never lost or duplicated', () => {
  let fake: FakeSlack;
  let api: RunningApi;
  let sync: SlackIncidentSync;

  const incidentTitled = async (title: string) => (await sql<IncidentRow>(api.database.url, 'SELECT * FROM incidents WHERE title = $1', [title]))[0];
  const since = (mark: number, method: string) =>
    fake
      .calls()
      .slice(mark)
      .filter((call) => call.method === method);

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: TEAM_CHANNEL, name: 'team-payments', members: [ALICE.id] });
    api = await startApi({ env: slackEnv(fake) });
    sync = api.app.get(SlackIncidentSync);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments', slackChannelId: TEAM_CHANNEL }).expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('stores the incident while Slack is down, and the retry job creates its channel, invite and headlines once Slack is back', async () => {
    const form = await openDeclareForm(api, fake);
    const mark = fake.calls().length;
    await fake.goDown('refuse');
    const submitted = await postToSlackEndpoint(
      api,
      submitDeclareForm(form, { title: 'Slack is down too', severity: 'SEV1', team: 'payments', visibility: 'internal' }),
    );
    expect(submitted.status).toBe(200);
    await slackIdle(api);

    const stored = await incidentTitled('Slack is down too');
    expect(stored).toMatchObject({ source: 'slack', slack_sync_state: 'pending', slack_channel_id: null, slack_headline_ts: null });
    expect(stored.slack_sync_error).toContain('slack_unreachable');
    // The incident is fully there for the rest of Ballast.
    const viaApi = await api.http.get(`/api/v1/incidents/INC-${stored.number}`).set(api.admin);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toMatchObject({ title: 'Slack is down too', severity: 'SEV1', slack: { syncState: 'pending' } });

    // While Slack is still down the job tries and leaves it pending.
    expect(await sync.retryPending({ idleForSeconds: 0 })).toEqual({ ran: true, synced: 0, stillPending: 1 });

    await fake.comeBack();
    // The first attempt is too recent for a job that waits for idle incidents.
    expect(await sync.retryPending({ idleForSeconds: 3600 })).toEqual({ ran: true, synced: 0, stillPending: 0 });
    // Two replicas' jobs at the same time: the advisory lock lets one do the work.
    const outcomes = await Promise.all([sync.retryPending({ idleForSeconds: 0 }), sync.retryPending({ idleForSeconds: 0 })]);
    expect(outcomes.reduce((total, outcome) => total + outcome.synced, 0)).toBe(1);

    const synced = await incidentTitled('Slack is down too');
    expect(synced).toMatchObject({ slack_sync_state: 'synced', slack_sync_error: null, slack_channel_name: `inc-${stored.number}-slack-is-down-too` });
    const creates = since(mark, 'conversations.create').filter((call) => call.response?.status === 200);
    expect(creates).toHaveLength(1);
    expect(fake.channels.get(synced.slack_channel_id!)?.members.has(ALICE.id)).toBe(true);
    expect(fake.findMessage(synced.slack_channel_id!, synced.slack_headline_ts!)).toBeDefined();
    expect(fake.findMessage(TEAM_CHANNEL, synced.slack_team_message_ts!)).toBeDefined();

    // Nothing left to do: another run changes nothing.
    const before = fake.calls().length;
    expect(await sync.retryPending({ idleForSeconds: 0 })).toEqual({ ran: true, synced: 0, stillPending: 0 });
    expect(fake.calls().length).toBe(before);
  });

  it('resumes where Slack failed instead of starting over (no second channel when only the headline failed)', async () => {
    const form = await openDeclareForm(api, fake);
    const mark = fake.calls().length;
    fake.failNext('chat.postMessage', 'internal_error');
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Headline lost', severity: 'SEV2', team: 'payments' })).expect(200);
    await slackIdle(api);
    const pending = await incidentTitled('Headline lost');
    expect(pending).toMatchObject({ slack_sync_state: 'pending', slack_headline_ts: null });
    expect(pending.slack_channel_id).not.toBeNull();

    await sync.retryPending({ idleForSeconds: 0 });
    const synced = await incidentTitled('Headline lost');
    expect(synced).toMatchObject({ slack_sync_state: 'synced', slack_channel_id: pending.slack_channel_id });
    expect(since(mark, 'conversations.create')).toHaveLength(1);
    expect(fake.findMessage(synced.slack_channel_id!, synced.slack_headline_ts!)).toBeDefined();
  });

  /** The incident channels (`inc-<number>-…`) the fake has for this incident number. */
  const channelsOf = (number: number) => [...fake.channels.values()].filter((channel) => channel.name.startsWith(`inc-${number}-`));

  it('adopts the channel Slack created when the answer to conversations.create was lost, instead of making a -2 channel', async () => {
    const form = await openDeclareForm(api, fake);
    // Slack creates the channel, then the connection drops: the client's quick retry gets name_taken for our own channel.
    fake.loseAnswerNext('conversations.create');
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Answer lost', severity: 'SEV2', team: 'payments' })).expect(200);
    await slackIdle(api);

    const incident = await incidentTitled('Answer lost');
    expect(incident).toMatchObject({ slack_sync_state: 'synced', slack_channel_name: incidentChannelName(incident.number, 'Answer lost') });
    expect(channelsOf(incident.number).map((channel) => channel.id)).toEqual([incident.slack_channel_id]);
    expect(fake.channels.get(incident.slack_channel_id!)?.members.has(ALICE.id)).toBe(true);
    expect(fake.findMessage(incident.slack_channel_id!, incident.slack_headline_ts!)).toBeDefined();
  });

  it('after a stop between conversations.create and saving the channel id, the retry adopts that channel (no -2 channel)', async () => {
    const form = await openDeclareForm(api, fake);
    // Every attempt of the first run reaches Slack but no answer comes back: as if Ballast stopped right after creating.
    fake.loseAnswerNext('conversations.create', 3);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Stopped mid-way', severity: 'SEV2', team: 'payments' })).expect(200);
    await slackIdle(api);
    const pending = await incidentTitled('Stopped mid-way');
    const name = incidentChannelName(pending.number, 'Stopped mid-way');
    // The name was recorded before the channel was created; the id never was.
    expect(pending).toMatchObject({ slack_sync_state: 'pending', slack_channel_id: null, slack_channel_name: name });
    const created = fake.channelByName(name)!;
    expect(created.creator).toBe(FAKE_SLACK_BOT.userId);

    const mark = fake.calls().length;
    expect(await sync.retryPending({ idleForSeconds: 0 })).toEqual({ ran: true, synced: 1, stillPending: 0 });
    const synced = await incidentTitled('Stopped mid-way');
    expect(synced).toMatchObject({ slack_sync_state: 'synced', slack_sync_error: null, slack_channel_id: created.id, slack_channel_name: name });
    expect(channelsOf(pending.number)).toHaveLength(1);
    expect(since(mark, 'conversations.create').map((call) => (call.response?.body as { error?: string }).error)).toEqual(['name_taken']);
    expect(fake.findMessage(created.id, synced.slack_headline_ts!)).toBeDefined();
    expect(fake.findMessage(TEAM_CHANNEL, synced.slack_team_message_ts!)).toBeDefined();
  });

  it('never adopts a public channel from an earlier attempt once the incident has turned private (a private twin instead)', async () => {
    const form = await openDeclareForm(api, fake);
    fake.loseAnswerNext('conversations.create', 3);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Turned private', severity: 'SEV2', team: 'payments', visibility: 'internal' })).expect(
      200,
    );
    await slackIdle(api);
    const pending = await incidentTitled('Turned private');
    const name = incidentChannelName(pending.number, 'Turned private');
    const leftover = fake.channelByName(name)!;
    expect(leftover).toMatchObject({ isPrivate: false, creator: FAKE_SLACK_BOT.userId });

    await sql(api.database.url, `UPDATE incidents SET visibility = 'private' WHERE id = $1`, [pending.id]);
    expect(await sync.retryPending({ idleForSeconds: 0 })).toEqual({ ran: true, synced: 1, stillPending: 0 });
    const synced = await incidentTitled('Turned private');
    expect(synced).toMatchObject({ slack_sync_state: 'synced', slack_channel_name: `${name}-2` });
    expect(synced.slack_channel_id).not.toBe(leftover.id);
    expect(fake.channels.get(synced.slack_channel_id!)?.isPrivate).toBe(true);
    expect(fake.findMessage(leftover.id, synced.slack_headline_ts!)).toBeUndefined();
  });

  it("never adopts a taken name that is not this incident's own channel: someone else's, or another incident's", async () => {
    // Another incident of this test's own, declared first so that the next number is the squatted one's.
    await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Owns the bot channel', severity: 'SEV3', team: 'payments', type: 'other', visibility: 'internal' })
      .expect(201);
    await slackIdle(api);
    const other = await incidentTitled('Owns the bot channel');
    expect(other.slack_channel_id).not.toBeNull();
    const nextNumber = Number((await sql<{ n: string }>(api.database.url, 'SELECT last_value + 1 AS n FROM incident_number_seq'))[0].n);
    const base = incidentChannelName(nextNumber, 'Name squatted');
    // created by a person
    fake.addChannel({ name: base, members: [ALICE.id] });
    // created by the bot, but the channel of another incident
    const botsOther = fake.addChannel({ name: `${base}-2`, members: [FAKE_SLACK_BOT.userId] });
    await sql(api.database.url, 'UPDATE incidents SET slack_channel_id = $1 WHERE id = $2', [botsOther.id, other.id]);
    try {
      const form = await openDeclareForm(api, fake);
      await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Name squatted', severity: 'SEV3', team: 'payments' })).expect(200);
      await slackIdle(api);
      const incident = await incidentTitled('Name squatted');
      expect(incident.number).toBe(nextNumber);
      expect(incident).toMatchObject({ slack_sync_state: 'synced', slack_channel_name: `${base}-3` });
      expect(fake.channelByName(`${base}-3`)?.id).toBe(incident.slack_channel_id);
    } finally {
      await sql(api.database.url, 'UPDATE incidents SET slack_channel_id = $1 WHERE id = $2', [other.slack_channel_id, other.id]);
    }
  });

  it('falls back to the next name when the app lacks the scope to look the taken channel up', async () => {
    const nextNumber = Number((await sql<{ n: string }>(api.database.url, 'SELECT last_value + 1 AS n FROM incident_number_seq'))[0].n);
    const base = incidentChannelName(nextNumber, 'No lookup scope');
    fake.addChannel({ name: base, members: [FAKE_SLACK_BOT.userId] });
    fake.failNext('conversations.list', 'missing_scope');
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'No lookup scope', severity: 'SEV3', team: 'payments' })).expect(200);
    await slackIdle(api);
    expect(await incidentTitled('No lookup scope')).toMatchObject({ slack_sync_state: 'synced', slack_channel_name: `${base}-2` });
  });

  it('rides out transient HTTP errors from Slack with a few quick retries', async () => {
    const form = await openDeclareForm(api, fake);
    fake.httpErrorNext('conversations.create', 503, 2);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Flaky Slack', severity: 'SEV3', team: 'payments' })).expect(200);
    await slackIdle(api);
    expect(await incidentTitled('Flaky Slack')).toMatchObject({ slack_sync_state: 'synced' });
  });

  it('gives incidents declared through the REST API their Slack channel and team announcement too', async () => {
    const created = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Declared by API', severity: 'SEV2', team: 'payments', type: 'deploy', visibility: 'internal' });
    expect(created.status).toBe(201);
    await slackIdle(api);
    const incident = await incidentTitled('Declared by API');
    expect(incident).toMatchObject({ source: 'api', slack_sync_state: 'synced', slack_channel_name: `inc-${incident.number}-declared-by-api` });
    expect(fake.findMessage(TEAM_CHANNEL, incident.slack_team_message_ts!)).toBeDefined();
    // Nobody to invite: the API declarer is not a Slack user.
    expect(fake.calls('conversations.invite').some((call) => call.args.channel === incident.slack_channel_id)).toBe(false);

    // A change made through the API shows in the Slack headlines too.
    const mark = fake.calls().length;
    await api.http.patch(`/api/v1/incidents/${incident.id}`).set(api.admin).send({ severity: 'SEV1', status: 'identified' }).expect(200);
    await slackIdle(api);
    const updates = since(mark, 'chat.update');
    expect(updates.map((call) => call.args.channel).sort()).toEqual([incident.slack_channel_id, TEAM_CHANNEL].sort());
    const headline = JSON.stringify(fake.findMessage(incident.slack_channel_id!, incident.slack_headline_ts!)!.blocks);
    expect(headline).toContain('SEV1');
    expect(headline).toContain('Identified');
  });
});
