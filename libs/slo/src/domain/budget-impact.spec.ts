import { budgetImpact, budgetImpactBucketRange } from './budget-impact';
import { EventBucket } from './event-buckets';

const MINUTE = 60_000;
const FIVE_MINUTES = 5 * MINUTE;
const HISTORY_END = Date.parse('2026-11-20T12:00:00Z');

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MinuteEvents {
  /** End of the minute the events were counted in. */
  readonly at: number;
  readonly bad: number;
  readonly total: number;
}

/** Three days of per-minute traffic with a quiet night and an outage. */
function generateHistory(): MinuteEvents[] {
  const next = random(23);
  const minutes: MinuteEvents[] = [];
  for (let at = HISTORY_END - 3 * 86_400_000 + MINUTE; at <= HISTORY_END; at += MINUTE) {
    const hour = new Date(at).getUTCHours();
    const total = hour < 5 ? Math.floor(next() * 3) : 50 + Math.floor(next() * 100);
    const outage = at > HISTORY_END - 5 * 3_600_000 && at <= HISTORY_END - 4 * 3_600_000;
    const bad = Math.min(total, Math.floor(total * (outage ? 0.4 : next() * 0.002)));
    minutes.push({ at, bad, total });
  }
  return minutes;
}

/** The 5-minute buckets the SLO engine would store: events of (start, start + 5m]. */
function bucketsOf(minutes: readonly MinuteEvents[]): EventBucket[] {
  const byStart = new Map<number, { bad: number; total: number }>();
  for (const minute of minutes) {
    const start = Math.ceil(minute.at / FIVE_MINUTES) * FIVE_MINUTES - FIVE_MINUTES;
    const bucket = byStart.get(start) ?? { bad: 0, total: 0 };
    bucket.bad += minute.bad;
    bucket.total += minute.total;
    byStart.set(start, bucket);
  }
  return [...byStart.entries()].map(([start, counts]) => ({ start: new Date(start), ...counts }));
}

/**
 * The independent computation, on the raw per-minute events: an event counts
 * for the incident when its time lies in (startedAt floored to 5m, endedAt
 * ceiled to 5m], and for the window when it lies in (that end - W, that end].
 */
function expectedConsumed(minutes: readonly MinuteEvents[], objective: number, windowSeconds: number, startedAt: number, endedAt: number): number | null {
  const from = Math.floor(startedAt / FIVE_MINUTES) * FIVE_MINUTES;
  const to = Math.max(from + FIVE_MINUTES, Math.ceil(endedAt / FIVE_MINUTES) * FIVE_MINUTES);
  const bad = minutes.filter((minute) => minute.at > from && minute.at <= to).reduce((sum, minute) => sum + minute.bad, 0);
  const total = minutes.filter((minute) => minute.at > to - windowSeconds * 1000 && minute.at <= to).reduce((sum, minute) => sum + minute.total, 0);
  const allowed = (1 - objective) * total;
  return allowed > 0 ? bad / allowed : null;
}

describe('budgetImpact', () => {
  const minutes = generateHistory();
  const buckets = bucketsOf(minutes);

  it.each([
    ['a resolved incident over the outage, off the bucket grid', '2026-11-20T06:57:31Z', '2026-11-20T08:12:05Z'],
    ['a resolved incident on the grid', '2026-11-20T07:00:00Z', '2026-11-20T08:00:00Z'],
    ['an incident inside one bucket', '2026-11-19T15:01:00Z', '2026-11-19T15:03:00Z'],
    ['a night-time incident', '2026-11-19T02:10:00Z', '2026-11-19T04:47:00Z'],
    ['an incident still open (ends now, off the grid)', '2026-11-20T07:30:00Z', '2026-11-20T11:58:20Z'],
  ])('%s matches the computation on the raw events', (_label, started, ended) => {
    const input = { objective: 0.999, windowSeconds: 86_400, startedAt: new Date(started), endedAt: new Date(ended) };
    const impact = budgetImpact(buckets, input);
    const expected = expectedConsumed(minutes, 0.999, 86_400, Date.parse(started), Date.parse(ended));
    expect(expected).not.toBeNull();
    expect(impact.budgetConsumed).toBeCloseTo(expected as number, 12);
  });

  it('counts the outage as a large share of a 1d budget and a quiet hour as a small one', () => {
    const outage = budgetImpact(buckets, {
      objective: 0.999,
      windowSeconds: 86_400,
      startedAt: new Date('2026-11-20T07:00:00Z'),
      endedAt: new Date('2026-11-20T08:00:00Z'),
    });
    const quiet = budgetImpact(buckets, {
      objective: 0.999,
      windowSeconds: 86_400,
      startedAt: new Date('2026-11-19T15:00:00Z'),
      endedAt: new Date('2026-11-19T16:00:00Z'),
    });
    expect(outage.budgetConsumed).toBeGreaterThan(1);
    expect(quiet.budgetConsumed).toBeLessThan(0.2);
  });

  it('an open incident grows as now moves on', () => {
    const at = (end: string) =>
      budgetImpact(buckets, { objective: 0.999, windowSeconds: 3 * 86_400, startedAt: new Date('2026-11-20T06:50:00Z'), endedAt: new Date(end) }).badEvents;
    expect(at('2026-11-20T07:30:00Z')).toBeLessThan(at('2026-11-20T08:30:00Z'));
  });

  it('is null without traffic in the window (no budget), never 0 or infinite', () => {
    const impact = budgetImpact([], {
      objective: 0.999,
      windowSeconds: 86_400,
      startedAt: new Date('2026-11-20T07:00:00Z'),
      endedAt: new Date('2026-11-20T08:00:00Z'),
    });
    expect(impact).toEqual({ badEvents: 0, allowedBadEvents: 0, budgetConsumed: null });
  });

  it('names the bucket range it needs', () => {
    expect(
      budgetImpactBucketRange({
        objective: 0.99,
        windowSeconds: 86_400,
        startedAt: new Date('2026-11-20T07:02:00Z'),
        endedAt: new Date('2026-11-20T08:01:00Z'),
      }),
    ).toEqual({
      from: new Date('2026-11-19T08:05:00Z'),
      to: new Date('2026-11-20T08:05:00Z'),
    });
  });
});
