import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';

/**
 * Fields are only declared here (the admin check comes first, then the
 * subscriptions lib validates each field and names it in a 400).
 */
export class CreateSubscriberDto {
  @ApiProperty({ enum: ['webhook'], description: 'e-mail subscribers sign up on the status page (POST /subscribe)' })
  @Allow()
  type?: unknown;

  @ApiProperty({
    example: 'https://hooks.example.com/ballast',
    description: 'http(s); loopback/private targets only with SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE=true',
  })
  @Allow()
  url?: unknown;

  @ApiPropertyOptional({ type: [String], description: 'status component ids; empty or absent = every component' })
  @Allow()
  components?: unknown;

  @ApiPropertyOptional({ description: 'HMAC-SHA256 key for X-Ballast-Signature (16-200 characters); generated when absent and returned once' })
  @Allow()
  secret?: unknown;
}

export class ListSubscribersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ['email', 'webhook'] })
  @IsOptional()
  @IsIn(['email', 'webhook'])
  type?: 'email' | 'webhook';
}
