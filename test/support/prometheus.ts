// A real Prometheus for integration tests: the Debian `prometheus` binary on a
// TSDB built by `promtool tsdb create-blocks-from openmetrics` from generated
// histories, listening on 127.0.0.1 only, with no scrape targets, no
// Alertmanager and no remote storage, so nothing reaches the network. Every
// file lives in one temporary directory, removed by stop().
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { PrometheusMatrixSeries, PrometheusVectorSample } from '../../libs/slo/src';
import { freePort } from './ports';
import { eventually } from './poll';

const execFileAsync = promisify(execFile);

export interface PrometheusOptions {
  /** OpenMetrics text (ending with `# EOF`) imported as TSDB blocks before start. */
  readonly openMetrics?: string;
  /** The same, from a file (histories too large for one string; the file is left in place). */
  readonly openMetricsFile?: string;
  /** Rule files by file name, loaded through `rule_files`. */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** Global rule evaluation interval; short in tests so rules are evaluated quickly. */
  readonly evaluationInterval?: string;
  readonly readyTimeoutMs?: number;
  /** Extra top-level configuration (e.g. scrape_configs, alerting), merged over the defaults. */
  readonly extraConfig?: Readonly<Record<string, unknown>>;
}

export interface RunningPrometheus {
  readonly url: string;
  /** Instant query; `time` (seconds) is required so no result depends on the wall clock. */
  instantQuery(query: string, time: number): Promise<PrometheusVectorSample[]>;
  rangeQuery(query: string, range: { start: number; end: number; stepSeconds: number }): Promise<PrometheusMatrixSeries[]>;
  /** GET of an API path, returning `data` of a successful answer. */
  api<T>(path: string): Promise<T>;
  logs(): string;
  /** Stops the server but keeps its storage, port and configuration (outage tests). */
  kill(): Promise<void>;
  /** Starts the server again after kill(), on the same port and storage. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its port but answers nothing (requests time out) until resume(). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/**
 * Block span for the importer. promtool cuts imported samples into blocks of at
 * most this duration (hidden flag `--max-block-duration`, default 2h). 2h blocks
 * would mean hundreds of blocks for 30 days and one pass over the input file per
 * block; 100 days gives one or two blocks and is still read by Prometheus as is.
 */
const IMPORT_MAX_BLOCK_DURATION = '2400h';

export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-prometheus-'));
  try {
    const dataDir = join(workDir, 'data');
    mkdirSync(dataDir);
    if (options.openMetrics !== undefined) {
      await importOpenMetrics(workDir, dataDir, options.openMetrics);
    }
    if (options.openMetricsFile !== undefined) {
      await importOpenMetricsFile(options.openMetricsFile, dataDir);
    }
    const ruleFileNames = Object.keys(options.ruleFiles ?? {});
    for (const [name, content] of Object.entries(options.ruleFiles ?? {})) {
      writeFileSync(join(workDir, name), content);
    }
    const configFile = join(workDir, 'prometheus.yml');
    writeFileSync(
      configFile,
      stringify({
        global: { evaluation_interval: options.evaluationInterval ?? '1m' },
        rule_files: ruleFileNames.map((name) => join(workDir, name)),
        scrape_configs: [],
        ...options.extraConfig,
      }),
    );
    return await startServer(workDir, dataDir, configFile, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function importOpenMetrics(workDir: string, dataDir: string, openMetrics: string): Promise<void> {
  if (!openMetrics.endsWith('# EOF\n')) {
    throw new Error('OpenMetrics input must end with "# EOF"');
  }
  const input = join(workDir, 'history.om');
  writeFileSync(input, openMetrics);
  try {
    await importOpenMetricsFile(input, dataDir);
  } finally {
    rmSync(input, { force: true });
  }
}

async function importOpenMetricsFile(input: string, dataDir: string): Promise<void> {
  try {
    await execFileAsync(
      'promtool',
      ['tsdb', 'create-blocks-from', `--max-block-duration=${IMPORT_MAX_BLOCK_DURATION}`, '--quiet', 'openmetrics', input, dataDir],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`promtool could not import the history: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`, {
      cause: error,
    });
  }
}

async function startServer(workDir: string, dataDir: string, configFile: string, readyTimeoutMs: number): Promise<RunningPrometheus> {
  let lastError: unknown;
  // The port is free when picked but could be taken before Prometheus binds it: retry with another.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const log: string[] = [];
    const launch = (): ChildProcess => {
      const child = spawn(
        'prometheus',
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${dataDir}`,
          `--web.listen-address=127.0.0.1:${port}`,
          // Retention counts back from the newest block, but the default 15d would
          // still drop the start of a 30-day history: keep everything.
          '--storage.tsdb.retention.time=400d',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const collect = (chunk: Buffer): void => {
        log.push(chunk.toString('utf8'));
        if (log.length > 200) {
          log.splice(0, log.length - 200);
        }
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      return child;
    };
    const child = launch();
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(child, url, readyTimeoutMs, () => log.join(''));
      const relaunch = async (): Promise<ChildProcess> => {
        const next = launch();
        await waitUntilReady(next, url, readyTimeoutMs, () => log.join(''));
        return next;
      };
      return runningPrometheus(child, url, workDir, () => log.join(''), relaunch);
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  throw lastError;
}

/** Polls /-/ready (the one polling helper, ./poll); fails at once when the process exits, with its log. */
async function waitUntilReady(child: ChildProcess, url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  try {
    await eventually(
      async () => {
        if (exited()) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logs()}`);
        // A refused connection: not listening yet.
        const response = await fetch(`${url}/-/ready`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      'prometheus /-/ready',
      timeoutMs,
      100,
    );
  } catch (error) {
    if (exited()) throw error;
    throw new Error(`prometheus was not ready after ${timeoutMs} ms:\n${logs()}`, { cause: error });
  }
}

function runningPrometheus(
  firstChild: ChildProcess,
  url: string,
  workDir: string,
  logs: () => string,
  relaunch: () => Promise<ChildProcess>,
): RunningPrometheus {
  let child = firstChild;
  const post = async <T>(path: string, form: Record<string, string>): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return apiData<T>(response, form.query ?? path);
  };
  return {
    url,
    async instantQuery(query, time) {
      const data = await post<{ resultType: string; result: PrometheusVectorSample[] }>('/api/v1/query', { query, time: String(time) });
      if (data.resultType !== 'vector') {
        throw new Error(`Expected a vector for ${query}, got ${data.resultType}`);
      }
      return data.result;
    },
    async rangeQuery(query, range) {
      const data = await post<{ resultType: string; result: PrometheusMatrixSeries[] }>('/api/v1/query_range', {
        query,
        start: String(range.start),
        end: String(range.end),
        step: String(range.stepSeconds),
      });
      if (data.resultType !== 'matrix') {
        throw new Error(`Expected a matrix for ${query}, got ${data.resultType}`);
      }
      return data.result;
    },
    async api<T>(path: string) {
      return apiData<T>(await fetch(`${url}${path}`), path);
    },
    logs,
    async kill() {
      child.kill('SIGCONT');
      await stopProcess(child);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) {
        throw new Error('restart() needs a killed Prometheus; call kill() first');
      }
      child = await relaunch();
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      child.kill('SIGCONT');
      await stopProcess(child);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function apiData<T>(response: Response, what: string): Promise<T> {
  const body = (await response.json()) as { status: string; data?: T; error?: string; errorType?: string };
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`Prometheus ${response.status} for ${what}: ${body.errorType ?? ''} ${body.error ?? ''}`);
  }
  return body.data;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
