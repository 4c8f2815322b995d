// The whole of Ballast as separate processes, as it runs in production: a
// PostgreSQL server, the built API and status page (dist/), optionally a real
// Prometheus and the fake Slack Web API. Everything listens on 127.0.0.1.
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrateDatabase } from '../../libs/database/src/migrate';
import { MIGRATIONS } from '../../migrations';
import { PostgresProcess, startPostgresProcess } from '../support/pg-process';
import { freePort } from '../support/ports';

const ROOT = resolve(__dirname, '../..');
export const ADMIN_TOKEN = 'resilience-admin-token-0123456789';

export class AppProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  readonly url: string;

  constructor(
    readonly name: 'api' | 'status-page',
    readonly port: number,
    private readonly env: () => Record<string, string>,
    /** Distinguishes replicas of the same app in messages (`api-2`). */
    readonly label: string = name,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const entry = join(ROOT, `dist/apps/${this.name}/src/main.js`);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    const child = spawn(process.execPath, [entry], { cwd: ROOT, env: { ...process.env, ...this.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (!this.logs().includes('listening on')) {
      if (child.exitCode !== null) throw new Error(`${this.label} exited with ${child.exitCode}:\n${this.logs()}`);
      if (Date.now() > deadline) throw new Error(`${this.label} did not start in ${timeoutMs} ms:\n${this.logs()}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** Sends a signal and waits for the process to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill(signal);
    return exited;
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  logs(): string {
    return this.output.join('');
  }

  /** Parsed JSON log lines (pino). */
  logLines(): Record<string, unknown>[] {
    return this.logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }
}

export interface SystemOptions {
  env?: Record<string, string>;
  statusPage?: boolean;
  /** API processes on the one database (default 1); `api` is the first, `apis` all of them. */
  apiReplicas?: number;
}

export class BallastSystem {
  postgres: PostgresProcess;
  readonly apis: AppProcess[] = [];
  statusPage: AppProcess | undefined;

  private constructor(
    readonly workDir: string,
    readonly postgresPort: number,
    postgres: PostgresProcess,
  ) {
    this.postgres = postgres;
  }

  static async start(options: SystemOptions = {}): Promise<BallastSystem> {
    const workDir = mkdtempSync(join(tmpdir(), 'ballast-resilience-'));
    chmodSync(workDir, 0o755);
    const postgresPort = await freePort();
    const postgres = await startPostgresProcess(join(workDir, 'pg'), postgresPort);
    await migrateDatabase({ url: postgres.url, migrations: MIGRATIONS });
    const system = new BallastSystem(workDir, postgresPort, postgres);
    const env = (): Record<string, string> => ({
      DATABASE_URL: system.postgres.url,
      DATA_DIR: join(workDir, 'data'),
      HOST: '127.0.0.1',
      API_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '10000',
      ...options.env,
    });
    const replicas = options.apiReplicas ?? 1;
    for (let index = 0; index < replicas; index += 1) {
      const port = await freePort();
      system.apis.push(new AppProcess('api', port, () => ({ ...env(), API_PORT: String(port) }), replicas > 1 ? `api-${index + 1}` : 'api'));
    }
    // Replicas boot side by side, as a rolling deployment would start them.
    await Promise.all(system.apis.map((api) => api.start()));
    if (options.statusPage !== false) {
      system.statusPage = new AppProcess('status-page', await freePort(), () => ({ ...env(), STATUS_PAGE_PORT: String(system.statusPage?.port) }));
      await system.statusPage.start();
    }
    return system;
  }

  get api(): AppProcess {
    return this.apis[0];
  }

  async stopDatabase(): Promise<void> {
    await this.postgres.stop();
  }

  async startDatabase(): Promise<void> {
    this.postgres = await startPostgresProcess(join(this.workDir, 'pg'), this.postgresPort);
  }

  async stop(): Promise<void> {
    await Promise.all(this.apis.map((api) => api.stop()));
    await this.statusPage?.stop();
    await this.postgres.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  adminHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
  }
}

/** Issues requests at a steady rate until stopped, and counts what came back. */
export class SteadyLoad {
  readonly statuses = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  sent = 0;

  constructor(
    private readonly request: () => Promise<Response>,
    private readonly perSecond: number,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      this.sent += 1;
      const attempt = this.request()
        .then((response) => {
          void response.arrayBuffer().catch(() => undefined);
          this.count(String(response.status));
        })
        .catch(() => this.count('network_error'))
        .finally(() => this.inFlight.delete(attempt));
      this.inFlight.add(attempt);
    }, 1000 / this.perSecond);
    return this;
  }

  /** Answers counted so far, by status. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.statuses);
  }

  async stop(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return Object.fromEntries(this.statuses);
  }

  /** Answers counted between two snapshots. */
  static between(earlier: Record<string, number>, later: Record<string, number>): Record<string, number> {
    return Object.fromEntries(
      Object.entries(later)
        .map(([status, count]) => [status, count - (earlier[status] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
  }

  private count(key: string): void {
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
}
