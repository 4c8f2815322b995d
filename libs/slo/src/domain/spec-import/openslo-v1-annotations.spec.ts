import { renderOpenSlo } from '../openslo-export';
import { importSloSpecs } from '../slo-spec-import';

const base = {
  name: 'api-availability',
  description: null,
  service: 'api',
  serviceName: 'API',
  objective: 0.999,
  window: '28d',
  indicator: { kind: 'ratio' as const, total: 'http_requests_total{job="api"}', bad: 'http_requests_total{job="api",code=~"5.."}' },
};

function issues(yaml: string): string[] {
  try {
    importSloSpecs(yaml);
  } catch (error) {
    return (error as { issues: Array<{ path: string; message: string }> }).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

describe('policy and alerting in OpenSLO annotations', () => {
  it('round-trips the policy and the alert naming', () => {
    const policy = { openIncident: true, severity: 'SEV2' as const, autoResolveAfterMinutes: 30, freezeDeploys: true };
    const alerting = { name: 'ApiErrors', labels: { owner: 'platform' }, pageLabels: { severity: 'pageteam' } };
    const yaml = renderOpenSlo([{ ...base, policy, alerting }]);
    expect(yaml).toContain('ballast.dev/policy');
    const [slo] = importSloSpecs(yaml).slos;
    expect(slo.policy).toEqual(policy);
    expect(slo.alerting).toEqual(alerting);
  });

  it('leaves the status-page part out of the export and refuses it in an import', () => {
    const yaml = renderOpenSlo([{ ...base, policy: { openIncident: true, severity: 'SEV3', statusComponentId: 'abcdefghijkl', publicIncident: true } }]);
    expect(yaml).not.toContain('abcdefghijkl');
    expect(yaml).not.toContain('publicIncident');
    const forged = yaml.replace('{"openIncident":true', '{"statusComponentId":"abcdefghijkl","openIncident":true');
    expect(forged).not.toBe(yaml);
    expect(issues(forged).join('\n')).toContain('metadata.annotations.ballast.dev/policy: statusComponentId cannot be imported');
  });

  it('names the annotation of a bad policy or alerting', () => {
    const yaml = renderOpenSlo([{ ...base, policy: { openIncident: true, severity: 'SEV3' }, alerting: { name: 'X' } }]);
    expect(issues(yaml.replace('"severity":"SEV3"', '"severity":"LOUD"')).join('\n')).toContain('metadata.annotations.ballast.dev/policy');
    expect(issues(yaml.replace('{"name":"X"}', '{"nom":"X"}')).join('\n')).toContain('metadata.annotations.ballast.dev/alerting');
  });
});
