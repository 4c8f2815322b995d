import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RateLimitedError, ValidationFailedError } from '@app/platform';
import { SloValidationError } from '../domain/errors';
import { SloSpecImportError, SpecImport, SpecImportOptions } from '../domain/slo-spec-import';
import type { SpecParseFailure, SpecParseReply, SpecParseRequest } from './slo-spec-parse-protocol';

export interface SpecParserPoolOptions {
  /** Worker threads parsing at once (the machine's cores are shared with serving). */
  readonly maxWorkers: number;
  /** Imports waiting for a worker; more are refused with 429. */
  readonly maxQueued: number;
  /** Parse time allowed per text; past it the worker is terminated and the import refused (400, field `yaml`). */
  readonly timeoutMs: number;
  /** Heap allowed to one worker; a text that needs more is refused like a slow one. */
  readonly maxHeapMb: number;
}

export const DEFAULT_SPEC_PARSER_OPTIONS: SpecParserPoolOptions = { maxWorkers: 2, maxQueued: 16, timeoutMs: 10_000, maxHeapMb: 256 };

/**
 * From source (ts-node, Jest) the worker compiles its TypeScript with SWC
 * through ts-node (the status page's snapshot worker does the same); from the
 * build it is plain JavaScript. The worker imports its siblings by relative
 * path only.
 */
const TYPESCRIPT_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require('ts-node').register({ transpileOnly: true, swc: true, project: workerData.tsconfig });
const tsconfigPaths = require('tsconfig-paths');
const loaded = tsconfigPaths.loadConfig(workerData.tsconfig);
if (loaded.resultType === 'success') tsconfigPaths.register({ baseUrl: loaded.absoluteBaseUrl, paths: loaded.paths });
require(workerData.entry);
`;

/**
 * Reads SLO spec YAML (importSloSpecs) off the event loop: a small pool of
 * worker threads, each text parsed within a time limit (the worker is
 * terminated past it), a bounded queue when every worker is busy. The serving
 * thread only posts the text and receives plain results, re-thrown as the same
 * domain errors (SloSpecImportError, SloValidationError).
 */
export class SpecParserPool {
  private readonly logger = new Logger('SloSpecParser');
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SpecParserPoolOptions = DEFAULT_SPEC_PARSER_OPTIONS) {}

  async parse(text: string, options: SpecImportOptions = {}): Promise<SpecImport> {
    await this.acquire();
    try {
      const worker = this.idle.pop() ?? (await this.spawn());
      return await this.run(worker, text, options);
    } finally {
      this.release();
    }
  }

  /** Worker threads alive now (idle or parsing). */
  get workers(): number {
    return this.all.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the SLO spec parser is closed'));
    if (this.active < this.options.maxWorkers) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(new RateLimitedError(`${this.options.maxWorkers + this.options.maxQueued} SLO imports are being read already; retry shortly`, 1));
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the next waiting import, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active--;
  }

  private spawn(): Promise<Worker> {
    const entry = workerEntry();
    const resourceLimits = { maxOldGenerationSizeMb: this.options.maxHeapMb };
    const worker = entry.endsWith('.ts')
      ? new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, execArgv: [], resourceLimits, workerData: { entry, tsconfig: findTsconfig(entry) } })
      : new Worker(entry, { execArgv: process.execArgv.filter((flag) => flag === '--enable-source-maps'), resourceLimits });
    this.all.add(worker);
    worker.once('exit', () => {
      this.all.delete(worker);
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    });
    worker.on('error', (error) => this.logger.warn(`SLO spec parse worker failed: ${error.message}`));
    return new Promise<Worker>((resolve, reject) => {
      const onMessage = (): void => {
        worker.off('exit', onExit);
        resolve(worker);
      };
      const onExit = (code: number): void => {
        worker.off('message', onMessage);
        reject(new Error(`the SLO spec parse worker exited (code ${code}) before it was ready`));
      };
      worker.once('message', onMessage);
      worker.once('exit', onExit);
    });
  }

  private run(worker: Worker, text: string, options: SpecImportOptions): Promise<SpecImport> {
    const id = this.nextId++;
    const limit = this.options.timeoutMs;
    return new Promise<SpecImport>((resolve, reject) => {
      const tooComplex = (why: string): ValidationFailedError =>
        new ValidationFailedError(`the YAML ${why}; split the file or simplify it`, { field: 'yaml', code: 'yaml_too_complex' });
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        void worker.terminate();
        reject(tooComplex(`took longer than ${limit} ms to read`));
      }, limit);
      const onMessage = (reply: SpecParseReply): void => {
        if (reply.id !== id) return;
        cleanup();
        worker.unref();
        if (!this.closed) this.idle.push(worker);
        if (reply.ok) resolve(reply.value);
        else reject(toDomainError(reply.error));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(code === 1 ? tooComplex(`needs more than ${this.options.maxHeapMb} MB to read`) : new Error(`the SLO spec parse worker exited (code ${code})`));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.ref();
      const request: SpecParseRequest = { id, text, options };
      worker.postMessage(request);
    });
  }
}

/** The pool with its defaults, as the injectable the import uses. */
@Injectable()
export class SloSpecParser extends SpecParserPool implements OnApplicationShutdown {
  constructor() {
    super(DEFAULT_SPEC_PARSER_OPTIONS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

function toDomainError(failure: SpecParseFailure): Error {
  switch (failure.type) {
    case 'import':
      return new SloSpecImportError(failure.issues);
    case 'validation':
      return new SloValidationError(failure.field, failure.message);
    case 'other':
      return new Error(failure.message);
  }
}

function workerEntry(): string {
  const extension = __filename.endsWith('.ts') ? '.ts' : '.js';
  return join(__dirname, `slo-spec-parse-worker${extension}`);
}

function findTsconfig(from: string): string {
  for (let directory = dirname(from); directory !== dirname(directory); directory = dirname(directory)) {
    const candidate = join(directory, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no tsconfig.json above ${from}`);
}
