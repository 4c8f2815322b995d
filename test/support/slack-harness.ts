import { SlackBackgroundWork } from '../../apps/api/src/slack/slack-background-work';
import type { RunningApi } from './api-app';
import { FAKE_SLACK_USERS, FakeSlack } from './fake-slack';
import { declareViewValues, DeclareFormAnswers, SignedSlackRequest, SignOptions, slashCommandRequest, viewSubmissionRequest } from './slack-payloads';

/**
 * Drives the real API app as Slack would: signed requests to POST /slack/events,
 * with the fake Slack Web API (test/support/fake-slack.ts) on the other side.
 */
export const SLACK_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const SLACK_BOT_TOKEN = 'xoxb-ballast-test-token';

export function slackEnv(fake: FakeSlack): Record<string, string> {
  return { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: fake.url };
}

export function postToSlackEndpoint(api: RunningApi, signed: SignedSlackRequest) {
  return api.http.post('/slack/events').set(signed.headers).send(signed.body);
}

/** Waits until the work Ballast does after answering Slack (views, channels, headlines) is finished. */
export function slackIdle(api: RunningApi): Promise<void> {
  return api.app.get(SlackBackgroundWork).idle();
}

export interface OpenedForm {
  readonly viewId: string;
  readonly privateMetadata: string;
  readonly responseUrlId: string;
}

let formSequence = 0;

/** `/incident [text]` in a channel, then waits for the form to be opened and filled in by Ballast. */
export async function openDeclareForm(
  api: RunningApi,
  fake: FakeSlack,
  input: { text?: string; userId?: string; channelId?: string } = {},
  sign: SignOptions = {},
): Promise<OpenedForm> {
  formSequence += 1;
  const responseUrlId = `form-${formSequence}`;
  const opensBefore = fake.calls('views.open').length;
  const command = slashCommandRequest(
    SLACK_SIGNING_SECRET,
    { text: input.text ?? '', userId: input.userId ?? FAKE_SLACK_USERS[0].id, channelId: input.channelId, responseUrl: fake.responseUrl(responseUrlId) },
    sign,
  );
  const acked = await postToSlackEndpoint(api, command);
  if (acked.status !== 200) throw new Error(`/incident answered ${acked.status}: ${JSON.stringify(acked.body)}`);
  await slackIdle(api);
  const open = fake.calls('views.open')[opensBefore];
  if (!open) throw new Error('Ballast did not call views.open');
  const viewId = (open.response?.body as { view?: { id?: string } }).view?.id;
  if (!viewId) throw new Error(`views.open failed: ${JSON.stringify(open.response?.body)}`);
  const view = fake.views.get(viewId)?.view as { private_metadata?: string } | undefined;
  return { viewId, privateMetadata: view?.private_metadata ?? '', responseUrlId };
}

/** Submits the declare form (signed like Slack would), as often as `times` says or with redelivery headers. */
export function submitDeclareForm(form: OpenedForm, answers: DeclareFormAnswers, options: { userId?: string } & SignOptions = {}) {
  const { userId, ...sign } = options;
  return viewSubmissionRequest(
    SLACK_SIGNING_SECRET,
    { viewId: form.viewId, values: declareViewValues(answers), privateMetadata: form.privateMetadata, userId: userId ?? FAKE_SLACK_USERS[0].id },
    sign,
  );
}
