import { createServer, IncomingMessage, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsRegistry, startDraining, UnauthorizedError } from '@app/platform';
import { SLACK_BODY_LIMIT_BYTES, SlackEventsListener } from './slack-events.listener';
import { SlackEndpointUnavailableError, type SlackHttpAnswer, type SlackHttpReceiver, type SlackHttpRequest } from './slack-http.receiver';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One request over a real socket; `chunks` are written one by one (chunked transfer encoding when no content-length is given). */
function send(server: Server, options: { method?: string; path?: string; chunks?: string[]; headers?: Record<string, string> }): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/slack/events', headers: options.headers },
      (incoming) => {
        let body = '';
        incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }));
      },
    );
    outgoing.on('error', reject);
    for (const chunk of options.chunks ?? []) outgoing.write(chunk);
    outgoing.end();
  });
}

describe('SlackEventsListener', () => {
  let server: Server;
  let metrics: MetricsRegistry;
  let listener: SlackEventsListener;
  let received: SlackHttpRequest[];
  let behaviour: (request: SlackHttpRequest, answer: (answer: SlackHttpAnswer) => void) => Promise<void>;
  const log = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

  beforeEach(async () => {
    received = [];
    behaviour = async (_request, answer) => answer({ status: 200 });
    const receiver = {
      receive: (slackRequest: SlackHttpRequest, answer: (answer: SlackHttpAnswer) => void) => {
        received.push(slackRequest);
        return behaviour(slackRequest, answer);
      },
    } as unknown as SlackHttpReceiver;
    metrics = new MetricsRegistry();
    listener = new SlackEventsListener(receiver, metrics);
    (listener as unknown as { logger: typeof log }).logger = log;
    jest.clearAllMocks();
    server = createServer((incoming, outgoing) => {
      if (!listener.handle(incoming, outgoing)) {
        outgoing.writeHead(418);
        outgoing.end('downstream');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('takes only POST /slack/events (query string allowed)', async () => {
    expect((await send(server, { method: 'GET' })).status).toBe(418);
    expect((await send(server, { path: '/slack/eventsx' })).status).toBe(418);
    expect((await send(server, { path: '/slack' })).status).toBe(418);
    expect((await send(server, { path: '/slack/events?x=1' })).status).toBe(200);
  });

  it('is the one entry while Slack is off or in Socket Mode too: the 404 naming the reason', async () => {
    behaviour = async () => {
      throw new SlackEndpointUnavailableError('slack_disabled', 'Slack is disabled: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to enable it.');
    };
    const answer = await send(server, { chunks: ['token=x'] });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'slack_disabled', message: expect.stringContaining('SLACK_BOT_TOKEN') });
    expect(received.map((slackRequest) => slackRequest.rawBody.toString())).toEqual(['token=x']);
  });

  it('hands the receiver the exact bytes and headers, and writes its answer', async () => {
    behaviour = async (_request, answer) =>
      answer({ status: 200, body: '{"response_type":"ephemeral","text":"hé"}', contentType: 'application/json; charset=utf-8' });
    const answer = await send(server, {
      chunks: ['payload=%7B%22a%22', '%3A1%7D'],
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': 'v0=abc' },
    });
    expect(received).toHaveLength(1);
    expect(received[0].rawBody.toString()).toBe('payload=%7B%22a%22%3A1%7D');
    expect(received[0].headers['x-slack-signature']).toBe('v0=abc');
    expect(answer).toMatchObject({ status: 200, body: '{"response_type":"ephemeral","text":"hé"}' });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  });

  it('answers a refusal with the API error shape and the status of its kind', async () => {
    behaviour = async () => {
      throw new UnauthorizedError('The Slack request signature is missing, stale or invalid.');
    };
    const answer = await send(server, { chunks: ['command=%2Fincident'] });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ error: 'unauthorized', message: 'The Slack request signature is missing, stale or invalid.' });
  });

  it('refuses a body over the limit with 413 without handing it on, whether it says its length or streams it', async () => {
    const big = 'x'.repeat(SLACK_BODY_LIMIT_BYTES + 1);
    const declared = await send(server, { chunks: [big], headers: { 'content-length': String(big.length) } });
    expect(declared.status).toBe(413);
    const streamed = await send(server, { chunks: [big.slice(0, 100_000), big.slice(100_000, 200_000), big.slice(200_000)] });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: 'payload_too_large' });
    expect(received).toEqual([]);
  });

  it('observes every answer in http_request_duration_seconds and logs one line per request, by status', async () => {
    await send(server, {});
    behaviour = async () => {
      throw new UnauthorizedError('no');
    };
    await send(server, {});
    behaviour = async () => {
      throw new Error('bug');
    };
    await send(server, {});
    const histogram = await metrics.httpRequestDuration.get();
    const counts = Object.fromEntries(
      histogram.values
        .filter((value) => value.metricName === 'http_request_duration_seconds_count')
        .map((value) => [`${value.labels.method} ${value.labels.route} ${value.labels.status_code}`, value.value]),
    );
    expect(counts).toEqual({ 'POST /slack/events 200': 1, 'POST /slack/events 401': 1, 'POST /slack/events 500': 1 });
    expect(log.log).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.log.mock.calls[0][0]).toMatchObject({ req: { method: 'POST', url: '/slack/events' }, res: { statusCode: 200 } });
  });

  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const durationCounts = async () =>
    Object.fromEntries(
      (await metrics.httpRequestDuration.get()).values
        .filter((value) => value.metricName === 'http_request_duration_seconds_count')
        .map((value) => [`${value.labels.method} ${value.labels.route} ${value.labels.status_code}`, value.value]),
    );

  it('counts (499) and logs at warn a request whose client hangs up before the answer, mid-body or while the receiver works', async () => {
    const { port } = server.address() as AddressInfo;
    const open = (contentLength: number) => {
      const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers: { 'content-length': String(contentLength) } });
      outgoing.on('error', () => undefined);
      return outgoing;
    };
    // Mid-body: the content-length promises more than ever comes.
    const midBody = open(100);
    midBody.write('command=%2Fin', () => midBody.destroy());
    await until(() => log.warn.mock.calls.length === 1);
    expect(received).toEqual([]);

    // The whole body, then gone before the receiver answers; the late answer is not counted again.
    let answerLate = () => undefined as void;
    behaviour = (_request, answer) => new Promise<void>((resolve) => (answerLate = () => resolve(answer({ status: 200 }))));
    const whole = open('command=%2Fincident'.length);
    whole.end('command=%2Fincident');
    await until(() => received.length === 1);
    whole.destroy();
    await until(() => log.warn.mock.calls.length === 2);
    answerLate();
    // A later request, observed when it finishes: by then a second observation of the late answer would have come.
    behaviour = async (_request, answer) => answer({ status: 200 });
    expect((await send(server, {})).status).toBe(200);

    expect(await durationCounts()).toEqual({ 'POST /slack/events 499': 2, 'POST /slack/events 200': 1 });
    expect(log.warn.mock.calls.map(([line, message]) => [line.req.url, line.res.statusCode, message])).toEqual([
      ['/slack/events', 499, 'request aborted before an answer was sent'],
      ['/slack/events', 499, 'request aborted before an answer was sent'],
    ]);
    expect(log.log).toHaveBeenCalledTimes(1);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('asks keep-alive clients to close the connection while the app drains', async () => {
    expect((await send(server, {})).headers.connection).not.toBe('close');
    startDraining();
    expect((await send(server, {})).headers.connection).toBe('close');
  });
});
