import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '@app/platform';

/** `@Param('id', uuidParam('id'))`: a malformed id is a 400 naming the field, not a 500 from PostgreSQL. */
export function uuidParam(field: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailedError(`${field} must be a UUID`, { field }) });
}
