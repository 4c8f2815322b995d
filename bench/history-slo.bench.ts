// SLO history benchmark (`npm run bench -- history-slo`; not `slo-…`, which `npm run bench -- slo` would also run), issue 22 item 5.
//
// The 1,000-SLO benchmark database of `npm run bench -- openslo` without the
// import's Prometheus work: 1,000 SLOs (28d/30d windows) on 50 services, each
// with 30 days of 5-minute buckets (running totals) ending at the clock and one
// stored evaluation, written by SQL in the shape the evaluator writes them.
// The real API in this process on a private PostgreSQL (clock injected at the
// buckets' end) answers sequential GET /api/v1/slos/:id/history requests over
// 100 SLOs for the last 30 days: the default step and ?step=1h.
// Figures go to stdout (and EXPLAIN ANALYZE of the bucket read with
// SLO_HISTORY_BENCH_EXPLAIN=1); bench/RESULTS.md is written by hand.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { migrateDatabase } from '@app/database';
import { FixedClock } from '@app/platform';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '../migrations';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';

const NOW = new Date('2025-03-03T12:00:00Z');
const SERVICES = 50;
const SLOS = Number(process.env.SLO_BENCH_SLOS ?? 1000);
const BUCKET_DAYS = 30;
const REQUESTS = Number(process.env.SLO_BENCH_HISTORY_REQUESTS ?? 500);
const STEPS = (process.env.SLO_HISTORY_BENCH_STEPS ?? 'default,1h').split(',');
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-slo-history-bench-'));
  chmodSync(workDir, 0o755);
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const pg = await startPostgresProcess(join(workDir, 'pg'), await freePort());
    cleanup.push(() => pg.stop());
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE ballast_slo_history_bench');
    await admin.end();
    const databaseUrl = Object.assign(new URL(pg.url), { pathname: '/ballast_slo_history_bench' }).toString();
    await migrateDatabase({ url: databaseUrl, migrations: MIGRATIONS });
    const config = loadConfig({
      API_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'error',
      SCHEDULER_ENABLED: 'false',
      PROMETHEUS_URL: 'http://127.0.0.1:9',
      SLO_EVAL_INTERVAL_S: '60',
      DATA_DIR: workDir,
    });
    const app: NestExpressApplication = await createApiApp({ config, databaseUrl, clock: new FixedClock(NOW), printAdminToken: () => undefined });
    cleanup.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    if ((await call('POST', '/api/v1/teams', { slug: 'bench', name: 'Bench' })).status !== 201) throw new Error('team');
    for (let service = 0; service < SERVICES; service += 1) {
      const created = await call('POST', '/api/v1/services', { slug: `svc-${service}`, name: `svc-${service}`, team: 'bench' });
      if (created.status !== 201) throw new Error(`service ${created.status}`);
    }

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    cleanup.push(() => db.end());
    let started = performance.now();
    await db.query(
      `INSERT INTO slos (service_id, name, objective, window_days, indicator, policy, buckets_from, buckets_until)
       SELECT s.id, 'slo-' || i, (ARRAY[0.99, 0.995, 0.999])[1 + i % 3], CASE WHEN (i / $3) % 2 = 0 THEN 30 ELSE 28 END,
              jsonb_build_object('kind', 'ratio', 'total', format('bench_requests_total{service="svc-%s",route!="/variant-%s"}', i % $3, i),
                                 'bad', format('bench_requests_total{service="svc-%s",route!="/variant-%s",code=~"5.."}', i % $3, i)),
              '{"openIncident": false, "severity": "SEV3"}'::jsonb, $1::timestamptz - make_interval(days => $4), $1::timestamptz
       FROM generate_series(0, $2 - 1) AS i JOIN services s ON s.slug = 'svc-' || (i % $3)`,
      [NOW.toISOString(), SLOS, SERVICES, BUCKET_DAYS],
    );
    // Day/night volume with a small error share, running totals per SLO.
    await db.query(
      `INSERT INTO slo_event_buckets (slo_id, bucket_start, bad, total, cum_bad, cum_total)
       SELECT id, start, bad, total,
              sum(bad) OVER (PARTITION BY id ORDER BY start), sum(total) OVER (PARTITION BY id ORDER BY start)
       FROM (
         SELECT slo.id, start,
                round(v.total * (0.0005 + (abs(hashtext(slo.name)) % 10) * 0.0004) * (0.5 + random())) AS bad, v.total
         FROM slos slo
         CROSS JOIN generate_series($1::timestamptz - make_interval(days => $2), $1::timestamptz - interval '5 minutes', interval '5 minutes') AS start
         CROSS JOIN LATERAL (SELECT round(5 * (40 + abs(hashtext(slo.name)) % 400) * (0.2 + 1.6 * (1 + cos((extract(epoch FROM start)::bigint % 86400) / 86400.0 * 2 * pi())) / 2) * (0.8 + 0.4 * random())) AS total) v
       ) AS generated`,
      [NOW.toISOString(), BUCKET_DAYS],
    );
    await db.query(
      `INSERT INTO slo_evaluations (slo_id, evaluated_at, state, sli, error_budget_remaining, status)
       SELECT id, $1::timestamptz, 'ok', 0.999, 0.5, '{}'::jsonb FROM slos`,
      [NOW.toISOString()],
    );
    await db.query('VACUUM ANALYZE slos, slo_event_buckets, slo_evaluations');
    const { rows } = (await db.query(`SELECT count(*)::int AS rows FROM slo_event_buckets`)).rows[0] as { rows: number };
    log(`seeded ${SLOS} SLOs, ${rows} buckets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const ids = (await db.query(`SELECT id FROM slos ORDER BY name LIMIT 100`)).rows.map((row: { id: string }) => row.id);
    const from = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
    if (process.env.SLO_HISTORY_BENCH_EXPLAIN === '1') {
      const plan = await db.query(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT bucket_start, bad, total, cum_bad, cum_total FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start < $2 ORDER BY bucket_start`,
        [ids[0], NOW.toISOString()],
      );
      log(`EXPLAIN all buckets:\n${plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}`);
    }
    for (const step of STEPS) {
      const latencies: number[] = [];
      let points = 0;
      let stepSeconds = 0;
      started = performance.now();
      for (let index = 0; index < REQUESTS; index += 1) {
        const id = ids[index % ids.length];
        const query = `from=${from}&to=${NOW.toISOString()}${step === 'default' ? '' : `&step=${step}`}`;
        const requestStarted = performance.now();
        const history = await call('GET', `/api/v1/slos/${id}/history?${query}`);
        latencies.push(performance.now() - requestStarted);
        if (history.status !== 200) {
          log(`step ${step}: ${history.status} ${JSON.stringify(history.body)}`);
          break;
        }
        points = history.body.points.length;
        stepSeconds = history.body.stepSeconds;
      }
      latencies.sort((a, b) => a - b);
      log(
        `history 30 days, step ${step} (${stepSeconds} s, ${points} points), ${latencies.length} requests: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; load ${loadavg()
          .map((value) => value.toFixed(1))
          .join(' / ')}`,
      );
    }
    log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function log(message: string): void {
  process.stdout.write(`[slo-history] ${message}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
