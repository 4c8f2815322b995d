// Status page benchmark (`npm run bench -- status-page`).
//
// A realistic page (3 groups, 12 components with 90 days of recorded history,
// 60 resolved public incidents, one active incident, a maintenance, and
// private incidents and notes that must stay hidden) on a private PostgreSQL;
// the status page as production runs it (its Nest build under plain node, in
// its own process) on Node 24 (`npx -p node@24`) and on this machine's Node,
// side by side with nginx (Debian, 1 worker) serving the very same bytes as
// static files. wrk (C, epoll, one thread), 256 keep-alive connections, a
// 5 s warm-up, then SECONDS per row, on `/`, `/api/v2/summary.json` and `/`
// gzip; ROUNDS interleaved rounds (nginx, Node 24, Node here, back to back).
// On 2+ cores the server under test is pinned to its own core (taskset) and
// everything else to another. Targets (issue 19): on Node 24, >= 70% of
// nginx's requests/s and p99 <= 2 x nginx's p99 (medians of the rounds).
// Figures go to stdout and to the "Status page on Node's HTTP server" section
// of bench/RESULTS.md.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { migrateDatabase } from '@app/database';
import { createApiApp } from '../apps/api/src/bootstrap';
import { MIGRATIONS } from '../migrations';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';
import { IncidentFixtures } from '../test/support/status-fixtures';

const ROOT = resolve(__dirname, '..');
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const CONNECTIONS = 256;
/** STATUS_BENCH_SECONDS shortens the run while developing; the recorded figures use the default. */
const SECONDS = Number(process.env.STATUS_BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 5;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';
const TARGET_SHARE = 0.7;
const TARGET_P99_FACTOR = 2;
/** Core of the server under test; wrk, PostgreSQL and this process run on the generator's core. */
const PINNED = cpus().length >= 2;
const SERVER_CPU = String(cpus().length - 1);
const GENERATOR_CPU = '0';
const pinned = (cpu: string, command: string, args: string[]): [string, string[]] => (PINNED ? ['taskset', ['-c', cpu, command, ...args]] : [command, args]);
const PATHS = ['/', '/api/v2/summary.json'] as const;
type Encoding = 'identity' | 'gzip';
interface Probe {
  path: (typeof PATHS)[number];
  encoding: Encoding;
}
const PROBES: readonly Probe[] = [
  { path: '/', encoding: 'identity' },
  { path: '/api/v2/summary.json', encoding: 'identity' },
  { path: '/', encoding: 'gzip' },
];
const probeLabel = (probe: Probe) => (probe.encoding === 'identity' ? probe.path : `${probe.path} (${probe.encoding})`);
const NGINX_SERVER = 'nginx 1 worker';

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
}

interface Row {
  server: string;
  path: string;
  round: number;
  result: LoadResult;
}

function log(message: string): void {
  process.stdout.write(`[status-page bench] ${message}\n`);
}

/** wrk's own figures, printed as JSON by its `done` hook (latencies in microseconds). */
const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"max":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
`;
let wrkScript = '';

/** wrk (one thread, keep-alive) on the generator's core. */
function runWrk(url: string, seconds: number, encoding: Encoding): Promise<LoadResult> {
  const [command, args] = pinned(GENERATOR_CPU, WRK, [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    wrkScript,
    '-H',
    `Accept-Encoding: ${encoding}`,
    url,
  ]);
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
        max: ms(result.max),
        total: result.requests,
        non2xx: result.status,
        errors: result.connect + result.read + result.write + result.timeout,
      });
    });
  });
}

async function measure(url: string, encoding: Encoding): Promise<LoadResult> {
  await runWrk(url, WARMUP_SECONDS, encoding);
  return runWrk(url, SECONDS, encoding);
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
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'status-page', '-p', relative(ROOT, tsconfig)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'apps/status-page/src/main.js');
}

/** The Node 24 binary from the npm registry (`npx -p node@24`), or BENCH_NODE24 when set. */
function node24Binary(): string {
  if (process.env.BENCH_NODE24) return process.env.BENCH_NODE24;
  return execFileSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], { cwd: ROOT, encoding: 'utf8' }).trim();
}

async function startStatusPageProcess(
  node: string,
  mainJs: string,
  databaseUrl: string,
  dataDir: string,
): Promise<{ url: string; child: ChildProcess; version: string }> {
  const port = await freePort();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const [command, args] = pinned(SERVER_CPU, node, ['--enable-source-maps', mainJs]);
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
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 60_000);
  return { url: `http://127.0.0.1:${port}`, child, version };
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

async function seed(
  api: { post: (path: string, body: unknown) => Promise<{ id: string }> },
  fixtures: IncidentFixtures,
  db: Client,
): Promise<{ activeIncidentId: string }> {
  await api.post('/api/v1/teams', { slug: 'platform', name: 'Platform' });
  const teamId = await fixtures.teamId('platform');
  const components: string[] = [];
  for (const [index, groupName] of ['Payments', 'Core platform', 'Integrations'].entries()) {
    const group = await api.post('/api/v1/status/component-groups', { name: groupName, description: `${groupName} services` });
    for (const name of ['API', 'Dashboard', 'Webhooks', 'Background jobs']) {
      components.push(
        (
          await api.post('/api/v1/status/components', {
            name: `${groupName} ${name}`,
            description: `${name} of ${groupName.toLowerCase()}`,
            groupId: group.id,
            position: index * 10 + components.length,
          })
        ).id,
      );
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
    const incident = await fixtures.declare({
      teamId,
      title: `Elevated error rates on ${['checkout', 'login', 'search', 'webhooks'][index % 4]} (#${index + 1})`,
      visibility: index % 7 === 0 ? 'private' : 'public',
      severity: 'SEV3',
      status: 'resolved',
      startedAt,
      resolvedAt: new Date(startedAt.getTime() + 3_600_000),
    });
    for (const [offset, status] of (['investigating', 'identified', 'monitoring', 'resolved'] as const).entries()) {
      await fixtures.addEvent({
        incidentId: incident.id,
        kind: 'public_update',
        body: `Update ${offset + 1}: ${status}. We are looking into elevated error rates affecting some customers; more details to follow as we learn them.`,
        public: true,
        status,
        occurredAt: new Date(startedAt.getTime() + offset * 900_000),
      });
      await fixtures.addEvent({
        incidentId: incident.id,
        kind: 'internal_note',
        body: 'Internal: see runbook',
        public: false,
        occurredAt: new Date(startedAt.getTime() + offset * 900_000 + 60_000),
      });
    }
  }
  const active = await fixtures.declare({
    teamId,
    title: 'Payments API errors',
    visibility: 'public',
    severity: 'SEV2',
    startedAt: new Date(Date.now() - 1_800_000),
    affected: [
      { componentId: components[0], status: 'partial_outage' },
      { componentId: components[2], status: 'degraded_performance' },
    ],
  });
  await fixtures.addEvent({
    incidentId: active.id,
    kind: 'public_update',
    body: 'We are investigating errors when paying.',
    public: true,
    status: 'investigating',
    occurredAt: new Date(Date.now() - 1_700_000),
  });
  await api.post('/api/v1/status/maintenances', {
    name: 'Database upgrade',
    body: 'Writes may pause for up to a minute.',
    components: components.slice(4, 8),
    scheduledFor: new Date(Date.now() + 2 * day).toISOString(),
    scheduledUntil: new Date(Date.now() + 2 * day + 3_600_000).toISOString(),
  });
  return { activeIncidentId: active.id };
}

async function main(): Promise<void> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx`);
  if (!existsSync(WRK)) throw new Error(`${WRK} is missing: apt-get install wrk`);
  const loadBefore = loadavg();
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
      const response = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    cleanup.push(() => db.end());
    await seed({ post }, new IncidentFixtures(apiApp.get(DataSource)), db);

    const mainJs = buildStatusPage(workDir);
    const servers: Array<{ name: string; url: string }> = [];
    for (const [label, node] of [
      ['Node 24', node24Binary()],
      ['Node here', process.execPath],
    ] as const) {
      const page = await startStatusPageProcess(node, mainJs, databaseUrl, join(workDir, `data-${servers.length}`));
      cleanup.push(() => stopChild(page.child));
      servers.push({ name: `Ballast, ${label === 'Node 24' ? 'Node 24' : 'Node'} ${page.version}`, url: page.url });
      log(`status page on ${page.version} at ${page.url}`);
    }

    // The very same bytes for nginx, as static files (and the gzip as a gzip_static file).
    const staticRoot = join(workDir, 'static');
    mkdirSync(join(staticRoot, 'api/v2'), { recursive: true });
    chmodSync(staticRoot, 0o755);
    const bodies = new Map<string, Buffer>();
    for (const path of PATHS) {
      const file = join(staticRoot, path === '/' ? 'index.html' : path.slice(1));
      for (const encoding of ['identity', 'gzip'] as const) {
        const served = await rawBody(`${servers[0].url}${path}`, { 'accept-encoding': encoding });
        if (encoding === 'gzip' && served.encoding !== 'gzip') throw new Error(`the status page did not gzip ${path}`);
        bodies.set(`${path} ${encoding}`, served.body);
        writeFileSync(encoding === 'gzip' ? `${file}.gz` : file, served.body);
      }
    }
    const sha = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
    const nginx = await startNginx(staticRoot);
    cleanup.push(() => nginx.stop());
    for (const server of [{ name: NGINX_SERVER, url: nginx.url }, ...servers]) {
      for (const probe of PROBES) {
        const served = await rawBody(`${server.url}${probe.path}`, { 'accept-encoding': probe.encoding });
        if (sha(served.body) !== sha(bodies.get(`${probe.path} ${probe.encoding}`) as Buffer))
          throw new Error(`${server.name} does not serve the same bytes for ${probeLabel(probe)}`);
      }
    }
    log(
      `bodies: / ${bodies.get('/ identity')?.length} bytes (${bodies.get('/ gzip')?.length} gzipped), summary.json ${bodies.get('/api/v2/summary.json identity')?.length} bytes`,
    );

    const rows: Row[] = [];
    for (const probe of PROBES) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const server of [{ name: NGINX_SERVER, url: nginx.url }, ...servers]) {
          const result = await measure(`${server.url}${probe.path}`, probe.encoding);
          rows.push({ server: server.name, path: probeLabel(probe), round, result });
          log(
            `${server.name} | ${probeLabel(probe)} | round ${round}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
          );
        }
      }
    }
    writeResults(
      rows,
      servers.map((server) => server.name),
      { before: loadBefore, after: loadavg() },
    );
  } finally {
    for (const step of cleanup.reverse()) await step().catch((error) => log(`cleanup: ${String(error)}`));
    rmSync(workDir, { recursive: true, force: true });
  }
}

const number = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}

function writeResults(rows: Row[], ballast: string[], load: { before: number[]; after: number[] }): void {
  const of = (server: string, path: string, pick: (result: LoadResult) => number) =>
    median(rows.filter((row) => row.server === server && row.path === path).map((row) => pick(row.result)));
  const verdicts = ballast.map((server) => {
    const parts = PROBES.map((probe) => {
      const path = probeLabel(probe);
      const share = of(server, path, (result) => result.requestsPerSecond) / (of(NGINX_SERVER, path, (result) => result.requestsPerSecond) || 1);
      const p99 = of(server, path, (result) => result.p99);
      const nginxP99 = of(NGINX_SERVER, path, (result) => result.p99);
      const met = share >= TARGET_SHARE && p99 <= TARGET_P99_FACTOR * nginxP99;
      return `\`${path}\` ${number(share * 100)}% of nginx's requests/s, p99 ${number(p99, 1)} ms vs nginx ${number(nginxP99, 1)} ms (${number(p99 / (nginxP99 || 1), 1)}×): ${met ? 'met' : 'NOT met'}`;
    });
    return `- ${server}: ${parts.join('; ')}.`;
  });
  const averages = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');
  const pinning = PINNED
    ? `Server under test pinned to core ${SERVER_CPU}; wrk (\`-t1 -c${CONNECTIONS} -d${SECONDS}s\`), PostgreSQL and the benchmark process to core ${GENERATOR_CPU}.`
    : `Only ${cpus().length} core: nothing is pinned.`;
  const section = [
    "## Status page on Node's HTTP server",
    '',
    `Run by \`npm run bench -- status-page\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${averages(load.before)} at the start, ${averages(load.after)} at the end; the machine is shared, so requests/s and latency move with whatever else runs). The status page answers its public routes from the in-memory snapshot with a plain Node request handler ahead of Express (no connection fast path, no accept fan-out, no thread renicing); nginx (Debian, 1 worker, access log off) serves the very same bytes as static files (checked by SHA-256; \`/ (gzip)\` is the status page's gzip as a \`gzip_static\` file). ${pinning} ${CONNECTIONS} connections, keep-alive, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s per row, ${ROUNDS} interleaved rounds; latencies are wrk's.`,
    '',
    '| server | path | round | requests/s | p50 ms | p99 ms | max ms | non-2xx | errors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ server, path, round, result }) =>
        `| ${server} | \`${path}\` | ${round} | ${number(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.max} | ${result.non2xx} | ${result.errors} |`,
    ),
    '',
    `Targets (issue 19: ≥ ${TARGET_SHARE * 100}% of nginx's requests/s and p99 ≤ ${TARGET_P99_FACTOR}× nginx's p99 on Node 24; medians of the rounds):`,
    '',
    ...verdicts,
    '',
  ].join('\n');
  log(`\n${section}`);
  const file = join(__dirname, 'RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = current.search(/^## Status page on Node's HTTP server\s*$/m);
  let next: string;
  if (start === -1) next = `${current.replace(/\n*$/, '\n\n')}${section}`;
  else {
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
