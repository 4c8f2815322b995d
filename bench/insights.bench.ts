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
import { DeliveryInsightsService, InsightsService } from '@app/incidents';
import { MIGRATIONS } from '../migrations';
import { RawDeliveryInsights } from './delivery-insights-reference';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = 40;
// The per-request statements from raw rows that the deployment rollup replaced: a few runs per case, and each answer checked equal to the rollup's.
const REFERENCE_RUNS = Number(process.env.BENCH_REFERENCE_RUNS ?? 3);
// Issue 24: deployments of 200 services (4 per team) over the same two years, 6% failed or rolled
// back, 85% with a commit time, 2% fixing an incident; 2% of incidents name the deployment that
// caused them and 1% are duplicates (left out of the rollup by its triggers).
const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1_000_000);

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
    const deploymentsStarted = performance.now();
    await loader.query(
      `INSERT INTO services (slug, name, team_id) SELECT 'service-' || n, 'Service ' || n, (SELECT id FROM teams WHERE slug = 'team-' || (1 + n % 50)) FROM generate_series(1, 200) n`,
    );
    await loader.query(
      `INSERT INTO deployments (service_id, environment, version, status, started_at, finished_at, commit_at)
       SELECT service_ids.ids[1 + (g % 200)],
              CASE WHEN g % 10 = 0 THEN 'staging' ELSE 'production' END,
              'v' || g,
              CASE WHEN (g / 200) % 50 = 7 THEN 'failed' WHEN (g / 200) % 50 IN (13, 29) THEN 'rolled_back' ELSE 'succeeded' END,
              s.finished - interval '4 minutes', s.finished,
              CASE WHEN g % 7 = 0 THEN NULL ELSE s.finished - (interval '1 second' * (600 + (g * 104729) % 259200)) END
         FROM generate_series(1::bigint, $1::bigint) g
         CROSS JOIN (SELECT array_agg(id ORDER BY slug) AS ids FROM services) service_ids
         CROSS JOIN LATERAL (SELECT timestamptz '2026-11-23' - (interval '1 second' * ((g * 2246822519) % (730 * 86400))) AS finished) s`,
      [DEPLOYMENTS],
    );
    // Links: an incident of the deployment's team started within the hour after it; fixes: the next deployment.
    await loader.query(
      `UPDATE incidents i SET caused_by_deployment_id = d.id
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM deployments WHERE environment = 'production') d
        WHERE i.number % 50 = 3 AND d.n = 1 + (i.number * 31) % GREATEST(1, $1::bigint * 9 / 10)`,
      [DEPLOYMENTS],
    );
    await loader.query(
      `UPDATE deployments d SET fixes_incident_id = i.id FROM incidents i WHERE i.caused_by_deployment_id IS NOT NULL AND i.number % 100 = 53 AND d.id = i.caused_by_deployment_id`,
    );
    await loader.query(`UPDATE incidents d SET duplicate_of_id = o.id FROM incidents o WHERE d.number % 100 = 41 AND o.number = d.number - 1`);
    const deploymentsMs = performance.now() - deploymentsStarted;
    // What autovacuum does shortly after a bulk load: statistics, and the visibility map that
    // lets the percentile scans stay index-only.
    await loader.query('VACUUM ANALYZE incidents, incident_counts, incident_insight_facts, deployments, deployment_insight_facts, services, teams');
    await loader.release();
    const insights = new InsightsService(dataSource);
    const delivery = new DeliveryInsightsService(dataSource);
    const aligned = { from: new Date('2026-08-25T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') };
    // The API's default period: the 90 days up to "now", which starts and ends inside a day.
    const ragged = { from: new Date('2026-08-24T14:27:31.250Z'), to: new Date('2026-11-22T14:27:31.250Z') };
    const cases = [
      ['all teams', aligned, false],
      ['one team', aligned, true],
      ['all teams, ragged', ragged, false],
      ['one team, ragged', ragged, true],
    ] as const;
    const results: Record<string, number[]> = Object.fromEntries(
      cases.flatMap(([label]) => [
        [label, []],
        [`delivery: ${label}`, []],
      ]),
    );
    let rows = 0;
    let deliveryRows = 0;
    const loadBefore = loadavg();
    for (let run = 0; run < RUNS + 5; run++) {
      for (const [label, period, oneTeam] of cases) {
        const started = performance.now();
        const result = await insights.incidentInsights(period, oneTeam ? { team: `team-${1 + (run % 50)}` } : {});
        const elapsed = performance.now() - started;
        if (run >= 5) results[label].push(elapsed);
        rows = Math.max(rows, result.byTeamAndType.length);
        const deliveryStarted = performance.now();
        const figures = await delivery.deliveryInsights(period, oneTeam ? { team: `team-${1 + (run % 50)}` } : {});
        const deliveryElapsed = performance.now() - deliveryStarted;
        if (run >= 5) results[`delivery: ${label}`].push(deliveryElapsed);
        deliveryRows = Math.max(deliveryRows, figures.byService.length);
      }
    }
    const loadAfter = loadavg();
    // Reference: the same cases from the raw rows (before the rollup), after the measured runs so that they
    // do not interleave with them; each answer must equal the rollup's.
    const reference = new RawDeliveryInsights(dataSource);
    let mismatches = 0;
    for (let run = 0; run < REFERENCE_RUNS; run++) {
      for (const [label, period, oneTeam] of cases) {
        const filter = oneTeam ? { team: `team-${1 + (run % 50)}` } : {};
        const started = performance.now();
        const raw = await reference.deliveryInsights(period, filter);
        (results[`reference (raw rows): ${label}`] ??= []).push(performance.now() - started);
        if (JSON.stringify(raw) !== JSON.stringify(await delivery.deliveryInsights(period, filter))) mismatches += 1;
      }
    }
    const loadAfterReference = loadavg();
    const line = (label: string) => {
      const values = results[label];
      return `| ${label} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 95).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
    };
    process.stdout.write(
      [
        `incidents: ${INCIDENTS}, loaded in ${(loadMs / 1000).toFixed(1)} s (rollup triggers included); team x type rows (all teams): ${rows}; ${RUNS} measured runs after 5 warm-up runs`,
        `load average (1/5/15 min) before: ${loadBefore.map((value) => value.toFixed(2)).join(' / ')}, after: ${loadAfter.map((value) => value.toFixed(2)).join(' / ')}`,
        `deployments: ${DEPLOYMENTS} (200 services), loaded and linked in ${(deploymentsMs / 1000).toFixed(1)} s; service rows (all teams): ${deliveryRows}`,
        '| query (90 days + previous 90 days) | p50 ms | p95 ms | max ms |',
        '|---|---|---|---|',
        ...cases.map(([label]) => line(label)),
        ...cases.map(([label]) => line(`delivery: ${label}`)),
        ...(REFERENCE_RUNS > 0 ? cases.map(([label]) => line(`reference (raw rows): ${label}`)) : []),
        `reference: ${REFERENCE_RUNS} runs per case; answers different from the rollup's: ${mismatches}; load average after: ${loadAfterReference.map((value) => value.toFixed(2)).join(' / ')}`,
        '',
      ].join('\n'),
    );
    if (mismatches > 0) process.exitCode = 1;
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
