import { SloValidationError } from './errors';
import { formatSeriesSelector, parseSeriesSelector, quotePromqlString, selectorMetricName, withLabelMatchers } from './promql-selector';

describe('parseSeriesSelector', () => {
  it.each([
    ['http_requests_total', 'http_requests_total'],
    ['  http_requests_total  ', 'http_requests_total'],
    ['http_requests_total{}', 'http_requests_total'],
    ['http_requests_total{service="checkout"}', 'http_requests_total{service="checkout"}'],
    ['http_requests_total{ service = "checkout" , code =~ "5.." , }', 'http_requests_total{service="checkout",code=~"5.."}'],
    ["http_requests_total{code!~'2..'}", 'http_requests_total{code!~"2.."}'],
    ['http_requests_total{path!=`/health`}', 'http_requests_total{path!="/health"}'],
    ['{__name__="http_requests_total",job="api"}', '{__name__="http_requests_total",job="api"}'],
    ['{job="api"}', '{job="api"}'],
    ['job:http_requests:rate5m{a="b"}', 'job:http_requests:rate5m{a="b"}'],
    ['rate{job="x"}', 'rate{job="x"}'],
    ['x{a="quote \\" and backslash \\\\"}', 'x{a="quote \\" and backslash \\\\"}'],
    ['x{a="tab\\tnew\\nline"}', 'x{a="tab\\tnew\\nline"}'],
    ['x{a="\\u00e9\\x41\\101"}', 'x{a="éAA"}'],
    ['x{a="日本"}', 'x{a="日本"}'],
  ])('accepts %s', (text, canonical) => {
    expect(formatSeriesSelector(parseSeriesSelector(text))).toBe(canonical);
  });

  it('returns the structure', () => {
    expect(parseSeriesSelector('http_requests_total{code=~"5..",job!="x"}')).toEqual({
      metricName: 'http_requests_total',
      matchers: [
        { name: 'code', operator: '=~', value: '5..' },
        { name: 'job', operator: '!=', value: 'x' },
      ],
    });
  });

  it.each<[string, unknown]>([
    ['an expression', 'sum(rate(http_requests_total[5m]))'],
    ['a function call', 'rate(http_requests_total)'],
    ['a range selector', 'http_requests_total[5m]'],
    ['an offset', 'http_requests_total offset 5m'],
    ['an @ modifier', 'http_requests_total @ 1700000000'],
    ['an operator', 'http_requests_total + 1'],
    ['a set operator', 'a{x="1"} or b{x="1"}'],
    ['an injected expression after the selector', 'x{a="b"}) or vector(1'],
    ['a comment', 'x # comment'],
    ['an empty selector', '{}'],
    ['only matchers that match the empty string', '{job=~".*"}'],
    ['only negative matchers', '{job!="x"}'],
    ['the metric name twice', 'x{__name__="y"}'],
    ['a keyword as metric name', 'sum{job="x"}'],
    ['a number', '42'],
    ['an unclosed brace', 'x{job="a"'],
    ['an unquoted value', 'x{job=a}'],
    ['an unterminated string', 'x{job="a}'],
    ['a bad label name', 'x{9job="a"}'],
    ['a bad operator', 'x{job=="a"}'],
    ['a newline in a string', 'x{job="a\nb"}'],
    ['an unknown escape', 'x{job="\\q"}'],
    ['a non-ASCII byte escape', 'x{job="\\xff"}'],
    ['a surrogate escape', 'x{job="\\ud800"}'],
    ['an empty string', ''],
    ['blank', '   '],
    ['a number instead of text', 42],
    ['null', null],
    ['a huge selector', `x{a="${'y'.repeat(5000)}"}`],
  ])('rejects %s', (_case, text) => {
    expect(() => parseSeriesSelector(text, 'indicator.total')).toThrow(SloValidationError);
    expect(() => parseSeriesSelector(text, 'indicator.total')).toThrow(expect.objectContaining({ field: 'indicator.total' }));
  });

  it('round-trips every accepted selector through its canonical form', () => {
    for (const text of ['a{b="c\\"d",e=~"f|g"}', "{__name__='x',y!~`z`}", 'm{v="\\\\\\n"}']) {
      const parsed = parseSeriesSelector(text);
      expect(parseSeriesSelector(formatSeriesSelector(parsed))).toEqual(parsed);
    }
  });
});

describe('withLabelMatchers', () => {
  it('adds a matcher', () => {
    expect(withLabelMatchers('latency_bucket{job="api"}', [{ name: 'le', operator: '=', value: '0.3' }])).toBe('latency_bucket{job="api",le="0.3"}');
  });

  it('replaces a matcher on the same label and operator', () => {
    expect(withLabelMatchers('x{le="1",job="a"}', [{ name: 'le', operator: '=', value: '+Inf' }])).toBe('x{job="a",le="+Inf"}');
  });

  it.each(['"} or vector(1) #', '\\"}', '`', "'", '\n}', '{{ .Labels }}'])('keeps %p inside the label value', (value) => {
    const selector = withLabelMatchers('x{job="a"}', [{ name: 'le', operator: '=', value }]);
    expect(parseSeriesSelector(selector)).toEqual({
      metricName: 'x',
      matchers: [
        { name: 'job', operator: '=', value: 'a' },
        { name: 'le', operator: '=', value },
      ],
    });
  });

  it('refuses an invalid label name', () => {
    expect(() => withLabelMatchers('x', [{ name: 'le"} or x{a', operator: '=', value: '1' }])).toThrow(SloValidationError);
  });
});

describe('quotePromqlString', () => {
  it('quotes with escapes PromQL understands', () => {
    expect(quotePromqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('refuses a lone surrogate that Prometheus could not read', () => {
    expect(() => quotePromqlString('\ud800')).toThrow(SloValidationError);
  });
});

describe('selectorMetricName', () => {
  it.each([
    ['x_bucket{a="b"}', 'x_bucket'],
    ['{__name__="y_bucket"}', 'y_bucket'],
    ['{__name__=~"y.*"}', undefined],
  ])('of %s is %p', (text, name) => {
    expect(selectorMetricName(parseSeriesSelector(text))).toBe(name);
  });
});
