import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@app/platform';
import { StatusPageRenderer } from '../render/status-page-renderer';
import { HTML_SECURITY_HEADERS, IMMUTABLE_CACHE_CONTROL, matchesIfNoneMatch, PreparedResponse, preferredEncoding, SVG_SECURITY_HEADERS } from '../snapshot/prepared-response';
import { matchRoute, type SnapshotRoute } from '../snapshot/routes';
import { SnapshotService } from '../snapshot/snapshot.service';

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * Serves every public route straight from the in-memory snapshot, ahead of
 * Express and Nest (installed as the HTTP server's first request listener).
 * The page is hit hardest exactly when everything else is struggling, so a
 * request here costs a map lookup and a socket write: no routing stack, no
 * per-request log line (counted in `status_page_responses_total` instead), no
 * database query. Everything else (/health, /metrics, unknown paths) falls
 * through to Nest.
 */
@Injectable()
export class SnapshotRequestHandler implements OnModuleDestroy {
  private readonly responses: Counter<'route' | 'code'>;
  /** Set when the app starts closing: keep-alive clients are told to go, so they cannot hold shutdown open. */
  private draining = false;
  private readonly counters = new Map<string, Counter.Internal>();
  private readonly assets = new Map<string, PreparedResponse>();
  private unavailable: { html: PreparedResponse; json: PreparedResponse; svg: PreparedResponse } | null = null;

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly renderer: StatusPageRenderer,
    metrics: MetricsRegistry,
  ) {
    this.responses = new Counter({
      name: 'status_page_responses_total',
      help: 'Public status page responses served from the snapshot, by route kind and status code',
      labelNames: ['route', 'code'],
      registers: [metrics.registry],
    });
    for (const asset of renderer.assets.values()) {
      this.assets.set(asset.path, new PreparedResponse(asset.body, { contentType: asset.contentType, cacheControl: IMMUTABLE_CACHE_CONTROL, compressible: true }));
    }
  }

  /** True when the request was answered here. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const route = matchRoute(queryAt === -1 ? url : url.slice(0, queryAt), queryAt === -1 ? '' : url.slice(queryAt + 1));
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
    let prepared: PreparedResponse;
    if (route.kind === 'asset') {
      prepared = this.assets.get(route.path) ?? this.snapshotOrUnavailable(route);
    } else {
      prepared = this.snapshotOrUnavailable(route);
    }
    const variant = prepared.variant(prepared.compressible ? preferredEncoding(request.headers['accept-encoding']) : 'identity');
    if (variant.status === 200 && matchesIfNoneMatch(request.headers['if-none-match'], variant.etag)) {
      response.writeHead(304, this.draining ? [...variant.notModifiedHeaders, 'Connection', 'close'] : variant.notModifiedHeaders);
      response.end();
      this.count(route, 304);
      return true;
    }
    response.writeHead(variant.status, this.draining ? [...variant.headers, 'Connection', 'close'] : variant.headers);
    response.end(method === 'HEAD' ? undefined : variant.body);
    this.count(route, variant.status);
    return true;
  }

  /** Nest calls this before it closes the HTTP server. */
  onModuleDestroy(): void {
    this.draining = true;
  }

  private snapshotOrUnavailable(route: SnapshotRoute): PreparedResponse {
    const snapshot = this.snapshots.current();
    if (snapshot) return snapshot.resolve(route);
    const unavailable = (this.unavailable ??= this.unavailableResponses());
    if (route.kind === 'v2' || (route.kind === 'not_found' && route.family === 'json')) return unavailable.json;
    if (route.kind === 'badge' || (route.kind === 'not_found' && route.family === 'svg')) return unavailable.svg;
    return unavailable.html;
  }

  /** Never had a snapshot (first start while the database is down): a clear 503, not cached. */
  private unavailableResponses() {
    const headers = { 'Retry-After': '5' };
    const options = { status: 503, cacheControl: 'no-store' };
    return {
      html: new PreparedResponse(
        this.renderer.html.message('Status temporarily unavailable', 'The current status cannot be loaded right now. Please try again in a few seconds.', { homeLink: false }),
        { ...options, contentType: 'text/html; charset=utf-8', headers: { ...headers, ...HTML_SECURITY_HEADERS } },
      ),
      json: new PreparedResponse(JSON.stringify({ error: 'unavailable', message: 'The status is temporarily unavailable; retry shortly' }), { ...options, contentType: 'application/json; charset=utf-8', headers }),
      svg: new PreparedResponse(
        '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="20" role="img" aria-label="status: unavailable"><title>status: unavailable</title><rect width="150" height="20" fill="#6e7781"/><text x="75" y="14" fill="#fff" font-family="Verdana,sans-serif" font-size="11" text-anchor="middle">status: unavailable</text></svg>',
        { ...options, contentType: 'image/svg+xml; charset=utf-8', headers: { ...headers, ...SVG_SECURITY_HEADERS } },
      ),
    };
  }

  private count(route: SnapshotRoute, code: number): void {
    const key = `${route.kind}:${code}`;
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = this.responses.labels(route.kind, String(code))));
    counter.inc();
  }
}
