import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertAdmin, assertCanActOnTeam, Principal, TeamsService, TokensService } from '@app/catalog';
import { ForbiddenError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { uuidParam } from '../common/uuid-param.pipe';
import { presentTeam, presentToken } from './catalog.presenter';
import { CreateTeamDto, CreateTokenDto, UpdateTeamDto } from './dto/team.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('teams')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/teams')
export class TeamsController {
  constructor(
    private readonly teams: TeamsService,
    private readonly tokens: TokensService,
  ) {}

  @ApiOperation({ summary: 'Create a team (admin)' })
  @Post()
  async createTeam(@CurrentPrincipal() principal: Principal, @Body() body: CreateTeamDto) {
    assertAdmin(principal);
    return presentTeam(await this.teams.createTeam(body));
  }

  @ApiOperation({ summary: 'List teams' })
  @Get()
  async listTeams(@Query() query: PaginationQueryDto) {
    const page = await this.teams.listTeams(toPageRequest(query));
    return { ...page, items: page.items.map(presentTeam) };
  }

  @ApiOperation({ summary: 'Get a team' })
  @Get(':slug')
  async getTeam(@Param('slug') slug: string) {
    return presentTeam(await this.teams.getTeam(slug));
  }

  @ApiOperation({ summary: 'Update a team' })
  @Patch(':slug')
  async updateTeam(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Body() body: UpdateTeamDto) {
    const team = await this.teams.getTeam(slug);
    assertCanActOnTeam(principal, team.id);
    // The labels bound a team's SLOs to its own metrics: a team cannot loosen them.
    if (body.metricLabels !== undefined && principal.kind !== 'admin') {
      throw new ForbiddenError('only the admin token may change metricLabels', { field: 'metricLabels' });
    }
    return presentTeam(await this.teams.updateTeam(slug, body));
  }

  @ApiOperation({ summary: 'Issue an API token for a team (shown once)' })
  @Post(':slug/tokens')
  async issueToken(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Body() body: CreateTokenDto) {
    const team = await this.teams.getTeam(slug);
    assertAdmin(principal);
    return this.tokens.issueTeamToken(team, body.name, principal);
  }

  @ApiOperation({ summary: "List a team's API tokens" })
  @Get(':slug/tokens')
  async listTokens(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string) {
    const team = await this.teams.getTeam(slug);
    assertCanActOnTeam(principal, team.id);
    return { items: (await this.tokens.listTeamTokens(team)).map(presentToken) };
  }

  @ApiOperation({ summary: "Revoke a team's API token" })
  @Delete(':slug/tokens/:tokenId')
  @HttpCode(200)
  async revokeToken(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Param('tokenId', uuidParam('tokenId')) tokenId: string) {
    const team = await this.teams.getTeam(slug);
    assertAdmin(principal);
    return presentToken(await this.tokens.revokeTeamToken(team, tokenId, principal));
  }
}
