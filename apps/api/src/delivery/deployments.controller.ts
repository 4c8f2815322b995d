import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { canActOnTeam, Principal } from '@app/catalog';
import { DeploymentsService, IncidentQueriesService, PRODUCTION_ENVIRONMENT } from '@app/incidents';
import { NotFoundError, ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { toPageRequest } from '../common/pagination.dto';
import { CreateDeploymentDto, ListDeploymentsQueryDto } from './dto/deployment.dto';
import { presentDeployment } from './deployment.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

@ApiTags('deployments')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1')
export class DeploymentsController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly incidentQueries: IncidentQueriesService,
  ) {}

  /** Records a deployment (from CI). A retry with the same Idempotency-Key answers 200 with the first one. */
  @ApiOperation({ summary: 'Record a deployment' })
  @ApiCreatedResponse({ description: 'The deployment was recorded' })
  @ApiOkResponse({ description: 'A retry with the same Idempotency-Key: the deployment recorded the first time' })
  @Post('deployments')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key returns the same deployment (200) instead of recording another',
  })
  async recordDeployment(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateDeploymentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationFailedError('Idempotency-Key must be 1-100 characters of letters, digits, . _ : -', { field: 'Idempotency-Key' });
    }
    const scope = principal.kind === 'team' ? principal.teamId : 'admin';
    const result = await this.deployments.recordDeployment(principal, {
      service: body.service,
      environment: body.environment ?? PRODUCTION_ENVIRONMENT,
      version: body.version,
      status: body.status,
      startedAt: body.startedAt,
      finishedAt: body.finishedAt,
      commitAt: body.commitAt ?? null,
      url: body.url ?? null,
      fixesIncidentId: body.fixesIncidentId ?? null,
      idempotencyKey: idempotencyKey ? `${scope}:${idempotencyKey}` : null,
    });
    response.status(result.created ? 201 : 200);
    return presentDeployment(result.deployment);
  }

  @ApiOperation({ summary: 'List deployments' })
  @Get('deployments')
  async listDeployments(@CurrentPrincipal() principal: Principal, @Query() query: ListDeploymentsQueryDto) {
    const page = toPageRequest(query);
    if (query.from && query.to && query.to.getTime() <= query.from.getTime()) throw new ValidationFailedError('to must be after from', { field: 'to' });
    const result = await this.deployments.listDeployments(principal, {
      service: query.service,
      environment: query.environment,
      from: query.from,
      to: query.to,
      ...page,
    });
    return { items: result.items.map(presentDeployment), total: result.total, limit: page.limit, offset: page.offset };
  }

  @ApiOperation({ summary: 'Get a deployment' })
  @Get('deployments/:id')
  async getDeployment(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const deployment = await this.deployments.getDeployment(id);
    // Another team's deployment does not exist for this token.
    if (!canActOnTeam(principal, deployment.service.teamId)) throw new NotFoundError('Deployment', id);
    return presentDeployment(deployment);
  }

  /** Deployments of the incident's services in the 2 hours before it started (candidates for causedByDeploymentId). */
  @ApiOperation({ summary: 'Suggest deployments that may have caused an incident' })
  @Get('incidents/:id/suggested-deployments')
  async suggestDeployments(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const incident = await this.incidentQueries.getIncident(id);
    if (!canActOnTeam(principal, incident.teamId)) {
      if (incident.visibility === 'private') throw new NotFoundError('Incident', id);
    }
    const suggestions = await this.deployments.suggestDeploymentsForIncident(incident.id);
    return { incident: incident.id, items: suggestions.filter((deployment) => canActOnTeam(principal, deployment.service.teamId)).map(presentDeployment) };
  }
}
