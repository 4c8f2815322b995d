import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { COMPONENT_STATUSES, type ComponentStatus } from '@app/incidents';
import { PUBLIC_ID_PATTERN } from '@app/status';
import { isoDate } from '../../common/iso-date';
import { SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

export const SLO_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const PUBLIC_ID_MESSAGE = '$property must be a 12-character id of lowercase letters and digits';

export class CreateStatusComponentDto {
  @ApiProperty({ example: 'Checkout' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'Paying for an order', nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ description: 'order on the page (ascending); default: after the last one' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position?: number;

  @ApiPropertyOptional({ example: 'k3j2h1g0f9d8', nullable: true, description: 'component group id' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Matches(PUBLIC_ID_PATTERN, { message: PUBLIC_ID_MESSAGE })
  groupId?: string | null;

  @ApiPropertyOptional({ default: false, description: 'hidden on the page while operational' })
  @IsOptional()
  @IsBoolean()
  onlyShowIfDegraded?: boolean;

  @ApiPropertyOptional({
    enum: COMPONENT_STATUSES,
    nullable: true,
    description: "a person's status: wins over what linked SLOs imply (both ways); incidents and maintenance still count",
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsIn(COMPONENT_STATUSES)
  manualStatus?: ComponentStatus | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the manual status stops applying at this time (future); null = until cleared',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @Transform(isoDate())
  @IsDate({ message: '$property must be an ISO-8601 timestamp such as 2026-11-24T10:00:00Z' })
  manualStatusUntil?: Date | null;

  @ApiPropertyOptional({ type: [String], example: ['checkout'], description: 'slugs of the catalog services this component stands for' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLUG_PATTERN, { each: true, message: SLUG_MESSAGE })
  services?: string[];

  @ApiPropertyOptional({ type: [String], description: 'SLOs whose burn moves this component' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLO_ID_PATTERN, { each: true, message: 'each value in $property must be an SLO id' })
  sloIds?: string[];
}

/** PATCH: only the fields sent change; `null` clears the nullable ones (description, groupId, manualStatus). */
export class UpdateStatusComponentDto {
  @ApiPropertyOptional({ example: 'Checkout' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position?: number;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @Matches(PUBLIC_ID_PATTERN, { message: PUBLIC_ID_MESSAGE })
  groupId?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  onlyShowIfDegraded?: boolean;

  @ApiPropertyOptional({ enum: COMPONENT_STATUSES, nullable: true, description: "a person's status (wins over the SLOs, both ways); null clears it" })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsIn(COMPONENT_STATUSES)
  manualStatus?: ComponentStatus | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the manual status stops applying at this time; a new manualStatus without it applies until cleared',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @Transform(isoDate())
  @IsDate({ message: '$property must be an ISO-8601 timestamp such as 2026-11-24T10:00:00Z' })
  manualStatusUntil?: Date | null;

  @ApiPropertyOptional({ type: [String], description: 'replaces the linked services' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLUG_PATTERN, { each: true, message: SLUG_MESSAGE })
  services?: string[];

  @ApiPropertyOptional({ type: [String], description: 'replaces the linked SLOs' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SLO_ID_PATTERN, { each: true, message: 'each value in $property must be an SLO id' })
  sloIds?: string[];
}
