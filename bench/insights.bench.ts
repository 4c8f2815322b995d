// Insights over 1,000,000 synthetic incidents (50 teams, 12 types, two years):
// p95 latency of the 90-day team x type matrix with trend and MTTA/MTTR,
// through InsightsService against a private embedded PostgreSQL. The
// incidents are bulk-inserted after the migrations, so the rollup triggers
// build incident_counts and incident_insight_facts as the app's writes would.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, migrateDatabase, startEmbeddedPostgres } from '@app/database';
import { InsightsService } from '@app/incidents';
import { MIGRATIONS } from '../migrations';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = 40;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-insights-'));
  chmodSync(dir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: dir, port: 56000 + Math.floor(Math.random() * 900) });
  const dataSource = new DataSource(buildDataSourceOptions({ url: database.url }));
  try {
    await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
    await dataSource.initialize();
    // One connection for the bulk load, without the app's 30 s statement timeout.
    const loader = dataSource.createQueryRunner();
    await loader.connect();
    await loader.query('SET statement_timeout = 0');
    await loader.query(`INSERT INTO teams (slug, name) SELECT 'team-' || n, 'Team ' || n FROM generate_series(1, 50) n`);
    await loader.query(`INSERT INTO incident_types (slug, label) SELECT 'type-' || n, 'Type ' || n FROM generate_series(1, 12) n`);
    const loadStarted = performance.now();
    await loader.query(
      `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, acknowledged_at, resolved_at, last_update_at)
       SELECT 'Incident ' || g,
              (ARRAY['SEV1','SEV2','SEV3','SEV4'])[1 + (g % 4)],
              CASE WHEN g % 20 = 0 THEN 'investigating' ELSE 'resolved' END,
              'type-' || (1 + (g * 7) % 12),
              team_ids.ids[1 + (g % 50)], 'internal', 'bench',
              (ARRAY['slack','api','slo','alertmanager'])[1 + (g % 4)],
              s.started, s.started + interval '5 minutes',
              CASE WHEN g % 10 = 0 THEN NULL ELSE s.started + (interval '1 second' * (300 + (g * 37) % 1800)) END,
              CASE WHEN g % 20 = 0 THEN NULL ELSE s.started + (interval '1 second' * (1800 + (g * 7919) % 172800)) END,
              s.started
         FROM generate_series(1::bigint, $1::bigint) g
         CROSS JOIN (SELECT array_agg(id ORDER BY slug) AS ids FROM teams) team_ids
         CROSS JOIN LATERAL (SELECT timestamptz '2026-11-23' - (interval '1 second' * ((g * 2654435761) % (730 * 86400))) AS started) s`,
      [INCIDENTS],
    );
    const loadMs = performance.now() - loadStarted;
    // What autovacuum does shortly after a bulk load: statistics, and the visibility map that
    // lets the percentile scans stay index-only.
    await loader.query('VACUUM ANALYZE incidents, incident_counts, incident_insight_facts');
    await loader.release();
    const insights = new InsightsService(dataSource);
    const aligned = { from: new Date('2026-08-25T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') };
    // The API's default period: the 90 days up to "now", which starts and ends inside a day.
    const ragged = { from: new Date('2026-08-24T14:27:31.250Z'), to: new Date('2026-11-22T14:27:31.250Z') };
    const cases = [
      ['all teams', aligned, false],
      ['one team', aligned, true],
      ['all teams, ragged', ragged, false],
      ['one team, ragged', ragged, true],
    ] as const;
    const results: Record<string, number[]> = Object.fromEntries(cases.map(([label]) => [label, []]));
    let rows = 0;
    const loadBefore = loadavg();
    for (let run = 0; run < RUNS + 5; run++) {
      for (const [label, period, oneTeam] of cases) {
        const started = performance.now();
        const result = await insights.incidentInsights(period, oneTeam ? { team: `team-${1 + (run % 50)}` } : {});
        const elapsed = performance.now() - started;
        if (run >= 5) results[label].push(elapsed);
        rows = Math.max(rows, result.byTeamAndType.length);
      }
    }
    const loadAfter = loadavg();
    const line = (label: string) => {
      const values = results[label];
      return `| ${label} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 95).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
    };
    process.stdout.write(
      [
        `incidents: ${INCIDENTS}, loaded in ${(loadMs / 1000).toFixed(1)} s (rollup triggers included); team x type rows (all teams): ${rows}; ${RUNS} measured runs after 5 warm-up runs`,
        `load average (1/5/15 min) before: ${loadBefore.map((value) => value.toFixed(2)).join(' / ')}, after: ${loadAfter.map((value) => value.toFixed(2)).join(' / ')}`,
        '| query (90 days + previous 90 days) | p50 ms | p95 ms | max ms |',
        '|---|---|---|---|',
        ...cases.map(([label]) => line(label)),
        '',
      ].join('\n'),
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
