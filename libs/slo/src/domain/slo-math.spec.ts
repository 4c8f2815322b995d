import { SloValidationError } from './errors';
import { burnRate, errorBudget, errorBudgetRemaining, errorRatio, sli, validateObjective } from './slo-math';

describe('errorRatio', () => {
  it.each([
    ['no events at all (0/0) is no data', 0, 0, null],
    ['no bad events', 0, 1000, 0],
    ['one in a hundred', 1, 100, 0.01],
    ['every event bad', 100, 100, 1],
    ['NaN bad count', Number.NaN, 100, null],
    ['NaN total count', 1, Number.NaN, null],
    ['infinite bad count', Number.POSITIVE_INFINITY, 100, null],
    ['infinite total count', 1, Number.POSITIVE_INFINITY, null],
    ['negative total', 0, -5, null],
    ['bad events without any total', 5, 0, null],
    ['negative bad (extrapolation noise) counts as zero', -0.5, 100, 0],
    ['bad above total (separate extrapolation) counts as all bad', 100.2, 100, 1],
  ])('%s: errorRatio(%p, %p) = %p', (_case, bad, total, expected) => {
    expect(errorRatio(bad, total)).toBe(expected);
  });
});

describe('validateObjective', () => {
  it.each([[0.5], [0.9], [0.99], [0.999], [0.99999], [1e-9], [1 - 1e-12]])('accepts %p', (objective) => {
    expect(validateObjective(objective)).toBe(objective);
  });

  it.each<[unknown]>([[0], [1], [-0.1], [1.1], [Number.NaN], [Number.POSITIVE_INFINITY], ['0.999'], [null], [undefined]])('rejects %p', (objective) => {
    expect(() => validateObjective(objective)).toThrow(SloValidationError);
    expect(() => validateObjective(objective)).toThrow(expect.objectContaining({ field: 'objective' }));
  });
});

describe('errorBudget', () => {
  it.each([
    [0.5, 0.5],
    [0.9, 0.1],
    [0.99, 0.01],
    [0.999, 0.001],
    [0.9995, 0.0005],
    [0.99999, 0.00001],
  ])('the budget of %p is exactly %p', (objective, budget) => {
    // toBe, not toBeCloseTo: 1 - 0.9 is 0.09999999999999998 in binary arithmetic.
    expect(errorBudget(objective)).toBe(budget);
  });
});

describe('sli, errorBudgetRemaining and burnRate', () => {
  it.each([
    // [case, error ratio over W or w, objective, sli, budget remaining, burn rate]
    ['no data stays no data', null, 0.999, null, null, null],
    ['no errors: full budget', 0, 0.999, 1, 1, 0],
    ['half the budget spent', 0.0005, 0.999, 0.9995, 0.5, 0.5],
    ['budget exactly spent', 0.001, 0.999, 0.999, 0, 1],
    ['overspent: remaining goes negative', 0.003, 0.999, 0.997, -2, 3],
    ['page-level burn over 1h', 0.0144, 0.999, 0.9856, -13.4, 14.4],
    ['five nines, budget exactly spent', 0.00001, 0.99999, 0.99999, 0, 1],
    ['five nines, ten times the budget', 0.0001, 0.99999, 0.9999, -9, 10],
    ['everything failing', 1, 0.99, 0, -99, 100],
  ])('%s', (_case, ratio, objective, expectedSli, expectedRemaining, expectedBurnRate) => {
    const close = (actual: number | null, expected: number | null): void => {
      if (expected === null) {
        expect(actual).toBeNull();
      } else {
        expect(actual).toBeCloseTo(expected, 10);
      }
    };
    close(sli(ratio), expectedSli);
    close(errorBudgetRemaining(ratio, objective), expectedRemaining);
    close(burnRate(ratio, objective), expectedBurnRate);
  });

  it('rejects an invalid objective instead of dividing by a zero budget', () => {
    expect(() => burnRate(0.1, 1)).toThrow(SloValidationError);
    expect(() => errorBudgetRemaining(0.1, 0)).toThrow(SloValidationError);
  });
});
