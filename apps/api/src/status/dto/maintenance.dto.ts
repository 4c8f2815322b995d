import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MAINTENANCE_STATUSES, type MaintenanceStatus, PUBLIC_ID_PATTERN } from '@app/status';

export class CreateMaintenanceDto {
  @ApiProperty({ example: 'Database upgrade' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'Checkout may be slow for up to 5 minutes.', description: 'public description' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  body?: string;

  @ApiProperty({ type: [String], example: ['k3j2h1g0f9d8'], description: 'ids of the components under maintenance' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @Matches(PUBLIC_ID_PATTERN, { each: true, message: 'each value in $property must be a component id' })
  components: string[];

  @ApiProperty({ example: '2026-12-01T02:00:00Z' })
  @Type(() => Date)
  @IsDate({ message: '$property must be an ISO-8601 date-time' })
  scheduledFor: Date;

  @ApiProperty({ example: '2026-12-01T03:00:00Z' })
  @Type(() => Date)
  @IsDate({ message: '$property must be an ISO-8601 date-time' })
  scheduledUntil: Date;

  @ApiPropertyOptional({ default: true, description: 'move to in_progress at scheduledFor' })
  @IsOptional()
  @IsBoolean()
  autoStart?: boolean;

  @ApiPropertyOptional({ default: true, description: 'move from in_progress to completed at scheduledUntil' })
  @IsOptional()
  @IsBoolean()
  autoComplete?: boolean;

  @ApiPropertyOptional({ enum: MAINTENANCE_STATUSES, description: 'set by hand; automatic moves never undo it' })
  @IsOptional()
  @IsIn(MAINTENANCE_STATUSES)
  status?: MaintenanceStatus;
}

export class UpdateMaintenanceDto {
  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @MaxLength(5000)
  body?: string;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((_object, value) => value !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @Matches(PUBLIC_ID_PATTERN, { each: true, message: 'each value in $property must be a component id' })
  components?: string[];

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @Type(() => Date)
  @IsDate({ message: '$property must be an ISO-8601 date-time' })
  scheduledFor?: Date;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @Type(() => Date)
  @IsDate({ message: '$property must be an ISO-8601 date-time' })
  scheduledUntil?: Date;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  autoStart?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  autoComplete?: boolean;

  @ApiPropertyOptional({ enum: MAINTENANCE_STATUSES })
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(MAINTENANCE_STATUSES)
  status?: MaintenanceStatus;
}
