// SLO specs benchmark (`npm run bench -- openslo`), issue 22.
//
// The same generated traffic as the SLO engine benchmark (50 services × 2
// status-code counters, one sample a minute for 31 days) in a real Prometheus,
// the real API in this process on a private PostgreSQL, clock injected at the
// history's end:
//  1. one OpenSLO v1 file (YAML list form) of 1,000 SLOs imported with
//     POST /api/v1/slos/import?team=…: wall time, Prometheus queries (checks and
//     backfills), the longest event-loop stall while it ran;
//  2. template-vs-selector equality: SLOs 500..999 are SLOs 0..499 written as
//     PromQL templates (`sum(rate(…[{{.window}}]))`); their figures are compared;
//  3. GET /api/v1/slos/:id/history for the last 30 days (the default range of a
//     30d SLO), sequential requests over 100 SLOs: p50/p95/p99.
// Figures go to stdout and to the "SLO specs" section of bench/RESULTS.md.
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { loadConfig } from '@app/config';
import { migrateDatabase } from '@app/database';
import { FixedClock } from '@app/platform';
import { PrometheusClient, PrometheusWorkStats } from '@app/slo';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '../migrations';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';
import { startPrometheus } from '../test/support/prometheus';

const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const HISTORY_DAYS = 31;
const SERVICES = 50;
const SLOS = Number(process.env.SLO_BENCH_SLOS ?? 1000);
const HALF = Math.floor(SLOS / 2);
const HISTORY_REQUESTS = Number(process.env.SLO_BENCH_HISTORY_REQUESTS ?? 500);
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const HISTORY_P95_TARGET_MS = 50;

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

/** The SLO engine benchmark's traffic (same generator and seeds). */
function writeHistory(path: string): number {
  const file = openSync(path, 'w');
  let samples = 0;
  try {
    writeSync(file, '# HELP bench_requests Requests served.\n# TYPE bench_requests counter\n');
    const start = NOW_SECONDS - HISTORY_DAYS * 86_400;
    const end = NOW_SECONDS + 15 * 60;
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

/** SLO i < HALF as selectors; SLO HALF + i the same as templates. */
function openSloFile(): string {
  const documents: unknown[] = [];
  for (let index = 0; index < SLOS; index += 1) {
    const base = index % HALF;
    const service = `svc-${base % SERVICES}`;
    const variant = Math.floor(base / SERVICES);
    const matchers = `service="${service}",route!="/variant-${variant}"`;
    const template = index >= HALF;
    const query = (extra: string) =>
      template ? `sum(rate(bench_requests_total{${matchers}${extra}}[{{.window}}]))` : `bench_requests_total{${matchers}${extra}}`;
    documents.push({
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: { name: `slo-${index}` },
      spec: {
        service,
        indicator: {
          metadata: { name: `slo-${index}-errors` },
          spec: {
            ratioMetric: {
              counter: true,
              bad: { metricSource: { type: 'Prometheus', spec: { query: query(',code=~"5.."') } } },
              total: { metricSource: { type: 'Prometheus', spec: { query: query('') } } },
            },
          },
        },
        timeWindow: [{ duration: variant % 2 === 0 ? '30d' : '28d', isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [{ target: [0.99, 0.995, 0.999][base % 3] }],
      },
    });
  }
  return stringify(documents, { lineWidth: 0 });
}

function workBetween(before: PrometheusWorkStats, after: PrometheusWorkStats) {
  return {
    instantQueries: after.instantQueries - before.instantQueries,
    rangeQueries: after.rangeQueries - before.rangeQueries,
    samples: after.queriedSamples - before.queriedSamples,
    prometheusSeconds: after.prometheusSeconds - before.prometheusSeconds,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function log(message: string): void {
  process.stdout.write(`[slo-specs] ${message}\n`);
}

/** node:http rather than fetch: an import of 1,000 SLOs answers after minutes, past fetch's 300 s header timeout. */
function request(baseUrl: string, method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${baseUrl}${path}`,
      { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-slo-specs-bench-'));
  chmodSync(workDir, 0o755);
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const historyFile = join(workDir, 'history.om');
    const historySamples = writeHistory(historyFile);
    const prometheus = await startPrometheus({ openMetricsFile: historyFile, readyTimeoutMs: 300_000 });
    cleanup.push(() => prometheus.stop());
    rmSync(historyFile, { force: true });
    log(`history: ${historySamples} samples imported`);

    const pg = await startPostgresProcess(join(workDir, 'pg'), await freePort());
    cleanup.push(() => pg.stop());
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE ballast_slo_specs_bench');
    await admin.end();
    const databaseUrl = Object.assign(new URL(pg.url), { pathname: '/ballast_slo_specs_bench' }).toString();
    await migrateDatabase({ url: databaseUrl, migrations: MIGRATIONS });
    const config = loadConfig({
      API_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'error',
      SCHEDULER_ENABLED: 'false',
      PROMETHEUS_URL: prometheus.url,
      SLO_EVAL_INTERVAL_S: '60',
      DATA_DIR: workDir,
    });
    const app: NestExpressApplication = await createApiApp({ config, databaseUrl, clock: new FixedClock(NOW), printAdminToken: () => undefined });
    cleanup.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const client = app.get(PrometheusClient);
    if ((await request(baseUrl, 'POST', '/api/v1/teams', JSON.stringify({ slug: 'bench', name: 'Bench' }))).status !== 201) throw new Error('team');

    // 1. Import of one OpenSLO file.
    const yaml = openSloFile();
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    const before = client.stats();
    stalls.enable();
    let started = performance.now();
    const imported = await request(baseUrl, 'POST', '/api/v1/slos/import?team=bench', yaml, 'text/yaml');
    const importMs = performance.now() - started;
    stalls.disable();
    if (imported.status !== 201 || imported.body.items.length !== SLOS)
      throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body).slice(0, 2000)}`);
    const importWork = workBetween(before, client.stats());
    const maxStallMs = stalls.max / 1e6;
    log(
      `imported ${SLOS} SLOs (${(yaml.length / 2 ** 20).toFixed(2)} MiB) in ${(importMs / 1000).toFixed(1)} s: ${JSON.stringify(importWork)}; longest event-loop stall ${maxStallMs.toFixed(0)} ms`,
    );
    started = performance.now();
    const dryRun = await request(baseUrl, 'POST', '/api/v1/slos/import?team=bench&dryRun=true', yaml, 'text/yaml');
    const dryRunMs = performance.now() - started;
    const unchanged = dryRun.body.items.filter((item: { action: string }) => item.action === 'unchanged').length;
    log(`dry run of the same file: ${(dryRunMs / 1000).toFixed(1)} s, ${unchanged} unchanged`);

    // 2. Template vs selector. An SLO whose evaluation could not be stored during the import (a loaded
    // machine: PostgreSQL connection timeouts) is evaluated again first, as the scheduler would.
    const items = imported.body.items as Array<{
      id: string;
      name: string;
      status: { sli: number | null; errorBudgetRemaining: number | null; windows: Record<string, { errorRatio: number | null }> } | null;
    }>;
    let reevaluated = 0;
    for (const item of items) {
      if (item.status === null) {
        const evaluated = await request(baseUrl, 'POST', `/api/v1/slos/${item.id}/evaluate`);
        if (evaluated.status !== 200) throw new Error(`evaluate ${item.name}: ${evaluated.status}`);
        item.status = evaluated.body;
        reevaluated += 1;
      }
    }
    log(`${reevaluated} SLOs had no stored evaluation after the import and were evaluated again`);
    const byName = new Map(items.map((item) => [item.name, item]));
    let maxRelative = 0;
    let compared = 0;
    for (let index = 0; index < HALF; index += 1) {
      const selector = byName.get(`slo-${index}`);
      const template = byName.get(`slo-${HALF + index}`);
      if (!selector || !template) throw new Error(`missing pair ${index}`);
      for (const [key, value] of Object.entries(selector.status?.windows ?? {})) {
        const a = value.errorRatio;
        const b = template.status?.windows[key]?.errorRatio ?? null;
        if ((a === null) !== (b === null)) throw new Error(`slo-${index} ${key}: ${a} vs ${b}`);
        if (a !== null && b !== null) {
          maxRelative = Math.max(maxRelative, Math.abs(a - b) / Math.max(Math.abs(a), 1e-12));
          compared += 1;
        }
      }
    }
    log(`template vs selector: ${compared} window error ratios of ${HALF} pairs, largest relative difference ${maxRelative.toExponential(2)}`);

    // 3. History for 30 days.
    const ids = items
      .filter((item) => item.name.startsWith('slo-'))
      .slice(0, 100)
      .map((item) => item.id);
    const from = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
    const latencies: number[] = [];
    let points = 0;
    for (let index = 0; index < HISTORY_REQUESTS; index += 1) {
      const id = ids[index % ids.length];
      const requestStarted = performance.now();
      const history = await request(baseUrl, 'GET', `/api/v1/slos/${id}/history?from=${from}&to=${NOW.toISOString()}`);
      latencies.push(performance.now() - requestStarted);
      if (history.status !== 200) throw new Error(`history ${history.status}`);
      points = history.body.points.length;
      if (index === 0) log(`history: ${points} points, step ${history.body.stepSeconds} s`);
    }
    latencies.sort((a, b) => a - b);
    const historyFigures = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), points };
    log(`history over 30 days: ${JSON.stringify(historyFigures)}`);

    writeResults({
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
      load: loadavg()[0],
      yamlMiB: yaml.length / 2 ** 20,
      importMs,
      importWork,
      maxStallMs,
      dryRunMs,
      unchanged,
      reevaluated,
      compared,
      maxRelative,
      history: historyFigures,
    });
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

function writeResults(results: {
  machine: string;
  load: number;
  yamlMiB: number;
  importMs: number;
  importWork: ReturnType<typeof workBetween>;
  maxStallMs: number;
  dryRunMs: number;
  unchanged: number;
  reevaluated: number;
  compared: number;
  maxRelative: number;
  history: { p50: number; p95: number; p99: number; points: number };
}): void {
  const file = join(__dirname, 'RESULTS.md');
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const section = [
    '## SLO specs (issue 22)',
    '',
    `Run by \`npm run bench -- openslo\` on ${new Date().toISOString().slice(0, 10)} (${results.machine}, shared: 1-minute load ${results.load.toFixed(1)} at the end). The SLO engine benchmark's traffic (50 services × 2 counters, a sample a minute for ${HISTORY_DAYS} days) in a real Prometheus; the real API on a private PostgreSQL; clock at the history's end.`,
    '',
    '| what | figure |',
    '|---|---|',
    `| import of ${SLOS} SLOs from one OpenSLO v1 file (YAML list, ${results.yamlMiB.toFixed(2)} MiB), \`?team=\` creating ${SERVICES} services | ${(results.importMs / 1000).toFixed(1)} s, all checked, backfilled (28/30 days of 5-minute buckets) and evaluated before answering |`,
    `| Prometheus queries of that import | ${results.importWork.instantQueries} instant (2 checks + evaluation per SLO), ${results.importWork.rangeQueries} range (backfill), ${results.importWork.samples.toLocaleString('en-US')} samples loaded, ${results.importWork.prometheusSeconds.toFixed(1)} s of Prometheus time |`,
    `| longest event-loop stall during the import | ${ms(results.maxStallMs)} (parsing and validating the YAML and PromQL is synchronous) |`,
    `| SLOs whose evaluation could not be stored during the import (PostgreSQL connection timeouts on the loaded machine), evaluated again | ${results.reevaluated} |`,
    `| dry run of the same file again | ${(results.dryRunMs / 1000).toFixed(1)} s, ${results.unchanged} of ${SLOS} unchanged |`,
    `| template vs selector (${HALF} pairs: the same SLO as \`sum(rate(…[{{.window}}]))\` templates and as counter selectors) | largest relative difference of ${results.compared} window error ratios: ${results.maxRelative.toExponential(2)} |`,
    `| GET /api/v1/slos/:id/history, 30 days (${results.history.points} points), sequential, ${HISTORY_REQUESTS} requests over 100 SLOs (target p95 ≤ ${HISTORY_P95_TARGET_MS} ms) | p50 ${ms(results.history.p50)}, p95 ${ms(results.history.p95)}, p99 ${ms(results.history.p99)} |`,
    '',
  ].join('\n');
  const current = readFileSync(file, 'utf8');
  const start = current.indexOf('## SLO specs (issue 22)');
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const end = current.indexOf('\n## ', start + 1);
    next = `${current.slice(0, start)}${section}${end < 0 ? '' : current.slice(end + 1)}`;
  }
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
