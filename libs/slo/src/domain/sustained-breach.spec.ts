import { EventBucket } from './event-buckets';
import { findSustainedBreach, formatMissedDuration, isBreachWindow } from './sustained-breach';

const NOW = new Date('2026-11-20T12:02:30Z');
const GRID_NOW = Date.parse('2026-11-20T12:00:00Z');
const FIVE_MINUTES = 300_000;
const HOUR = 3_600_000;

/** Buckets for the `hours` before the grid-aligned now, with an error ratio chosen per bucket start. */
function history(hours: number, ratioAt: (msBeforeNow: number) => number | null): EventBucket[] {
  const buckets: EventBucket[] = [];
  for (let start = GRID_NOW - hours * HOUR; start < GRID_NOW; start += FIVE_MINUTES) {
    const ratio = ratioAt(GRID_NOW - start);
    if (ratio === null) continue; // no traffic: no bucket stored
    buckets.push({ start: new Date(start), total: 1000, bad: 1000 * ratio });
  }
  return buckets;
}

describe('findSustainedBreach', () => {
  it('finds a 50-hour miss after 48 hours, naming its start and length', () => {
    const buckets = history(72, (before) => (before <= 50 * HOUR ? 0.05 : 0.001));
    const breach = findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 48, now: NOW });
    expect(breach).toEqual({ since: new Date(GRID_NOW - 50 * HOUR), until: new Date(GRID_NOW), missedSeconds: 50 * 3600 });
  });

  it('is not a breach before afterHours have passed', () => {
    const buckets = history(72, (before) => (before <= 47 * HOUR ? 0.05 : 0.001));
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 48, now: NOW })).toBeNull();
  });

  it('a 5-minute recovery in the middle ends the breach (5m stretches)', () => {
    const recoveredAt = 20 * HOUR;
    const buckets = history(72, (before) => (before === recoveredAt ? 0 : 0.05));
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '5m', afterHours: 48, now: NOW })).toBeNull();
    // What follows the recovery is a breach of its own, from the end of the recovered bucket.
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '5m', afterHours: 10, now: NOW })?.since).toEqual(
      new Date(GRID_NOW - recoveredAt + FIVE_MINUTES),
    );
  });

  it('a 5-minute recovery inside an hour that still missed does not end a breach measured in 1h stretches', () => {
    const buckets = history(72, (before) => (before === 20 * HOUR ? 0 : 0.05));
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 48, now: NOW })?.since).toEqual(new Date(GRID_NOW - 72 * HOUR));
  });

  it('a 1-hour stretch that met the objective ends a breach measured in 1h stretches', () => {
    const buckets = history(72, (before) => (before > 20 * HOUR && before <= 21 * HOUR ? 0 : 0.05));
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 48, now: NOW })).toBeNull();
    expect(findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 19, now: NOW })?.since).toEqual(new Date(GRID_NOW - 20 * HOUR));
  });

  it('zero traffic is not a breach, neither all along nor for one stretch in the middle', () => {
    expect(findSustainedBreach([], { objective: 0.99, window: '5m', afterHours: 1, now: NOW })).toBeNull();
    const quietHour = history(72, (before) => (before > 30 * HOUR && before <= 31 * HOUR ? null : 0.05));
    expect(findSustainedBreach(quietHour, { objective: 0.99, window: '1h', afterHours: 48, now: NOW })).toBeNull();
  });

  it('a breach that ends and starts again is a new breach (a later start)', () => {
    const first = findSustainedBreach(
      history(10, () => 0.05),
      { objective: 0.99, window: '5m', afterHours: 2, now: NOW },
    );
    const again = findSustainedBreach(
      history(10, (before) => (before > 3 * HOUR && before <= 3 * HOUR + FIVE_MINUTES ? 0.001 : 0.05)),
      { objective: 0.99, window: '5m', afterHours: 2, now: NOW },
    );
    expect(first?.since).toEqual(new Date(GRID_NOW - 10 * HOUR));
    expect(again?.since).toEqual(new Date(GRID_NOW - 3 * HOUR));
  });

  it('the error ratio exactly at the budget meets the objective', () => {
    expect(
      findSustainedBreach(
        history(5, () => 0.01),
        { objective: 0.99, window: '1h', afterHours: 2, now: NOW },
      ),
    ).toBeNull();
  });

  it('the start stays the same as time moves on (one incident per breach)', () => {
    const buckets = history(72, (before) => (before <= 50 * HOUR ? 0.05 : 0.001));
    const later = [...buckets, ...Array.from({ length: 12 }, (_, index) => ({ start: new Date(GRID_NOW + index * FIVE_MINUTES), total: 1000, bad: 50 }))];
    const a = findSustainedBreach(buckets, { objective: 0.99, window: '1h', afterHours: 48, now: NOW });
    const halfHourLater = findSustainedBreach(later, { objective: 0.99, window: '1h', afterHours: 48, now: new Date(GRID_NOW + 30 * 60_000) });
    const hourLater = findSustainedBreach(later, { objective: 0.99, window: '1h', afterHours: 48, now: new Date(GRID_NOW + HOUR) });
    expect(halfHourLater).toEqual(a);
    expect(hourLater?.since).toEqual(a?.since);
    expect(hourLater?.missedSeconds).toBe(51 * 3600);
  });
});

describe('breach helpers', () => {
  it('knows the supported windows', () => {
    expect(isBreachWindow('1h')).toBe(true);
    expect(isBreachWindow('3h')).toBe(false);
    expect(isBreachWindow('constructor')).toBe(false);
  });

  it('formats how long the objective was missed', () => {
    expect(formatMissedDuration(50 * 3600)).toBe('2d 2h (50 hours)');
    expect(formatMissedDuration(5 * 3600 + 600)).toBe('5h 10m (5 hours)');
  });
});
