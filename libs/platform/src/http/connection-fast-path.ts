import { maxHeaderSize as defaultMaxHeaderSize, STATUS_CODES, validateHeaderName, validateHeaderValue, type Server } from 'node:http';
import type { Socket } from 'node:net';

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
}

export interface ConnectionFastPathOptions {
  /** True while the app shuts down: every answer then closes its connection. */
  draining?: () => boolean;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** RFC 9110 field: token name, value of visible characters, spaces, tabs and obs-text; no CR, LF or NUL. */
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*$/;
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
 * that is not plainly valid, headers larger than `server.maxHeaderSize`, a
 * route the handler does not answer synchronously — hands the connection,
 * with every byte not yet answered, to the HTTP server's own connection
 * listener, which parses it with llhttp and routes it as before. So errors
 * (400, 431), slow or odd clients and every other route get Node's exact
 * behaviour; what this path answers is what Node would have sent, with the
 * same headers.
 *
 * Connections keep the server's keep-alive timeout (idle sockets close after
 * `server.keepAliveTimeout`), request-head timeout (`server.headersTimeout`,
 * 408), backpressure (no further request is read while a response waits for
 * the client to read) and shutdown: `closeIdleConnections()` and
 * `closeAllConnections()` close the fast path's connections too, and while
 * `draining()` every answer carries `Connection: close`.
 */
export function installConnectionFastPath(server: Server, handler: SimpleRequestHandler, options: ConnectionFastPathOptions = {}): ConnectionFastPath {
  const httpListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  const draining = options.draining ?? (() => false);
  const open = new Set<FastConnection>();
  const stats = { answered: 0, handedOver: 0 };
  // Set only when the server was created with the option; 0/undefined means Node's default, as for its parser.
  const limits = { maxHeaderSize: (server as { maxHeaderSize?: number }).maxHeaderSize || defaultMaxHeaderSize };

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

  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const connection = new FastConnection(socket, server, limits, handler, draining, stats, handOver, () => open.delete(connection));
    open.add(connection);
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
  };
}

/** One connection while the fast path serves it. */
class FastConnection {
  /** Received bytes not answered yet: the start of a request head, or requests waiting for the client to read. */
  private pending: Buffer | null = null;
  /** When the first byte of the request head still incomplete arrived (headersTimeout). */
  private headStartedAt = 0;
  private waitingForDrain = false;
  private done = false;
  /** The last request head parsed on this connection and what it parsed to: keep-alive clients repeat theirs. */
  private lastHead: Buffer | null = null;
  private lastRequest: SimpleRequest | undefined;
  private readonly onData = (chunk: Buffer): void => this.received(chunk);
  private readonly onDrain = (): void => this.drained();
  private readonly onEnd = (): void => this.ended();
  private readonly onTimeout = (): void => this.finish(true);
  private readonly onClose = (): void => this.finish(false);
  private readonly onError = (): void => this.finish(true);

  constructor(
    readonly socket: Socket,
    private readonly server: Server,
    private readonly limits: { readonly maxHeaderSize: number },
    private readonly handler: SimpleRequestHandler,
    private readonly draining: () => boolean,
    private readonly stats: { answered: number; handedOver: number },
    private readonly handOver: (connection: FastConnection, unanswered: Buffer | null) => void,
    private readonly forget: () => void,
  ) {
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('timeout', this.onTimeout);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    // Idle between requests (or silent mid-head) longer than the server's keep-alive timeout: close.
    if (server.keepAliveTimeout > 0) socket.setTimeout(server.keepAliveTimeout);
  }

  /** Between requests with nothing left to send: closed now (shutdown). */
  closeIfIdle(): void {
    if (this.done || this.pending !== null || this.socket.writableLength > 0) return;
    this.finish(true);
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
        this.pending = bytes.subarray(offset);
        this.waitingForDrain = true;
        socket.pause();
        return;
      }
      const headEnd = bytes.indexOf(CRLF_CRLF, offset);
      const maxHeaderSize = this.limits.maxHeaderSize;
      if (headEnd === -1) {
        if (bytes.length - offset > maxHeaderSize) return this.release(bytes.subarray(offset));
        // The rest of the head is still on its way; it must arrive within the server's headersTimeout.
        const now = Date.now();
        if (this.headStartedAt === 0) this.headStartedAt = now;
        else if (this.server.headersTimeout > 0 && now - this.headStartedAt > this.server.headersTimeout) return this.timedOut();
        this.pending = offset === 0 ? bytes : bytes.subarray(offset);
        return;
      }
      if (headEnd - offset + 4 > maxHeaderSize) return this.release(bytes.subarray(offset));
      const request = this.parse(bytes, offset, headEnd);
      const close = request !== undefined && (request.close || this.draining());
      const answer = request && this.answer(request, close);
      if (!answer) return this.release(bytes.subarray(offset));
      socket.write(answer);
      this.stats.answered++;
      this.headStartedAt = 0;
      offset = headEnd + 4;
      if (close) {
        // Anything pipelined after a closing request is not answered (as Node does).
        this.done = true;
        this.detach();
        this.forget();
        socket.end();
        return;
      }
    }
  }

  /** The handler's bytes for this request, or undefined to hand the connection over. */
  private answer(request: SimpleRequest, close: boolean): Buffer | undefined {
    try {
      const response = this.handler(request);
      if (!response) return undefined;
      const keepAliveSeconds = Math.floor(this.server.keepAliveTimeout / 1000);
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
    if (!this.waitingForDrain && !this.done) this.socket.resume();
  }

  /** The client half-closed: answer nothing more, close our side once written. */
  private ended(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.forget();
    this.socket.end();
  }

  /** A request head took longer than headersTimeout: 408, as Node answers. */
  private timedOut(): void {
    this.done = true;
    this.detach();
    this.forget();
    this.socket.end(REQUEST_TIMEOUT);
  }

  private finish(destroy: boolean): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    this.forget();
    if (destroy) this.socket.destroy();
  }

  /** Not ours to answer: the HTTP server takes the connection from this request on. */
  private release(unanswered: Buffer): void {
    this.done = true;
    this.detach(false);
    this.handOver(this, unanswered);
  }

  /** Our listeners off; a socket we keep closing still needs an 'error' listener (a reset must not crash the process). */
  private detach(guardErrors = true): void {
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('drain', this.onDrain);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('timeout', this.onTimeout);
    socket.removeListener('close', this.onClose);
    socket.removeListener('error', this.onError);
    socket.setTimeout(0);
    if (guardErrors) socket.on('error', ignoreError);
    this.pending = null;
    this.waitingForDrain = false;
    if (socket.isPaused()) socket.resume();
  }
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
    const field = HEADER_LINE.exec(lines[index]);
    if (!field) return undefined;
    const value = field[2];
    switch (field[1].toLowerCase()) {
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

/**
 * A response's bytes on the wire, status line to body, made on first use and
 * then once per second (the Date header) for each connection outcome, and
 * written as they are. Headers are checked as `writeHead` checks them, when
 * the bytes are first made (a response that is never asked for costs
 * nothing).
 */
export class ResponseBytes {
  private fields: string | null = null;
  private second = -1;
  private keepAlive: Buffer | null = null;
  private keepAliveHead: Buffer | null = null;
  private closing: Buffer | null = null;
  private closingHead: Buffer | null = null;

  /** `headers` as a flat `[name, value, ...]` list; no Date or Connection (added here). */
  constructor(
    readonly status: number,
    private readonly headers: readonly string[],
    private readonly body: Buffer | null,
  ) {}

  /** Status line, headers and body. */
  full(close: boolean, keepAliveSeconds: number): Buffer {
    this.refresh(keepAliveSeconds);
    return (close ? this.closing : this.keepAlive) as Buffer;
  }

  /** Status line and headers only (HEAD, and responses without a body). */
  head(close: boolean, keepAliveSeconds: number): Buffer {
    this.refresh(keepAliveSeconds);
    return (close ? this.closingHead : this.keepAliveHead) as Buffer;
  }

  private refresh(keepAliveSeconds: number): void {
    const second = Math.floor(Date.now() / 1000);
    if (second === this.second) return;
    const fields = this.fields ?? this.statusAndFields();
    const date = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
    const keepAliveHead = Buffer.from(`${fields}${date}Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n\r\n`, 'latin1');
    const closingHead = Buffer.from(`${fields}${date}Connection: close\r\n\r\n`, 'latin1');
    const body = this.body;
    const keepAlive = body ? Buffer.concat([keepAliveHead, body]) : keepAliveHead;
    this.fields = fields;
    this.second = second;
    this.keepAliveHead = keepAliveHead;
    this.keepAlive = keepAlive;
    this.closingHead = closingHead;
    this.closing = body ? Buffer.concat([closingHead, body]) : closingHead;
  }

  private statusAndFields(): string {
    let fields = `HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? 'Unknown'}\r\n`;
    const headers = this.headers;
    for (let index = 0; index < headers.length; index += 2) {
      validateHeaderName(headers[index]);
      validateHeaderValue(headers[index], headers[index + 1]);
      fields += `${headers[index]}: ${headers[index + 1]}\r\n`;
    }
    return fields;
  }
}
