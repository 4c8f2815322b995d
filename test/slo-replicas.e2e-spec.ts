// Several API replicas on one database: each SLO is evaluated exactly once per
// cycle, whichever replicas run the cycle and however they interleave (claims
// with FOR UPDATE SKIP LOCKED and a fencing token). Evaluations are counted as
// the rows of the evaluation history (one per good evaluation).
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { SLO_EVALUATION_INTERVAL_NAME, SloEvaluator, SloReadModel } from '@app/slo';
import { RunningApi, startApi } from './support/api-app';
import { createTestDatabase, TestDatabase } from './support/database';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { eventually } from './support/poll';
import { buildSyntheticHistory } from './support/synthetic-traffic';

const NOW = new Date('2025-03-03T12:00:00Z');
const SLO_COUNT = 10;

let prometheus: RunningPrometheus;
let database: TestDatabase;
let clock: FixedClock;
const replicas: RunningApi[] = [];
const ids: string[] = [];

async function evaluationsPerSlo(): Promise<number[]> {
  const rows: Array<{ id: string; count: string }> = await replicas[0].app
    .get(DataSource)
    .query(`SELECT s.id, count(e.id) AS count FROM slos s LEFT JOIN slo_evaluations e ON e.slo_id = s.id GROUP BY s.id`);
  const counts = new Map(rows.map((row) => [row.id, Number(row.count)]));
  return ids.map((id) => counts.get(id) ?? 0);
}

async function startReplica(env: Record<string, string> = {}): Promise<RunningApi> {
  const replica = await startApi({
    database,
    keepDatabase: true,
    clock,
    env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60', SLO_EVAL_CONCURRENCY: '1', ...env },
  });
  replicas.push(replica);
  return replica;
}

/** Counts the evaluation cycles a replica's scheduler finished (the event a "nothing more happened" check waits for). */
function countFinishedCycles(replica: RunningApi): () => number {
  const evaluator = replica.app.get(SloEvaluator);
  const runCycle = evaluator.runCycle.bind(evaluator);
  let finished = 0;
  jest.spyOn(evaluator, 'runCycle').mockImplementation(async () => {
    const report = await runCycle();
    finished += 1;
    return report;
  });
  return () => finished;
}

beforeAll(async () => {
  const history = buildSyntheticHistory({ now: NOW.getTime() / 1000, days: 31 });
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
  database = await createTestDatabase();
  clock = new FixedClock(NOW);
  const first = await startReplica();
  await startReplica();
  await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'sre', name: 'SRE' });
  await first.http.post('/api/v1/services').set(first.admin).send({ slug: 'edge', name: 'Edge', team: 'sre' });
  const scenarios = history.scenarios.filter((scenario) => scenario.indicator.kind === 'ratio');
  for (let index = 0; index < SLO_COUNT; index += 1) {
    const scenario = scenarios[index % scenarios.length];
    const created = await first.http
      .post('/api/v1/slos')
      .set(first.admin)
      .send({ service: 'edge', name: `slo-${index}`, objective: 0.99, window: index % 2 === 0 ? '28d' : '7d', indicator: scenario.indicator });
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
}, 180_000);

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await database?.drop();
  await prometheus?.stop();
});

describe('two replicas on one database', () => {
  it('evaluate each SLO exactly once per cycle', async () => {
    expect(await evaluationsPerSlo()).toEqual(ids.map(() => 1)); // the evaluation at creation
    const [a, b] = replicas.map((replica) => replica.app.get(SloEvaluator));
    let claimedByA = 0;
    let claimedByB = 0;
    for (let cycle = 1; cycle <= 4; cycle += 1) {
      clock.advance(60_000);
      const [reportA, reportB] = await Promise.all([a.runCycle(), b.runCycle()]);
      expect({
        cycle,
        claimed: reportA.claimed + reportB.claimed,
        evaluated: reportA.evaluated + reportB.evaluated,
        superseded: reportA.superseded + reportB.superseded,
      }).toEqual({
        cycle,
        claimed: SLO_COUNT,
        evaluated: SLO_COUNT,
        superseded: 0,
      });
      claimedByA += reportA.claimed;
      claimedByB += reportB.claimed;
      expect({ cycle, evaluations: await evaluationsPerSlo() }).toEqual({ cycle, evaluations: ids.map(() => 1 + cycle) });
      // Running the cycle again before the next slot evaluates nothing.
      const [againA, againB] = await Promise.all([a.runCycle(), b.runCycle()]);
      expect(againA.claimed + againB.claimed).toBe(0);
    }
    // Which replica claims how many depends on timing; together they claim each SLO once per cycle.
    expect(claimedByA + claimedByB).toBe(4 * SLO_COUNT);
  });

  it('an evaluation superseded by a newer claim (POST /evaluate elsewhere) writes nothing', async () => {
    const [a] = replicas;
    const service = a.app.get(SloReadModel);
    const store = (a.app.get(SloEvaluator) as unknown as { store: { claimNow(id: string, next: Date): Promise<unknown> } }).store;
    const stale = await store.claimNow(ids[0], new Date(NOW.getTime() + 3_600_000));
    expect((await replicas[1].http.post(`/api/v1/slos/${ids[0]}/evaluate`).set(replicas[1].admin)).status).toBe(200);
    const before = await evaluationsPerSlo();
    const outcomes = await (a.app.get(SloEvaluator) as unknown as { evaluateBatch(claims: unknown[]): Promise<string[]> }).evaluateBatch([stale]);
    expect(outcomes).toEqual(['superseded']);
    expect(await evaluationsPerSlo()).toEqual(before);
    expect((await service.latestStates([ids[0]])).get(ids[0])?.state).not.toBeNull();
  });
});

describe('replicas with the scheduler enabled', () => {
  it('register the interval from SLO_EVAL_INTERVAL_S and still evaluate each SLO once per slot', async () => {
    const scheduled = [
      await startReplica({ SCHEDULER_ENABLED: 'true', SLO_EVAL_INTERVAL_S: '1' }),
      await startReplica({ SCHEDULER_ENABLED: 'true', SLO_EVAL_INTERVAL_S: '1' }),
    ];
    for (const replica of scheduled) {
      expect(replica.app.get(SchedulerRegistry).doesExist('interval', SLO_EVALUATION_INTERVAL_NAME)).toBe(true);
    }
    const finishedCycles = scheduled.map(countFinishedCycles);
    for (let slot = 1; slot <= 2; slot += 1) {
      const before = await evaluationsPerSlo();
      // The fixed clock only moves here: each move makes every SLO due once (earlier slots were 60 s apart).
      clock.advance(60_000);
      await eventually(async () => expect(await evaluationsPerSlo()).toEqual(before.map((count) => count + 1)), 15_000);
      // Two more whole cycles of both replicas (each started after the evaluations landed): nothing is due until the clock moves again.
      const seen = finishedCycles.map((finished) => finished());
      await eventually(async () => expect(finishedCycles.map((finished, index) => finished() >= seen[index] + 2)).toEqual([true, true]), 15_000);
      expect({ slot, evaluations: await evaluationsPerSlo() }).toEqual({ slot, evaluations: before.map((count) => count + 1) });
    }
  }, 60_000);
});

describe('the evaluate rate limit across replicas', () => {
  it('is one allowance per token, whichever replica answers (SLO_EVALUATE_PER_MINUTE, default 6)', async () => {
    const [a, b] = replicas;
    const issued = await a.http.post('/api/v1/teams/sre/tokens').set(a.admin).send({ name: 'rate-limit-probe' });
    expect(issued.status).toBe(201);
    const token = { Authorization: `Bearer ${issued.body.token}` };
    const statuses: number[] = [];
    // Three on each replica: a per-replica allowance of 6 would take 6 on each.
    for (const replica of [a, b, a, b, a, b]) statuses.push((await replica.http.post(`/api/v1/slos/${ids[1]}/evaluate`).set(token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    for (const replica of [a, b]) {
      const limited = await replica.http.post(`/api/v1/slos/${ids[1]}/evaluate`).set(token);
      expect([limited.status, limited.body.error]).toEqual([429, 'rate_limited']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
    const rows = await a.app.get(DataSource).query(`SELECT count FROM evaluate_rate_windows WHERE token_key = $1`, [issued.body.id]);
    expect(rows).toEqual([{ count: 6 }]);
    // Another token (the admin's) has its own allowance.
    expect((await b.http.post(`/api/v1/slos/${ids[1]}/evaluate`).set(b.admin)).status).toBe(200);
  });

  it('never lets concurrent requests on two replicas exceed the limit', async () => {
    const [a, b] = replicas;
    const issued = await a.http.post('/api/v1/teams/sre/tokens').set(a.admin).send({ name: 'rate-limit-race' });
    const token = { Authorization: `Bearer ${issued.body.token}` };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).http.post(`/api/v1/slos/${ids[2]}/evaluate`).set(token)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
  });
});
