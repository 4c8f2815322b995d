// Slack's side of the conversation with a running API process: signed slash
// commands and view submissions to POST /slack/events, and the fake Slack Web
// API (test/support/fake-slack.ts) answering the API's calls. The in-process
// helpers in test/support/slack-harness.ts wait on the app object; these poll
// the fake instead, since the API is another process here.
import { FAKE_SLACK_USERS, FakeSlack } from '../support/fake-slack';
import {
  declareViewValues,
  DeclareFormAnswers,
  SignedSlackRequest,
  SignOptions,
  slashCommandRequest,
  triggerId,
  viewSubmissionRequest,
} from '../support/slack-payloads';
import { eventually } from './probes';

export const SLACK_SIGNING_SECRET = 'resilience-signing-secret-0123456789';
export const SLACK_BOT_TOKEN = 'xoxb-resilience-test-token';

/** The API's Slack settings: HTTP mode against the fake, and a quick retry job. */
export function slackEnv(fake: FakeSlack): Record<string, string> {
  return { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: fake.url, SLACK_RETRY_INTERVAL_S: '5', SLACK_RETRY_IDLE_S: '30' };
}

export interface SlackAnswer {
  status: number;
  /** parsed JSON, or null for an empty 200 (the form closes) */
  body: unknown;
  ms: number;
}

export async function postToSlackEndpoint(apiUrl: string, signed: SignedSlackRequest): Promise<SlackAnswer> {
  const started = performance.now();
  const response = await fetch(`${apiUrl}/slack/events`, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body, ms: performance.now() - started };
}

export interface OpenedForm {
  readonly viewId: string;
  readonly privateMetadata: string;
  readonly responseUrlId: string;
  readonly userId: string;
}

/** `/incident` as `userId`; resolves once Ballast opened the form (views.open answered by the fake). */
export async function openDeclareForm(apiUrl: string, fake: FakeSlack, responseUrlId: string, userId: string = FAKE_SLACK_USERS[0].id): Promise<OpenedForm> {
  const trigger = triggerId();
  const command = slashCommandRequest(SLACK_SIGNING_SECRET, { userId, responseUrl: fake.responseUrl(responseUrlId), triggerId: trigger });
  const acked = await postToSlackEndpoint(apiUrl, command);
  if (acked.status !== 200) throw new Error(`/incident answered ${acked.status}: ${JSON.stringify(acked.body)}`);
  const open = await eventually(
    async () => fake.calls('views.open').find((call) => call.args.trigger_id === trigger && call.response !== undefined),
    `views.open for ${responseUrlId}`,
    10_000,
    50,
  );
  const viewId = (open.response?.body as { view?: { id?: string } }).view?.id;
  if (!viewId) throw new Error(`views.open failed: ${JSON.stringify(open.response?.body)}`);
  const view = open.args.view as { private_metadata?: string };
  return { viewId, privateMetadata: view.private_metadata ?? '', responseUrlId, userId };
}

/**
 * `/incident` as `userId`, then what the person ends up looking at: the block
 * ids of the view Ballast opened, once it stopped changing (a placeholder is
 * replaced by the form, or by a notice that the form cannot be loaded), or the
 * ephemeral texts when no view could be opened.
 */
export async function commandOutcome(
  apiUrl: string,
  fake: FakeSlack,
  responseUrlId: string,
  userId: string = FAKE_SLACK_USERS[0].id,
): Promise<{ ackStatus: number; blocks: string[]; told: string[] }> {
  const trigger = triggerId();
  const command = slashCommandRequest(SLACK_SIGNING_SECRET, { userId, responseUrl: fake.responseUrl(responseUrlId), triggerId: trigger });
  const acked = await postToSlackEndpoint(apiUrl, command);
  const open = await eventually(
    async () => fake.calls('views.open').find((call) => call.args.trigger_id === trigger && call.response !== undefined),
    `views.open for ${responseUrlId}`,
    10_000,
    50,
  ).catch(() => undefined);
  const viewId = (open?.response?.body as { view?: { id?: string } } | undefined)?.view?.id;
  let blocks: string[] = [];
  if (viewId) {
    // A placeholder ("Loading teams and services…") is replaced within the ack budget plus a database timeout.
    await eventually(
      async () =>
        (fake.views.get(viewId)?.view.blocks as Array<{ block_id?: string }> | undefined)?.some((block) => block.block_id !== 'declare_loading') || undefined,
      `the form behind ${viewId}`,
      15_000,
      100,
    ).catch(() => undefined);
    blocks = ((fake.views.get(viewId)?.view.blocks ?? []) as Array<{ block_id?: string }>).map((block) => block.block_id ?? '');
  }
  return {
    ackStatus: acked.status,
    blocks,
    told: fake
      .calls('response_url')
      .filter((call) => call.responseUrlId === responseUrlId)
      .map((call) => String(call.args.text ?? '')),
  };
}

/** The filled-in form as Slack submits it, signed. */
export function declareSubmission(form: OpenedForm, answers: DeclareFormAnswers, sign: SignOptions = {}): SignedSlackRequest {
  return viewSubmissionRequest(
    SLACK_SIGNING_SECRET,
    { viewId: form.viewId, values: declareViewValues(answers), privateMetadata: form.privateMetadata, userId: form.userId },
    sign,
  );
}

/** Ephemeral texts Ballast sent this form's user through the response_url. */
export function toldThroughResponseUrl(fake: FakeSlack, form: OpenedForm): string[] {
  return fake
    .calls('response_url')
    .filter((call) => call.responseUrlId === form.responseUrlId && call.response?.status === 200)
    .map((call) => String(call.args.text ?? ''));
}
