import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import {
  COMPONENT_STATUSES,
  type ComponentStatus,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  INCIDENT_TEXT_MAX_LENGTH,
  INCIDENT_TITLE_MAX_LENGTH,
  type IncidentSource,
  type IncidentStatus,
  SEVERITIES,
  type Severity,
  VISIBILITIES,
  type Visibility,
} from '@app/incidents';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { OptionalIsoTimestamp } from '../../common/iso-date';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class AffectedComponentDto {
  @ApiProperty({ example: 'k3j2h1g0f9d8' })
  @IsString()
  @Matches(/^[a-z0-9]{12}$/, { message: '$property must be a 12-character status component id' })
  componentId: string;

  @ApiProperty({ enum: COMPONENT_STATUSES })
  @IsIn(COMPONENT_STATUSES)
  status: ComponentStatus;
}

export class CreateIncidentDto {
  @ApiProperty({ example: 'Checkout errors', maxLength: INCIDENT_TITLE_MAX_LENGTH })
  @Transform(trim)
  @IsString()
  @Length(1, INCIDENT_TITLE_MAX_LENGTH)
  title: string;

  @ApiPropertyOptional({ example: '5xx on /pay' })
  @IsOptional()
  @IsString()
  @MaxLength(INCIDENT_TEXT_MAX_LENGTH)
  summary?: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity: Severity;

  @ApiProperty({ example: 'payments', description: 'owning team slug' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team: string;

  @ApiPropertyOptional({ example: 'deploy', description: "incident type slug (global or the team's); default 'other'" })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  type?: string;

  @ApiPropertyOptional({ example: ['checkout'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLUG_PATTERN, { each: true, message: 'each value in $property must be a service slug' })
  services?: string[];

  @ApiPropertyOptional({ enum: VISIBILITIES, default: 'internal' })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @ApiPropertyOptional({ type: [AffectedComponentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AffectedComponentDto)
  affectedComponents?: AffectedComponentDto[];

  @ApiPropertyOptional({ example: 'U01ALICE', description: 'Slack user id or name' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  commander?: string;

  @OptionalIsoTimestamp('impact start (ISO-8601); defaults to now')
  startedAt?: Date;

  @OptionalIsoTimestamp('when Ballast (or the tool it came from) learned of it; defaults to now')
  detectedAt?: Date;

  @OptionalIsoTimestamp('first acknowledgement by a person (MTTA = detectedAt → acknowledgedAt)')
  acknowledgedAt?: Date;

  @OptionalIsoTimestamp('only with status resolved (MTTR = startedAt → resolvedAt)')
  resolvedAt?: Date;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES, default: 'investigating', description: 'initial status (history)' })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ default: true, description: 'false: store only (imported history): no Slack channel, posts, paging or notifications' })
  @IsOptional()
  @IsBoolean()
  announce?: boolean;

  @ApiPropertyOptional({ description: 'id of the deployment that caused it' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  causedByDeploymentId?: string;
}

export class UpdateIncidentDto {
  @ApiPropertyOptional({ maxLength: INCIDENT_TITLE_MAX_LENGTH })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, INCIDENT_TITLE_MAX_LENGTH)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(INCIDENT_TEXT_MAX_LENGTH)
  summary?: string;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Length(1, 100)
  commander?: string | null;

  @ApiPropertyOptional({ enum: VISIBILITIES })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  type?: string;

  @OptionalIsoTimestamp()
  startedAt?: Date;

  @ApiPropertyOptional({ type: [AffectedComponentDto], description: 'replaces the whole set' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AffectedComponentDto)
  affectedComponents?: AffectedComponentDto[];

  @OptionalIsoTimestamp('when Ballast (or the tool it came from) learned of it; defaults to now')
  detectedAt?: Date;

  @OptionalIsoTimestamp('first acknowledgement by a person (MTTA = detectedAt → acknowledgedAt)')
  acknowledgedAt?: Date;

  @OptionalIsoTimestamp('only with status resolved (MTTR = startedAt → resolvedAt)')
  resolvedAt?: Date;

  @ApiPropertyOptional({ nullable: true, description: 'id of the deployment that caused it; null unlinks' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Length(1, 64)
  causedByDeploymentId?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description: 'id or INC-n of the original: resolves this incident as its duplicate (left out of insights); null undoes it',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Length(1, 64)
  duplicateOf?: string | null;
}

export class PostIncidentUpdateDto {
  @ApiProperty({ example: 'We rolled back the deploy; error rates are recovering.' })
  @Transform(trim)
  @IsString()
  @Length(1, INCIDENT_TEXT_MAX_LENGTH)
  body: string;

  @ApiProperty({ description: 'true: a public update (reaches the status page for public incidents); false: an internal note' })
  @IsBoolean()
  public: boolean;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;
}

export class ListIncidentsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team?: string;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ enum: INCIDENT_SOURCES })
  @IsOptional()
  @IsIn(INCIDENT_SOURCES)
  source?: IncidentSource;

  @ApiPropertyOptional({ description: 'true: only unresolved; false: only resolved' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: '$property must be true or false' })
  open?: boolean;
}

export class CreateIncidentTypeDto {
  @ApiProperty({ example: 'payment-provider' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug: string;

  @ApiProperty({ example: 'Payment provider' })
  @IsString()
  @Length(1, 100)
  label: string;
}
