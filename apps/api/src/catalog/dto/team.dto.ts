import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { SLACK_CHANNEL_PATTERN, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';
import { IsMetricLabels } from './metric-labels.validator';

/** A PagerDuty integration key: what the on-call PUT accepts too. */
export const PAGERDUTY_ROUTING_KEY_PATTERN = /^[A-Za-z0-9]{8,64}$/;

export class CreateTeamDto {
  @ApiProperty({ example: 'payments' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug: string;

  @ApiProperty({ example: 'Payments' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'C0123456789', nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Matches(SLACK_CHANNEL_PATTERN, { message: '$property must be a Slack channel id such as C0123456789' })
  slackChannelId?: string | null;
}

export class UpdateTeamDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Matches(SLACK_CHANNEL_PATTERN, { message: '$property must be a Slack channel id such as C0123456789' })
  slackChannelId?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    writeOnly: true,
    description:
      'PagerDuty Events API v2 routing (integration) key of the team; null removes it. Write-only: answers only say `pagerDutyConfigured`. Alias: `pagerdutyRoutingKey` on PUT /api/v1/teams/:slug/oncall.',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Matches(PAGERDUTY_ROUTING_KEY_PATTERN, { message: '$property must be a PagerDuty integration key (8-64 letters and digits) or null' })
  pagerdutyRoutingKey?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    example: { team: 'payments' },
    description:
      "Admin only. Label matchers (name → value) every PromQL selector and template of this team's SLOs must carry as equality matchers, " +
      'e.g. {"team": "payments"} requires team="payments" in each selector; null falls back to SLO_REQUIRED_TEAM_LABEL (if set), {} requires nothing.',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsMetricLabels()
  metricLabels?: Record<string, string> | null;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'ci-deployer' })
  @IsString()
  @Length(1, 100)
  name: string;
}
