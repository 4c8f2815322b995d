// The README's start command, as a newcomer runs it: the built launcher starts
// the embedded PostgreSQL, both apps, and takes everything down on SIGTERM
// after finishing in-flight requests.
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './support/ports';

const ROOT = resolve(__dirname, '..');
const LAUNCHER = join(ROOT, 'dist/scripts/start.js');

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Launched {
  const { DATABASE_URL: _ignored, API_ADMIN_TOKEN: _alsoIgnored, ...inherited } = process.env;
  const child = spawn(process.execPath, [LAUNCHER], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Resolves on the launcher's "Ballast is up" line (an output event), fails when it exits first or after `timeoutMs`. */
function waitForStartup(launched: Launched, timeoutMs: number): Promise<void> {
  const { child } = launched;
  return new Promise<void>((done, fail) => {
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
      if (error) fail(error);
      else done();
    };
    // Registered after launch()'s own listeners, so output() already holds the chunk.
    const check = (): void => {
      if (launched.output().includes('Ballast is up')) finish();
    };
    const exited = (code: number | null): void => finish(new Error(`launcher exited with ${code}:\n${launched.output()}`));
    const timer = setTimeout(() => finish(new Error(`not up after ${timeoutMs} ms:\n${launched.output()}`)), timeoutMs);
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    if (child.exitCode !== null) exited(child.exitCode);
    else check();
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

describe('npm start (built launcher)', () => {
  let dataDir: string;
  let ports: { api: number; statusPage: number; postgres: number };
  let running: Launched | undefined;

  beforeAll(async () => {
    if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: npm test builds it first (npm run build)`);
    dataDir = mkdtempSync(join(tmpdir(), 'ballast-start-'));
    // mkdtemp makes a 0700 directory; the embedded PostgreSQL user must be able to enter it.
    chmodSync(dataDir, 0o755);
    ports = { api: await freePort(), statusPage: await freePort(), postgres: await freePort() };
  });

  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    DATA_DIR: join(dataDir, 'data'),
    EMBEDDED_PG_PORT: String(ports.postgres),
    API_PORT: String(ports.api),
    STATUS_PAGE_PORT: String(ports.statusPage),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
  });

  it('starts both apps on an embedded database, finishes in-flight requests on SIGTERM, and starts again warm', async () => {
    running = launch(env());
    await waitForStartup(running, 120_000);
    const token = /blst_[A-Za-z0-9_-]{43}/.exec(running.output())?.[0];
    expect(token).toBeDefined();
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

    const created = await fetch(`http://127.0.0.1:${ports.api}/api/v1/teams`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug: 'payments', name: 'Payments' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`http://127.0.0.1:${ports.api}/api/v1/teams`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${ports.statusPage}/`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.statusPage}/health`)).status).toBe(200);

    // An in-flight request: headers and half the body sent before SIGTERM.
    const body = JSON.stringify({ slug: 'in-flight', name: 'Sent across the shutdown' });
    const inFlight = new Promise<number>((done, fail) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: ports.api, method: 'POST', path: '/api/v1/teams', headers: { ...auth, 'Content-Length': Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          done(response.statusCode ?? 0);
        },
      );
      request.once('error', fail);
      request.write(body.slice(0, 10));
      setTimeout(() => {
        running!.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(10)), 500);
      }, 200);
    });
    expect(await inFlight).toBe(201);
    expect(await running.exited).toBe(0);
    expect(await portOpen(ports.api)).toBe(false);
    expect(await portOpen(ports.postgres)).toBe(false);

    // Warm start: same data, no new admin token, data kept.
    running = launch(env());
    await waitForStartup(running, 60_000);
    expect(running.output()).not.toMatch(/blst_[A-Za-z0-9_-]{43}/);
    const teams = (await (await fetch(`http://127.0.0.1:${ports.api}/api/v1/teams`, { headers: auth })).json()) as { items: { slug: string }[] };
    expect(teams.items.map((team: { slug: string }) => team.slug)).toEqual(['in-flight', 'payments']);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 240_000);
});
