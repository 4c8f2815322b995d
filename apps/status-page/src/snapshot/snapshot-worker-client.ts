import { Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Envelope, LogLevel, ReplyByType, SnapshotWorkerData, WorkerMessage, WorkerRequest } from './snapshot-protocol';

const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 5000;
/** Longer than any read may take (statement 10 s, query 15 s): a worker silent for this long is stuck and is replaced. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * From source (ts-node, Jest) the worker compiles its TypeScript with SWC
 * through ts-node and resolves the `@app/*` paths; from the build it is plain
 * JavaScript whose paths the Nest build already rewrote.
 */
const TYPESCRIPT_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require('ts-node').register({ transpileOnly: true, swc: true, project: workerData.tsconfig });
const tsconfigPaths = require('tsconfig-paths');
const loaded = tsconfigPaths.loadConfig(workerData.tsconfig);
if (loaded.resultType === 'success') tsconfigPaths.register({ baseUrl: loaded.absoluteBaseUrl, paths: loaded.paths });
require(workerData.entry);
`;

export interface SnapshotWorkerEvents {
  /** A change was notified through LISTEN/NOTIFY. */
  onChanged(): void;
  /** The worker's LISTEN connection came up or went down. */
  onListening(listening: boolean): void;
  /** A replacement worker is ready after a crash; `adopt` it and refresh. */
  onRestarted(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The serving thread's side of the snapshot worker: starts it, sends it
 * requests and routes the replies, relays its log lines, and replaces it
 * (with backoff) when it crashes or stops answering — while the serving
 * thread keeps answering visitors from the snapshot it already has.
 */
@Injectable()
export class SnapshotWorkerClient {
  private readonly logger = new Logger(SnapshotWorkerClient.name);
  private worker: Worker | null = null;
  private data: SnapshotWorkerData | null = null;
  private events: SnapshotWorkerEvents | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private ready: Promise<void> = Promise.resolve();
  /** Worker starts so far (1 = never restarted). */
  starts = 0;

  /** The running worker thread, if any (its `threadId`, `performance`; tests terminate it to simulate a crash). */
  get thread(): Worker | null {
    return this.worker;
  }

  start(data: SnapshotWorkerData, events: SnapshotWorkerEvents): Promise<void> {
    this.data = data;
    this.events = events;
    return this.spawn();
  }

  /** Sends a request; rejects when the worker fails it, exits, or does not answer in time. */
  async request<T extends WorkerRequest['type']>(request: Extract<WorkerRequest, { type: T }>, transfer: ArrayBuffer[] = []): Promise<ReplyByType[T]> {
    await this.ready;
    const worker = this.worker;
    if (!worker) throw new Error('the snapshot worker is not running');
    const id = this.nextId++;
    return new Promise<ReplyByType[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the snapshot worker did not answer ${request.type} within ${REQUEST_TIMEOUT_MS} ms`));
        this.logger.error(`the snapshot worker is stuck (no answer to ${request.type}); replacing it`);
        void worker.terminate();
      }, REQUEST_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const envelope: Envelope = { id, request };
      worker.postMessage(envelope, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    await Promise.race([this.request({ type: 'close' }).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.worker = null;
    await worker.terminate();
  }

  private spawn(): Promise<void> {
    const data = this.data as SnapshotWorkerData;
    const entry = workerEntry();
    const worker = entry.endsWith('.ts')
      ? new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, execArgv: [], workerData: { ...data, entry, tsconfig: findTsconfig(entry) } })
      : new Worker(entry, { execArgv: process.execArgv.filter((flag) => flag === '--enable-source-maps'), workerData: data });
    this.worker = worker;
    this.starts++;
    let markReady: () => void = () => undefined;
    let failStart: (error: Error) => void = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    this.ready = started.catch(() => undefined);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        this.restartDelay = RESTART_MIN_MS;
        markReady();
      } else this.onMessage(message);
    });
    worker.on('error', (error) => this.logger.error({ err: error }, `snapshot worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      failStart(new Error(`the snapshot worker exited (code ${code}) before it was ready`));
      if (this.worker === worker) this.worker = null;
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`the snapshot worker exited (code ${code})`));
        this.pending.delete(id);
      }
      this.events?.onListening(false);
      if (this.closed) return;
      this.logger.warn(`snapshot worker exited (code ${code}); still serving the current snapshot, restarting it in ${this.restartDelay} ms`);
      this.scheduleRestart();
    });
    return started;
  }

  private scheduleRestart(): void {
    if (this.restartTimer) return;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.closed) return;
      this.spawn().then(
        () => this.events?.onRestarted(),
        (error: Error) => this.logger.warn(error.message),
      );
    }, delay);
    this.restartTimer.unref();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.error));
        return;
      }
      case 'changed':
        this.events?.onChanged();
        return;
      case 'listening':
        this.events?.onListening(message.listening);
        return;
      case 'log':
        this.log(message.level, message.context, message.message, message.error);
        return;
      case 'ready':
        return;
    }
  }

  private log(level: LogLevel, context: string, message: string, error?: { message: string; code?: string; stack?: string }): void {
    const logger = new Logger(context);
    const err = error ? Object.assign(new Error(error.message), { code: error.code, stack: error.stack }) : undefined;
    if (level === 'debug') logger.debug(message);
    else if (level === 'log') logger.log(message);
    else if (level === 'warn') logger.warn(err ? { err } : {}, message);
    else logger.error(err ? { err } : {}, message);
  }
}

function workerEntry(): string {
  const extension = __filename.endsWith('.ts') ? '.ts' : '.js';
  return join(__dirname, `snapshot-worker${extension}`);
}

function findTsconfig(from: string): string {
  for (let directory = dirname(from); directory !== dirname(directory); directory = dirname(directory)) {
    const candidate = join(directory, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no tsconfig.json above ${from}`);
}
