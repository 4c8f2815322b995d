import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import { type ConnectionFastPath, isDraining, MetricsRegistry, type ResponseBytes, type SimpleRequest } from '@app/platform';
import { StatusPageRenderer } from '../render/status-page-renderer';
import { type ContentEncoding, ENCODING_BIT, HTML_SECURITY_HEADERS, IMMUTABLE_CACHE_CONTROL, matchesIfNoneMatch, PreparedResponse, preferredEncoding, type ResponseVariant, SVG_SECURITY_HEADERS } from '../snapshot/prepared-response';
import { matchRoute, routeKey, type SnapshotRoute } from '../snapshot/routes';
import type { ServedSnapshot } from '../snapshot/served-snapshot';
import { SnapshotService } from '../snapshot/snapshot.service';

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * Serves every public route straight from the in-memory snapshot, ahead of
 * Express and Nest (installed as the HTTP server's first request listener).
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
  private fastPath: ConnectionFastPath | null = null;

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
    metrics.sampledCounter(
      'status_page_fast_path_requests_total',
      'Requests answered by the connection fast path (simple GET/HEAD of a prepared response, no Node HTTP objects)',
      () => this.fastPath?.answered ?? 0,
    );
    metrics.sampledCounter(
      'status_page_connections_handed_over_total',
      'Connections the fast path handed to the HTTP server (Nest) on a request it does not answer itself',
      () => this.fastPath?.handedOver ?? 0,
    );
    metrics.sampledGauge('status_page_fast_path_connections', 'Connections the connection fast path is serving now', () => this.fastPath?.connections ?? 0);
    for (const asset of renderer.assets.values()) {
      this.assets.set(asset.path, PreparedResponse.of(asset.body, { contentType: asset.contentType, cacheControl: IMMUTABLE_CACHE_CONTROL, compressible: true }));
    }
    this.unavailable = this.unavailableResponses();
  }

  /** The connection fast path in front of this handler, for its metrics. */
  observe(fastPath: ConnectionFastPath): void {
    this.fastPath = fastPath;
  }

  /**
   * The connection fast path's question (see installConnectionFastPath): the
   * bytes answering a simple GET/HEAD when the snapshot holds them, or
   * undefined for everything else (other routes, routes made on first
   * request), which then goes through {@link handle} or Nest.
   */
  answer(request: SimpleRequest): ResponseBytes | undefined {
    const route = routeOf(request.target);
    if (!route) return undefined;
    const prepared = this.prepared(route);
    if (!prepared) return undefined;
    const { variant, notModified } = this.select(route, prepared, request.acceptEncoding, request.ifNoneMatch);
    // Made (and their headers checked) first: if that throws, the request goes to handle() and is counted there once.
    const bytes = notModified ? variant.notModifiedBytes : variant.bytes;
    this.count(route, notModified ? 304 : variant.status);
    return bytes;
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
    // The long tail (older incident, maintenance and history pages nobody asked for lately): the worker makes it once, then it is kept
    // (a 503 with Retry-After while the worker restarts).
    this.snapshots
      .renderOnDemand(route, ENCODING_BIT[preferredEncoding(request.headers['accept-encoding'])])
      .then((rendered) => this.write(request, response, route, rendered))
      .catch((error: unknown) => this.failed(request, response, error));
    return true;
  }

  /**
   * The variant this client gets and whether its copy is current (304).
   * Notes the encoding asked for, so the next snapshot makes it ahead of
   * demand; one not made yet is answered with identity (always acceptable)
   * while the worker makes it for the next visitors, or with a 304 when the
   * client revalidates its copy of that variant (its ETag is known).
   */
  private select(route: SnapshotRoute, prepared: PreparedResponse, acceptEncoding: string | undefined, ifNoneMatch: string | undefined): { variant: ResponseVariant; notModified: boolean } {
    const encoding = prepared.compressible ? preferredEncoding(acceptEncoding) : 'identity';
    prepared.demand |= ENCODING_BIT[encoding];
    if (!prepared.has(encoding)) this.makeSoon(route, encoding);
    const variant = prepared.variant(encoding);
    if (ifNoneMatch === undefined || variant.status !== 200) return { variant, notModified: false };
    // The client's copy of the variant it asks for, made yet or not (its ETag is known either way), or of the identity served meanwhile.
    const asked = prepared.notModifiedVariant(encoding);
    if (matchesIfNoneMatch(ifNoneMatch, asked.etag)) return { variant: asked, notModified: true };
    return { variant, notModified: matchesIfNoneMatch(ifNoneMatch, variant.etag) };
  }

  /**
   * Has the worker add an encoding to a made response: one render per
   * snapshot, route and encoding at a time; none while no worker runs (the
   * next visitor after it is back asks again).
   */
  private makeSoon(route: SnapshotRoute, encoding: ContentEncoding): void {
    if (!this.snapshots.canRenderOnDemand) return;
    this.snapshots.renderOnDemand(route, ENCODING_BIT[encoding]).catch((error: Error) => this.logger.debug(`cannot make ${encoding} of ${routeKey(route)} now: ${error.message}`));
  }

  private write(request: IncomingMessage, response: ServerResponse, route: SnapshotRoute, prepared: PreparedResponse): void {
    const { variant, notModified } = this.select(route, prepared, request.headers['accept-encoding'], request.headers['if-none-match']);
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
        this.renderer.html.message('Status temporarily unavailable', 'The current status cannot be loaded right now. Please try again in a few seconds.', { homeLink: false }),
        { ...options, contentType: 'text/html; charset=utf-8', headers: { ...headers, ...HTML_SECURITY_HEADERS } },
      ),
      json: PreparedResponse.of(JSON.stringify({ error: 'unavailable', message: 'The status is temporarily unavailable; retry shortly' }), { ...options, contentType: 'application/json; charset=utf-8', headers }),
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
