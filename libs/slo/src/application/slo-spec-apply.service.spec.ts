import { Principal, ServiceEntity, TeamEntity } from '@app/catalog';
import { ForbiddenError } from '@app/platform';
import { newSloTestServices, sloRow } from '../../../../test/support/slo-test-services';
import { SloValidationError } from '../domain/errors';
import { importSloSpecs, SloSpecImportError } from '../domain/slo-spec-import';

const NOW = new Date('2026-12-01T12:00:00Z');
const PAYMENTS: Principal = { kind: 'team', tokenId: 'token-payments', teamId: 'team-payments', teamSlug: 'payments' };
const SEARCH: Principal = { kind: 'team', tokenId: 'token-search', teamId: 'team-search', teamSlug: 'search' };
const CHECKOUT = {
  id: 'service-checkout',
  slug: 'checkout',
  teamId: 'team-payments',
  team: { id: 'team-payments', slug: 'payments', metricLabels: null },
} as ServiceEntity;
const SLOTH = `version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: http_requests_total{code=~"5.."}
        total_query: http_requests_total
  - name: latency
    objective: 99
    sli:
      events:
        error_query: http_slow_requests_total
        total_query: http_requests_total
`;

/** The services with the real (pure) spec reader behind the parser fake. */
function services() {
  const built = newSloTestServices(NOW);
  built.mocks.parser.parse.mockImplementation(async (text, options) => importSloSpecs(text, options));
  built.mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
  built.mocks.slos.ofServices.mockResolvedValue([]);
  built.mocks.slos.findById.mockImplementation(async (id) => sloRow({ id }));
  return built;
}

describe('SloSpecApplyService', () => {
  it('creates every SLO of the file in one write, then evaluates each', async () => {
    const { specs, mocks } = services();
    mocks.slos.writeSpecs.mockResolvedValue(['id-1', 'id-2']);

    const result = await specs.apply(PAYMENTS, SLOTH);

    expect(mocks.slos.writeSpecs).toHaveBeenCalledTimes(1);
    const plan = mocks.slos.writeSpecs.mock.calls[0][0];
    expect(plan.slos.map((slo) => [slo.service, slo.values.name, slo.storedId, slo.values.objective])).toEqual([
      ['checkout', 'availability', undefined, 0.999],
      ['checkout', 'latency', undefined, 0.99],
    ]);
    expect(plan).toMatchObject({ newServices: [], deleteIds: [], nextEvaluationAt: NOW });
    expect(result.slos.map((slo) => [slo.action, slo.id])).toEqual([
      ['created', 'id-1'],
      ['created', 'id-2'],
    ]);
    expect(mocks.evaluator.evaluateNow.mock.calls.map(([id]) => id).sort()).toEqual(['id-1', 'id-2']);
  });

  it('an unchanged SLO is neither written nor re-evaluated; a changed objective updates in place', async () => {
    const { specs, mocks } = services();
    const stored = (name: string, objective: number) =>
      sloRow({
        id: `stored-${name}`,
        name,
        objective,
        indicator: importSloSpecs(SLOTH).slos.find((slo) => slo.name === name)?.indicator,
        policy: { openIncident: true, severity: 'SEV2' },
        alerting: null,
      });
    mocks.slos.ofServices.mockResolvedValue([stored('availability', 0.999), stored('latency', 0.95)]);
    mocks.slos.writeSpecs.mockResolvedValue(['stored-availability', 'stored-latency']);
    const result = await specs.apply(PAYMENTS, SLOTH);
    expect(mocks.slos.writeSpecs.mock.calls[0][0].slos.map((slo) => [slo.storedId, slo.changed, slo.indicatorChanged])).toEqual([
      ['stored-availability', false, false],
      ['stored-latency', true, false],
    ]);
    expect(result.slos.map((slo) => slo.action)).toEqual(['unchanged', 'updated']);
    expect(mocks.evaluator.evaluateNow.mock.calls).toEqual([['stored-latency']]);
  });

  it('a dry run answers the plan and writes nothing', async () => {
    const { specs, mocks } = services();
    const result = await specs.apply(PAYMENTS, SLOTH, { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.slos.map((slo) => [slo.action, slo.definition?.window])).toEqual([
      ['created', '30d'],
      ['created', '30d'],
    ]);
    expect(mocks.slos.writeSpecs).not.toHaveBeenCalled();
    expect(mocks.evaluator.evaluateNow).not.toHaveBeenCalled();
  });

  it("refuses another team's service before asking Prometheus or writing", async () => {
    const { specs, mocks } = services();
    await expect(specs.apply(SEARCH, SLOTH)).rejects.toBeInstanceOf(ForbiddenError);
    expect(mocks.selectorCheck.check).not.toHaveBeenCalled();
    expect(mocks.slos.writeSpecs).not.toHaveBeenCalled();
  });

  it('names every unknown service (without ?team) and refuses prune without a team, writing nothing', async () => {
    const { specs, mocks } = services();
    mocks.slos.servicesBySlug.mockResolvedValue([]);
    const error = await specs.apply(PAYMENTS, SLOTH).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SloSpecImportError);
    expect((error as SloSpecImportError).issues.map((issue) => issue.path)).toEqual(['service', 'service']);
    await expect(specs.apply(PAYMENTS, SLOTH, { prune: true })).rejects.toEqual(expect.any(SloValidationError));
    expect(mocks.slos.writeSpecs).not.toHaveBeenCalled();
  });

  it('with ?team, creates the missing service under that team and prunes its SLOs the file no longer defines', async () => {
    const { specs, mocks } = services();
    mocks.teams.getTeam.mockResolvedValue({ id: 'team-payments', slug: 'payments', metricLabels: null } as TeamEntity);
    mocks.slos.servicesBySlug.mockResolvedValue([]);
    mocks.slos.ofTeam.mockResolvedValue([sloRow({ id: 'old', name: 'old', serviceSlug: 'legacy' })]);
    mocks.slos.writeSpecs.mockResolvedValue(['id-1', 'id-2']);
    const result = await specs.apply(PAYMENTS, SLOTH, { team: 'payments', prune: true });
    expect(mocks.slos.writeSpecs.mock.calls[0][0]).toMatchObject({
      teamId: 'team-payments',
      newServices: [{ slug: 'checkout', name: 'checkout' }],
      deleteIds: ['old'],
    });
    expect(result.services).toEqual([{ slug: 'checkout', team: 'payments', action: 'created' }]);
    expect(result.slos.map((slo) => [slo.action, slo.name])).toEqual([
      ['created', 'availability'],
      ['created', 'latency'],
      ['deleted', 'old'],
    ]);
  });
});
