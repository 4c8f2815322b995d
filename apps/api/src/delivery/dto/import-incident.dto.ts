import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import {
  INCIDENT_STATUSES,
  INCIDENT_TEXT_MAX_LENGTH,
  INCIDENT_TITLE_MAX_LENGTH,
  type IncidentStatus,
  SEVERITIES,
  type Severity,
  VISIBILITIES,
  type Visibility,
} from '@app/incidents';
import { isoDate } from '../../common/iso-date';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

const toDate = isoDate();
const TIMESTAMP_MESSAGE = '$property must be an ISO-8601 timestamp such as 2026-11-24T10:00:00Z';
const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** One line of POST /api/v1/incidents/import (see README "Importing incident history"). */
export class ImportIncidentLineDto {
  @IsString()
  @Length(1, 200)
  externalId: string;

  @Transform(trim)
  @IsString()
  @Length(1, INCIDENT_TITLE_MAX_LENGTH)
  title: string;

  @IsOptional()
  @IsString()
  @MaxLength(INCIDENT_TEXT_MAX_LENGTH)
  summary?: string;

  @IsIn(SEVERITIES)
  severity: Severity;

  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team: string;

  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  type?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLUG_PATTERN, { each: true, message: 'each value in $property must be a service slug' })
  services?: string[];

  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  commander?: string;

  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  startedAt?: Date;

  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  detectedAt?: Date;

  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  acknowledgedAt?: Date;

  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: TIMESTAMP_MESSAGE })
  resolvedAt?: Date;
}
