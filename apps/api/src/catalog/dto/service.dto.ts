import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { OptionalSlug, SLUG_MESSAGE, SLUG_PATTERN } from '../../common/slug';

export class CreateServiceDto {
  @ApiProperty({ example: 'checkout' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  slug: string;

  @ApiProperty({ example: 'Checkout' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'payments', description: 'slug of the owning team' })
  @IsString()
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  team: string;
}

export class UpdateServiceDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @OptionalSlug('slug of the new owning team')
  team?: string;
}

export class ListServicesQueryDto extends PaginationQueryDto {
  @OptionalSlug('only services of this team (slug)')
  team?: string;
}
