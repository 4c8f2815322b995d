import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { TeamEntity } from '@app/catalog';
import { InsightsService } from '@app/incidents';
import { Clock, registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { SloService } from '@app/slo';
import { TeamNotifier } from '../notifications/team-notifier';
import { DigestDay, latestDigestSlot, renderWeeklyDigest } from './weekly-digest';
import { TeamDigestEntity } from './team-digest.entity';

const DIGEST_JOB = 'weekly-digest';

export interface DigestRunResult {
  scheduledAt: Date;
  sent: string[];
  alreadySent: string[];
}

/**
 * Posts each team's weekly digest to its Slack channel. The slot is claimed
 * with an INSERT .. ON CONFLICT DO NOTHING on (team, slot) before sending, so
 * several replicas checking at the same time send it once.
 */
@Injectable()
export class WeeklyDigestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WeeklyDigestService.name);
  private interval: SkippingInterval | null = null;

  constructor(
    @InjectRepository(TeamDigestEntity) private readonly digests: Repository<TeamDigestEntity>,
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
    private readonly insights: InsightsService,
    private readonly slos: SloService,
    private readonly notifier: TeamNotifier,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    // Only there when ScheduleModule is loaded (SCHEDULER_ENABLED). Explicit token: `X | null` has no design type under SWC.
    @Optional() @Inject(SchedulerRegistry) private readonly registry: SchedulerRegistry | null,
  ) {}

  /** Checked every DIGEST_CHECK_INTERVAL_S (default 10 minutes) in replicas with the scheduler on. */
  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED || !this.registry) return;
    this.interval = registerSkippingInterval(this.registry, DIGEST_JOB, this.config.DIGEST_CHECK_INTERVAL_S, () => this.scheduledRun());
  }

  onModuleDestroy(): void {
    this.interval?.stop();
  }

  /** Does nothing until this week's slot has passed, then sends what is not sent yet (the interval never overlaps two runs). */
  async scheduledRun(): Promise<void> {
    try {
      await this.sendDueDigests();
    } catch (error) {
      this.logger.error({ err: error }, 'weekly digest run failed; retried at the next check');
    }
  }

  async sendDueDigests(): Promise<DigestRunResult> {
    const { scheduledAt, period } = latestDigestSlot(this.clock.now(), this.config.DIGEST_DAY as DigestDay, this.config.DIGEST_HOUR_UTC);
    const result: DigestRunResult = { scheduledAt, sent: [], alreadySent: [] };
    // A digest more than a day late (replicas were down) is stale news: skip that week.
    if (this.clock.now().getTime() - scheduledAt.getTime() > 86_400_000) return result;
    const teams = await this.teams.find({ order: { slug: 'ASC' } });
    if (teams.length === 0) return result;
    const insights = await this.insights.incidentInsights(period);
    for (const team of teams) {
      const slos = await this.slos.leastBudget({ team: team.slug, limit: 5 });
      const atRisk = slos.filter((slo) => slo.errorBudgetRemaining !== null && slo.errorBudgetRemaining < 0.5);
      const body = renderWeeklyDigest(team.slug, insights, atRisk.map((slo) => ({ name: slo.name, service: slo.service, state: slo.state ?? 'ok', errorBudgetRemaining: slo.errorBudgetRemaining })));
      // RETURNING tells whether this replica's row went in; TypeORM's identifiers would echo the values either way.
      const claimed: unknown[] = await this.digests.query(
        `INSERT INTO team_digests (team_id, scheduled_at, body, delivered) VALUES ($1, $2, $3, false) ON CONFLICT DO NOTHING RETURNING team_id`,
        [team.id, scheduledAt, body],
      );
      if (claimed.length === 0) {
        result.alreadySent.push(team.slug);
        continue;
      }
      const delivered = await this.notifier.notifyTeam({ id: team.id, slug: team.slug }, body);
      await this.digests.update({ teamId: team.id, scheduledAt }, { delivered });
      result.sent.push(team.slug);
    }
    return result;
  }
}
