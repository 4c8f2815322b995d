import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { assertAdmin, AuditLog, AuditRecordEntity, Principal } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { isoDate } from '../common/iso-date';
import { PaginationQueryDto, toPageRequest } from '../common/pagination.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

const toDate = isoDate();

export class AuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601, inclusive' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'from must be an ISO-8601 timestamp' })
  from?: Date;

  @ApiPropertyOptional({ description: 'ISO-8601, exclusive' })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: 'to must be an ISO-8601 timestamp' })
  to?: Date;

  @ApiPropertyOptional({ description: 'token id, team slug or Slack user id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ example: 'incidents' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'targetType must be a resource type such as incidents' })
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;
}

function presentAuditRecord(record: AuditRecordEntity) {
  return {
    id: record.id,
    time: record.occurredAt,
    channel: record.channel,
    actor: { kind: record.actorKind, tokenId: record.actorTokenId, team: record.actorTeam, slackUser: record.actorSlackUser },
    action: record.action,
    target: { type: record.targetType, id: record.targetId },
    requestId: record.requestId,
    changedFields: record.changedFields,
    outcome: record.outcome,
    details: record.details,
  };
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  /** Every write through the API, Slack and the webhooks, newest first (admin only). */
  @ApiOperation({ summary: 'List audit records (admin)' })
  @Get()
  async listAudit(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto) {
    assertAdmin(principal);
    const page = await this.audit.list(
      { from: query.from, to: query.to, actor: query.actor, targetType: query.targetType, targetId: query.targetId },
      toPageRequest(query),
    );
    return { ...page, items: page.items.map(presentAuditRecord) };
  }
}
