import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { installConnectionFastPath, parseSimpleRequest, ResponseBytes, type ConnectionFastPath } from './connection-fast-path';

const head = (lines: string[]): string => lines.join('\r\n');

describe('parseSimpleRequest', () => {
  it('reads method, target, the two negotiated headers and Connection: close', () => {
    expect(parseSimpleRequest(head(['GET /api/v2/summary.json?x=1 HTTP/1.1', 'Host: status.example', 'Accept-Encoding: gzip, br', 'If-None-Match: "a"']))).toEqual({
      method: 'GET',
      target: '/api/v2/summary.json?x=1',
      acceptEncoding: 'gzip, br',
      ifNoneMatch: '"a"',
      close: false,
    });
    expect(parseSimpleRequest(head(['HEAD / HTTP/1.1', 'host:x', 'connection: keep-alive, Close']))).toMatchObject({ method: 'HEAD', target: '/', close: true });
  });

  it('rejects a long run of spaces before an invalid byte at once (no backtracking)', () => {
    // With overlapping whitespace patterns a regular expression backtracks ~n³ times here: minutes for one request.
    expect(parseSimpleRequest(head(['GET / HTTP/1.1', 'Host: x', `X-A:${' '.repeat(16_000)}\u007f`]))).toBeUndefined();
    expect(parseSimpleRequest(head(['GET / HTTP/1.1', 'Host: x', `X-A:${' \t'.repeat(8_000)}\u0000 `]))).toBeUndefined();
    expect(parseSimpleRequest(head(['GET / HTTP/1.1', 'Host: x', `X-A:${' '.repeat(16_000)}ok${' '.repeat(100)}`]))).toMatchObject({ target: '/' });
  });

  it('joins repeated Accept-Encoding and If-None-Match as Node does, and trims optional whitespace', () => {
    const parsed = parseSimpleRequest(head(['GET / HTTP/1.1', 'Host: x', 'Accept-Encoding: gzip  ', 'accept-encoding:\tbr', 'If-None-Match: "a"', 'If-None-Match: "b"']));
    expect(parsed).toMatchObject({ acceptEncoding: 'gzip, br', ifNoneMatch: '"a", "b"' });
  });

  it.each([
    ['another method', ['POST / HTTP/1.1', 'Host: x']],
    ['a lower-case method', ['get / HTTP/1.1', 'Host: x']],
    ['HTTP/1.0', ['GET / HTTP/1.0', 'Host: x']],
    ['no Host', ['GET / HTTP/1.1']],
    ['two Host headers', ['GET / HTTP/1.1', 'Host: x', 'Host: y']],
    ['a body length', ['GET / HTTP/1.1', 'Host: x', 'Content-Length: 0']],
    ['a chunked body', ['GET / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked']],
    ['an upgrade', ['GET / HTTP/1.1', 'Host: x', 'Connection: Upgrade', 'Upgrade: websocket']],
    ['Connection: upgrade alone', ['GET / HTTP/1.1', 'Host: x', 'Connection: upgrade']],
    ['an expectation', ['GET / HTTP/1.1', 'Host: x', 'Expect: 100-continue']],
    ['an absolute-form target', ['GET http://x/ HTTP/1.1', 'Host: x']],
    ['a target with a space', ['GET /a b HTTP/1.1', 'Host: x']],
    ['a non-ASCII target', ['GET /é HTTP/1.1', 'Host: x']],
    ['a header without a colon', ['GET / HTTP/1.1', 'Host: x', 'Broken']],
    ['a header name with a space', ['GET / HTTP/1.1', 'Host : x']],
    ['a folded header line', ['GET / HTTP/1.1', 'Host: x', 'X-A: 1', ' continued']],
    ['a bare LF inside a value', ['GET / HTTP/1.1', 'Host: x', 'X-A: 1\nX-B: 2']],
    ['a bare CR inside a value', ['GET / HTTP/1.1', 'Host: x', 'X-A: 1\rX-B: 2']],
    ['a NUL in a value', ['GET / HTTP/1.1', 'Host: x', 'X-A: a\u0000b']],
    ['two spaces in the request line', ['GET  / HTTP/1.1', 'Host: x']],
  ])('leaves %s to the HTTP server', (_what, lines) => {
    expect(parseSimpleRequest(head(lines))).toBeUndefined();
  });
});

describe('ResponseBytes', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes status line, headers, Date and the connection outcome, then the body; HEAD gets the head alone', () => {
    const bytes = new ResponseBytes(200, ['Content-Type', 'text/plain', 'Content-Length', '5'], Buffer.from('hello'));
    const full = bytes.full(false, 5).toString('latin1');
    expect(full).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: 5\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nhello$/);
    expect(bytes.full(true, 5).toString('latin1')).toMatch(/\r\nConnection: close\r\n\r\nhello$/);
    expect(bytes.head(false, 5).toString('latin1')).toBe(full.slice(0, full.length - 5));
    expect(new ResponseBytes(304, ['ETag', '"x"'], null).full(false, 5).toString('latin1')).toMatch(/^HTTP\/1\.1 304 Not Modified\r\nETag: "x"\r\n.*\r\n\r\n$/s);
  });

  it('keeps the same bytes within a second and refreshes the Date header in the next', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 1, 12, 0, 0, 100));
    const bytes = new ResponseBytes(200, ['Content-Length', '0'], Buffer.alloc(0));
    const first = bytes.full(false, 5);
    now.mockReturnValue(Date.UTC(2026, 11, 1, 12, 0, 0, 900));
    expect(bytes.full(false, 5)).toBe(first);
    now.mockReturnValue(Date.UTC(2026, 11, 1, 12, 0, 1, 0));
    expect(first.toString('latin1')).toContain('Date: Tue, 01 Dec 2026 12:00:00 GMT');
    expect(bytes.full(false, 5).toString('latin1')).toContain('Date: Tue, 01 Dec 2026 12:00:01 GMT');
  });

  it('refuses header names and values writeHead would refuse (no header injection), and the headers it writes itself', () => {
    expect(() => new ResponseBytes(200, ['X-A', 'one\r\nSet-Cookie: a=b'], null)).toThrow(/X-A/);
    expect(() => new ResponseBytes(200, ['Bad Name', 'x'], null)).toThrow();
    for (const reserved of ['Date', 'connection', 'Keep-Alive', 'Transfer-Encoding']) expect(() => new ResponseBytes(200, [reserved, 'x'], null)).toThrow(reserved);
  });

  it('leaves Keep-Alive out when the server has no keep-alive timeout, as Node does', () => {
    const bytes = new ResponseBytes(204, [], null);
    expect(bytes.full(false, null).toString('latin1')).toMatch(/\r\nConnection: keep-alive\r\n\r\n$/);
    expect(bytes.full(false, 7).toString('latin1')).toMatch(/\r\nConnection: keep-alive\r\nKeep-Alive: timeout=7\r\n\r\n$/);
  });
});

interface Exchange {
  server: Server;
  port: number;
  fastPath: ConnectionFastPath;
  /** Requests that reached the HTTP server's request listener. */
  viaNode: string[];
  /** Per accepted socket, the buffer its reads go into after the fast path took it (null: Node's buffer per read). */
  readsInto: unknown[];
}

const FAST_BODY = Buffer.from('answered from the fast path\n');

describe.each([
  ['into one shared buffer', true],
  ["into Node's buffer per read", false],
])('installConnectionFastPath, reading %s', (_reading, sharedReadBuffer) => {
  let exchange: Exchange;
  let draining = false;
  let fastBody = FAST_BODY;
  const sockets: Socket[] = [];

  async function start(configure: (server: Server) => void = () => undefined, handler?: (target: string) => ResponseBytes | undefined): Promise<Exchange> {
    const viaNode: string[] = [];
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        viaNode.push(`${request.method} ${request.url}${body ? ` ${body}` : ''}`);
        response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Via': 'node' });
        response.end(`node ${request.method} ${request.url}\n`);
      });
    });
    configure(server);
    const fast = new ResponseBytes(200, ['Content-Type', 'text/plain', 'Content-Length', String(fastBody.length), 'X-Via', 'fast'], fastBody);
    const fastPath = installConnectionFastPath(server, (request) => (handler ? handler(request.target) : request.target === '/fast' ? fast : undefined), { draining: () => draining, sharedReadBuffer });
    // What each accepted socket reads into, as the fast path left it (Node's field for onread's buffer; null: Node's buffer per read).
    const readsInto: unknown[] = [];
    server.on('connection', (socket: Socket) => {
      const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'kBuffer');
      readsInto.push(key ? (socket as unknown as Record<symbol, unknown>)[key] : undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port, fastPath, viaNode, readsInto };
  }

  function open(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ...options }, () => resolve(socket));
      socket.once('error', reject);
      sockets.push(socket);
    });
  }

  /** Reads from `socket` until `done(bytesSoFar)` holds or the socket ends; resolves with what arrived and whether it ended. */
  function readUntil(socket: Socket, done: (text: string) => boolean, timeoutMs = 5000): Promise<{ text: string; ended: boolean }> {
    return new Promise((resolve) => {
      let text = '';
      const finish = (ended: boolean): void => {
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeListener('end', onEnd);
        socket.removeListener('close', onEnd);
        resolve({ text, ended });
      };
      const onData = (chunk: Buffer): void => {
        text += chunk.toString('latin1');
        if (done(text)) finish(false);
      };
      const onEnd = (): void => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
    });
  }

  const responses = (text: string): string[] => text.split(/(?=HTTP\/1\.1 )/).filter(Boolean);

  beforeEach(() => {
    draining = false;
    fastBody = FAST_BODY;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    exchange.server.closeAllConnections();
    await new Promise((resolve) => exchange.server.close(resolve));
  });

  it('answers a simple GET itself, with the headers Node would send, and a Node client reads it on a kept-alive connection', async () => {
    exchange = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string): Promise<{ response: IncomingMessage; body: string }> =>
      new Promise((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port: exchange.port, path, agent }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ response, body }));
        });
        request.once('error', reject);
        request.end();
      });
    const first = await get('/fast');
    const second = await get('/fast');
    const other = await get('/elsewhere');
    agent.destroy();
    expect(first.body).toBe(FAST_BODY.toString());
    expect(first.response.headers).toMatchObject({ 'x-via': 'fast', 'content-length': String(FAST_BODY.length), connection: 'keep-alive', 'keep-alive': 'timeout=5' });
    expect(new Date(first.response.headers.date as string).getTime()).toBeGreaterThan(Date.now() - 5000);
    expect(second.body).toBe(FAST_BODY.toString());
    expect(other.response.headers['x-via']).toBe('node');
    expect(other.body).toBe('node GET /elsewhere\n');
    // All three on one connection: the third request moved it to the HTTP server.
    expect(exchange.fastPath.answered).toBe(2);
    expect(exchange.fastPath.handedOver).toBe(1);
    expect(exchange.viaNode).toEqual(['GET /elsewhere']);
    // This Node has what the shared buffer needs: the default is not silently Node's per-read buffers.
    expect(exchange.fastPath.sharedReadBuffer).toBe(sharedReadBuffer);
    // And the accepted socket really reads into it (one 64 KiB buffer), or into Node's own buffers.
    expect(exchange.readsInto).toHaveLength(1);
    if (sharedReadBuffer) expect(Buffer.isBuffer(exchange.readsInto[0]) && (exchange.readsInto[0] as Buffer).length).toBe(64 * 1024);
    else expect(exchange.readsInto[0]).toBeNull();
  });

  /** Resolves once `holds()` (polled), or rejects after `timeoutMs`. */
  async function until(holds: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!holds()) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it("keeps a partial request head intact while another connection's read arrives in between", async () => {
    exchange = await start();
    const slow = await open(exchange.port);
    slow.write('GET /fast HTTP/1.1\r\nHo');
    await until(() => exchange.fastPath.busy === 1);
    // Read between the two halves; with one shared buffer its bytes land where the first half was read.
    const other = await open(exchange.port);
    other.write('GET /elsewhere HTTP/1.1\r\nHost: y\r\n\r\n');
    await readUntil(other, (text) => text.includes('node GET /elsewhere'));
    slow.write('st: x\r\n\r\n');
    const { text } = await readUntil(slow, (received) => received.endsWith(FAST_BODY.toString()) || received.includes('\r\n\r\n'), 2000);
    expect(text).toContain('X-Via: fast');
    expect(exchange.viaNode).toEqual(['GET /elsewhere']);
  });

  it("hands the HTTP server bytes that stay intact after the read that brought them (an upgrade's first bytes, kept by its listener)", async () => {
    const heads: Buffer[] = [];
    const afterwards: Buffer[] = [];
    exchange = await start((server) =>
      server.on('upgrade', (_request: IncomingMessage, upgraded: Socket, head: Buffer) => {
        heads.push(head);
        sockets.push(upgraded); // the server's side: no longer the HTTP server's to close
        upgraded.on('data', (chunk: Buffer) => afterwards.push(chunk));
        upgraded.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
      }),
    );
    const socket = await open(exchange.port);
    socket.write('GET /socket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nHELLO');
    await readUntil(socket, (text) => text.includes('101 Switching Protocols'));
    // Another connection is read meanwhile; the listener still holds the upgrade's head.
    const other = await open(exchange.port);
    other.write(`GET /elsewhere HTTP/1.1\r\nHost: y\r\nX-Pad: ${'p'.repeat(200)}\r\n\r\n`);
    await readUntil(other, (text) => text.includes('node GET /elsewhere'));
    expect(heads.map((head) => head.toString('latin1'))).toEqual(['HELLO']);
    // The upgraded connection's later bytes reach its listener (no longer the fast path's, nor the HTTP parser's), and stay intact.
    socket.write('WORLD');
    await until(() => Buffer.concat(afterwards).length >= 5);
    // A new connection: the one above is the HTTP server's now, and its parser reads into a buffer of its own.
    const third = await open(exchange.port);
    third.write('GET /fast HTTP/1.1\r\nHost: z\r\n\r\n');
    await readUntil(third, (text) => text.endsWith(FAST_BODY.toString()));
    expect(Buffer.concat(afterwards).toString('latin1')).toBe('WORLD');
  });

  it('stops reading an upgraded connection nobody reads once its stream is full, as Node does for its own reads', async () => {
    let upgraded: Socket | null = null;
    exchange = await start((server) =>
      server.on('upgrade', (_request: IncomingMessage, socket: Socket) => {
        sockets.push(socket);
        upgraded = socket;
        socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
      }),
    );
    const socket = await open(exchange.port);
    socket.write('GET /socket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
    await readUntil(socket, (text) => text.includes('101 Switching Protocols'));
    socket.write(Buffer.alloc(8 * 1024 * 1024, 'z'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Read on regardless, all 8 MB would be in the stream's buffer by now; the kernel's buffers hold the rest.
    expect((upgraded as unknown as Socket).readableLength).toBeGreaterThan(0);
    expect((upgraded as unknown as Socket).readableLength).toBeLessThan(2 * 1024 * 1024);
  });

  it('answers pipelined requests in order, and hands the connection over with the bytes it did not answer', async () => {
    exchange = await start();
    const socket = await open(exchange.port);
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\nHEAD /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /other HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nPOST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    const { text } = await readUntil(socket, (received) => responses(received).length === 5 && received.includes('node POST /form') && received.endsWith('\r\n0\r\n\r\n'));
    const answers = responses(text);
    expect(answers).toHaveLength(5);
    expect(answers[0]).toContain('X-Via: fast');
    expect(answers[0].endsWith(FAST_BODY.toString())).toBe(true);
    // HEAD: the same head, no body.
    expect(answers[1]).toContain(`Content-Length: ${FAST_BODY.length}`);
    expect(answers[1].endsWith('\r\n\r\n')).toBe(true);
    expect(answers[2]).toContain('node GET /other');
    // After the hand-over even /fast is the HTTP server's.
    expect(answers[3]).toContain('node GET /fast');
    expect(answers[4]).toContain('node POST /form');
    expect(exchange.viaNode).toEqual(['GET /other', 'GET /fast', 'POST /form abc']);
  });

  it('answers each request by its own head on a connection that repeats or varies them', async () => {
    const seen: string[] = [];
    exchange = await start(undefined, (target) => {
      seen.push(target);
      return new ResponseBytes(200, ['Content-Length', String(target.length)], Buffer.from(target));
    });
    const socket = await open(exchange.port);
    const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
    // Same length, different bytes: a head cache must compare the bytes, not the length.
    socket.write(get('/aa') + get('/aa') + get('/ab') + get('/aa', 'Connection: close\r\n'));
    const { text } = await readUntil(socket, () => false);
    expect(responses(text).map((answer) => answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(['/aa', '/aa', '/ab', '/aa']);
    expect(seen).toEqual(['/aa', '/aa', '/ab', '/aa']);
    expect(text).toMatch(/Connection: close\r\n\r\n\/aa$/);
  });

  it('assembles a request head that arrives a few bytes at a time', async () => {
    exchange = await start();
    const socket = await open(exchange.port);
    const request = 'GET /fast HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n';
    for (let at = 0; at < request.length; at += 7) {
      socket.write(request.slice(at, at + 7));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const { text } = await readUntil(socket, (received) => received.endsWith(FAST_BODY.toString()));
    expect(text).toContain('X-Via: fast');
    expect(exchange.fastPath.answered).toBe(1);
  });

  it('closes after answering Connection: close, and answers nothing pipelined after it', async () => {
    exchange = await start();
    const socket = await open(exchange.port);
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    const { text, ended } = await readUntil(socket, () => false);
    expect(ended).toBe(true);
    expect(responses(text)).toHaveLength(1);
    expect(text).toContain('Connection: close\r\n');
    expect(exchange.fastPath.connections).toBe(0);
  });

  it.each([
    ['a malformed header', 'GET /fast HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n', /^HTTP\/1\.1 400 Bad Request/],
    ['a head larger than maxHeaderSize', `GET /fast HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431 Request Header Fields Too Large/],
    ['an unfinished head larger than maxHeaderSize', `GET /fast HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}`, /^HTTP\/1\.1 431 Request Header Fields Too Large/],
    ['HTTP/1.1 without Host', 'GET /fast HTTP/1.1\r\n\r\n', /^HTTP\/1\.1 400 Bad Request/],
  ])('leaves %s to Node, which answers its error', async (_what, bytes, expected) => {
    exchange = await start();
    const socket = await open(exchange.port);
    socket.write(bytes);
    const { text } = await readUntil(socket, (received) => received.includes('\r\n\r\n'));
    expect(text).toMatch(expected);
    expect(exchange.fastPath.answered).toBe(0);
    expect(exchange.fastPath.handedOver).toBe(1);
    expect(exchange.viaNode).toEqual([]);
  });

  it('lets HTTP/1.0, a handler error and a response with an invalid header go to the HTTP server', async () => {
    exchange = await start(undefined, (target) => {
      if (target === '/broken') throw new Error('rendering bug');
      if (target === '/bad-header') return new ResponseBytes(200, ['X-A', 'one\r\ntwo'], null);
      return undefined;
    });
    const old = await open(exchange.port);
    old.write('GET /fast HTTP/1.0\r\n\r\n');
    const broken = await open(exchange.port);
    broken.write('GET /broken HTTP/1.1\r\nHost: x\r\n\r\n');
    const badHeader = await open(exchange.port);
    badHeader.write('GET /bad-header HTTP/1.1\r\nHost: x\r\n\r\n');
    const [first, second, third] = await Promise.all([
      readUntil(old, (text) => text.includes('node GET /fast')),
      readUntil(broken, (text) => text.includes('node GET /broken')),
      readUntil(badHeader, (text) => text.includes('node GET /bad-header')),
    ]);
    expect(first.text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(second.text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(third.text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(exchange.viaNode.sort()).toEqual(['GET /bad-header', 'GET /broken', 'GET /fast']);
    expect(exchange.fastPath.answered).toBe(0);
  });

  it("closes a connection idle for the server's keep-alive timeout", async () => {
    exchange = await start((server) => (server.keepAliveTimeout = 300));
    const socket = await open(exchange.port);
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    const started = Date.now();
    const { text, ended } = await readUntil(socket, () => false, 3000);
    expect(text).toContain('Keep-Alive: timeout=0');
    expect(ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('times its connections out with one sweep, setting no timer on the sockets (Node would refresh it on every read and write)', async () => {
    exchange = await start((server) => (server.keepAliveTimeout = 300));
    const accepted: Socket[] = [];
    exchange.server.on('connection', (socket: Socket) => accepted.push(socket));
    const clients = await Promise.all([open(exchange.port), open(exchange.port)]);
    for (const client of clients) client.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    const started = Date.now();
    const reads = await Promise.all(clients.map((client) => readUntil(client, () => false, 3000)));
    expect(accepted).toHaveLength(2);
    // socket.setTimeout() sets `timeout`; the fast path never calls it.
    expect(accepted.map((socket) => socket.timeout)).toEqual([undefined, undefined]);
    expect(reads.map((read) => [responses(read.text).length, read.ended])).toEqual([
      [1, true],
      [1, true],
    ]);
    // Closed after the keep-alive timeout, at most one sweep (a quarter of it) late, plus scheduling.
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(300 + 75 + 500);
  });

  it("answers 408 when a request head trickles in for longer than the server's headersTimeout", async () => {
    exchange = await start((server) => {
      server.headersTimeout = 300;
      server.keepAliveTimeout = 5000;
    });
    const socket = await open(exchange.port);
    const reply = readUntil(socket, () => false, 5000);
    for (const part of ['GET /fast HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n']) {
      if (socket.destroyed) break;
      socket.write(part);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    const { text, ended } = await reply;
    expect(text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(ended).toBe(true);
    expect(exchange.fastPath.answered).toBe(0);
  });

  it('reads no further request while the client does not read its responses, answers all once it does, and does not time a slow reader out', async () => {
    fastBody = Buffer.alloc(64 * 1024, 'x');
    // The client stalls for longer than the keep-alive timeout: a slow reader is not an idle connection.
    exchange = await start((server) => (server.keepAliveTimeout = 150));
    const socket = await open(exchange.port);
    socket.pause();
    const count = 400;
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(count));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Unbounded, all 400 (26 MB) would sit in the server's memory by now; the kernel's buffers hold a few.
    const answeredWhileStalled = exchange.fastPath.answered;
    expect(answeredWhileStalled).toBeLessThan(count / 2);
    // A 12 KB read on another connection meanwhile (handed to Node): it must not touch the requests kept waiting.
    const other = await open(exchange.port);
    other.write(`GET /elsewhere HTTP/1.1\r\nHost: y\r\nX-Pad: ${'p'.repeat(12 * 1024)}\r\n\r\n`);
    await readUntil(other, (text) => text.includes('node GET /elsewhere'));
    let received = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (exchange.fastPath.answered === count && socket.readableLength === 0 && received >= count * fastBody.length) resolve();
      });
    });
    socket.resume();
    await done;
    expect(exchange.fastPath.answered).toBe(count);
  }, 30_000);

  it('closes idle connections with closeIdleConnections(), and answers with Connection: close while draining', async () => {
    exchange = await start();
    const idle = await open(exchange.port);
    idle.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await readUntil(idle, (text) => text.endsWith(FAST_BODY.toString()));
    const busy = await open(exchange.port);
    busy.write('GET /fast HTTP/1.1\r\nHo');
    // Wait until the server holds the partial head (not a fixed delay: a slow machine may take longer).
    while (exchange.fastPath.busy !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const idleClosed = readUntil(idle, () => false);
    exchange.server.closeIdleConnections();
    expect((await idleClosed).ended).toBe(true);
    // The connection in the middle of a request head is not idle: it gets its answer, then closes.
    draining = true;
    const last = readUntil(busy, () => false);
    busy.write('st: x\r\n\r\n');
    const { text, ended } = await last;
    expect(text).toContain('Connection: close\r\n');
    expect(text.endsWith(FAST_BODY.toString())).toBe(true);
    expect(ended).toBe(true);
    expect(exchange.fastPath.connections).toBe(0);
  });

  it('destroys a closing connection once written even when the client never half-closes', async () => {
    exchange = await start();
    // allowHalfOpen: this client never answers the server's FIN with its own.
    const socket = await open(exchange.port, { allowHalfOpen: true });
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await readUntil(socket, (text) => text.endsWith(FAST_BODY.toString()));
    const deadline = Date.now() + 3000;
    let connected = 1;
    while (connected > 0 && Date.now() < deadline) {
      connected = await new Promise<number>((resolve, reject) => exchange.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
      if (connected > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(connected).toBe(0);
  });

  it("gives a connection that cannot be HTTP/1.1 GET or HEAD to Node at once (Node answers 400 without waiting for more)", async () => {
    exchange = await start();
    const socket = await open(exchange.port);
    // The start of a TLS ClientHello on the plain port: no CRLF CRLF will ever come.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]));
    const { text } = await readUntil(socket, (received) => received.includes('\r\n\r\n'), 2000);
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(exchange.fastPath.handedOver).toBe(1);
  });

  it("applies the headers timeout, not the keep-alive timeout, before a connection's first request", async () => {
    exchange = await start((server) => {
      server.keepAliveTimeout = 100;
      server.headersTimeout = 600;
    });
    // Silent for longer than the keep-alive timeout: still open, and the request is answered.
    const late = await open(exchange.port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    late.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await readUntil(late, (text) => text.endsWith(FAST_BODY.toString()))).text).toContain('X-Via: fast');
    // Silent for longer than the headers timeout: 408 and closed, as Node answers.
    const silent = await open(exchange.port);
    const started = Date.now();
    const { text, ended } = await readUntil(silent, () => false, 5000);
    expect(text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(ended).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('closes its connections with closeAllConnections()', async () => {
    exchange = await start();
    const socket = await open(exchange.port);
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await readUntil(socket, (text) => text.endsWith(FAST_BODY.toString()));
    expect(exchange.fastPath.connections).toBe(1);
    const closed = readUntil(socket, () => false);
    exchange.server.closeAllConnections();
    expect((await closed).ended).toBe(true);
    expect(exchange.fastPath.connections).toBe(0);
  });
});
