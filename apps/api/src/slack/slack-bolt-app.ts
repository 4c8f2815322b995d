import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { App, AppOptions, SocketModeReceiver } from '@slack/bolt';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '@app/config';
import { DECLARE_INCIDENT_CALLBACK_ID, ViewStateValues } from './ui';
import { ackDeadline } from './http/slack-ack-window';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackCommandFlow } from './slack-commands.service';
import { SlackDeclareFlow } from './slack-declare.service';
import { SlackGateway } from './slack-gateway';
import { SlackHttpReceiver } from './http/slack-http.receiver';
import { slackLogger } from './slack-logger';
import { SlackTimelineCapture } from './slack-timeline.service';
import { PageClick, SlackPager } from './slack-pager.service';
import { ACKNOWLEDGE_ACTION_ID, ESCALATE_ACTION_ID, parsePageButtonValue } from './ui/slack-page-messages';
import { ADD_FOLLOW_UP_ACTION_ID, FOLLOW_UP_MODAL_CALLBACK_ID, SlackFollowUpModal } from './ui/slack-follow-up-modal';
import { HeadlineButton, ModalSubmission, SlackHeadlineActions } from './slack-headline-actions.service';
import {
  PUBLISH_BUTTON_ACTION_ID,
  PUBLISH_MODAL_CALLBACK_ID,
  EDIT_BUTTON_ACTION_ID,
  EDIT_MODAL_CALLBACK_ID,
  RESOLVE_BUTTON_ACTION_ID,
  RESOLVE_MODAL_CALLBACK_ID,
  UPDATE_BUTTON_ACTION_ID,
  UPDATE_MODAL_CALLBACK_ID,
} from './ui/slack-incident-modals';

const SOCKET_CLOSE_TIMEOUT_MS = 3000;

/**
 * The Bolt app: HTTP mode through SlackHttpReceiver (POST /slack/events inside
 * the Nest app), or Socket Mode when SLACK_APP_TOKEN is set. Listeners only
 * translate Slack's payloads, call one flow, acknowledge with its answer and
 * hand the work that follows to SlackBackgroundWork.
 */
@Injectable()
export class SlackBoltApp implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SlackBoltApp.name);
  private app: App | null = null;
  private socketMode: SocketModeReceiver | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly gateway: SlackGateway,
    private readonly receiver: SlackHttpReceiver,
    private readonly commands: SlackCommandFlow,
    private readonly declare: SlackDeclareFlow,
    private readonly timeline: SlackTimelineCapture,
    private readonly work: SlackBackgroundWork,
    private readonly pager: SlackPager,
    private readonly headline: SlackHeadlineActions,
    private readonly followUpModal: SlackFollowUpModal,
  ) {}

  onModuleInit(): void {
    if (this.gateway.mode === 'disabled') return;
    const logger = slackLogger('SlackBolt', this.config.LOG_LEVEL);
    const slackApiUrl = this.config.SLACK_API_URL ? { slackApiUrl: this.config.SLACK_API_URL } : {};
    const common: AppOptions = {
      // A fixed single-workspace authorization: no auth.test round trip before handling a request.
      authorize: async () => ({
        botToken: this.config.SLACK_BOT_TOKEN,
        ...(this.gateway.identity ? { botUserId: this.gateway.identity.botUserId, botId: this.gateway.identity.botId ?? undefined } : {}),
      }),
      logger,
      convoStore: false,
      clientOptions: { ...slackApiUrl, retryConfig: { retries: 2 } },
    };
    this.app =
      this.gateway.mode === 'socket'
        ? new App({ ...common, socketMode: true, receiver: this.socketModeReceiver(logger, slackApiUrl) })
        : new App({ ...common, receiver: this.receiver });
    this.registerListeners(this.app);
  }

  /**
   * Socket Mode: the app-level token opens the connection (apps.connections.open,
   * through SLACK_API_URL like every other call) and Slack's envelopes arrive
   * over it; the connection state is reported on /health/ready.
   */
  private socketModeReceiver(logger: ReturnType<typeof slackLogger>, slackApiUrl: { slackApiUrl?: string }): SocketModeReceiver {
    const receiver = new SocketModeReceiver({ appToken: this.config.SLACK_APP_TOKEN ?? '', logger, installerOptions: { clientOptions: slackApiUrl } });
    this.socketMode = receiver;
    this.gateway.reportSocketState('connecting');
    receiver.client.on('connected', () => this.gateway.reportSocketState('connected'));
    receiver.client.on('reconnecting', () => this.gateway.reportSocketState('connecting'));
    receiver.client.on('disconnected', () => this.gateway.reportSocketState('disconnected'));
    return receiver;
  }

  onApplicationBootstrap(): void {
    if (this.app && this.gateway.mode === 'socket') {
      this.app.start().then(
        () => this.logger.log('Slack Socket Mode connected'),
        (error: unknown) => this.logger.error({ err: error }, 'Slack Socket Mode could not connect'),
      );
    }
  }

  /** Closes the Socket Mode connection with its close handshake (Bolt's stop() does not wait for it), a few seconds at most. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.socketMode) return;
    const closed = this.socketMode.client.disconnect().then(
      () => true,
      () => true,
    );
    if (!(await Promise.race([closed, sleep(SOCKET_CLOSE_TIMEOUT_MS, false, { ref: false })]))) this.logger.warn('Slack Socket Mode did not close in time');
  }

  private registerListeners(app: App): void {
    app.command(this.config.SLACK_COMMAND, async ({ command, ack, context }) => {
      const outcome = await this.commands.onCommand(
        {
          text: command.text ?? '',
          userId: command.user_id,
          userName: command.user_name || null,
          channelId: command.channel_id,
          triggerId: command.trigger_id,
          responseUrl: command.response_url || null,
        },
        ackDeadline(receivedAtOf(context)),
      );
      await ack(outcome.ack);
      if (outcome.after) this.work.run(`${this.config.SLACK_COMMAND} ${command.text ?? ''}`.trim(), outcome.after);
    });

    app.view({ callback_id: DECLARE_INCIDENT_CALLBACK_ID, type: 'view_submission' }, async ({ body, view, ack, context }) => {
      const outcome = await this.declare.submit(
        {
          viewId: view.id,
          teamId: body.team?.id ?? view.team_id ?? null,
          userId: body.user.id,
          userName: body.user.name || null,
          values: view.state.values as unknown as ViewStateValues,
          privateMetadata: view.private_metadata ?? null,
        },
        ackDeadline(receivedAtOf(context)),
      );
      await ack(outcome.ack);
      // The Slack side (channel, invite, headlines) waits for a turn: other submissions being acknowledged go first.
      if (outcome.after) this.work.defer('declare from Slack', outcome.after);
    });

    // Page and headline buttons: acknowledged at once, the change made after (a double click or a redelivery changes things once).
    const pageButton = (actionId: string, handle: (click: PageClick) => Promise<void>) =>
      app.action({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action }) => {
        await ack();
        const target = parsePageButtonValue((action as { value?: unknown }).value);
        const user = body.user;
        const reply = { userId: user.id, responseUrl: 'response_url' in body ? (body.response_url as string) : null, channelId: body.channel?.id ?? null };
        if (!target) {
          this.work.run(actionId, () => this.gateway.tellUser(reply, 'That button does not name an incident; nothing was changed.'));
          return;
        }
        // Deferred: presses arriving together are all answered before their changes start (each is a few database round trips).
        this.work.defer(`${actionId} ${target.incidentId}`, () =>
          handle({ ...target, userId: user.id, userName: ('username' in user ? (user.username as string) : null) || user.name || null, reply }),
        );
      });
    pageButton(ACKNOWLEDGE_ACTION_ID, (click) => this.pager.acknowledge(click));
    pageButton(ESCALATE_ACTION_ID, (click) => this.pager.escalate(click));

    // Headline buttons that open a modal: views.open must follow the ack at once (the trigger_id lives 3 s).
    for (const button of [UPDATE_BUTTON_ACTION_ID, RESOLVE_BUTTON_ACTION_ID, EDIT_BUTTON_ACTION_ID] as HeadlineButton[]) {
      app.action({ type: 'block_actions', action_id: button }, async ({ ack, body, action }) => {
        await ack();
        const target = parsePageButtonValue((action as { value?: unknown }).value);
        const reply = { userId: body.user.id, responseUrl: 'response_url' in body ? (body.response_url as string) : null, channelId: body.channel?.id ?? null };
        if (!target) return;
        this.work.run(`${button} ${target.incidentId}`, () => this.headline.openModal(button, target.incidentId, body.trigger_id, reply));
      });
    }
    const modal = (callbackId: string, submit: (submission: ModalSubmission) => Promise<unknown>) =>
      app.view({ callback_id: callbackId, type: 'view_submission' }, async ({ body, view, ack }) => {
        const answer = await submit({
          incidentId: view.private_metadata ?? '',
          userId: body.user.id,
          userName: body.user.name || null,
          values: view.state.values as unknown as ViewStateValues,
        });
        if (answer) await ack(answer as never);
        else await ack();
      });
    modal(UPDATE_MODAL_CALLBACK_ID, (submission) => this.headline.submitUpdate(submission));
    modal(RESOLVE_MODAL_CALLBACK_ID, (submission) => this.headline.submitResolve(submission));
    modal(EDIT_MODAL_CALLBACK_ID, (submission) => this.headline.submitEdit(submission));
    app.action({ type: 'block_actions', action_id: PUBLISH_BUTTON_ACTION_ID }, async ({ ack, body, action }) => {
      await ack();
      const target = parsePageButtonValue((action as { value?: unknown }).value);
      const reply = { userId: body.user.id, responseUrl: 'response_url' in body ? (body.response_url as string) : null, channelId: body.channel?.id ?? null };
      if (target) this.work.run(`publish ${target.incidentId}`, () => this.headline.openPublish(target.incidentId, body.trigger_id, reply));
    });
    modal(PUBLISH_MODAL_CALLBACK_ID, (submission) => this.headline.submitPublish(submission));
    // "Add follow-up" on the resolution message: the modal opens at once; the submission is idempotent by view id.
    app.action({ type: 'block_actions', action_id: ADD_FOLLOW_UP_ACTION_ID }, async ({ ack, body, action }) => {
      await ack();
      const target = parsePageButtonValue((action as { value?: unknown }).value);
      const reply = { userId: body.user.id, responseUrl: 'response_url' in body ? (body.response_url as string) : null, channelId: body.channel?.id ?? null };
      if (target) this.work.run(`follow-up ${target.incidentId}`, () => this.followUpModal.open(target.incidentId, body.trigger_id, reply));
    });
    app.view({ callback_id: FOLLOW_UP_MODAL_CALLBACK_ID, type: 'view_submission' }, async ({ body, view, ack }) => {
      const answer = await this.followUpModal.submit({
        viewId: view.id,
        incidentId: view.private_metadata ?? '',
        userId: body.user.id,
        values: view.state.values as unknown as ViewStateValues,
      });
      if (answer) await ack(answer as never);
      else await ack();
    });

    app.event('pin_added', async ({ event }) => {
      const message = event.item?.message;
      if (event.item?.type !== 'message' || !message) return;
      this.work.run('pin_added', () =>
        this.timeline.onPinAdded({
          channelId: event.channel_id ?? event.item.channel,
          userId: event.user,
          message: { ts: message.ts, text: message.text ?? null, user: message.user ?? null, permalink: message.permalink || null },
        }),
      );
    });

    app.event('reaction_added', async ({ event }) => {
      if (event.item.type !== 'message') return;
      this.work.run('reaction_added', () =>
        this.timeline.onReactionAdded({
          channelId: event.item.channel,
          userId: event.user,
          reaction: event.reaction,
          messageTs: event.item.ts,
          messageAuthor: event.item_user || null,
        }),
      );
    });
  }
}

/** When SlackHttpReceiver got the request (Socket Mode: unknown, so now). */
function receivedAtOf(context: Record<string, unknown>): number | undefined {
  return typeof context.receivedAt === 'number' ? context.receivedAt : undefined;
}
