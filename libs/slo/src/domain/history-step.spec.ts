import { SloValidationError } from './errors';
import { MAX_CHOSEN_HISTORY_POINTS, parseHistoryStep } from './history-step';

const to = new Date('2025-03-03T12:00:00Z');
const thirtyDays = { from: new Date(to.getTime() - 30 * 86_400_000), to };

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SloValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('parseHistoryStep', () => {
  it('reads minutes, hours and days as seconds', () => {
    expect(parseHistoryStep('5m', { from: new Date(to.getTime() - 86_400_000), to })).toBe(300);
    expect(parseHistoryStep('15m', thirtyDays)).toBe(900);
    expect(parseHistoryStep('1h', thirtyDays)).toBe(3600);
    expect(parseHistoryStep('6h', thirtyDays)).toBe(21_600);
    expect(parseHistoryStep('1d', thirtyDays)).toBe(86_400);
  });

  it.each([['1x'], ['0h'], ['-1h'], ['1.5h'], ['01h'], ['h'], [''], ['1 h'], ['30s']])('refuses %p naming step', (value) => {
    expect(fieldOf(() => parseHistoryStep(value, thirtyDays))).toBe('step');
  });

  it('refuses non-strings naming step', () => {
    expect(fieldOf(() => parseHistoryStep(3600, thirtyDays))).toBe('step');
    expect(fieldOf(() => parseHistoryStep(['1h'], thirtyDays))).toBe('step');
  });

  it('refuses steps off the 5-minute bucket grid', () => {
    expect(() => parseHistoryStep('7m', thirtyDays)).toThrow('multiple of 5m');
    expect(parseHistoryStep('10m', { from: new Date(to.getTime() - 86_400_000), to })).toBe(600);
  });

  it('bounds the number of points', () => {
    // 30 days at 5 minutes is 8,640 steps.
    expect(() => parseHistoryStep('5m', thirtyDays)).toThrow(`at most ${MAX_CHOSEN_HISTORY_POINTS}`);
    // 7 days at 5 minutes (2,016) fit.
    expect(parseHistoryStep('5m', { from: new Date(to.getTime() - 7 * 86_400_000), to })).toBe(300);
  });
});
