// Prometheus failing under a running SLO engine: stopped (connection refused)
// and frozen (requests time out). The state turns `error`, then `stale` once
// the last good figures are SLO_STALE_AFTER_S old; the figures, the stored
// buckets and the evaluation history do not change; the engine recovers by
// itself when Prometheus answers again (same port, same storage).
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { SLO_EVALUATED, SloEvaluatedEvent, SloEvaluator, SloStatus } from '@app/slo';
import { RunningApi, startApi } from './support/api-app';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { expectedStatus, expectSameStatus } from './support/slo-expectations';
import { buildSyntheticHistory, SyntheticHistory } from './support/synthetic-traffic';

const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const MINUTE = 60_000;
const STALE_AFTER_S = 180;

let history: SyntheticHistory;
let prometheus: RunningPrometheus;
let api: RunningApi;
let clock: FixedClock;
const ids: string[] = [];
const events: SloEvaluatedEvent[] = [];

type BucketRow = { slo_id: string; bucket_start: Date; bad: number; total: number; xmin: string };

async function sql<T>(query: string, parameters: unknown[] = []): Promise<T[]> {
  return api.app.get(DataSource).query(query, parameters);
}

/** Every stored bucket with its row version (xmin): a rewritten row changes it even with equal counts. */
async function storedBuckets(): Promise<BucketRow[]> {
  return sql<BucketRow>(`SELECT slo_id, bucket_start, bad, total, xmin::text AS xmin FROM slo_event_buckets ORDER BY slo_id, bucket_start`);
}

async function historyCount(): Promise<number> {
  return Number((await sql<{ count: string }>('SELECT count(*) FROM slo_evaluations'))[0].count);
}

async function statusOf(id: string): Promise<SloStatus> {
  const response = await api.http.get(`/api/v1/slos/${id}/status`).set(api.admin);
  expect(response.status).toBe(200);
  return response.body as SloStatus;
}

function figures(status: SloStatus): unknown {
  return { sli: status.sli, errorBudgetRemaining: status.errorBudgetRemaining, windows: status.windows, alerts: status.alerts };
}

async function cycleAt(minutesAfterNow: number) {
  clock.set(new Date(NOW.getTime() + minutesAfterNow * MINUTE));
  return api.app.get(SloEvaluator).runCycle();
}

beforeAll(async () => {
  history = buildSyntheticHistory({ now: NOW_SECONDS, days: 31 });
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
  clock = new FixedClock(NOW);
  api = await startApi({
    clock,
    env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60', SLO_STALE_AFTER_S: String(STALE_AFTER_S), PROMETHEUS_TIMEOUT_MS: '2000' },
  });
  api.app.get(EventEmitter2).on(SLO_EVALUATED, (event: SloEvaluatedEvent) => events.push(event));
  await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'sre', name: 'SRE' });
  await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'edge', name: 'Edge', team: 'sre' });
  for (const [scenario, objective, window] of [
    ['steady', 0.99, '30d'],
    ['burst', 0.999, '28d'],
  ] as const) {
    const indicator = history.scenarios.find((candidate) => candidate.name === scenario)?.indicator;
    const created = await api.http.post('/api/v1/slos').set(api.admin).send({ service: 'edge', name: scenario, objective, window, indicator });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
    expectSameStatus(
      created.body.status,
      expectedStatus(
        history.scenarios.find((candidate) => candidate.name === scenario)!,
        { id: created.body.id, objective, window },
        NOW_SECONDS,
      ),
    );
  }
}, 180_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

describe('Prometheus stopped for several cycles', () => {
  let goodStatuses: SloStatus[];
  let bucketsBefore: BucketRow[];
  let historyBefore: number;
  let createdDuringOutage: string;

  it('error from the first failed cycle, stale once the good figures are 180 s old; figures, buckets and history untouched', async () => {
    goodStatuses = await Promise.all(ids.map(statusOf));
    bucketsBefore = await storedBuckets();
    historyBefore = await historyCount();
    const metricsBefore = (await api.http.get('/metrics')).text.match(/^ballast_slo_error_budget_remaining\{.*$/gm);
    await prometheus.kill();
    events.length = 0;

    const expectedStates = ['error', 'error', 'stale', 'stale'];
    for (const [index, state] of expectedStates.entries()) {
      const minutes = index + 1;
      const report = await cycleAt(minutes);
      expect({ minutes, report: { claimed: report.claimed, failed: report.failed, evaluated: report.evaluated } }).toEqual({
        minutes,
        report: { claimed: 2, failed: 2, evaluated: 0 },
      });
      for (const [slo, id] of ids.entries()) {
        const status = await statusOf(id);
        expect({ minutes, state: status.state, evaluatedAt: status.evaluatedAt }).toEqual({
          minutes,
          state,
          evaluatedAt: new Date(NOW.getTime() + minutes * MINUTE).toISOString(),
        });
        expect(figures(status)).toEqual(figures(goodStatuses[slo]));
        const slo_ = (await api.http.get(`/api/v1/slos/${id}`).set(api.admin)).body;
        expect(slo_.evaluation).toMatchObject({
          consecutiveFailures: minutes,
          lastSuccessAt: NOW.toISOString(),
          lastError: expect.stringContaining('unreachable'),
        });
      }
    }
    expect(await storedBuckets()).toEqual(bucketsBefore);
    expect(await historyCount()).toBe(historyBefore);
    expect(events.map((event) => event.status.state)).toEqual(['error', 'error', 'error', 'error', 'stale', 'stale', 'stale', 'stale']);
    expect(events.every((event) => event.status.errorBudgetRemaining === goodStatuses[ids.indexOf(event.slo.id)].errorBudgetRemaining)).toBe(true);
    expect((await api.http.get('/metrics')).text.match(/^ballast_slo_error_budget_remaining\{.*$/gm)).toEqual(metricsBefore);
  });

  it('accepts a new SLO while Prometheus is down, with a warning and an error state without figures', async () => {
    clock.set(new Date(NOW.getTime() + 4 * MINUTE));
    const indicator = history.scenarios.find((candidate) => candidate.name === 'steady')?.indicator;
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'edge', name: 'born-in-outage', objective: 0.99, window: '30d', indicator });
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([{ code: 'prometheus_unreachable', message: expect.stringContaining('could not be checked') }]);
    expect(created.body.status).toMatchObject({ state: 'error', sli: null, errorBudgetRemaining: null });
    createdDuringOutage = created.body.id;
    expect(await sql('SELECT 1 FROM slo_event_buckets WHERE slo_id = $1', [createdDuringOutage])).toEqual([]);
  });

  it('recovers by itself when Prometheus is back on the same port and storage: buckets kept, history resumes', async () => {
    await prometheus.restart();
    const report = await cycleAt(5);
    expect({ claimed: report.claimed, evaluated: report.evaluated, failed: report.failed }).toEqual({ claimed: 3, evaluated: 3, failed: 0 });
    for (const id of ids) {
      const status = await statusOf(id);
      expect(['ok', 'warning', 'critical', 'no_data']).toContain(status.state);
      expect(status.evaluatedAt).toBe(new Date(NOW.getTime() + 5 * MINUTE).toISOString());
      const slo = (await api.http.get(`/api/v1/slos/${id}`).set(api.admin)).body;
      expect(slo.evaluation).toMatchObject({ consecutiveFailures: 0, lastError: null, lastSuccessAt: status.evaluatedAt });
    }
    // Buckets up to the outage are the same rows, unrewritten; only newer ones were added.
    const after = await storedBuckets();
    const untilNow = after.filter((row) => row.slo_id !== createdDuringOutage && row.bucket_start.getTime() < NOW.getTime());
    expect(untilNow).toEqual(bucketsBefore.filter((row) => row.bucket_start.getTime() < NOW.getTime()));
    expect(await historyCount()).toBe(historyBefore + 3);
    // The SLO created during the outage got its 30 days of buckets now.
    expect(after.filter((row) => row.slo_id === createdDuringOutage)).toHaveLength(30 * 288);
    expect((await statusOf(createdDuringOutage)).sli).not.toBeNull();
  });
});

describe('Prometheus frozen (requests time out)', () => {
  it('turns error on a timeout, keeps the figures, and recovers when Prometheus answers again', async () => {
    const before = await Promise.all(ids.map(statusOf));
    const historyBefore = await historyCount();
    prometheus.pause();
    try {
      const report = await cycleAt(6);
      expect({ failed: report.failed, evaluated: report.evaluated }).toEqual({ failed: 3, evaluated: 0 });
    } finally {
      prometheus.resume();
    }
    for (const [index, id] of ids.entries()) {
      const status = await statusOf(id);
      expect(status.state).toBe('error');
      expect(figures(status)).toEqual(figures(before[index]));
      expect((await api.http.get(`/api/v1/slos/${id}`).set(api.admin)).body.evaluation.lastError).toContain('did not answer within 2000 ms');
    }
    expect(await historyCount()).toBe(historyBefore);
    const recovered = await cycleAt(7);
    expect({ failed: recovered.failed, evaluated: recovered.evaluated }).toEqual({ failed: 0, evaluated: 3 });
    expect((await statusOf(ids[0])).state).not.toBe('error');
  });
});
