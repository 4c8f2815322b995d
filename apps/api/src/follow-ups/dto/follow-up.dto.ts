import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Allow, IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATUSES } from '../domain/follow-up-rules';

// Values are checked by the follow-up rules (validateFollowUpFields), which name the field; the DTO lists the accepted fields.

export class CreateFollowUpDto {
  @ApiProperty({ example: 'Add a canary stage to checkout deploys', maxLength: 200 })
  @Allow()
  title?: unknown;

  @ApiPropertyOptional({ example: 'U0ALICE', description: 'Slack user id (U...) or a name' })
  @Allow()
  owner?: unknown;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'a calendar day (YYYY-MM-DD)' })
  @Allow()
  dueDate?: unknown;

  @ApiPropertyOptional({ enum: FOLLOW_UP_PRIORITIES, default: 'P2' })
  @Allow()
  priority?: unknown;

  @ApiPropertyOptional({ example: 'https://tracker.example.com/OPS-42' })
  @Allow()
  url?: unknown;
}

export class UpdateFollowUpDto extends CreateFollowUpDto {
  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @Allow()
  status?: unknown;
}

const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ListFollowUpsQueryDto {
  @ApiPropertyOptional({ example: 'payments' })
  @IsOptional()
  @IsString()
  team?: string;

  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES)
  status?: 'open' | 'done';

  @ApiPropertyOptional({ description: 'true: only open follow-ups past their due date' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;
}
