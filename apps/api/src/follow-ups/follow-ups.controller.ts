import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@app/catalog';
import { Clock, ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateFollowUpDto, ListFollowUpsQueryDto, UpdateFollowUpDto } from './dto/follow-up.dto';
import { presentFollowUp } from './follow-up.presenter';
import { FollowUpsService } from './follow-ups.service';
import { ApiErrorResponses } from '../common/api-error-responses';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

export function principalLabel(principal: Principal): string {
  return principal.kind === 'team' ? `token:${principal.tokenId}` : `admin${principal.tokenId ? `:${principal.tokenId}` : ''}`;
}

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1')
export class FollowUpsController {
  constructor(
    private readonly followUps: FollowUpsService,
    private readonly clock: Clock,
  ) {}

  @ApiOperation({ summary: 'Create a follow-up for an incident' })
  @ApiCreatedResponse({ description: 'The follow-up was created' })
  @ApiOkResponse({ description: 'A retry with the same Idempotency-Key: the follow-up created the first time' })
  @Post('incidents/:id/follow-ups')
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the same follow-up (200)' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: CreateFollowUpDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationFailedError('Idempotency-Key must be 1-100 characters of letters, digits, . _ : -', { field: 'Idempotency-Key' });
    }
    const scope = principal.kind === 'team' ? principal.teamId : 'admin';
    const result = await this.followUps.create(principal, id, body, principalLabel(principal), idempotencyKey ? `api:${scope}:${idempotencyKey}` : null);
    if (!result.created) response.status(200);
    return presentFollowUp(result.followUp, this.clock.now());
  }

  @ApiOperation({ summary: "List an incident's follow-ups" })
  @Get('incidents/:id/follow-ups')
  async listForIncident(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const incident = await this.followUps.incidentForChange(principal, id);
    const now = this.clock.now();
    return { items: (await this.followUps.forIncident(incident.id)).map((followUp) => presentFollowUp(followUp, now)) };
  }

  @ApiOperation({ summary: 'List follow-ups' })
  @Get('follow-ups')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListFollowUpsQueryDto) {
    const now = this.clock.now();
    const items = await this.followUps.list(principal, { team: query.team, status: query.status, overdue: query.overdue });
    return { items: items.map((followUp) => presentFollowUp(followUp, now)) };
  }

  @ApiOperation({ summary: 'Get a follow-up' })
  @Get('follow-ups/:id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string) {
    return presentFollowUp(await this.followUps.get(principal, id), this.clock.now());
  }

  @ApiOperation({ summary: 'Update a follow-up' })
  @Patch('follow-ups/:id')
  async update(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string, @Body() body: UpdateFollowUpDto) {
    return presentFollowUp(await this.followUps.update(principal, id, body), this.clock.now());
  }
}
