import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { ResponseBytes } from '@app/platform/core';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

/** Every public response may be cached by browsers and CDNs, and served stale while we are down. */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=15, stale-while-revalidate=30, stale-if-error=86400';
/** Versioned assets never change under the same URL. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
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
  /** The whole response as written by the connection fast path. */
  readonly bytes: ResponseBytes;
  /** The 304 for this variant, as written by the connection fast path. */
  readonly notModifiedBytes: ResponseBytes;
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
const EMPTY = Buffer.alloc(0);
const ENCODINGS: readonly ContentEncoding[] = ['identity', 'gzip', 'br'];
const COMPRESSED = ['gzip', 'br'] as const;

/** One bit per encoding: which variants a response has, or which ones visitors asked for. */
export const ENCODING_BIT: Readonly<Record<ContentEncoding, number>> = { identity: 1, gzip: 2, br: 4 };
/** Every encoding. */
export const ALL_ENCODINGS = ENCODING_BIT.identity | ENCODING_BIT.gzip | ENCODING_BIT.br;

/** What the worker needs to add a variant later: the options the response was made with, and its ETag base. */
interface VariantRecipe {
  readonly options: PreparedResponseOptions;
  readonly baseTag: string;
}

/**
 * A response rendered once and served many times: its identity body with a
 * strong ETag and headers, and, for compressible bodies, the gzip and br
 * variants asked for, all made in the snapshot worker so serving one is a
 * lookup and a socket write. Variants nobody asked for are made when first
 * asked for ({@link including}). Crosses threads as a {@link WireResponse}
 * whose bodies live in one shared {@link ResponseArena}.
 */
export class PreparedResponse {
  /**
   * Encodings visitors asked this response for (ENCODING_BIT flags), set on
   * the serving thread and collected at the next rebuild: what was asked for
   * is made ahead of demand again.
   */
  demand = 0;
  /** 304s of variants not made yet, made when a client first revalidates one ({@link notModifiedVariant}). */
  private readonly unmade = new Map<ContentEncoding, ResponseVariant>();

  private constructor(
    readonly status: number,
    readonly compressible: boolean,
    private readonly variants: ReadonlyMap<ContentEncoding, ResponseVariant>,
    /** Present in the worker (which can add variants); null for a response rebuilt from the wire. */
    private readonly recipe: VariantRecipe | null,
  ) {}

  /**
   * Makes the response with the variants in `encodings` (CPU: hashing and
   * compression; not for the serving thread's hot path), or reuses `previous`
   * — the same route's response from the last snapshot — when its body is
   * byte for byte the same, keeping the variants made then.
   */
  static of(body: Buffer | string, options: PreparedResponseOptions, previous?: PreparedResponse, encodings: number = ALL_ENCODINGS): PreparedResponse {
    const identity = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const status = options.status ?? 200;
    // The same bytes as last time (most pages between two rebuilds): keep the variants made then.
    if (previous?.recipe && previous.status === status && previous.body.equals(identity)) return previous.including(encodings);
    const baseTag = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
    const compressible = Boolean(options.compressible) && identity.length >= MIN_COMPRESSIBLE_BYTES;
    const recipe = { options, baseTag };
    const variants = new Map<ContentEncoding, ResponseVariant>([['identity', makeVariant(identity, 'identity', recipe, status, compressible)]]);
    const response = new PreparedResponse(status, compressible, variants, recipe);
    return response.including(encodings);
  }

  /** Rebuilds a response sent by {@link toWire}; the bodies are views into the arena (no copy). */
  static fromWire(wire: WireResponse, arena: ArrayBuffer): PreparedResponse {
    const variants = new Map<ContentEncoding, ResponseVariant>();
    for (const variant of wire.variants) {
      variants.set(variant.encoding, withBytes(wire.status, Buffer.from(arena, variant.bodyOffset, variant.bodyLength), variant.etag, variant.headers, variant.notModifiedHeaders));
    }
    return new PreparedResponse(wire.status, wire.compressible, variants, null);
  }

  /**
   * This response with every variant in `encodings` (flags): itself when it
   * has them all, else a new response sharing the variants it has, the
   * missing ones compressed now. Only in the worker, where responses are made.
   */
  including(encodings: number): PreparedResponse {
    if (!this.compressible) return this;
    const missing = COMPRESSED.filter((encoding) => encodings & ENCODING_BIT[encoding] && !this.variants.has(encoding));
    if (missing.length === 0) return this;
    const recipe = this.recipe;
    if (!recipe) throw new Error('variants are made where the response was rendered');
    const variants = new Map(this.variants);
    for (const encoding of missing) variants.set(encoding, makeVariant(compress(this.body, encoding), encoding, recipe, this.status, true));
    return new PreparedResponse(this.status, true, variants, recipe);
  }

  /** The identity ETag (quoted). */
  get etag(): string {
    return this.variant('identity').etag;
  }

  get body(): Buffer {
    return this.variant('identity').body;
  }

  /** Whether the variant for this encoding is made (a body too small to compress serves identity for all). */
  has(encoding: ContentEncoding): boolean {
    return !this.compressible || this.variants.has(encoding);
  }

  /** The variant for this encoding, or identity when the body is not compressed or that variant is not made yet. */
  variant(encoding: ContentEncoding): ResponseVariant {
    return (this.variants.get(encoding) ?? this.variants.get('identity')) as ResponseVariant;
  }

  /**
   * The 304 of a variant not made yet, for a client revalidating its copy of
   * it: a variant's ETag is the identity body's plus its encoding, so it is
   * known without compressing anything. Made once per encoding, on first use
   * (a header list, no body).
   */
  notModifiedVariant(encoding: ContentEncoding): ResponseVariant {
    const made = this.variants.get(encoding);
    if (made) return made;
    const known = this.unmade.get(encoding);
    if (known) return known;
    const identity = this.variant('identity');
    const etag = variantEtag(identity.etag.slice(1, -1), encoding);
    const headers = identity.notModifiedHeaders.map((value, index) => (index % 2 === 1 && identity.notModifiedHeaders[index - 1] === 'ETag' ? etag : value));
    const variant = withBytes(304, EMPTY, etag, headers, headers);
    this.unmade.set(encoding, variant);
    return variant;
  }

  /**
   * This response with the variants of `other` — the same body, made later
   * with other variants — that it lacks; no work (the bodies are shared).
   */
  withVariantsOf(other: PreparedResponse): PreparedResponse {
    if (other.etag !== this.etag || other.status !== this.status) throw new Error('only variants of the same body can be combined');
    const variants = new Map(other.variants);
    for (const [encoding, variant] of this.variants) variants.set(encoding, variant);
    const combined = new PreparedResponse(this.status, this.compressible, variants, this.recipe ?? other.recipe);
    combined.demand = this.demand | other.demand;
    return combined;
  }

  /** The response as plain data for postMessage, its bodies appended to the arena. */
  toWire(arena: ResponseArenaBuilder): WireResponse {
    const variants: WireVariant[] = [];
    for (const encoding of ENCODINGS) {
      const variant = this.variants.get(encoding);
      if (!variant) continue;
      const { offset, length } = arena.append(variant.body);
      variants.push({ encoding, bodyOffset: offset, bodyLength: length, etag: variant.etag, headers: variant.headers, notModifiedHeaders: variant.notModifiedHeaders });
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

/** A variant's strong ETag: the identity body's hash, plus the encoding for a compressed variant (so it is known before compressing). */
function variantEtag(baseTag: string, encoding: ContentEncoding): string {
  return encoding === 'identity' ? `"${baseTag}"` : `"${baseTag}-${encoding}"`;
}

function makeVariant(body: Buffer, encoding: ContentEncoding, { options, baseTag }: VariantRecipe, status: number, compressible: boolean): ResponseVariant {
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
  return withBytes(status, body, etag, flatten(headers), flatten(common));
}

function withBytes(status: number, body: Buffer, etag: string, headers: string[], notModifiedHeaders: string[]): ResponseVariant {
  return new Variant(status, body, etag, headers, notModifiedHeaders);
}

/**
 * A variant whose wire bytes are made when the connection fast path first
 * asks for them: the worker, which makes the variants, never does, and a
 * swap on the serving thread checks no headers of responses nobody requests.
 */
class Variant implements ResponseVariant {
  private wire: ResponseBytes | null = null;
  private notModifiedWire: ResponseBytes | null = null;

  constructor(
    readonly status: number,
    readonly body: Buffer,
    readonly etag: string,
    readonly headers: string[],
    readonly notModifiedHeaders: string[],
  ) {}

  get bytes(): ResponseBytes {
    return (this.wire ??= new ResponseBytes(this.status, this.headers, this.body));
  }

  get notModifiedBytes(): ResponseBytes {
    return (this.notModifiedWire ??= new ResponseBytes(304, this.notModifiedHeaders, null));
  }
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
