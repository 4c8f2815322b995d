import { gunzipSync } from 'node:zlib';
import { brotliDecompressSync, gunzipSync as gunzip } from 'node:zlib';
import { matchesIfNoneMatch, PreparedResponse, preferredEncoding, ResponseArenaBuilder } from './prepared-response';
import { matchRoute } from './routes';
import { safeJson } from './snapshot-rendering';

describe('PreparedResponse', () => {
  it('precomputes a strong ETag and the public cache headers', () => {
    const response = PreparedResponse.of('hello', { contentType: 'text/plain' });
    const variant = response.variant('identity');
    expect(variant.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(variant.headers).toEqual(
      expect.arrayContaining([
        'Cache-Control',
        'public, max-age=15, stale-while-revalidate=30, stale-if-error=86400',
        'Content-Length',
        '5',
        'Access-Control-Allow-Origin',
        '*',
      ]),
    );
    expect(PreparedResponse.of('hello', { contentType: 'text/plain' }).etag).toBe(response.etag);
    expect(PreparedResponse.of('hello!', { contentType: 'text/plain' }).etag).not.toBe(response.etag);
  });

  it('compresses large text ahead of serving, with its own ETag, and never small bodies', () => {
    const body = 'status '.repeat(1000);
    const response = PreparedResponse.of(body, { contentType: 'text/html', compressible: true });
    const gzip = response.variant('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(body);
    expect(gzip.etag).toBe(`${response.etag.slice(0, -1)}-gzip"`);
    expect(response.variant('gzip')).toBe(gzip);
    expect(brotliDecompressSync(response.variant('br').body).toString()).toBe(body);
    expect(PreparedResponse.of('tiny', { contentType: 'text/html', compressible: true }).variant('br').headers).not.toContain('Content-Encoding');
  });

  it('reuses the previous response when the body is byte for byte the same (no compression again)', () => {
    const body = 'status '.repeat(1000);
    const first = PreparedResponse.of(body, { contentType: 'text/html', compressible: true });
    expect(PreparedResponse.of(body, { contentType: 'text/html', compressible: true }, first)).toBe(first);
    const changed = PreparedResponse.of(`${body}!`, { contentType: 'text/html', compressible: true }, first);
    expect(changed).not.toBe(first);
    expect(changed.variant('br').etag).not.toBe(first.variant('br').etag);
    // Another status with the same bytes is another response.
    expect(PreparedResponse.of(body, { status: 404, contentType: 'text/html', compressible: true }, first)).not.toBe(first);
  });

  it('gives each variant a 304 with its own ETag and no body headers', () => {
    const response = PreparedResponse.of('<p>status</p>'.repeat(200), { contentType: 'text/html', compressible: true });
    const br = response.variant('br');
    expect(br.notModifiedHeaders).toEqual(expect.arrayContaining(['ETag', br.etag, 'Vary', 'Accept-Encoding']));
    expect(br.notModifiedHeaders).not.toContain('Content-Length');
    expect(br.notModifiedHeaders).not.toContain('Content-Encoding');
  });

  it('crosses threads as plain data plus one arena buffer, unchanged', () => {
    const arena = new ResponseArenaBuilder();
    const page = PreparedResponse.of('<p>status</p>'.repeat(200), { contentType: 'text/html', compressible: true });
    const missing = PreparedResponse.of('not here', { status: 404, contentType: 'text/plain' });
    const wires = [page.toWire(arena), missing.toWire(arena)];
    const buffer = arena.build();
    const [pageBack, missingBack] = structuredClone(wires).map((wire) => PreparedResponse.fromWire(wire, buffer));
    for (const encoding of ['identity', 'gzip', 'br'] as const) {
      expect(pageBack.variant(encoding).body.equals(page.variant(encoding).body)).toBe(true);
      expect(pageBack.variant(encoding).headers).toEqual(page.variant(encoding).headers);
      expect(pageBack.variant(encoding).etag).toBe(page.variant(encoding).etag);
    }
    expect(gunzip(pageBack.variant('gzip').body).toString()).toBe('<p>status</p>'.repeat(200));
    expect(missingBack.status).toBe(404);
    expect(missingBack.body.toString()).toBe('not here');
    expect(missingBack.variant('gzip')).toBe(missingBack.variant('identity'));
  });
});

describe('content negotiation and conditional requests', () => {
  it('prefers br, then gzip, honouring q=0', () => {
    expect(preferredEncoding(undefined)).toBe('identity');
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('gzip, br;q=0')).toBe('gzip');
    expect(preferredEncoding('deflate')).toBe('identity');
    expect(preferredEncoding('*')).toBe('gzip');
    // Remembered per header value, with the same answers the second time.
    for (const header of ['gzip, deflate, br, zstd', 'gzip, br;q=0', 'identity']) expect(preferredEncoding(header)).toBe(preferredEncoding(header));
    expect(preferredEncoding('gzip, br;q=0')).toBe('gzip');
    for (let index = 0; index < 1000; index++) expect(preferredEncoding(`x-${index}, gzip`)).toBe('gzip');
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(matchesIfNoneMatch('"a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b", W/"a"', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"a"')).toBe(true);
    expect(matchesIfNoneMatch('"b"', '"a"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"a"')).toBe(false);
  });
});

describe('matchRoute', () => {
  it('maps the public routes and leaves everything else to Nest', () => {
    expect(matchRoute('/', '')).toEqual({ kind: 'home' });
    expect(matchRoute('/api/v2/incidents/unresolved.json', '')).toEqual({ kind: 'v2', document: 'incidents/unresolved' });
    expect(matchRoute('/history', 'page=3')).toEqual({ kind: 'history', page: 3 });
    expect(matchRoute('/history', 'page=0')).toEqual({ kind: 'not_found', family: 'html' });
    expect(matchRoute('/incidents/0b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1', '')).toEqual({ kind: 'incident', id: '0b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1' });
    expect(matchRoute('/incidents/../etc', '')).toEqual({ kind: 'not_found', family: 'html' });
    expect(matchRoute('/badge/abcdefghijkl.svg', '')).toEqual({ kind: 'badge', id: 'abcdefghijkl' });
    expect(matchRoute('/badge/abc.png', '')).toEqual({ kind: 'not_found', family: 'svg' });
    expect(matchRoute('/api/v2/pages.json', '')).toEqual({ kind: 'not_found', family: 'json' });
    expect(matchRoute('/health', '')).toBeNull();
    expect(matchRoute('/metrics', '')).toBeNull();
  });
});

describe('safeJson', () => {
  it('writes markup characters as \\u escapes that parse back to the same data', () => {
    const text = safeJson({ name: '<script>alert("x")</script> & \u2028' });
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual({ name: '<script>alert("x")</script> & \u2028' });
  });
});
