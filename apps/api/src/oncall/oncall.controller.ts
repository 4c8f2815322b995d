import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@app/catalog';
import { ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { OncallService } from './oncall.service';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('on-call')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/teams/:slug/oncall')
export class OncallController {
  constructor(private readonly oncall: OncallService) {}

  /** The body is checked field by field by the rotation's own parser (nested fields are named like `overrides[1].to`). */
  @ApiOperation({ summary: "Replace a team's on-call schedule" })
  @Put()
  async putOncall(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Body() body: unknown) {
    return this.oncall.putOncall(principal, slug, body);
  }

  @ApiOperation({ summary: "Get a team's on-call schedule and who is on call" })
  @Get()
  async getOncall(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Query('at') at?: string) {
    return this.oncall.getOncall(principal, slug, at === undefined ? null : parseAt(at));
  }
}

function parseAt(value: unknown): Date {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(new Date(value).getTime())
  ) {
    throw new ValidationFailedError('at must be an ISO-8601 time with a time zone, such as 2026-12-07T09:00:00Z', { field: 'at' });
  }
  return new Date(value);
}
