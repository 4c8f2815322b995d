import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrometheusQueryError, PrometheusResultError, PrometheusUnavailableError, SloValidationError } from '../domain/errors';
import { parseSeriesSelector, quotePromqlString } from '../domain/promql-selector';
import { isTemplateIndicator, type SloIndicator } from '../domain/slo-indicator';
import { leSpellings } from '../domain/promql-queries';
import { expandTemplate, isPromqlTemplate } from '../domain/promql-template';
import { sliceSeconds, type ThresholdIndicator } from '../domain/timeslices';

/** A template is checked over the bucket length, the range Ballast reads it at most. */
const EVALUATION_CHECK_RANGE_SECONDS = 300;
import { PrometheusClient } from '../prometheus/prometheus-client';

/** Something accepted that the user should know about. */
export interface SloWarning {
  /** `no_series`, `prometheus_unreachable`, `prometheus_check_failed` */
  readonly code: string;
  /** The field concerned (`indicator.total`), when one is. */
  readonly field?: string;
  readonly message: string;
}

/**
 * Checks an indicator's selectors against Prometheus with one cheap instant
 * query per selector (`count(<selector>)`, or `count by (le)` for a histogram)
 * at the current time:
 * - Prometheus rejects the selector (`bad_data`, e.g. a regular expression RE2
 *   does not compile) → SloValidationError naming the field, with Prometheus's
 *   own message;
 * - a histogram without a bucket `le="<threshold>"` → SloValidationError on
 *   indicator.threshold listing the existing bounds;
 * - no series (unknown metric, or no traffic yet) → accepted, warning;
 * - Prometheus unreachable or failing → accepted, one warning: the SLO reads
 *   `error` until Prometheus answers, and the selectors were not checked.
 */
@Injectable()
export class SloSelectorCheck {
  constructor(
    private readonly prometheus: PrometheusClient,
    @Optional() private readonly config?: AppConfig,
  ) {}

  async check(indicator: SloIndicator, now: Date, fieldPrefix = 'indicator'): Promise<SloWarning[]> {
    if (indicator.kind === 'threshold') {
      return this.checkThreshold(indicator, now, fieldPrefix);
    }
    const checks = isTemplateIndicator(indicator)
      ? [
          { field: `${fieldPrefix}.totalQuery`, selector: indicator.totalQuery },
          indicator.badQuery !== undefined
            ? { field: `${fieldPrefix}.badQuery`, selector: indicator.badQuery }
            : { field: `${fieldPrefix}.goodQuery`, selector: indicator.goodQuery },
        ]
      : indicator.kind === 'ratio'
        ? [
            { field: `${fieldPrefix}.total`, selector: indicator.total },
            indicator.bad !== undefined
              ? { field: `${fieldPrefix}.bad`, selector: indicator.bad }
              : { field: `${fieldPrefix}.good`, selector: indicator.good as string },
          ]
        : [{ field: `${fieldPrefix}.histogram`, selector: indicator.histogram }];
    const outcomes = await Promise.all(
      checks.map(async ({ field, selector }) => {
        const query = isPromqlTemplate(selector)
          ? `sum(${expandTemplate(selector, EVALUATION_CHECK_RANGE_SECONDS)})`
          : indicator.kind === 'latency'
            ? `count by (le) (${selector})`
            : `count(${selector})`;
        try {
          return { field, selector, result: await this.prometheus.instantQuery(query, now) };
        } catch (error) {
          return { field, selector, error };
        }
      }),
    );
    const warnings: SloWarning[] = [];
    for (const outcome of outcomes) {
      if ('error' in outcome) {
        const error = outcome.error;
        if (error instanceof PrometheusQueryError && error.isInvalidQuery) {
          throw new SloValidationError(outcome.field, `Prometheus rejected ${outcome.field}: ${error.prometheusMessage}`, { cause: error });
        }
        if (error instanceof PrometheusUnavailableError) {
          if (!warnings.some((warning) => warning.code === 'prometheus_unreachable')) {
            warnings.push({
              code: 'prometheus_unreachable',
              message: `The selectors could not be checked: ${error.message}. The SLO is saved and reads "error" until Prometheus answers.`,
            });
          }
          continue;
        }
        if (error instanceof PrometheusQueryError || error instanceof PrometheusResultError) {
          warnings.push({ code: 'prometheus_check_failed', field: outcome.field, message: `${outcome.field} could not be checked: ${error.message}` });
          continue;
        }
        throw error;
      }
      if (outcome.result.length === 0) {
        warnings.push({
          code: 'no_series',
          field: outcome.field,
          message: `${outcome.field} matches no series in Prometheus (unknown metric, or no events yet); it counts 0 events until it does`,
        });
        continue;
      }
      // Every evaluation reads these series over the whole window: a selector matching too many is refused.
      const series = outcome.result.reduce((sum, sample) => sum + (Number(sample.value[1]) || 0), 0);
      const maxSeries = this.config?.SLO_MAX_SERIES ?? 10_000;
      if (series > maxSeries) {
        throw new SloValidationError(
          outcome.field,
          `${outcome.field} matches ${series} series in Prometheus; at most ${maxSeries} are allowed (SLO_MAX_SERIES): narrow it with label matchers`,
        );
      }
      if (indicator.kind === 'latency') {
        const bounds = outcome.result.map((sample) => sample.metric.le).filter((le): le is string => typeof le === 'string');
        if (!leSpellings(indicator.threshold).some((spelling) => bounds.includes(spelling))) {
          const metric = parseSeriesSelector(indicator.histogram).metricName ?? 'the histogram';
          throw new SloValidationError(
            `${fieldPrefix}.threshold`,
            `${fieldPrefix}.threshold ${quotePromqlString(indicator.threshold)} is not a bucket bound of ${metric}; existing le values: ${sortBounds(bounds).join(', ')}`,
          );
        }
      }
    }
    return warnings;
  }

  /** A threshold query: Prometheus must accept it (400 naming the field otherwise); no series is a warning. */
  private async checkThreshold(indicator: ThresholdIndicator, now: Date, fieldPrefix: string): Promise<SloWarning[]> {
    const field = `${fieldPrefix}.query`;
    const query = isPromqlTemplate(indicator.query) ? expandTemplate(indicator.query, sliceSeconds(indicator.budgeting.slice)) : indicator.query;
    try {
      const result = await this.prometheus.instantQuery(`count(${query})`, now);
      return result.length === 0
        ? [{ code: 'no_series', field, message: `${field} returns no series in Prometheus; its slices count as no data until it does` }]
        : [];
    } catch (error) {
      if (error instanceof PrometheusQueryError && error.isInvalidQuery) {
        throw new SloValidationError(field, `Prometheus rejected ${field}: ${error.prometheusMessage}`, { cause: error });
      }
      if (error instanceof PrometheusUnavailableError || error instanceof PrometheusQueryError || error instanceof PrometheusResultError) {
        return [{ code: 'prometheus_check_failed', field, message: `${field} could not be checked: ${error.message}` }];
      }
      throw error;
    }
  }
}

function sortBounds(bounds: readonly string[]): string[] {
  return [...new Set(bounds)].sort((a, b) => Number(a.replace('+Inf', 'Infinity')) - Number(b.replace('+Inf', 'Infinity')));
}
