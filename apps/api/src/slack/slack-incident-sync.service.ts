import { Injectable, Logger } from '@nestjs/common';
import { SlackIncidentRepository, SlackStateChange } from './state/slack-incident.repository';
import { OnEvent } from '@nestjs/event-emitter';
import {
  formatIncidentReference,
  INCIDENT_CHANGED,
  INCIDENT_DECLARED,
  IncidentChangedEvent,
  IncidentDeclaredEvent,
  IncidentEntity,
  IncidentQueriesService,
  TimelineEventKind,
} from '@app/incidents';
import { buildIncidentHeadline, channelNameWithSuffix, describeSlackFailure, incidentChannelName, SlackMessage } from './ui';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackCallError, slackErrorCode, SlackGateway, SlackReplyTarget } from './slack-gateway';
import { SlackJobLock } from './slack-job-lock';
import { headlineInputOf, slackUserOfAuthorLabel } from './ui/slack-replies';
import { buildPrivateIncidentAnnouncement } from './ui/slack-page-messages';
import { withHeadlineButtons } from './ui/slack-incident-modals';

/** The team channel's copy of the headline: a private incident's only says that it exists. */
function teamAnnouncementOf(incident: IncidentEntity, headline: SlackMessage): SlackMessage {
  return incident.visibility === 'private' ? buildPrivateIncidentAnnouncement(incident) : headline;
}

/** Channel names tried after `name_taken`: `inc-42-x`, `inc-42-x-2`, ... `inc-42-x-10`. */
const MAX_CHANNEL_NAME_ATTEMPTS = 10;
const RETRY_BATCH = 25;

/** Timeline kinds that cannot change what the headline shows; anything else refreshes it. */
const KINDS_NOT_IN_HEADLINE: ReadonlySet<TimelineEventKind> = new Set<TimelineEventKind>([
  'public_update',
  'internal_note',
  'slack_pin',
  'slack_reaction',
  'alert_fired',
  'alert_resolved',
  'slo_burn_started',
  'slo_burn_stopped',
  'budget_exhausted',
  'reminder_sent',
  'components_changed',
  'started_at_changed',
  'paged',
  'page_failed',
  'escalated',
  'pagerduty',
]);

interface StepProblem {
  readonly step: string;
  readonly code: string;
}

export interface SlackRetryOutcome {
  /** false when another replica held the job lock */
  readonly ran: boolean;
  readonly synced: number;
  readonly stillPending: number;
}

/**
 * The Slack side of an incident: its channel (`inc-<number>-<slug>`, suffixed
 * on a name collision), the declarer invited, the headline in the channel and
 * in the owning team's channel, and that headline kept current.
 *
 * The incident is stored first; its Slack side is then owed (`pending`) until
 * every step is done. Each step's result is saved as it happens, so a retry
 * (the job below) resumes where Slack failed instead of starting over.
 */
@Injectable()
export class SlackIncidentSync {
  private readonly logger = new Logger(SlackIncidentSync.name);
  private readonly headlineRefreshes = new Map<string, { again: boolean }>();

  constructor(
    private readonly gateway: SlackGateway,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly slackState: SlackIncidentRepository,
    private readonly work: SlackBackgroundWork,
    private readonly jobLock: SlackJobLock,
  ) {}

  /**
   * After an incident was stored (pass it as loaded, team included): marks its
   * Slack side owed, then does it. Never throws; true when done.
   */
  async setUpNewIncident(incident: IncidentEntity, notify?: SlackReplyTarget): Promise<boolean> {
    await this.slackState.update(incident.id, { state: 'pending', error: null });
    return this.bringUpToDate({ ...incident, slackSyncState: 'pending' }, notify);
  }

  /**
   * The retry job: incidents whose Slack side is still owed and that nobody
   * touched for `idleForSeconds` (the first attempt is over), one replica at a time.
   */
  async retryPending(options: { idleForSeconds: number }): Promise<SlackRetryOutcome> {
    if (!this.gateway.enabled) return { ran: false, synced: 0, stillPending: 0 };
    const outcome = await this.jobLock.runExclusive('slack-sync-retry', async () => {
      const owed = await this.slackState.needingSync(RETRY_BATCH, { idleForSeconds: options.idleForSeconds });
      let synced = 0;
      for (const incident of owed) {
        try {
          if (await this.bringUpToDate(incident)) synced += 1;
        } catch (error) {
          this.logger.error({ err: error, incident: formatIncidentReference(incident.number) }, 'Slack retry failed');
        }
      }
      return { synced, stillPending: owed.length - synced };
    });
    return outcome.ran ? { ran: true, ...outcome.result } : { ran: false, synced: 0, stillPending: 0 };
  }

  /** Incidents declared elsewhere (REST API, SLO burn, Alertmanager) get their channel too. */
  @OnEvent(INCIDENT_DECLARED)
  onIncidentDeclared(event: IncidentDeclaredEvent): void {
    // Slack declarations are set up by the submission flow, which can tell the declarer about failures.
    if (!this.gateway.enabled || event.incident.source === 'slack') return;
    if (event.announce === false || event.incident.announce === false) return;
    this.work.run(`set up Slack for ${formatIncidentReference(event.incident.number)}`, () => this.setUpNewIncident(event.incident));
  }

  @OnEvent(INCIDENT_CHANGED)
  onIncidentChanged(event: IncidentChangedEvent): void {
    if (!this.gateway.enabled) return;
    if (event.kinds.length > 0 && event.kinds.every((kind) => KINDS_NOT_IN_HEADLINE.has(kind))) return;
    this.refreshHeadline(event.incident.id);
  }

  /**
   * Rewrites the headline messages from the incident as stored now. Changes
   * arriving while a refresh runs coalesce into one more refresh, so the last
   * state always wins and bursts do not become bursts of chat.update.
   */
  refreshHeadline(incidentId: string): void {
    const running = this.headlineRefreshes.get(incidentId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.headlineRefreshes.set(incidentId, state);
    this.work.run(`refresh headline of ${incidentId}`, async () => {
      try {
        do {
          state.again = false;
          await this.updateHeadlineMessages(incidentId);
        } while (state.again);
      } finally {
        this.headlineRefreshes.delete(incidentId);
      }
    });
  }

  private async updateHeadlineMessages(incidentId: string): Promise<void> {
    const incident = await this.incidentQueries.getIncidentById(incidentId);
    const headline = withHeadlineButtons(buildIncidentHeadline(headlineInputOf(incident)), incident);
    const targets: Array<[string, string]> = [];
    if (incident.slackChannelId && incident.slackHeadlineTs) targets.push([incident.slackChannelId, incident.slackHeadlineTs]);
    if (incident.team?.slackChannelId && incident.slackTeamMessageTs) targets.push([incident.team.slackChannelId, incident.slackTeamMessageTs]);
    for (const [channelId, ts] of targets) {
      try {
        await this.gateway.updateMessage(channelId, ts, channelId === incident.slackChannelId ? headline : teamAnnouncementOf(incident, headline));
      } catch (error) {
        this.logger.warn(
          { incident: formatIncidentReference(incident.number), channelId, slackError: slackErrorCode(error) },
          'could not update the incident headline',
        );
      }
    }
  }

  /**
   * Does what is missing of the Slack side, saving each step's result as soon
   * as it is known (a crash or a failure later on never repeats a done step).
   */
  private async bringUpToDate(stored: IncidentEntity, notify?: SlackReplyTarget): Promise<boolean> {
    let incident = stored;
    const reference = formatIncidentReference(incident.number);
    const problems: StepProblem[] = [];
    let step = `create the Slack channel for ${reference}`;
    try {
      let channelId = incident.slackChannelId;
      if (!channelId) {
        const channel = await this.createIncidentChannel(incident);
        await this.slackState.update(incident.id, { slackChannelId: channel.id, slackChannelName: channel.name });
        channelId = channel.id;
        incident = { ...incident, slackChannelId: channel.id, slackChannelName: channel.name };
      }

      const declarer = slackUserOfAuthorLabel(incident.declaredBy);
      if (declarer) {
        step = `invite you to the channel of ${reference}`;
        await this.unlessPermanent(step, problems, () => this.gateway.inviteToChannel(channelId, [declarer]));
      }

      const headline = withHeadlineButtons(buildIncidentHeadline(headlineInputOf(incident)), incident);
      if (!incident.slackHeadlineTs) {
        step = `post the headline of ${reference} in its channel`;
        const ts = await this.gateway.postMessage(channelId, headline);
        await this.slackState.update(incident.id, { slackHeadlineTs: ts });
      }

      const done: SlackStateChange = { state: 'synced' };
      const teamChannelId = incident.team?.slackChannelId;
      if (teamChannelId && !incident.slackTeamMessageTs) {
        step = `announce ${reference} in the team channel`;
        await this.unlessPermanent(step, problems, async () => {
          done.slackTeamMessageTs = await this.gateway.postMessage(teamChannelId, teamAnnouncementOf(incident, headline));
        });
      }

      done.error = problems.length > 0 ? problems.map((problem) => `${problem.step}: ${problem.code}`).join('; ') : null;
      await this.slackState.update(incident.id, done);
      for (const problem of problems) {
        this.logger.warn({ incident: reference, slackError: problem.code }, `could not ${problem.step}`);
        if (notify) await this.gateway.tellUser(notify, describeSlackFailure(problem.code, problem.step));
      }
      return true;
    } catch (error) {
      const code = error instanceof SlackCallError ? error.code : 'unknown_error';
      this.logger.warn({ incident: reference, slackError: code, err: error instanceof SlackCallError ? undefined : error }, `could not ${step}; will retry`);
      await this.slackState.update(incident.id, { state: 'pending', error: `${step}: ${code}` }).catch((stateError: unknown) => {
        this.logger.error({ err: stateError, incident: reference }, 'could not record the Slack state');
      });
      if (notify) {
        const retry = code === 'ratelimited' ? '' : ' Ballast retries the Slack side in the background.';
        await this.gateway.tellUser(notify, `${describeSlackFailure(code, step)}${retry}`);
      }
      return false;
    }
  }

  /** Runs a step whose permanent failure (bot not in the team channel, missing scope) must not hold the rest back. */
  private async unlessPermanent(step: string, problems: StepProblem[], action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof SlackCallError && !error.retryable) {
        problems.push({ step, code: error.code });
        return;
      }
      throw error;
    }
  }

  /**
   * Creates the channel, or adopts the one an earlier attempt created when its
   * answer never arrived or was never saved (Ballast stopped in between, or
   * the connection dropped after Slack created it: the retry then gets
   * `name_taken` for its own channel). Each name is recorded on the incident
   * before it is tried, so a retry tries that name first even when the title
   * changed since.
   */
  private async createIncidentChannel(incident: IncidentEntity): Promise<{ id: string; name: string }> {
    const base = incidentChannelName(incident.number, incident.title);
    const names = [
      ...new Set([
        ...(incident.slackChannelName ? [incident.slackChannelName] : []),
        ...Array.from({ length: MAX_CHANNEL_NAME_ATTEMPTS }, (_unused, i) => channelNameWithSuffix(base, i + 1)),
      ]),
    ];
    for (const name of names) {
      if (name !== incident.slackChannelName) await this.slackState.update(incident.id, { slackChannelName: name });
      try {
        return await this.gateway.createChannel(name, incident.visibility === 'private');
      } catch (error) {
        if (!(error instanceof SlackCallError && error.code === 'name_taken')) throw error;
        const own = await this.ownChannelNamed(incident, name);
        if (own) return own;
      }
    }
    throw new SlackCallError('conversations.create', 'name_taken', false);
  }

  /**
   * The taken channel `name` when it is this incident's own: created by the
   * bot, not archived, as private as the incident asks for now, and no other
   * incident's channel. Names carry the incident number, so a channel the bot
   * created under this incident's name can only come from an earlier attempt
   * for this incident.
   */
  private async ownChannelNamed(incident: IncidentEntity, name: string): Promise<{ id: string; name: string } | null> {
    if (!this.gateway.identity) await this.gateway.refreshHealth();
    const botUserId = this.gateway.identity?.botUserId;
    if (!botUserId) return null;
    let channel: Awaited<ReturnType<SlackGateway['findChannelByName']>>;
    try {
      channel = await this.gateway.findChannelByName(name);
    } catch (error) {
      // Without channels:read / groups:read the lookup cannot tell: carry on with the next name, as before. Transient failures retry later.
      if (!(error instanceof SlackCallError) || error.retryable) throw error;
      this.logger.warn(
        { incident: formatIncidentReference(incident.number), slackError: error.code },
        `could not check whether #${name} is the incident's own channel`,
      );
      return null;
    }
    if (!channel || channel.creator !== botUserId) return null;
    // Only the channel this attempt would create: a public one left over from before the incident turned private would show it to the workspace.
    if (channel.isPrivate !== (incident.visibility === 'private')) return null;
    const owner = await this.slackState.findByChannel(channel.id);
    if (owner && owner.id !== incident.id) return null;
    this.logger.log(
      { incident: formatIncidentReference(incident.number), channelId: channel.id },
      `adopted #${name}, created by an earlier attempt whose answer was lost`,
    );
    return { id: channel.id, name };
  }
}
