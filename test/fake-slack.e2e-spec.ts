import { App, LogLevel, SocketModeReceiver, verifySlackRequest } from '@slack/bolt';
import { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient, WebClientEvent } from '@slack/web-api';
import type { AddressInfo } from 'node:net';
import { buildDeclareModal, declareErrorsResponse, parseDeclareSubmission } from '../apps/api/src/slack/ui';
import { FAKE_SLACK_BOT, FAKE_SLACK_GENERAL_CHANNEL, FakeSlack } from './support/fake-slack';
import { eventually } from './support/poll';
import {
  blockActionsRequest,
  declareViewValues,
  eventCallbackRequest,
  pinAddedEvent,
  reactionAddedEvent,
  SignedSlackRequest,
  signSlackRequest,
  slashCommandRequest,
  sslCheckRequest,
  urlVerificationRequest,
  viewSubmissionRequest,
} from './support/slack-payloads';

const TOKEN = 'xoxb-test-token';
const noRetries = { retries: 0 };

/** Catches the rejection of a call so tests can assert on the error's type and fields. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('FakeSlack (used through a real @slack/web-api WebClient)', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    await fake.reset();
    client = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: noRetries, logLevel: undefined });
  });

  describe('recording', () => {
    it('records method, parsed args (JSON fields decoded), headers, token and time', async () => {
      const channel = fake.addChannel({ name: 'inc-1-checkout' });
      const before = Date.now();
      const result = await client.chat.postMessage({
        channel: channel.id,
        text: 'INC-1 headline',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      });
      const call = fake.lastCall('chat.postMessage');
      expect(call).toBeDefined();
      expect(call!.args).toMatchObject({
        channel: channel.id,
        text: 'INC-1 headline',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      });
      expect(call!.token).toBe(TOKEN);
      expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(call!.headers['content-type']).toContain('application/x-www-form-urlencoded');
      expect(call!.headers['user-agent']).toContain('@slack:web-api');
      expect(call!.at.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(call!.response).toMatchObject({ status: 200, body: { ok: true, ts: result.ts } });
      expect(fake.calls().map((recorded) => recorded.method)).toEqual(['chat.postMessage']);
    });

    it('answers not_authed without a token and invalid_auth for a wrong one when a token is required', async () => {
      const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: noRetries });
      expect(await failure(anonymous.auth.test())).toMatchObject({ data: { error: 'not_authed' } });
      const strict = await FakeSlack.start({ token: 'xoxb-right' });
      try {
        const wrong = new WebClient('xoxb-wrong', { slackApiUrl: strict.url, retryConfig: noRetries });
        expect(await failure(wrong.auth.test())).toMatchObject({ data: { error: 'invalid_auth' } });
        const right = new WebClient('xoxb-right', { slackApiUrl: strict.url, retryConfig: noRetries });
        await expect(right.auth.test()).resolves.toMatchObject({ ok: true, user_id: FAKE_SLACK_BOT.userId });
      } finally {
        await strict.close();
      }
    });

    it('waits for calls made asynchronously and explains a timeout', async () => {
      const waiting = fake.waitForCalls('auth.test', 2, 2000);
      await client.auth.test();
      setTimeout(() => void client.auth.test(), 20);
      await expect(waiting).resolves.toHaveLength(2);
      await expect(fake.waitForCalls('views.open', 1, 50)).rejects.toThrow(
        'expected 1 views.open call(s) within 50 ms, got 0 (calls seen: auth.test, auth.test)',
      );
    });

    it('records posts to a response_url', async () => {
      const response = await fetch(fake.responseUrl('cmd-1'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', text: 'Unknown subcommand' }),
      });
      expect(response.status).toBe(200);
      expect(fake.calls('response_url')).toEqual([
        expect.objectContaining({ responseUrlId: 'cmd-1', args: { response_type: 'ephemeral', text: 'Unknown subcommand' } }),
      ]);
    });

    it('answers unknown_method like Slack for methods it does not simulate', async () => {
      expect(await failure(client.apiCall('admin.teams.list'))).toMatchObject({ data: { error: 'unknown_method' } });
    });
  });

  describe('simulated methods', () => {
    it('auth.test identifies the bot', async () => {
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true, team_id: 'T0BALLAST', user_id: FAKE_SLACK_BOT.userId, bot_id: FAKE_SLACK_BOT.botId });
    });

    it('conversations.create enforces unique names with name_taken, surfaced as a platform error', async () => {
      const created = await client.conversations.create({ name: 'inc-42-checkout-errors' });
      expect(created.channel).toMatchObject({ name: 'inc-42-checkout-errors', is_member: true, is_private: false });
      expect(created.channel?.id).toMatch(/^C[A-Z0-9]+$/);

      const error = await failure(client.conversations.create({ name: 'inc-42-checkout-errors' }));
      expect(error).toBeInstanceOf(WebAPIPlatformError);
      expect(error).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'name_taken' } });

      await expect(client.conversations.create({ name: 'inc-42-checkout-errors-2' })).resolves.toMatchObject({ ok: true });
      expect(fake.channelByName('inc-42-checkout-errors-2')).toBeDefined();
    });

    it.each([
      ['Inc-1', 'invalid_name_specials'],
      ['inc 1', 'invalid_name_specials'],
      ['inc.1', 'invalid_name_specials'],
      ['x'.repeat(81), 'invalid_name_maxlength'],
      ['', 'invalid_name_required'],
      ['---', 'invalid_name_punctuation'],
    ])('conversations.create rejects %p with %s', async (name, expected) => {
      expect(await failure(client.conversations.create({ name }))).toMatchObject({ data: { error: expected } });
    });

    it('conversations.create makes private channels on request', async () => {
      const created = await client.conversations.create({ name: 'inc-2-secret', is_private: true });
      expect(created.channel?.is_private).toBe(true);
    });

    it('conversations.invite adds members and answers Slack errors', async () => {
      const { channel } = await client.conversations.create({ name: 'inc-3-db' });
      await expect(client.conversations.invite({ channel: channel!.id!, users: 'U01ALICE,U02BOB' })).resolves.toMatchObject({ ok: true });
      expect([...fake.channels.get(channel!.id!)!.members].sort()).toEqual(['U01ALICE', 'U02BOB', FAKE_SLACK_BOT.userId].sort());
      expect(await failure(client.conversations.invite({ channel: channel!.id!, users: 'U01ALICE' }))).toMatchObject({ data: { error: 'already_in_channel' } });
      expect(await failure(client.conversations.invite({ channel: channel!.id!, users: 'U404' }))).toMatchObject({ data: { error: 'user_not_found' } });
      expect(await failure(client.conversations.invite({ channel: 'C0NOPE', users: 'U01ALICE' }))).toMatchObject({ data: { error: 'channel_not_found' } });
      expect(await failure(client.conversations.invite({ channel: FAKE_SLACK_GENERAL_CHANNEL, users: 'U01ALICE' }))).toMatchObject({
        data: { error: 'not_in_channel' },
      });
    });

    it('conversations.join, info and setTopic', async () => {
      expect(await failure(client.conversations.setTopic({ channel: FAKE_SLACK_GENERAL_CHANNEL, topic: 'x' }))).toMatchObject({
        data: { error: 'not_in_channel' },
      });
      await expect(client.conversations.join({ channel: FAKE_SLACK_GENERAL_CHANNEL })).resolves.toMatchObject({ channel: { is_member: true } });
      await expect(client.conversations.join({ channel: FAKE_SLACK_GENERAL_CHANNEL })).resolves.toMatchObject({ warning: 'already_in_channel' });
      await client.conversations.setTopic({ channel: FAKE_SLACK_GENERAL_CHANNEL, topic: 'INC-7 SEV1 investigating' });
      await expect(client.conversations.info({ channel: FAKE_SLACK_GENERAL_CHANNEL })).resolves.toMatchObject({
        channel: { id: FAKE_SLACK_GENERAL_CHANNEL, name: 'general', topic: { value: 'INC-7 SEV1 investigating' } },
      });
      expect(await failure(client.conversations.info({ channel: 'C0NOPE' }))).toMatchObject({ data: { error: 'channel_not_found' } });
    });

    it('private channels the bot is not in look like they do not exist', async () => {
      const secret = fake.addChannel({ name: 'secret', isPrivate: true, botIsMember: false, members: ['U01ALICE'] });
      expect(await failure(client.chat.postMessage({ channel: secret.id, text: 'x' }))).toMatchObject({ data: { error: 'channel_not_found' } });
    });

    it('chat.postMessage, chat.update and chat.getPermalink keep the message current', async () => {
      const channel = fake.addChannel({ name: 'payments-team' });
      const posted = await client.chat.postMessage({ channel: channel.id, text: 'INC-9 Investigating' });
      expect(posted).toMatchObject({ ok: true, channel: channel.id, message: { text: 'INC-9 Investigating', bot_id: FAKE_SLACK_BOT.botId } });
      expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);

      await client.chat.update({ channel: channel.id, ts: posted.ts!, text: 'INC-9 Resolved' });
      expect(fake.findMessage(channel.id, posted.ts!)?.text).toBe('INC-9 Resolved');
      expect(await failure(client.chat.update({ channel: channel.id, ts: '1.000001', text: 'x' }))).toMatchObject({ data: { error: 'message_not_found' } });
      const human = fake.addMessage(channel.id, { text: 'mine', user: 'U01ALICE' });
      expect(await failure(client.chat.update({ channel: channel.id, ts: human.ts, text: 'x' }))).toMatchObject({ data: { error: 'cant_update_message' } });

      const link = await client.chat.getPermalink({ channel: channel.id, message_ts: posted.ts! });
      expect(link.permalink).toBe(`https://ballast-test.slack.com/archives/${channel.id}/p${posted.ts!.replace('.', '')}`);
    });

    it('chat.postMessage answers not_in_channel, channel_not_found and no_text like Slack', async () => {
      expect(await failure(client.chat.postMessage({ channel: FAKE_SLACK_GENERAL_CHANNEL, text: 'x' }))).toMatchObject({ data: { error: 'not_in_channel' } });
      expect(await failure(client.chat.postMessage({ channel: 'C0MISSING', text: 'x' }))).toMatchObject({ data: { error: 'channel_not_found' } });
      const channel = fake.addChannel({ name: 'ops' });
      expect(await failure(client.apiCall('chat.postMessage', { channel: channel.id }))).toMatchObject({ data: { error: 'no_text' } });
      expect(await failure(client.apiCall('chat.postMessage', { channel: channel.id, blocks: [{ text: 'no type' }] }))).toMatchObject({
        data: { error: 'invalid_blocks' },
      });
      await expect(client.chat.postMessage({ channel: '#ops', text: 'by name' })).resolves.toMatchObject({ channel: channel.id });
    });

    it('with chatWritePublic the bot may post in public channels it has not joined', async () => {
      const permissive = await FakeSlack.start({ chatWritePublic: true });
      try {
        const other = new WebClient(TOKEN, { slackApiUrl: permissive.url, retryConfig: noRetries });
        await expect(other.chat.postMessage({ channel: FAKE_SLACK_GENERAL_CHANNEL, text: 'hello' })).resolves.toMatchObject({ ok: true });
      } finally {
        await permissive.close();
      }
    });

    it('chat.postEphemeral needs the user in the channel', async () => {
      const channel = fake.addChannel({ name: 'inc-5', members: ['U01ALICE'] });
      await expect(client.chat.postEphemeral({ channel: channel.id, user: 'U01ALICE', text: 'only you' })).resolves.toMatchObject({ ok: true });
      expect(fake.lastCall('chat.postEphemeral')?.args).toMatchObject({ user: 'U01ALICE', text: 'only you' });
      expect(await failure(client.chat.postEphemeral({ channel: channel.id, user: 'U02BOB', text: 'x' }))).toMatchObject({
        data: { error: 'user_not_in_channel' },
      });
    });

    it('pins.list, reactions.get and users.info return seeded data', async () => {
      const channel = fake.addChannel({ name: 'inc-6', members: ['U01ALICE'] });
      const message = fake.addMessage(channel.id, { text: 'error rate graph', user: 'U01ALICE' });
      fake.pin(channel.id, message.ts, 'U02BOB');
      fake.addReaction(channel.id, message.ts, 'pushpin', 'U02BOB');

      const pins = await client.pins.list({ channel: channel.id });
      expect(pins.items).toEqual([
        expect.objectContaining({
          type: 'message',
          channel: channel.id,
          created_by: 'U02BOB',
          message: expect.objectContaining({ ts: message.ts, text: 'error rate graph', user: 'U01ALICE', permalink: expect.stringContaining(channel.id) }),
        }),
      ]);

      const reactions = await client.reactions.get({ channel: channel.id, timestamp: message.ts });
      expect(reactions.message).toMatchObject({ text: 'error rate graph', reactions: [{ name: 'pushpin', users: ['U02BOB'], count: 1 }] });
      expect(await failure(client.reactions.get({ channel: channel.id, timestamp: '1.000009' }))).toMatchObject({ data: { error: 'message_not_found' } });

      await expect(client.users.info({ user: 'U01ALICE' })).resolves.toMatchObject({
        user: { id: 'U01ALICE', name: 'alice', real_name: 'Alice Adams', profile: { email: 'alice@example.com' } },
      });
      expect(await failure(client.users.info({ user: 'U404' }))).toMatchObject({ data: { error: 'user_not_found' } });
    });

    it('pins.add pins a message once', async () => {
      const channel = fake.addChannel({ name: 'inc-8' });
      const posted = await client.chat.postMessage({ channel: channel.id, text: 'headline' });
      await client.pins.add({ channel: channel.id, timestamp: posted.ts! });
      expect(await failure(client.pins.add({ channel: channel.id, timestamp: posted.ts! }))).toMatchObject({ data: { error: 'already_pinned' } });
    });

    it('views.open accepts the real declare modal and views.update replaces it, checking the hash', async () => {
      const modal = buildDeclareModal({
        choices: { teams: [{ slug: 'payments', name: 'Payments' }], services: [], types: [{ slug: 'deploy', label: 'Deploy' }] },
        metadata: { channelId: 'C0GENERAL' },
      });
      const opened = await client.views.open({ trigger_id: '1.2.abc', view: modal });
      expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), callback_id: 'declare_incident', state: { values: {} } });
      expect(fake.lastCall('views.open')?.args.view).toEqual(JSON.parse(JSON.stringify(modal)));

      const updated = await client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modal });
      expect(updated.view?.hash).not.toBe(opened.view?.hash);
      expect(await failure(client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: modal }))).toMatchObject({
        data: { error: 'hash_conflict' },
      });
      expect(await failure(client.views.update({ view_id: 'V0NOPE', view: modal }))).toMatchObject({ data: { error: 'not_found' } });
    });

    it('views.open rejects what Slack rejects, with Slack-style messages', async () => {
      const error = await failure(
        client.views.open({
          trigger_id: '1.2.abc',
          view: {
            type: 'modal',
            title: { type: 'plain_text', text: 'A title that is far too long for Slack' },
            blocks: [{ type: 'input', block_id: 'a', label: { type: 'plain_text', text: 'A' }, element: { type: 'plain_text_input', action_id: 'a' } }],
          },
        }),
      );
      expect(error).toMatchObject({ data: { error: 'invalid_arguments' } });
      expect((error as WebAPIPlatformError).data.response_metadata?.messages).toEqual([
        '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
        '[ERROR] submit is required when an input block is present [json-pointer:/view/submit]',
      ]);
      expect(await failure(client.apiCall('views.open', { view: { type: 'modal' } }))).toMatchObject({ data: { error: 'invalid_arguments' } });
    });

    it('views.publish sets a user home tab', async () => {
      await expect(client.views.publish({ user_id: 'U01ALICE', view: { type: 'home', blocks: [] } })).resolves.toMatchObject({ view: { type: 'home' } });
      expect(await failure(client.views.publish({ user_id: 'U404', view: { type: 'home', blocks: [] } }))).toMatchObject({ data: { error: 'user_not_found' } });
    });
  });

  describe('conversations.list and lost answers', () => {
    it('lists public channels and the private ones the bot is in, page by page', async () => {
      const before = (await client.conversations.list({ types: 'public_channel,private_channel', limit: 1000 })).channels?.length ?? 0;
      fake.addChannel({ name: 'inc-20-a' });
      fake.addChannel({ name: 'inc-20-b', isPrivate: true });
      fake.addChannel({ name: 'inc-20-c', isPrivate: true, botIsMember: false });
      const archived = fake.addChannel({ name: 'inc-20-d' });
      archived.isArchived = true;
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.channels!.length).toBeLessThanOrEqual(2);
        names.push(...page.channels!.map((channel) => channel.name!));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      expect(names.filter((name) => name.startsWith('inc-20-'))).toEqual(['inc-20-a', 'inc-20-b']);
      expect(names).toHaveLength(before + 2);
      expect((await client.conversations.list({ limit: 1000 })).channels!.map((channel) => channel.name)).not.toContain('inc-20-b');
    });

    it('performs a call whose answer it then loses (the caller sees a dropped connection)', async () => {
      fake.loseAnswerNext('conversations.create');
      expect(await failure(client.conversations.create({ name: 'inc-21-lost' }))).toMatchObject({ code: ErrorCode.RequestError });
      expect(fake.channelByName('inc-21-lost')).toBeDefined();
      expect(await failure(client.conversations.create({ name: 'inc-21-lost' }))).toMatchObject({ data: { error: 'name_taken' } });
    });
  });

  describe('scripting', () => {
    it('answers ok:false for the next N calls, then behaves normally', async () => {
      const channel = fake.addChannel({ name: 'inc-10' });
      fake.failNext('chat.postMessage', 'channel_not_found', 2);
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const error = await failure(client.chat.postMessage({ channel: channel.id, text: 'x' }));
        expect(error).toBeInstanceOf(WebAPIPlatformError);
        expect((error as WebAPIPlatformError).data.error).toBe('channel_not_found');
      }
      await expect(client.chat.postMessage({ channel: channel.id, text: 'x' })).resolves.toMatchObject({ ok: true });
      expect(fake.calls('chat.postMessage')).toHaveLength(3);
    });

    it('scripts a method without affecting the others; "*" matches any method', async () => {
      fake.failNext('conversations.create', 'missing_scope', 1, { needed: 'channels:manage', provided: 'chat:write' });
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
      expect(await failure(client.conversations.create({ name: 'inc-11' }))).toMatchObject({
        data: { error: 'missing_scope', needed: 'channels:manage', provided: 'chat:write' },
      });
      fake.failNext('*', 'fatal_error');
      expect(await failure(client.auth.test())).toMatchObject({ data: { error: 'fatal_error' } });
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('answers a custom body with respondNext', async () => {
      fake.respondNext('auth.test', { ok: true, user_id: 'UOTHER' });
      await expect(client.auth.test()).resolves.toMatchObject({ user_id: 'UOTHER' });
    });

    it('answers HTTP 429 with Retry-After, and WebClient waits that long before retrying', async () => {
      const retrying = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 0 } });
      const rateLimitedFor: number[] = [];
      retrying.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimitedFor.push(seconds));
      fake.rateLimitNext('chat.postMessage', 1);
      const channel = fake.addChannel({ name: 'inc-12' });

      const started = Date.now();
      await expect(retrying.chat.postMessage({ channel: channel.id, text: 'after the limit' })).resolves.toMatchObject({ ok: true });
      const elapsed = Date.now() - started;

      const [limited, retried] = fake.calls('chat.postMessage');
      expect(limited.response).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
      expect(retried.response?.status).toBe(200);
      expect(retried.at.getTime() - limited.at.getTime()).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(rateLimitedFor).toEqual([1]);
    });

    it('surfaces 429 as a rate-limited error when the client rejects rate-limited calls', async () => {
      const impatient = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: noRetries, rejectRateLimitedCalls: true });
      fake.rateLimitNext('views.open', 7);
      const error = await failure(impatient.views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }));
      expect(error).toBeInstanceOf(WebAPIRateLimitedError);
      expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    });

    it('delays answers (the call succeeds late), and a client timeout turns a long delay into a request error', async () => {
      fake.delayNext('auth.test', 300);
      const started = Date.now();
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);

      const hasty = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: noRetries, timeout: 200 });
      fake.delayNext('views.open', 5000);
      const timedOutAt = Date.now();
      const error = await failure(hasty.views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } }));
      expect(error).toBeInstanceOf(WebAPIRequestError);
      expect(Date.now() - timedOutAt).toBeLessThan(2000);
    });

    it('can delay and then fail the same call', async () => {
      fake.delayNext('chat.postMessage', 100, 1, { kind: 'error', error: 'ratelimited' });
      expect(await failure(client.chat.postMessage({ channel: 'C0X', text: 'x' }))).toMatchObject({ data: { error: 'ratelimited' } });
    });

    it('answers an HTTP error status, which WebClient reports as an HTTP error', async () => {
      fake.httpErrorNext('auth.test', 502);
      const error = await failure(client.auth.test());
      expect(error).toBeInstanceOf(WebAPIHTTPError);
      expect(error).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 502 });
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('drops the connection with resetNext', async () => {
      fake.resetNext('auth.test');
      expect(await failure(client.auth.test())).toBeInstanceOf(WebAPIRequestError);
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('goes fully down with connection refused, and comes back on the same URL', async () => {
      const url = fake.url;
      await fake.goDown('refuse');
      expect(fake.isDown).toBe(true);
      const error = await failure(client.auth.test());
      expect(error).toBeInstanceOf(WebAPIRequestError);
      // Under Jest, fetch's TypeError comes from another realm and WebClient re-wraps it without its
      // cause (ECONNREFUSED); what is left is the message, and that nothing reached the fake.
      expect((error as WebAPIRequestError).original.message).toContain('fetch failed');
      expect(fake.calls()).toHaveLength(0);

      await fake.comeBack();
      expect(fake.url).toBe(url);
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('goes down answering 503 to everything, recording the attempts', async () => {
      await fake.goDown('http503');
      expect(await failure(client.conversations.create({ name: 'inc-13' }))).toMatchObject({ statusCode: 503 });
      expect(await failure(client.chat.postMessage({ channel: 'C1', text: 'x' }))).toMatchObject({ statusCode: 503 });
      expect(fake.calls().map((call) => call.method)).toEqual(['conversations.create', 'chat.postMessage']);
      await fake.comeBack();
      await expect(client.conversations.create({ name: 'inc-13' })).resolves.toMatchObject({ ok: true });
    });

    it('goes down dropping every connection', async () => {
      await fake.goDown('reset');
      expect(await failure(client.auth.test())).toBeInstanceOf(WebAPIRequestError);
      await fake.comeBack();
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('reset() forgets calls, scripts and state', async () => {
      fake.addChannel({ name: 'leftover' });
      fake.failNext('auth.test', 'nope', 5);
      await failure(client.auth.test());
      await fake.reset();
      expect(fake.calls()).toEqual([]);
      expect(fake.channelByName('leftover')).toBeUndefined();
      expect(fake.channelByName('general')).toBeDefined();
      await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('close() does not wait for a delayed answer', async () => {
      const doomed = await FakeSlack.start();
      doomed.delayNext('auth.test', 10_000);
      const pending = new WebClient(TOKEN, { slackApiUrl: doomed.url, retryConfig: noRetries }).auth.test().catch((error: unknown) => error);
      await doomed.waitForCalls('auth.test');
      const started = Date.now();
      await doomed.close();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await pending).toBeInstanceOf(WebAPIRequestError);
    });
  });
});

describe('signed Slack payloads', () => {
  const SECRET = 'test-signing-secret';

  describe('signature', () => {
    // The worked example in Slack's "Verifying requests from Slack".
    const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
    const DOC_TIMESTAMP = '1531420618';
    const DOC_BODY =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

    it("matches Slack's documented example", () => {
      expect(signSlackRequest(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
    });

    it('reproduces the documented slash command body byte for byte, and its signature', () => {
      const request = slashCommandRequest(
        DOC_SECRET,
        {
          token: 'xyzz0WbapA4vBCDEFasx0q6G',
          teamId: 'T1DC2JH3J',
          teamDomain: 'testteamnow',
          channelId: 'G8PSS9T3V',
          channelName: 'foobar',
          userId: 'U2CERLKJA',
          userName: 'roadrunner',
          command: '/webhook-collect',
          text: '',
          responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
          triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
          apiAppId: null,
        },
        { timestamp: DOC_TIMESTAMP },
      );
      expect(request.body).toBe(DOC_BODY);
      expect(request.headers['X-Slack-Signature']).toBe(DOC_SIGNATURE);
      expect(request.headers['X-Slack-Request-Timestamp']).toBe(DOC_TIMESTAMP);
    });

    it("passes Bolt's own verifier, and forged, re-keyed, tampered or stale requests do not", () => {
      const now = Date.parse('2026-03-01T03:00:00Z');
      const verify = (request: SignedSlackRequest) =>
        verifySlackRequest({
          signingSecret: SECRET,
          body: request.body,
          headers: {
            'x-slack-signature': request.headers['X-Slack-Signature'],
            'x-slack-request-timestamp': Number(request.headers['X-Slack-Request-Timestamp']),
          },
          nowMilliseconds: now,
        });
      expect(() => verify(slashCommandRequest(SECRET, { text: 'status resolved' }, { now }))).not.toThrow();
      expect(() => verify(slashCommandRequest(SECRET, {}, { now, staleBySeconds: 299 }))).not.toThrow();
      expect(() => verify(slashCommandRequest(SECRET, {}, { now, signature: 'v0=deadbeef' }))).toThrow('signature mismatch');
      expect(() => verify(slashCommandRequest(SECRET, {}, { now, signWith: 'another-secret' }))).toThrow('signature mismatch');
      expect(() => verify(slashCommandRequest(SECRET, { text: 'note a' }, { now, tamperBody: (body) => body.replace('note+a', 'note+b') }))).toThrow(
        'signature mismatch',
      );
      expect(() => verify(slashCommandRequest(SECRET, {}, { now, staleBySeconds: 301 }))).toThrow('stale');
    });

    it('adds retry headers and can omit signature headers', () => {
      const retried = eventCallbackRequest(SECRET, reactionAddedEvent({ channelId: 'C1', ts: '1.000001' }), {}, { retryNum: 2, retryReason: 'http_error' });
      expect(retried.headers).toMatchObject({ 'X-Slack-Retry-Num': '2', 'X-Slack-Retry-Reason': 'http_error' });
      const bare = urlVerificationRequest(SECRET, 'c', { omitSignature: true, omitTimestamp: true });
      expect(bare.headers['X-Slack-Signature']).toBeUndefined();
      expect(bare.headers['X-Slack-Request-Timestamp']).toBeUndefined();
      expect(bare.signature).toBeNull();
    });
  });

  describe('shapes', () => {
    it('slash command: form-encoded with the documented fields', () => {
      const request = slashCommandRequest(SECRET, {
        text: 'lead <@U02BOB|bob>',
        channelId: 'C0INC',
        channelName: 'inc-1-x',
        responseUrl: 'http://127.0.0.1:1/response-url/a',
      });
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      const fields = Object.fromEntries(new URLSearchParams(request.body));
      expect(Object.keys(fields)).toEqual([
        'token',
        'team_id',
        'team_domain',
        'channel_id',
        'channel_name',
        'user_id',
        'user_name',
        'command',
        'text',
        'api_app_id',
        'is_enterprise_install',
        'response_url',
        'trigger_id',
      ]);
      expect(fields).toMatchObject({
        command: '/incident',
        text: 'lead <@U02BOB|bob>',
        channel_id: 'C0INC',
        user_id: 'U01ALICE',
        response_url: 'http://127.0.0.1:1/response-url/a',
      });
      expect(fields.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
      expect(request.body).toContain('text=lead+%3C%40U02BOB%7Cbob%3E');
      expect(slashCommandRequest(SECRET).payload.trigger_id).not.toBe(fields.trigger_id);
    });

    it('view_submission: a `payload` form field holding the documented JSON, with values the domain parser reads', () => {
      const values = declareViewValues({
        title: 'Checkout errors',
        severity: 'SEV2',
        team: 'payments',
        services: ['checkout'],
        type: 'deploy',
        visibility: 'public',
        summary: '5xx',
      });
      const request = viewSubmissionRequest(SECRET, { values, privateMetadata: '{"channelId":"C0GENERAL"}', viewId: 'V0SAME' });
      const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!);
      expect(payload).toMatchObject({
        type: 'view_submission',
        user: { id: 'U01ALICE' },
        view: { id: 'V0SAME', callback_id: 'declare_incident', private_metadata: '{"channelId":"C0GENERAL"}', state: { values } },
      });
      expect(parseDeclareSubmission(payload.view.state.values)).toEqual({
        ok: true,
        command: { title: 'Checkout errors', severity: 'SEV2', team: 'payments', services: ['checkout'], type: 'deploy', visibility: 'public', summary: '5xx' },
      });
    });

    it('block_actions: a `payload` form field, from a message or a view', () => {
      const inMessage = blockActionsRequest(SECRET, {
        actions: [{ action_id: 'resolve', block_id: 'incident_actions', value: '42' }],
        channelId: 'C0INC',
        messageTs: '1712345678.000200',
      });
      const payload = JSON.parse(new URLSearchParams(inMessage.body).get('payload')!);
      expect(payload).toMatchObject({
        type: 'block_actions',
        container: { type: 'message', channel_id: 'C0INC', message_ts: '1712345678.000200' },
        channel: { id: 'C0INC' },
        actions: [{ action_id: 'resolve', block_id: 'incident_actions', value: '42', type: 'button' }],
      });
      const inView = blockActionsRequest(SECRET, {
        actions: [{ action_id: 'a', block_id: 'b', type: 'static_select', selected_option: { value: 'x' } }],
        viewId: 'V1',
      });
      expect(inView.payload).toMatchObject({ container: { type: 'view', view_id: 'V1' } });
      expect(inView.payload.channel).toBeUndefined();
    });

    it('events: JSON event_callback envelopes with pin_added and reaction_added items', () => {
      const pin = eventCallbackRequest(
        SECRET,
        pinAddedEvent({ channelId: 'C0INC', message: { ts: '1712345678.000300', text: 'graph', user: 'U02BOB' }, user: 'U01ALICE' }),
        { eventId: 'Ev1' },
      );
      expect(pin.contentType).toBe('application/json');
      expect(JSON.parse(pin.body)).toMatchObject({
        type: 'event_callback',
        event_id: 'Ev1',
        api_app_id: FAKE_SLACK_BOT.appId,
        event: {
          type: 'pin_added',
          user: 'U01ALICE',
          channel_id: 'C0INC',
          item: {
            type: 'message',
            channel: 'C0INC',
            message: { ts: '1712345678.000300', text: 'graph', user: 'U02BOB', permalink: 'https://ballast-test.slack.com/archives/C0INC/p1712345678000300' },
          },
        },
      });
      const reaction = eventCallbackRequest(SECRET, reactionAddedEvent({ channelId: 'C0INC', ts: '1712345678.000300' }));
      expect(reaction.payload.event).toMatchObject({
        type: 'reaction_added',
        reaction: 'pushpin',
        item: { type: 'message', channel: 'C0INC', ts: '1712345678.000300' },
      });
      expect(reaction.payload.event_id).not.toBe(pin.payload.event_id);
    });

    it('url_verification and ssl_check', () => {
      expect(JSON.parse(urlVerificationRequest(SECRET, 'abc').body)).toEqual({ token: expect.any(String), challenge: 'abc', type: 'url_verification' });
      expect(sslCheckRequest(SECRET).body).toBe('ssl_check=1&token=xyzz0WbapA4vBCDEFasx0q6G');
    });
  });

  /**
   * End to end through Bolt's HTTP receiver (what apps/api will run): the
   * payloads are accepted, routed to the right listener with Slack's retry
   * headers, and the listener's Web API calls land in the fake.
   */
  describe('through a Bolt app wired to the fake Slack', () => {
    let fake: FakeSlack;
    let app: App;
    let url: string;
    const seen: Array<{ kind: string; retryNum?: number; body: unknown }> = [];

    beforeAll(async () => {
      fake = await FakeSlack.start();
      app = new App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: fake.url, retryConfig: noRetries }, logLevel: LogLevel.ERROR });
      app.command('/incident', async ({ ack, command, client, context }) => {
        await ack();
        seen.push({ kind: 'command', retryNum: context.retryNum, body: command });
        await client.views.open({
          trigger_id: command.trigger_id,
          view: buildDeclareModal({ choices: { teams: [], services: [], types: [] }, metadata: { channelId: command.channel_id } }),
        });
      });
      app.view('declare_incident', async ({ ack, view }) => {
        const parsed = parseDeclareSubmission(view.state.values as never);
        seen.push({ kind: 'view', body: parsed });
        await ack(parsed.ok ? undefined : declareErrorsResponse(parsed.errors));
      });
      app.event('pin_added', async ({ event, context }) => {
        seen.push({ kind: 'pin_added', retryNum: context.retryNum, body: event });
      });
      app.event('reaction_added', async ({ event }) => {
        seen.push({ kind: 'reaction_added', body: event });
      });
      const server = (await app.start(0)) as unknown as { address(): AddressInfo };
      url = `http://127.0.0.1:${server.address().port}/slack/events`;
    });
    afterAll(async () => {
      await app.stop();
      await fake.close();
    });
    beforeEach(() => {
      seen.length = 0;
    });

    const post = (request: SignedSlackRequest) => fetch(url, { method: 'POST', headers: request.headers, body: request.body });

    it('runs a slash command and opens the modal with its trigger_id', async () => {
      const command = slashCommandRequest(SECRET, { text: 'declare Checkout errors' });
      const response = await post(command);
      expect(response.status).toBe(200);
      const [open] = await fake.waitForCalls('views.open');
      expect(open.args).toMatchObject({ trigger_id: command.payload.trigger_id, view: { callback_id: 'declare_incident' } });
      expect(seen[0]).toMatchObject({ kind: 'command', body: { text: 'declare Checkout errors' } });
    });

    it('answers a view submission with field errors Slack can show', async () => {
      const response = await post(viewSubmissionRequest(SECRET, { values: declareViewValues({ title: ' ', severity: 'SEV2', withoutCatalogBlocks: true }) }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ response_action: 'errors', errors: { declare_title: 'Give the incident a title.' } });
    });

    it('routes events and exposes Slack retry headers', async () => {
      const response = await post(
        eventCallbackRequest(SECRET, pinAddedEvent({ channelId: 'C0INC', message: { ts: '1712345678.000400', text: 'graph' } }), {}, { retryNum: 1 }),
      );
      expect(response.status).toBe(200);
      await post(eventCallbackRequest(SECRET, reactionAddedEvent({ channelId: 'C0INC', ts: '1712345678.000400' })));
      await eventually(async () => expect(seen).toHaveLength(2), 5_000, 10);
      expect(seen).toEqual([
        expect.objectContaining({ kind: 'pin_added', retryNum: 1, body: expect.objectContaining({ channel_id: 'C0INC' }) }),
        expect.objectContaining({ kind: 'reaction_added', body: expect.objectContaining({ reaction: 'pushpin' }) }),
      ]);
    });

    it('answers url_verification with the challenge', async () => {
      const response = await post(urlVerificationRequest(SECRET, 'the-challenge'));
      expect(await response.json()).toEqual({ challenge: 'the-challenge' });
    });

    it.each<[string, Parameters<typeof slashCommandRequest>[2]]>([
      ['forged', { signature: 'v0=0000' }],
      ['signed with another secret', { signWith: 'nope' }],
      ['stale', { staleBySeconds: 6 * 60 }],
    ])('rejects a %s request with 401 and runs no listener', async (_name, options) => {
      const response = await post(slashCommandRequest(SECRET, { text: 'rejected' }, options));
      expect(response.status).toBe(401);
      // The next, correctly signed request is dispatched: by then the rejected one would have run its listener too.
      expect((await post(slashCommandRequest(SECRET, { text: 'accepted' }))).status).toBe(200);
      await eventually(async () => expect(seen).toHaveLength(1), 5_000, 10);
      expect(seen).toEqual([expect.objectContaining({ kind: 'command', body: expect.objectContaining({ text: 'accepted' }) })]);
    });
  });

  describe('Socket Mode, with a Bolt app in Socket Mode', () => {
    const APP_TOKEN = 'xapp-1-A0BALLAST-1-fake-test';
    let fake: FakeSlack;
    let app: App;
    let receiver: SocketModeReceiver;
    const seen: string[] = [];

    beforeAll(async () => {
      fake = await FakeSlack.start();
      receiver = new SocketModeReceiver({ appToken: APP_TOKEN, installerOptions: { clientOptions: { slackApiUrl: fake.url } }, logLevel: LogLevel.ERROR });
      app = new App({ token: TOKEN, socketMode: true, receiver, clientOptions: { slackApiUrl: fake.url, retryConfig: noRetries }, logLevel: LogLevel.ERROR });
      app.command('/incident', async ({ ack, command }) => {
        seen.push(`command ${command.text}`);
        await ack(command.text === 'help' ? { response_type: 'ephemeral', text: 'Help!' } : undefined);
      });
      await app.start();
      await fake.socketMode.waitForConnection();
    });
    afterAll(async () => {
      // Bolt's stop() does not wait for the close handshake; the client's disconnect() does.
      await receiver.client.disconnect();
      await fake.close();
    });

    it('answers apps.connections.open with a ws:// URL for an app-level token only', async () => {
      expect(fake.calls('apps.connections.open')[0].response?.body).toMatchObject({
        ok: true,
        url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket-mode\?/),
      });
      const withBotToken = new WebClient(TOKEN, { slackApiUrl: fake.url, retryConfig: noRetries });
      expect(await failure(withBotToken.apps.connections.open({}))).toMatchObject({ data: { ok: false, error: 'not_allowed_token_type' } });
      expect(fake.socketMode.opened).toBe(1);
    });

    it('delivers envelopes and records the acks with their payload, also for the same envelope twice', async () => {
      const command = slashCommandRequest(SECRET, { text: 'help' }).payload;
      const first = await fake.socketMode.deliver('slash_commands', command, { envelopeId: 'envelope-1' });
      const second = await fake.socketMode.deliver('slash_commands', command, { envelopeId: 'envelope-1' });
      expect(first).toMatchObject({ envelopeId: 'envelope-1', payload: { response_type: 'ephemeral', text: 'Help!' } });
      expect(second.envelopeId).toBe('envelope-1');
      const empty = await fake.socketMode.deliver('slash_commands', slashCommandRequest(SECRET, { text: '' }).payload);
      expect(empty.payload).toEqual({});
      expect(seen).toEqual(['command help', 'command help', 'command ']);
      expect(fake.socketMode.delivered.map((envelope) => [envelope.type, envelope.accepts_response_payload])).toEqual([
        ['slash_commands', true],
        ['slash_commands', true],
        ['slash_commands', true],
      ]);
      expect(fake.socketMode.acks.map((ack) => ack.envelopeId)).toEqual(['envelope-1', 'envelope-1', empty.envelopeId]);
    });

    it('rejects a delivery nobody acknowledges in time', async () => {
      // no listener for this command: Bolt does not ack it
      await expect(fake.socketMode.deliver('slash_commands', slashCommandRequest(SECRET, { command: '/other' }).payload, { timeoutMs: 300 })).rejects.toThrow(
        'no ack',
      );
    });
  });
});
