import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNumber, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { SLO_STATES_WORST_FIRST, type SloState } from '@app/slo';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { OptionalSlug, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

// objective, window, indicator and policy are checked by the SLO domain
// (libs/slo), which names the exact field (`indicator.total`) in its errors.

export class CreateSloDto {
  @ApiProperty({ example: 'checkout', description: 'slug of the service the SLO belongs to' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  service: string;

  @ApiProperty({ example: 'checkout-availability', description: 'unique per service' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ example: 0.999, description: 'strictly between 0 and 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  objective: number;

  @ApiProperty({ example: '28d', description: 'rolling window Nd, N in 1..90, or a calendar window: week, month, quarter' })
  @IsString()
  window: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone of a calendar window (default UTC); checked by the SLO domain' })
  @IsOptional()
  @IsString()
  timeZone?: string;

  @ApiProperty({
    example: { kind: 'ratio', total: 'http_requests_total{service="checkout"}', bad: 'http_requests_total{service="checkout",code=~"5.."}' },
    description:
      'ratio: counter selectors total + bad or good (or PromQL templates totalQuery + badQuery or goodQuery); latency: histogram (a _bucket selector) + threshold (an existing le); threshold: query (PromQL), op (lt|lte|gt|gte), value and budgeting. Optional on ratio/latency, required on threshold: budgeting {method: "timeslices", slice: "1m"|"5m"|"1h"…, sliceTarget (0..1]} — SLI = good slices / slices',
  })
  @IsObject()
  indicator: Record<string, unknown>;

  @ApiPropertyOptional({
    example: { openIncident: true, severity: 'SEV2', statusComponentId: 'k3j2h1g0f9d8' },
    description: 'openIncident, severity SEV1..SEV4, statusComponentId?, publicIncident?, autoResolveAfterMinutes?',
  })
  @IsOptional()
  @IsObject()
  policy?: Record<string, unknown>;
}

export class UpdateSloDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  objective?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  window?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone of a calendar window; kept while the window stays a calendar window' })
  @IsOptional()
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({ description: 'a new indicator drops the stored event buckets and backfills them again' })
  @IsOptional()
  @IsObject()
  indicator?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  policy?: Record<string, unknown>;
}

export class ListSlosQueryDto extends PaginationQueryDto {
  @OptionalSlug('only SLOs of this team (slug)')
  team?: string;

  @OptionalSlug('only SLOs of this service (slug)')
  service?: string;

  @ApiPropertyOptional({ enum: SLO_STATES_WORST_FIRST })
  @IsOptional()
  @IsIn(SLO_STATES_WORST_FIRST)
  state?: SloState;
}

export class SloRulesQueryDto {
  @OptionalSlug('only SLOs of this team (slug)')
  team?: string;

  @OptionalSlug('only SLOs of this service (slug)')
  service?: string;

  @ApiPropertyOptional({ enum: ['ballast', 'sloth'], description: "sloth: adds Sloth's metadata recording rules and per-SLO alert names and labels" })
  @IsOptional()
  @IsIn(['ballast', 'sloth'])
  format?: 'ballast' | 'sloth';
}

export class SloHistoryQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601 time; default: `to` minus the SLO window' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 time; default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    description:
      'Step of the points: minutes, hours or days, a multiple of 5m (`5m`, `15m`, `1h`, `6h`, `1d`), at most 3,000 points; default: the smallest step keeping the series within 500 points',
    example: '1h',
  })
  @IsOptional()
  @IsString()
  step?: string;
}
