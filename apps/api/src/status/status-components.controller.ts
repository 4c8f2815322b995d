import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { StatusComponentsService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { CreateStatusComponentDto, UpdateStatusComponentDto } from './dto/status-component.dto';
import { publicIdParam } from './public-id-param.pipe';
import { presentComponent } from './status.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('status page')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/status/components')
export class StatusComponentsController {
  constructor(private readonly components: StatusComponentsService) {}

  @ApiOperation({ summary: 'Create a status page component' })
  @Post()
  async createComponent(@CurrentPrincipal() principal: Principal, @Body() body: CreateStatusComponentDto) {
    return presentComponent(await this.components.createComponent(principal, body));
  }

  @ApiOperation({ summary: 'List status page components' })
  @Get()
  async listComponents(@Query() query: PaginationQueryDto) {
    const page = await this.components.listComponents(toPageRequest(query));
    return { ...page, items: page.items.map(presentComponent) };
  }

  @ApiOperation({ summary: 'Get a status page component' })
  @Get(':id')
  async getComponent(@Param('id', publicIdParam('id')) id: string) {
    return presentComponent(await this.components.getComponent(id));
  }

  @ApiOperation({ summary: 'Update a status page component' })
  @Patch(':id')
  async updateComponent(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string, @Body() body: UpdateStatusComponentDto) {
    return presentComponent(await this.components.updateComponent(principal, id, body));
  }

  @ApiOperation({ summary: 'Delete a status page component' })
  @Delete(':id')
  @HttpCode(200)
  async deleteComponent(@CurrentPrincipal() principal: Principal, @Param('id', publicIdParam('id')) id: string) {
    return presentComponent(await this.components.deleteComponent(principal, id));
  }
}
