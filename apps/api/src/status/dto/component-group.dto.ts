import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PUBLIC_ID_PATTERN } from '@app/status';

export class CreateComponentGroupDto {
  @ApiProperty({ example: 'Payments' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position?: number;

  @ApiPropertyOptional({ type: [String], description: 'ids of the components in the group (moved from any other group); replaces the membership' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(PUBLIC_ID_PATTERN, { each: true, message: 'each value in $property must be a component id' })
  components?: string[];
}

export class UpdateComponentGroupDto {
  @ApiPropertyOptional({ example: 'Payments' })
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

  @ApiPropertyOptional({ type: [String], description: 'replaces the membership' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(PUBLIC_ID_PATTERN, { each: true, message: 'each value in $property must be a component id' })
  components?: string[];
}
