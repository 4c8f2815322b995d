import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, Matches } from 'class-validator';
import { Principal } from '@app/catalog';
import { Clock } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { isoDate } from '../common/iso-date';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../common/slug';
import { IncidentInsightsReport } from './incident-insights-report';
import { ApiErrorResponses } from '../common/api-error-responses';

const DAY_MS = 86_400_000;
const toDate = isoDate({ allowDateOnly: true });

export class InsightsQueryDto {
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: '$property must be an ISO-8601 date or timestamp' })
  from?: Date;

  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: '$property must be an ISO-8601 date or timestamp' })
  to?: Date;

  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team?: string;
}

@ApiTags('insights')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/insights')
export class InsightsController {
  constructor(
    private readonly report: IncidentInsightsReport,
    private readonly clock: Clock,
  ) {}

  /** Per team x type counts with the previous period, MTTA/MTTR, by severity and source, and the SLOs with the least budget. Default: the last 90 days. */
  @ApiOperation({ summary: 'Incident insights: recurring kinds, durations, trends' })
  @Get('incidents')
  async incidentInsights(@CurrentPrincipal() principal: Principal, @Query() query: InsightsQueryDto) {
    const to = query.to ?? this.clock.now();
    const from = query.from ?? new Date(to.getTime() - 90 * DAY_MS);
    return this.report.build({ from, to }, { team: query.team, viewerTeamId: principal.kind === 'team' ? principal.teamId : undefined });
  }
}
