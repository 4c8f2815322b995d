// Request counters for the SLO scenarios, imported into a real Prometheus with
// promtool. The history is anchored at the moment the scenario starts and runs
// a little past it, so the SLO engine (which evaluates at the wall clock of the
// built API) keeps finding fresh samples in its 5-minute windows while the
// scenario runs. One sample a minute, 1,000 requests a minute per SLO.
import { renderOpenMetrics } from '../support/openmetrics';
import { sendJson } from './probes';

const MINUTE = 60;

export interface TrafficSlo {
  /** value of the `slo` label, and the SLO's name */
  readonly name: string;
  /** share of requests answered 500, by age of the sample in seconds */
  readonly errorShareAt: (secondsBeforeNow: number) => number;
}

/** Steady traffic at 0.1% errors: well inside a 99% objective. */
export const HEALTHY: TrafficSlo = { name: 'healthy', errorShareAt: () => 0.001 };
/** 20% errors for the last two hours: the page tier (14.4x over 1h and 5m) fires for a 99% objective. */
export const BURNING: TrafficSlo = { name: 'burning', errorShareAt: (age) => (age <= 2 * 3600 ? 0.2 : 0.001) };

export function indicatorOf(slo: TrafficSlo): { kind: 'ratio'; total: string; bad: string } {
  return { kind: 'ratio', total: `resilience_requests_total{slo="${slo.name}"}`, bad: `resilience_requests_total{slo="${slo.name}",code="500"}` };
}

/**
 * Creates `slo` on `service` through the API at `apiUrl` (99% over a day, the
 * page tier opening a SEV2 incident) and returns the answer's status and id.
 */
export async function createTrafficSlo(
  apiUrl: string,
  headers: Record<string, string>,
  service: string,
  slo: TrafficSlo,
): Promise<{ status: number; id: string }> {
  const created = await sendJson<{ id: string }>(`${apiUrl}/api/v1/slos`, 'POST', headers, {
    service,
    name: slo.name,
    objective: 0.99,
    window: '1d',
    indicator: indicatorOf(slo),
    policy: { openIncident: true, severity: 'SEV2' },
  });
  return { status: created.status, id: created.body.id };
}

/**
 * OpenMetrics text for `slos` from `hoursBack` before `nowSeconds` until
 * `minutesAhead` after it (samples in the future are invisible to queries
 * until their time comes).
 */
export function trafficHistory(slos: readonly TrafficSlo[], nowSeconds: number, options: { hoursBack: number; minutesAhead: number }): string {
  const anchor = Math.floor(nowSeconds / MINUTE) * MINUTE;
  const start = anchor - options.hoursBack * 3600;
  const end = anchor + options.minutesAhead * MINUTE;
  const series = slos.flatMap((slo) => {
    let good = 1_000_000;
    let bad = 1_000;
    const okPoints: Array<[number, number]> = [];
    const badPoints: Array<[number, number]> = [];
    for (let at = start; at <= end; at += MINUTE) {
      const errors = Math.round(1000 * slo.errorShareAt(anchor - at));
      good += 1000 - errors;
      bad += errors;
      okPoints.push([at, good]);
      badPoints.push([at, bad]);
    }
    return [
      { labels: { slo: slo.name, code: '200' }, points: okPoints },
      { labels: { slo: slo.name, code: '500' }, points: badPoints },
    ];
  });
  return renderOpenMetrics([{ type: 'counter', name: 'resilience_requests', help: 'Requests served, by SLO and status code.', series }]);
}
