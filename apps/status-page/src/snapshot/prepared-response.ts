import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Every public response may be cached by browsers and CDNs, and served stale while we are down. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=15, stale-while-revalidate=30, stale-if-error=86400';
/** Versioned assets never change under the same URL. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'Referrer-Policy': 'no-referrer',
};
/** An SVG opened directly must not run anything either; badge-maker's SVG needs inline styles only. */
export const SVG_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
};

export type ContentEncoding = 'identity' | 'gzip' | 'br';

export interface ResponseVariant {
  readonly status: number;
  readonly body: Buffer;
  readonly etag: string;
  /** Flat `[name, value, ...]` list, the cheapest form for `writeHead`. */
  readonly headers: string[];
  /** Headers of a 304 for this variant (no body, no length). */
  readonly notModifiedHeaders: string[];
}

export interface PreparedResponseOptions {
  readonly status?: number;
  readonly contentType: string;
  readonly cacheControl?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Offer gzip/br (text bodies above 1 KiB). */
  readonly compressible?: boolean;
}

const MIN_COMPRESSIBLE_BYTES = 1024;

/**
 * A response rendered once and served many times: body, strong ETag and all
 * headers precomputed; compressed variants made on first demand and kept.
 */
export class PreparedResponse {
  private readonly variants = new Map<ContentEncoding, ResponseVariant>();
  private readonly baseTag: string;
  readonly compressible: boolean;

  constructor(
    body: Buffer | string,
    private readonly options: PreparedResponseOptions,
  ) {
    const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.baseTag = createHash('sha256').update(buffer).digest('base64url').slice(0, 27);
    this.compressible = Boolean(options.compressible) && buffer.length >= MIN_COMPRESSIBLE_BYTES;
    this.variants.set('identity', this.makeVariant(buffer, 'identity'));
  }

  get status(): number {
    return this.options.status ?? 200;
  }

  /** The identity ETag (quoted). */
  get etag(): string {
    return this.variant('identity').etag;
  }

  get body(): Buffer {
    return this.variant('identity').body;
  }

  variant(encoding: ContentEncoding): ResponseVariant {
    const existing = this.variants.get(encoding);
    if (existing) return existing;
    if (!this.compressible || encoding === 'identity') return this.variants.get('identity') as ResponseVariant;
    const identity = (this.variants.get('identity') as ResponseVariant).body;
    const body =
      encoding === 'br'
        ? brotliCompressSync(identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: identity.length } })
        : gzipSync(identity, { level: 6 });
    const variant = this.makeVariant(body, encoding);
    this.variants.set(encoding, variant);
    return variant;
  }

  private makeVariant(body: Buffer, encoding: ContentEncoding): ResponseVariant {
    const etag = encoding === 'identity' ? `"${this.baseTag}"` : `"${this.baseTag}-${encoding}"`;
    const common: OutgoingHttpHeaders = {
      'Cache-Control': this.options.cacheControl ?? PUBLIC_CACHE_CONTROL,
      ETag: etag,
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
      ...(this.compressible || encoding !== 'identity' ? { Vary: 'Accept-Encoding' } : {}),
    };
    const headers: OutgoingHttpHeaders = {
      'Content-Type': this.options.contentType,
      'Content-Length': body.length,
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
      ...common,
      ...this.options.headers,
    };
    return { status: this.status, body, etag, headers: flatten(headers), notModifiedHeaders: flatten(common) };
  }
}

function flatten(headers: OutgoingHttpHeaders): string[] {
  return Object.entries(headers).flatMap(([name, value]) => [name, String(value)]);
}

/** Picks br, then gzip, when the client accepts them (q=0 refuses). */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (!acceptEncoding) return 'identity';
  let gzip = false;
  for (const part of acceptEncoding.split(',')) {
    const [token, ...parameters] = part.trim().toLowerCase().split(';');
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    if (refused) continue;
    if (token === 'br') return 'br';
    if (token === 'gzip' || token === '*') gzip = true;
  }
  return gzip ? 'gzip' : 'identity';
}

/** If-None-Match: a list of (weak or strong) tags, or `*`; compared weakly as RFC 9110 requires for GET. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true;
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const candidate of header.split(',')) {
    const tag = candidate.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === bare) return true;
  }
  return false;
}
