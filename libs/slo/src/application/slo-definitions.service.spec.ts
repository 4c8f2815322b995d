import { Principal, ServiceEntity } from '@app/catalog';
import { ConflictError, ForbiddenError, ValidationFailedError } from '@app/platform';
import { newSloTestServices, sloRow } from '../../../../test/support/slo-test-services';
import { SloValidationError } from '../domain/errors';

const NOW = new Date('2026-12-01T12:00:00Z');
const ADMIN: Principal = { kind: 'admin', tokenId: null };
const PAYMENTS: Principal = { kind: 'team', tokenId: 'token-payments', teamId: 'team-payments', teamSlug: 'payments' };
const SEARCH: Principal = { kind: 'team', tokenId: 'token-search', teamId: 'team-search', teamSlug: 'search' };
const CHECKOUT = {
  id: 'service-checkout',
  slug: 'checkout',
  teamId: 'team-payments',
  team: { id: 'team-payments', slug: 'payments', metricLabels: null },
} as ServiceEntity;
const INPUT = {
  service: 'checkout',
  name: ' availability ',
  objective: 0.999,
  window: '30d',
  indicator: { kind: 'ratio', total: 'http_requests_total', bad: 'http_requests_total{code=~"5.."}' },
};

describe('SloDefinitionsService', () => {
  it('creates a validated SLO, checks its selectors and answers it evaluated', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
    mocks.slos.insert.mockResolvedValue('new-id');
    mocks.slos.findById.mockResolvedValue(sloRow({ id: 'new-id' }));
    mocks.selectorCheck.check.mockResolvedValue([{ code: 'no_series', field: 'indicator.total', message: 'no series' }] as never);

    const saved = await definitions.createSlo(PAYMENTS, INPUT);

    expect(mocks.slos.insert).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'availability', serviceId: 'service-checkout', windowDays: 30, objective: 0.999, nextEvaluationAt: NOW }),
    );
    expect(mocks.evaluator.evaluateNow).toHaveBeenCalledWith('new-id');
    expect(saved.slo.id).toBe('new-id');
    expect(saved.warnings).toHaveLength(1);
  });

  it("refuses another team's service, an unknown service and an invalid name, writing nothing", async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
    await expect(definitions.createSlo(SEARCH, INPUT)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(definitions.createSlo(PAYMENTS, { ...INPUT, name: '  ' })).rejects.toMatchObject({ field: 'name' });
    await expect(definitions.createSlo(PAYMENTS, { ...INPUT, objective: 1.5 })).rejects.toBeInstanceOf(SloValidationError);
    mocks.slos.servicesBySlug.mockResolvedValue([]);
    await expect(definitions.createSlo(ADMIN, INPUT)).rejects.toEqual(expect.objectContaining({ field: 'service', code: 'unknown_service' }));
    await expect(definitions.createSlo(ADMIN, INPUT)).rejects.toBeInstanceOf(ValidationFailedError);
    expect(mocks.slos.insert).not.toHaveBeenCalled();
    expect(mocks.selectorCheck.check).not.toHaveBeenCalled();
  });

  it('answers a duplicate name as a conflict on the name field', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
    mocks.slos.insert.mockRejectedValue(Object.assign(new Error('duplicate key'), { code: '23505' }));
    const error = await definitions.createSlo(ADMIN, INPUT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'slo_exists', field: 'name' });
  });

  it('a renamed SLO keeps its claim and is not re-evaluated; a new objective supersedes the claim and evaluates', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    const current = sloRow();
    mocks.slos.findById.mockResolvedValue(current);

    await definitions.updateSlo(PAYMENTS, current.id, { name: 'availability-v2' });
    expect(mocks.slos.updateDefinition).toHaveBeenLastCalledWith(current.id, expect.objectContaining({ name: 'availability-v2' }), {
      indicatorChanged: false,
      supersede: false,
    });
    expect(mocks.evaluator.evaluateNow).not.toHaveBeenCalled();
    expect(mocks.selectorCheck.check).not.toHaveBeenCalled();

    await definitions.updateSlo(PAYMENTS, current.id, { objective: 0.99 });
    expect(mocks.slos.updateDefinition).toHaveBeenLastCalledWith(current.id, expect.objectContaining({ objective: 0.99 }), {
      indicatorChanged: false,
      supersede: true,
    });
    expect(mocks.evaluator.evaluateNow).toHaveBeenCalledTimes(1);
  });

  it('a new indicator is checked against Prometheus and resets the stored buckets', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    const current = sloRow();
    mocks.slos.findById.mockResolvedValue(current);
    const indicator = { kind: 'ratio', total: 'grpc_requests_total', bad: 'grpc_requests_total{code="Unavailable"}' };
    await definitions.updateSlo(PAYMENTS, current.id, { indicator });
    expect(mocks.selectorCheck.check).toHaveBeenCalledWith(indicator, NOW);
    expect(mocks.slos.updateDefinition).toHaveBeenCalledWith(current.id, expect.objectContaining({ indicator }), { indicatorChanged: true, supersede: true });
  });

  it("checks ownership of a newly named status component, not of the one it already had; other teams' SLOs stay untouched", async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    const current = sloRow({ policy: { openIncident: true, severity: 'SEV2', statusComponentId: 'aaaaaaaaaaaa' } });
    mocks.slos.findById.mockResolvedValue(current);

    await definitions.updateSlo(PAYMENTS, current.id, { policy: { ...current.policy, severity: 'SEV3' } });
    expect(mocks.ownership.assertOwnsComponents).not.toHaveBeenCalled();

    mocks.ownership.assertOwnsComponents.mockRejectedValue(new ForbiddenError('not yours', { field: 'policy.statusComponentId' }));
    await expect(definitions.updateSlo(PAYMENTS, current.id, { policy: { ...current.policy, statusComponentId: 'bbbbbbbbbbbb' } })).rejects.toMatchObject({
      field: 'policy.statusComponentId',
    });
    expect(mocks.ownership.assertOwnsComponents).toHaveBeenCalledWith(PAYMENTS, ['bbbbbbbbbbbb'], 'policy.statusComponentId');

    await expect(definitions.deleteSlo(SEARCH, current.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(definitions.evaluateSlo(SEARCH, current.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(mocks.slos.updateDefinition).toHaveBeenCalledTimes(1);
    expect(mocks.slos.delete).not.toHaveBeenCalled();
    expect(mocks.evaluator.evaluateNow).not.toHaveBeenCalled();
  });

  it('an SLO deleted while it is evaluated is not found', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    mocks.slos.findById.mockResolvedValue(sloRow());
    mocks.evaluator.evaluateNow.mockResolvedValue('not_found');
    await expect(definitions.evaluateSlo(ADMIN, sloRow().id)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('a calendar window keeps its IANA time zone: stored on create, kept by a rename, re-evaluated when it changes, dropped with a rolling window', async () => {
    const { definitions, mocks } = newSloTestServices(NOW);
    mocks.slos.servicesBySlug.mockResolvedValue([CHECKOUT]);
    mocks.slos.insert.mockResolvedValue('new-id');
    mocks.slos.findById.mockResolvedValue(sloRow({ id: 'new-id' }));
    await definitions.createSlo(PAYMENTS, { ...INPUT, window: 'month', timeZone: 'Europe/Berlin' });
    expect(mocks.slos.insert).toHaveBeenCalledWith(expect.objectContaining({ windowCalendar: 'month', windowTimeZone: 'Europe/Berlin' }));
    await expect(definitions.createSlo(PAYMENTS, { ...INPUT, window: 'month', timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ field: 'timeZone' });
    await expect(definitions.createSlo(PAYMENTS, { ...INPUT, timeZone: 'UTC' })).rejects.toMatchObject({ field: 'timeZone' });
    expect(mocks.slos.insert).toHaveBeenCalledTimes(1);

    const current = sloRow({ windowDays: 30, windowCalendar: 'month', windowTimeZone: 'Europe/Berlin' });
    mocks.slos.findById.mockResolvedValue(current);
    await definitions.updateSlo(PAYMENTS, current.id, { name: 'availability-v2' });
    expect(mocks.slos.updateDefinition).toHaveBeenLastCalledWith(
      current.id,
      expect.objectContaining({ windowCalendar: 'month', windowTimeZone: 'Europe/Berlin' }),
      { indicatorChanged: false, supersede: false },
    );
    await definitions.updateSlo(PAYMENTS, current.id, { timeZone: 'America/New_York' });
    expect(mocks.slos.updateDefinition).toHaveBeenLastCalledWith(current.id, expect.objectContaining({ windowTimeZone: 'America/New_York' }), {
      indicatorChanged: false,
      supersede: true,
    });
    await definitions.updateSlo(PAYMENTS, current.id, { window: '30d' });
    expect(mocks.slos.updateDefinition).toHaveBeenLastCalledWith(
      current.id,
      expect.objectContaining({ windowDays: 30, windowCalendar: null, windowTimeZone: null }),
      { indicatorChanged: false, supersede: true },
    );
  });
});
