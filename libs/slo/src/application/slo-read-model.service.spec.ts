import { TeamEntity } from '@app/catalog';
import { NotFoundError } from '@app/platform';
import { newSloTestServices, sloRow } from '../../../../test/support/slo-test-services';
import { SloNotFoundError } from '../domain/errors';
import type { SloStatus } from '../domain/slo-status';

const NOW = new Date('2026-12-01T12:00:00Z');
const ID = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

describe('SloReadModel', () => {
  it('tells an unknown SLO (404 of the SLO) from one not evaluated yet (404 of its status)', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    mocks.slos.status.mockResolvedValueOnce(undefined);
    await expect(reads.getStatus(ID)).rejects.toBeInstanceOf(SloNotFoundError);
    mocks.slos.status.mockResolvedValueOnce(null);
    const error = await reads.getStatus(ID).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).not.toBeInstanceOf(SloNotFoundError);
    const status = { state: 'ok' } as SloStatus;
    mocks.slos.status.mockResolvedValueOnce(status);
    expect(await reads.getStatus(ID)).toBe(status);
  });

  it('reads latest states only for well-formed ids, once each, with the default component tier', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    expect(await reads.latestStates(['not-a-uuid', ''])).toEqual(new Map());
    expect(mocks.slos.latestRows).not.toHaveBeenCalled();

    mocks.slos.latestRows.mockResolvedValue([
      { id: ID, state: 'critical', evaluatedAt: NOW, sli: 0.98, errorBudgetRemaining: -1, policy: { openIncident: true, severity: 'SEV2' } },
      {
        id: OTHER,
        state: 'ok',
        evaluatedAt: NOW,
        sli: 1,
        errorBudgetRemaining: 1,
        policy: { openIncident: true, severity: 'SEV2', componentStatusOn: 'ticket' },
      },
    ]);
    const states = await reads.latestStates([ID, ID, OTHER, 'x']);
    expect(mocks.slos.latestRows).toHaveBeenCalledWith([ID, OTHER]);
    expect(states.get(ID)).toEqual({ sloId: ID, state: 'critical', evaluatedAt: NOW, sli: 0.98, errorBudgetRemaining: -1, componentStatusOn: 'page' });
    expect(states.get(OTHER)?.componentStatusOn).toBe('ticket');
  });

  it('rolls up many teams from one read, in the order asked, smallest budget first and unevaluated SLOs last', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    mocks.slos.all.mockResolvedValue([
      sloRow({ id: 'a', name: 'latency', team: 'payments', state: 'ok', errorBudgetRemaining: 0.8 }),
      sloRow({ id: 'b', name: 'availability', team: 'payments', state: 'critical', errorBudgetRemaining: -0.2 }),
      sloRow({ id: 'c', name: 'fresh', team: 'payments' }),
      sloRow({ id: 'd', name: 'search', team: 'search', teamId: 'team-search', state: 'warning', errorBudgetRemaining: 0.1 }),
    ]);
    const [search, empty, payments] = await reads.teamRollups(['search', 'no-slos', 'payments']);
    expect(mocks.slos.all).toHaveBeenCalledTimes(1);
    expect(mocks.slos.all).toHaveBeenCalledWith({ teams: ['search', 'no-slos', 'payments'] });
    expect(search).toMatchObject({ team: 'search', state: 'warning', stateCounts: { warning: 1 } });
    expect(empty).toEqual({ team: 'no-slos', state: null, stateCounts: {}, slos: [] });
    expect(payments.state).toBe('critical');
    expect(payments.slos.map((slo) => slo.sloId)).toEqual(['b', 'a', 'c']);
    expect(payments.stateCounts).toEqual({ critical: 1, ok: 1, not_evaluated: 1 });
    expect(await reads.teamRollups([])).toEqual([]);
    expect(mocks.slos.all).toHaveBeenCalledTimes(1);
  });

  it('reads a single rollup by the team the catalog resolves', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    mocks.teams.getTeam.mockResolvedValue({ id: 'team-payments', slug: 'payments' } as TeamEntity);
    mocks.slos.all.mockResolvedValue([]);
    expect(await reads.teamRollup('payments')).toEqual({ team: 'payments', state: null, stateCounts: {}, slos: [] });
    expect(mocks.slos.all).toHaveBeenCalledWith({ team: 'payments' });
  });

  it('bounds the least-budget limit to 1..1000', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    mocks.slos.leastBudget.mockResolvedValue([]);
    await reads.leastBudget({ limit: 0 });
    await reads.leastBudget({ team: 'payments', limit: 5000.7 });
    expect(mocks.slos.leastBudget.mock.calls).toEqual([
      [undefined, 1],
      ['payments', 1000],
    ]);
  });

  it("history covers the SLO's window up to now by default and names each burn rate by its window", async () => {
    const { reads, mocks } = newSloTestServices(NOW, { SLO_EVAL_INTERVAL_S: 60 });
    mocks.history.historySlo.mockResolvedValue(sloRow({ windowDays: 7 }));
    mocks.history.bucketRows.mockResolvedValue([]);
    mocks.history.evaluationSteps.mockImplementation(async (_id, _range, columns) => [
      {
        time: new Date('2026-11-30T00:00:00Z'),
        evaluations: 3,
        state: 'ok',
        sli: 0.9995,
        errorBudgetRemaining: 0.5,
        burnRates: columns.map((_, index) => index),
      },
    ]);

    const history = await reads.getHistory(ID, {});

    expect(history.from).toEqual(new Date('2026-11-24T12:00:00Z'));
    expect(history.to).toEqual(NOW);
    const [, range, columns] = mocks.history.evaluationSteps.mock.calls[0];
    expect(range).toEqual({ from: history.from, to: NOW, stepSeconds: history.stepSeconds });
    expect(columns[columns.length - 1]).toBe('burn_rate_window');
    expect(Object.keys(history.points[0].burnRates)).toContain('7d');
    expect(history.points[0].burnRates['7d']).toBe(columns.length - 1);
    expect(history.points[0]).toMatchObject({ evaluations: 3, state: 'ok', source: 'evaluation' });
  });

  it('history of an unknown SLO is not found and reads nothing else', async () => {
    const { reads, mocks } = newSloTestServices(NOW);
    mocks.slos.findById.mockResolvedValue(null);
    await expect(reads.getHistory(ID, {})).rejects.toBeInstanceOf(SloNotFoundError);
    expect(mocks.history.evaluationSteps).not.toHaveBeenCalled();
  });

  it("history of a calendar SLO covers its current period by default (the month began in Berlin's time) and derives steps per period", async () => {
    const { reads, mocks } = newSloTestServices(NOW, { SLO_EVAL_INTERVAL_S: 60 });
    mocks.history.historySlo.mockResolvedValue(sloRow({ windowDays: 30, windowCalendar: 'month', windowTimeZone: 'Europe/Berlin' }));
    mocks.history.bucketRows.mockResolvedValue([]);
    mocks.history.evaluationSteps.mockResolvedValue([]);

    const history = await reads.getHistory(ID, {});

    expect(history.window).toBe('month');
    expect(history.from).toEqual(new Date('2026-11-30T23:00:00Z'));
    expect(history.to).toEqual(NOW);
    expect(mocks.history.bucketRows).toHaveBeenCalledWith(ID, expect.objectContaining({ calendar: { window: 'month', timeZone: 'Europe/Berlin' } }));
  });
});
