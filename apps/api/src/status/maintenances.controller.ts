import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { MaintenancesService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { CreateMaintenanceDto, UpdateMaintenanceDto } from './dto/maintenance.dto';
import { publicIdParam } from './public-id-param.pipe';
import { presentMaintenance } from './status.presenter';

@ApiTags('status page')
@ApiBearerAuth()
@Controller('api/v1/status/maintenances')
export class MaintenancesController {
  constructor(private readonly maintenances: MaintenancesService) {}

  @Post()
  async createMaintenance(@CurrentPrincipal() principal: Principal, @Body() body: CreateMaintenanceDto) {
    return presentMaintenance(await this.maintenances.createMaintenance(principal, body));
  }

  @Get()
  async listMaintenances(@Query() query: PaginationQueryDto) {
    const page = await this.maintenances.listMaintenances(toPageRequest(query));
    return { ...page, items: page.items.map(presentMaintenance) };
  }

  @Get(':id')
  async getMaintenance(@Param('id', publicIdParam('id')) id: string) {
    return presentMaintenance(await this.maintenances.getMaintenance(id));
  }

  @Patch(':id')
  async updateMaintenance(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string, @Body() body: UpdateMaintenanceDto) {
    return presentMaintenance(await this.maintenances.updateMaintenance(principal, id, body));
  }

  @Delete(':id')
  @HttpCode(200)
  async deleteMaintenance(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string) {
    return presentMaintenance(await this.maintenances.deleteMaintenance(principal, id));
  }
}
