/** The public routes served from the snapshot (everything else goes to Nest: /health, /metrics, 404s). */
export type SnapshotRoute =
  | { readonly kind: 'home' }
  | { readonly kind: 'history'; readonly page: number }
  | { readonly kind: 'incident'; readonly id: string }
  | { readonly kind: 'maintenance'; readonly id: string }
  | { readonly kind: 'v2'; readonly document: V2Document }
  | { readonly kind: 'feed'; readonly format: 'rss' | 'atom' }
  | { readonly kind: 'badge'; readonly id: string }
  | { readonly kind: 'asset'; readonly path: string }
  | { readonly kind: 'not_found'; readonly family: 'html' | 'json' | 'svg' };

export const V2_DOCUMENTS = [
  'summary',
  'status',
  'components',
  'incidents',
  'incidents/unresolved',
  'scheduled-maintenances',
  'scheduled-maintenances/upcoming',
  'scheduled-maintenances/active',
] as const;
export type V2Document = (typeof V2_DOCUMENTS)[number];

const V2_BY_PATH = new Map<string, SnapshotRoute>(V2_DOCUMENTS.map((document) => [`/api/v2/${document}.json`, { kind: 'v2', document }]));
const STATIC: ReadonlyMap<string, SnapshotRoute> = new Map<string, SnapshotRoute>([
  ['/', { kind: 'home' }],
  ['/history.rss', { kind: 'feed', format: 'rss' }],
  ['/history.atom', { kind: 'feed', format: 'atom' }],
  ...V2_BY_PATH,
]);
const HISTORY_FIRST: SnapshotRoute = { kind: 'history', page: 1 };
const NOT_FOUND_HTML: SnapshotRoute = { kind: 'not_found', family: 'html' };
const NOT_FOUND_JSON: SnapshotRoute = { kind: 'not_found', family: 'json' };
const NOT_FOUND_SVG: SnapshotRoute = { kind: 'not_found', family: 'svg' };
const INCIDENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Components, groups and maintenances have 12-character public ids. */
const PUBLIC_ID = /^[a-z0-9]{12}$/;

/**
 * Maps a request path and query to a snapshot route; null = not a status page
 * route. Cheap on purpose: it runs for every request before anything else.
 */
export function matchRoute(path: string, query: string): SnapshotRoute | null {
  const exact = STATIC.get(path);
  if (exact) return exact;
  if (path === '/history') return historyRoute(query);
  if (path.startsWith('/incidents/')) {
    const id = path.slice('/incidents/'.length);
    return INCIDENT_ID.test(id) ? { kind: 'incident', id } : NOT_FOUND_HTML;
  }
  if (path.startsWith('/maintenances/')) {
    const id = path.slice('/maintenances/'.length);
    return PUBLIC_ID.test(id) ? { kind: 'maintenance', id } : NOT_FOUND_HTML;
  }
  if (path.startsWith('/badge/')) {
    const file = path.slice('/badge/'.length);
    if (!file.endsWith('.svg')) return NOT_FOUND_SVG;
    const id = file.slice(0, -'.svg'.length);
    return PUBLIC_ID.test(id) ? { kind: 'badge', id } : NOT_FOUND_SVG;
  }
  if (path.startsWith('/assets/')) return { kind: 'asset', path };
  if (path.startsWith('/api/v2/')) return NOT_FOUND_JSON;
  return null;
}

function historyRoute(query: string): SnapshotRoute {
  if (query === '') return HISTORY_FIRST;
  const parameters = new URLSearchParams(query);
  const page = parameters.get('page');
  if (page === null) return HISTORY_FIRST;
  if (!/^[1-9]\d{0,5}$/.test(page)) return NOT_FOUND_HTML;
  return { kind: 'history', page: Number(page) };
}

export function routeKey(route: SnapshotRoute): string {
  switch (route.kind) {
    case 'home':
      return 'home';
    case 'history':
      return `history:${route.page}`;
    case 'incident':
      return `incident:${route.id}`;
    case 'maintenance':
      return `maintenance:${route.id}`;
    case 'v2':
      return `v2:${route.document}`;
    case 'feed':
      return `feed:${route.format}`;
    case 'badge':
      return `badge:${route.id}`;
    case 'asset':
      return `asset:${route.path}`;
    case 'not_found':
      return `404:${route.family}`;
  }
}
