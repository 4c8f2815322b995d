// `npm start`: one command for the whole of Ballast. Starts the embedded
// PostgreSQL once (unless DATABASE_URL is set), applies migrations, then runs
// the API and the status page as two processes sharing it, and takes
// everything down together on Ctrl-C / SIGTERM.
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadConfig } from '@app/config';
import { explainStartupError, migrateDatabase, provideDatabase } from '@app/database';
import { MIGRATIONS } from '../migrations';

const APPS = [
  { name: 'api', entry: resolve(__dirname, '../apps/api/src/main.js') },
  { name: 'status-page', entry: resolve(__dirname, '../apps/status-page/src/main.js') },
];

function log(message: string): void {
  process.stdout.write(JSON.stringify({ level: 30, time: Date.now(), app: 'launcher', msg: message }) + '\n');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, () => undefined);
  log(config.DATABASE_URL ? 'using DATABASE_URL' : `embedded PostgreSQL ready on 127.0.0.1:${config.EMBEDDED_PG_PORT} (data in ${config.DATA_DIR})`);
  const applied = await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
  if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
    const waitForChildren = [...children.values()].map((child) =>
      child.exitCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', done)),
    );
    void Promise.all(waitForChildren)
      .then(() => database.stop())
      .finally(() => process.exit(exitCode));
  };

  const ready = new Set<string>();
  for (const app of APPS) {
    const child = spawn(process.execPath, ['--enable-source-maps', app.entry], {
      // The children's stdout is a pipe: pass on whether ours is a terminal (human-readable logs) unless LOG_FORMAT says otherwise.
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_FORMAT: config.LOG_FORMAT !== 'auto' ? config.LOG_FORMAT : process.stdout.isTTY ? 'pretty' : 'json',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (!ready.has(app.name) && chunk.toString().includes('listening on')) {
        ready.add(app.name);
        if (ready.size === APPS.length)
          log(
            `Ballast is up in ${Date.now() - startedAt} ms: API http://localhost:${config.API_PORT}, status page http://localhost:${config.STATUS_PAGE_PORT}`,
          );
      }
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${app.name} exited (${signal ?? code}); stopping Ballast`);
        stopAll('SIGTERM', code === 0 ? 0 : 1);
      }
    });
    children.set(app.name, child);
  }
  process.once('SIGINT', () => stopAll('SIGTERM', 0));
  process.once('SIGTERM', () => stopAll('SIGTERM', 0));
}

main().catch((error: unknown) => {
  process.stderr.write(`Ballast failed to start: ${explainStartupError(error)}\n`);
  process.exit(1);
});
