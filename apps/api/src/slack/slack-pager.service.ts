import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  formatIncidentReference,
  INCIDENT_CHANGED,
  INCIDENT_DECLARED,
  IncidentChangedEvent,
  IncidentDeclaredEvent,
  IncidentEntity,
  IncidentsService,
  IncidentQueriesService,
  TimelineAuthor,
} from '@app/incidents';
import { TeamsService } from '@app/catalog';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock, isDatabaseUnavailable, NotFoundError } from '@app/platform';
import { handoffsBetween, oncallAt, planEscalation } from '../oncall/domain/rotation';
import { OncallStore, PageStepRow } from '../oncall/oncall.store';
import { PagerDutyAction, PagerDutyEvents } from '../oncall/pagerduty-events';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackCallError, slackErrorCode, SlackGateway, SlackReplyTarget } from './slack-gateway';
import {
  buildAcknowledgedPageMessage,
  buildChannelPageMessage,
  buildHandoffMessage,
  buildPageMessage,
  pageButtonValue,
  PageSubject,
} from './ui/slack-page-messages';

/** Attempts of one step before it is given up (recorded as page_failed); the next step still runs at its time. */
const MAX_STEP_ATTEMPTS = 6;
const RETRY_BACKOFF_SECONDS = [5, 15, 30, 60, 120];
const DUE_BATCH = 200;
/** Incidents declared this recently without a stored page are paged by the scheduler. */
const OWED_PAGE_WINDOW_MS = 60 * 60_000;
/** Attempts of a button's change when no database connection was free in time. */
const DATABASE_ATTEMPTS = 5;
const HISTORY_LOOKBACK = 50;
/** Handoffs older than this when first noticed (configuration just set, scheduler was down) are not announced. */
const HANDOFF_ANNOUNCE_WINDOW_MS = 60 * 60_000;

const SCHEDULER: TimelineAuthor = { kind: 'system', component: 'scheduler' };

export interface PageClick {
  readonly incidentId: string;
  readonly stepIndex: number;
  readonly userId: string;
  readonly userName: string | null;
  readonly reply: SlackReplyTarget;
}

function subjectOf(incident: IncidentEntity): PageSubject {
  return {
    incidentId: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    visibility: incident.visibility,
    team: incident.team?.slug ?? null,
    summary: incident.summary || null,
    source: incident.source,
    channelId: incident.slackChannelId,
  };
}

const PAGERDUTY_SEVERITY = { SEV1: 'critical', SEV2: 'error', SEV3: 'warning', SEV4: 'info' } as const;

/**
 * Paging with escalation. An incident of one of its team's paging severities
 * (from any source) starts a page: its escalation steps are stored with their
 * due times, and each step is claimed in PostgreSQL before it is sent, so it
 * goes out once across replicas and restarts. A step whose Slack call failed
 * is retried later; before trying again, the DM is searched for the page, so
 * an answer lost on the way never becomes a second page. The first
 * acknowledgement (a compare-and-set) stops the escalation.
 */
@Injectable()
export class SlackPager {
  private readonly logger = new Logger(SlackPager.name);

  constructor(
    private readonly gateway: SlackGateway,
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly store: OncallStore,
    private readonly clock: Clock,
    private readonly work: SlackBackgroundWork,
    private readonly pagerduty: PagerDutyEvents,
    private readonly teams: TeamsService,
  ) {}

  @OnEvent(INCIDENT_DECLARED)
  onIncidentDeclared(event: IncidentDeclaredEvent): void {
    this.work.run(`page for ${formatIncidentReference(event.incident.number)}`, () => this.withDatabaseRetries(() => this.startPaging(event.incident)));
  }

  /** A burst can leave no database connection free in time: tried again (every step is a claim, so this is safe). */
  private async withDatabaseRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || attempt >= DATABASE_ATTEMPTS) throw error;
        await sleep(200 * attempt);
      }
    }
  }

  @OnEvent(INCIDENT_CHANGED)
  onIncidentChanged(event: IncidentChangedEvent): void {
    const incident = event.incident;
    if (event.kinds.includes('severity_changed') && incident.resolvedAt === null) {
      this.work.run(`page for ${formatIncidentReference(incident.number)}`, () => this.startPaging(incident));
    }
    if (event.kinds.includes('status_changed') && incident.status === 'resolved') {
      this.work.run(`PagerDuty resolve ${formatIncidentReference(incident.number)}`, () => this.tellPagerDuty(incident, 'resolve'));
    }
  }

  /** Starts paging `incident` when its team pages for its severity; false when it does not (or it already is). */
  async startPaging(incident: IncidentEntity): Promise<boolean> {
    // Imported history (`announce: false`) pages nobody.
    if (incident.resolvedAt !== null || !incident.announce) return false;
    const stored = await this.store.getOncall(incident.teamId);
    if (!stored || !stored.config.pageSeverities.includes(incident.severity)) return false;
    if (!this.gateway.enabled && !stored.pagerdutyRoutingKey) return false;
    const now = this.clock.now();
    const steps = planEscalation(stored.config, now);
    if (!(await this.store.startPaging(incident.id, incident.teamId, now, steps))) return false;
    if (stored.pagerdutyRoutingKey)
      this.work.run(`PagerDuty trigger ${formatIncidentReference(incident.number)}`, () => this.tellPagerDuty(incident, 'trigger'));
    if (!this.gateway.enabled) return true;
    // The steps due at once (usually the first) go out now, without a round trip to find them.
    const context = { stepCount: steps.length, startedAt: now, incident };
    await Promise.all(
      steps
        .filter((step) => step.dueAt.getTime() <= now.getTime())
        .map((step) =>
          this.sendStep(incident.id, step.stepIndex, context).catch((error: unknown) =>
            this.failedUnexpectedly({ incidentId: incident.id, stepIndex: step.stepIndex }, error),
          ),
        ),
    );
    return true;
  }

  /** Sends every step due now (one incident's, or all); returns how many this replica sent. */
  async runDueSteps(incidentId?: string): Promise<number> {
    if (!this.gateway.enabled) return 0;
    if (incidentId === undefined) await this.startOwedPages();
    const now = this.clock.now();
    const due = await this.store.dueSteps(now, DUE_BATCH, incidentId);
    const sent = await Promise.all(
      due.map((step) => this.sendStep(step.incidentId, step.stepIndex).catch((error: unknown) => this.failedUnexpectedly(step, error))),
    );
    if (incidentId === undefined) await this.deliverOwedInvites();
    return sent.filter(Boolean).length;
  }

  /** Pages that should have started but did not get stored (see OncallStore.incidentsOwedAPage). */
  private async startOwedPages(): Promise<void> {
    const since = new Date(this.clock.now().getTime() - OWED_PAGE_WINDOW_MS);
    for (const incidentId of await this.store.incidentsOwedAPage(since, DUE_BATCH)) {
      await this.incidentQueries
        .getIncidentById(incidentId)
        .then((incident) => this.startPaging(incident))
        .catch((error: unknown) => this.logger.error({ err: error, incidentId }, 'could not start an owed page'));
    }
  }

  private failedUnexpectedly(step: { incidentId: string; stepIndex: number }, error: unknown): false {
    this.logger.error({ err: error, incidentId: step.incidentId, step: step.stepIndex }, 'page step failed');
    return false;
  }

  private async sendStep(incidentId: string, stepIndex: number, known?: { stepCount: number; startedAt: Date; incident: IncidentEntity }): Promise<boolean> {
    const now = this.clock.now();
    const step = await this.store.claimStep(incidentId, stepIndex, now);
    if (!step) return false;
    const incident = known?.incident ?? (await this.incidentQueries.getIncidentById(incidentId));
    const subject = subjectOf(incident);
    const stepCount = known?.stepCount ?? (await this.store.steps(incidentId)).length;
    const afterMinutes = Math.max(0, (step.dueAt.getTime() - (known?.startedAt ?? (await this.pagingStart(incidentId, now))).getTime()) / 60_000);
    const value = pageButtonValue(incidentId, stepIndex);
    try {
      let channelId: string;
      let ts: string;
      if (step.notify === 'channel') {
        const teamChannel = incident.team?.slackChannelId;
        if (!teamChannel) return this.giveUp(step, 'the team has no Slack channel');
        channelId = teamChannel;
        ts =
          (step.attempts > 1 ? await this.findPage(channelId, value) : null) ??
          (await this.gateway.postMessageOnce(channelId, buildChannelPageMessage(subject, { stepIndex, afterMinutes })));
      } else {
        if (!step.userId) return this.giveUp(step, 'nobody is on call');
        channelId = step.dmChannelId ?? (await this.gateway.openDirectMessage(step.userId));
        if (!step.dmChannelId) await this.store.recordDm(incidentId, stepIndex, channelId);
        ts =
          (step.attempts > 1 ? await this.findPage(channelId, value) : null) ??
          (await this.gateway.postMessageOnce(channelId, buildPageMessage(subject, { stepIndex, stepCount, afterMinutes })));
      }
      await this.store.markSent(incidentId, stepIndex, ts, this.clock.now());
      await this.incidents.recordEvent(incidentId, 'paged', { step: stepIndex, notify: step.notify, slackUserId: step.userId, channelId }, SCHEDULER, {
        sourceRef: `page:${incidentId}:${stepIndex}`,
      });
      if (step.userId && incident.slackChannelId) await this.invite(incidentId, stepIndex, incident.slackChannelId, step.userId);
      return true;
    } catch (error) {
      const code = slackErrorCode(error);
      const permanent = error instanceof SlackCallError && !error.retryable;
      if (permanent || step.attempts >= MAX_STEP_ATTEMPTS) return this.giveUp(step, code);
      const backoff = RETRY_BACKOFF_SECONDS[Math.min(step.attempts - 1, RETRY_BACKOFF_SECONDS.length - 1)];
      this.logger.warn(
        { incident: formatIncidentReference(incident.number), step: stepIndex, slackError: code },
        `page not delivered; retrying in ${backoff}s`,
      );
      await this.store.markRetry(incidentId, stepIndex, new Date(this.clock.now().getTime() + backoff * 1000), code);
      return false;
    }
  }

  private async pagingStart(incidentId: string, fallback: Date): Promise<Date> {
    return (await this.store.getPaging(incidentId))?.startedAt ?? fallback;
  }

  private async giveUp(step: PageStepRow, error: string): Promise<false> {
    await this.store.markFailed(step.incidentId, step.stepIndex, error);
    await this.incidents.recordEvent(
      step.incidentId,
      'page_failed',
      { step: step.stepIndex, notify: step.notify, slackUserId: step.userId, error },
      SCHEDULER,
      { sourceRef: `page_failed:${step.incidentId}:${step.stepIndex}` },
    );
    return false;
  }

  /** The page already in a channel (a post whose answer was lost), by its buttons' block id. */
  private async findPage(channelId: string, value: string): Promise<string | null> {
    const marker = `"block_id":"page:${value}"`;
    const messages = await this.gateway.recentMessages(channelId, HISTORY_LOOKBACK);
    return messages.find((message) => JSON.stringify(message.blocks).includes(marker))?.ts ?? null;
  }

  private async invite(incidentId: string, stepIndex: number, channelId: string, userId: string): Promise<void> {
    try {
      await this.gateway.inviteToChannel(channelId, [userId]);
      await this.store.markInvited(incidentId, stepIndex);
    } catch (error) {
      // Not fatal to the page: invites owed are tried again with the next run.
      this.logger.warn({ incidentId, slackError: slackErrorCode(error) }, 'could not invite the paged person to the incident channel');
      if (error instanceof SlackCallError && !error.retryable) await this.store.markInvited(incidentId, stepIndex);
    }
  }

  /** Paged people whose incident channel did not exist yet when they were paged. */
  async deliverOwedInvites(): Promise<void> {
    for (const owed of await this.store.invitesOwed(DUE_BATCH)) await this.invite(owed.incidentId, owed.stepIndex, owed.channelId, owed.userId);
  }

  /** The Acknowledge button (of a page or a headline): once, whoever is first; escalation stops. */
  async acknowledge(click: PageClick): Promise<void> {
    // A press must not be lost to a moment without a free database connection (a burst of presses): tried again, and
    // safe to try again, since the acknowledgement is a compare-and-set.
    return this.withDatabaseRetries(() => this.acknowledgeOnce(click));
  }

  private async acknowledgeOnce(click: PageClick): Promise<void> {
    const incident = await this.findIncident(click);
    if (!incident) return;
    const outcome = await this.acknowledgeByPerson(incident, click.userId, click.userName, 'slack_button');
    if (!outcome.won)
      await this.gateway.tellUser(
        click.reply,
        `${formatIncidentReference(incident.number)} was already acknowledged${outcome.by ? ` by <@${outcome.by}>` : ''}.`,
      );
  }

  /**
   * A person acknowledges `incident` (button or `/incident ack`): the first
   * one wins (a compare-and-set), sets acknowledgedAt when still unset, stops
   * the escalation, marks the sent pages and tells PagerDuty.
   */
  async acknowledgeByPerson(incident: IncidentEntity, userId: string, userName: string | null, via: string): Promise<{ won: boolean; by: string | null }> {
    const won = await this.store.claimAcknowledgement(incident.id, incident.teamId, userId, this.clock.now());
    if (!won) return { won: false, by: (await this.store.getPaging(incident.id))?.acknowledgedBy ?? null };
    const author: TimelineAuthor = { kind: 'slack_user', slackUserId: userId, ...(userName ? { name: userName } : {}) };
    await this.incidents.acknowledgeIncident(incident.id, author, via);
    if (incident.slackChannelId && this.gateway.enabled) await this.gateway.inviteToChannel(incident.slackChannelId, [userId]).catch(() => undefined);
    const acknowledged = buildAcknowledgedPageMessage(subjectOf(incident), userId);
    for (const message of await this.store.sentMessages(incident.id)) {
      await this.gateway.updateMessage(message.channelId, message.ts, acknowledged).catch((error: unknown) => {
        this.logger.warn({ incidentId: incident.id, slackError: slackErrorCode(error) }, 'could not mark a page acknowledged');
      });
    }
    await this.tellPagerDuty(incident, 'acknowledge');
    return { won: true, by: userId };
  }

  /** The Escalate button: the step after the page's own runs now (a double click still escalates one step). */
  async escalate(click: PageClick): Promise<void> {
    const incident = await this.findIncident(click);
    if (!incident) return;
    const paging = await this.store.getPaging(incident.id);
    if (paging?.acknowledgedAt) {
      await this.gateway.tellUser(
        click.reply,
        `${formatIncidentReference(incident.number)} is already acknowledged by <@${paging.acknowledgedBy}>: nothing to escalate.`,
      );
      return;
    }
    const next = await this.store.bringForward(incident.id, click.stepIndex, this.clock.now());
    if (next === null) {
      await this.gateway.tellUser(click.reply, `${formatIncidentReference(incident.number)}: there is no further escalation step (or it already ran).`);
      return;
    }
    await this.incidents.recordEvent(
      incident.id,
      'escalated',
      { toStep: next, by: click.userId },
      { kind: 'slack_user', slackUserId: click.userId },
      { sourceRef: `escalate:${incident.id}:${next}` },
    );
    await this.runDueSteps(incident.id);
  }

  private async findIncident(click: PageClick): Promise<IncidentEntity | null> {
    let incident: IncidentEntity;
    try {
      incident = await this.incidentQueries.getIncidentById(click.incidentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        await this.gateway.tellUser(click.reply, 'That incident no longer exists; nothing was changed.');
        return null;
      }
      throw error;
    }
    if (incident.resolvedAt !== null) {
      await this.gateway.tellUser(click.reply, `${formatIncidentReference(incident.number)} is already resolved; nothing was changed.`);
      return null;
    }
    return incident;
  }

  private async tellPagerDuty(incident: IncidentEntity, action: PagerDutyAction): Promise<void> {
    const stored = await this.store.getOncall(incident.teamId);
    if (!stored?.pagerdutyRoutingKey) return;
    if (action !== 'trigger' && !(await this.store.getPaging(incident.id))) return;
    const reference = formatIncidentReference(incident.number);
    const summary =
      incident.visibility === 'private' ? `${reference} (private incident, ${incident.severity})` : `${reference} [${incident.severity}] ${incident.title}`;
    const result = await this.pagerduty.send(stored.pagerdutyRoutingKey, action, incident.id, {
      summary,
      severity: PAGERDUTY_SEVERITY[incident.severity],
      source: `ballast/${incident.team?.slug ?? 'team'}`,
      customDetails: { incident: reference, source: incident.source },
    });
    await this.incidents.recordEvent(
      incident.id,
      'pagerduty',
      { action, outcome: `${result.outcome} (${result.detail}, ${result.attempts} attempt${result.attempts === 1 ? '' : 's'})` },
      SCHEDULER,
      { sourceRef: `pagerduty:${action}:${incident.id}` },
    );
  }

  /** Posts the handoff message of every team whose on-call changed since the last run: once per handoff across replicas. */
  async postDueHandoffs(): Promise<number> {
    if (!this.gateway.enabled) return 0;
    const now = this.clock.now();
    let posted = 0;
    for (const stored of await this.store.listOncall()) {
      const since = new Date(Math.max(stored.configuredAt.getTime(), now.getTime() - HANDOFF_ANNOUNCE_WINDOW_MS));
      const handoffs = handoffsBetween(stored.config, since, now);
      const latest = handoffs[handoffs.length - 1];
      if (!latest) continue;
      const team = await this.teamChannel(stored.teamId);
      if (!team?.channelId) continue;
      if (!(await this.store.claimHandoff(stored.teamId, latest.at, latest.from, latest.to))) continue;
      try {
        await this.gateway.postMessage(team.channelId, buildHandoffMessage(team.slug, latest.from, latest.to, oncallAt(stored.config, latest.at).shiftEndsAt));
        await this.store.markHandoff(stored.teamId, latest.at, { postedAt: this.clock.now() });
        posted += 1;
      } catch (error) {
        await this.store.markHandoff(stored.teamId, latest.at, { error: slackErrorCode(error) });
        this.logger.warn({ team: team.slug, slackError: slackErrorCode(error) }, 'could not post the on-call handoff');
      }
    }
    return posted;
  }

  private async teamChannel(teamId: string): Promise<{ slug: string; channelId: string | null } | null> {
    const team = await this.teams.getTeamById(teamId).catch(() => null);
    return team ? { slug: team.slug, channelId: team.slackChannelId } : null;
  }
}
