import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { TeamEntity } from '@app/catalog';
import { type DeliveryInsights, DeliveryInsightsService, type IncidentInsights, InsightsService } from '@app/incidents';
import { type SlackBlock } from '../slack/ui';
import { Clock, registerSkippingInterval, type SkippingInterval } from '@app/platform';
import { SloReadModel } from '@app/slo';
import { TeamNotifier } from '../notifications/team-notifier';
import { DigestDay, latestDigestSlot, renderWeeklyDigest } from './weekly-digest';
import { TeamDigestEntity } from './team-digest.entity';
import { DigestFollowUpsProvider } from './digest-follow-ups.provider';
import { buildWeeklyDigestBlocks } from './weekly-digest-blocks';

const DIGEST_JOB = 'weekly-digest';

/** A digest not delivered is claimed again (by whichever replica checks first) once its last claim is this old. */
export const DIGEST_RETRY_AFTER_MS = 15 * 60_000;
/** Sends tried per team and week before giving up (the claim is the first). */
export const DIGEST_MAX_ATTEMPTS = 6;

/**
 * A slot's digest row that may be sent again now: not delivered, not
 * undeliverable, tries left, last claimed long enough ago. $2 is
 * DIGEST_MAX_ATTEMPTS, $3 the latest last claim that may be retried.
 */
const RETRYABLE = `(NOT delivered AND failure IS DISTINCT FROM 'undeliverable' AND attempts < $2 AND last_attempt_at <= $3)`;

/** A digest as stored with its claim: the text, and the Block Kit blocks (null for rows stored before blocks existed). */
interface StoredDigest {
  body: string;
  blocks: unknown[] | null;
}

export interface DigestRunResult {
  scheduledAt: Date;
  /** Teams whose digest this run delivered. */
  sent: string[];
  /** Teams whose digest was delivered, is being sent by another replica, or was given up on: nothing to do here. */
  alreadySent: string[];
  /** Teams whose digest this run could not deliver (Slack erred); a later check tries again. */
  failed: string[];
  /** Teams whose digest has nowhere to go (Slack off, no channel); not tried again. */
  undeliverable: string[];
}

/**
 * Posts each team's weekly digest to its Slack channel. The slot is claimed
 * with an INSERT .. ON CONFLICT DO NOTHING on (team, slot) before sending, so
 * several replicas checking at the same time send it once. A send that fails
 * (Slack down or erring) is not lost: a later check claims the stored digest
 * again, once the last claim is DIGEST_RETRY_AFTER_MS old (longer than a send
 * with the gateway's retries can take, so a replica still sending is not
 * raced), up to DIGEST_MAX_ATTEMPTS sends, while the digest is at most a day
 * late. A send whose answer is lost after Slack posted it can post twice:
 * chat.postMessage has no idempotency key, and a digest seen twice beats one
 * never seen.
 */
@Injectable()
export class WeeklyDigestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WeeklyDigestService.name);
  private interval: SkippingInterval | null = null;

  constructor(
    @InjectRepository(TeamDigestEntity) private readonly digests: Repository<TeamDigestEntity>,
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
    private readonly insights: InsightsService,
    private readonly delivery: DeliveryInsightsService,
    private readonly followUps: DigestFollowUpsProvider,
    private readonly slos: SloReadModel,
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
    const result: DigestRunResult = { scheduledAt, sent: [], alreadySent: [], failed: [], undeliverable: [] };
    // A digest more than a day late (replicas were down) is stale news: skip that week.
    if (this.clock.now().getTime() - scheduledAt.getTime() > 86_400_000) return result;
    const teams = await this.teams.find({ order: { slug: 'ASC' } });
    if (teams.length === 0) return result;
    const now = this.clock.now();
    const retry = [scheduledAt, DIGEST_MAX_ATTEMPTS, new Date(now.getTime() - DIGEST_RETRY_AFTER_MS)];
    // Which teams already have this slot's digest, and whether it may be sent again now (one query, before any work per team).
    const started: Array<{ team_id: string; retryable: boolean }> = await this.digests.query(
      `SELECT team_id, (${RETRYABLE}) AS retryable FROM team_digests WHERE scheduled_at = $1`,
      retry,
    );
    const retryable = new Map(started.map((row) => [row.team_id, row.retryable]));
    const due = teams.filter((team) => retryable.get(team.id) !== false);
    result.alreadySent.push(...teams.filter((team) => retryable.get(team.id) === false).map((team) => team.slug));
    if (due.length === 0) return result;
    // Only a first send renders (and reads the week's insights, once): a retry sends the body stored with the first claim.
    let insights: IncidentInsights | null = null;
    let delivery: DeliveryInsights | null = null;
    for (const team of due) {
      let digest: StoredDigest | null;
      if (retryable.has(team.id)) digest = await this.claimAgain(team.id, retry, now);
      else {
        insights ??= await this.insights.incidentInsights(period);
        delivery ??= await this.delivery.deliveryInsights(period);
        digest = await this.claimFirst(team.id, scheduledAt, await this.render(team, insights, delivery, now, period), now);
      }
      if (digest === null) {
        result.alreadySent.push(team.slug);
        continue;
      }
      const outcome = await this.notifier.notifyTeam(
        { id: team.id, slug: team.slug },
        digest.body,
        digest.blocks ? { blocks: digest.blocks as SlackBlock[] } : {},
      );
      await this.digests.update({ teamId: team.id, scheduledAt }, { delivered: outcome === 'delivered', failure: outcome === 'delivered' ? null : outcome });
      if (outcome === 'delivered') result.sent.push(team.slug);
      else if (outcome === 'failed') result.failed.push(team.slug);
      else result.undeliverable.push(team.slug);
      if (outcome === 'failed')
        this.logger.warn(
          { team: team.slug },
          `weekly digest not delivered; tried again at a check from ${new Date(now.getTime() + DIGEST_RETRY_AFTER_MS).toISOString()}`,
        );
    }
    result.alreadySent.sort();
    return result;
  }

  /** The digest's text (the notification fallback) and its Block Kit message. */
  private async render(
    team: TeamEntity,
    insights: IncidentInsights,
    delivery: DeliveryInsights,
    now: Date,
    period: { from: Date; to: Date },
  ): Promise<StoredDigest> {
    const slos = await this.slos.leastBudget({ team: team.slug, limit: 5 });
    const atRisk = slos
      .filter((slo) => slo.errorBudgetRemaining !== null && slo.errorBudgetRemaining < 0.5)
      .map((slo) => ({ name: slo.name, service: slo.service, state: slo.state ?? 'ok', errorBudgetRemaining: slo.errorBudgetRemaining }));
    const base = this.config.PUBLIC_API_URL?.replace(/\/+$/, '');
    const blocks = buildWeeklyDigestBlocks({
      team: team.slug,
      insights,
      slosAtRisk: atRisk,
      delivery: delivery.byTeam.find((row) => row.team === team.slug) ?? null,
      followUpsOverdue: await this.followUps.overdueFollowUps({ id: team.id, slug: team.slug }, now),
      postmortems: await this.followUps.postmortemFigures({ id: team.id, slug: team.slug }, period),
      dashboardUrl: base ? `${base}/dashboard/teams/${team.slug}` : null,
    });
    return { body: renderWeeklyDigest(team.slug, insights, atRisk), blocks };
  }

  /**
   * The first claim of the team's digest for the slot: the body, or null when
   * another replica claimed it first. RETURNING tells whether this replica's
   * row went in; TypeORM's identifiers would echo the values either way.
   */
  private async claimFirst(teamId: string, scheduledAt: Date, digest: StoredDigest, now: Date): Promise<StoredDigest | null> {
    const inserted: StoredDigest[] = await this.digests.query(
      `INSERT INTO team_digests (team_id, scheduled_at, body, blocks, delivered, attempts, last_attempt_at) VALUES ($1, $2, $3, $5::jsonb, false, 1, $4) ON CONFLICT DO NOTHING RETURNING body, blocks`,
      [teamId, scheduledAt, digest.body, now, digest.blocks ? JSON.stringify(digest.blocks) : null],
    );
    return inserted[0] ?? null;
  }

  /**
   * Another try of an undelivered digest: the body stored with the first
   * claim (the same text on every try), or null when another replica claimed
   * it meanwhile. `retry` is [slot, DIGEST_MAX_ATTEMPTS, the latest last claim
   * that may be retried], the parameters of {@link RETRYABLE}.
   */
  private async claimAgain(teamId: string, retry: readonly unknown[], now: Date): Promise<StoredDigest | null> {
    const reclaimed: StoredDigest[] = await this.digests.query(
      // As a CTE: TypeORM answers a bare UPDATE with [rows, count], a SELECT with its rows.
      `WITH reclaimed AS (
         UPDATE team_digests SET attempts = attempts + 1, last_attempt_at = $5, failure = NULL
          WHERE scheduled_at = $1 AND team_id = $4 AND ${RETRYABLE}
          RETURNING body, blocks)
       SELECT body, blocks FROM reclaimed`,
      [...retry, teamId, now],
    );
    return reclaimed[0] ?? null;
  }
}
