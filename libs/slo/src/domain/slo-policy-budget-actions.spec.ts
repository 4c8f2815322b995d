import { validatePolicy } from './slo-policy';

describe('validatePolicy: breachIncident and freezeDeploys', () => {
  it('accepts them and keeps them', () => {
    expect(validatePolicy({ openIncident: false, breachIncident: { window: '1h', afterHours: 48 }, freezeDeploys: true })).toEqual({
      openIncident: false,
      severity: 'SEV3',
      breachIncident: { window: '1h', afterHours: 48 },
      freezeDeploys: true,
    });
  });

  it.each([
    ['a window not among the supported ones', { window: '3h', afterHours: 48 }, 'policy.breachIncident.window'],
    ['afterHours 0', { window: '1h', afterHours: 0 }, 'policy.breachIncident.afterHours'],
    ['afterHours 721', { window: '1h', afterHours: 721 }, 'policy.breachIncident.afterHours'],
    ['fractional afterHours', { window: '1h', afterHours: 1.5 }, 'policy.breachIncident.afterHours'],
    ['a window longer than afterHours', { window: '1d', afterHours: 12 }, 'policy.breachIncident.window'],
    ['an unknown field', { window: '1h', afterHours: 2, every: 1 }, 'policy.breachIncident.every'],
    ['not an object', 'weekly', 'policy.breachIncident'],
  ])('rejects %s, naming the field', (_what, breachIncident, field) => {
    expect(() => validatePolicy({ openIncident: true, breachIncident })).toThrow(expect.objectContaining({ code: 'validation_failed', field }));
  });

  it('rejects a non-boolean freezeDeploys', () => {
    expect(() => validatePolicy({ openIncident: true, freezeDeploys: 'yes' })).toThrow(expect.objectContaining({ field: 'policy.freezeDeploys' }));
  });
});
