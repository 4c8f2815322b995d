import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A local stand-in for the Slack Web API, for tests. Point @slack/web-api's
 * WebClient at it with `new WebClient(token, { slackApiUrl: fake.url })`
 * (or SLACK_API_URL=fake.url for the app).
 *
 * - Records every request that reaches it (method, parsed args, headers, time).
 * - Keeps just enough state (channels, members, messages, pins, reactions,
 *   views, users) to answer the methods Ballast uses the way Slack does,
 *   including Slack's errors: `name_taken`, `channel_not_found`,
 *   `not_in_channel`, `already_in_channel`, `message_not_found`, ...
 * - Serves Socket Mode too (`socketMode`): `apps.connections.open` (with an
 *   app-level `xapp-` token) answers a ws:// URL on the same port, where a
 *   WebSocket server says Slack's `hello`, delivers envelopes and records the
 *   app's acks.
 * - Is scriptable per method: `failNext`, `rateLimitNext` (HTTP 429 +
 *   Retry-After), `delayNext`, `httpErrorNext`, `resetNext`, `loseAnswerNext`, `respondNext`,
 *   and `goDown('refuse' | 'http503' | 'reset')` / `comeBack()` for a full outage.
 *
 * WebClient retries HTTP errors, 429s and connection failures according to its
 * `retryConfig` (default: 10 retries over ~30 minutes). Tests of failure paths
 * should pass e.g. `retryConfig: { retries: 0 }` or a short policy.
 */

export interface RecordedSlackCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL */
  readonly method: string;
  /** form fields or JSON body; form values that hold JSON objects/arrays (blocks, view) are parsed */
  readonly args: Record<string, unknown>;
  /** request headers, lower-cased names */
  readonly headers: Record<string, string>;
  /** bearer token from the Authorization header, or the `token` argument */
  readonly token: string | null;
  readonly at: Date;
  readonly rawBody: string;
  /** for `response_url` calls: the id in the URL */
  readonly responseUrlId?: string;
  /** filled in when the answer is sent */
  response?: { readonly status: number; readonly body: unknown; readonly headers: Record<string, string> };
}

/** What the fake does with the next matching request instead of (or before) its normal answer. */
export type SlackBehaviour =
  | { readonly kind: 'error'; readonly error: string; readonly extra?: Record<string, unknown> }
  | { readonly kind: 'rate_limit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'http_error'; readonly status: number; readonly body?: string }
  /** hold the request for `ms`, then answer normally or as `then` says */
  | { readonly kind: 'delay'; readonly ms: number; readonly then?: SlackBehaviour }
  | { readonly kind: 'reset' }
  /** do the call (its effect happens), then drop the connection: the answer is lost, as when the caller crashed */
  | { readonly kind: 'lose_answer' }
  | { readonly kind: 'respond'; readonly body: Record<string, unknown> };

export type OutageMode = 'refuse' | 'http503' | 'reset';

export interface FakeSlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly email?: string;
  readonly isBot?: boolean;
  readonly tz?: string;
}

export interface FakeSlackChannel {
  readonly id: string;
  name: string;
  readonly isPrivate: boolean;
  readonly created: number;
  readonly creator: string;
  readonly members: Set<string>;
  topic: string;
  purpose: string;
  isArchived: boolean;
}

export interface FakeSlackMessage {
  readonly ts: string;
  readonly channel: string;
  readonly user: string;
  text: string;
  blocks: unknown[] | undefined;
  readonly botId: string | null;
  readonly reactions: Map<string, string[]>;
  threadTs?: string;
  edited?: { user: string; ts: string };
}

export interface FakeSlackView {
  readonly id: string;
  readonly type: string;
  readonly userId: string | null;
  view: Record<string, unknown>;
  hash: string;
  readonly externalId: string | null;
}

export interface FakeSlackPin {
  readonly channel: string;
  readonly ts: string;
  readonly createdBy: string;
  readonly created: number;
}

export interface FakeSlackOptions {
  /** only this token is accepted (others get `invalid_auth`); by default any non-empty token is */
  readonly token?: string;
  /** seed users and #general (default true) */
  readonly seed?: boolean;
  /** let the bot post in public channels it has not joined, as with the chat:write.public scope (default false) */
  readonly chatWritePublic?: boolean;
  /** clock for message timestamps (default Date.now) */
  readonly now?: () => number;
}

export const FAKE_SLACK_TEAM = { id: 'T0BALLAST', domain: 'ballast-test', name: 'Ballast Test' } as const;
export const FAKE_SLACK_BOT = { userId: 'U0BALLAST', botId: 'B0BALLAST', appId: 'A0BALLAST', name: 'ballast' } as const;
export const FAKE_SLACK_USERS: readonly FakeSlackUser[] = [
  { id: 'U01ALICE', name: 'alice', realName: 'Alice Adams', email: 'alice@example.com' },
  { id: 'U02BOB', name: 'bob', realName: 'Bob Brown', email: 'bob@example.com' },
  { id: 'U03CAROL', name: 'carol', realName: 'Carol Clark', email: 'carol@example.com' },
];
export const FAKE_SLACK_GENERAL_CHANNEL = 'C0GENERAL';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Handler = (args: Record<string, unknown>, call: RecordedSlackCall) => Record<string, unknown>;

class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

/** A Socket Mode envelope as Slack sends it over the WebSocket. */
export interface SocketModeEnvelope {
  readonly envelope_id: string;
  readonly type: 'slash_commands' | 'interactive' | 'events_api';
  readonly payload: unknown;
  readonly accepts_response_payload: boolean;
  readonly retry_attempt?: number;
  readonly retry_reason?: string;
}

/** What the app sent back for an envelope: `{ envelope_id, payload }`. */
export interface RecordedSocketAck {
  readonly envelopeId: string;
  /** the ack's payload: `{}` for an empty ack, else e.g. a slash command reply or `response_action` */
  readonly payload: Record<string, unknown>;
  readonly at: Date;
}

/**
 * Socket Mode's side of the fake: the WebSocket connections the app opened
 * with the URL from `apps.connections.open`, envelopes delivered to them and
 * the acks that came back.
 */
export class FakeSocketMode {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<WebSocket>();
  private readonly events = new EventEmitter();
  private readonly waitingForAck = new Map<string, Array<(ack: RecordedSocketAck) => void>>();
  private sequence = 0;
  /** every ack received, oldest first */
  readonly acks: RecordedSocketAck[] = [];
  /** every envelope sent, oldest first */
  readonly delivered: SocketModeEnvelope[] = [];
  /** how many times a connection was opened */
  opened = 0;

  constructor() {
    this.events.setMaxListeners(0);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Resolves once an app is connected (it got `hello`); rejects after `timeoutMs`. */
  waitForConnection(timeoutMs = 5000): Promise<void> {
    if (this.connections.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('connected', onConnected);
        reject(new Error(`fake Slack: no Socket Mode connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      this.events.once('connected', onConnected);
    });
  }

  /**
   * Sends an envelope to the connected app (the newest connection) and
   * resolves with its ack. Pass the same `envelope_id` again to deliver the
   * same envelope twice, as Slack may.
   */
  deliver(
    type: SocketModeEnvelope['type'],
    payload: unknown,
    options: { envelopeId?: string; retryAttempt?: number; retryReason?: string; timeoutMs?: number } = {},
  ): Promise<RecordedSocketAck> {
    const connection = [...this.connections].pop();
    if (!connection) return Promise.reject(new Error('fake Slack: no Socket Mode connection to deliver to'));
    this.sequence += 1;
    const envelope: SocketModeEnvelope = {
      envelope_id: options.envelopeId ?? `fake-envelope-${this.sequence}`,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(options.retryAttempt !== undefined ? { retry_attempt: options.retryAttempt, retry_reason: options.retryReason ?? 'timeout' } : {}),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`fake Slack: no ack for envelope ${envelope.envelope_id} within ${options.timeoutMs ?? 5000} ms`)),
        options.timeoutMs ?? 5000,
      );
      const waiting = this.waitingForAck.get(envelope.envelope_id) ?? [];
      waiting.push((ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      this.waitingForAck.set(envelope.envelope_id, waiting);
      this.delivered.push(envelope);
      connection.send(JSON.stringify(envelope));
    });
  }

  /** Takes an HTTP upgrade to /socket-mode. */
  accept(request: IncomingMessage, socket: Socket, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (connection) => {
      this.opened += 1;
      this.connections.add(connection);
      connection.on('close', () => this.connections.delete(connection));
      connection.on('message', (data, isBinary) => {
        if (!isBinary) this.onMessage(data.toString('utf8'));
      });
      connection.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.connections.size,
          debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: FAKE_SLACK_BOT.appId },
        }),
      );
      this.events.emit('connected');
    });
  }

  /** Drops every connection (the app reconnects through apps.connections.open). */
  dropConnections(): void {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
  }

  close(): void {
    this.dropConnections();
    this.server.close();
  }

  private onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const ack: RecordedSocketAck = {
      envelopeId: message.envelope_id,
      payload: typeof message.payload === 'object' && message.payload !== null ? (message.payload as Record<string, unknown>) : {},
      at: new Date(),
    };
    this.acks.push(ack);
    this.waitingForAck.get(ack.envelopeId)?.shift()?.(ack);
  }
}

export class FakeSlack {
  private server: Server | null = null;
  private port = 0;
  private outage: OutageMode | null = null;
  private readonly events = new EventEmitter();
  private readonly recorded: RecordedSlackCall[] = [];
  private readonly scripts = new Map<string, Array<{ behaviour: SlackBehaviour; remaining: number; only?: (args: Record<string, unknown>) => boolean }>>();
  private readonly pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private counter = 0;

  readonly users = new Map<string, FakeSlackUser>();
  readonly channels = new Map<string, FakeSlackChannel>();
  readonly messages = new Map<string, FakeSlackMessage[]>();
  readonly pins: FakeSlackPin[] = [];
  readonly views = new Map<string, FakeSlackView>();
  /** Socket Mode: the WebSocket side (connections, envelopes, acks) */
  readonly socketMode = new FakeSocketMode();

  private constructor(private readonly options: FakeSlackOptions) {
    this.events.setMaxListeners(0);
    this.seed();
  }

  /** Starts a fake on 127.0.0.1 with a random free port. */
  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await fake.listen(0);
    return fake;
  }

  /** Base URL for WebClient's `slackApiUrl` (ends with `/api/`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A URL to use as a slash command's or interaction's `response_url`; posts to it are recorded as `response_url` calls. */
  responseUrl(id = 'default'): string {
    return `http://127.0.0.1:${this.port}/response-url/${encodeURIComponent(id)}`;
  }

  // ---------------------------------------------------------------- recording

  /** Recorded calls, oldest first, optionally only those of one method. */
  calls(method?: string): RecordedSlackCall[] {
    return method === undefined ? [...this.recorded] : this.recorded.filter((call) => call.method === method);
  }

  lastCall(method: string): RecordedSlackCall | undefined {
    const calls = this.calls(method);
    return calls[calls.length - 1];
  }

  /** Resolves once `count` calls of `method` were recorded (they may already have been); rejects after `timeoutMs`. */
  waitForCalls(method: string, count = 1, timeoutMs = 5000): Promise<RecordedSlackCall[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const calls = this.calls(method);
        if (calls.length < count) return false;
        clearTimeout(timer);
        this.events.off('call', listener);
        resolve(calls);
        return true;
      };
      const listener = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.events.off('call', listener);
        const seen = this.recorded.map((call) => call.method).join(', ') || 'none';
        reject(new Error(`fake Slack: expected ${count} ${method} call(s) within ${timeoutMs} ms, got ${this.calls(method).length} (calls seen: ${seen})`));
      }, timeoutMs);
      this.events.on('call', listener);
      check();
    });
  }

  // ---------------------------------------------------------------- scripting

  /**
   * Applies `behaviour` to the next `times` requests of `method` (`'*'` for
   * any method), or only to those whose arguments `only` accepts (other calls
   * pass it by). Scripts run in the order added.
   */
  script(method: string, behaviour: SlackBehaviour, times = 1, only?: (args: Record<string, unknown>) => boolean): this {
    const queue = this.scripts.get(method) ?? [];
    queue.push({ behaviour, remaining: times, ...(only ? { only } : {}) });
    this.scripts.set(method, queue);
    return this;
  }

  /** Answers `{ ok: false, error }` (HTTP 200, like Slack) for the next `times` calls. */
  failNext(method: string, error: string, times = 1, extra?: Record<string, unknown>): this {
    return this.script(method, { kind: 'error', error, extra }, times);
  }

  /** As {@link failNext}, for the next `times` calls about one channel (`args.channel`) only. */
  failNextIn(channel: string, method: string, error: string, times = 1): this {
    return this.script(method, { kind: 'error', error }, times, (args) => args.channel === channel);
  }

  /** Answers HTTP 429 with `Retry-After: retryAfterSeconds` for the next `times` calls. */
  rateLimitNext(method: string, retryAfterSeconds = 1, times = 1): this {
    return this.script(method, { kind: 'rate_limit', retryAfterSeconds }, times);
  }

  /** Holds the next `times` calls for `ms` before answering normally (or as `then` says). */
  delayNext(method: string, ms: number, times = 1, then?: SlackBehaviour): this {
    return this.script(method, { kind: 'delay', ms, then }, times);
  }

  /** Answers the next `times` calls with an HTTP error status (default 503). */
  httpErrorNext(method: string, status = 503, times = 1): this {
    return this.script(method, { kind: 'http_error', status }, times);
  }

  /** Drops the connection without an answer for the next `times` calls. */
  resetNext(method: string, times = 1): this {
    return this.script(method, { kind: 'reset' }, times);
  }

  /** Performs the next `times` calls (a channel is created, a message posted) but drops the connection instead of answering. */
  loseAnswerNext(method: string, times = 1): this {
    return this.script(method, { kind: 'lose_answer' }, times);
  }

  /** Answers the next `times` calls with this body instead of the simulated one. */
  respondNext(method: string, body: Record<string, unknown>, times = 1): this {
    return this.script(method, { kind: 'respond', body }, times);
  }

  /**
   * A full outage until comeBack(): `refuse` closes the listening socket
   * (connection refused), `http503` answers every request with 503, `reset`
   * drops every connection. Requests during http503/reset are recorded.
   */
  async goDown(mode: OutageMode = 'refuse'): Promise<void> {
    this.outage = mode;
    if (mode === 'refuse') await this.stopListening();
  }

  async comeBack(): Promise<void> {
    const wasRefusing = this.outage === 'refuse';
    this.outage = null;
    if (wasRefusing) await this.listen(this.port);
  }

  get isDown(): boolean {
    return this.outage !== null;
  }

  // ---------------------------------------------------------------- state

  addUser(user: FakeSlackUser): FakeSlackUser {
    this.users.set(user.id, user);
    return user;
  }

  /** Adds a channel (the bot is a member unless `botIsMember: false`). */
  addChannel(input: { name: string; id?: string; isPrivate?: boolean; botIsMember?: boolean; members?: string[] }): FakeSlackChannel {
    const channel: FakeSlackChannel = {
      id: input.id ?? this.nextId('C'),
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      created: Math.floor(this.now() / 1000),
      creator: input.members?.[0] ?? FAKE_SLACK_USERS[0].id,
      members: new Set([...(input.members ?? []), ...(input.botIsMember === false ? [] : [FAKE_SLACK_BOT.userId])]),
      topic: '',
      purpose: '',
      isArchived: false,
    };
    this.channels.set(channel.id, channel);
    this.messages.set(channel.id, []);
    return channel;
  }

  channelByName(name: string): FakeSlackChannel | undefined {
    return [...this.channels.values()].find((channel) => channel.name === name);
  }

  /** Adds a message as if a person posted it (for pins, reactions, permalinks). */
  addMessage(channelId: string, input: { text: string; user?: string; ts?: string; blocks?: unknown[] }): FakeSlackMessage {
    const message: FakeSlackMessage = {
      ts: input.ts ?? this.nextTs(),
      channel: channelId,
      user: input.user ?? FAKE_SLACK_USERS[0].id,
      text: input.text,
      blocks: input.blocks,
      botId: null,
      reactions: new Map(),
    };
    this.messagesOf(channelId).push(message);
    return message;
  }

  /** Messages of a channel, oldest first. */
  messagesIn(channelId: string): FakeSlackMessage[] {
    return [...this.messagesOf(channelId)];
  }

  findMessage(channelId: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.get(channelId)?.find((message) => message.ts === ts);
  }

  pin(channelId: string, ts: string, user: string = FAKE_SLACK_USERS[0].id): FakeSlackPin {
    const pin = { channel: channelId, ts, createdBy: user, created: Math.floor(this.now() / 1000) };
    this.pins.push(pin);
    return pin;
  }

  addReaction(channelId: string, ts: string, name: string, user: string = FAKE_SLACK_USERS[0].id): void {
    const message = this.findMessage(channelId, ts);
    if (!message) throw new Error(`fake Slack: no message ${ts} in ${channelId}`);
    const users = message.reactions.get(name) ?? [];
    if (!users.includes(user)) users.push(user);
    message.reactions.set(name, users);
  }

  /** Forgets calls and scripts, ends any outage, and restores the seeded state. */
  async reset(): Promise<void> {
    this.recorded.length = 0;
    this.scripts.clear();
    this.releaseDelays();
    if (this.outage !== null) await this.comeBack();
    this.users.clear();
    this.channels.clear();
    this.messages.clear();
    this.pins.length = 0;
    this.views.clear();
    this.counter = 0;
    this.seed();
  }

  async close(): Promise<void> {
    this.outage = null;
    this.releaseDelays();
    this.events.removeAllListeners();
    this.socketMode.close();
    await this.stopListening();
  }

  // ---------------------------------------------------------------- HTTP

  private async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        }
      });
    });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname === '/socket-mode' && !this.outage) this.socketMode.accept(request, socket, head);
      else socket.destroy();
    });
    // Clients (undici, which WebClient uses) keep a socket only when the server promises more than 1 s:
    // with 1 s every call opened a new connection. close() and goDown() close idle sockets anyway.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private releaseDelays(): void {
    for (const pending of this.pendingDelays) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.pendingDelays.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.pendingDelays.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.pendingDelays.add(pending);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }

    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const responseUrlMatch = /^\/response-url\/([^/]+)$/.exec(url.pathname);
    if (!apiMatch && !responseUrlMatch) {
      send(response, { status: 404, body: { ok: false, error: 'unknown_path' } });
      return;
    }
    const args = { ...Object.fromEntries(url.searchParams), ...parseArgs(rawBody, headers['content-type'] ?? '') };
    const authorization = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    const call: RecordedSlackCall = {
      method: apiMatch ? apiMatch[1] : 'response_url',
      args,
      headers,
      token: authorization?.[1] ?? (typeof args.token === 'string' ? args.token : null),
      at: new Date(),
      rawBody,
      ...(responseUrlMatch ? { responseUrlId: decodeURIComponent(responseUrlMatch[1]) } : {}),
    };
    this.recorded.push(call);
    this.events.emit('call', call);

    const respond = (answer: Answer): void => {
      call.response = { status: answer.status, body: answer.body, headers: answer.headers ?? {} };
      send(response, answer);
    };

    if (this.outage === 'reset') {
      request.socket.destroy();
      return;
    }
    if (this.outage === 'http503') {
      respond({ status: 503, body: 'Service Unavailable' });
      return;
    }

    let behaviour = this.takeScript(call.method, call.args);
    if (behaviour?.kind === 'delay') {
      await this.sleep(behaviour.ms);
      if (request.socket.destroyed) return; // closed or gone down while waiting
      behaviour = behaviour.then;
    }
    switch (behaviour?.kind) {
      case 'error':
        respond({ status: 200, body: { ok: false, error: behaviour.error, ...behaviour.extra } });
        return;
      case 'rate_limit':
        respond({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(behaviour.retryAfterSeconds) } });
        return;
      case 'http_error':
        respond({ status: behaviour.status, body: behaviour.body ?? `HTTP ${behaviour.status}` });
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'lose_answer':
        call.response = { status: 0, body: this.simulate(call), headers: {} };
        request.socket.destroy();
        return;
      case 'respond':
        respond({ status: 200, body: behaviour.body });
        return;
      case 'delay':
        respond({ status: 500, body: 'fake Slack: nested delays are not supported' });
        return;
    }

    if (call.method === 'response_url') {
      respond({ status: 200, body: { ok: true } });
      return;
    }
    respond({ status: 200, body: this.simulate(call) });
  }

  /** Takes one use of the first script for this method, falling back to `'*'`. */
  private takeScript(method: string, args: Record<string, unknown>): SlackBehaviour | undefined {
    for (const key of [method, '*']) {
      const queue = this.scripts.get(key);
      const index = queue?.findIndex((candidate) => !candidate.only || candidate.only(args)) ?? -1;
      if (!queue || index === -1) continue;
      const entry = queue[index];
      entry.remaining -= 1;
      if (entry.remaining <= 0) queue.splice(index, 1);
      return entry.behaviour;
    }
    return undefined;
  }

  private simulate(call: RecordedSlackCall): Record<string, unknown> {
    if (!call.token) return { ok: false, error: 'not_authed' };
    if (this.options.token !== undefined && call.token !== this.options.token) return { ok: false, error: 'invalid_auth' };
    const handler = this.handlers[call.method];
    if (!handler) return { ok: false, error: 'unknown_method', req_method: call.method };
    try {
      return { ok: true, ...handler(call.args, call) };
    } catch (error) {
      if (error instanceof SlackApiError) return { ok: false, error: error.error, ...error.extra };
      throw error;
    }
  }

  // ---------------------------------------------------------------- simulated methods

  private readonly handlers: Record<string, Handler> = {
    'apps.connections.open': (_args, call) => {
      if (!call.token?.startsWith('xapp-')) throw new SlackApiError('not_allowed_token_type');
      return { url: `ws://127.0.0.1:${this.port}/socket-mode?ticket=${this.nextId('T').toLowerCase()}&app_id=${FAKE_SLACK_BOT.appId}` };
    },

    'auth.test': () => ({
      url: `https://${FAKE_SLACK_TEAM.domain}.slack.com/`,
      team: FAKE_SLACK_TEAM.name,
      user: FAKE_SLACK_BOT.name,
      team_id: FAKE_SLACK_TEAM.id,
      user_id: FAKE_SLACK_BOT.userId,
      bot_id: FAKE_SLACK_BOT.botId,
      is_enterprise_install: false,
    }),

    'views.open': (args) => {
      if (!str(args.trigger_id))
        throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
      const view = this.validView(args.view);
      return { view: this.storeView(view, null).rendered };
    },

    'views.update': (args) => {
      const existing = str(args.view_id)
        ? this.views.get(str(args.view_id))
        : [...this.views.values()].find((candidate) => candidate.externalId !== null && candidate.externalId === str(args.external_id));
      if (!existing) throw new SlackApiError('not_found');
      if (str(args.hash) && str(args.hash) !== existing.hash) throw new SlackApiError('hash_conflict');
      existing.view = this.validView(args.view);
      existing.hash = this.nextHash();
      return { view: this.renderView(existing) };
    },

    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (!this.users.has(userId)) throw new SlackApiError('user_not_found');
      const view = this.validView(args.view, 'home');
      const existing = [...this.views.values()].find((candidate) => candidate.type === 'home' && candidate.userId === userId);
      if (existing) {
        existing.view = view;
        existing.hash = this.nextHash();
        return { view: this.renderView(existing) };
      }
      return { view: this.storeView(view, userId).rendered };
    },

    'conversations.create': (args) => {
      const name = str(args.name);
      if (name === '') throw new SlackApiError('invalid_name_required');
      if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
      if (/[^a-z0-9_-]/.test(name)) throw new SlackApiError('invalid_name_specials');
      if (/^[-_]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
      if (this.channelByName(name)) throw new SlackApiError('name_taken');
      const channel: FakeSlackChannel = {
        id: this.nextId('C'),
        name,
        isPrivate: str(args.is_private) === 'true',
        created: Math.floor(this.now() / 1000),
        creator: FAKE_SLACK_BOT.userId,
        members: new Set([FAKE_SLACK_BOT.userId]),
        topic: '',
        purpose: '',
        isArchived: false,
      };
      this.channels.set(channel.id, channel);
      this.messages.set(channel.id, []);
      return { channel: this.renderChannel(channel) };
    },

    'conversations.invite': (args) => {
      const channel = this.visibleChannel(args.channel);
      if (!channel.members.has(FAKE_SLACK_BOT.userId)) throw new SlackApiError('not_in_channel');
      if (channel.isArchived) throw new SlackApiError('is_archived');
      const users = str(args.users)
        .split(',')
        .map((user) => user.trim())
        .filter((user) => user !== '');
      if (users.length === 0) throw new SlackApiError('no_user');
      if (users.includes(FAKE_SLACK_BOT.userId)) throw new SlackApiError('cant_invite_self');
      const unknown = users.filter((user) => !this.users.has(user));
      if (unknown.length > 0) {
        throw new SlackApiError('user_not_found', { errors: unknown.map((user) => ({ user, ok: false, error: 'user_not_found' })) });
      }
      const added = users.filter((user) => !channel.members.has(user));
      if (added.length === 0) throw new SlackApiError('already_in_channel');
      for (const user of added) channel.members.add(user);
      return { channel: this.renderChannel(channel) };
    },

    'conversations.join': (args) => {
      const channel = this.channels.get(str(args.channel));
      if (!channel || (channel.isPrivate && !channel.members.has(FAKE_SLACK_BOT.userId))) throw new SlackApiError('channel_not_found');
      if (channel.isPrivate) throw new SlackApiError('method_not_supported_for_channel_type');
      if (channel.isArchived) throw new SlackApiError('is_archived');
      const alreadyMember = channel.members.has(FAKE_SLACK_BOT.userId);
      channel.members.add(FAKE_SLACK_BOT.userId);
      return {
        channel: this.renderChannel(channel),
        ...(alreadyMember ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
      };
    },

    // A direct message with one person: the same D… channel every time, with the bot and that person in it.
    'conversations.open': (args) => {
      const users = str(args.users)
        .split(',')
        .map((user) => user.trim())
        .filter((user) => user !== '');
      if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
      if (users.length > 1) throw new SlackApiError('not_implemented_in_fake');
      const user = users[0];
      if (!this.users.has(user)) throw new SlackApiError('user_not_found');
      const id = `D${user.slice(1)}`;
      let channel = this.channels.get(id);
      if (!channel) {
        channel = {
          id,
          name: `dm-${user.toLowerCase()}`,
          isPrivate: true,
          created: Math.floor(this.now() / 1000),
          creator: user,
          members: new Set([FAKE_SLACK_BOT.userId, user]),
          topic: '',
          purpose: '',
          isArchived: false,
        };
        this.channels.set(id, channel);
        this.messages.set(id, []);
      }
      return { channel: { id } };
    },

    // Newest first, `limit` messages (Slack: default 100, at most 999).
    'conversations.history': (args) => {
      const channel = this.visibleChannel(args.channel);
      if (!channel.members.has(FAKE_SLACK_BOT.userId)) throw new SlackApiError('not_in_channel');
      const limit = Math.min(999, Math.max(1, Number(str(args.limit)) || 100));
      const messages = [...this.messagesOf(channel.id)].reverse().slice(0, limit);
      return { messages: messages.map((message) => this.renderMessage(message)), has_more: this.messagesOf(channel.id).length > limit };
    },

    'conversations.archive': (args) => {
      const channel = this.visibleChannel(args.channel);
      if (channel.isArchived) throw new SlackApiError('already_archived');
      if (!channel.members.has(FAKE_SLACK_BOT.userId)) throw new SlackApiError('not_in_channel');
      channel.isArchived = true;
      return {};
    },

    'conversations.info': (args) => ({ channel: this.renderChannel(this.visibleChannel(args.channel)) }),

    // Public channels, and private ones the bot is in; `limit` per page (Slack: at most 1000), `cursor` for the next page.
    'conversations.list': (args) => {
      const types = (str(args.types) || 'public_channel').split(',').map((type) => type.trim());
      const limit = Math.min(1000, Math.max(1, Number(str(args.limit)) || 100));
      const offset = str(args.cursor)
        ? Number(
            Buffer.from(str(args.cursor), 'base64')
              .toString('utf8')
              .replace(/^offset:/, ''),
          )
        : 0;
      if (!Number.isInteger(offset) || offset < 0) throw new SlackApiError('invalid_cursor');
      const visible = [...this.channels.values()].filter(
        (channel) =>
          (channel.isPrivate ? types.includes('private_channel') && channel.members.has(FAKE_SLACK_BOT.userId) : types.includes('public_channel')) &&
          !(str(args.exclude_archived) === 'true' && channel.isArchived),
      );
      const page = visible.slice(offset, offset + limit);
      const nextOffset = offset + page.length;
      return {
        channels: page.map((channel) => this.renderChannel(channel)),
        response_metadata: { next_cursor: nextOffset < visible.length ? Buffer.from(`offset:${nextOffset}`).toString('base64') : '' },
      };
    },

    'conversations.setTopic': (args) => {
      const channel = this.visibleChannel(args.channel);
      if (!channel.members.has(FAKE_SLACK_BOT.userId)) throw new SlackApiError('not_in_channel');
      if (channel.isArchived) throw new SlackApiError('is_archived');
      const topic = str(args.topic);
      if (topic.length > 250) throw new SlackApiError('too_long');
      channel.topic = topic;
      return { channel: this.renderChannel(channel) };
    },

    'chat.postMessage': (args) => {
      const channel = this.postableChannel(args.channel);
      const { text, blocks } = this.messageContent(args);
      const message: FakeSlackMessage = {
        ts: this.nextTs(),
        channel: channel.id,
        user: FAKE_SLACK_BOT.userId,
        text,
        blocks,
        botId: FAKE_SLACK_BOT.botId,
        reactions: new Map(),
        ...(str(args.thread_ts) ? { threadTs: str(args.thread_ts) } : {}),
      };
      this.messagesOf(channel.id).push(message);
      return { channel: channel.id, ts: message.ts, message: this.renderMessage(message) };
    },

    'chat.update': (args) => {
      const channel = this.visibleChannel(args.channel);
      const message = this.findMessage(channel.id, str(args.ts));
      if (!message) throw new SlackApiError('message_not_found');
      if (message.user !== FAKE_SLACK_BOT.userId) throw new SlackApiError('cant_update_message');
      const { text, blocks } = this.messageContent(args);
      message.text = text;
      message.blocks = blocks;
      message.edited = { user: FAKE_SLACK_BOT.userId, ts: this.nextTs() };
      return { channel: channel.id, ts: message.ts, text, message: this.renderMessage(message) };
    },

    'chat.postEphemeral': (args) => {
      const channel = this.postableChannel(args.channel);
      const user = str(args.user);
      if (!this.users.has(user)) throw new SlackApiError('user_not_found');
      if (!channel.members.has(user)) throw new SlackApiError('user_not_in_channel');
      this.messageContent(args);
      return { message_ts: this.nextTs() };
    },

    'chat.getPermalink': (args) => {
      const channel = this.visibleChannel(args.channel);
      const ts = str(args.message_ts);
      if (!/^\d+\.\d+$/.test(ts)) throw new SlackApiError('message_not_found');
      return { channel: channel.id, permalink: this.permalink(channel.id, ts) };
    },

    'pins.add': (args) => {
      const channel = this.visibleChannel(args.channel);
      if (!channel.members.has(FAKE_SLACK_BOT.userId)) throw new SlackApiError('not_in_channel');
      const ts = str(args.timestamp);
      if (!this.findMessage(channel.id, ts)) throw new SlackApiError('message_not_found');
      if (this.pins.some((pin) => pin.channel === channel.id && pin.ts === ts)) throw new SlackApiError('already_pinned');
      this.pin(channel.id, ts, FAKE_SLACK_BOT.userId);
      return {};
    },

    'pins.list': (args) => {
      const channel = this.visibleChannel(args.channel);
      const items = this.pins
        .filter((pin) => pin.channel === channel.id)
        .map((pin) => {
          const message = this.findMessage(channel.id, pin.ts);
          return {
            type: 'message',
            channel: channel.id,
            created: pin.created,
            created_by: pin.createdBy,
            message: message ? { ...this.renderMessage(message), permalink: this.permalink(channel.id, message.ts), pinned_to: [channel.id] } : { ts: pin.ts },
          };
        });
      return { items };
    },

    'users.info': (args) => {
      const user = this.users.get(str(args.user));
      if (!user) throw new SlackApiError('user_not_found');
      return {
        user: {
          id: user.id,
          team_id: FAKE_SLACK_TEAM.id,
          name: user.name,
          deleted: false,
          real_name: user.realName ?? user.name,
          tz: user.tz ?? 'Etc/UTC',
          is_bot: user.isBot ?? false,
          profile: {
            real_name: user.realName ?? user.name,
            display_name: user.name,
            ...(user.email ? { email: user.email } : {}),
          },
        },
      };
    },

    'reactions.get': (args) => {
      const channel = this.visibleChannel(args.channel);
      const message = this.findMessage(channel.id, str(args.timestamp));
      if (!message) throw new SlackApiError('message_not_found');
      return { type: 'message', channel: channel.id, message: { ...this.renderMessage(message), permalink: this.permalink(channel.id, message.ts) } };
    },
  };

  // ---------------------------------------------------------------- helpers

  private seed(): void {
    this.users.set(FAKE_SLACK_BOT.userId, { id: FAKE_SLACK_BOT.userId, name: FAKE_SLACK_BOT.name, isBot: true });
    if (this.options.seed === false) return;
    for (const user of FAKE_SLACK_USERS) this.users.set(user.id, user);
    this.addChannel({ id: FAKE_SLACK_GENERAL_CHANNEL, name: 'general', botIsMember: false, members: FAKE_SLACK_USERS.map((user) => user.id) });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}0${this.counter.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  private nextTs(): string {
    this.counter += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.counter % 1_000_000).padStart(6, '0')}`;
  }

  private nextHash(): string {
    this.counter += 1;
    return `${Math.floor(this.now() / 1000)}.${this.counter.toString(36)}`;
  }

  private messagesOf(channelId: string): FakeSlackMessage[] {
    let list = this.messages.get(channelId);
    if (!list) this.messages.set(channelId, (list = []));
    return list;
  }

  private permalink(channelId: string, ts: string): string {
    return `https://${FAKE_SLACK_TEAM.domain}.slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
  }

  /** A channel the bot can see: private channels it is not in look like they do not exist, as in Slack. */
  private visibleChannel(id: unknown): FakeSlackChannel {
    const channel = this.channels.get(str(id));
    if (!channel || (channel.isPrivate && !channel.members.has(FAKE_SLACK_BOT.userId))) throw new SlackApiError('channel_not_found');
    return channel;
  }

  /** chat.* accept a channel id or a channel name (`#name` or `name`). */
  private postableChannel(idOrName: unknown): FakeSlackChannel {
    const raw = str(idOrName);
    const byName = this.channelByName(raw.replace(/^#/, ''));
    const channel = this.channels.get(raw) ?? byName;
    if (!channel || (channel.isPrivate && !channel.members.has(FAKE_SLACK_BOT.userId))) throw new SlackApiError('channel_not_found');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    if (!channel.members.has(FAKE_SLACK_BOT.userId) && !(this.options.chatWritePublic && !channel.isPrivate)) throw new SlackApiError('not_in_channel');
    return channel;
  }

  private messageContent(args: Record<string, unknown>): { text: string; blocks: unknown[] | undefined } {
    const text = str(args.text);
    const blocks = args.blocks;
    if (blocks !== undefined) {
      if (!Array.isArray(blocks) || blocks.length > 50 || !blocks.every((block) => isObject(block) && typeof block.type === 'string')) {
        throw new SlackApiError('invalid_blocks');
      }
    }
    if (text === '' && (blocks === undefined || blocks.length === 0)) throw new SlackApiError('no_text');
    return { text, blocks: blocks as unknown[] | undefined };
  }

  /** The checks Slack applies that are easy to get wrong; violations answer `invalid_arguments` with Slack-like messages. */
  private validView(raw: unknown, expectedType: 'modal' | 'home' = 'modal'): Record<string, unknown> {
    const problems: string[] = [];
    const view = isObject(raw) ? raw : null;
    if (!view) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    if (view.type !== expectedType) problems.push(`[ERROR] must be ${expectedType} [json-pointer:/view/type]`);
    const blocks = Array.isArray(view.blocks) ? view.blocks : null;
    if (!blocks) problems.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
    if (blocks && blocks.length > 100) problems.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
    if (expectedType === 'modal') {
      const title = isObject(view.title) ? view.title : null;
      if (!title || title.type !== 'plain_text' || typeof title.text !== 'string' || title.text.length === 0) {
        problems.push('[ERROR] missing required field: title [json-pointer:/view/title]');
      } else if (title.text.length > 24) {
        problems.push('[ERROR] must be less than 25 characters [json-pointer:/view/title/text]');
      }
      for (const button of ['submit', 'close'] as const) {
        const value = view[button];
        if (isObject(value) && typeof value.text === 'string' && value.text.length > 24) {
          problems.push(`[ERROR] must be less than 25 characters [json-pointer:/view/${button}/text]`);
        }
      }
      const hasInput = blocks?.some((block) => isObject(block) && block.type === 'input') ?? false;
      if (hasInput && !isObject(view.submit)) problems.push('[ERROR] submit is required when an input block is present [json-pointer:/view/submit]');
    }
    if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) {
      problems.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
    }
    blocks?.forEach((block, index) => {
      if (!isObject(block) || typeof block.type !== 'string') {
        problems.push(`[ERROR] missing required field: type [json-pointer:/view/blocks/${index}]`);
        return;
      }
      if (typeof block.block_id === 'string' && block.block_id.length > 255) {
        problems.push(`[ERROR] must be less than 256 characters [json-pointer:/view/blocks/${index}/block_id]`);
      }
      if (block.type === 'input') {
        const element = isObject(block.element) ? block.element : null;
        if (!isObject(block.label)) problems.push(`[ERROR] missing required field: label [json-pointer:/view/blocks/${index}/label]`);
        if (!element || typeof element.type !== 'string') problems.push(`[ERROR] missing required field: element [json-pointer:/view/blocks/${index}/element]`);
        const options = element && Array.isArray(element.options) ? element.options : null;
        if (options && (options.length === 0 || options.length > 100)) {
          problems.push(`[ERROR] must provide between 1 and 100 options [json-pointer:/view/blocks/${index}/element/options]`);
        }
      }
    });
    const ids = blocks?.map((block) => (isObject(block) ? block.block_id : undefined)).filter((id): id is string => typeof id === 'string') ?? [];
    if (new Set(ids).size !== ids.length) problems.push('[ERROR] block_id must be unique [json-pointer:/view/blocks]');
    if (problems.length > 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: problems } });
    return view;
  }

  private storeView(view: Record<string, unknown>, userId: string | null): { stored: FakeSlackView; rendered: Record<string, unknown> } {
    const stored: FakeSlackView = {
      id: this.nextId('V'),
      type: String(view.type),
      userId,
      view,
      hash: this.nextHash(),
      externalId: typeof view.external_id === 'string' ? view.external_id : null,
    };
    this.views.set(stored.id, stored);
    return { stored, rendered: this.renderView(stored) };
  }

  private renderView(stored: FakeSlackView): Record<string, unknown> {
    return {
      id: stored.id,
      team_id: FAKE_SLACK_TEAM.id,
      app_id: FAKE_SLACK_BOT.appId,
      bot_id: FAKE_SLACK_BOT.botId,
      callback_id: '',
      private_metadata: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      ...stored.view,
      state: { values: {} },
      hash: stored.hash,
      root_view_id: stored.id,
      previous_view_id: null,
      app_installed_team_id: FAKE_SLACK_TEAM.id,
    };
  }

  private renderChannel(channel: FakeSlackChannel): Record<string, unknown> {
    return {
      id: channel.id,
      name: channel.name,
      name_normalized: channel.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_private: channel.isPrivate,
      is_archived: channel.isArchived,
      is_general: channel.id === FAKE_SLACK_GENERAL_CHANNEL,
      is_member: channel.members.has(FAKE_SLACK_BOT.userId),
      created: channel.created,
      creator: channel.creator,
      context_team_id: FAKE_SLACK_TEAM.id,
      topic: { value: channel.topic, creator: channel.topic ? FAKE_SLACK_BOT.userId : '', last_set: channel.topic ? Math.floor(this.now() / 1000) : 0 },
      purpose: { value: channel.purpose, creator: '', last_set: 0 },
      num_members: channel.members.size,
    };
  }

  private renderMessage(message: FakeSlackMessage): Record<string, unknown> {
    return {
      type: 'message',
      ts: message.ts,
      user: message.user,
      text: message.text,
      team: FAKE_SLACK_TEAM.id,
      ...(message.botId ? { bot_id: message.botId, app_id: FAKE_SLACK_BOT.appId } : {}),
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(message.edited ? { edited: message.edited } : {}),
      ...(message.reactions.size > 0 ? { reactions: [...message.reactions].map(([name, users]) => ({ name, users: [...users], count: users.length })) } : {}),
    };
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Form bodies as WebClient sends them (objects JSON-encoded in a field), or JSON bodies. */
function parseArgs(rawBody: string, contentType: string): Record<string, unknown> {
  if (rawBody === '') return {};
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(rawBody);
      return isObject(parsed) ? parsed : { body: parsed };
    } catch {
      return {};
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(rawBody)) {
      args[key] = /^\s*[[{]/.test(value) ? tryJson(value) : value;
    }
    return args;
  }
  return {};
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function send(response: ServerResponse, answer: Answer): void {
  const isText = typeof answer.body === 'string';
  response.writeHead(answer.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...answer.headers,
  });
  response.end(isText ? answer.body : JSON.stringify(answer.body));
}
