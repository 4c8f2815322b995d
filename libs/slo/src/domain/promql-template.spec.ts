import { SloValidationError } from './errors';
import { expandTemplate, isPromqlTemplate, templateIncreaseQuery, validatePromqlTemplate } from './promql-template';
import { indicatorCounters, increaseQuery, leSpellings } from './promql-queries';
import { validateIndicator } from './slo-indicator';

function validationError(action: () => unknown): SloValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof SloValidationError) return error;
    throw error;
  }
  throw new Error('expected a SloValidationError');
}

describe('PromQL templates', () => {
  const total = 'sum(rate(http_requests_total{job="api"}[{{.window}}]))';
  const bad = 'sum(rate(http_requests_total{job="api",code=~"(5..|429)"}[{{.window}}]))';

  it('accepts Sloth-style templates and keeps them trimmed', () => {
    expect(validatePromqlTemplate(`  ${total}\n`, 'indicator.totalQuery')).toBe(total);
    expect(validatePromqlTemplate('sum(rate(a[ {{ .window }} ])) - sum(rate(b[{{.window}}]))', 'f')).toContain('{{ .window }}');
    expect(validatePromqlTemplate('rate(http_requests_total{code!~"5.."}[{{.window}}])', 'f')).toContain('[{{.window}}]');
  });

  it('expands the window as range and offset, counting events as rate × seconds', () => {
    expect(expandTemplate(total, 300)).toBe('sum(rate(http_requests_total{job="api"}[5m]))');
    expect(expandTemplate(total, 300, 600)).toBe('sum(rate(http_requests_total{job="api"}[5m] offset 10m))');
    expect(templateIncreaseQuery(total, 3600)).toBe('(sum(sum(rate(http_requests_total{job="api"}[1h]))) * 3600)');
    expect(increaseQuery(total, 300)).toBe(templateIncreaseQuery(total, 300));
    expect(isPromqlTemplate('http_requests_total{job="api"}')).toBe(false);
  });

  it('rejects a template without {{.window}}', () => {
    const error = validationError(() => validatePromqlTemplate('sum(rate(x[5m]))', 'indicator.badQuery'));
    expect(error.field).toBe('indicator.badQuery');
    expect(error.message).toMatch(/must use \{\{\.window\}\} as the range/);
  });

  it('rejects other template actions', () => {
    expect(validationError(() => validatePromqlTemplate('sum(rate(x{a="{{.service}}"}[{{.window}}]))', 'f')).message).toMatch(
      /may only contain \{\{\.window\}\}.*\{\{\.service\}\}/,
    );
  });

  it('reports a syntax error with its line and column in the template', () => {
    const error = validationError(() => validatePromqlTemplate('sum(rate(x[{{.window}}])', 'indicator.totalQuery'));
    expect(error.field).toBe('indicator.totalQuery');
    expect(error.message).toMatch(/is not valid PromQL: syntax error at line 1, column \d+/);
    const second = validationError(() => validatePromqlTemplate('sum(rate(x[{{.window}}]))\n  + * 2', 'f'));
    expect(second.message).toMatch(/line 2, column/);
  });

  it('rejects templates returning a range vector, a string or a number', () => {
    expect(validationError(() => validatePromqlTemplate('x[{{.window}}]', 'f')).message).toMatch(/returns a range vector/);
    expect(validationError(() => validatePromqlTemplate('rate(x[{{.window}}])[1h:5m]', 'f')).message).toMatch(/returns a range vector/);
    expect(validationError(() => validatePromqlTemplate('"[{{.window}}]"', 'f')).message).toMatch(/string|range/);
    expect(validationError(() => validatePromqlTemplate('scalar(sum(rate(x[{{.window}}])))', 'f')).message).toMatch(/returns a number/);
  });

  it('rejects offset and @ modifiers', () => {
    expect(validationError(() => validatePromqlTemplate('sum(rate(x[{{.window}}] offset 1h))', 'f')).message).toMatch(/offset/);
    expect(validationError(() => validatePromqlTemplate('sum(rate(x[{{.window}}] @ 100))', 'f')).message).toMatch(/offset" or "@"/);
  });

  it('validates template indicators and names the missing field', () => {
    expect(validateIndicator({ kind: 'ratio', totalQuery: total, badQuery: bad })).toEqual({ kind: 'ratio', totalQuery: total, badQuery: bad });
    expect(validationError(() => validateIndicator({ kind: 'ratio', totalQuery: total })).field).toBe('indicator.badQuery');
    expect(validationError(() => validateIndicator({ kind: 'ratio', totalQuery: total, badQuery: bad, total: 'x' })).field).toBe('indicator.total');
    expect(validationError(() => validateIndicator({ kind: 'ratio', badQuery: bad })).message).toBe('indicator.totalQuery is required');
    expect(indicatorCounters({ kind: 'ratio', totalQuery: total, goodQuery: bad })).toEqual({ total, good: bad });
  });
});

describe('le spellings (Prometheus 3 normalises "1" to "1.0")', () => {
  it('matches both spellings of whole bounds and one of others', () => {
    expect(leSpellings('1')).toEqual(['1', '1.0']);
    expect(leSpellings('1.0')).toEqual(['1.0', '1']);
    expect(leSpellings('0.25')).toEqual(['0.25']);
    const counters = indicatorCounters({ kind: 'latency', histogram: 'http_request_duration_seconds_bucket{job="api"}', threshold: '1' });
    expect(counters.good).toBe('http_request_duration_seconds_bucket{job="api",le=~"1|1\\\\.0"}');
    expect(indicatorCounters({ kind: 'latency', histogram: 'h_bucket', threshold: '0.3' }).good).toBe('h_bucket{le="0.3"}');
  });
});
