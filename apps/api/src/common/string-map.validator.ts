import { registerDecorator, ValidationOptions } from 'class-validator';

/** An object whose values are all strings (Prometheus labels and annotations), bounded in size. */
export function IsStringMap(options: { maxEntries?: number; maxValueLength?: number } = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  const maxEntries = options.maxEntries ?? 200;
  const maxValueLength = options.maxValueLength ?? 10_000;
  return (target, propertyName) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be an object of at most ${maxEntries} string values of at most ${maxValueLength} characters`, ...validationOptions },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return entries.length <= maxEntries && entries.every(([key, item]) => key.length <= 200 && typeof item === 'string' && item.length <= maxValueLength);
        },
      },
    });
}
