import type { BlockAction, BlockElementAction, EnvelopedEvent, SlashCommand, types, ViewSubmitAction } from '@slack/bolt';
import { createHmac, randomBytes } from 'node:crypto';
import { Severity, Visibility } from '@app/incidents';
import { DECLARE_INCIDENT_CALLBACK_ID, DECLARE_MODAL_FIELDS, ViewStateValue, ViewStateValues } from '../../apps/api/src/slack/ui';
import { FAKE_SLACK_BOT, FAKE_SLACK_GENERAL_CHANNEL, FAKE_SLACK_TEAM, FAKE_SLACK_USERS } from './fake-slack';

/**
 * Requests shaped like the ones Slack sends to `POST /slack/events`, signed
 * the way Slack signs them ("Verifying requests from Slack"):
 *   X-Slack-Request-Timestamp: <unix seconds>
 *   X-Slack-Signature: v0=<hex HMAC-SHA256(signingSecret, `v0:${timestamp}:${rawBody}`)>
 *
 * Each builder returns the raw body and the headers; send them unchanged, e.g.
 *   request(server).post('/slack/events').set(req.headers).send(req.body)
 *
 * The timestamp defaults to the current time because the app verifies it
 * against its own clock; pass `now` when the app under test uses a fixed clock.
 */

export interface SignOptions {
  /** the moment the request is "sent" (default: now) */
  readonly now?: Date | number;
  /** explicit X-Slack-Request-Timestamp in seconds (overrides now) */
  readonly timestamp?: number | string;
  /** shift the timestamp into the past, e.g. 301 for a request just outside Slack's 5-minute window */
  readonly staleBySeconds?: number;
  /** send this X-Slack-Signature verbatim instead of the computed one (forgery) */
  readonly signature?: string;
  /** compute the signature with another secret (a request not from our Slack app) */
  readonly signWith?: string;
  /** sign the original body but send this one instead (tampering in transit) */
  readonly tamperBody?: (rawBody: string) => string;
  readonly omitSignature?: boolean;
  readonly omitTimestamp?: boolean;
  /** Slack's redelivery headers: X-Slack-Retry-Num (1..3) and X-Slack-Retry-Reason */
  readonly retryNum?: number;
  readonly retryReason?: 'http_timeout' | 'too_many_redirects' | 'ssl_error' | 'connection_failed' | 'http_error' | 'unknown_error';
}

export interface SignedSlackRequest<P = unknown> {
  /** the raw body to send, byte for byte */
  readonly body: string;
  readonly headers: Record<string, string>;
  readonly contentType: 'application/x-www-form-urlencoded' | 'application/json';
  /** seconds, as sent */
  readonly timestamp: string;
  /** as sent, null when omitted */
  readonly signature: string | null;
  /** the decoded payload, for assertions */
  readonly payload: P;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed with the signing secret. */
export function signSlackRequest(signingSecret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Signs an arbitrary raw body; the builders below all end here. */
export function signedRequest<P>(
  signingSecret: string,
  rawBody: string,
  contentType: SignedSlackRequest['contentType'],
  payload: P,
  options: SignOptions = {},
): SignedSlackRequest<P> {
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const timestamp = String(options.timestamp ?? Math.floor(nowMs / 1000) - (options.staleBySeconds ?? 0));
  const signature = options.signature ?? signSlackRequest(options.signWith ?? signingSecret, timestamp, rawBody);
  const body = options.tamperBody ? options.tamperBody(rawBody) : rawBody;
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (!options.omitTimestamp) headers['X-Slack-Request-Timestamp'] = timestamp;
  if (!options.omitSignature) headers['X-Slack-Signature'] = signature;
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = options.retryReason ?? 'http_timeout';
  }
  return { body, headers, contentType, timestamp, signature: options.omitSignature ? null : signature, payload };
}

let sequence = 0;
const next = (): number => (sequence += 1);
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A trigger_id in Slack's format (`<digits>.<digits>.<hex>`); unique per call. */
export function triggerId(): string {
  return `${398738663015 + next()}.47445629121.${hex(16)}`;
}

const DEFAULT_USER = FAKE_SLACK_USERS[0];
const DEFAULT_VERIFICATION_TOKEN = 'xyzz0WbapA4vBCDEFasx0q6G';
const DEFAULT_RESPONSE_URL = `https://hooks.slack.com/commands/${FAKE_SLACK_TEAM.id}/397700885554/96rGlfmibIGlgcZRskXaIFfN`;

// ------------------------------------------------------------------ slash commands

export interface SlashCommandInput {
  readonly command?: string;
  readonly text?: string;
  readonly userId?: string;
  readonly userName?: string;
  readonly channelId?: string;
  readonly channelName?: string;
  readonly teamId?: string;
  readonly teamDomain?: string;
  /** legacy verification token (Slack still sends it) */
  readonly token?: string;
  /** use FakeSlack.responseUrl() to capture respond() calls */
  readonly responseUrl?: string;
  readonly triggerId?: string;
  /** null leaves the field out, as in Slack's older documented example */
  readonly apiAppId?: string | null;
  readonly isEnterpriseInstall?: boolean | null;
}

/**
 * A slash command as Slack posts it: application/x-www-form-urlencoded, fields
 * in Slack's order, `text` exactly as the user typed it after Slack's own
 * escaping (pass e.g. `lead <@U02BOB|bob>`, `a &lt; b`).
 */
export function slashCommandRequest(signingSecret: string, input: SlashCommandInput = {}, options: SignOptions = {}): SignedSlackRequest<SlashCommand> {
  const fields: Array<[string, string]> = [
    ['token', input.token ?? DEFAULT_VERIFICATION_TOKEN],
    ['team_id', input.teamId ?? FAKE_SLACK_TEAM.id],
    ['team_domain', input.teamDomain ?? FAKE_SLACK_TEAM.domain],
    ['channel_id', input.channelId ?? FAKE_SLACK_GENERAL_CHANNEL],
    ['channel_name', input.channelName ?? 'general'],
    ['user_id', input.userId ?? DEFAULT_USER.id],
    ['user_name', input.userName ?? DEFAULT_USER.name],
    ['command', input.command ?? '/incident'],
    ['text', input.text ?? ''],
  ];
  if (input.apiAppId !== null) fields.push(['api_app_id', input.apiAppId ?? FAKE_SLACK_BOT.appId]);
  if (input.isEnterpriseInstall !== null && input.isEnterpriseInstall !== undefined) {
    fields.push(['is_enterprise_install', String(input.isEnterpriseInstall)]);
  } else if (input.apiAppId !== null) {
    fields.push(['is_enterprise_install', 'false']);
  }
  fields.push(['response_url', input.responseUrl ?? DEFAULT_RESPONSE_URL]);
  fields.push(['trigger_id', input.triggerId ?? triggerId()]);
  const body = new URLSearchParams(fields).toString();
  return signedRequest(signingSecret, body, 'application/x-www-form-urlencoded', Object.fromEntries(fields) as SlashCommand, options);
}

/** Slack's periodic certificate check on a slash command URL. */
export function sslCheckRequest(signingSecret: string, options: SignOptions = {}): SignedSlackRequest<Record<string, string>> {
  const fields = { ssl_check: '1', token: DEFAULT_VERIFICATION_TOKEN };
  return signedRequest(signingSecret, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', fields, options);
}

// ------------------------------------------------------------------ interactivity

const interactivityBody = (payload: unknown): string => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** One element's state, as in `view.state.values[block_id][action_id]`. */
export const viewState = {
  plainText: (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value }),
  staticSelect: (value: string | null, label = value ?? ''): ViewStateValue =>
    ({ type: 'static_select', selected_option: value === null ? null : { text: { type: 'plain_text', text: label, emoji: true }, value } }) as ViewStateValue,
  multiStaticSelect: (values: readonly string[]): ViewStateValue =>
    ({
      type: 'multi_static_select',
      selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value, emoji: true }, value })),
    }) as ViewStateValue,
  radio: (value: string | null, label = value ?? ''): ViewStateValue =>
    ({ type: 'radio_buttons', selected_option: value === null ? null : { text: { type: 'plain_text', text: label, emoji: true }, value } }) as ViewStateValue,
};

export interface DeclareFormAnswers {
  readonly title?: string | null;
  readonly severity?: Severity | string | null;
  readonly team?: string | null;
  readonly services?: readonly string[];
  readonly type?: string | null;
  readonly visibility?: Visibility | string | null;
  readonly summary?: string | null;
  /** leave out the team/services/type blocks, as the form does when there are none to choose */
  readonly withoutCatalogBlocks?: boolean;
}

/** `view.state.values` of a filled-in declare form, keyed by the form's real block and action ids. */
export function declareViewValues(answers: DeclareFormAnswers): ViewStateValues {
  const f = DECLARE_MODAL_FIELDS;
  const values: Record<string, Record<string, ViewStateValue>> = {
    [f.title.blockId]: { [f.title.actionId]: viewState.plainText(answers.title ?? null) },
    [f.severity.blockId]: { [f.severity.actionId]: viewState.radio(answers.severity ?? null) },
    [f.visibility.blockId]: { [f.visibility.actionId]: viewState.radio(answers.visibility ?? 'internal') },
    [f.summary.blockId]: { [f.summary.actionId]: viewState.plainText(answers.summary ?? null) },
  };
  if (!answers.withoutCatalogBlocks) {
    values[f.team.blockId] = { [f.team.actionId]: viewState.staticSelect(answers.team ?? null) };
    values[f.services.blockId] = { [f.services.actionId]: viewState.multiStaticSelect(answers.services ?? []) };
    values[f.type.blockId] = { [f.type.actionId]: viewState.staticSelect(answers.type ?? null) };
  }
  return values;
}

export interface ViewSubmissionInput {
  readonly values: ViewStateValues;
  readonly callbackId?: string;
  readonly privateMetadata?: string;
  /** the same view id for every submission of one opened modal (double clicks, replays) */
  readonly viewId?: string;
  readonly hash?: string;
  readonly blocks?: unknown[];
  readonly userId?: string;
  readonly userName?: string;
  readonly teamId?: string;
  readonly triggerId?: string;
  readonly token?: string;
}

/** A `view_submission` interaction: form field `payload` holding the JSON. */
export function viewSubmissionRequest(signingSecret: string, input: ViewSubmissionInput, options: SignOptions = {}): SignedSlackRequest<ViewSubmitAction> {
  const viewId = input.viewId ?? `V0${next().toString(36).toUpperCase().padStart(9, '0')}`;
  const userId = input.userId ?? DEFAULT_USER.id;
  const payload: ViewSubmitAction = {
    type: 'view_submission',
    team: { id: input.teamId ?? FAKE_SLACK_TEAM.id, domain: FAKE_SLACK_TEAM.domain },
    user: {
      id: userId,
      username: input.userName ?? DEFAULT_USER.name,
      name: input.userName ?? DEFAULT_USER.name,
      team_id: input.teamId ?? FAKE_SLACK_TEAM.id,
    } as ViewSubmitAction['user'],
    api_app_id: FAKE_SLACK_BOT.appId,
    token: input.token ?? DEFAULT_VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: input.teamId ?? FAKE_SLACK_TEAM.id,
      type: 'modal',
      blocks: (input.blocks ?? []) as ViewSubmitAction['view']['blocks'],
      private_metadata: input.privateMetadata ?? '',
      callback_id: input.callbackId ?? DECLARE_INCIDENT_CALLBACK_ID,
      state: { values: input.values as ViewSubmitAction['view']['state']['values'] },
      hash: input.hash ?? `1712345678.${hex(4)}`,
      title: { type: 'plain_text', text: 'Declare an incident', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Declare', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: FAKE_SLACK_BOT.appId,
      external_id: '',
      app_installed_team_id: input.teamId ?? FAKE_SLACK_TEAM.id,
      bot_id: FAKE_SLACK_BOT.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
  };
  return signedRequest(signingSecret, interactivityBody(payload), 'application/x-www-form-urlencoded', payload, options);
}

export interface BlockActionsInput {
  readonly actions: ReadonlyArray<{ action_id: string; block_id: string; type?: string; value?: string; selected_option?: { value: string } }>;
  readonly userId?: string;
  readonly userName?: string;
  /** a click in a message (default) ... */
  readonly channelId?: string;
  readonly messageTs?: string;
  /** ... or in a view */
  readonly viewId?: string;
  readonly responseUrl?: string;
  readonly triggerId?: string;
}

/** A `block_actions` interaction (a button click or select in a message or view). */
export function blockActionsRequest(signingSecret: string, input: BlockActionsInput, options: SignOptions = {}): SignedSlackRequest<BlockAction> {
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(next()).padStart(6, '0')}`;
  const channelId = input.channelId ?? FAKE_SLACK_GENERAL_CHANNEL;
  const inView = input.viewId !== undefined;
  const payload: BlockAction = {
    type: 'block_actions',
    team: { id: FAKE_SLACK_TEAM.id, domain: FAKE_SLACK_TEAM.domain },
    user: {
      id: input.userId ?? DEFAULT_USER.id,
      username: input.userName ?? DEFAULT_USER.name,
      name: input.userName ?? DEFAULT_USER.name,
      team_id: FAKE_SLACK_TEAM.id,
    },
    api_app_id: FAKE_SLACK_BOT.appId,
    token: DEFAULT_VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? triggerId(),
    response_url: input.responseUrl ?? `https://hooks.slack.com/actions/${FAKE_SLACK_TEAM.id}/1/${hex(12)}`,
    container: inView
      ? { type: 'view', view_id: input.viewId }
      : { type: 'message', message_ts: input.messageTs ?? '1712345678.000100', channel_id: channelId, is_ephemeral: false },
    ...(inView
      ? {}
      : {
          channel: { id: channelId, name: 'channel' },
          message: { type: 'message' as const, user: FAKE_SLACK_BOT.userId, ts: input.messageTs ?? '1712345678.000100', text: '' },
        }),
    actions: input.actions.map((action) => ({ type: 'button', ...action, action_ts: actionTs }) as unknown as BlockElementAction),
    is_enterprise_install: false,
  };
  return signedRequest(signingSecret, interactivityBody(payload), 'application/x-www-form-urlencoded', payload, options);
}

// ------------------------------------------------------------------ Events API

export interface EventEnvelopeInput {
  readonly eventId?: string;
  /** seconds */
  readonly eventTime?: number;
  readonly teamId?: string;
}

/** An Events API `event_callback` envelope (JSON) around `event`. */
export function eventCallbackRequest<E extends { type: string }>(
  signingSecret: string,
  event: E,
  input: EventEnvelopeInput = {},
  options: SignOptions = {},
): SignedSlackRequest<EnvelopedEvent<E>> {
  const teamId = input.teamId ?? FAKE_SLACK_TEAM.id;
  const payload: EnvelopedEvent<E> = {
    token: DEFAULT_VERIFICATION_TOKEN,
    team_id: teamId,
    context_team_id: teamId,
    api_app_id: FAKE_SLACK_BOT.appId,
    event,
    type: 'event_callback',
    event_id: input.eventId ?? `Ev0${next().toString(36).toUpperCase().padStart(9, '0')}`,
    event_time: input.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: FAKE_SLACK_BOT.userId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${hex(20)}`,
  };
  return signedRequest(signingSecret, JSON.stringify(payload), 'application/json', payload, options);
}

export interface PinAddedInput {
  readonly channelId: string;
  readonly message: { readonly ts: string; readonly text: string; readonly user?: string };
  /** who pinned it */
  readonly user?: string;
  readonly permalink?: string;
  readonly pinnedAt?: number;
}

/** The `pin_added` event for a message (event only; wrap with eventCallbackRequest). */
export function pinAddedEvent(input: PinAddedInput): types.PinAddedEvent {
  const pinner = input.user ?? DEFAULT_USER.id;
  const author = input.message.user ?? DEFAULT_USER.id;
  const pinnedAt = input.pinnedAt ?? Math.floor(Date.now() / 1000);
  return {
    type: 'pin_added',
    user: pinner,
    channel_id: input.channelId,
    item: {
      type: 'message',
      channel: input.channelId,
      created: pinnedAt,
      created_by: pinner,
      message: {
        type: 'message',
        user: author,
        text: input.message.text,
        ts: input.message.ts,
        team: FAKE_SLACK_TEAM.id,
        permalink: input.permalink ?? `https://${FAKE_SLACK_TEAM.domain}.slack.com/archives/${input.channelId}/p${input.message.ts.replace('.', '')}`,
        pinned_to: [input.channelId],
      },
    },
    item_user: author,
    pin_count: '1',
    pinned_info: { channel: input.channelId, pinned_by: pinner, pinned_ts: pinnedAt },
    event_ts: `${pinnedAt}.${String(next()).padStart(6, '0')}`,
  };
}

export interface ReactionAddedInput {
  readonly channelId: string;
  /** ts of the message reacted to */
  readonly ts: string;
  readonly reaction?: string;
  /** who reacted */
  readonly user?: string;
  /** author of the message */
  readonly itemUser?: string;
}

/** The `reaction_added` event (default :pushpin:) on a message. */
export function reactionAddedEvent(input: ReactionAddedInput): types.ReactionAddedEvent {
  return {
    type: 'reaction_added',
    user: input.user ?? DEFAULT_USER.id,
    reaction: input.reaction ?? 'pushpin',
    item_user: input.itemUser ?? DEFAULT_USER.id,
    item: { type: 'message', channel: input.channelId, ts: input.ts },
    event_ts: `${Math.floor(Date.now() / 1000)}.${String(next()).padStart(6, '0')}`,
  };
}

/** The handshake Slack sends when the Events request URL is configured. */
export function urlVerificationRequest(
  signingSecret: string,
  challenge = `3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P${next()}`,
  options: SignOptions = {},
): SignedSlackRequest<{ token: string; challenge: string; type: 'url_verification' }> {
  const payload = { token: DEFAULT_VERIFICATION_TOKEN, challenge, type: 'url_verification' as const };
  return signedRequest(signingSecret, JSON.stringify(payload), 'application/json', payload, options);
}
