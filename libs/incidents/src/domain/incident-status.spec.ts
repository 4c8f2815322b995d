import { INCIDENT_STATUSES, IncidentStatus } from './incident-enums';
import { InvalidTransitionError } from './incident-errors';
import { allowedNextStatuses, canTransition, planStatusTransition, StatusTransitionKind } from './incident-status';

describe('planStatusTransition', () => {
  // Every pair of statuses, so a change to the rules cannot slip through untested.
  const table: Array<[IncidentStatus, IncidentStatus, StatusTransitionKind | 'invalid']> = [
    ['investigating', 'investigating', 'noop'],
    ['investigating', 'identified', 'advance'],
    ['investigating', 'monitoring', 'advance'],
    ['investigating', 'resolved', 'advance'],
    ['identified', 'investigating', 'regress'],
    ['identified', 'identified', 'noop'],
    ['identified', 'monitoring', 'advance'],
    ['identified', 'resolved', 'advance'],
    ['monitoring', 'investigating', 'regress'],
    ['monitoring', 'identified', 'regress'],
    ['monitoring', 'monitoring', 'noop'],
    ['monitoring', 'resolved', 'advance'],
    ['resolved', 'investigating', 'reopen'],
    ['resolved', 'identified', 'invalid'],
    ['resolved', 'monitoring', 'invalid'],
    ['resolved', 'resolved', 'noop'],
  ];

  it('covers every pair of statuses', () => {
    expect(table).toHaveLength(INCIDENT_STATUSES.length ** 2);
  });

  it.each(table)('%s -> %s is %s', (from, to, expected) => {
    if (expected === 'invalid') {
      expect(() => planStatusTransition(from, to)).toThrow(InvalidTransitionError);
      expect(canTransition(from, to)).toBe(false);
    } else {
      expect(planStatusTransition(from, to)).toEqual({ from, to, kind: expected });
      expect(canTransition(from, to)).toBe(true);
    }
  });

  it('throws a typed error naming the field, the code and both ends', () => {
    let caught: unknown;
    try {
      planStatusTransition('resolved', 'monitoring');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    expect(caught).toMatchObject({
      code: 'invalid_transition',
      field: 'status',
      from: 'resolved',
      to: 'monitoring',
      name: 'InvalidTransitionError',
    });
    expect((caught as Error).message).toContain('re-opened to investigating');
  });

  it('rejects an unknown status with the same typed error', () => {
    expect(() => planStatusTransition('investigating', 'closed')).toThrow(
      expect.objectContaining({ code: 'invalid_transition', from: 'investigating', to: 'closed' }),
    );
  });
});

describe('allowedNextStatuses', () => {
  it.each<[IncidentStatus, IncidentStatus[]]>([
    ['investigating', ['identified', 'monitoring', 'resolved']],
    ['identified', ['investigating', 'monitoring', 'resolved']],
    ['monitoring', ['investigating', 'identified', 'resolved']],
    ['resolved', ['investigating']],
  ])('from %s', (from, expected) => {
    expect(allowedNextStatuses(from)).toEqual(expected);
  });
});
