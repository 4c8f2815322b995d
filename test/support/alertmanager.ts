// A real Alertmanager (Debian `prometheus-alertmanager`) for integration tests:
// loopback only, clustering off, one webhook receiver, everything in a temp dir.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports';

export interface RunningAlertmanager {
  url: string;
  /** host:port, for Prometheus' alerting.alertmanagers targets */
  address: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  webhookUrl: string;
  bearerToken: string;
  groupBy?: string[];
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-alertmanager-'));
  const configFile = join(workDir, 'alertmanager.yml');
  writeFileSync(
    configFile,
    stringify({
      route: { receiver: 'ballast', group_by: options.groupBy ?? ['alertname', 'team'], group_wait: '1s', group_interval: '2s', repeat_interval: '1h' },
      receivers: [
        {
          name: 'ballast',
          webhook_configs: [
            { url: options.webhookUrl, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: options.bearerToken } } },
          ],
        },
      ],
    }),
  );
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited (${child.exitCode}):\n${output.join('')}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager not ready:\n${output.join('')}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { url, address: `127.0.0.1:${port}`, logs: () => output.join(''), stop };
}
