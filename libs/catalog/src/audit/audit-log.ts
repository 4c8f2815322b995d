import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource, Repository } from 'typeorm';
import { Clock, Page, PageRequest } from '@app/platform';
import type { Principal } from '../access';
import { AuditRecordEntity } from './audit-record.entity';

export type AuditChannel = 'api' | 'slack' | 'webhook' | 'system';

/** Who did it: a token (admin or team), a Slack user, or Ballast itself. */
export type AuditActor =
  | { kind: 'principal'; principal: Principal }
  | { kind: 'slack_user'; slackUserId: string; slackTeamId?: string | null }
  | { kind: 'system'; component: string };

export interface AuditEntry {
  channel: AuditChannel;
  actor: AuditActor;
  /** What was done, e.g. `PATCH /api/v1/incidents/:id` or `deploy_gate.override`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  /** Names of the fields the write set (never their values: they may hold secrets). */
  changedFields?: readonly string[];
  /** HTTP status of the answer, when there is one. */
  outcome?: number | null;
  /** Small, non-secret facts (e.g. the override reason of a deploy gate). */
  details?: { [key: string]: string | number | boolean | null } | null;
}

export interface AuditQuery {
  from?: Date;
  to?: Date;
  /** a token id, a team slug or a Slack user id */
  actor?: string;
  targetType?: string;
  targetId?: string;
}

/**
 * The audit trail. Writes through /api/v1 and /webhooks are recorded by the
 * API app's global interceptor; Slack commands and actions by the Slack
 * listener; anything else that needs a record (a deploy-gate override, say)
 * calls `record` itself. Records are only ever inserted.
 */
@Injectable()
export class AuditLog implements OnModuleDestroy {
  private readonly logger = new Logger(AuditLog.name);
  /**
   * Audit inserts use a small pool of their own, so that a burst of writes
   * (each followed by its audit record) never makes the requests themselves
   * wait longer for a connection of the main pool.
   */
  private pool: Pool | undefined;

  constructor(
    @InjectRepository(AuditRecordEntity) private readonly records: Repository<AuditRecordEntity>,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async record(entry: AuditEntry): Promise<void> {
    const actor = entry.actor;
    const row = this.records.create({
      occurredAt: this.clock.now(),
      channel: entry.channel,
      actorKind: actor.kind === 'principal' ? actor.principal.kind : actor.kind,
      actorTokenId: actor.kind === 'principal' ? actor.principal.tokenId : null,
      actorTeam: actor.kind === 'principal' && actor.principal.kind === 'team' ? actor.principal.teamSlug : null,
      actorSlackUser: actor.kind === 'slack_user' ? actor.slackUserId : actor.kind === 'system' ? `system:${actor.component}`.slice(0, 64) : null,
      action: entry.action.slice(0, 200),
      targetType: entry.targetType?.slice(0, 64) ?? null,
      targetId: entry.targetId?.slice(0, 200) ?? null,
      requestId: entry.requestId?.slice(0, 100) ?? null,
      changedFields: [...(entry.changedFields ?? [])],
      outcome: entry.outcome ?? null,
      details: entry.details ?? null,
    });
    await this.auditPool().query(
      `INSERT INTO audit_log (occurred_at, channel, actor_kind, actor_token_id, actor_team, actor_slack_user, action, target_type, target_id, request_id, changed_fields, outcome, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13::jsonb)`,
      [
        row.occurredAt,
        row.channel,
        row.actorKind,
        row.actorTokenId,
        row.actorTeam,
        row.actorSlackUser,
        row.action,
        row.targetType,
        row.targetId,
        row.requestId,
        JSON.stringify(row.changedFields),
        row.outcome,
        row.details === null ? null : JSON.stringify(row.details),
      ],
    );
  }

  private auditPool(): Pool {
    if (!this.pool) {
      const url = (this.dataSource.options as { url?: string }).url;
      this.pool = new Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 2000, idleTimeoutMillis: 10000, application_name: 'ballast-audit' });
      this.pool.on('error', (error) => this.logger.warn({ err: error }, 'audit pool connection failed'));
    }
    return this.pool;
  }

  /** `record` for places where the write already happened: a failure is logged, never thrown. */
  recordQuietly(entry: AuditEntry): Promise<void> {
    return this.record(entry).catch((error: unknown) => this.logger.error({ err: error, action: entry.action }, 'could not write the audit record'));
  }

  async list(query: AuditQuery, page: PageRequest): Promise<Page<AuditRecordEntity>> {
    const builder = this.records.createQueryBuilder('record').orderBy('record.occurredAt', 'DESC').addOrderBy('record.id', 'DESC');
    if (query.from) builder.andWhere('record.occurredAt >= :from', { from: query.from });
    if (query.to) builder.andWhere('record.occurredAt < :to', { to: query.to });
    if (query.actor) {
      builder.andWhere('(CAST(record.actorTokenId AS text) = :actor OR record.actorTeam = :actor OR record.actorSlackUser = :actor)', { actor: query.actor });
    }
    if (query.targetType) builder.andWhere('record.targetType = :targetType', { targetType: query.targetType });
    if (query.targetId) builder.andWhere('record.targetId = :targetId', { targetId: query.targetId });
    const [items, total] = await builder.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
