import { maxHeaderSize as defaultMaxHeaderSize, STATUS_CODES, validateHeaderName, validateHeaderValue, type Server } from 'node:http';
import { Socket as NetSocket, type Socket } from 'node:net';

/**
 * A request the connection fast path understood completely: `GET` or `HEAD`
 * over HTTP/1.1, no body, nothing that changes how the connection is used.
 */
export interface SimpleRequest {
  readonly method: 'GET' | 'HEAD';
  /** The request target as sent (origin form: path and query). */
  readonly target: string;
  /** Repeated headers are joined with ", " (as Node does for these two). */
  readonly acceptEncoding: string | undefined;
  readonly ifNoneMatch: string | undefined;
  /** The client asked to close (`Connection: close`). */
  readonly close: boolean;
}

/** The answer to a simple request, or undefined to give the connection to the HTTP server (Express, Nest). */
export type SimpleRequestHandler = (request: SimpleRequest) => ResponseBytes | undefined;

export interface ConnectionFastPath {
  /** Connections the fast path is serving now. */
  readonly connections: number;
  /** Requests answered by the fast path since start. */
  readonly answered: number;
  /** Connections given to the HTTP server since start (a request it does not answer itself). */
  readonly handedOver: number;
  /** Of `connections`, those in the middle of something: a request head arriving, or a response the client has not read yet. */
  readonly busy: number;
  /** Whether connections are read into one shared buffer ({@link ConnectionFastPathOptions.sharedReadBuffer}), not a new one per read. */
  readonly sharedReadBuffer: boolean;
}

export interface ConnectionFastPathOptions {
  /** True while the app shuts down: every answer then closes its connection. */
  draining?: () => boolean;
  /**
   * Read every connection into one buffer owned by the fast path (default
   * true) instead of the new buffer Node allocates for each read (see
   * {@link sharedReadsFor}). Falls back to Node's per-read buffers when this
   * Node does not offer it.
   */
  sharedReadBuffer?: boolean;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** RFC 9110 field name (a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A field value's characters: visible, spaces, tabs, obs-text; no CR, LF, NUL or other controls. One class, no backtracking. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', 'latin1');

/**
 * Answers the common case of a read-only public site below Node's HTTP
 * machinery: keep-alive `GET`/`HEAD` requests whose complete response bytes
 * are already prepared (a snapshot) are parsed here from the socket's bytes
 * and answered with one socket write. Node's `http` server costs ~40 µs of
 * JavaScript per request (an IncomingMessage and a ServerResponse stream,
 * header validation, 'finish'/'close' events), more than the kernel's part of
 * sending a 31 KB page; this path costs a few.
 *
 * It understands a deliberately strict subset of HTTP/1.1 and nothing else:
 * anything outside it — another method or version, a body (Content-Length,
 * Transfer-Encoding), Upgrade, Expect, a missing or repeated Host, any byte
 * that is not plainly valid, headers larger than `server.maxHeaderSize`,
 * bytes that cannot become `GET /` or `HEAD /`, a server with
 * `maxRequestsPerSocket`, a route the handler does not answer synchronously
 * — hands the connection, with every byte not yet answered, to the HTTP
 * server's own connection listener, which parses it with llhttp and routes it
 * as before. So errors (400, 431), odd clients and every other route get
 * Node's behaviour. An answer here carries the handler's headers plus Date,
 * Connection and (when the server has a keep-alive timeout) Keep-Alive, as
 * Node writes them; the handler's header order is kept.
 *
 * Timeouts follow Node's: a request head (the first one from the
 * connection's start) must arrive within `server.headersTimeout` (else 408
 * and close); between requests an idle connection closes after
 * `server.keepAliveTimeout` (none when 0); a client slow to read its
 * responses is not timed out, but no further request is read until it has
 * (backpressure). They are checked by one sweep over the connections (a
 * quarter of the shorter timeout apart, 10 ms to 1 s), not a timer per socket,
 * which Node would refresh on every read and write; a connection therefore
 * times out up to one sweep late. Shutdown: `closeIdleConnections()` and
 * `closeAllConnections()` close the fast path's connections too, and while
 * `draining()` every answer carries `Connection: close`; a closing answer
 * destroys the socket once written (the server allows half-open sockets).
 * Node's `requestTimeout` (whole request) needs no counterpart: a request
 * here has no body, so its head is all of it. Connections are read into one
 * buffer of the fast path rather than a new buffer per read
 * ({@link sharedReadsFor}); after a hand-over the HTTP server's parser reads
 * the connection itself, as it does for any connection.
 */
export function installConnectionFastPath(server: Server, handler: SimpleRequestHandler, options: ConnectionFastPathOptions = {}): ConnectionFastPath {
  const httpListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  const open = new Set<FastConnection>();
  const stats = { answered: 0, handedOver: 0 };
  const handOver = (connection: FastConnection, unanswered: Buffer | null): void => {
    open.delete(connection);
    stats.handedOver++;
    const socket = connection.socket;
    if (httpListeners.length === 0) {
      socket.destroy();
      return;
    }
    for (const listener of httpListeners) listener.call(server, socket);
    // Bytes read here but not answered go to the HTTP server's parser, as if they had just arrived.
    if (unanswered && unanswered.length > 0 && !socket.destroyed) socket.emit('data', unanswered);
  };

  const sharedReads = options.sharedReadBuffer === false ? null : sharedReadsFor();
  const shared: FastPathShared = {
    server,
    sharedReads,
    // Set only when the server was created with the option; 0/undefined means Node's default, as for its parser.
    maxHeaderSize: (server as { maxHeaderSize?: number }).maxHeaderSize || defaultMaxHeaderSize,
    handler,
    draining: options.draining ?? (() => false),
    stats,
    open,
    handOver,
  };
  // One sweep times every connection out (FastConnection.deadline), every quarter of the shorter timeout, within 10 ms and 1 s; it runs while connections are open.
  let sweep: NodeJS.Timeout | null = null;
  const sweepEveryMs = (): number => Math.min(1000, Math.max(10, Math.floor(Math.min(4000, ...[server.headersTimeout, server.keepAliveTimeout].filter((ms) => ms > 0)) / 4)));
  const scheduleSweep = (): void => {
    if (sweep !== null) return;
    sweep = setTimeout(() => {
      sweep = null;
      const now = Date.now();
      for (const connection of open) connection.checkDeadline(now);
      if (open.size > 0) scheduleSweep();
    }, sweepEveryMs());
    sweep.unref();
  };
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    open.add(new FastConnection(socket, shared));
    scheduleSweep();
  });

  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const connection of open) connection.closeIfIdle();
  };
  server.closeAllConnections = () => {
    closeAll();
    for (const connection of open) connection.socket.destroy();
  };

  return {
    get connections() {
      return open.size;
    },
    get answered() {
      return stats.answered;
    },
    get handedOver() {
      return stats.handedOver;
    },
    get busy() {
      let busy = 0;
      for (const connection of open) if (connection.busy) busy++;
      return busy;
    },
    sharedReadBuffer: sharedReads !== null,
  };
}

/**
 * The means to read sockets into one buffer, as `net.Socket`'s documented
 * `onread` option does for a socket one connects: Node keeps the option in
 * three of the socket's symbol-keyed fields (the buffer, the callback, a
 * buffer generator) and points the handle's reads at the buffer
 * (`useUserBuffer`). A server's sockets are made by Node without it, so the
 * fast path sets the same fields on each accepted socket. The symbols are
 * found the way Node sets them: on a probe socket made with `onread`.
 *
 * Why: for every read Node otherwise allocates a 64 KiB backing store,
 * trims it to the bytes read and wraps it in a new ArrayBuffer — one per
 * request on a keep-alive connection. Under load those buffers set the
 * serving thread's young-generation collections: in the lab (the status
 * page's `/` at 256 connections, one core) a scavenge every ~0.3 s taking
 * ~2.5 ms, 1.4–1.6 ms of it sweeping ArrayBuffers; with one shared buffer
 * one every ~1.2 s taking ~1 ms, and 12% more requests per second.
 *
 * The bytes in the buffer are valid only during the callback: whatever a
 * connection keeps (a partial head, requests waiting for the client to
 * read, bytes handed to the HTTP server) it copies. null when this Node
 * does not have the fields as expected; the fast path then reads as Node does.
 */
function sharedReadsFor(): SharedReads | null {
  if (sharedReadsOfThread === undefined) {
    const keys = probeReadKeys();
    // One buffer for every connection of the thread: read callbacks run one at a time, each to its end.
    sharedReadsOfThread = keys && { ...keys, buffer: Buffer.allocUnsafe(SHARED_READ_BUFFER_BYTES) };
  }
  return sharedReadsOfThread;
}

/** What {@link sharedReadsFor} found: the socket fields `onread` sets, and the buffer to read into. */
interface SharedReads {
  readonly bufferKey: symbol;
  readonly callbackKey: symbol;
  readonly generatorKey: symbol;
  readonly buffer: Buffer;
}

/** As large as Node's own read buffer: a read takes at most this much. */
const SHARED_READ_BUFFER_BYTES = 64 * 1024;
/** Made on first use (undefined until then); null when this Node lacks the fields. */
let sharedReadsOfThread: SharedReads | null | undefined;

function probeReadKeys(): Omit<SharedReads, 'buffer'> | null {
  try {
    const buffer = Buffer.alloc(1);
    const callback = (): undefined => undefined;
    // net.connect(options) documents `onread`; it passes the options to this constructor, which reads it.
    const probe = new NetSocket({ onread: { buffer, callback } } as ConstructorParameters<typeof NetSocket>[0]);
    const fields = probe as unknown as Record<symbol, unknown>;
    const symbols = Object.getOwnPropertySymbols(probe);
    const bufferKey = symbols.find((key) => fields[key] === buffer);
    const callbackKey = symbols.find((key) => fields[key] === callback);
    // With a buffer (not a function) given, Node leaves its generator field null; the reads check it.
    const generatorKey = symbols.find((key) => key !== bufferKey && key !== callbackKey && key.description === 'kBufferGen' && fields[key] === null);
    probe.destroy();
    return bufferKey && callbackKey && generatorKey ? { bufferKey, callbackKey, generatorKey } : null;
  } catch {
    return null;
  }
}

/** What every connection of one fast path shares. */
interface FastPathShared {
  readonly server: Server;
  /** Set: connections read into one buffer (bytes valid during the read callback only). */
  readonly sharedReads: SharedReads | null;
  readonly maxHeaderSize: number;
  readonly handler: SimpleRequestHandler;
  readonly draining: () => boolean;
  readonly stats: { answered: number; handedOver: number };
  /** The connections the fast path serves now. */
  readonly open: Set<FastConnection>;
  readonly handOver: (connection: FastConnection, unanswered: Buffer | null) => void;
}

/** One connection while the fast path serves it. */
class FastConnection {
  /** Received bytes not answered yet: the start of a request head, or requests waiting for the client to read. */
  private pending: Buffer | null = null;
  /** When the request head being awaited started (the connection's start for the first request, its first byte later); 0 when none is. */
  private headStartedAt: number;
  /**
   * When this connection times out (Date.now() ms; 0: never): headersTimeout
   * after a head started, keepAliveTimeout after the last answer. Checked by
   * the fast path's one sweep, not a timer per socket (Node refreshes a
   * socket's timer on every read and write: ~2 µs per request).
   */
  private deadline = 0;
  private answeredHere = 0;
  private waitingForDrain = false;
  private done = false;
  /** The last request head parsed on this connection and what it parsed to: keep-alive clients repeat theirs. */
  private lastHead: Buffer | null = null;
  private lastRequest: SimpleRequest | undefined;
  /** Our socket listeners, attached on arrival and detached when done or handed over. */
  private readonly listeners: ReadonlyArray<readonly [string, (chunk: Buffer) => void]> = [
    ['data', (chunk) => this.received(chunk)],
    ['drain', () => this.drained()],
    ['end', () => this.close('end')],
    ['close', () => this.close('closed')],
    ['error', () => this.close('destroy')],
  ];
  private readonly server: Server;
  /** Reads arrive in the fast path's shared buffer: what this connection keeps of them it copies ({@link keep}). */
  private readonly readsShared: boolean;

  constructor(
    readonly socket: Socket,
    private readonly shared: FastPathShared,
  ) {
    this.server = shared.server;
    for (const [event, listener] of this.listeners) socket.on(event, listener);
    this.readsShared = this.readIntoSharedBuffer();
    // As Node: the first request head must arrive within headersTimeout; keep-alive idling starts after an answer.
    this.headStartedAt = Date.now();
    this.setDeadline(this.server.headersTimeout);
  }

  /** Waiting for a request head (none started, or one started) or with a response still being read. */
  get busy(): boolean {
    return this.pending !== null || this.waitingForDrain || this.socket.writableLength > 0;
  }

  /** Between requests with nothing left to send: closed now (shutdown). */
  closeIfIdle(): void {
    if (this.done || this.busy) return;
    this.close('destroy');
  }

  /** Points the socket's reads at the shared buffer, as `onread` would have (see {@link sharedReadsFor}); false when it cannot. */
  private readIntoSharedBuffer(): boolean {
    const reads = this.shared.sharedReads;
    const handle = (this.socket as unknown as { _handle?: { useUserBuffer?: (buffer: Uint8Array) => void } | null })._handle;
    if (!reads || typeof handle?.useUserBuffer !== 'function') return false;
    const fields = this.socket as unknown as Record<symbol, unknown>;
    // Only a socket as Node makes it for a server: nothing else set up its reads.
    if (fields[reads.bufferKey] !== null || fields[reads.callbackKey] !== null || fields[reads.generatorKey] !== null) return false;
    fields[reads.bufferKey] = reads.buffer;
    // Returning false stops reading, as a full stream does for Node's own reads.
    fields[reads.callbackKey] = (bytesRead: number, buffer: Buffer): boolean => this.readArrived(buffer, bytesRead);
    handle.useUserBuffer(reads.buffer);
    return true;
  }

  /** A read into the shared buffer (valid until this returns); false: stop reading until the stream is read. */
  private readArrived(buffer: Buffer, bytesRead: number): boolean {
    if (this.done) {
      // Handed over or closing: the bytes go to the stream as Node's own reads would (the HTTP server's parser reads the handle itself).
      return this.socket.destroyed || this.socket.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    // The fast path pauses the socket itself while a client does not read its responses.
    this.received(buffer.subarray(0, bytesRead));
    return true;
  }

  /** Bytes this connection keeps past the read that brought them: a copy when they are in the shared buffer. */
  private keep(bytes: Buffer): Buffer {
    return this.readsShared ? Buffer.from(bytes) : bytes;
  }

  private received(chunk: Buffer): void {
    if (this.done) return;
    if (this.pending === null) {
      this.process(chunk);
    } else {
      const joined = Buffer.concat([this.pending, chunk]);
      this.pending = null;
      if (this.waitingForDrain) this.pending = joined;
      else this.process(joined);
    }
  }

  private process(bytes: Buffer): void {
    const socket = this.socket;
    let offset = 0;
    while (offset < bytes.length) {
      if (socket.writableNeedDrain) {
        // The client is not reading what we sent: read nothing more until it does.
        this.pending = this.keep(bytes.subarray(offset));
        this.waitingForDrain = true;
        this.setDeadline(0);
        socket.pause();
        return;
      }
      const headEnd = bytes.indexOf(CRLF_CRLF, offset);
      const maxHeaderSize = this.shared.maxHeaderSize;
      if (headEnd === -1) {
        // Not the start of a GET or HEAD (say TLS on the plain port): Node answers it now, not after 16 KB.
        if (bytes.length - offset > maxHeaderSize || !mayStartSimpleRequest(bytes, offset)) return this.release(bytes.subarray(offset));
        // The rest of the head is still on its way; all of it must arrive within the server's headersTimeout.
        const now = Date.now();
        if (this.headStartedAt === 0) this.headStartedAt = now;
        // Overdue already (a head trickling in past its deadline): answered now rather than at the next sweep.
        this.setDeadline(this.server.headersTimeout, this.headStartedAt);
        if (this.deadline !== 0 && now > this.deadline) return this.requestTimedOut();
        this.pending = this.keep(offset === 0 ? bytes : bytes.subarray(offset));
        return;
      }
      if (headEnd - offset + 4 > maxHeaderSize || this.server.maxRequestsPerSocket) return this.release(bytes.subarray(offset));
      const request = this.parse(bytes, offset, headEnd);
      const close = request !== undefined && (request.close || this.shared.draining());
      const answer = request && this.answer(request, close);
      if (!answer) return this.release(bytes.subarray(offset));
      socket.write(answer);
      this.shared.stats.answered++;
      this.answeredHere++;
      offset = headEnd + 4;
      if (close) {
        // Anything pipelined after a closing request is not answered; the socket closes once written (as Node does).
        this.close('after-write');
        return;
      }
      this.headStartedAt = 0;
    }
    this.pending = null;
    this.setDeadline(this.server.keepAliveTimeout);
  }

  /** The handler's bytes for this request, or undefined to hand the connection over. */
  private answer(request: SimpleRequest, close: boolean): Buffer | undefined {
    try {
      const response = this.shared.handler(request);
      if (!response) return undefined;
      const keepAlive = this.server.keepAliveTimeout;
      // Node sends `Keep-Alive: timeout=N` only when it has a keep-alive timeout.
      const keepAliveSeconds = keepAlive > 0 ? Math.floor(keepAlive / 1000) : null;
      return request.method === 'HEAD' ? response.head(close, keepAliveSeconds) : response.full(close, keepAliveSeconds);
    } catch {
      // The HTTP server's path runs the same handler and answers its error (500, logged with an id).
      return undefined;
    }
  }

  private parse(bytes: Buffer, start: number, end: number): SimpleRequest | undefined {
    const last = this.lastHead;
    if (last !== null && last.length === end - start && last.compare(bytes, start, end) === 0) return this.lastRequest;
    const request = parseSimpleRequest(bytes.toString('latin1', start, end));
    if (request) {
      this.lastHead = Buffer.from(bytes.subarray(start, end));
      this.lastRequest = request;
    }
    return request;
  }

  private drained(): void {
    if (!this.waitingForDrain || this.done) return;
    this.waitingForDrain = false;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.process(pending);
    else this.setDeadline(this.server.keepAliveTimeout);
    if (!this.waitingForDrain && !this.done) this.socket.resume();
  }

  /** The socket timer fired: a head overdue (408), an idle keep-alive connection (closed), or a slow reader (left alone, as Node does). */
  private timedOut(): void {
    if (this.done) return;
    if (this.pending !== null && !this.waitingForDrain) return this.requestTimedOut();
    if (this.waitingForDrain || this.socket.writableLength > 0) {
      this.setDeadline(this.server.keepAliveTimeout);
      return;
    }
    if (this.answeredHere === 0) return this.requestTimedOut();
    this.close('destroy');
  }

  /** A request head took longer than headersTimeout: 408, then close, as Node answers. */
  private requestTimedOut(): void {
    this.socket.write(REQUEST_TIMEOUT);
    this.close('after-write');
  }

  /**
   * Done with this connection: `end` (the client half-closed: finish our side),
   * `after-write` (close once what was written is sent), `destroy` (now), or
   * `closed` (it already is).
   */
  private close(how: 'end' | 'after-write' | 'destroy' | 'closed'): void {
    if (this.done) return;
    this.done = true;
    this.detach(true);
    this.shared.open.delete(this);
    // The server allows half-open sockets: ending our side alone would leave the descriptor open until the client's FIN.
    if (how === 'end' || how === 'after-write') this.socket.destroySoon();
    else if (how === 'destroy') this.socket.destroy();
  }

  /** Not ours to answer: the HTTP server takes the connection from this request on. */
  private release(unanswered: Buffer): void {
    this.done = true;
    this.detach(false);
    // The HTTP server may keep part of them past this read: an upgrade's or CONNECT's head is a slice of what it parses.
    this.shared.handOver(this, this.keep(unanswered));
  }

  /** The connection times out `ms` from `from` (0: never). */
  private setDeadline(ms: number, from = Date.now()): void {
    this.deadline = ms > 0 ? from + ms : 0;
  }

  /** Called by the sweep: what a socket timeout would do, once the deadline has passed. */
  checkDeadline(now: number): void {
    if (this.deadline === 0 || now < this.deadline) return;
    this.deadline = 0;
    this.timedOut();
  }

  /** Our listeners off; a socket we keep closing still needs an 'error' listener (a reset must not crash the process). */
  private detach(guardErrors: boolean): void {
    const socket = this.socket;
    for (const [event, listener] of this.listeners) socket.removeListener(event, listener);
    this.deadline = 0;
    if (guardErrors) socket.on('error', ignoreError);
    this.pending = null;
    this.waitingForDrain = false;
    // Bytes the socket buffered while paused flow to whoever reads next (the HTTP server after a hand-over), after the bytes handed with it.
    // (Reading into the shared buffer nothing is buffered: pausing stopped the handle's reads, resuming restarts them.)
    if (socket.isPaused()) socket.resume();
  }
}

const GET_PREFIX = Buffer.from('GET /', 'latin1');
const HEAD_PREFIX = Buffer.from('HEAD /', 'latin1');

/** Whether the bytes from `offset` can still become `GET /…` or `HEAD /…`. */
function mayStartSimpleRequest(bytes: Buffer, offset: number): boolean {
  const available = bytes.length - offset;
  const matches = (prefix: Buffer) => prefix.compare(bytes, offset, offset + Math.min(available, prefix.length), 0, Math.min(available, prefix.length)) === 0;
  return matches(GET_PREFIX) || matches(HEAD_PREFIX);
}

/** Drops leading and trailing spaces and tabs (RFC 9110 OWS). */
function trimOptionalWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return value.slice(start, end);
}

function ignoreError(): void {
  // The socket is closing; a reset or broken pipe changes nothing.
}

/** The request head (without its final CRLF CRLF) when it is inside the strict subset; otherwise undefined. */
export function parseSimpleRequest(head: string): SimpleRequest | undefined {
  const lines = head.split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0]);
  if (!requestLine) return undefined;
  let hosts = 0;
  let acceptEncoding: string | undefined;
  let ifNoneMatch: string | undefined;
  let close = false;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index];
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    const raw = line.slice(colon + 1);
    if (!FIELD_NAME.test(name) || !FIELD_VALUE.test(raw)) return undefined;
    const value = trimOptionalWhitespace(raw);
    switch (name.toLowerCase()) {
      case 'host':
        hosts++;
        break;
      case 'accept-encoding':
        acceptEncoding = acceptEncoding === undefined ? value : `${acceptEncoding}, ${value}`;
        break;
      case 'if-none-match':
        ifNoneMatch = ifNoneMatch === undefined ? value : `${ifNoneMatch}, ${value}`;
        break;
      case 'connection':
        for (const option of value.toLowerCase().split(',')) {
          const token = option.trim();
          if (token === 'close') close = true;
          else if (token === 'upgrade') return undefined;
        }
        break;
      // A body, a protocol switch or an expectation: the HTTP server's to handle.
      case 'content-length':
      case 'transfer-encoding':
      case 'upgrade':
      case 'expect':
        return undefined;
    }
  }
  if (hosts !== 1) return undefined;
  return { method: requestLine[1] as 'GET' | 'HEAD', target: requestLine[2], acceptEncoding, ifNoneMatch, close };
}

/** Headers the connection fast path writes itself. */
const RESERVED_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * A response's bytes on the wire, status line to body, made on first use and
 * then once per second (the Date header) for each connection outcome, and
 * written as they are. Headers are checked as `writeHead` checks them when
 * the response is created; the bytes are made only for responses someone
 * asks for.
 */
export class ResponseBytes {
  private readonly fields: string;
  private keepAlive: Made | null = null;
  private closing: Made | null = null;

  /** `headers` as a flat `[name, value, ...]` list; no Date, Connection, Keep-Alive or Transfer-Encoding (written here). */
  constructor(
    readonly status: number,
    headers: readonly string[],
    private readonly body: Buffer | null,
  ) {
    let fields = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    for (let index = 0; index < headers.length; index += 2) {
      const name = headers[index];
      validateHeaderName(name);
      validateHeaderValue(name, headers[index + 1]);
      if (RESERVED_HEADERS.has(name.toLowerCase())) throw new TypeError(`${name} is written by the connection fast path, not by the response`);
      fields += `${name}: ${headers[index + 1]}\r\n`;
    }
    this.fields = fields;
  }

  /** Status line, headers and body; `keepAliveSeconds` null: no Keep-Alive header. */
  full(close: boolean, keepAliveSeconds: number | null): Buffer {
    return this.made(close, keepAliveSeconds).full;
  }

  /** Status line and headers only (HEAD, and responses without a body). */
  head(close: boolean, keepAliveSeconds: number | null): Buffer {
    return this.made(close, keepAliveSeconds).head;
  }

  private made(close: boolean, keepAliveSeconds: number | null): Made {
    const second = Math.floor(Date.now() / 1000);
    const current = close ? this.closing : this.keepAlive;
    if (current !== null && current.second === second && current.keepAliveSeconds === keepAliveSeconds) return current;
    const connection = close ? 'Connection: close\r\n' : `Connection: keep-alive\r\n${keepAliveSeconds === null ? '' : `Keep-Alive: timeout=${keepAliveSeconds}\r\n`}`;
    const head = Buffer.from(`${this.fields}Date: ${new Date(second * 1000).toUTCString()}\r\n${connection}\r\n`, 'latin1');
    const made: Made = { second, keepAliveSeconds, head, full: this.body ? Buffer.concat([head, this.body]) : head };
    if (close) this.closing = made;
    else this.keepAlive = made;
    return made;
  }
}

interface Made {
  readonly second: number;
  readonly keepAliveSeconds: number | null;
  readonly head: Buffer;
  readonly full: Buffer;
}
