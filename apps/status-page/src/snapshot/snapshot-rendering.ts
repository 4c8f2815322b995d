import type { PublicStatus } from '@app/status/core';
import { componentBadge, unknownBadge } from '../render/badges';
import { historyFeeds } from '../render/feeds';
import type { HtmlRenderer, RenderContext } from '../render/html-renderer';
import type { PageInfo } from '../render/page-info';
import { StatuspageV2 } from '../render/statuspage-v2';
import { HTML_SECURITY_HEADERS, PreparedResponse, SVG_SECURITY_HEADERS } from './prepared-response';
import { routeKey, type SnapshotRoute, V2_DOCUMENTS, type V2Document } from './routes';

/** What rendering needs besides the model: the page's identity and the compiled templates. */
export interface SnapshotRenderingKit {
  readonly page: PageInfo;
  readonly html: HtmlRenderer;
}

/**
 * Incident pages made with every snapshot besides unresolved incidents: the
 * newest, as linked from the page and the first history page.
 */
export const EAGER_INCIDENT_PAGES = 20;

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const SVG = 'image/svg+xml; charset=utf-8';

/** The 404s: every snapshot has them, since any unknown id is answered with one. */
const NOT_FOUND_ROUTES: readonly SnapshotRoute[] = [
  { kind: 'not_found', family: 'html' },
  { kind: 'not_found', family: 'json' },
  { kind: 'not_found', family: 'svg' },
];

/** Every route that does not depend on an id or page number. */
const FIXED_ROUTES: readonly SnapshotRoute[] = [
  { kind: 'home' },
  { kind: 'history', page: 1 },
  ...V2_DOCUMENTS.map((document): SnapshotRoute => ({ kind: 'v2', document })),
  { kind: 'feed', format: 'rss' },
  { kind: 'feed', format: 'atom' },
];

/** The snapshot's responses: rendered with it, and the routes rendered on first request. */
export interface RenderedSnapshot {
  readonly responses: ReadonlyMap<string, PreparedResponse>;
  readonly onDemand: readonly string[];
}

/**
 * Renders one model (in the snapshot worker, never on the serving thread).
 * Every route a visitor is likely to hit — the page, the first history page,
 * all Statuspage v2 documents, the feeds, badges, the pages of current and
 * recent incidents and of current and upcoming maintenances, the 404s — is
 * made with each snapshot, in identity, gzip and br, so none of them ever
 * waits on the worker. The long tail (older incident, completed maintenance
 * and history pages) is made on first request, in every encoding, and then
 * kept for this model.
 */
export class SnapshotRendering {
  private v2Presenter: StatuspageV2 | null = null;
  private feeds: { rss: string; atom: string } | null = null;
  /** Every response made for this model so far, by route key (with the snapshot and on request). */
  private readonly made = new Map<string, PreparedResponse>();

  constructor(
    readonly model: PublicStatus,
    readonly context: RenderContext,
    private readonly renderer: SnapshotRenderingKit,
    /** The previous model's responses by route key: unchanged bodies keep their compressed variants. */
    private readonly previous: ReadonlyMap<string, PreparedResponse> = new Map(),
  ) {}

  /** Every response made for this model so far: the next model's `previous`. */
  get responses(): ReadonlyMap<string, PreparedResponse> {
    return this.made;
  }

  renderAll(): RenderedSnapshot {
    const likely: SnapshotRoute[] = [...FIXED_ROUTES];
    const tail: SnapshotRoute[] = [];
    for (const component of this.model.components) likely.push({ kind: 'badge', id: component.id });
    for (const group of this.model.groups) likely.push({ kind: 'badge', id: group.id });
    this.model.incidents.forEach((incident, index) => {
      (index < EAGER_INCIDENT_PAGES || incident.status !== 'resolved' ? likely : tail).push({ kind: 'incident', id: incident.id });
    });
    for (const maintenance of this.model.maintenances) (maintenance.status === 'completed' ? tail : likely).push({ kind: 'maintenance', id: maintenance.id });
    for (let page = 2; page <= this.renderer.html.historyPageCount(this.model); page++) tail.push({ kind: 'history', page });

    const responses = new Map<string, PreparedResponse>();
    const onDemand: string[] = [];
    for (const route of [...NOT_FOUND_ROUTES, ...likely]) responses.set(routeKey(route), this.respond(route));
    for (const route of tail) onDemand.push(routeKey(route));
    return { responses, onDemand };
  }

  /** The response for a route, made once per model. */
  respond(route: SnapshotRoute): PreparedResponse {
    const key = routeKey(route);
    const made = this.made.get(key);
    if (made) return made;
    const response = this.render(route, this.previous.get(key));
    this.made.set(key, response);
    return response;
  }

  /** One route of this model; a route that does not exist renders its family's 404. */
  private render(route: SnapshotRoute, previous: PreparedResponse | undefined): PreparedResponse {
    const html = this.renderer.html;
    const htmlResponse = (body: string) => PreparedResponse.of(body, { contentType: HTML, headers: HTML_SECURITY_HEADERS, compressible: true }, previous);
    const notFound = (family: 'html' | 'json' | 'svg'): PreparedResponse => this.notFound(family, previous);
    switch (route.kind) {
      case 'home':
        return htmlResponse(html.home(this.model, this.context));
      case 'history': {
        const body = html.history(this.model, route.page, this.context);
        return body ? htmlResponse(body) : notFound('html');
      }
      case 'incident': {
        const body = html.incident(this.model, route.id, this.context);
        return body ? htmlResponse(body) : notFound('html');
      }
      case 'maintenance': {
        const body = html.maintenance(this.model, route.id, this.context);
        return body ? htmlResponse(body) : notFound('html');
      }
      case 'v2':
        return PreparedResponse.of(safeJson(this.v2Document(route.document)), { contentType: JSON_TYPE, compressible: true }, previous);
      case 'feed': {
        this.feeds ??= historyFeeds(this.model, this.renderer.page);
        return route.format === 'rss'
          ? PreparedResponse.of(this.feeds.rss, { contentType: 'application/rss+xml; charset=utf-8', compressible: true }, previous)
          : PreparedResponse.of(this.feeds.atom, { contentType: 'application/atom+xml; charset=utf-8', compressible: true }, previous);
      }
      case 'badge': {
        const svg = componentBadge(this.model, route.id);
        return svg ? PreparedResponse.of(svg, { contentType: SVG, headers: SVG_SECURITY_HEADERS }, previous) : notFound('svg');
      }
      case 'asset':
        // Assets are the serving thread's own (versioned, immutable); never part of a snapshot.
        return notFound('html');
      case 'not_found':
        return notFound(route.family);
    }
  }

  private notFound(family: 'html' | 'json' | 'svg', previous: PreparedResponse | undefined): PreparedResponse {
    if (family === 'json')
      return PreparedResponse.of(safeJson({ error: 'not_found', message: 'No such resource' }), { status: 404, contentType: JSON_TYPE }, previous);
    if (family === 'svg') return PreparedResponse.of(unknownBadge(), { status: 404, contentType: SVG, headers: SVG_SECURITY_HEADERS }, previous);
    const page = this.renderer.html.message('Page not found', 'There is nothing at this address.', { model: this.model, context: this.context });
    return PreparedResponse.of(page, { status: 404, contentType: HTML, headers: HTML_SECURITY_HEADERS, compressible: true }, previous);
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

/**
 * JSON with `<`, `>`, `&` and the JavaScript line separators written as \u
 * escapes: the same data for every JSON parser, but no markup in the bytes, so
 * a consumer that pastes it into HTML cannot be scripted through an incident title.
 */
export function safeJson(document: unknown): string {
  return JSON.stringify(document).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
