import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SloValidationError } from './errors';
import {
  BURN_RATE_ALERT_NAME,
  buildPrometheusRules,
  PrometheusAlertingRule,
  PrometheusRecordingRule,
  renderPrometheusRules,
  SloRuleSource,
} from './prometheus-rules';

const availability: SloRuleSource = {
  id: 'checkout-availability',
  // Template delimiters in user text must come out literally in alert annotations.
  name: 'checkout {{ $labels.x }} availability',
  service: 'checkout',
  team: 'payments',
  objective: 0.999,
  window: '28d',
  indicator: {
    kind: 'ratio',
    total: 'http_requests_total{service="checkout"}',
    bad: 'http_requests_total{service="checkout",code=~"5.."}',
  },
};
const latency: SloRuleSource = {
  id: 'search-latency',
  name: 'search latency',
  service: 'search',
  team: 'discovery',
  objective: 0.99,
  window: '1d',
  indicator: { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{service="search"}', threshold: '0.3' },
};
const goodBased: SloRuleSource = {
  id: 'api-good',
  name: 'api good requests',
  service: 'api',
  team: 'platform',
  objective: 0.99999,
  window: '90d',
  indicator: { kind: 'ratio', total: 'http_requests_total{service="api"}', good: 'http_requests_total{service="api",code!~"5.."}' },
};

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'ballast-rules-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: workDir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`, { cause: error });
  }
}

describe('buildPrometheusRules', () => {
  const file = buildPrometheusRules([availability, latency]);

  it('gives each SLO a rule group and a slower full-window group', () => {
    expect(file.groups.map((group) => [group.name, group.interval])).toEqual([
      ['ballast-slo-checkout-availability', undefined],
      ['ballast-slo-checkout-availability-objective-window', '5m'],
      ['ballast-slo-search-latency', undefined],
      ['ballast-slo-search-latency-objective-window', '5m'],
    ]);
  });

  it('records event-weighted error ratios, sums before dividing, for every short window', () => {
    const records = file.groups[0].rules.filter((rule): rule is PrometheusRecordingRule => 'record' in rule);
    expect(records.map((rule) => rule.record)).toEqual([
      'ballast_slo:bad_events:rate5m',
      'ballast_slo:total_events:rate5m',
      'ballast_slo:error_ratio:rate5m',
      'ballast_slo:error_ratio:rate30m',
      'ballast_slo:error_ratio:rate1h',
      'ballast_slo:error_ratio:rate2h',
      'ballast_slo:error_ratio:rate6h',
      'ballast_slo:error_ratio:rate1d',
      'ballast_slo:error_ratio:rate3d',
    ]);
    expect(records.find((rule) => rule.record === 'ballast_slo:error_ratio:rate1h')?.expr).toBe(
      '(sum(rate(http_requests_total{service="checkout",code=~"5.."}[1h])) or vector(0)) / sum(rate(http_requests_total{service="checkout"}[1h]))',
    );
    for (const rule of records) {
      expect(rule.labels).toEqual({ slo: 'checkout-availability', service: 'checkout', team: 'payments' });
    }
  });

  it('computes the full window from the recorded 5m event rates, not from 28 days of raw samples', () => {
    const [ratio, remaining] = file.groups[1].rules as PrometheusRecordingRule[];
    expect(ratio.expr).toBe(
      'sum_over_time(ballast_slo:bad_events:rate5m{slo="checkout-availability"}[28d]) / sum_over_time(ballast_slo:total_events:rate5m{slo="checkout-availability"}[28d])',
    );
    expect(remaining.expr).toBe('1 - ballast_slo:error_ratio:objective_window{slo="checkout-availability"} / 0.001');
    expect(ratio.labels.window).toBe('28d');
  });

  it('derives bad events from good ones when the indicator counts good events', () => {
    const [bad] = buildPrometheusRules([goodBased]).groups[0].rules as PrometheusRecordingRule[];
    expect(bad.expr).toBe(
      'clamp_min(sum(rate(http_requests_total{service="api"}[5m])) - (sum(rate(http_requests_total{service="api",code!~"5.."}[5m])) or vector(0)), 0)',
    );
  });

  it.each([
    [
      'a 28d availability SLO',
      availability,
      [
        ['page', '1h', '5m', '0.01344'],
        ['page', '6h', '30m', '0.0056'],
        ['ticket', '1d', '2h', '0.0028'],
        ['ticket', '3d', '6h', '0.000933333333333'],
      ],
    ],
    [
      'a 1d latency SLO (no 3d tier)',
      latency,
      [
        ['page', '1h', '5m', '0.0048'],
        ['page', '6h', '30m', '0.002'],
        ['ticket', '1d', '2h', '0.001'],
      ],
    ],
    [
      'a 90d five-nines SLO',
      goodBased,
      [
        ['page', '1h', '5m', '0.000432'],
        ['page', '6h', '30m', '0.00018'],
        ['ticket', '1d', '2h', '0.00009'],
        ['ticket', '3d', '6h', '0.00003'],
      ],
    ],
  ])('writes one multi-window alert per tier for %s', (_case, slo, tiers) => {
    const alerts = buildPrometheusRules([slo]).groups[0].rules.filter((rule): rule is PrometheusAlertingRule => 'alert' in rule);
    expect(alerts.map((alert) => [alert.labels.severity, alert.labels.long_window, alert.labels.short_window])).toEqual(
      tiers.map(([severity, long, short]) => [severity, long, short]),
    );
    alerts.forEach((alert, index) => {
      const [, long, short, threshold] = tiers[index];
      expect(alert.alert).toBe(BURN_RATE_ALERT_NAME);
      expect(alert.expr).toBe(
        `ballast_slo:error_ratio:rate${long}{slo="${slo.id}"} > ${threshold} and ballast_slo:error_ratio:rate${short}{slo="${slo.id}"} > ${threshold}`,
      );
      expect(alert.labels).toMatchObject({ slo: slo.id, service: slo.service, team: slo.team });
    });
  });

  it('quotes ids safely inside PromQL', () => {
    const tricky = { ...availability, id: 'a"} or vector(1) or x{y="' };
    const alert = buildPrometheusRules([tricky]).groups[0].rules.find((rule) => 'alert' in rule);
    expect(alert?.expr).toContain('{slo="a\\"} or vector(1) or x{y=\\""}');
  });

  it.each<[string, Partial<SloRuleSource>, string]>([
    ['an empty id', { id: '' }, 'slos[0].id'],
    ['a missing team', { team: '' }, 'slos[0].team'],
    ['an objective of 1', { objective: 1 }, 'slos[0].objective'],
    ['a 4w window', { window: '4w' }, 'slos[0].window'],
    ['an expression as indicator', { indicator: { kind: 'ratio', total: 'sum(x)', bad: 'y' } }, 'slos[0].indicator.total'],
  ])('refuses %s', (_case, change, field) => {
    expect(() => buildPrometheusRules([{ ...availability, ...change }])).toThrow(expect.objectContaining({ field }));
  });

  it('refuses two SLOs with the same id', () => {
    expect(() => buildPrometheusRules([availability, { ...latency, id: availability.id }])).toThrow(SloValidationError);
  });
});

describe('renderPrometheusRules', () => {
  it('renders YAML that reads back as the rule file, without anchors', () => {
    const yaml = renderPrometheusRules([availability, latency, goodBased]);
    expect(yaml.startsWith('# Generated by Ballast')).toBe(true);
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(buildPrometheusRules([availability, latency, goodBased]))));
  });

  it('passes promtool check rules', () => {
    const slos = [availability, latency, goodBased];
    const ruleCount = buildPrometheusRules(slos).groups.reduce((count, group) => count + group.rules.length, 0);
    writeFileSync(join(workDir, 'check.rules.yml'), renderPrometheusRules(slos));
    expect(promtool('check', 'rules', 'check.rules.yml')).toContain(`SUCCESS: ${ruleCount} rules found`);
  });

  it('fails promtool check rules when the file is broken (the check can fail)', () => {
    writeFileSync(join(workDir, 'broken.rules.yml'), renderPrometheusRules([availability]).replace('[1h]', '[1h'));
    expect(() => promtool('check', 'rules', 'broken.rules.yml')).toThrow(/FAILED/);
  });

  it('fires the right tiers in promtool test rules', () => {
    writeFileSync(join(workDir, 'alerts.rules.yml'), renderPrometheusRules([availability], { objectiveWindowInterval: '1m' }));
    const alertLabels = (severity: string, long: string, short: string): Record<string, string> => ({
      severity,
      slo: 'checkout-availability',
      service: 'checkout',
      team: 'payments',
      long_window: long,
      short_window: short,
    });
    const thresholds = { '1h': ['0.01344', '13.44'], '6h': ['0.0056', '5.6'], '1d': ['0.0028', '2.8'], '3d': ['0.000933333333333', '0.933333333333'] };
    const tier = (severity: string, long: '1h' | '6h' | '1d' | '3d', short: string, share: string) => ({
      exp_labels: alertLabels(severity, long, short),
      exp_annotations: {
        summary: `SLO checkout {{ $labels.x }} availability (checkout) would spend ${share}% of its 28d error budget within ${long}`,
        description:
          `The error ratio over both ${long} and ${short} is above ${thresholds[long][0]}: ` +
          `a burn rate above ${thresholds[long][1]} for an objective of 0.999 (error budget 0.001).`,
      },
    });
    const pages = [tier('page', '1h', '5m', '2'), tier('page', '6h', '30m', '5')];
    const tickets = [tier('ticket', '1d', '2h', '10'), tier('ticket', '3d', '6h', '10')];
    const test = {
      rule_files: ['alerts.rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 1000 req/min; errors start at minute 240 at 50% of traffic.
          interval: '1m',
          input_series: [
            { series: 'http_requests_total{service="checkout",code="200"}', values: '0+1000x240 240500+500x60' },
            { series: 'http_requests_total{service="checkout",code="500"}', values: '0x240 500+500x59' },
          ],
          alert_rule_test: [
            { eval_time: '230m', alertname: BURN_RATE_ALERT_NAME, exp_alerts: [] },
            { eval_time: '250m', alertname: BURN_RATE_ALERT_NAME, exp_alerts: [...pages, ...tickets] },
          ],
        },
        {
          // A slow burn at 0.4% errors: above the ticket thresholds, below the pages.
          interval: '1m',
          input_series: [
            { series: 'http_requests_total{service="checkout",code="200"}', values: '0+996x400' },
            { series: 'http_requests_total{service="checkout",code="500"}', values: '0+4x400' },
          ],
          alert_rule_test: [{ eval_time: '400m', alertname: BURN_RATE_ALERT_NAME, exp_alerts: tickets }],
          promql_expr_test: [
            {
              // The full-window ratio is event-weighted: 0.4% (a tolerance because rates are floats).
              expr: '(ballast_slo:error_ratio:objective_window > bool 0.003999) * (ballast_slo:error_ratio:objective_window < bool 0.004001)',
              eval_time: '400m',
              exp_samples: [{ labels: '{slo="checkout-availability",service="checkout",team="payments",window="28d"}', value: 1 }],
            },
          ],
        },
        {
          // Zero traffic: no data, never an alert.
          interval: '1m',
          input_series: [
            { series: 'http_requests_total{service="checkout",code="200"}', values: '5x400' },
            { series: 'http_requests_total{service="checkout",code="500"}', values: '5x400' },
          ],
          alert_rule_test: [{ eval_time: '400m', alertname: BURN_RATE_ALERT_NAME, exp_alerts: [] }],
        },
      ],
    };
    writeFileSync(join(workDir, 'alerts.test.yml'), stringify(test, { lineWidth: 0 }));
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});
