import { SloValidationError } from './errors';
import { validateIndicator } from './slo-indicator';

describe('validateIndicator', () => {
  it.each([
    [
      'ratio with bad',
      { kind: 'ratio', total: ' http_requests_total{service="checkout"} ', bad: 'http_requests_total{service="checkout",code=~"5.."}' },
      { kind: 'ratio', total: 'http_requests_total{service="checkout"}', bad: 'http_requests_total{service="checkout",code=~"5.."}' },
    ],
    [
      'ratio with good',
      { kind: 'ratio', total: 'http_requests_total', good: 'http_requests_total{code=~"2.."}', bad: undefined },
      { kind: 'ratio', total: 'http_requests_total', good: 'http_requests_total{code=~"2.."}' },
    ],
    [
      'latency with a string threshold',
      { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{service="checkout"}', threshold: '0.3' },
      { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{service="checkout"}', threshold: '0.3' },
    ],
    [
      'latency with a numeric threshold',
      { kind: 'latency', histogram: '{__name__="rpc_duration_seconds_bucket"}', threshold: 0.25 },
      { kind: 'latency', histogram: '{__name__="rpc_duration_seconds_bucket"}', threshold: '0.25' },
    ],
  ])('accepts %s', (_case, input, expected) => {
    expect(validateIndicator(input)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'http_requests_total', 'indicator'],
    ['an unknown kind', { kind: 'gauge', total: 'x' }, 'indicator.kind'],
    ['ratio without bad or good', { kind: 'ratio', total: 'x' }, 'indicator.bad'],
    ['ratio with both bad and good', { kind: 'ratio', total: 'x', bad: 'y', good: 'z' }, 'indicator.good'],
    ['ratio without total', { kind: 'ratio', bad: 'y' }, 'indicator.total'],
    ['an expression as total', { kind: 'ratio', total: 'sum(rate(x[5m]))', bad: 'y' }, 'indicator.total'],
    ['an expression as bad', { kind: 'ratio', total: 'x', bad: 'x{code="500"} / 2' }, 'indicator.bad'],
    ['an unknown field', { kind: 'ratio', total: 'x', bad: 'y', query: 'z' }, 'indicator.query'],
    ['latency fields on a ratio', { kind: 'ratio', total: 'x', bad: 'y', threshold: 1 }, 'indicator.threshold'],
    ['a histogram that is not a _bucket metric', { kind: 'latency', histogram: 'http_duration_seconds', threshold: 1 }, 'indicator.histogram'],
    ['a histogram selected by regex name', { kind: 'latency', histogram: '{__name__=~".*_bucket"}', threshold: 1 }, 'indicator.histogram'],
    ['a histogram already matching le', { kind: 'latency', histogram: 'x_bucket{le="0.3"}', threshold: '0.3' }, 'indicator.histogram'],
    ['a +Inf threshold', { kind: 'latency', histogram: 'x_bucket', threshold: '+Inf' }, 'indicator.threshold'],
    ['a text threshold', { kind: 'latency', histogram: 'x_bucket', threshold: '300ms' }, 'indicator.threshold'],
    ['an infinite threshold', { kind: 'latency', histogram: 'x_bucket', threshold: Number.POSITIVE_INFINITY }, 'indicator.threshold'],
    ['a missing threshold', { kind: 'latency', histogram: 'x_bucket' }, 'indicator.threshold'],
  ])('rejects %s', (_case, input, field) => {
    expect(() => validateIndicator(input)).toThrow(SloValidationError);
    expect(() => validateIndicator(input)).toThrow(expect.objectContaining({ field }));
  });
});
