import { InvalidPeriodError } from './incident-errors';
import { planInsightsCounts } from './incident-insights-plan';

const at = (iso: string) => new Date(iso);

describe('planInsightsCounts (whole UTC days from the rollup, ragged ends from the incidents)', () => {
  it('reads two 90-day periods that start and end at midnight from the rollup only, in ISO weeks where whole weeks fit', () => {
    // 2026-06-01, 2026-08-24, 2026-08-31 and 2026-11-23 are Mondays.
    expect(planInsightsCounts({ from: at('2026-08-25T00:00:00Z'), to: at('2026-11-23T00:00:00Z') })).toEqual({
      rollupDays: [
        { period: 'previous', bucketDays: 1, fromDay: '2026-05-27', toDay: '2026-06-01' },
        { period: 'previous', bucketDays: 7, fromDay: '2026-06-01', toDay: '2026-08-24' },
        { period: 'previous', bucketDays: 1, fromDay: '2026-08-24', toDay: '2026-08-25' },
        { period: 'current', bucketDays: 1, fromDay: '2026-08-25', toDay: '2026-08-31' },
        { period: 'current', bucketDays: 7, fromDay: '2026-08-31', toDay: '2026-11-23' },
      ],
      rawRanges: [],
    });
  });

  it('uses days when no whole ISO week fits, even across seven or more days', () => {
    // Tuesday to the second Monday after: 13 days, one whole week inside.
    expect(
      planInsightsCounts({ from: at('2026-11-10T00:00:00Z'), to: at('2026-11-23T00:00:00Z') }).rollupDays.filter((range) => range.period === 'current'),
    ).toEqual([
      { period: 'current', bucketDays: 1, fromDay: '2026-11-10', toDay: '2026-11-16' },
      { period: 'current', bucketDays: 7, fromDay: '2026-11-16', toDay: '2026-11-23' },
    ]);
    // Wednesday to the Wednesday after: seven days, but no Monday-to-Monday week.
    expect(
      planInsightsCounts({ from: at('2026-11-11T00:00:00Z'), to: at('2026-11-18T00:00:00Z') }).rollupDays.filter((range) => range.period === 'current'),
    ).toEqual([{ period: 'current', bucketDays: 1, fromDay: '2026-11-11', toDay: '2026-11-18' }]);
  });

  it('counts the parts of days before the first and after the last whole day from the incidents', () => {
    const plan = planInsightsCounts({ from: at('2026-10-03T05:30:00Z'), to: at('2026-10-10T17:00:00Z') });
    // The period is 7 days 11.5 hours long, so the previous one starts 2026-09-25T18:00.
    expect(plan.rollupDays).toEqual([
      { period: 'previous', bucketDays: 1, fromDay: '2026-09-26', toDay: '2026-10-03' },
      { period: 'current', bucketDays: 1, fromDay: '2026-10-04', toDay: '2026-10-10' },
    ]);
    expect(plan.rawRanges).toEqual([
      { period: 'previous', from: at('2026-09-25T18:00:00Z'), to: at('2026-09-26T00:00:00Z') },
      { period: 'previous', from: at('2026-10-03T00:00:00Z'), to: at('2026-10-03T05:30:00Z') },
      { period: 'current', from: at('2026-10-03T05:30:00Z'), to: at('2026-10-04T00:00:00Z') },
      { period: 'current', from: at('2026-10-10T00:00:00Z'), to: at('2026-10-10T17:00:00Z') },
    ]);
  });

  it('reads a period without a whole day in it from the incidents only', () => {
    expect(planInsightsCounts({ from: at('2026-10-03T05:00:00Z'), to: at('2026-10-03T09:00:00Z') })).toEqual({
      rollupDays: [],
      rawRanges: [
        { period: 'previous', from: at('2026-10-03T01:00:00Z'), to: at('2026-10-03T05:00:00Z') },
        { period: 'current', from: at('2026-10-03T05:00:00Z'), to: at('2026-10-03T09:00:00Z') },
      ],
    });
    // Exactly one day, starting at noon: still no whole UTC day inside.
    expect(planInsightsCounts({ from: at('2026-10-03T12:00:00Z'), to: at('2026-10-04T12:00:00Z') }).rollupDays).toEqual([]);
  });

  it('covers [previous.from, to) exactly, without overlaps, for odd periods', () => {
    const DAY = 86_400_000;
    const cases: Array<[string, number]> = [
      ['2026-03-29T00:59:59.999Z', 3 * DAY + 1],
      ['2026-10-25T23:00:00Z', 2 * 3_600_000],
      ['2026-01-01T00:00:00.001Z', 31 * DAY - 2],
      ['2024-02-28T12:00:00Z', 2 * DAY],
      ['2025-12-29T06:00:00Z', 400 * DAY],
      ['2026-11-23T00:00:00Z', 21 * DAY],
    ];
    for (const [fromIso, length] of cases) {
      const from = at(fromIso);
      const plan = planInsightsCounts({ from, to: new Date(from.getTime() + length) });
      const pieces = [
        ...plan.rawRanges.map((range) => ({ period: range.period, from: range.from.getTime(), to: range.to.getTime() })),
        ...plan.rollupDays.map((range) => ({
          period: range.period,
          from: Date.parse(`${range.fromDay}T00:00:00Z`),
          to: Date.parse(`${range.toDay}T00:00:00Z`),
        })),
      ].sort((a, b) => a.from - b.from);
      expect(pieces[0].from).toBe(from.getTime() - length);
      expect(pieces.at(-1)?.to).toBe(from.getTime() + length);
      for (let index = 1; index < pieces.length; index++) expect(pieces[index].from).toBe(pieces[index - 1].to);
      for (const range of plan.rollupDays.filter((candidate) => candidate.bucketDays === 7)) {
        expect([new Date(`${range.fromDay}T00:00:00Z`).getUTCDay(), new Date(`${range.toDay}T00:00:00Z`).getUTCDay()]).toEqual([1, 1]);
      }
      for (const piece of pieces) {
        expect(piece.to).toBeGreaterThan(piece.from);
        expect(piece.period).toBe(piece.from >= from.getTime() ? 'current' : 'previous');
      }
    }
  });

  it('refuses an empty or inverted period', () => {
    expect(() => planInsightsCounts({ from: at('2026-10-03T00:00:00Z'), to: at('2026-10-03T00:00:00Z') })).toThrow(InvalidPeriodError);
  });
});
