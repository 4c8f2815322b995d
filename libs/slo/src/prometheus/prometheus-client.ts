import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrometheusQueryError, PrometheusResultError, PrometheusUnavailableError } from '../domain/errors';
import type { PrometheusMatrixSeries, PrometheusVectorSample } from '../domain/promql-queries';

/** Work Prometheus did for Ballast since this client was created. */
export interface PrometheusWorkStats {
  readonly instantQueries: number;
  readonly rangeQueries: number;
  readonly failedQueries: number;
  /**
   * Samples Prometheus loaded to answer (`stats.samples.totalQueryableSamples`
   * of `?stats=all`, Prometheus 2.35+). For APIs without query stats this
   * stays 0 and `resultPoints` is the only measure.
   */
  readonly queriedSamples: number;
  /** Points in the answers (vector samples + matrix values). */
  readonly resultPoints: number;
  /** Prometheus's own evaluation time (`stats.timings.evalTotalTime`), seconds. */
  readonly prometheusSeconds: number;
}

interface PrometheusEnvelope<T> {
  status?: string;
  data?: T & { stats?: { timings?: { evalTotalTime?: number }; samples?: { totalQueryableSamples?: number } } };
  errorType?: string;
  error?: string;
}

/**
 * The one IO edge to Prometheus (or any PromQL API). Every call has an explicit
 * evaluation time (never Prometheus's "now"), a time limit, typed failures:
 * - PrometheusUnavailableError: no usable answer (down, timeout, 5xx proxy page);
 * - PrometheusQueryError: Prometheus refused the query (`bad_data`: it is
 *   invalid; `execution`/`timeout`: it could not run it);
 * - PrometheusResultError: an answer of the wrong shape.
 * Queries are POSTed (long `or` chains would not fit a URL) with `stats=all`,
 * so the work they cost is counted.
 */
@Injectable()
export class PrometheusClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private work = { instantQueries: 0, rangeQueries: 0, failedQueries: 0, queriedSamples: 0, resultPoints: 0, prometheusSeconds: 0 };

  constructor(config: AppConfig) {
    this.baseUrl = config.PROMETHEUS_URL.replace(/\/+$/, '');
    this.timeoutMs = config.PROMETHEUS_TIMEOUT_MS;
  }

  /** Instant query evaluated at `time`; the answer must be a vector. */
  async instantQuery(query: string, time: Date): Promise<PrometheusVectorSample[]> {
    this.work.instantQueries += 1;
    const data = await this.post<{ resultType?: string; result?: unknown }>('/api/v1/query', { query, time: epochSeconds(time) });
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      this.work.failedQueries += 1;
      throw new PrometheusResultError(`Expected a vector from Prometheus, got ${String(data.resultType)}`);
    }
    const result = data.result as PrometheusVectorSample[];
    this.work.resultPoints += result.length;
    return result;
  }

  /** Range query over [start, end] every `stepSeconds`; the answer must be a matrix. */
  async rangeQuery(query: string, range: { readonly start: Date; readonly end: Date; readonly stepSeconds: number }): Promise<PrometheusMatrixSeries[]> {
    this.work.rangeQueries += 1;
    const data = await this.post<{ resultType?: string; result?: unknown }>('/api/v1/query_range', {
      query,
      start: epochSeconds(range.start),
      end: epochSeconds(range.end),
      step: String(range.stepSeconds),
    });
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) {
      this.work.failedQueries += 1;
      throw new PrometheusResultError(`Expected a matrix from Prometheus, got ${String(data.resultType)}`);
    }
    const result = data.result as PrometheusMatrixSeries[];
    this.work.resultPoints += result.reduce((sum, series) => sum + (Array.isArray(series.values) ? series.values.length : 0), 0);
    return result;
  }

  stats(): PrometheusWorkStats {
    return { ...this.work };
  }

  private async post<T>(path: string, form: Record<string, string>): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...form, stats: 'all' }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      this.work.failedQueries += 1;
      // fetch rejects with a DOMException on timeout: not always an `instanceof Error` (other realms), so look at its name.
      const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new PrometheusUnavailableError(
        timedOut ? 'timeout' : 'unreachable',
        timedOut
          ? `Prometheus at ${this.baseUrl} did not answer within ${this.timeoutMs} ms`
          : `Prometheus at ${this.baseUrl} is unreachable: ${describeFetchError(error)}`,
        { cause: error },
      );
    }
    let body: PrometheusEnvelope<T>;
    try {
      body = JSON.parse(text) as PrometheusEnvelope<T>;
    } catch (error) {
      this.work.failedQueries += 1;
      throw new PrometheusUnavailableError(
        response.ok ? 'bad_response' : 'http_error',
        `Prometheus at ${this.baseUrl} answered ${response.status} without a JSON body`,
        { cause: error },
      );
    }
    if (body.status === 'success' && body.data !== undefined && body.data !== null) {
      const stats = body.data.stats;
      this.work.queriedSamples += stats?.samples?.totalQueryableSamples ?? 0;
      this.work.prometheusSeconds += stats?.timings?.evalTotalTime ?? 0;
      return body.data;
    }
    this.work.failedQueries += 1;
    if (typeof body.errorType === 'string' && typeof body.error === 'string') {
      throw new PrometheusQueryError(body.errorType, body.error, response.status);
    }
    throw new PrometheusUnavailableError(
      response.ok ? 'bad_response' : 'http_error',
      `Prometheus at ${this.baseUrl} answered ${response.status} with no result`,
    );
  }
}

function epochSeconds(time: Date): string {
  return String(time.getTime() / 1000);
}

function describeFetchError(error: unknown): string {
  const message = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string'
      ? (value as { message: string }).message
      : undefined;
  const own = message(error) ?? String(error);
  const cause = message(typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined);
  return cause !== undefined ? `${own} (${cause})` : own;
}
