import { indicatorRows, sliAxis, sloVerdicts } from './slo-verdict';

describe('SLO page verdicts and axis', () => {
  it('says budget exhausted and objective missed from the window numbers, whatever the tiers', () => {
    expect(sloVerdicts({ errorBudgetRemaining: -0.207, sli: 0.99879, objective: 0.999 })).toEqual(['budget exhausted', 'objective missed']);
    expect(sloVerdicts({ errorBudgetRemaining: 0, sli: 0.999, objective: 0.999 })).toEqual(['budget exhausted']);
    expect(sloVerdicts({ errorBudgetRemaining: 0.52, sli: 0.99952, objective: 0.999 })).toEqual([]);
    expect(sloVerdicts({ errorBudgetRemaining: null, sli: null, objective: 0.999 })).toEqual([]);
  });

  it('centres the SLI axis on the objective instead of 0%', () => {
    expect(sliAxis(0.999, [0.9995, 0.9993, null])).toEqual({ yMin: 0.997, yMax: 1 });
    const low = sliAxis(0.999, [0.99]);
    expect(low.yMin).toBeLessThan(0.99);
    expect(low.yMin).toBeGreaterThan(0.98);
  });

  it('lists what the SLO measures', () => {
    expect(indicatorRows({ kind: 'latency', histogram: 'h_bucket', threshold: '0.3' }).map((row) => row.label)).toEqual(['Kind', 'Histogram', 'Threshold']);
    expect(indicatorRows({ kind: 'ratio', totalQuery: 't', badQuery: 'b' })).toEqual([
      { label: 'Kind', value: 'ratio (PromQL templates, per-second rates)' },
      { label: 'Total query', value: 't' },
      { label: 'Bad query', value: 'b' },
    ]);
  });
});
