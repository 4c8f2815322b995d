import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { formatIncidentReference, INCIDENT_CHANGED, IncidentChangedEvent, IncidentEntity } from '@app/incidents';
import { Clock } from '@app/platform';
import { formatDuration } from '../common/format-duration';
import { SlackBackgroundWork } from './slack-background-work';
import { slackErrorCode, SlackGateway } from './slack-gateway';
import { addFollowUpButtonBlock } from './ui/slack-follow-up-modal';

/**
 * Extension point for what the resolution message links to (e.g. the
 * postmortem draft): listeners of this event (registered with
 * `@OnEvent(INCIDENT_RESOLUTION_LINKS)`) return a Slack mrkdwn line, or
 * null, for the resolved incident; every line returned is added to the message.
 */
export const INCIDENT_RESOLUTION_LINKS = 'slack.incident_resolution_links';

export interface IncidentResolutionLinksEvent {
  readonly incident: IncidentEntity;
}

/** Duration, MTTA and MTTR of a resolved incident as Slack mrkdwn (pure). */
export function resolutionSummaryText(
  incident: Pick<IncidentEntity, 'number' | 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'resolvedAt'> & {
    readonly acknowledgedVia?: IncidentEntity['acknowledgedVia'];
  },
  archiveAfterHours: number,
  links: readonly string[],
): string {
  const seconds = (from: Date | null, to: Date | null) => (from && to ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : null);
  const duration = formatDuration(seconds(incident.startedAt, incident.resolvedAt));
  const mtta =
    incident.acknowledgedVia === 'self_declared' && incident.acknowledgedAt
      ? 'self-declared (acknowledged by declaring it)'
      : formatDuration(seconds(incident.detectedAt, incident.acknowledgedAt), 'not acknowledged');
  const mttr = formatDuration(seconds(incident.startedAt, incident.resolvedAt));
  const lines = [
    `:white_check_mark: *${formatIncidentReference(incident.number)} resolved* after ${duration}.`,
    `Time to acknowledge (MTTA): ${mtta} · time to resolve (MTTR): ${mttr}`,
    ...links,
    archiveAfterHours > 0 ? `_This channel is archived in ${archiveAfterHours} h unless the incident is re-opened._` : '',
  ];
  return lines.filter((line) => line !== '').join('\n');
}

/**
 * Closing the loop when an incident resolves: the duration, MTTA and MTTR in
 * its channel, and the channel archived SLACK_ARCHIVE_AFTER_HOURS later
 * unless the incident is re-opened (a claim in PostgreSQL: archived once).
 */
@Injectable()
export class SlackResolution {
  private readonly logger = new Logger(SlackResolution.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly gateway: SlackGateway,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly work: SlackBackgroundWork,
  ) {}

  @OnEvent(INCIDENT_CHANGED)
  onIncidentChanged(event: IncidentChangedEvent): void {
    if (!this.gateway.enabled || !event.kinds.includes('status_changed')) return;
    const incident = event.incident;
    if (incident.status === 'resolved' && incident.resolvedAt)
      this.work.run(`resolution of ${formatIncidentReference(incident.number)}`, () => this.onResolved(incident));
    else this.work.run(`re-open of ${formatIncidentReference(incident.number)}`, () => this.cancelArchive(incident.id));
  }

  private async onResolved(incident: IncidentEntity): Promise<void> {
    const hours = this.config.SLACK_ARCHIVE_AFTER_HOURS;
    if (hours > 0 && incident.resolvedAt) {
      await this.dataSource.query('UPDATE incidents SET slack_archive_due_at = $2 WHERE id = $1 AND resolved_at IS NOT NULL', [
        incident.id,
        new Date(incident.resolvedAt.getTime() + hours * 3_600_000),
      ]);
    }
    if (!incident.slackChannelId) return;
    const answers = (await this.events.emitAsync(INCIDENT_RESOLUTION_LINKS, { incident } satisfies IncidentResolutionLinksEvent).catch(() => [])) as unknown[];
    const links = answers.filter((line): line is string => typeof line === 'string' && line.trim() !== '');
    const text = resolutionSummaryText(incident, hours, links);
    await this.gateway
      .postMessage(incident.slackChannelId, {
        text,
        blocks: [{ type: 'section', block_id: 'resolution', text: { type: 'mrkdwn', text } }, addFollowUpButtonBlock(incident.id)],
      })
      .catch((error: unknown) => {
        this.logger.warn({ incident: formatIncidentReference(incident.number), slackError: slackErrorCode(error) }, 'could not post the resolution summary');
      });
  }

  private async cancelArchive(incidentId: string): Promise<void> {
    await this.dataSource.query('UPDATE incidents SET slack_archive_due_at = NULL WHERE id = $1 AND resolved_at IS NULL', [incidentId]);
  }

  /** Archives the channels whose time came (each claimed by one replica); returns how many this replica archived. */
  async archiveDueChannels(): Promise<number> {
    if (!this.gateway.enabled) return 0;
    const now = this.clock.now();
    const [claimed] = (await this.dataSource.query(
      `UPDATE incidents SET slack_archived_at = $1 WHERE id IN (
         SELECT id FROM incidents WHERE slack_archive_due_at <= $1 AND slack_archived_at IS NULL AND resolved_at IS NOT NULL AND slack_channel_id IS NOT NULL LIMIT 50 FOR UPDATE SKIP LOCKED)
       RETURNING id, number, slack_channel_id`,
      [now],
    )) as [Array<{ id: string; number: number; slack_channel_id: string }>, number];
    let archived = 0;
    for (const row of claimed) {
      try {
        await this.gateway.archiveChannel(row.slack_channel_id);
        archived += 1;
      } catch (error) {
        this.logger.warn({ incident: formatIncidentReference(row.number), slackError: slackErrorCode(error) }, 'could not archive the incident channel');
        // Tried again at the next run.
        await this.dataSource.query('UPDATE incidents SET slack_archived_at = NULL WHERE id = $1', [row.id]);
      }
    }
    return archived;
  }
}
