import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { assertCanActOnTeam, canActOnTeam, Principal, TeamsService } from '@app/catalog';
import { DeploymentsService, IncidentEntity, IncidentsService, IncidentQueriesService, TimelineAuthor } from '@app/incidents';
import { NotFoundError, ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { toPageRequest } from '../common/pagination.dto';
import { CreateIncidentDto, ListIncidentsQueryDto, PostIncidentUpdateDto, UpdateIncidentDto } from './dto/incident.dto';
import { presentIncident, presentTimelineEvent } from './incident.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

function authorOf(principal: Principal): TimelineAuthor {
  return principal.kind === 'team'
    ? { kind: 'api_token', tokenId: principal.tokenId, team: principal.teamSlug }
    : { kind: 'api_token', tokenId: principal.tokenId ?? 'admin', team: null };
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,100}$/;

@ApiTags('incidents')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly teams: TeamsService,
    private readonly deployments: DeploymentsService,
  ) {}

  @ApiOperation({ summary: 'Declare an incident (idempotent with Idempotency-Key)' })
  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a retry with the same key returns the same incident (200) instead of creating another' })
  async declareIncident(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateIncidentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationFailedError('Idempotency-Key must be 1-100 characters of letters, digits, . _ : -', { field: 'Idempotency-Key' });
    }
    const [team] = await this.teams.findTeams([body.team]);
    if (team) assertCanActOnTeam(principal, team.id);
    const scope = principal.kind === 'team' ? principal.teamId : 'admin';
    if (body.causedByDeploymentId) await this.deployments.deploymentForReference(principal, body.causedByDeploymentId, 'causedByDeploymentId');
    const result = await this.incidents.declareIncident(
      {
        title: body.title,
        summary: body.summary,
        severity: body.severity,
        team: body.team,
        type: body.type ?? 'other',
        services: body.services,
        visibility: body.visibility,
        affectedComponents: body.affectedComponents,
        commander: body.commander,
        startedAt: body.startedAt,
        detectedAt: body.detectedAt,
        acknowledgedAt: body.acknowledgedAt,
        resolvedAt: body.resolvedAt,
        status: body.status,
        announce: body.announce,
        causedByDeploymentId: body.causedByDeploymentId ?? null,
        source: 'api',
        idempotencyKey: idempotencyKey ? `api:${scope}:${idempotencyKey}` : null,
        principal,
      },
      authorOf(principal),
    );
    if (!result.created) response.status(200);
    return presentIncident(result.incident);
  }

  @ApiOperation({ summary: 'List incidents' })
  @Get()
  async listIncidents(@CurrentPrincipal() principal: Principal, @Query() query: ListIncidentsQueryDto) {
    const page = await this.incidentQueries.listIncidents(
      principal,
      { team: query.team, status: query.status, severity: query.severity, source: query.source, open: query.open },
      toPageRequest(query),
    );
    return { ...page, items: page.items.map(presentIncident) };
  }

  @ApiOperation({ summary: 'Get an incident' })
  @Get(':id')
  async getIncident(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const incident = await this.visibleIncident(principal, id);
    return { ...presentIncident(incident), duplicates: await this.duplicatesOf(incident) };
  }

  @ApiOperation({ summary: 'Update an incident (status, severity, commander, …)' })
  @Patch(':id')
  async updateIncident(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateIncidentDto) {
    const incident = await this.visibleIncident(principal, id);
    assertCanActOnTeam(principal, incident.teamId);
    if (body.causedByDeploymentId) await this.deployments.deploymentForReference(principal, body.causedByDeploymentId, 'causedByDeploymentId');
    const updated = await this.incidents.updateIncident(incident.id, { ...body, principal }, authorOf(principal));
    return { ...presentIncident(updated), duplicates: await this.duplicatesOf(updated) };
  }

  @ApiOperation({ summary: 'Post an update to an incident (public or internal)' })
  @Post(':id/updates')
  @HttpCode(201)
  async postUpdate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: PostIncidentUpdateDto) {
    const incident = await this.visibleIncident(principal, id);
    assertCanActOnTeam(principal, incident.teamId);
    const result = await this.incidents.postUpdate(incident.id, body, authorOf(principal));
    return { incident: presentIncident(result.incident), event: presentTimelineEvent(result.event) };
  }

  @ApiOperation({ summary: "Get an incident's timeline" })
  @Get(':id/timeline')
  async getTimeline(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const incident = await this.visibleIncident(principal, id);
    return {
      incident: incident.id,
      reference: presentIncident(incident).reference,
      items: (await this.incidentQueries.getTimeline(incident.id)).map(presentTimelineEvent),
    };
  }

  /** The other side of duplicateOf: the incidents resolved as duplicates of this one. */
  private async duplicatesOf(incident: IncidentEntity) {
    return (await this.incidentQueries.listDuplicates(incident.id)).map((duplicate) => ({ id: duplicate.id, reference: presentIncident(duplicate).reference }));
  }

  /** Private incidents do not exist for other teams: 404, not 403, so their existence does not leak. */
  private async visibleIncident(principal: Principal, id: string): Promise<IncidentEntity> {
    const incident = await this.incidentQueries.getIncident(id);
    if (incident.visibility === 'private' && !canActOnTeam(principal, incident.teamId)) throw new NotFoundError('Incident', id);
    return incident;
  }
}
