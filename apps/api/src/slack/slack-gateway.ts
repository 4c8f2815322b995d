import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { WebClient } from '@slack/web-api';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import type { ModalView, SlackMessage } from './ui';
import { slackLogger } from './slack-logger';
import { keepAliveSlackFetch } from './slack-web-transport';

export type SlackMode = 'disabled' | 'http' | 'socket';

/** Socket Mode when an app-level token is set, HTTP when a signing secret is, otherwise off. */
export function slackModeOf(config: AppConfig): SlackMode {
  if (!config.slackEnabled) return 'disabled';
  return config.SLACK_APP_TOKEN ? 'socket' : 'http';
}

/**
 * A Slack Web API call that did not succeed. `code` is Slack's error string
 * (`name_taken`, `missing_scope`, `ratelimited`, ...) or `slack_unreachable` /
 * `http_<status>` for transport failures. `retryable` says whether trying the
 * same call later may work without anyone fixing anything.
 */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(`Slack ${method} failed: ${code}`, options);
    this.name = 'SlackCallError';
  }
}

const RETRYABLE_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's error code for anything a call may throw. */
export function slackErrorCode(error: unknown): string {
  return error instanceof SlackCallError ? error.code : 'unknown_error';
}

/** Where to reach a person with an ephemeral message. */
export interface SlackReplyTarget {
  readonly userId: string;
  /** a slash command's response_url: works in any channel, for 30 minutes */
  readonly responseUrl?: string | null;
  /** a channel the person is in (chat.postEphemeral) */
  readonly channelId?: string | null;
}

export interface SlackChannelInfo {
  readonly id: string;
  readonly name: string;
  /** the user who created it (the bot's user id for channels Ballast created) */
  readonly creator: string | null;
  readonly isPrivate: boolean;
}

export interface SlackIdentity {
  readonly teamId: string;
  readonly team: string;
  readonly botUserId: string;
  readonly botId: string | null;
}

/** The Socket Mode connection (Socket Mode only). */
export type SlackSocketState = 'connecting' | 'connected' | 'disconnected';

export interface SlackHealth {
  readonly mode: SlackMode;
  readonly status: 'disabled' | 'unknown' | 'up' | 'down';
  readonly socket?: SlackSocketState;
  readonly team?: string;
  readonly botUserId?: string;
  readonly error?: string;
  readonly checkedAt?: string;
}

/** Transport retries (connection refused, HTTP 5xx): short, so a failed Slack side is handed to the retry job quickly. */
const TRANSPORT_RETRY = { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000, randomize: true };
/** 429: wait what Retry-After says, at most this many times, and only for waits Slack keeps short. */
const RATE_LIMIT_RETRIES = 3;
const RATE_LIMIT_MAX_WAIT_SECONDS = 30;
const REQUEST_TIMEOUT_MS = 10_000;
const HEALTH_RECHECK_MS = 60_000;
/** conversations.list pages (of 1000) read to find a channel by name. */
const CHANNEL_LIST_MAX_PAGES = 20;

/**
 * The one IO edge to Slack: the Web API client (pointed at SLACK_API_URL when
 * set) and response_url posts. Every call either returns Slack's answer or
 * throws a SlackCallError; 429s are retried after Retry-After.
 */
@Injectable()
export class SlackGateway implements OnApplicationBootstrap {
  private readonly logger = new Logger(SlackGateway.name);
  readonly mode: SlackMode;
  private readonly client: WebClient | null;
  /** The same client without transport retries: for posts that must not go out twice (pages), which check Slack themselves before trying again. */
  private readonly singleShotClient: WebClient | null;
  private identityValue: SlackIdentity | null = null;
  private health: SlackHealth;
  private healthCheckedAt = 0;
  private healthCheck: Promise<void> | null = null;
  private socketState: SlackSocketState | null = null;

  constructor(private readonly config: AppConfig) {
    this.mode = slackModeOf(config);
    this.health = { mode: this.mode, status: this.mode === 'disabled' ? 'disabled' : 'unknown' };
    this.client =
      this.mode === 'disabled'
        ? null
        : new WebClient(config.SLACK_BOT_TOKEN, {
            ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
            retryConfig: TRANSPORT_RETRY,
            fetch: keepAliveSlackFetch(),
            rejectRateLimitedCalls: true,
            timeout: REQUEST_TIMEOUT_MS,
            logger: slackLogger('SlackWebClient', config.LOG_LEVEL),
          });
    this.singleShotClient =
      this.mode === 'disabled'
        ? null
        : new WebClient(config.SLACK_BOT_TOKEN, {
            ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
            retryConfig: { retries: 0 },
            fetch: keepAliveSlackFetch(),
            rejectRateLimitedCalls: true,
            timeout: REQUEST_TIMEOUT_MS,
            logger: slackLogger('SlackWebClient', config.LOG_LEVEL),
          });
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** The bot's own user (from auth.test), once known. */
  get identity(): SlackIdentity | null {
    return this.identityValue;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) void this.refreshHealth();
  }

  /** Last known Slack status for /health/ready; re-checked (auth.test) in the background at most once a minute. */
  currentHealth(): SlackHealth {
    if (this.enabled && Date.now() - this.healthCheckedAt > HEALTH_RECHECK_MS) void this.refreshHealth();
    return this.socketState ? { ...this.health, socket: this.socketState } : this.health;
  }

  /** Socket Mode: what the connection to Slack is doing now (shown on /health/ready). */
  reportSocketState(state: SlackSocketState): void {
    if (state !== this.socketState) this.logger.log(`Slack Socket Mode ${state}`);
    this.socketState = state;
  }

  async refreshHealth(): Promise<void> {
    if (this.healthCheck) return this.healthCheck;
    this.healthCheckedAt = Date.now();
    this.healthCheck = (async () => {
      try {
        const result = await this.call('auth.test', {});
        this.identityValue = {
          teamId: String(result.team_id ?? ''),
          team: String(result.team ?? ''),
          botUserId: String(result.user_id ?? ''),
          botId: typeof result.bot_id === 'string' ? result.bot_id : null,
        };
        this.health = {
          mode: this.mode,
          status: 'up',
          team: this.identityValue.team,
          botUserId: this.identityValue.botUserId,
          checkedAt: new Date().toISOString(),
        };
      } catch (error) {
        const code = slackErrorCode(error);
        this.logger.warn({ slackError: code }, `Slack auth.test failed: ${code}`);
        this.health = { mode: this.mode, status: 'down', error: code, checkedAt: new Date().toISOString() };
      } finally {
        this.healthCheck = null;
      }
    })();
    return this.healthCheck;
  }

  // ------------------------------------------------------------------ views

  async openView(triggerId: string, view: ModalView): Promise<{ viewId: string; hash: string | null }> {
    // The view as its JSON text (Slack takes either): WebClient then neither walks it to redact its debug log nor serializes it again.
    const result = await this.call('views.open', { trigger_id: triggerId, view: JSON.stringify(view) });
    const opened = (result.view ?? {}) as { id?: string; hash?: string };
    return { viewId: String(opened.id ?? ''), hash: opened.hash ?? null };
  }

  async updateView(viewId: string, hash: string | null, view: ModalView): Promise<void> {
    await this.call('views.update', { view_id: viewId, ...(hash ? { hash } : {}), view: JSON.stringify(view) });
  }

  // ------------------------------------------------------------------ channels

  async createChannel(name: string, isPrivate: boolean): Promise<{ id: string; name: string }> {
    const result = await this.call('conversations.create', { name, is_private: isPrivate });
    const channel = (result.channel ?? {}) as { id?: string; name?: string };
    return { id: String(channel.id ?? ''), name: String(channel.name ?? name) };
  }

  /**
   * The unarchived channel called `name` that the bot can see (public, or
   * private with the bot in it), or null. Slack has no lookup by name: this
   * pages through conversations.list, so it is for rare cases (a name that
   * turned out to be taken), not for every call.
   */
  async findChannelByName(name: string): Promise<SlackChannelInfo | null> {
    let cursor: string | undefined;
    for (let page = 0; page < CHANNEL_LIST_MAX_PAGES; page += 1) {
      const result = await this.call('conversations.list', {
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      const channels = (result.channels ?? []) as Array<{ id?: string; name?: string; creator?: string; is_private?: boolean }>;
      const match = channels.find((channel) => channel.name === name);
      if (match) return { id: String(match.id ?? ''), name, creator: match.creator ?? null, isPrivate: match.is_private === true };
      cursor = (result.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  /** Invites people; someone already in the channel is not an error. */
  async inviteToChannel(channelId: string, userIds: readonly string[]): Promise<void> {
    try {
      await this.call('conversations.invite', { channel: channelId, users: userIds.join(',') });
    } catch (error) {
      if (error instanceof SlackCallError && error.code === 'already_in_channel') return;
      throw error;
    }
  }

  /** The direct-message channel with a person (conversations.open; the same id every time). */
  async openDirectMessage(userId: string): Promise<string> {
    const result = await this.call('conversations.open', { users: userId, return_im: false });
    return String(((result.channel ?? {}) as { id?: string }).id ?? '');
  }

  /** The latest messages of a channel, newest first: the buttons' values tell which page a message is. */
  async recentMessages(channelId: string, limit: number): Promise<Array<{ ts: string; text: string; blocks: unknown[] }>> {
    const result = await this.call('conversations.history', { channel: channelId, limit });
    const messages = (result.messages ?? []) as Array<{ ts?: string; text?: string; blocks?: unknown[] }>;
    return messages.map((message) => ({ ts: String(message.ts ?? ''), text: message.text ?? '', blocks: Array.isArray(message.blocks) ? message.blocks : [] }));
  }

  /** Archives a channel; one already archived is not an error. */
  async archiveChannel(channelId: string): Promise<void> {
    try {
      await this.call('conversations.archive', { channel: channelId });
    } catch (error) {
      if (error instanceof SlackCallError && error.code === 'already_archived') return;
      throw error;
    }
  }

  // ------------------------------------------------------------------ messages

  async postMessage(channelId: string, message: Pick<SlackMessage, 'text'> & Partial<SlackMessage>): Promise<string> {
    const result = await this.call('chat.postMessage', {
      channel: channelId,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return String(result.ts ?? '');
  }

  /**
   * chat.postMessage tried once (429s still wait for Retry-After: Slack did
   * nothing then). A transport failure may have posted it anyway: the caller
   * looks at the channel before trying again.
   */
  async postMessageOnce(channelId: string, message: SlackMessage): Promise<string> {
    const result = await this.call(
      'chat.postMessage',
      { channel: channelId, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false },
      this.singleShotClient,
    );
    return String(result.ts ?? '');
  }

  async updateMessage(channelId: string, ts: string, message: SlackMessage): Promise<void> {
    await this.call('chat.update', { channel: channelId, ts, text: message.text, blocks: message.blocks });
  }

  async postEphemeral(channelId: string, userId: string, text: string): Promise<void> {
    await this.call('chat.postEphemeral', { channel: channelId, user: userId, text });
  }

  async getPermalink(channelId: string, ts: string): Promise<string | null> {
    const result = await this.call('chat.getPermalink', { channel: channelId, message_ts: ts });
    return typeof result.permalink === 'string' ? result.permalink : null;
  }

  /** A message's text and author (reactions.get returns the message a reaction is on). */
  async getMessage(channelId: string, ts: string): Promise<{ text: string; user: string | null; permalink: string | null }> {
    const result = await this.call('reactions.get', { channel: channelId, timestamp: ts, full: true });
    const message = (result.message ?? {}) as { text?: string; user?: string; permalink?: string };
    return { text: message.text ?? '', user: message.user ?? null, permalink: message.permalink ?? null };
  }

  /** An answer through a slash command's response_url: ephemeral unless said otherwise. */
  async respond(responseUrl: string, text: string, responseType: 'ephemeral' | 'in_channel' = 'ephemeral'): Promise<void> {
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: responseType, replace_original: false, text }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      throw new SlackCallError('response_url', 'slack_unreachable', true, { cause: error });
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new SlackCallError('response_url', `http_${response.status}`, response.status >= 500 || response.status === 429);
  }

  /**
   * Tells one person something only they see: through the response_url when
   * there is one, else an ephemeral message in a channel they are in, else a
   * direct message from the app. Never throws; a failure is logged.
   */
  async tellUser(target: SlackReplyTarget, text: string): Promise<boolean> {
    if (!this.enabled) return false;
    const attempts: Array<[string, () => Promise<void>]> = [];
    if (target.responseUrl) attempts.push(['response_url', () => this.respond(target.responseUrl as string, text)]);
    if (target.channelId) attempts.push(['chat.postEphemeral', () => this.postEphemeral(target.channelId as string, target.userId, text)]);
    attempts.push(['direct message', async () => void (await this.postMessage(target.userId, { text }))]);
    for (const [how, attempt] of attempts) {
      try {
        await attempt();
        return true;
      } catch (error) {
        this.logger.warn({ slackError: slackErrorCode(error), userId: target.userId }, `could not tell the user via ${how}`);
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ transport

  private async call(method: string, args: Record<string, unknown>, via: WebClient | null = this.client): Promise<Record<string, unknown>> {
    const client = via;
    if (!client) throw new SlackCallError(method, 'slack_disabled', false);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return (await client.apiCall(method, args)) as unknown as Record<string, unknown>;
      } catch (error) {
        const failure = toSlackCallError(method, error);
        const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
        if (failure.code === 'ratelimited' && typeof retryAfter === 'number' && attempt < RATE_LIMIT_RETRIES && retryAfter <= RATE_LIMIT_MAX_WAIT_SECONDS) {
          this.logger.warn({ method, retryAfterSeconds: retryAfter }, `Slack rate-limited ${method}; retrying after ${retryAfter}s`);
          await sleep(Math.max(0, retryAfter) * 1000);
          continue;
        }
        throw failure;
      }
    }
  }
}

function toSlackCallError(method: string, error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  const coded = error as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown };
  switch (coded?.code) {
    case 'slack_webapi_platform_error': {
      const slackError = typeof coded.data?.error === 'string' ? coded.data.error : 'unknown_error';
      return new SlackCallError(method, slackError, RETRYABLE_PLATFORM_ERRORS.has(slackError), { cause: error });
    }
    case 'slack_webapi_rate_limited_error':
      return new SlackCallError(method, 'ratelimited', true, { cause: error });
    case 'slack_webapi_http_error': {
      const status = typeof coded.statusCode === 'number' ? coded.statusCode : 0;
      return new SlackCallError(method, `http_${status}`, status >= 500 || status === 429, { cause: error });
    }
    case 'slack_webapi_request_error':
      return new SlackCallError(method, 'slack_unreachable', true, { cause: error });
    default:
      return new SlackCallError(method, 'unknown_error', true, { cause: error });
  }
}
