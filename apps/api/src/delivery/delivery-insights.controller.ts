import { Controller, Get, Query } from '@nestjs/common';
import type { Principal } from '@app/catalog';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveryInsightsService } from '@app/incidents';
import { Clock } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { InsightsQueryDto } from '../insights/insights.controller';
import { ApiErrorResponses } from '../common/api-error-responses';

const DAY_MS = 86_400_000;

@ApiTags('insights')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/insights')
export class DeliveryInsightsController {
  constructor(
    private readonly delivery: DeliveryInsightsService,
    private readonly clock: Clock,
  ) {}

  /** DORA's five per team and service with the previous period (production deployments). Default: the last 90 days. */
  @ApiOperation({ summary: 'Get delivery insights (DORA metrics)' })
  @Get('delivery')
  async deliveryInsights(@CurrentPrincipal() principal: Principal, @Query() query: InsightsQueryDto) {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - 90 * DAY_MS);
    return this.delivery.deliveryInsights({ from, to }, { team: query.team, viewerTeamId: principal.kind === 'team' ? principal.teamId : undefined });
  }
}
