import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { ComponentGroupsService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { CreateComponentGroupDto, UpdateComponentGroupDto } from './dto/component-group.dto';
import { publicIdParam } from './public-id-param.pipe';
import { presentGroup } from './status.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('status page')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/status/component-groups')
export class ComponentGroupsController {
  constructor(private readonly groups: ComponentGroupsService) {}

  @ApiOperation({ summary: 'Create a status page component group' })
  @Post()
  async createGroup(@CurrentPrincipal() principal: Principal, @Body() body: CreateComponentGroupDto) {
    return presentGroup(await this.groups.createGroup(principal, body));
  }

  @ApiOperation({ summary: 'List status page component groups' })
  @Get()
  async listGroups(@Query() query: PaginationQueryDto) {
    const page = await this.groups.listGroups(toPageRequest(query));
    return { ...page, items: page.items.map(presentGroup) };
  }

  @ApiOperation({ summary: 'Get a status page component group' })
  @Get(':id')
  async getGroup(@Param('id', publicIdParam('id')) id: string) {
    return presentGroup(await this.groups.getGroup(id));
  }

  @ApiOperation({ summary: 'Update a status page component group' })
  @Patch(':id')
  async updateGroup(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string, @Body() body: UpdateComponentGroupDto) {
    return presentGroup(await this.groups.updateGroup(principal, id, body));
  }

  @ApiOperation({ summary: 'Delete a status page component group' })
  @Delete(':id')
  @HttpCode(200)
  async deleteGroup(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string) {
    return presentGroup(await this.groups.deleteGroup(principal, id));
  }
}
