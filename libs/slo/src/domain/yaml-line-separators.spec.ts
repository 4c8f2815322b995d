import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, parse } from 'yaml';
import { buildPrometheusRules, renderPrometheusRules, SloRuleSource } from './prometheus-rules';
import { renderYamlWithEscapedLineBreaks } from './yaml-line-separators';

const named = (id: string, name: string): SloRuleSource => ({
  id,
  name,
  service: 'checkout',
  team: 'payments',
  objective: 0.999,
  window: '28d',
  indicator: { kind: 'ratio', total: 'http_requests_total{service="checkout"}', bad: 'http_requests_total{service="checkout",code=~"5.."}' },
});

describe('Unicode line separators in exported YAML', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ballast-separators-'));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('escapes U+2028, U+2029 and U+0085 inside double quotes, keeping the same value', () => {
    const value = 'a\u2028b\u2029c\u0085d';
    const text = renderYamlWithEscapedLineBreaks(new Document({ name: value, plain: 'ok' }));
    expect(text).not.toMatch(/[\u0085\u2028\u2029]/);
    expect(text).toContain('"a\\u2028b\\u2029c\\u0085d"');
    expect(parse(text)).toEqual({ name: value, plain: 'ok' });
  });

  it('gives a rule file that passes promtool check rules when SLO names hold line separators', () => {
    const slos = [named('one', 'checkout\u2028availability'), named('two', 'pay\u2029ments'), named('three', 'nel\u0085name')];
    const ruleCount = buildPrometheusRules(slos).groups.reduce((count, group) => count + group.rules.length, 0);
    const file = join(workDir, 'separators.rules.yml');
    const text = renderPrometheusRules(slos);
    writeFileSync(file, text);
    const output = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    expect(output).toContain(`SUCCESS: ${ruleCount} rules found`);
    expect(JSON.stringify(parse(text))).toContain('checkout\u2028availability');
  });
});
