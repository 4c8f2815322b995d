import { PreparedResponse } from './prepared-response';
import { routeKey, type SnapshotRoute } from './routes';
import type { WireSnapshot } from './snapshot-protocol';

export type SnapshotSource = 'database' | 'disk';

const NOT_FOUND_HTML = routeKey({ kind: 'not_found', family: 'html' });
const NOT_FOUND_JSON = routeKey({ kind: 'not_found', family: 'json' });
const NOT_FOUND_SVG = routeKey({ kind: 'not_found', family: 'svg' });

/**
 * The snapshot as the serving thread holds it: finished responses (bodies are
 * views into the buffer the worker transferred) and the keys of the routes
 * the worker renders on first request. Looking a route up never renders,
 * compresses or hashes anything.
 */
export class ServedSnapshot {
  private readonly responses: Map<string, PreparedResponse>;
  private readonly onDemand: ReadonlySet<string>;
  readonly hash: string;
  readonly generatedAt: string;
  readonly stale: boolean;
  /** The model's JSON, opaque here: given back to a restarted worker. */
  readonly modelJson: Uint8Array;

  constructor(
    wire: WireSnapshot,
    /** Where the model came from: a refresh in this process, or the file persisted by an earlier one. */
    readonly source: SnapshotSource,
  ) {
    this.hash = wire.hash;
    this.generatedAt = wire.generatedAt;
    this.stale = wire.stale;
    this.modelJson = new Uint8Array(wire.modelJson);
    this.responses = new Map(wire.responses.map(([key, response]) => [key, PreparedResponse.fromWire(response, wire.arena)]));
    this.onDemand = new Set(wire.onDemand);
  }

  /** The finished response, or `render` when the worker must render it first (see {@link remember}). */
  lookup(route: SnapshotRoute): PreparedResponse | 'render' {
    const key = routeKey(route);
    const found = this.responses.get(key);
    if (found) return found;
    if (this.onDemand.has(key)) return 'render';
    return this.notFound(route);
  }

  /** Keeps an on-demand response for the next visitors (bounded: only keys the snapshot lists). */
  remember(route: SnapshotRoute, response: PreparedResponse): void {
    const key = routeKey(route);
    if (this.onDemand.has(key)) this.responses.set(key, response);
  }

  private notFound(route: SnapshotRoute): PreparedResponse {
    const family = route.kind === 'not_found' ? route.family : route.kind === 'v2' ? 'json' : route.kind === 'badge' ? 'svg' : 'html';
    const key = family === 'json' ? NOT_FOUND_JSON : family === 'svg' ? NOT_FOUND_SVG : NOT_FOUND_HTML;
    const response = this.responses.get(key);
    if (!response) throw new Error(`the snapshot has no ${key} response`);
    return response;
  }
}
