import { type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@app/platform';
import { isPublicId } from '@app/status';

/** `@Param('id', publicIdParam('id'))`: a malformed status id is a 400 naming the field. */
export function publicIdParam(field: string): PipeTransform<string, string> {
  return {
    transform(value: string): string {
      if (!isPublicId(value)) throw new ValidationFailedError(`${field} must be a 12-character id of lowercase letters and digits`, { field });
      return value;
    },
  };
}
