import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { ComponentGroupsService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { CreateComponentGroupDto, UpdateComponentGroupDto } from './dto/component-group.dto';
import { publicIdParam } from './public-id-param.pipe';
import { presentGroup } from './status.presenter';

@ApiTags('status page')
@ApiBearerAuth()
@Controller('api/v1/status/component-groups')
export class ComponentGroupsController {
  constructor(private readonly groups: ComponentGroupsService) {}

  @Post()
  async createGroup(@CurrentPrincipal() principal: Principal, @Body() body: CreateComponentGroupDto) {
    return presentGroup(await this.groups.createGroup(principal, body));
  }

  @Get()
  async listGroups(@Query() query: PaginationQueryDto) {
    const page = await this.groups.listGroups(toPageRequest(query));
    return { ...page, items: page.items.map(presentGroup) };
  }

  @Get(':id')
  async getGroup(@Param('id', publicIdParam('id')) id: string) {
    return presentGroup(await this.groups.getGroup(id));
  }

  @Patch(':id')
  async updateGroup(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string, @Body() body: UpdateComponentGroupDto) {
    return presentGroup(await this.groups.updateGroup(principal, id, body));
  }

  @Delete(':id')
  @HttpCode(200)
  async deleteGroup(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string) {
    return presentGroup(await this.groups.deleteGroup(principal, id));
  }
}
