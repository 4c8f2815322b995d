import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** Lowercase letters, digits and inner dashes; 1..63 characters (DNS-label-like). */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_MESSAGE = '$property must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit';
/** Slack conversation ids: C/G followed by uppercase letters and digits. */
export const SLACK_CHANNEL_PATTERN = /^[CG][A-Z0-9]{6,20}$/;

/** An optional slug field of a DTO or query (a team's or a service's), documented and refused naming the field. */
export function OptionalSlug(description: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description }), IsOptional(), IsString(), Matches(SLUG_PATTERN, { message: SLUG_MESSAGE }));
}
