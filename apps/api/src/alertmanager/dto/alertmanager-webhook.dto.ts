import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsStringMap } from '../../common/string-map.validator';

/** One alert of an Alertmanager webhook (payload version 4). */
export class AlertmanagerAlertDto {
  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  @IsStringMap()
  labels: Record<string, string>;

  @IsStringMap()
  annotations: Record<string, string>;

  @IsISO8601()
  startsAt: string;

  @IsISO8601()
  endsAt: string;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  generatorURL?: string;

  @IsString()
  @MaxLength(64)
  fingerprint: string;
}

/** Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export class AlertmanagerWebhookDto {
  @IsIn(['4'], { message: '$property must be "4" (Alertmanager webhook payload version 4)' })
  version: string;

  @IsString()
  @MaxLength(2000)
  groupKey: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  truncatedAlerts?: number;

  @IsIn(['firing', 'resolved'])
  status: 'firing' | 'resolved';

  @IsString()
  @MaxLength(500)
  receiver: string;

  @IsStringMap()
  groupLabels: Record<string, string>;

  @IsStringMap()
  commonLabels: Record<string, string>;

  @IsStringMap()
  commonAnnotations: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  externalURL?: string;

  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AlertmanagerAlertDto)
  alerts: AlertmanagerAlertDto[];
}
