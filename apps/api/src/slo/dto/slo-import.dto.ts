import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OptionalSlug } from '../../common/slug';

/** Query of POST /api/v1/slos/import (apply semantics, for SLOs kept in git and applied from CI). */
export class ImportSlosQueryDto {
  @OptionalSlug('team slug: services the specs name are created under it; prune acts on its SLOs')
  team?: string;

  @OptionalSlug('service slug for specs that name none (Pyrra)')
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
  @OptionalSlug('only SLOs of this team (slug)')
  team?: string;

  @OptionalSlug('only SLOs of this service (slug)')
  service?: string;
}
