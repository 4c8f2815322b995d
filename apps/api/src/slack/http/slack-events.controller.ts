import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@app/platform';
import { SlackHttpAnswer, SlackHttpReceiver } from './slack-http.receiver';

export type RawBodyRequest = Request & { rawBody?: Buffer };

/**
 * Slack's one URL for slash commands, interactivity and the Events API.
 * Authenticated by Slack's signature, not a bearer token. In HTTP mode
 * SlackEventsListener answers it ahead of Express; this route answers the
 * rest: Slack disabled or in Socket Mode (the reason, as a 404).
 */
@ApiExcludeController()
@Public()
@Controller('slack')
export class SlackEventsController {
  constructor(private readonly receiver: SlackHttpReceiver) {}

  @Post('events')
  async events(@Req() request: RawBodyRequest, @Res() response: Response): Promise<void> {
    const rawBody = Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
    await this.receiver.receive({ rawBody, headers: request.headers, ip: request.ip }, (answer: SlackHttpAnswer) => {
      if (answer.body === undefined) {
        response.status(answer.status).end();
        return;
      }
      if (answer.contentType) response.type(answer.contentType);
      response.status(answer.status).send(answer.body);
    });
  }
}
