import { ErrorCode, WebClient } from '@slack/web-api';
import { keepAliveSlackFetch } from '../apps/api/src/slack/slack-web-transport';
import { FakeSlack } from './support/fake-slack';

/** The gateway's transport (node:http keep-alive instead of the global fetch) under a real WebClient, against the fake Slack. */
describe('keepAliveSlackFetch as WebClient transport', () => {
  let fake: FakeSlack;
  const client = (options: { retries?: number; timeout?: number; rejectRateLimitedCalls?: boolean } = {}) =>
    new WebClient('xoxb-transport-test', {
      slackApiUrl: fake.url,
      fetch: keepAliveSlackFetch(),
      retryConfig: { retries: options.retries ?? 0, minTimeout: 10, maxTimeout: 20 },
      rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? true,
      ...(options.timeout ? { timeout: options.timeout } : {}),
    });
  const failure = async (promise: Promise<unknown>) =>
    promise.then(
      () => new Error('expected a failure'),
      (error: unknown) => error,
    );

  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sends the form body and token, and hands back the parsed answer', async () => {
    const channel = fake.addChannel({ name: 'transport-ok' });
    const posted = await client().chat.postMessage({ channel: channel.id, text: 'héllo <wörld> & more' });
    expect(posted).toMatchObject({ ok: true, channel: channel.id });
    const call = fake.lastCall('chat.postMessage')!;
    expect(call.token).toBe('xoxb-transport-test');
    expect(call.args.text).toBe('héllo <wörld> & more');
    expect(fake.findMessage(channel.id, String(posted.ts))?.text).toBe('héllo <wörld> & more');
  });

  it('reports ok:false as a platform error, a 429 as rate limited with Retry-After, a 503 as an HTTP error', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found');
    expect(await failure(client().chat.postMessage({ channel: 'C0NONE', text: 'x' }))).toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'channel_not_found' },
    });
    fake.rateLimitNext('chat.postMessage', 7);
    expect(await failure(client().chat.postMessage({ channel: 'C0NONE', text: 'x' }))).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    fake.httpErrorNext('chat.postMessage', 503);
    expect(await failure(client().chat.postMessage({ channel: 'C0NONE', text: 'x' }))).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
  });

  it('retries through a dropped connection, and reports a timeout or an outage as a request error', async () => {
    const channel = fake.addChannel({ name: 'transport-retry' });
    fake.resetNext('chat.postMessage');
    await expect(client({ retries: 1 }).chat.postMessage({ channel: channel.id, text: 'again' })).resolves.toMatchObject({ ok: true });
    fake.delayNext('chat.postMessage', 2000);
    expect(await failure(client({ timeout: 100 }).chat.postMessage({ channel: channel.id, text: 'slow' }))).toMatchObject({ code: ErrorCode.RequestError });
    await fake.goDown('refuse');
    try {
      expect(await failure(client().chat.postMessage({ channel: channel.id, text: 'down' }))).toMatchObject({ code: ErrorCode.RequestError });
    } finally {
      await fake.comeBack();
    }
  });

  it('keeps connections alive across calls', async () => {
    const channel = fake.addChannel({ name: 'transport-keepalive' });
    const slack = client();
    for (let i = 0; i < 5; i += 1) await slack.chat.postMessage({ channel: channel.id, text: `m${i}` });
    const connectionHeaders = fake
      .calls('chat.postMessage')
      .slice(-5)
      .map((call) => call.headers.connection);
    expect(connectionHeaders.every((value) => value === 'keep-alive')).toBe(true);
  });
});
