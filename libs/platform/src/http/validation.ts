import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator prefixes messages with the bare property name; use the full path.
      message: message.startsWith(`${error.property} `) ? `${field} ${message.slice(error.property.length + 1)}` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The one global validation pipe: whitelist, reject unknown fields, transform. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      const first = problems[0] ?? { field: undefined, message: 'Invalid request' };
      return new BadRequestException({
        error: 'validation_failed',
        message: problems.map((problem) => problem.message).join('; '),
        field: first.field,
        details: problems,
      });
    },
  });
}
