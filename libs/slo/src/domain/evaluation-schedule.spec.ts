import { evaluationDueBy } from './evaluation-schedule';

describe('evaluationDueBy', () => {
  const previousTick = new Date('2026-12-01T09:00:00.000Z');

  it('evaluates an SLO at a tick that reads the clock a little less than one interval after its last evaluation', () => {
    const nextEvaluationAt = new Date(previousTick.getTime() + 60_000);
    const earlyTick = new Date(previousTick.getTime() + 59_997);
    expect(evaluationDueBy(earlyTick, 60).getTime()).toBeGreaterThanOrEqual(nextEvaluationAt.getTime());
  });

  it('does not evaluate again within the same cycle', () => {
    const nextEvaluationAt = new Date(previousTick.getTime() + 60_000);
    expect(evaluationDueBy(previousTick, 60).getTime()).toBeLessThan(nextEvaluationAt.getTime());
    expect(evaluationDueBy(new Date(previousTick.getTime() + 30_000), 60).getTime()).toBeLessThan(nextEvaluationAt.getTime());
  });

  it('scales the slack with the interval (5%)', () => {
    expect(evaluationDueBy(previousTick, 2).getTime() - previousTick.getTime()).toBe(100);
    expect(evaluationDueBy(previousTick, 60).getTime() - previousTick.getTime()).toBe(3_000);
  });
});
