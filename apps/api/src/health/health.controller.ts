import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@app/platform';
import { SlackGateway } from '../slack/slack-gateway';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly slack: SlackGateway,
  ) {}

  /** The process is up and its event loop answers. */
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready to serve: the database answers within a second. 503 otherwise.
   * Slack is reported (mode, and whether auth.test last succeeded) but never
   * makes the API unready: incidents are stored without it.
   */
  @ApiOperation({ summary: 'Readiness: the database answers (503 otherwise); Slack state reported' })
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    response.setHeader('Cache-Control', 'no-store');
    const slack = this.slack.currentHealth();
    try {
      const result = await this.health.check([() => this.database.pingCheck('database').withTimeout(1000)]);
      return { ...result, info: { ...result.info, slack } };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        response.status(503);
        const body = error.getResponse() as Record<string, unknown>;
        return { ...body, info: { ...(body.info as object), slack } };
      }
      throw error;
    }
  }
}
