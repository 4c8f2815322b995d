import type { FetchFunction } from '@slack/web-api';
import { Agent as HttpAgent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** Concurrent connections to Slack per protocol (WebClient itself queues at 100 calls in flight). */
const MAX_SOCKETS = 100;

/**
 * The Web API client's transport (WebClient's documented `fetch` option):
 * node:http with keep-alive connections instead of the global fetch. A Slack
 * call is a small POST with a JSON answer; WHATWG fetch costs about twice the
 * CPU per call for the same (its streams and Request/Response objects), and
 * after a burst of /incident every command's views.open runs on the same event
 * loop as the next acks. Same semantics for WebClient: the status, headers and
 * body as received (no redirects are followed: WebClient asks for
 * `redirect: 'error'`, and a 3xx is an HTTP error to it), the abort signal
 * (its timeout), and a rejection for transport failures. Multipart bodies
 * (file uploads, unused by Ballast) go through the global fetch.
 */
export function keepAliveSlackFetch(): FetchFunction {
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }), https: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }) };
  return (input: string | URL, init: FetchRequestInit = {}): Promise<FetchResponse> => {
    if (init.body !== undefined && typeof init.body !== 'string') return globalThis.fetch(input, init as RequestInit) as Promise<FetchResponse>;
    const url = typeof input === 'string' ? new URL(input) : input;
    const secure = url.protocol === 'https:';
    const body = init.body ?? '';
    return new Promise<FetchResponse>((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, ...(init.method === 'POST' || body !== '' ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
          agent: secure ? agents.https : agents.http,
          signal: init.signal,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.once('error', reject);
          incoming.once('end', () =>
            resolve(bufferedResponse(url.toString(), incoming.statusCode ?? 0, incoming.statusMessage ?? '', incoming.headers, Buffer.concat(chunks))),
          );
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  };
}

function bufferedResponse(url: string, status: number, statusText: string, received: IncomingHttpHeaders, body: Buffer): FetchResponse {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(received)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const fetchHeaders: FetchResponse['headers'] = { get: (name: string) => headers.get(name.toLowerCase()) ?? null, entries: () => headers.entries() };
  const text = () => body.toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers: fetchHeaders,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  };
}
