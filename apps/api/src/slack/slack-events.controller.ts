import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/platform';
import { RawBodyRequest, SlackHttpReceiver } from './slack-http.receiver';

/** Slack's one URL for slash commands, interactivity and the Events API. Authenticated by Slack's signature, not a bearer token. */
@ApiExcludeController()
@Public()
@Controller('slack')
export class SlackEventsController {
  constructor(private readonly receiver: SlackHttpReceiver) {}

  @Post('events')
  async events(@Req() request: RawBodyRequest, @Res() response: Response): Promise<void> {
    await this.receiver.handle(request, response);
  }
}
