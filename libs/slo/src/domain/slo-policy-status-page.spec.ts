import { DEFAULT_PUBLIC_INCIDENT_TITLE, publicIncidentText, validatePolicy } from './slo-policy';

describe('validatePolicy: the status page fields', () => {
  it('accepts componentStatusOn page|ticket and public wording templates', () => {
    expect(
      validatePolicy({ openIncident: true, componentStatusOn: 'ticket', publicTitle: 'Slow {component}', publicMessage: 'Payments on {service} are slow.' }),
    ).toEqual({
      openIncident: true,
      severity: 'SEV3',
      componentStatusOn: 'ticket',
      publicTitle: 'Slow {component}',
      publicMessage: 'Payments on {service} are slow.',
    });
    expect(validatePolicy({ openIncident: false, componentStatusOn: 'page' }).componentStatusOn).toBe('page');
    expect(validatePolicy({ openIncident: false }).componentStatusOn).toBeUndefined();
  });

  it.each([
    ['an unknown tier', { openIncident: true, componentStatusOn: 'warning' }, 'policy.componentStatusOn'],
    ['a blank title', { openIncident: true, publicTitle: '  ' }, 'policy.publicTitle'],
    ['a title too long', { openIncident: true, publicTitle: 'x'.repeat(121) }, 'policy.publicTitle'],
    ['a message that is not text', { openIncident: true, publicMessage: 42 }, 'policy.publicMessage'],
  ])('rejects %s, naming the field', (_what, input, field) => {
    expect(() => validatePolicy(input)).toThrow(expect.objectContaining({ code: 'validation_failed', field }));
  });
});

describe('publicIncidentText', () => {
  const names = { component: 'Checkout', service: 'checkout-api' };

  it('defaults to "Elevated error rates on <component>", never the SLO', () => {
    const text = publicIncidentText({ openIncident: true, severity: 'SEV2' }, names);
    expect(DEFAULT_PUBLIC_INCIDENT_TITLE).toContain('{component}');
    expect(text.title).toBe('Elevated error rates on Checkout');
    expect(text.message).toBe('We are seeing elevated error rates on Checkout and are investigating.');
  });

  it('fills the policy templates, every placeholder', () => {
    const text = publicIncidentText(
      { openIncident: true, severity: 'SEV2', publicTitle: '{component} is slow ({component})', publicMessage: 'Some {service} requests fail.' },
      names,
    );
    expect(text).toEqual({ title: 'Checkout is slow (Checkout)', message: 'Some checkout-api requests fail.' });
  });

  it('keeps a title within 120 characters after filling in', () => {
    expect(
      publicIncidentText({ openIncident: true, severity: 'SEV2', publicTitle: '{component}{component}' }, { component: 'x'.repeat(100), service: 's' }).title,
    ).toHaveLength(120);
  });
});
