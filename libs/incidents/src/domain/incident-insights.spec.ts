import { IncidentSource, Severity } from './incident-enums';
import { InvalidPeriodError } from './incident-errors';
import { buildIncidentInsights, InsightIncident, isWithinPeriod, median, percentile, previousPeriod, summarizeDurations } from './incident-insights';

describe('percentile (linear interpolation, as PostgreSQL percentile_cont)', () => {
  it.each<[number[], number, number | null]>([
    [[], 50, null],
    [[7], 50, 7],
    [[7], 90, 7],
    [[1, 2, 3, 4], 50, 2.5],
    [[4, 1, 3, 2], 90, 3.7],
    [[15, 20, 35, 40, 50], 90, 46],
    [[15, 20, 35, 40, 50], 0, 15],
    [[15, 20, 35, 40, 50], 100, 50],
    [[15, 20, 35, 40, 50], 40, 29],
    [[5, 5, 5, 100], 50, 5],
  ])('p(%j, %p) = %p', (values, p, expected) => {
    const result = percentile(values, p);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 10);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([-1, 101, Number.NaN])('rejects p = %p', (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError);
  });

  it('rejects non-finite values', () => {
    expect(() => percentile([1, Number.POSITIVE_INFINITY], 50)).toThrow(RangeError);
  });

  it('median is p50', () => {
    expect(median([1, 9, 3])).toBe(3);
    expect(median([1, 9, 3, 5])).toBe(4);
    expect(median([])).toBeNull();
  });
});

describe('summarizeDurations', () => {
  it('rounds to whole seconds', () => {
    expect(summarizeDurations([60, 121, 240.4])).toEqual({ median: 121, p90: 217 }); // p90 = 216.52
  });

  it('is all null without data', () => {
    expect(summarizeDurations([])).toEqual({ median: null, p90: null });
  });
});

describe('previousPeriod', () => {
  it('is the equal-length range just before [from, to)', () => {
    expect(previousPeriod({ from: new Date('2026-08-25T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') })).toEqual({
      from: new Date('2026-05-27T00:00:00Z'),
      to: new Date('2026-08-25T00:00:00Z'),
    });
  });

  it('works for sub-day ranges', () => {
    expect(previousPeriod({ from: new Date('2026-03-01T12:00:00Z'), to: new Date('2026-03-01T12:30:00Z') })).toEqual({
      from: new Date('2026-03-01T11:30:00Z'),
      to: new Date('2026-03-01T12:00:00Z'),
    });
  });

  it.each([
    ['empty', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'],
    ['reversed', '2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z'],
    ['invalid', 'nope', '2026-03-01T00:00:00Z'],
  ])('rejects an %s period with a typed error', (_name, from, to) => {
    expect(() => previousPeriod({ from: new Date(from), to: new Date(to) })).toThrow(InvalidPeriodError);
  });
});

describe('isWithinPeriod', () => {
  const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
  it.each<[string | null, boolean]>([
    ['2026-03-01T00:00:00Z', true],
    ['2026-03-01T23:59:59.999Z', true],
    ['2026-03-02T00:00:00Z', false],
    ['2026-02-28T23:59:59Z', false],
    [null, false],
  ])('%p -> %p', (at, expected) => {
    expect(isWithinPeriod(at === null ? null : new Date(at), period)).toBe(expected);
  });
});

describe('buildIncidentInsights', () => {
  const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-31T00:00:00Z') };
  const day = (d: number, h = 0, m = 0): Date => new Date(Date.UTC(2026, 2, d, h, m));
  const incident = (
    team: string | null,
    type: string | null,
    severity: Severity,
    source: IncidentSource,
    startedAt: Date,
    ack: number | null,
    resolveMinutes: number | null,
  ): InsightIncident => ({
    team,
    type,
    severity,
    source,
    clock: {
      startedAt,
      detectedAt: startedAt,
      acknowledgedAt: ack === null ? null : new Date(startedAt.getTime() + ack * 1000),
      resolvedAt: resolveMinutes === null ? null : new Date(startedAt.getTime() + resolveMinutes * 60_000),
    },
  });

  const incidents: InsightIncident[] = [
    incident('payments', 'deploy', 'SEV2', 'slack', day(2), 240, 60),
    incident('payments', 'deploy', 'SEV1', 'slo', day(5), 60, 30),
    incident('payments', 'dependency', 'SEV3', 'api', day(10), 900, 240),
    incident('payments', 'deploy', 'SEV2', 'slack', day(20), null, null), // still open
    incident('identity', 'config', 'SEV3', 'alertmanager', day(12), 120, 120),
    incident(null, null, 'SEV4', 'api', day(15), 30, 10),
    // previous period [2026-01-30, 2026-03-01)
    incident('payments', 'deploy', 'SEV2', 'slack', new Date('2026-02-10T00:00:00Z'), 100, 20),
    incident('identity', 'config', 'SEV2', 'slack', new Date('2026-02-20T00:00:00Z'), 100, 20),
    // started in the previous period, resolved in this one: counts for MTTA/MTTR only
    incident('identity', 'capacity', 'SEV2', 'slo', new Date('2026-02-28T23:00:00Z'), 600, 180),
    // outside both periods: ignored
    incident('payments', 'deploy', 'SEV1', 'slack', new Date('2025-12-01T00:00:00Z'), 1, 1),
    incident('payments', 'deploy', 'SEV1', 'slack', new Date('2026-03-31T00:00:00Z'), 1, 1),
  ];

  const insights = buildIncidentInsights(incidents, period);

  it('echoes the period', () => {
    expect(insights.from).toBe('2026-03-01T00:00:00.000Z');
    expect(insights.to).toBe('2026-03-31T00:00:00.000Z');
  });

  it('counts team x type by start time, with the previous period, busiest first', () => {
    expect(insights.byTeamAndType).toEqual([
      { team: 'payments', type: 'deploy', count: 3, previousCount: 1 },
      { team: 'identity', type: 'config', count: 1, previousCount: 1 },
      { team: 'payments', type: 'dependency', count: 1, previousCount: 0 },
      { team: null, type: null, count: 1, previousCount: 0 },
      { team: 'identity', type: 'capacity', count: 0, previousCount: 1 },
    ]);
  });

  it('computes MTTA and MTTR per team over incidents resolved in the period', () => {
    expect(insights.byTeam).toEqual([
      {
        team: 'payments',
        count: 4,
        previousCount: 1,
        mttaSeconds: { median: 240, p90: 768 },
        mttrSeconds: { median: 3600, p90: 12240 },
        selfDeclared: 0,
      },
      {
        team: 'identity',
        count: 1,
        previousCount: 2,
        mttaSeconds: { median: 360, p90: 552 },
        mttrSeconds: { median: 9000, p90: 10440 },
        selfDeclared: 0,
      },
      { team: null, count: 1, previousCount: 0, mttaSeconds: { median: 30, p90: 30 }, mttrSeconds: { median: 600, p90: 600 }, selfDeclared: 0 },
    ]);
  });

  it('groups by type the same way, listing a type seen only through a resolution', () => {
    expect(insights.byType.map((row) => [row.type, row.count, row.previousCount, row.mttrSeconds.median])).toEqual([
      ['deploy', 3, 1, 2700],
      ['config', 1, 1, 7200],
      ['dependency', 1, 0, 14400],
      [null, 1, 0, 600],
      ['capacity', 0, 1, 10800],
    ]);
  });

  it('lists every severity and source, zeros included', () => {
    expect(insights.bySeverity).toEqual([
      { severity: 'SEV1', count: 1 },
      { severity: 'SEV2', count: 2 },
      { severity: 'SEV3', count: 2 },
      { severity: 'SEV4', count: 1 },
    ]);
    expect(insights.bySource).toEqual([
      { source: 'slack', count: 2 },
      { source: 'api', count: 2 },
      { source: 'slo', count: 1 },
      { source: 'alertmanager', count: 1 },
    ]);
  });

  it('returns empty groupings for no incidents', () => {
    const empty = buildIncidentInsights([], period);
    expect(empty.byTeamAndType).toEqual([]);
    expect(empty.byTeam).toEqual([]);
    expect(empty.bySeverity.every((row) => row.count === 0)).toBe(true);
  });

  it('leaves self-declared incidents out of MTTA and counts them separately per team and type', () => {
    const declared = (ack: number): InsightIncident => ({
      ...incident('payments', 'deploy', 'SEV2', 'slack', day(3), ack, 60),
      acknowledgedVia: 'self_declared',
    });
    const paged = (ack: number): InsightIncident => ({ ...incident('payments', 'deploy', 'SEV2', 'slo', day(4), ack, 60), acknowledgedVia: 'person' });
    const mixed = buildIncidentInsights(
      [declared(0), declared(0), paged(300), paged(100), incident('payments', 'deploy', 'SEV2', 'slo', day(6), null, 60)],
      period,
    );
    expect(mixed.byTeam).toEqual([
      { team: 'payments', count: 5, previousCount: 0, mttaSeconds: { median: 200, p90: 280 }, mttrSeconds: { median: 3600, p90: 3600 }, selfDeclared: 2 },
    ]);
    expect(mixed.byType.map((row) => [row.type, row.mttaSeconds.median, row.selfDeclared])).toEqual([['deploy', 200, 2]]);
    // only self-declared: no MTTA at all rather than 0
    const onlyDeclared = buildIncidentInsights([declared(0)], period);
    expect(onlyDeclared.byTeam[0]).toMatchObject({ mttaSeconds: { median: null, p90: null }, selfDeclared: 1 });
  });

  it('rejects an invalid period', () => {
    expect(() => buildIncidentInsights([], { from: period.to, to: period.from })).toThrow(InvalidPeriodError);
  });
});
