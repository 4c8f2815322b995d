import { alertContext, mapAlertGroup } from './alert-mapping';

const group = {
  groupKey: '{}:{alertname="HighErrorRate", team="payments"}',
  groupLabels: { alertname: 'HighErrorRate' },
  commonLabels: { alertname: 'HighErrorRate', team: 'payments', severity: 'critical', service: 'checkout' },
  commonAnnotations: {
    summary: '5xx above 5% on checkout',
    description: 'The error ratio is 7.2% over 5m.',
    runbook_url: 'https://runbooks.example.com/checkout-5xx',
  },
  externalURL: 'http://alertmanager.example.com:9093/',
  alerts: [
    {
      labels: { alertname: 'HighErrorRate', service: 'checkout' },
      annotations: {},
      startsAt: '2026-11-24T01:00:00Z',
      status: 'firing',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=rate',
    },
  ],
};

describe('Alertmanager context', () => {
  it('summarises with the annotations, links graph, runbook and a prefilled silence, and lists the labels; never the raw groupKey', () => {
    const text = alertContext(group);
    expect(text).toBe(
      [
        '5xx above 5% on checkout',
        'The error ratio is 7.2% over 5m.',
        [
          'Graph: http://prometheus:9090/graph?g0.expr=rate',
          'Runbook: https://runbooks.example.com/checkout-5xx',
          `Silence: http://alertmanager.example.com:9093/#/silences/new?filter=${encodeURIComponent('{alertname="HighErrorRate",service="checkout",severity="critical",team="payments"}')}`,
        ].join('\n'),
        'Labels: alertname=HighErrorRate · service=checkout · severity=critical · team=payments',
      ].join('\n\n'),
    );
    const mapped = mapAlertGroup(group, { team: null, severity: 'SEV3' }, new Date('2026-11-24T02:00:00Z'));
    expect(mapped.summary).toBe(text);
    expect(mapped.summary).not.toContain('groupKey');
    expect(mapped.summary).not.toContain('{}:{');
  });

  it('leaves out links that are not http(s) and works without annotations', () => {
    const bare = {
      ...group,
      commonAnnotations: { runbook_url: 'javascript:alert(1)' },
      externalURL: undefined,
      alerts: [{ ...group.alerts[0], generatorURL: 'ftp://x' }],
    };
    expect(alertContext(bare)).toBe('Labels: alertname=HighErrorRate · service=checkout · severity=critical · team=payments');
  });
});
