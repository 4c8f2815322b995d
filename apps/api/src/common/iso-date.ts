import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * class-transformer `@Transform` for ISO-8601 query/body values: only full
 * timestamps (and, when allowed, bare dates meaning midnight UTC) become a
 * Date; anything else ("tomorrow", "2026") is left as is for `@IsDate` to reject.
 */
export function isoDate(options: { allowDateOnly?: boolean } = {}) {
  return ({ value }: { value: unknown }): unknown => {
    if (typeof value !== 'string') return value;
    const dateOnly = options.allowDateOnly === true && DATE_ONLY.test(value);
    if (!dateOnly && !TIMESTAMP.test(value)) return value;
    const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
    return Number.isNaN(parsed.getTime()) ? value : parsed;
  };
}

export const TIMESTAMP_MESSAGE = '$property must be an ISO-8601 timestamp such as 2026-11-24T10:00:00Z';

/** An optional ISO-8601 timestamp field of a DTO: documented, turned into a Date, refused naming the field otherwise. */
export function OptionalIsoTimestamp(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional(description === undefined ? {} : { description }),
    IsOptional(),
    Transform(isoDate()),
    IsDate({ message: TIMESTAMP_MESSAGE }),
  );
}
