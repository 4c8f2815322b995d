import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Templates and static assets live in apps/status-page/views (the Docker image
 * copies that folder next to dist/). Found relative to this file both when run
 * from source (ts-node, Jest) and from the build output.
 */
function viewsDirectory(): string {
  const candidates = [
    resolve(__dirname, '../../views'),
    resolve(__dirname, '../../../../../apps/status-page/views'),
    resolve(process.cwd(), 'apps/status-page/views'),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'layout.hbs')));
  if (!found) throw new Error(`status page templates not found; looked in ${candidates.join(', ')}`);
  return found;
}

export interface StaticAsset {
  /** Versioned URL path, e.g. /assets/status.3f2a9c1b.css (served as immutable). */
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ViewFiles {
  readonly templates: Readonly<Record<'layout' | 'index' | 'history' | 'incident' | 'maintenance' | 'message' | 'uptimeStrip', string>>;
  readonly partials: Readonly<Record<string, string>>;
  readonly assets: { readonly css: StaticAsset; readonly js: StaticAsset; readonly favicon: StaticAsset };
}

function asset(directory: string, file: string, contentType: string): StaticAsset {
  const body = readFileSync(join(directory, 'assets', file));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const dot = file.lastIndexOf('.');
  return { path: `/assets/${file.slice(0, dot)}.${hash}${file.slice(dot)}`, contentType, body };
}

export function loadViewFiles(directory: string = viewsDirectory()): ViewFiles {
  const read = (name: string) => readFileSync(join(directory, name), 'utf8');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(join(directory, 'partials'))) {
    if (file.endsWith('.hbs')) partials[file.slice(0, -'.hbs'.length)] = read(join('partials', file));
  }
  return {
    templates: {
      layout: read('layout.hbs'),
      index: read('index.hbs'),
      history: read('history.hbs'),
      incident: read('incident.hbs'),
      maintenance: read('maintenance.hbs'),
      message: read('message.hbs'),
      uptimeStrip: read('uptime-strip.hbs'),
    },
    partials,
    assets: {
      css: asset(directory, 'status.css', 'text/css; charset=utf-8'),
      js: asset(directory, 'status.js', 'text/javascript; charset=utf-8'),
      favicon: asset(directory, 'favicon.svg', 'image/svg+xml'),
    },
  };
}
