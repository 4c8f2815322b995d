import { registerDecorator, ValidationOptions } from 'class-validator';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABELS = 10;
const MAX_VALUE_LENGTH = 200;

/** A label value PromQL can carry: no NUL, no lone surrogate (the text hygiene rule). */
function isCleanValue(value: string): boolean {
  return !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

/** Whether `value` is a plain object of at most 10 Prometheus label names → non-empty string values. */
export function isMetricLabels(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_LABELS &&
    entries.every(
      ([name, label]) =>
        LABEL_NAME.test(name) &&
        !name.startsWith('__') &&
        typeof label === 'string' &&
        label.length > 0 &&
        label.length <= MAX_VALUE_LENGTH &&
        isCleanValue(label),
    )
  );
}

/** `metricLabels`: { "<label name>": "<value>" }, up to 10, e.g. { "team": "payments" }. */
export function IsMetricLabels(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMetricLabels',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be an object of up to ${MAX_LABELS} Prometheus label names (not starting with __) to non-empty string values, e.g. {"team": "payments"}`,
        ...options,
      },
      validator: { validate: isMetricLabels },
    });
}
