import { newSloTestServices, sloRow } from '../../../../test/support/slo-test-services';

const NOW = new Date('2026-12-01T12:00:00Z');

describe('SloSpecExportService', () => {
  it('renders the selected SLOs as Prometheus rules, OpenSLO and Sloth rules from one repository read each', async () => {
    const { exports, mocks } = newSloTestServices(NOW);
    mocks.slos.all.mockResolvedValue([sloRow({ name: 'availability', windowDays: 28 })]);

    const rules = await exports.prometheusRules({ team: 'payments' });
    const openSlo = await exports.openSlo({ service: 'checkout' });
    const sloth = await exports.slothRules();

    expect(mocks.slos.all.mock.calls).toEqual([[{ team: 'payments', service: undefined }], [{ team: undefined, service: 'checkout' }], [{}]]);
    expect(rules).toContain('groups:');
    expect(rules).toContain('availability');
    expect(openSlo).toContain('kind: SLO');
    expect(openSlo).toContain('28d');
    expect(sloth).toContain('groups:');
  });

  it('an empty selection renders files without SLOs', async () => {
    const { exports, mocks } = newSloTestServices(NOW);
    mocks.slos.all.mockResolvedValue([]);
    expect(await exports.prometheusRules()).not.toContain('availability');
    expect(await exports.openSlo()).not.toContain('kind: SLO');
  });
});
