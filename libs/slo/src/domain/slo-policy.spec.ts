import { DEFAULT_SLO_POLICY, validatePolicy } from './slo-policy';

describe('validatePolicy', () => {
  it('accepts the full policy and keeps only given optional fields', () => {
    expect(
      validatePolicy({ openIncident: true, severity: 'SEV1', statusComponentId: 'k3j2h1g0f9d8', publicIncident: true, autoResolveAfterMinutes: 30 }),
    ).toEqual({ openIncident: true, severity: 'SEV1', statusComponentId: 'k3j2h1g0f9d8', publicIncident: true, autoResolveAfterMinutes: 30 });
    expect(validatePolicy({ openIncident: false })).toEqual({ openIncident: false, severity: DEFAULT_SLO_POLICY.severity });
  });

  it.each([
    ['not an object', 'yes', 'policy'],
    ['openIncident missing', { severity: 'SEV2' }, 'policy.openIncident'],
    ['an unknown severity', { openIncident: true, severity: 'SEV5' }, 'policy.severity'],
    ['a malformed component id', { openIncident: true, statusComponentId: 'Checkout' }, 'policy.statusComponentId'],
    ['a non-boolean publicIncident', { openIncident: true, publicIncident: 'yes' }, 'policy.publicIncident'],
    ['zero minutes', { openIncident: true, autoResolveAfterMinutes: 0 }, 'policy.autoResolveAfterMinutes'],
    ['fractional minutes', { openIncident: true, autoResolveAfterMinutes: 1.5 }, 'policy.autoResolveAfterMinutes'],
    ['an unknown field', { openIncident: true, pageTeam: true }, 'policy.pageTeam'],
  ])('rejects %s, naming the field', (_what, input, field) => {
    expect(() => validatePolicy(input)).toThrow(expect.objectContaining({ code: 'validation_failed', field }));
  });
});
