import { Injectable, Logger, Optional } from '@nestjs/common';
import type { App, Receiver } from '@slack/bolt';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '@app/config';
import { parseIncidentCommand } from '../ui';
import { Clock, DomainError, findUnsafeText, reportInternalError, UnauthorizedError, ValidationFailedError } from '@app/platform';
import { SlackReplayGuard } from './slack-replay-guard';
import { AuditLog } from '@app/catalog';
import { slackAuditEntry } from '../slack-audit';
import { SlackBackgroundWork } from '../slack-background-work';
import { SlackGateway } from '../slack-gateway';
import { parseSlackRequestBody, slackRetryNumber } from './slack-request';
import { verifySlackSignature } from './slack-signature';

/** POST /slack/events while Slack is off, or while it runs over Socket Mode. */
export class SlackEndpointUnavailableError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(code: 'slack_disabled' | 'slack_socket_mode', message: string) {
    super(code, message);
  }
}

/** One request to POST /slack/events as the receiver needs it: the exact bytes (the signature covers them) and the headers. */
export interface SlackHttpRequest {
  readonly rawBody: Buffer;
  readonly headers: IncomingHttpHeaders;
  /** for the log line of a rejected request */
  readonly ip?: string;
}

/** The HTTP answer to Slack; `send` is called at most once. */
export interface SlackHttpAnswer {
  readonly status: number;
  readonly body?: string;
  readonly contentType?: string;
}

/**
 * Bolt's receiver for HTTP mode. SlackEventsListener hands it each request on
 * `POST /slack/events` ahead of Express. It verifies the signature on the exact
 * bytes received (before anything else happens), answers Slack's handshakes,
 * and dispatches the rest to Bolt with an `ack` that writes the HTTP response,
 * so listeners answer Slack first and do their IO afterwards.
 *
 * `/incident` alone (open the declare form) needs nothing before its empty
 * ack, so it is answered before Bolt even sees it and dispatched on a later
 * turn of the event loop (SlackBackgroundWork.defer): in a burst every
 * command's 200 goes out before the first form is built.
 */
@Injectable()
export class SlackHttpReceiver implements Receiver {
  private readonly logger = new Logger(SlackHttpReceiver.name);
  private bolt: App | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly gateway: SlackGateway,
    private readonly work: SlackBackgroundWork,
    @Optional() private readonly replays?: SlackReplayGuard,
    @Optional() private readonly audit?: AuditLog,
  ) {}

  init(app: App): void {
    this.bolt = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Whether requests to POST /slack/events are Bolt's (HTTP mode); otherwise `receive` refuses them with the reason. */
  get acceptsRequests(): boolean {
    return this.gateway.mode === 'http' && this.bolt !== null && Boolean(this.config.SLACK_SIGNING_SECRET);
  }

  /**
   * Handles one request; `send` writes the answer. Throws (before sending
   * anything, and before any side effect) when the endpoint is unavailable,
   * the signature is missing, stale or wrong (UnauthorizedError), or the body
   * is unreadable.
   */
  async receive(request: SlackHttpRequest, send: (answer: SlackHttpAnswer) => void): Promise<void> {
    // Slack's 3 seconds run from here at the latest: listeners get it to budget their work before the ack.
    const receivedAt = Date.now();
    const bolt = this.bolt;
    if (this.gateway.mode === 'socket') {
      throw new SlackEndpointUnavailableError(
        'slack_socket_mode',
        'Slack runs in Socket Mode (SLACK_APP_TOKEN is set): its requests arrive over the socket, not at this URL.',
      );
    }
    if (this.gateway.mode === 'disabled' || !bolt || !this.config.SLACK_SIGNING_SECRET) {
      throw new SlackEndpointUnavailableError('slack_disabled', 'Slack is disabled: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to enable it.');
    }

    const verdict = verifySlackSignature({
      signingSecret: this.config.SLACK_SIGNING_SECRET,
      rawBody: request.rawBody,
      timestamp: header(request.headers, 'x-slack-request-timestamp'),
      signature: header(request.headers, 'x-slack-signature'),
      now: this.clock.now(),
    });
    if (!verdict.ok) {
      this.logger.warn({ reason: verdict.reason, ip: request.ip }, `rejected a request to /slack/events: ${verdict.reason}`);
      throw new UnauthorizedError('The Slack request signature is missing, stale or invalid.');
    }

    const parsed = parseSlackRequestBody(request.rawBody, header(request.headers, 'content-type'));
    switch (parsed.kind) {
      case 'invalid':
        throw new ValidationFailedError(`Unreadable Slack request: ${parsed.reason}`);
      case 'ssl_check':
        send({ status: 200 });
        return;
      case 'url_verification':
        send({ status: 200, body: JSON.stringify({ challenge: parsed.challenge }), contentType: JSON_CONTENT_TYPE });
        return;
      case 'dispatch':
        break;
    }
    const unsafe = findUnsafeText(parsed.body);
    if (unsafe !== undefined) {
      throw new ValidationFailedError(`${unsafe} contains a NUL character or a lone UTF-16 surrogate`, { field: unsafe, code: 'invalid_text' });
    }
    // A replay of a request already handled: Slack gets its 200, nothing happens again.
    const signature = header(request.headers, 'x-slack-signature');
    if (this.replays && signature && !(await this.replays.claim(signature))) {
      this.logger.warn({ ip: request.ip }, 'ignored a replayed Slack request (signature already seen)');
      send({ status: 200 });
      return;
    }
    const auditEntry = slackAuditEntry(parsed.body);
    if (this.audit && auditEntry) void this.audit.recordQuietly(auditEntry);

    const event = {
      body: parsed.body,
      retryNum: slackRetryNumber(request.headers['x-slack-retry-num']),
      retryReason: header(request.headers, 'x-slack-retry-reason'),
      customProperties: { receivedAt },
    };
    if (this.opensDeclareForm(parsed.body)) {
      send({ status: 200 });
      this.work.defer('dispatch /incident', () => bolt.processEvent({ ...event, ack: async () => undefined }));
      return;
    }

    let acknowledged = false;
    const ack = async (body?: unknown): Promise<void> => {
      if (acknowledged) return;
      acknowledged = true;
      send(ackAnswer(body));
    };
    try {
      await bolt.processEvent({ ...event, ack });
    } catch (error) {
      // The one 500 path: logged with its cause and an error id, which the answer quotes.
      const report = reportInternalError(this.logger, error, { url: '/slack/events' });
      if (!acknowledged) {
        acknowledged = true;
        send({ status: report.status, body: JSON.stringify(report.body), contentType: JSON_CONTENT_TYPE });
      }
      return;
    }
    // Nothing listens for it (an event or interaction Ballast does not use): Slack only needs a 200.
    await ack();
  }

  /** `/incident` or `/incident declare <title>`: acknowledged with an empty 200 whatever happens next (SlackCommandFlow opens the form after the ack). */
  private opensDeclareForm(body: Record<string, unknown>): boolean {
    return (
      body.command === this.config.SLACK_COMMAND &&
      typeof body.trigger_id === 'string' &&
      parseIncidentCommand(typeof body.text === 'string' ? body.text : '').kind === 'declare'
    );
  }
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What Bolt's `ack(body)` becomes: nothing (an empty 200), text, or JSON (a slash command reply, `response_action`). */
function ackAnswer(body: unknown): SlackHttpAnswer {
  if (body === undefined || body === null || body === '') return { status: 200 };
  if (typeof body === 'string') return { status: 200, body, contentType: 'text/plain; charset=utf-8' };
  return { status: 200, body: JSON.stringify(body), contentType: JSON_CONTENT_TYPE };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
