import { Injectable, Logger } from '@nestjs/common';
import type { App, Receiver } from '@slack/bolt';
import type { Request, Response } from 'express';
import { AppConfig } from '@app/config';
import { Clock, DomainError, UnauthorizedError, ValidationFailedError } from '@app/platform';
import { SlackGateway } from './slack-gateway';
import { parseSlackRequestBody, slackRetryNumber } from './slack-request';
import { verifySlackSignature } from './slack-signature';

/** POST /slack/events while Slack is off, or while it runs over Socket Mode. */
export class SlackEndpointUnavailableError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(code: 'slack_disabled' | 'slack_socket_mode', message: string) {
    super(code, message);
  }
}

export type RawBodyRequest = Request & { rawBody?: Buffer };

/**
 * Bolt's receiver for HTTP mode, living inside the Nest app: the controller
 * hands it each request on `POST /slack/events`. It verifies the signature on
 * the exact bytes received (before anything else happens), answers Slack's
 * handshakes, and dispatches the rest to Bolt with an `ack` that writes the
 * HTTP response, so listeners answer Slack first and do their IO afterwards.
 */
@Injectable()
export class SlackHttpReceiver implements Receiver {
  private readonly logger = new Logger(SlackHttpReceiver.name);
  private bolt: App | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly gateway: SlackGateway,
  ) {}

  init(app: App): void {
    this.bolt = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(request: RawBodyRequest, response: Response): Promise<void> {
    // Slack's 3 seconds run from here at the latest: listeners get it to budget their work before the ack.
    const receivedAt = Date.now();
    const bolt = this.bolt;
    if (this.gateway.mode === 'socket') {
      throw new SlackEndpointUnavailableError('slack_socket_mode', 'Slack runs in Socket Mode (SLACK_APP_TOKEN is set): its requests arrive over the socket, not at this URL.');
    }
    if (this.gateway.mode === 'disabled' || !bolt || !this.config.SLACK_SIGNING_SECRET) {
      throw new SlackEndpointUnavailableError('slack_disabled', 'Slack is disabled: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to enable it.');
    }

    const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
    const verdict = verifySlackSignature({
      signingSecret: this.config.SLACK_SIGNING_SECRET,
      rawBody,
      timestamp: header(request, 'x-slack-request-timestamp'),
      signature: header(request, 'x-slack-signature'),
      now: this.clock.now(),
    });
    if (!verdict.ok) {
      this.logger.warn({ reason: verdict.reason, ip: request.ip }, `rejected a request to /slack/events: ${verdict.reason}`);
      throw new UnauthorizedError('The Slack request signature is missing, stale or invalid.');
    }

    const parsed = parseSlackRequestBody(rawBody, header(request, 'content-type'));
    switch (parsed.kind) {
      case 'invalid':
        throw new ValidationFailedError(`Unreadable Slack request: ${parsed.reason}`);
      case 'ssl_check':
        response.status(200).end();
        return;
      case 'url_verification':
        response.status(200).json({ challenge: parsed.challenge });
        return;
      case 'dispatch':
        break;
    }

    let acknowledged = false;
    const ack = async (body?: unknown): Promise<void> => {
      if (acknowledged) return;
      acknowledged = true;
      if (body === undefined || body === null || body === '') response.status(200).end();
      else if (typeof body === 'string') response.status(200).type('text/plain').send(body);
      else response.status(200).json(body);
    };
    try {
      await bolt.processEvent({
        body: parsed.body,
        ack,
        retryNum: slackRetryNumber(request.headers['x-slack-retry-num']),
        retryReason: header(request, 'x-slack-retry-reason'),
        customProperties: { receivedAt },
      });
    } catch (error) {
      this.logger.error({ err: error }, 'a Slack listener failed');
      if (!acknowledged) {
        acknowledged = true;
        response.status(500).json({ error: 'internal_error', message: 'Ballast could not handle this Slack request.' });
      }
      return;
    }
    // Nothing listens for it (an event or interaction Ballast does not use): Slack only needs a 200.
    await ack();
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
