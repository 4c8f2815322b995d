import { SloValidationError } from './errors';
import { EVALUATION_WINDOWS, evaluationWindowSeconds, formatPromqlDuration, formatWindow, parseWindow, statusWindowSeconds } from './slo-window';

const DAY = 86_400;

describe('parseWindow', () => {
  it.each([
    ['1d', 1],
    ['7d', 7],
    ['28d', 28],
    ['30d', 30],
    ['90d', 90],
  ])('parses %s as %i days', (text, days) => {
    expect(parseWindow(text)).toEqual({ days, seconds: days * DAY, label: text });
  });

  it.each<[unknown]>([['0d'], ['91d'], ['365d'], ['028d'], ['28'], ['28D'], ['4w'], ['720h'], [' 28d'], ['1.5d'], ['-7d'], [''], [28], [null], [undefined]])(
    'rejects %p with a validation error on the field',
    (text) => {
      const attempt = (): unknown => parseWindow(text, 'spec.window');
      expect(attempt).toThrow(SloValidationError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'validation_failed', field: 'spec.window' }));
    },
  );
});

describe('formatWindow', () => {
  it.each([
    [1, '1d'],
    [28, '28d'],
    [90, '90d'],
  ])('formats %i days as %s', (days, label) => {
    expect(formatWindow(days)).toBe(label);
  });

  it.each([[0], [91], [1.5], [Number.NaN]])('rejects %p days', (days) => {
    expect(() => formatWindow(days)).toThrow(SloValidationError);
  });
});

describe('evaluation windows', () => {
  it('are the seven short windows of the alert tiers, in increasing length', () => {
    expect(EVALUATION_WINDOWS).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    const seconds = EVALUATION_WINDOWS.map(evaluationWindowSeconds);
    expect(seconds).toEqual([300, 1800, 3600, 7200, 21_600, DAY, 3 * DAY]);
  });

  it.each([
    ['5m', 300],
    ['3d', 3 * DAY],
    ['28d', 28 * DAY],
    ['90d', 90 * DAY],
  ] as const)('statusWindowSeconds(%s) = %i', (key, seconds) => {
    expect(statusWindowSeconds(key)).toBe(seconds);
  });
});

describe('formatPromqlDuration', () => {
  it.each([
    [300, '5m'],
    [1800, '30m'],
    [3600, '1h'],
    [7200, '2h'],
    [DAY, '1d'],
    [30 * DAY, '30d'],
    [90 * 60, '90m'],
    [45, '45s'],
  ])('formats %i seconds as %s', (seconds, text) => {
    expect(formatPromqlDuration(seconds)).toBe(text);
  });

  it.each([[0], [-60], [1.5], [Number.NaN]])('rejects %p seconds', (seconds) => {
    expect(() => formatPromqlDuration(seconds)).toThrow(RangeError);
  });
});
