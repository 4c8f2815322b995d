import { Principal, ServiceEntity, TeamEntity } from '@app/catalog';
import { newSloTestServices, sloRow } from '../../../../test/support/slo-test-services';
import { MetricLabelsRequiredError } from '../domain/errors';
import { importSloSpecs } from '../domain/slo-spec-import';

const NOW = new Date('2026-12-01T12:00:00Z');
const PAYMENTS: Principal = { kind: 'team', tokenId: 'token-payments', teamId: 'team-payments', teamSlug: 'payments' };
const TEAM = { id: 'team-payments', slug: 'payments', metricLabels: null } as TeamEntity;
const CHECKOUT = { id: 'service-checkout', slug: 'checkout', teamId: TEAM.id, team: TEAM } as ServiceEntity;
const LABELLED = { kind: 'ratio' as const, total: 'http_requests_total{team="payments"}', bad: 'http_requests_total{team="payments",code=~"5.."}' };
const SLOTH = `version: prometheus/v1
service: checkout
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: http_requests_total{team="payments",code=~"5.."}
        total_query: http_requests_total{team="payments"}
  - name: latency
    objective: 99
    sli:
      events:
        error_query: http_slow_requests_total
        total_query: http_requests_total{team="payments"}
`;

/** The SLO services with SLO_REQUIRED_TEAM_LABEL=team: every selector must carry team="<slug>". */
function services() {
  const built = newSloTestServices(NOW, { SLO_REQUIRED_TEAM_LABEL: 'team' });
  built.mocks.parser.parse.mockImplementation(async (text, options) => importSloSpecs(text, options));
  built.mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
  built.mocks.slos.ofServices.mockResolvedValue([]);
  return built;
}

describe('required metric labels in the SLO services', () => {
  it('create: an unlabelled selector is refused naming the field, before Prometheus is asked and with nothing written', async () => {
    const { definitions, mocks } = services();
    const input = {
      service: 'checkout',
      name: 'availability',
      objective: 0.999,
      window: '30d',
      indicator: { ...LABELLED, bad: 'http_requests_total{code=~"5.."}' },
    };

    const refusal = await definitions.createSlo(PAYMENTS, input).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(MetricLabelsRequiredError);
    expect(refusal).toMatchObject({ field: 'indicator.bad', code: 'metric_labels_required' });
    expect((refusal as Error).message).toContain('team');
    expect(mocks.selectorCheck.check).not.toHaveBeenCalled();
    expect(mocks.slos.insert).not.toHaveBeenCalled();
  });

  it('create: a labelled indicator is accepted', async () => {
    const { definitions, mocks } = services();
    mocks.slos.insert.mockResolvedValue('new-id');
    mocks.slos.findById.mockResolvedValue(sloRow({ id: 'new-id' }));

    await definitions.createSlo(PAYMENTS, { service: 'checkout', name: 'availability', objective: 0.999, window: '30d', indicator: LABELLED });

    expect(mocks.slos.insert).toHaveBeenCalledTimes(1);
  });

  it("update: the team's own labels (teams.metricLabels) win over the default and are checked on the new indicator", async () => {
    const { definitions, mocks } = services();
    const current = sloRow({ indicator: LABELLED });
    current.service.team.metricLabels = { tenant: 'acme' };
    mocks.slos.findById.mockResolvedValue(current);

    const refusal = await definitions.updateSlo(PAYMENTS, current.id, { indicator: LABELLED }).catch((error: unknown) => error);

    expect(refusal).toMatchObject({ field: 'indicator.total', code: 'metric_labels_required' });
    expect((refusal as Error).message).toContain('tenant');
    expect(mocks.slos.updateDefinition).not.toHaveBeenCalled();
  });

  it('import: each document is checked, the refusal lists the failing one with its path, nothing is written', async () => {
    const { specs, mocks } = services();

    const refusal = await specs.apply(PAYMENTS, SLOTH).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(MetricLabelsRequiredError);
    const details = (refusal as MetricLabelsRequiredError).details ?? [];
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({ document: 0 });
    expect(details[0].path).toMatch(/error_query|slos\[1\]/);
    expect(mocks.selectorCheck.check).not.toHaveBeenCalled();
    expect(mocks.slos.writeSpecs).not.toHaveBeenCalled();
  });

  it('import: a dry run is refused the same way', async () => {
    const { specs, mocks } = services();
    await expect(specs.apply(PAYMENTS, SLOTH, { dryRun: true })).rejects.toBeInstanceOf(MetricLabelsRequiredError);
    expect(mocks.slos.writeSpecs).not.toHaveBeenCalled();
  });
});
