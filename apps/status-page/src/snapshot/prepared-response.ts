import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Every public response may be cached by browsers and CDNs, and served stale while we are down. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=15, stale-while-revalidate=30, stale-if-error=86400';
/** Versioned assets never change under the same URL. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
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
const ENCODINGS: readonly ContentEncoding[] = ['identity', 'gzip', 'br'];
const COMPRESSED = ['gzip', 'br'] as const;

/**
 * A response rendered once and served many times: its identity body with a
 * strong ETag and headers, and, for compressible bodies, its gzip and br
 * variants, all made in the snapshot worker so serving one is a lookup and a
 * socket write. Crosses threads as a {@link WireResponse} whose bodies live in
 * one shared {@link ResponseArenaBuilder} arena.
 */
export class PreparedResponse {
  private constructor(
    readonly status: number,
    readonly compressible: boolean,
    private readonly variants: ReadonlyMap<ContentEncoding, ResponseVariant>,
  ) {}

  /**
   * Makes the response with all its variants (CPU: hashing and compression;
   * not for the serving thread), or reuses `previous` — the same route's
   * response from the last snapshot — when its body is byte for byte the same.
   */
  static of(body: Buffer | string, options: PreparedResponseOptions, previous?: PreparedResponse): PreparedResponse {
    const identity = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const status = options.status ?? 200;
    // The same bytes as last time (most pages between two rebuilds): keep the variants made then.
    if (previous && previous.status === status && previous.body.equals(identity)) return previous;
    const baseTag = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
    const compressible = Boolean(options.compressible) && identity.length >= MIN_COMPRESSIBLE_BYTES;
    const variants = new Map<ContentEncoding, ResponseVariant>([['identity', makeVariant(identity, 'identity', options, baseTag, status, compressible)]]);
    if (compressible)
      for (const encoding of COMPRESSED) variants.set(encoding, makeVariant(compress(identity, encoding), encoding, options, baseTag, status, true));
    return new PreparedResponse(status, compressible, variants);
  }

  /** Rebuilds a response sent by {@link toWire}; the bodies are views into the arena (no copy). */
  static fromWire(wire: WireResponse, arena: ArrayBuffer): PreparedResponse {
    const variants = new Map<ContentEncoding, ResponseVariant>();
    for (const variant of wire.variants) {
      variants.set(variant.encoding, {
        status: wire.status,
        body: Buffer.from(arena, variant.bodyOffset, variant.bodyLength),
        etag: variant.etag,
        headers: variant.headers,
        notModifiedHeaders: variant.notModifiedHeaders,
      });
    }
    return new PreparedResponse(wire.status, wire.compressible, variants);
  }

  /** The identity ETag (quoted). */
  get etag(): string {
    return this.variant('identity').etag;
  }

  get body(): Buffer {
    return this.variant('identity').body;
  }

  /** The variant for this encoding, or identity when the body is not compressed. */
  variant(encoding: ContentEncoding): ResponseVariant {
    return (this.variants.get(encoding) ?? this.variants.get('identity')) as ResponseVariant;
  }

  /** The response as plain data for postMessage, its bodies appended to the arena. */
  toWire(arena: ResponseArenaBuilder): WireResponse {
    const variants: WireVariant[] = [];
    for (const encoding of ENCODINGS) {
      const variant = this.variants.get(encoding);
      if (!variant) continue;
      const { offset, length } = arena.append(variant.body);
      variants.push({
        encoding,
        bodyOffset: offset,
        bodyLength: length,
        etag: variant.etag,
        headers: variant.headers,
        notModifiedHeaders: variant.notModifiedHeaders,
      });
    }
    return { status: this.status, compressible: this.compressible, variants };
  }
}

function compress(body: Buffer, encoding: 'gzip' | 'br'): Buffer {
  if (encoding === 'gzip') return gzipSync(body, { level: 6 });
  return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } });
}

export interface WireVariant {
  readonly encoding: ContentEncoding;
  readonly bodyOffset: number;
  readonly bodyLength: number;
  readonly etag: string;
  readonly headers: string[];
  readonly notModifiedHeaders: string[];
}

export interface WireResponse {
  readonly status: number;
  readonly compressible: boolean;
  readonly variants: readonly WireVariant[];
}

/**
 * Collects response bodies into one ArrayBuffer, so a whole snapshot crosses
 * from the worker to the serving thread as a single transfer (no copy, and
 * none of Node's pooled buffers, which cannot be transferred).
 */
export class ResponseArenaBuilder {
  private readonly parts: Buffer[] = [];
  private size = 0;

  append(body: Buffer): { offset: number; length: number } {
    const offset = this.size;
    this.parts.push(body);
    this.size += body.length;
    return { offset, length: body.length };
  }

  /** A fresh, transferable ArrayBuffer holding every appended body. */
  build(): ArrayBuffer {
    const arena = new ArrayBuffer(this.size);
    const view = new Uint8Array(arena);
    let offset = 0;
    for (const part of this.parts) {
      view.set(part, offset);
      offset += part.length;
    }
    return arena;
  }
}

/** A variant's strong ETag: the identity body's hash, plus the encoding for a compressed variant. */
function variantEtag(baseTag: string, encoding: ContentEncoding): string {
  return encoding === 'identity' ? `"${baseTag}"` : `"${baseTag}-${encoding}"`;
}

function makeVariant(
  body: Buffer,
  encoding: ContentEncoding,
  options: PreparedResponseOptions,
  baseTag: string,
  status: number,
  compressible: boolean,
): ResponseVariant {
  const etag = variantEtag(baseTag, encoding);
  const common: OutgoingHttpHeaders = {
    'Cache-Control': options.cacheControl ?? PUBLIC_CACHE_CONTROL,
    ETag: etag,
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
    ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
  };
  const headers: OutgoingHttpHeaders = {
    'Content-Type': options.contentType,
    'Content-Length': body.length,
    ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
    ...common,
    ...options.headers,
  };
  return { status, body, etag, headers: flatten(headers), notModifiedHeaders: flatten(common) };
}

function flatten(headers: OutgoingHttpHeaders): string[] {
  return Object.entries(headers).flatMap(([name, value]) => [name, String(value)]);
}

/** Accept-Encoding values seen (browsers send a handful): parsing one is dearer than a lookup. */
const PREFERRED_BY_HEADER = new Map<string, ContentEncoding>();
const MAX_REMEMBERED_HEADERS = 256;

/** Picks br, then gzip, when the client accepts them (q=0 refuses). */
export function preferredEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (!acceptEncoding) return 'identity';
  const known = PREFERRED_BY_HEADER.get(acceptEncoding);
  if (known) return known;
  const preferred = parseAcceptEncoding(acceptEncoding);
  // Bounded: the header is the client's to choose.
  if (PREFERRED_BY_HEADER.size < MAX_REMEMBERED_HEADERS) PREFERRED_BY_HEADER.set(acceptEncoding, preferred);
  return preferred;
}

function parseAcceptEncoding(acceptEncoding: string): ContentEncoding {
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
