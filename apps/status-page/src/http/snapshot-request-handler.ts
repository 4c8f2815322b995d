import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import { isDraining, MetricsRegistry } from '@app/platform';
import { StatusPageRenderer } from '../render/status-page-renderer';
import {
  HTML_SECURITY_HEADERS,
  IMMUTABLE_CACHE_CONTROL,
  matchesIfNoneMatch,
  PreparedResponse,
  preferredEncoding,
  SVG_SECURITY_HEADERS,
} from '../snapshot/prepared-response';
import { matchRoute, type SnapshotRoute } from '../snapshot/routes';
import { SnapshotService } from '../snapshot/snapshot.service';

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * Serves every public route straight from the in-memory snapshot, ahead of
 * Express and Nest (the HTTP server's request listener calls it first; see
 * bootstrap.ts).
 * The page is hit hardest exactly when everything else is struggling, so a
 * request here costs a map lookup and a socket write of bytes the snapshot
 * worker prepared (bodies in the encodings visitors ask for, ETags,
 * headers): no rendering, compression or hashing on this thread, no routing
 * stack, no
 * per-request log line (counted in `status_page_responses_total` instead), no
 * database query. Everything else (/health, /metrics, unknown paths) falls
 * through to Nest.
 */
@Injectable()
export class SnapshotRequestHandler implements OnModuleDestroy {
  private readonly logger = new Logger('StatusPage');
  private readonly responses: Counter<'route' | 'code'>;
  /** Set when the app starts closing: keep-alive clients are told to go, so they cannot hold shutdown open. */
  private draining = false;
  /** responses served, by route kind and status code */
  private readonly served = new Map<SnapshotRoute['kind'], Map<number, number>>();
  private readonly assets = new Map<string, PreparedResponse>();
  private readonly unavailable: { html: PreparedResponse; json: PreparedResponse; svg: PreparedResponse };

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly renderer: StatusPageRenderer,
    metrics: MetricsRegistry,
  ) {
    const served = this.served;
    this.responses = new Counter({
      name: 'status_page_responses_total',
      help: 'Public status page responses served from the snapshot, by route kind and status code',
      labelNames: ['route', 'code'],
      registers: [metrics.registry],
      // Counted in plain numbers per request and handed to prom-client at scrape time (a labelled inc() per request cost ~1.5 µs).
      collect() {
        this.reset();
        for (const [route, byCode] of served) for (const [code, count] of byCode) this.inc({ route, code: String(code) }, count);
      },
    });
    for (const asset of renderer.assets.values()) {
      this.assets.set(
        asset.path,
        PreparedResponse.of(asset.body, { contentType: asset.contentType, cacheControl: IMMUTABLE_CACHE_CONTROL, compressible: true }),
      );
    }
    this.unavailable = this.unavailableResponses();
  }

  /** True when the request was answered here. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const route = routeOf(request.url ?? '/');
    if (!route) return false;
    const method = request.method;
    if (method === 'OPTIONS') {
      // CORS preflight: the API is public and read-only.
      response.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': (request.headers['access-control-request-headers'] as string | undefined)?.slice(0, 500) || '*',
        'Access-Control-Max-Age': '86400',
        Allow: ALLOWED_METHODS,
      });
      response.end();
      this.count(route, 204);
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { Allow: ALLOWED_METHODS, 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
      response.end('Method Not Allowed\n');
      this.count(route, 405);
      return true;
    }
    const prepared = this.prepared(route);
    if (prepared) {
      this.write(request, response, route, prepared);
      return true;
    }
    // The long tail (older incident, completed maintenance and history pages): the worker makes it once, then it is kept
    // (a 503 with Retry-After while the worker restarts).
    this.snapshots
      .renderOnDemand(route)
      .then((rendered) => this.write(request, response, route, rendered))
      .catch((error: unknown) => this.failed(request, response, error));
    return true;
  }

  private write(request: IncomingMessage, response: ServerResponse, route: SnapshotRoute, prepared: PreparedResponse): void {
    const variant = prepared.variant(prepared.compressible ? preferredEncoding(request.headers['accept-encoding']) : 'identity');
    const notModified = variant.status === 200 && matchesIfNoneMatch(request.headers['if-none-match'], variant.etag);
    if (notModified) {
      response.writeHead(304, this.isDraining ? [...variant.notModifiedHeaders, 'Connection', 'close'] : variant.notModifiedHeaders);
      response.end();
      this.count(route, 304);
      return;
    }
    response.writeHead(variant.status, this.isDraining ? [...variant.headers, 'Connection', 'close'] : variant.headers);
    response.end(request.method === 'HEAD' ? undefined : variant.body);
    this.count(route, variant.status);
  }

  private failed(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    const errorId = randomUUID();
    this.logger.error({ errorId, err: error }, `Unhandled error ${errorId} serving ${request.url ?? ''}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '5' });
    response.end(`This page cannot be shown right now; please retry (error id ${errorId})\n`);
  }

  /** Nest calls this before it closes the HTTP server. */
  onModuleDestroy(): void {
    this.draining = true;
  }

  /** From the shutdown signal (the platform's flag) or Nest's shutdown (app.close() alone, as in tests) on, every answer closes its connection. */
  get isDraining(): boolean {
    return this.draining || isDraining();
  }

  /** A static asset or the snapshot's made response; null when the snapshot makes it on first request. */
  private prepared(route: SnapshotRoute): PreparedResponse | null {
    return route.kind === 'asset' ? (this.assets.get(route.path) ?? this.fromSnapshot(route)) : this.fromSnapshot(route);
  }

  /** The made response, or null when the snapshot makes it on first request. */
  private fromSnapshot(route: SnapshotRoute): PreparedResponse | null {
    const snapshot = this.snapshots.current();
    if (snapshot) return snapshot.lookup(route);
    const unavailable = this.unavailable;
    if (route.kind === 'v2' || (route.kind === 'not_found' && route.family === 'json')) return unavailable.json;
    if (route.kind === 'badge' || (route.kind === 'not_found' && route.family === 'svg')) return unavailable.svg;
    return unavailable.html;
  }

  /** Never had a snapshot (first start while the database is down): a clear 503, not cached. */
  private unavailableResponses(): { html: PreparedResponse; json: PreparedResponse; svg: PreparedResponse } {
    const headers = { 'Retry-After': '5' };
    const options = { status: 503, cacheControl: 'no-store' };
    return {
      html: PreparedResponse.of(
        this.renderer.html.message('Status temporarily unavailable', 'The current status cannot be loaded right now. Please try again in a few seconds.', {
          homeLink: false,
        }),
        { ...options, contentType: 'text/html; charset=utf-8', headers: { ...headers, ...HTML_SECURITY_HEADERS } },
      ),
      json: PreparedResponse.of(JSON.stringify({ error: 'unavailable', message: 'The status is temporarily unavailable; retry shortly' }), {
        ...options,
        contentType: 'application/json; charset=utf-8',
        headers,
      }),
      svg: PreparedResponse.of(
        '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="20" role="img" aria-label="status: unavailable"><title>status: unavailable</title><rect width="150" height="20" fill="#6e7781"/><text x="75" y="14" fill="#fff" font-family="Verdana,sans-serif" font-size="11" text-anchor="middle">status: unavailable</text></svg>',
        { ...options, contentType: 'image/svg+xml; charset=utf-8', headers: { ...headers, ...SVG_SECURITY_HEADERS } },
      ),
    };
  }

  private count(route: SnapshotRoute, code: number): void {
    let byCode = this.served.get(route.kind);
    if (!byCode) this.served.set(route.kind, (byCode = new Map()));
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
}

/** The public route a request target (path and query) asks for, if any. */
function routeOf(target: string): SnapshotRoute | null {
  const queryAt = target.indexOf('?');
  return matchRoute(queryAt === -1 ? target : target.slice(0, queryAt), queryAt === -1 ? '' : target.slice(queryAt + 1));
}
