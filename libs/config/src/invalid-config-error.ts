import type { ValidationError } from 'class-validator';

/** Thrown at boot by loadConfig, naming every bad variable and what was expected (moved out of app-config.ts unchanged). */
export class InvalidConfigError extends Error {
  constructor(readonly problems: { variable: string; expected: string; received: unknown }[]) {
    super(
      'Invalid configuration: ' + problems.map((problem) => `${problem.variable} ${problem.expected} (got ${JSON.stringify(problem.received)})`).join('; '),
    );
    this.name = 'InvalidConfigError';
  }
}

export function describeConfigErrors(errors: ValidationError[]): InvalidConfigError['problems'] {
  return errors.map((error) => ({
    variable: error.property,
    expected: Object.values(error.constraints ?? {})
      .map((text) => text.replace(`${error.property} `, ''))
      .join(', '),
    received: error.value,
  }));
}
