import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertCanActOnTeam, Principal, ServicesService } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { toPageRequest } from '../common/pagination.dto';
import { presentService } from './catalog.presenter';
import { CreateServiceDto, ListServicesQueryDto, UpdateServiceDto } from './dto/service.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('services')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/services')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @ApiOperation({ summary: 'Create a service' })
  @Post()
  async createService(@CurrentPrincipal() principal: Principal, @Body() body: CreateServiceDto) {
    const team = await this.services.owningTeamForNewService(body.team);
    assertCanActOnTeam(principal, team.id);
    return presentService(await this.services.createService(body));
  }

  @ApiOperation({ summary: 'List services' })
  @Get()
  async listServices(@Query() query: ListServicesQueryDto) {
    const page = await this.services.listServices(toPageRequest(query), { team: query.team });
    return { ...page, items: page.items.map(presentService) };
  }

  @ApiOperation({ summary: 'Get a service' })
  @Get(':slug')
  async getService(@Param('slug') slug: string) {
    return presentService(await this.services.getService(slug));
  }

  @ApiOperation({ summary: 'Update a service' })
  @Patch(':slug')
  async updateService(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Body() body: UpdateServiceDto) {
    const current = await this.services.getService(slug);
    assertCanActOnTeam(principal, current.teamId);
    const updated = await this.services.updateService(slug, body, (newTeam) => assertCanActOnTeam(principal, newTeam.id));
    return presentService(updated);
  }
}
