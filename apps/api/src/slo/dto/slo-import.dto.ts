import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

/** Query of POST /api/v1/slos/import (apply semantics, for SLOs kept in git and applied from CI). */
export class ImportSlosQueryDto {
  @ApiPropertyOptional({ description: 'team slug: services the specs name are created under it; prune acts on its SLOs' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team?: string;

  @ApiPropertyOptional({ description: 'service slug for specs that name none (Pyrra)' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  service?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'answer what would change, change nothing' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true', 'false'], description: "delete the team's SLOs absent from the input (needs team)" })
  @IsOptional()
  @IsIn(['true', 'false'])
  prune?: 'true' | 'false';
}

/** Query of GET /api/v1/slos/openslo. */
export class SloExportQueryDto {
  @ApiPropertyOptional({ description: 'only SLOs of this team (slug)' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team?: string;

  @ApiPropertyOptional({ description: 'only SLOs of this service (slug)' })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  service?: string;
}
