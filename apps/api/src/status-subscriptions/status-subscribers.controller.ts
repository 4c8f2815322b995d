import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@app/catalog';
import { WebhookSubscribersService } from '@app/status';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { toPageRequest } from '../common/pagination.dto';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateSubscriberDto, ListSubscribersQueryDto } from './dto/subscriber.dto';
import { presentSubscriber } from './subscriber.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

/** Status page subscribers (admin token only): webhook subscribers are created here; e-mail ones are listed and removed. */
@ApiTags('status page')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/status/subscribers')
export class StatusSubscribersController {
  constructor(private readonly subscribers: WebhookSubscribersService) {}

  @ApiOperation({ summary: 'Create a status page webhook subscriber' })
  @Post()
  async createSubscriber(@CurrentPrincipal() principal: Principal, @Body() body: CreateSubscriberDto) {
    const { subscriber, secret } = await this.subscribers.createSubscriber(principal, body);
    return { ...presentSubscriber(subscriber), secret };
  }

  @ApiOperation({ summary: 'List status page webhook subscribers' })
  @Get()
  async listSubscribers(@CurrentPrincipal() principal: Principal, @Query() query: ListSubscribersQueryDto) {
    const page = await this.subscribers.listSubscribers(principal, query.type, toPageRequest(query));
    return { ...page, items: page.items.map(presentSubscriber) };
  }

  @ApiOperation({ summary: 'Get a status page webhook subscriber' })
  @Get(':id')
  async getSubscriber(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string) {
    return presentSubscriber(await this.subscribers.getSubscriber(principal, id));
  }

  @ApiOperation({ summary: 'Delete a status page webhook subscriber' })
  @Delete(':id')
  @HttpCode(200)
  async deleteSubscriber(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string) {
    return presentSubscriber(await this.subscribers.deleteSubscriber(principal, id));
  }
}
