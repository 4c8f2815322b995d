import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { AlertmanagerIntakeService } from './alertmanager-intake.service';
import { AlertmanagerWebhookDto } from './dto/alertmanager-webhook.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('alertmanager')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('webhooks/alertmanager')
export class AlertmanagerController {
  constructor(private readonly intake: AlertmanagerIntakeService) {}

  /** Alertmanager webhook_config target (payload version 4), authenticated with a Ballast bearer token. */
  @ApiOperation({ summary: 'Receive an Alertmanager webhook (opens or updates incidents)' })
  @Post()
  @HttpCode(200)
  receive(@CurrentPrincipal() principal: Principal, @Body() body: AlertmanagerWebhookDto) {
    return this.intake.receive(body, principal);
  }
}
