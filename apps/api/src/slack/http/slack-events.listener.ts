import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AllExceptionsFilter, isDraining, MetricsRegistry } from '@app/platform';
import { SlackHttpAnswer, SlackHttpReceiver } from './slack-http.receiver';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Slack's request bodies are small (a view submission with every field
 * filled in is a few kB); anything bigger is not from Slack.
 */
export const SLACK_BODY_LIMIT_BYTES = 256 * 1024;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** nginx's "client closed request": the connection ended before an answer was written (the status_code label). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * POST /slack/events in HTTP mode, answered ahead of Express and Nest
 * (installed as the HTTP server's first request listener by createApiApp).
 * Slack's clock is 3 seconds for the whole round trip and `/incident` comes in
 * bursts during an outage, so a request here costs reading the body, one HMAC
 * and one socket write before anything else: no routing stack, no body parser
 * middleware, no per-request logger child. It still gets what every route
 * gets, cheaper: the `http_request_duration_seconds` histogram (route
 * `/slack/events`), one log line per request (level by status, like
 * pino-http's; a request aborted before its answer is counted and logged at
 * warn as 499), `Connection: close` while draining, and the JSON error shape
 * of AllExceptionsFilter for refusals (401 without any side effect).
 *
 * It is the one entry of this URL: while Slack is off or in Socket Mode the
 * receiver refuses the request and the answer is the 404 naming the reason
 * (AllExceptionsFilter's shape). Every other request continues to Nest.
 */
@Injectable()
export class SlackEventsListener {
  private readonly logger = new Logger('SlackEvents');
  private readonly errors = new AllExceptionsFilter();

  constructor(
    private readonly receiver: SlackHttpReceiver,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** True when the request is answered here. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST' || !isSlackEventsUrl(request.url)) return false;
    const startedAt = process.hrtime.bigint();
    let readFailure: unknown;
    response.once('finish', () => this.observe(request, response, startedAt));
    // A request aborted mid-body (or a client gone before the answer) never finishes: observed when the connection closes.
    response.once('close', () => {
      if (!response.writableFinished) this.observeAborted(request, startedAt, readFailure);
    });
    readBody(request, SLACK_BODY_LIMIT_BYTES).then(
      (rawBody) => {
        if (rawBody === null) {
          this.sendError(response, 413, { error: 'payload_too_large', message: `A Slack request body is at most ${SLACK_BODY_LIMIT_BYTES} bytes` }, true);
          return;
        }
        const ip = request.socket.remoteAddress;
        this.receiver
          .receive({ rawBody, headers: request.headers, ip }, (answer) => send(response, answer))
          .catch((error: unknown) => {
            const { status, body } = this.errors.toResponse(error);
            this.sendError(response, status, body, false);
          });
      },
      (error: unknown) => {
        readFailure = error;
        response.destroy();
      },
    );
    return true;
  }

  private sendError(response: ServerResponse, status: number, body: object, closeConnection: boolean): void {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (closeConnection) response.setHeader('Connection', 'close');
    send(response, { status, body: JSON.stringify(body), contentType: JSON_CONTENT_TYPE });
  }

  private observe(request: IncomingMessage, response: ServerResponse, startedAt: bigint): void {
    const status = response.statusCode;
    const line = this.record(request, status, startedAt);
    if (status >= 500) this.logger.error(line, 'request errored');
    else if (status >= 400) this.logger.warn(line, 'request completed');
    else this.logger.log(line, 'request completed');
  }

  /** Not our failure but worth seeing: Slack (or a proxy) gave up on us, or something sends broken requests. */
  private observeAborted(request: IncomingMessage, startedAt: bigint, readFailure: unknown): void {
    const line = this.record(request, CLIENT_CLOSED_REQUEST, startedAt);
    this.logger.warn(readFailure === undefined ? line : { ...line, err: readFailure }, 'request aborted before an answer was sent');
  }

  /** One observation in the http histogram; returns the request's log line. */
  private record(request: IncomingMessage, status: number, startedAt: bigint) {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.metrics.httpRequestDuration.observe({ method: 'POST', route: SLACK_EVENTS_PATH, status_code: String(status) }, seconds);
    return {
      req: { method: 'POST', url: request.url, remoteAddress: request.socket.remoteAddress, retryNum: request.headers['x-slack-retry-num'] },
      res: { statusCode: status },
      responseTime: Math.round(seconds * 1e4) / 10,
    };
  }
}

function send(response: ServerResponse, answer: SlackHttpAnswer): void {
  if (isDraining()) response.setHeader('Connection', 'close');
  if (answer.body === undefined) {
    response.writeHead(answer.status, { 'Content-Length': '0' });
    response.end();
    return;
  }
  response.writeHead(answer.status, {
    'Content-Type': answer.contentType ?? 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(answer.body)),
  });
  response.end(answer.body);
}

function isSlackEventsUrl(url: string | undefined): boolean {
  if (!url?.startsWith(SLACK_EVENTS_PATH)) return false;
  return url.length === SLACK_EVENTS_PATH.length || url[SLACK_EVENTS_PATH.length] === '?';
}

/** The whole body, or null once it exceeds `limit` bytes (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}
