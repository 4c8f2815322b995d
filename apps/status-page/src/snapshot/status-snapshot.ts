import type { PublicStatus } from '@app/status';
import { componentBadge, unknownBadge } from '../render/badges';
import { historyFeeds } from '../render/feeds';
import type { RenderContext } from '../render/html-renderer';
import type { StatusPageRenderer } from '../render/status-page-renderer';
import { StatuspageV2 } from '../render/statuspage-v2';
import { HTML_SECURITY_HEADERS, IMMUTABLE_CACHE_CONTROL, PreparedResponse, SVG_SECURITY_HEADERS } from './prepared-response';
import { routeKey, type SnapshotRoute, type V2Document } from './routes';

export type SnapshotSource = 'database' | 'disk';

export interface SnapshotContext extends RenderContext {
  /** Where the model came from: a refresh in this process, or the file persisted by an earlier one. */
  readonly source: SnapshotSource;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const SVG = 'image/svg+xml; charset=utf-8';

/** Routes rendered while building, so the first visitors after a change do not pay for it. */
const WARM_ROUTES: readonly SnapshotRoute[] = [
  { kind: 'home' },
  { kind: 'v2', document: 'summary' },
  { kind: 'v2', document: 'status' },
  { kind: 'v2', document: 'components' },
  { kind: 'v2', document: 'incidents/unresolved' },
];

/**
 * One immutable picture of the public status page: the model plus every
 * response rendered from it (eagerly for the hot routes, on first request for
 * the rest). Requests read it without touching the database; a refresh
 * replaces it as a whole.
 */
export class StatusSnapshot {
  private readonly responses = new Map<string, PreparedResponse>();
  private v2Presenter: StatuspageV2 | null = null;
  private feeds: { rss: string; atom: string } | null = null;

  constructor(
    readonly model: PublicStatus,
    readonly context: SnapshotContext,
    private readonly renderer: StatusPageRenderer,
  ) {
    for (const route of WARM_ROUTES) this.resolve(route);
  }

  /** The same model rendered with another context (e.g. marked stale). */
  withContext(context: SnapshotContext): StatusSnapshot {
    return new StatusSnapshot(this.model, context, this.renderer);
  }

  resolve(route: SnapshotRoute): PreparedResponse {
    const key = routeKey(route);
    const cached = this.responses.get(key);
    if (cached) return cached;
    const response = this.render(route);
    // Only real pages are remembered per address: probing random ids must not grow the cache.
    if (response.status === 200) this.responses.set(key, response);
    return response;
  }

  private render(route: SnapshotRoute): PreparedResponse {
    const html = this.renderer.html;
    switch (route.kind) {
      case 'home':
        return htmlResponse(html.home(this.model, this.context));
      case 'history': {
        const body = html.history(this.model, route.page, this.context);
        return body ? htmlResponse(body) : this.notFound('html');
      }
      case 'incident': {
        const body = html.incident(this.model, route.id, this.context);
        return body ? htmlResponse(body) : this.notFound('html');
      }
      case 'v2':
        return jsonResponse(this.v2Document(route.document));
      case 'feed': {
        this.feeds ??= historyFeeds(this.model, this.renderer.page);
        return route.format === 'rss'
          ? new PreparedResponse(this.feeds.rss, { contentType: 'application/rss+xml; charset=utf-8', compressible: true })
          : new PreparedResponse(this.feeds.atom, { contentType: 'application/atom+xml; charset=utf-8', compressible: true });
      }
      case 'badge': {
        const svg = componentBadge(this.model, route.id);
        return svg ? new PreparedResponse(svg, { contentType: SVG, headers: SVG_SECURITY_HEADERS }) : this.notFound('svg');
      }
      case 'asset': {
        const asset = this.renderer.assets.get(route.path);
        return asset ? new PreparedResponse(asset.body, { contentType: asset.contentType, cacheControl: IMMUTABLE_CACHE_CONTROL, compressible: true }) : this.notFound('html');
      }
      case 'not_found':
        return this.notFound(route.family);
    }
  }

  private notFound(family: 'html' | 'json' | 'svg'): PreparedResponse {
    const key = `404:${family}`;
    const cached = this.responses.get(key);
    if (cached) return cached;
    let response: PreparedResponse;
    if (family === 'json') response = new PreparedResponse(safeJson({ error: 'not_found', message: 'No such resource' }), { status: 404, contentType: JSON_TYPE });
    else if (family === 'svg') response = new PreparedResponse(unknownBadge(), { status: 404, contentType: SVG, headers: SVG_SECURITY_HEADERS });
    else response = new PreparedResponse(this.renderer.html.message('Page not found', 'There is nothing at this address.', { model: this.model, context: this.context }), { status: 404, contentType: HTML, headers: HTML_SECURITY_HEADERS, compressible: true });
    this.responses.set(key, response);
    return response;
  }

  private v2Document(document: V2Document): unknown {
    this.v2Presenter ??= new StatuspageV2(this.model, this.renderer.page);
    const v2 = this.v2Presenter;
    switch (document) {
      case 'summary':
        return v2.summary();
      case 'status':
        return v2.statusDocument();
      case 'components':
        return v2.componentsDocument();
      case 'incidents':
        return v2.incidentsDocument();
      case 'incidents/unresolved':
        return v2.unresolvedIncidentsDocument();
      case 'scheduled-maintenances':
        return v2.scheduledMaintenancesDocument();
      case 'scheduled-maintenances/upcoming':
        return v2.upcomingMaintenancesDocument();
      case 'scheduled-maintenances/active':
        return v2.activeMaintenancesDocument();
    }
  }
}

function htmlResponse(body: string): PreparedResponse {
  return new PreparedResponse(body, { contentType: HTML, headers: HTML_SECURITY_HEADERS, compressible: true });
}

function jsonResponse(document: unknown): PreparedResponse {
  return new PreparedResponse(safeJson(document), { contentType: JSON_TYPE, compressible: true });
}

/**
 * JSON with `<`, `>`, `&` and the JavaScript line separators written as \u
 * escapes: the same data for every JSON parser, but no markup in the bytes, so
 * a consumer that pastes it into HTML cannot be scripted through an incident title.
 */
export function safeJson(document: unknown): string {
  return JSON.stringify(document).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
