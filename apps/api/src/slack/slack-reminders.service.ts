import { Injectable, Logger } from '@nestjs/common';
import { SlackIncidentRepository } from './state/slack-incident.repository';
import { AppConfig } from '@app/config';
import {
  formatIncidentReference,
  IncidentEntity,
  IncidentsService,
  IncidentQueriesService,
  ReminderCadence,
  reminderDue,
  ReminderSubject,
  resolveReminderCadence,
  silentForMinutes,
} from '@app/incidents';
import { buildReminderMessage } from './ui';
import { Clock } from '@app/platform';
import { slackErrorCode, SlackGateway } from './slack-gateway';
import { personRefOf } from './ui/slack-replies';

/** REMINDER_SEVn_MIN, where 0 means "never remind". */
export function reminderCadenceOf(config: AppConfig): ReminderCadence {
  const minutes = (value: number): number | null => (value > 0 ? value : null);
  return resolveReminderCadence({
    SEV1: minutes(config.REMINDER_SEV1_MIN),
    SEV2: minutes(config.REMINDER_SEV2_MIN),
    SEV3: minutes(config.REMINDER_SEV3_MIN),
    SEV4: minutes(config.REMINDER_SEV4_MIN),
  });
}

/**
 * Nudges incident channels that went quiet for their severity's cadence: once
 * per lapse (reminderDue), and once across replicas (a compare-and-set of
 * last_reminder_at that only one replica wins). Each reminder sent is a
 * `reminder_sent` timeline event.
 */
@Injectable()
export class SlackReminders {
  private readonly logger = new Logger(SlackReminders.name);
  readonly cadence: ReminderCadence;

  constructor(
    private readonly gateway: SlackGateway,
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly slackState: SlackIncidentRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.cadence = reminderCadenceOf(config);
  }

  /** Sends the reminders due now; returns how many this replica sent. */
  async sendDueReminders(): Promise<number> {
    if (!this.gateway.enabled) return 0;
    const now = this.clock.now();
    let sent = 0;
    for (const incident of await this.incidentQueries.openIncidents()) {
      try {
        if (await this.remindIfDue(incident, now)) sent += 1;
      } catch (error) {
        this.logger.error({ err: error, incident: formatIncidentReference(incident.number) }, 'reminder failed');
      }
    }
    return sent;
  }

  private async remindIfDue(incident: IncidentEntity, now: Date): Promise<boolean> {
    const channelId = incident.slackChannelId;
    if (!channelId) return false;
    const subject: ReminderSubject = { status: incident.status, severity: incident.severity, declaredAt: incident.detectedAt };
    if (!reminderDue(subject, incident.lastUpdateAt, incident.lastReminderAt, now, this.cadence)) return false;
    if (!(await this.slackState.claimReminder(incident.id, incident.lastReminderAt, now))) return false;

    const silent = silentForMinutes(subject, incident.lastUpdateAt, now);
    const message = buildReminderMessage({
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      silentForMinutes: silent,
      commander: personRefOf(incident.commander),
      command: this.config.SLACK_COMMAND,
    });
    try {
      await this.gateway.postMessage(channelId, message);
    } catch (error) {
      // The lapse stays claimed: the next lapse reminds again rather than every replica retrying now.
      this.logger.warn({ incident: formatIncidentReference(incident.number), slackError: slackErrorCode(error) }, 'could not post the reminder');
      return false;
    }
    await this.incidents.recordEvent(
      incident.id,
      'reminder_sent',
      { silentForMinutes: silent, channelId },
      { kind: 'system', component: 'scheduler' },
      { occurredAt: now, sourceRef: `reminder:${now.toISOString()}` },
    );
    return true;
  }
}
