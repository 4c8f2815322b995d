import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { formatIncidentReference, IncidentEntity, IncidentQueriesService } from '@app/incidents';
import { escapeMrkdwn } from '../slack/ui';
import { Clock, registerSkippingInterval, SkippingInterval } from '@app/platform';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { slackErrorCode, SlackGateway } from '../slack/slack-gateway';
import { postmortemReminderDue, postmortemRequirement, postmortemSatisfied } from './domain/postmortem-rules';
import { PostmortemsService } from './postmortems.service';

/** Resolved incidents older than this are no longer chased (the dashboard still lists them). */
const REMIND_FOR_DAYS = 30;

/**
 * Reminds the incident channel (or the team's) of a required postmortem until
 * it is published with at least one P0 follow-up: once per lapse of
 * POSTMORTEM_REMINDER_HOURS, and once across replicas (a compare-and-set on
 * the incident's postmortem_reminders row that only one replica wins).
 */
@Injectable()
export class PostmortemReminders implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PostmortemReminders.name);
  private interval: SkippingInterval | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly postmortems: PostmortemsService,
    private readonly followUps: FollowUpsService,
    private readonly slack: SlackGateway,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    // Only there when ScheduleModule is loaded (SCHEDULER_ENABLED). Explicit token: `X | null` has no design type under SWC.
    @Optional() @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.registry) return;
    this.interval = registerSkippingInterval(this.registry, 'postmortem-reminders', this.config.REMINDER_CHECK_INTERVAL_S, async () => {
      await this.sendDueReminders();
    });
  }

  onModuleDestroy(): void {
    this.interval?.stop();
  }

  /** Sends the reminders due now; returns how many this replica sent. */
  async sendDueReminders(): Promise<number> {
    if (!this.slack.enabled) return 0;
    const now = this.clock.now();
    const cadenceHours = this.config.POSTMORTEM_REMINDER_HOURS;
    const candidates = (await this.dataSource.query(
      `SELECT i.id, r.last_reminder_at AS "lastReminderAt"
       FROM incidents i LEFT JOIN postmortem_reminders r ON r.incident_id = i.id
       WHERE i.resolved_at IS NOT NULL AND i.resolved_at > $1 AND COALESCE(r.last_reminder_at, i.resolved_at) <= $2
       ORDER BY i.resolved_at`,
      [new Date(now.getTime() - REMIND_FOR_DAYS * 86_400_000).toISOString(), new Date(now.getTime() - cadenceHours * 3_600_000).toISOString()],
    )) as Array<{ id: string; lastReminderAt: Date | null }>;
    let sent = 0;
    for (const candidate of candidates) {
      try {
        if (await this.remindIfDue(candidate.id, candidate.lastReminderAt, now, cadenceHours)) sent += 1;
      } catch (error) {
        this.logger.error({ err: error, incident: candidate.id }, 'postmortem reminder failed');
      }
    }
    return sent;
  }

  private async remindIfDue(incidentId: string, lastReminderAt: Date | null, now: Date, cadenceHours: number): Promise<boolean> {
    const incident = await this.incidentQueries.getIncidentById(incidentId);
    if (!incident.resolvedAt || !postmortemReminderDue({ resolvedAt: incident.resolvedAt, lastReminderAt, cadenceHours, now })) return false;
    const postmortem = await this.postmortems.findForIncident(incident.id);
    const requirement = postmortem
      ? { required: postmortem.required, requiredBecause: postmortem.requiredBecause }
      : postmortemRequirement(incident.severity, await this.postmortems.budgetImpactOf(incident, now), this.config.POSTMORTEM_BUDGET_SHARE);
    if (!requirement.required) return false;
    const p0FollowUps = await this.followUps.p0Count(incident.id);
    if (postmortemSatisfied(postmortem?.status ?? null, p0FollowUps)) return false;
    const channel = await this.postmortems.channelFor(incident);
    if (!channel) return false;
    if (!(await this.claim(incident.id, lastReminderAt, now))) return false;
    try {
      await this.slack.postMessage(channel, { text: this.reminderText(incident, postmortem?.status ?? null, p0FollowUps, requirement.requiredBecause) });
    } catch (error) {
      // The lapse stays claimed: the next lapse reminds again rather than every replica retrying now.
      this.logger.warn({ incident: formatIncidentReference(incident.number), slackError: slackErrorCode(error) }, 'could not post the postmortem reminder');
      return false;
    }
    return true;
  }

  /** Compare-and-set: only the replica that moves last_reminder_at from what it read sends this lapse's reminder. */
  private async claim(incidentId: string, previous: Date | null, now: Date): Promise<boolean> {
    const rows = (
      previous === null
        ? await this.dataSource.query(
            `INSERT INTO postmortem_reminders (incident_id, last_reminder_at) VALUES ($1, $2) ON CONFLICT (incident_id) DO NOTHING RETURNING incident_id`,
            [incidentId, now],
          )
        : await this.dataSource.query(
            `UPDATE postmortem_reminders SET last_reminder_at = $3, reminders = reminders + 1 WHERE incident_id = $1 AND last_reminder_at = $2 RETURNING incident_id`,
            [incidentId, previous, now],
          )
    ) as unknown[];
    // UPDATE ... RETURNING answers [rows, count] through the pg driver in TypeORM.
    const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return returned.length === 1;
  }

  private reminderText(incident: IncidentEntity, status: string | null, p0FollowUps: number, requiredBecause: string | null): string {
    const reference = formatIncidentReference(incident.number);
    const link = this.postmortems.dashboardLink(incident.id);
    const where = /^https?:\/\//.test(link) ? `<${link}|the postmortem>` : `${link} in Ballast`;
    const missing = [
      status === 'published' ? null : status === null ? 'a postmortem (none started yet)' : `publishing the postmortem (now ${status.replace('_', ' ')})`,
      p0FollowUps > 0 ? null : 'at least one P0 follow-up',
    ].filter(Boolean);
    return `:memo: Reminder: ${reference} ${escapeMrkdwn(incident.title)} still needs ${missing.join(' and ')}. ${requiredBecause ? escapeMrkdwn(requiredBecause) : ''} See ${where}.`.replace(
      /\s+\./g,
      '.',
    );
  }
}
