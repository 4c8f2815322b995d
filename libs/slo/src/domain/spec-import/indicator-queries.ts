import { describeValue, SloValidationError } from '../errors';
import { formatSeriesSelector, parseSeriesSelector, selectorMetricName } from '../promql-selector';
import { isPromqlTemplate } from '../promql-template';
import { SloIndicator, validateIndicator } from '../slo-indicator';
import { Located } from './json';
import { SpecReadContext } from './reader-context';

/** The PromQL queries of an indicator, read the same way in every format. */
export class IndicatorQueries {
  constructor(private readonly ctx: SpecReadContext) {}

  /**
   * A ratio indicator from two queries: bare counter selectors become the
   * selector form, PromQL expressions with `{{.window}}` the template form.
   * An expression without `{{.window}}` is refused with what to write instead.
   */
  ratioIndicator(total: Located, part: Located, goodOrBad: 'good' | 'bad', counter: boolean, path: string): SloIndicator | undefined {
    const templates = [total, part].map((query) => isPromqlTemplate(query.text));
    if (templates[0] !== templates[1]) {
      const selectorOne = templates[0] ? part : total;
      this.ctx.report(
        selectorOne.path,
        `write both queries the same way: both counter selectors, or both PromQL templates with [{{.window}}] (got ${describeValue(selectorOne.text)})`,
      );
      return undefined;
    }
    this.ctx.lastPaths = templates[0] ? { totalQuery: total.path, [`${goodOrBad}Query`]: part.path } : { total: total.path, [goodOrBad]: part.path };
    if (templates[0]) {
      return this.ctx.validated(
        () => validateIndicator({ kind: 'ratio', totalQuery: total.text, [`${goodOrBad}Query`]: part.text }, 'indicator'),
        path,
        (field) => (field.endsWith('totalQuery') ? total.path : part.path),
      );
    }
    if (!counter) {
      this.ctx.report(
        `${path}.counter`,
        'non-counter (gauge) ratio metrics are not supported; use counters (counter: true) or PromQL templates with [{{.window}}]',
      );
      return undefined;
    }
    for (const query of [total, part]) {
      if (this.selector(query) === undefined) return undefined;
    }
    const latency = goodOrBad === 'good' ? this.histogramBuckets(total, part) : undefined;
    if (latency !== undefined) {
      this.ctx.lastPaths = { histogram: part.path, threshold: part.path };
      return this.ctx.validated(() => validateIndicator(latency), part.path);
    }
    return this.ctx.validated(
      () => validateIndicator({ kind: 'ratio', total: total.text, [goodOrBad]: part.text }, 'indicator'),
      path,
      (field) => (field.endsWith('.total') ? total.path : part.path),
    );
  }

  /**
   * good = `h_bucket{…,le="X"}` and total = `h_bucket{…,le="+Inf"}` of the same
   * series is a latency indicator (what Ballast exports latency SLOs as).
   */
  histogramBuckets(total: Located, good: Located): { kind: 'latency'; histogram: string; threshold: string } | undefined {
    const totalSelector = parseSeriesSelector(total.text, total.path);
    const goodSelector = parseSeriesSelector(good.text, good.path);
    const name = selectorMetricName(goodSelector);
    const leOf = (selector: typeof totalSelector) => selector.matchers.filter((matcher) => matcher.name === 'le');
    const [totalLe] = leOf(totalSelector);
    const [goodLe] = leOf(goodSelector);
    if (name === undefined || !name.endsWith('_bucket') || selectorMetricName(totalSelector) !== name) return undefined;
    if (leOf(totalSelector).length !== 1 || leOf(goodSelector).length !== 1 || totalLe.operator !== '=' || goodLe.operator !== '=' || totalLe.value !== '+Inf')
      return undefined;
    const withoutLe = (selector: typeof totalSelector) =>
      formatSeriesSelector({ ...selector, matchers: selector.matchers.filter((matcher) => matcher.name !== 'le') });
    const histogram = withoutLe(goodSelector);
    return histogram === withoutLe(totalSelector) ? { kind: 'latency', histogram, threshold: goodLe.value } : undefined;
  }

  selector(query: Located): string | undefined {
    const parsed = this.parsedSelector(query);
    return parsed === undefined ? undefined : formatSeriesSelector(parsed);
  }

  parsedSelector(query: Located): ReturnType<typeof parseSeriesSelector> | undefined {
    try {
      return parseSeriesSelector(query.text, query.path);
    } catch (error) {
      if (!(error instanceof SloValidationError)) throw error;
      this.ctx.report(
        query.path,
        `must be a counter series selector (Ballast applies increase() itself) or a PromQL expression with [{{.window}}] as its range, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}])); got ${describeValue(query.text)}`,
      );
      return undefined;
    }
  }
}
