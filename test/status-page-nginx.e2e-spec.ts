// Issue 20, item 7: the shipped nginx micro-cache (deploy/nginx/status-page.conf)
// in front of the built status page, run with Debian's real nginx. Every public
// route is warmed through nginx, the status page process is killed (by its
// pid), and every public route keeps answering 200 through nginx for over 60 s
// while the origin is gone.
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { startApi } from './support/api-app';
import { createTestDatabase, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { freePort } from './support/ports';
import { IncidentFixtures, seedStatusScenario, SeededScenario } from './support/status-fixtures';

const ROOT = resolve(__dirname, '..');
const STATUS_PAGE_MAIN = join(ROOT, 'dist/apps/status-page/src/main.js');
const NGINX = '/usr/sbin/nginx';
const TEMPLATE = join(ROOT, 'deploy/nginx/status-page.conf');
const OUTAGE_MS = 62_000;

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(command: string, args: string[], env: Record<string, string | undefined>): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** The shipped template with its three placeholders filled in, inside a minimal main configuration under a private prefix. */
function writeNginxConfig(prefix: string, upstream: string, port: number): string {
  for (const dir of ['cache', 'logs', 'conf', 'temp']) mkdirSync(join(prefix, dir), { recursive: true });
  // nginx started as root runs its workers as nobody: they must be able to write the cache and temp files.
  for (const dir of [prefix, join(prefix, 'cache'), join(prefix, 'temp')]) chmodSync(dir, 0o777);
  const site = readFileSync(TEMPLATE, 'utf8')
    .replaceAll('${STATUS_PAGE_UPSTREAM}', upstream)
    .replaceAll('${NGINX_PORT}', `127.0.0.1:${port}`)
    .replaceAll('${NGINX_CACHE_DIR}', join(prefix, 'cache'));
  expect(site).not.toMatch(/\$\{[A-Z_]+\}/);
  writeFileSync(join(prefix, 'conf/status-page.conf'), site);
  const main = [
    'daemon off;',
    'master_process on;',
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'logs/error.log')} warn;`,
    'events { worker_connections 512; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${join(prefix, 'temp/body')};`,
    `  proxy_temp_path ${join(prefix, 'temp/proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'temp/fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'temp/uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'temp/scgi')};`,
    `  include ${join(prefix, 'conf/status-page.conf')};`,
    '}',
  ].join('\n');
  const path = join(prefix, 'conf/nginx.conf');
  writeFileSync(path, main);
  return path;
}

async function get(url: string): Promise<{ status: number; body: string; cache: string | null }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text(), cache: response.headers.get('x-cache-status') };
}

describe('nginx micro-cache in front of the status page (deploy/nginx/status-page.conf)', () => {
  let database: TestDatabase;
  let seeded: SeededScenario;
  let prefix: string;
  let dataDir: string;
  let origin: Spawned | undefined;
  let nginx: Spawned | undefined;
  let nginxUrl: string;
  let originUrl: string;

  beforeAll(async () => {
    if (!existsSync(STATUS_PAGE_MAIN)) throw new Error(`${STATUS_PAGE_MAIN} is missing: run \`npm run build\` first`);
    database = await createTestDatabase();
    const api = await startApi({ database, keepDatabase: true });
    try {
      seeded = await seedStatusScenario(api, new IncidentFixtures(api.app.get(DataSource)), new Date());
    } finally {
      await api.close();
    }
    prefix = mkdtempSync(join(tmpdir(), 'ballast-nginx-'));
    dataDir = mkdtempSync(join(tmpdir(), 'ballast-nginx-origin-'));
    const originPort = await freePort();
    originUrl = `http://127.0.0.1:${originPort}`;
    origin = launch(process.execPath, [STATUS_PAGE_MAIN], {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      TZ: 'UTC',
      DATABASE_URL: database.url,
      STATUS_PAGE_PORT: String(originPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PUBLIC_STATUS_URL: 'https://status.example.com',
      STATUS_PAGE_NAME: 'Acme',
    });
    await eventually(
      async () => {
        if (origin?.child.exitCode !== null) throw new Error(`the status page exited:\n${origin?.output()}`);
        return (await fetch(`${originUrl}/api/v2/status.json`)
          .then((response) => response.ok)
          .catch(() => false))
          ? true
          : undefined;
      },
      'the status page to answer',
      60_000,
      200,
    );
    const nginxPort = await freePort();
    nginxUrl = `http://127.0.0.1:${nginxPort}`;
    const config = writeNginxConfig(prefix, `127.0.0.1:${originPort}`, nginxPort);
    nginx = launch(NGINX, ['-p', prefix, '-c', config], { PATH: process.env.PATH });
    await eventually(
      async () => {
        if (nginx?.child.exitCode !== null) throw new Error(`nginx exited:\n${nginx?.output()}`);
        return (await fetch(`${nginxUrl}/api/v2/status.json`)
          .then((response) => response.ok)
          .catch(() => false))
          ? true
          : undefined;
      },
      'nginx to answer',
      30_000,
      100,
    );
  }, 180_000);

  afterAll(async () => {
    for (const process of [nginx, origin]) {
      if (process && process.child.exitCode === null && process.child.signalCode === null) {
        process.child.kill('SIGTERM');
        await process.exited;
      }
    }
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('keeps every public route at 200 for over 60 s after the status page process is killed', async () => {
    const home = await get(`${nginxUrl}/`);
    expect(home.status).toBe(200);
    const assets = [...home.body.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(0);
    const routes = [
      '/',
      '/history',
      `/incidents/${seeded.publicIncidentId}`,
      `/incidents/${seeded.resolvedIncidentId}`,
      `/maintenances/${seeded.maintenanceId}`,
      '/api/v2/summary.json',
      '/api/v2/status.json',
      '/api/v2/components.json',
      '/api/v2/incidents.json',
      '/api/v2/incidents/unresolved.json',
      '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/upcoming.json',
      '/api/v2/scheduled-maintenances/active.json',
      '/history.rss',
      '/history.atom',
      `/badge/${seeded.checkoutId}.svg`,
      ...new Set(assets),
    ];
    // Warm: each route through nginx until nginx has it cached (a second request is a HIT).
    const warm = new Map<string, string>();
    for (const route of routes) {
      const first = await get(`${nginxUrl}${route}`);
      expect([route, first.status]).toEqual([route, 200]);
      const cached = await eventually(
        async () => {
          const again = await get(`${nginxUrl}${route}`);
          return again.cache === 'HIT' ? again : undefined;
        },
        `${route} cached by nginx`,
        10_000,
        50,
      );
      warm.set(route, cached.body);
    }

    // The origin goes away: killed by its pid, no goodbye.
    const pid = origin?.child.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid as number, 'SIGKILL');
    await origin?.exited;
    expect(
      await fetch(`${originUrl}/`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');

    const started = Date.now();
    let rounds = 0;
    const cacheStatuses = new Set<string>();
    while (Date.now() - started < OUTAGE_MS) {
      for (const route of routes) {
        const response = await get(`${nginxUrl}${route}`);
        expect([route, response.status]).toEqual([route, 200]);
        expect([route, response.body.length > 0]).toEqual([route, true]);
        if (route.startsWith('/api/v2/')) expect(JSON.parse(response.body)).toHaveProperty('page');
        if (response.cache) cacheStatuses.add(response.cache);
      }
      rounds++;
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(60_000);
    expect(rounds).toBeGreaterThan(3);
    // Past max-age the copies are stale and still served: nginx says so.
    expect([...cacheStatuses].some((status) => status === 'STALE' || status === 'UPDATING')).toBe(true);
    // The same bytes as before the outage (nothing made up while the origin is gone).
    expect((await get(`${nginxUrl}/api/v2/summary.json`)).body).toBe(warm.get('/api/v2/summary.json'));
    expect(nginx?.child.exitCode).toBeNull();
  }, 180_000);
});
