import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Raw, Repository } from 'typeorm';
import { IncidentEntity } from '@app/incidents';

/** Where the Slack side of an incident stands; `pending` is retried later. */
export type SlackSyncState = IncidentEntity['slackSyncState'];

/** The Slack columns of an incident that Slack code sets: its channel and headline messages. */
export type SlackIncidentColumns = Partial<Pick<IncidentEntity, 'slackChannelId' | 'slackChannelName' | 'slackHeadlineTs' | 'slackTeamMessageTs'>>;

export type SlackStateChange = SlackIncidentColumns & { state?: SlackSyncState; error?: string | null };

const RELATIONS = { team: true, services: { service: { team: true } }, affectedComponents: true } as const;

/**
 * The Slack state of an incident: its channel, headline messages, sync state
 * and reminder claims. These columns live on the `incidents` row (one row per
 * incident, read with it by the presenters), but only this repository writes
 * or queries them; @app/incidents knows nothing about Slack.
 */
@Injectable()
export class SlackIncidentRepository {
  constructor(@InjectRepository(IncidentEntity) private readonly incidents: Repository<IncidentEntity>) {}

  /** Slack bookkeeping: channel, headline messages and the state of the Slack side. */
  async update(id: string, changes: SlackStateChange): Promise<void> {
    const { state, error, ...columns } = changes;
    await this.incidents.update(
      { id },
      { ...columns, ...(state !== undefined ? { slackSyncState: state } : {}), ...(error !== undefined ? { slackSyncError: error } : {}) },
    );
  }

  /**
   * Incidents whose Slack side is owed. `idleForSeconds` skips rows touched
   * more recently than that (by the database's clock), so a retry job does not
   * race the first attempt that is still running.
   */
  async needingSync(limit: number, options: { idleForSeconds?: number } = {}): Promise<IncidentEntity[]> {
    const idle = options.idleForSeconds ?? 0;
    return this.incidents.find({
      where: {
        slackSyncState: 'pending',
        ...(idle > 0 ? { updatedAt: Raw((column) => `${column} <= now() - make_interval(secs => :idle)`, { idle }) } : {}),
      },
      relations: RELATIONS,
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /** The incident whose Slack channel this is, if any. */
  async findByChannel(channelId: string): Promise<IncidentEntity | null> {
    return this.incidents.findOne({ where: { slackChannelId: channelId }, relations: RELATIONS });
  }

  /**
   * Claims the right to send one reminder: an atomic compare-and-set on
   * last_reminder_at, so exactly one replica sends it.
   */
  async claimReminder(id: string, previousReminderAt: Date | null, now: Date): Promise<boolean> {
    const query = this.incidents
      .createQueryBuilder()
      .update(IncidentEntity)
      .set({ lastReminderAt: now })
      .where('id = :id', { id })
      .andWhere('resolved_at IS NULL');
    if (previousReminderAt) query.andWhere('last_reminder_at = :previous', { previous: previousReminderAt });
    else query.andWhere('last_reminder_at IS NULL');
    const result = await query.execute();
    return (result.affected ?? 0) === 1;
  }
}
