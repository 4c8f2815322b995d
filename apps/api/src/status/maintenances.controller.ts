import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { MaintenancesService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { CreateMaintenanceDto, UpdateMaintenanceDto } from './dto/maintenance.dto';
import { publicIdParam } from './public-id-param.pipe';
import { presentMaintenance } from './status.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('status page')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/status/maintenances')
export class MaintenancesController {
  constructor(private readonly maintenances: MaintenancesService) {}

  @ApiOperation({ summary: 'Schedule a maintenance' })
  @Post()
  async createMaintenance(@CurrentPrincipal() principal: Principal, @Body() body: CreateMaintenanceDto) {
    return presentMaintenance(await this.maintenances.createMaintenance(principal, body));
  }

  @ApiOperation({ summary: 'List maintenances' })
  @Get()
  async listMaintenances(@Query() query: PaginationQueryDto) {
    const page = await this.maintenances.listMaintenances(toPageRequest(query));
    return { ...page, items: page.items.map(presentMaintenance) };
  }

  @ApiOperation({ summary: 'Get a maintenance' })
  @Get(':id')
  async getMaintenance(@Param('id', publicIdParam('id')) id: string) {
    return presentMaintenance(await this.maintenances.getMaintenance(id));
  }

  @ApiOperation({ summary: 'Update a maintenance' })
  @Patch(':id')
  async updateMaintenance(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string, @Body() body: UpdateMaintenanceDto) {
    return presentMaintenance(await this.maintenances.updateMaintenance(principal, id, body));
  }

  @ApiOperation({ summary: 'Delete a maintenance' })
  @Delete(':id')
  @HttpCode(200)
  async deleteMaintenance(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string) {
    return presentMaintenance(await this.maintenances.deleteMaintenance(principal, id));
  }
}
