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

  /** The made response, or null when the worker makes it on first request (see {@link remember}). */
  lookup(route: SnapshotRoute): PreparedResponse | null {
    const key = routeKey(route);
    const found = this.responses.get(key);
    if (found) return found;
    if (this.onDemand.has(key)) return null;
    return this.notFound(route);
  }

  /**
   * The route whose response answers `route`: itself when the snapshot has it
   * (made or to be made on request), else its family's 404.
   */
  answering(route: SnapshotRoute): SnapshotRoute {
    const key = routeKey(route);
    return this.responses.has(key) || this.onDemand.has(key) ? route : { kind: 'not_found', family: notFoundFamily(route) };
  }

  /** Keeps a route the worker made on first request for the next visitors (bounded: only keys the snapshot lists). */
  remember(route: SnapshotRoute, response: PreparedResponse): void {
    const key = routeKey(route);
    if (!this.responses.has(key) && this.onDemand.has(key)) this.responses.set(key, response);
  }

  /** How many routes the snapshot holds made, and how many it makes on first request. */
  get counts(): { made: number; onDemand: number } {
    let onDemand = 0;
    for (const key of this.onDemand) if (!this.responses.has(key)) onDemand++;
    return { made: this.responses.size, onDemand };
  }

  private notFound(route: SnapshotRoute): PreparedResponse {
    const family = notFoundFamily(route);
    const key = family === 'json' ? NOT_FOUND_JSON : family === 'svg' ? NOT_FOUND_SVG : NOT_FOUND_HTML;
    const response = this.responses.get(key);
    if (!response) throw new Error(`the snapshot has no ${key} response`);
    return response;
  }
}

function notFoundFamily(route: SnapshotRoute): 'html' | 'json' | 'svg' {
  return route.kind === 'not_found' ? route.family : route.kind === 'v2' ? 'json' : route.kind === 'badge' ? 'svg' : 'html';
}
