// Prometheus stopped for several SLO evaluation cycles under a running API:
// states go `error`, then `stale`; the figures users see stay the last good
// ones; no bucket or history row is written or rewritten; no incident opens
// (the burning SLO's incident was resolved before the outage, so a spurious
// "burn started" edge would open a new one); and the engine recovers by itself
// when Prometheus is back on the same port and storage.
import { RunningPrometheus, startPrometheus } from '../support/prometheus';
import { errorRate, getJson, millisUntil, query, sendJson, sleep } from './probes';
import { recordScenario } from './report';
import { BURNING, createTrafficSlo, HEALTHY, trafficHistory } from './slo-traffic';
import { BallastSystem, SteadyLoad } from './system';

const EVAL_INTERVAL_S = 2;
const STALE_AFTER_S = 6;
const OUTAGE_MS = 16_000;
const FRESH_STATES = ['ok', 'warning', 'critical', 'no_data'];

interface SloView {
  id: string;
  name: string;
  state: string | null;
  status: { sli: number | null; errorBudgetRemaining: number | null; evaluatedAt: string } | null;
  evaluation: { evaluatedAt: string | null; lastSuccessAt: string | null; consecutiveFailures: number; lastError: string | null };
}

type BucketRow = { slo_id: string; bucket_start: Date; bad: number; total: number; cum_bad: number; cum_total: number; xmin: string };

describe('Prometheus stopped for several evaluation cycles', () => {
  let prometheus: RunningPrometheus;
  let system: BallastSystem;

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: trafficHistory([HEALTHY, BURNING], Date.now() / 1000, { hoursBack: 26, minutesAhead: 20 }) });
    system = await BallastSystem.start({
      statusPage: false,
      env: {
        PROMETHEUS_URL: prometheus.url,
        SLO_EVAL_INTERVAL_S: String(EVAL_INTERVAL_S),
        SLO_STALE_AFTER_S: String(STALE_AFTER_S),
        PROMETHEUS_TIMEOUT_MS: '1000',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await prometheus?.stop();
  });

  it('goes error then stale, keeps figures, writes no buckets or history, opens no incident, and recovers by itself', async () => {
    const headers = system.adminHeaders();
    const api = system.api.url;
    const db = system.postgres.url;
    expect((await sendJson(`${api}/api/v1/teams`, 'POST', headers, { slug: 'sre', name: 'SRE' })).status).toBe(201);
    expect((await sendJson(`${api}/api/v1/services`, 'POST', headers, { slug: 'edge', name: 'Edge', team: 'sre' })).status).toBe(201);
    const ids: Record<string, string> = {};
    for (const slo of [HEALTHY, BURNING]) {
      const created = await createTrafficSlo(api, headers, 'edge', slo);
      expect(created.status).toBe(201);
      ids[slo.name] = created.id;
    }
    const slo = async (name: string): Promise<SloView> => (await getJson<SloView>(`${api}/api/v1/slos/${ids[name]}`, headers)).body;
    const states = async (): Promise<Record<string, string | null>> => ({ healthy: (await slo('healthy')).state, burning: (await slo('burning')).state });

    // Before the outage: the burning SLO opened its incident; someone resolved it.
    await millisUntil(
      async () => (await query(db, `SELECT 1 FROM incidents WHERE source = 'slo'`)).length === 1,
      'the burning SLO to open its incident',
      20_000,
    );
    const [incident] = await query<{ id: string }>(db, `SELECT id FROM incidents WHERE source = 'slo'`);
    for (const status of ['resolved']) {
      const moved = await sendJson(`${api}/api/v1/incidents/${incident.id}`, 'PATCH', headers, { status });
      if (moved.status !== 200) throw new Error(`PATCH status ${status}: ${moved.status} ${JSON.stringify(moved.body)}`);
    }
    const before = await states();
    expect(before).toEqual({ healthy: 'ok', burning: 'critical' });
    await millisUntil(async () => (await slo('healthy')).evaluation.consecutiveFailures === 0 && (await historyCount()) >= 4, 'a few good cycles', 20_000);

    // What users see throughout: the SLO status documents, 5 requests a second.
    const load = new SteadyLoad(() => fetch(`${api}/api/v1/slos/${ids.burning}/status`, { headers }), 5).start();
    const timeline: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const now = await states();
        const label = `${now.healthy}/${now.burning}`;
        if (timeline[timeline.length - 1] !== label) timeline.push(label);
        await sleep(200);
      }
    })();

    const goodFigures = { healthy: (await slo('healthy')).status, burning: (await slo('burning')).status };
    const servedBeforeOutage = load.statuses.get('200') ?? 0;
    const killedAt = Date.now();
    await prometheus.kill();
    const errorAfterMs = await millisUntil(async () => Object.values(await states()).every((state) => state === 'error'), 'both SLOs to read error', 15_000);
    // Every good evaluation has been written by now: this is the stored state the outage must not touch.
    const bucketsAtOutage = await buckets();
    const historyAtOutage = await history();
    const lastGood = { healthy: (await slo('healthy')).status, burning: (await slo('burning')).status };
    const staleAfterMs = await millisUntil(async () => Object.values(await states()).every((state) => state === 'stale'), 'both SLOs to read stale', 20_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - killedAt)));
    const duringOutage = { healthy: await slo('healthy'), burning: await slo('burning') };
    const bucketsAfterOutage = await buckets();
    const historyAfterOutage = await history();
    const load200s = load.statuses.get('200') ?? 0;

    const restartedAt = Date.now();
    await prometheus.restart();
    const prometheusBackMs = Date.now() - restartedAt;
    const recoveredAfterMs = await millisUntil(
      async () => {
        const [healthy, burning] = [await slo('healthy'), await slo('burning')];
        return [healthy, burning].every((view) => FRESH_STATES.includes(view.state ?? '') && view.evaluation.consecutiveFailures === 0);
      },
      'both SLOs to recover',
      20_000,
    );
    const historyAtRecovery = (await history()).length;
    await sleep(3 * EVAL_INTERVAL_S * 1000);
    watching = false;
    await watcher;
    const outageStatuses = await load.stop();
    const historyResumed = (await history()).length - historyAtRecovery;
    const after = await states();
    const bucketsAfter = await buckets();
    const incidents = await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM incidents`);
    const burnEvents = await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM incident_timeline_events WHERE kind = 'slo_burn_started'`);
    const errorLogs = system.api.logLines().filter((line) => Number(line.level) >= 50).length;

    // Buckets well before the outage are the very same rows (same row version); only the last two are re-read.
    const settledBefore = Math.floor((killedAt - 15 * 60_000) / 300_000) * 300_000;
    const settled = (rows: BucketRow[]) => rows.filter((row) => row.bucket_start.getTime() < settledBefore);
    const figuresKept = (['healthy', 'burning'] as const).every(
      (name) =>
        duringOutage[name].status?.sli === lastGood[name]?.sli && duringOutage[name].status?.errorBudgetRemaining === lastGood[name]?.errorBudgetRemaining,
    );
    const checks = {
      'error then stale':
        timeline.includes('error/error') && timeline.includes('stale/stale') && timeline.indexOf('error/error') < timeline.indexOf('stale/stale'),
      'figures kept': figuresKept,
      'no rows written during the outage':
        JSON.stringify(bucketsAfterOutage) === JSON.stringify(bucketsAtOutage) && JSON.stringify(historyAfterOutage) === JSON.stringify(historyAtOutage),
      'settled buckets untouched after recovery': JSON.stringify(settled(bucketsAfter)) === JSON.stringify(settled(bucketsAtOutage)),
      'no incident opened': incidents[0].n === 1 && burnEvents[0].n === 1,
      'recovered by itself': after.healthy === before.healthy && after.burning === before.burning && historyResumed > 0,
      'status always answered': Object.keys(outageStatuses).every((status) => status === '200'),
    };
    const passed = Object.values(checks).every(Boolean) && errorLogs === 0;
    recordScenario({
      scenario: 'Prometheus stopped for several evaluation cycles',
      injected: `Prometheus killed for ${Math.round((restartedAt - killedAt) / 1000)} s (${Math.round((restartedAt - killedAt) / 1000 / EVAL_INTERVAL_S)} evaluation cycles of ${EVAL_INTERVAL_S} s, SLO_STALE_AFTER_S ${STALE_AFTER_S}) under two SLOs (one healthy, one burning whose incident had been resolved), then restarted on the same port and storage`,
      usersSaw: `SLO states (healthy/burning) ${timeline.join(' → ')}; GET /api/v1/slos/:id/status ${JSON.stringify(outageStatuses)} with the last good SLI and budget throughout; last error "${duringOutage.healthy.evaluation.lastError ?? ''}"`,
      stored: `${bucketsAtOutage.length} bucket rows and ${historyAtOutage.length} history rows identical (contents and row versions) before and after the outage; ${settled(bucketsAfter).length} settled buckets untouched after recovery; ${historyResumed} new history rows after recovery; incidents ${incidents[0].n} (the resolved one), slo_burn_started events ${burnEvents[0].n}`,
      figures: {
        'status requests answered 200 during the outage': load200s - servedBeforeOutage,
        'status error rate': errorRate(outageStatuses),
        'failed cycles per SLO': duringOutage.healthy.evaluation.consecutiveFailures,
        'error after (ms)': errorAfterMs,
        'stale after error (ms)': staleAfterMs,
        'Prometheus ready after restart (ms)': prometheusBackMs,
        'SLOs fresh again after Prometheus ready (ms)': recoveredAfterMs,
        'error-level log lines': errorLogs,
      },
      passed,
    });

    expect(checks).toEqual(Object.fromEntries(Object.keys(checks).map((key) => [key, true])));
    expect(goodFigures.healthy?.sli).not.toBeNull();
    expect(duringOutage.healthy.evaluation.consecutiveFailures).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / 1000 / EVAL_INTERVAL_S) - 2);
    expect(duringOutage.healthy.evaluation.lastError).toContain('unreachable');
    expect(errorLogs).toBe(0);

    async function buckets(): Promise<BucketRow[]> {
      return query<BucketRow>(
        db,
        `SELECT slo_id, bucket_start, bad, total, cum_bad, cum_total, xmin::text AS xmin FROM slo_event_buckets ORDER BY slo_id, bucket_start`,
      );
    }
    async function history(): Promise<Record<string, unknown>[]> {
      return query(db, `SELECT *, xmin::text AS xmin FROM slo_evaluations ORDER BY id`);
    }
    async function historyCount(): Promise<number> {
      return (await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM slo_evaluations`))[0].n;
    }
  }, 180_000);
});
