import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { Principal } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { principalLabel } from '../follow-ups/follow-ups.controller';
import { DeployGateService } from './deploy-gate.service';
import { ApiErrorResponses } from '../common/api-error-responses';

export class DeployGateQueryDto {
  @ApiPropertyOptional({ enum: ['security', 'p0'], description: 'let this deploy through a closed gate (recorded in the audit log)' })
  @IsOptional()
  @IsString()
  override?: string;

  @ApiPropertyOptional({ description: 'required with override' })
  @IsOptional()
  @IsString()
  reason?: string;
}

@ApiTags('services')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/services')
export class DeployGateController {
  constructor(private readonly gate: DeployGateService) {}

  /** `{ service, allowed, reasons[] }`: CI fails the deploy step when `allowed` is false (see README). */
  @ApiOperation({ summary: "Check a service's deploy gate" })
  @Get(':slug/deploy-gate')
  async check(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Query() query: DeployGateQueryDto) {
    return this.gate.check(principal, slug, { override: query.override, reason: query.reason }, principalLabel(principal));
  }
}
