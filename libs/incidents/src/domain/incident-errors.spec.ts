import { DomainError } from '@app/platform/core';
import { IncidentDomainError, InvalidClockError, InvalidPeriodError, InvalidTransitionError } from './incident-errors';

describe('incident domain errors', () => {
  it.each<[IncidentDomainError, string, string, string | undefined, string]>([
    [new InvalidTransitionError('resolved', 'monitoring'), 'invalid_transition', 'conflict', 'status', 'InvalidTransitionError'],
    [new InvalidClockError('startedAt', 'too late'), 'invalid_clock', 'validation', 'startedAt', 'InvalidClockError'],
    [new InvalidPeriodError('empty'), 'invalid_period', 'validation', 'to', 'InvalidPeriodError'],
  ])('%s carries code %s, kind %s and field %s', (error, code, kind, field, name) => {
    expect(error).toBeInstanceOf(IncidentDomainError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
    expect(error.qualifiedCode).toBe(`incident.${code}`);
    expect(error.kind).toBe(kind);
    expect(error.field).toBe(field);
    expect(error.name).toBe(name);
  });

  it('InvalidTransitionError names both statuses in its message', () => {
    expect(new InvalidTransitionError('resolved', 'monitoring', 'why').message).toBe('cannot change status from resolved to monitoring: why');
  });
});
