import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional } from 'class-validator';
import { POSTMORTEM_STATUSES } from '../domain/postmortem-rules';

export class UpdatePostmortemDto {
  @ApiPropertyOptional({ description: 'the whole postmortem text (Markdown); the previous text is kept as a version' })
  @Allow()
  markdown?: unknown;

  @ApiPropertyOptional({ enum: POSTMORTEM_STATUSES, description: 'draft → in_review → published (in_review may go back to draft)' })
  @Allow()
  status?: unknown;
}

export class CreatePostmortemQueryDto {
  @ApiPropertyOptional({ enum: ['early'], description: 'early: write a draft while the incident is still open' })
  @IsOptional()
  @IsIn(['early'])
  draft?: 'early';
}
