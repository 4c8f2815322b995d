import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '@app/incidents';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { isoDate } from '../../common/iso-date';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

const toDate = isoDate();
const TIMESTAMP_MESSAGE = '$property must be an ISO-8601 timestamp such as 2026-11-24T10:00:00Z';

export class CreateDeploymentDto {
  @ApiProperty({ example: 'checkout', description: 'service slug' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  service: string;

  @ApiPropertyOptional({ example: 'production', default: 'production', description: 'only production deployments count in delivery insights' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  environment?: string;

  @ApiProperty({ example: 'v2.14.0 or a commit sha' })
  @IsString()
  @Length(1, 200)
  version: string;

  @ApiProperty({ enum: DEPLOYMENT_STATUSES })
  @IsIn(DEPLOYMENT_STATUSES)
  status: DeploymentStatus;

  @ApiProperty({ example: '2026-12-01T10:00:00Z' })
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  startedAt: Date;

  @ApiProperty({ example: '2026-12-01T10:04:00Z' })
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  finishedAt: Date;

  @ApiPropertyOptional({ description: 'time of the oldest commit in the deployment (lead time for changes)' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  commitAt?: Date;

  @ApiPropertyOptional({ example: 'https://ci.example.com/pipelines/42' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: '$property must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ description: 'incident id or INC-n this deployment fixes (deployment rework rate)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  fixesIncidentId?: string;
}

export class ListDeploymentsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  service?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  environment?: string;

  @ApiPropertyOptional({ description: 'finishedAt on or after (ISO-8601)' })
  @IsOptional()
  @Transform(isoDate({ allowDateOnly: true }))
  @IsDate({ message: '$property must be an ISO-8601 date or timestamp' })
  from?: Date;

  @ApiPropertyOptional({ description: 'finishedAt before (ISO-8601)' })
  @IsOptional()
  @Transform(isoDate({ allowDateOnly: true }))
  @IsDate({ message: '$property must be an ISO-8601 date or timestamp' })
  to?: Date;
}
