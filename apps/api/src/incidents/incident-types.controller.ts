import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertCanActOnTeam, Principal, TeamsService } from '@app/catalog';
import { IncidentTypesService, IncidentTypeEntity } from '@app/incidents';
import { ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { SLUG_PATTERN } from '../common/slug';
import { CreateIncidentTypeDto } from './dto/incident.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

function presentType(type: IncidentTypeEntity, teamSlug: string | null) {
  return { slug: type.slug, label: type.label, team: type.teamId ? teamSlug : null };
}

@ApiTags('incidents')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1')
export class IncidentTypesController {
  constructor(
    private readonly incidentTypes: IncidentTypesService,
    private readonly teams: TeamsService,
  ) {}

  /** The global incident types, plus the given team's own. */
  @ApiOperation({ summary: 'List incident types' })
  @Get('incident-types')
  @ApiQuery({ name: 'team', required: false })
  async listTypes(@Query('team') teamSlug?: string) {
    if (teamSlug !== undefined && !SLUG_PATTERN.test(teamSlug)) throw new ValidationFailedError('team must be a team slug', { field: 'team' });
    const team = teamSlug ? await this.teams.getTeam(teamSlug) : null;
    return { items: (await this.incidentTypes.listIncidentTypes(team?.id ?? null)).map((type) => presentType(type, team?.slug ?? null)) };
  }

  @ApiOperation({ summary: 'Add an incident type for a team' })
  @Post('teams/:slug/incident-types')
  async addTeamType(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Body() body: CreateIncidentTypeDto) {
    const team = await this.teams.getTeam(slug);
    assertCanActOnTeam(principal, team.id);
    return presentType(await this.incidentTypes.addTeamIncidentType(team.id, body.slug, body.label), team.slug);
  }
}
