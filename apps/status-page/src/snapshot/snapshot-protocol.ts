import type { SnapshotRoute } from './routes';
import type { WireResponse } from './prepared-response';
import type { PageInfo } from '../render/page-info';

/**
 * Messages between the serving thread and the snapshot worker. The worker owns
 * everything that costs CPU or waits on IO (PostgreSQL reads and LISTEN,
 * derivation, rendering, compression, the disk copy); the serving thread owns
 * time (the injectable clock, debouncing, the periodic refresh) and only swaps
 * in what the worker sends.
 */

export interface SnapshotWorkerData {
  readonly databaseUrl: string;
  readonly snapshotFile: string;
  readonly page: PageInfo;
}

/** A rendered snapshot as it crosses threads: response bodies in one transferred ArrayBuffer. */
export interface WireSnapshot {
  /** sha256 of the model's JSON: same model, same hash, same ETags. */
  readonly hash: string;
  readonly generatedAt: string;
  readonly stale: boolean;
  /** Bodies of every response, referenced by offset. */
  readonly arena: ArrayBuffer;
  /** Route key → response, for every route rendered with the snapshot. */
  readonly responses: ReadonlyArray<readonly [string, WireResponse]>;
  /** Route keys that exist but are made on first request (older incident, completed maintenance and history pages). */
  readonly onDemand: readonly string[];
  /** The model as JSON (opaque to the serving thread), handed back to a restarted worker. */
  readonly modelJson: ArrayBuffer;
}

export interface RefreshTimings {
  readonly readMs: number;
  readonly buildMs: number;
  /** 0 when nothing was rendered (unchanged model). */
  readonly renderMs: number;
}

export type WorkerRequest =
  /** Reads and builds; renders when the model changed or `force` is set. */
  | { readonly type: 'refresh'; readonly now: string; readonly force: boolean }
  /** Loads the snapshot persisted to disk (first start), rendered with `stale` as decided from its age. */
  | { readonly type: 'load-persisted'; readonly now: string; readonly staleAfterMs: number }
  /** Renders the current model again, e.g. marked stale. */
  | { readonly type: 'render'; readonly stale: boolean }
  /** A restarted worker takes over the model the serving thread is showing. */
  | { readonly type: 'adopt'; readonly modelJson: Uint8Array; readonly stale: boolean }
  /** One route of the current model made on first request (the long tail), in every encoding. */
  | { readonly type: 'render-route'; readonly route: SnapshotRoute }
  /** Flush the disk copy, close the database connections. */
  | { readonly type: 'close' };

export interface RefreshFailure {
  /** PostgreSQL unreachable (an outage), as opposed to any other error. */
  readonly unreachable: boolean;
  readonly message: string;
  readonly code?: string;
}

export type RefreshReply =
  | { readonly kind: 'changed'; readonly snapshot: WireSnapshot; readonly timings: RefreshTimings }
  | { readonly kind: 'unchanged'; readonly timings: RefreshTimings }
  | { readonly kind: 'failed'; readonly failure: RefreshFailure };

export type LoadPersistedReply = { readonly kind: 'loaded'; readonly snapshot: WireSnapshot } | { readonly kind: 'none' };

export type RenderReply = { readonly kind: 'rendered'; readonly snapshot: WireSnapshot } | { readonly kind: 'no-model' };

export interface RenderRouteReply {
  /** Hash and staleness of the model it was rendered from (cached only when they match what is served). */
  readonly hash: string | null;
  readonly stale: boolean;
  readonly arena: ArrayBuffer;
  readonly response: WireResponse;
}

export interface ReplyByType {
  readonly refresh: RefreshReply;
  readonly 'load-persisted': LoadPersistedReply;
  readonly render: RenderReply;
  readonly adopt: { readonly kind: 'adopted' };
  readonly 'render-route': RenderRouteReply;
  readonly close: { readonly kind: 'closed' };
}

export type LogLevel = 'debug' | 'log' | 'warn' | 'error';

/** Messages the worker sends on its own. */
export type WorkerEvent =
  | { readonly type: 'ready' }
  /** A NOTIFY on the status channel. */
  | { readonly type: 'changed' }
  /** The LISTEN connection came up (notifications may have been missed: refresh) or went down. */
  | { readonly type: 'listening'; readonly listening: boolean }
  | {
      readonly type: 'log';
      readonly level: LogLevel;
      readonly context: string;
      readonly message: string;
      readonly error?: { readonly message: string; readonly code?: string; readonly stack?: string };
    };

export type WorkerMessage =
  | WorkerEvent
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

export type Envelope = { readonly id: number; readonly request: WorkerRequest };
