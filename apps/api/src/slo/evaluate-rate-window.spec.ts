import { fitsOneMore, previousWeight, retryAfterSeconds, windowStartOf } from './evaluate-rate-window';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');

describe('evaluate rate window (sliding-window counter)', () => {
  it('places an instant in its fixed window and weighs the previous one by what remains of it', () => {
    expect(windowStartOf(T0 + 59_999, MINUTE)).toBe(T0);
    expect(windowStartOf(T0 + MINUTE, MINUTE)).toBe(T0 + MINUTE);
    expect(previousWeight(T0, MINUTE)).toBe(1);
    expect(previousWeight(T0 + 15_000, MINUTE)).toBe(0.75);
  });

  it('lets requests through up to the limit within a window', () => {
    expect(fitsOneMore({ previous: 0, current: 0 }, T0 + 10_000, MINUTE, 2)).toBe(true);
    expect(fitsOneMore({ previous: 0, current: 1 }, T0 + 10_000, MINUTE, 2)).toBe(true);
    expect(fitsOneMore({ previous: 0, current: 2 }, T0 + 10_000, MINUTE, 2)).toBe(false);
  });

  it('does not reset at a window boundary: the previous window still counts', () => {
    expect(fitsOneMore({ previous: 2, current: 0 }, T0 + 1, MINUTE, 2)).toBe(false);
    expect(fitsOneMore({ previous: 2, current: 0 }, T0 + 30_000, MINUTE, 2)).toBe(true);
    expect(fitsOneMore({ previous: 6, current: 0 }, T0 + 30_000, MINUTE, 6)).toBe(true);
    expect(fitsOneMore({ previous: 6, current: 3 }, T0 + 30_000, MINUTE, 6)).toBe(false);
  });

  it('says how long to wait until one more fits', () => {
    // Full in this window: wait for the next one, then until half of this one has slid out.
    expect(retryAfterSeconds({ previous: 0, current: 2 }, T0 + 20_000, MINUTE, 2)).toBe(40 + 30);
    // Room in this window once enough of the previous one has slid out.
    expect(retryAfterSeconds({ previous: 2, current: 0 }, T0 + 10_000, MINUTE, 2)).toBe(20);
    // Limit 1: the next window, with this one entirely gone.
    expect(retryAfterSeconds({ previous: 0, current: 1 }, T0 + 59_000, MINUTE, 1)).toBe(1 + 60);
    expect(retryAfterSeconds({ previous: 1, current: 0 }, T0 + 59_500, MINUTE, 2)).toBe(1);
  });

  it('never answers less than one second', () => {
    expect(retryAfterSeconds({ previous: 3, current: 0 }, T0 + 59_999, MINUTE, 3)).toBe(1);
  });
});
