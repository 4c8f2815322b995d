import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal, TokensService } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { presentToken } from '../catalog/catalog.presenter';
import { CreateTokenDto } from '../catalog/dto/team.dto';
import { uuidParam } from '../common/uuid-param.pipe';
import { ApiErrorResponses } from '../common/api-error-responses';

/** Admin tokens: issue one (shown once) and revoke any token with everything it issued. Admin only. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/admin/tokens')
export class AdminTokensController {
  constructor(private readonly tokens: TokensService) {}

  @ApiOperation({ summary: 'Issue an admin token (admin)' })
  @Post()
  issueAdminToken(@CurrentPrincipal() principal: Principal, @Body() body: CreateTokenDto) {
    return this.tokens.issueAdminToken(principal, body.name);
  }

  @ApiOperation({ summary: 'Revoke a token (admin)' })
  @Delete(':id')
  @HttpCode(200)
  async revokeToken(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string) {
    return presentToken(await this.tokens.revokeToken(principal, id));
  }
}
