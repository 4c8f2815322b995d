import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OncallConfig, parseOncallConfig, PlannedStep, presentOncallConfig } from './domain/rotation';

export interface StoredOncall {
  readonly teamId: string;
  readonly config: OncallConfig;
  readonly pagerdutyRoutingKey: string | null;
  readonly configuredAt: Date;
}

export type PageStepState = 'pending' | 'sending' | 'sent' | 'cancelled' | 'failed';

export interface PageStepRow {
  readonly incidentId: string;
  readonly stepIndex: number;
  readonly notify: string;
  readonly userId: string | null;
  readonly dueAt: Date;
  readonly state: PageStepState;
  readonly attempts: number;
  readonly dmChannelId: string | null;
  readonly messageTs: string | null;
  readonly invited: boolean;
  readonly error: string | null;
}

export interface PagingRow {
  readonly incidentId: string;
  readonly teamId: string;
  readonly startedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
}

interface RawStep {
  incident_id: string;
  step_index: number;
  notify: string;
  user_id: string | null;
  due_at: Date;
  state: PageStepState;
  attempts: number;
  dm_channel_id: string | null;
  message_ts: string | null;
  invited: boolean;
  error: string | null;
}

function stepOf(row: RawStep): PageStepRow {
  return {
    incidentId: row.incident_id,
    stepIndex: row.step_index,
    notify: row.notify,
    userId: row.user_id,
    dueAt: row.due_at,
    state: row.state,
    attempts: row.attempts,
    dmChannelId: row.dm_channel_id,
    messageTs: row.message_ts,
    invited: row.invited,
    error: row.error,
  };
}

/** A claim older than this is taken to be from a replica that stopped mid-page. */
export const STALE_CLAIM_SECONDS = 120;

/**
 * PostgreSQL side of on-call and paging. Every "exactly once" here is a
 * single conditional UPDATE or INSERT … ON CONFLICT that only one caller wins.
 */
@Injectable()
export class OncallStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async getOncall(teamId: string): Promise<StoredOncall | null> {
    // The routing key is the team's (PATCH /api/v1/teams/:slug); the on-call PUT writes it there too.
    const rows = (await this.dataSource.query(
      'SELECT o.team_id, o.config, t.pagerduty_routing_key, o.configured_at FROM team_oncall o JOIN teams t ON t.id = o.team_id WHERE o.team_id = $1',
      [teamId],
    )) as Array<{
      team_id: string;
      config: unknown;
      pagerduty_routing_key: string | null;
      configured_at: Date;
    }>;
    const row = rows[0];
    if (!row) return null;
    const parsed = parseOncallConfig(row.config);
    if (!parsed.ok) throw new Error(`stored on-call configuration of team ${teamId} is invalid: ${parsed.problem.message}`);
    return { teamId: row.team_id, config: parsed.config, pagerdutyRoutingKey: row.pagerduty_routing_key, configuredAt: row.configured_at };
  }

  async listOncall(): Promise<StoredOncall[]> {
    const rows = (await this.dataSource.query('SELECT team_id FROM team_oncall ORDER BY team_id')) as Array<{ team_id: string }>;
    const all: StoredOncall[] = [];
    for (const row of rows) {
      const stored = await this.getOncall(row.team_id);
      if (stored) all.push(stored);
    }
    return all;
  }

  async putOncall(teamId: string, config: OncallConfig, pagerdutyRoutingKey: string | null | undefined, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO team_oncall (team_id, config, pagerduty_routing_key, configured_at, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (team_id) DO UPDATE SET config = EXCLUDED.config, configured_at = EXCLUDED.configured_at, updated_at = now()
       ${pagerdutyRoutingKey === undefined ? '' : ', pagerduty_routing_key = EXCLUDED.pagerduty_routing_key'}`,
      [teamId, JSON.stringify(presentOncallConfig(config)), pagerdutyRoutingKey ?? null, now],
    );
    if (pagerdutyRoutingKey !== undefined)
      await this.dataSource.query('UPDATE teams SET pagerduty_routing_key = $2, updated_at = now() WHERE id = $1', [teamId, pagerdutyRoutingKey]);
  }

  /** Claims one handoff message; true for exactly one caller. */
  async claimHandoff(teamId: string, at: Date, from: string | null, to: string | null): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'INSERT INTO oncall_handoffs (team_id, handoff_at, from_user, to_user) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING team_id',
      [teamId, at, from, to],
    )) as unknown[];
    return rows.length === 1;
  }

  async markHandoff(teamId: string, at: Date, outcome: { postedAt: Date } | { error: string }): Promise<void> {
    await this.dataSource.query('UPDATE oncall_handoffs SET posted_at = $3, error = $4 WHERE team_id = $1 AND handoff_at = $2', [
      teamId,
      at,
      'postedAt' in outcome ? outcome.postedAt : null,
      'error' in outcome ? outcome.error : null,
    ]);
  }

  /**
   * Starts paging an incident with its planned steps (one statement); null
   * when it was already paged. The steps due at `startedAt` are stored
   * already claimed for sending (as `claimStep` would claim them: a process
   * that stops before sending them leaves a claim that goes stale and is
   * claimed again), and returned, so the first page needs no second round trip.
   */
  async startPaging(incidentId: string, teamId: string, startedAt: Date, steps: readonly PlannedStep[]): Promise<PageStepRow[] | null> {
    const rows = (await this.dataSource.query(
      `WITH paging AS (
         INSERT INTO incident_paging (incident_id, team_id, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING incident_id
       ), steps AS (
         INSERT INTO incident_page_steps (incident_id, step_index, notify, user_id, due_at, state, attempts, claimed_at)
         SELECT paging.incident_id, step.step_index, step.notify, step.user_id, step.due_at,
                CASE WHEN step.due_at <= $3 THEN 'sending' ELSE 'pending' END,
                CASE WHEN step.due_at <= $3 THEN 1 ELSE 0 END,
                CASE WHEN step.due_at <= $3 THEN $3::timestamptz END
           FROM paging, unnest($4::int[], $5::text[], $6::text[], $7::timestamptz[]) AS step(step_index, notify, user_id, due_at)
         RETURNING *
       )
       SELECT paging.incident_id, steps.* FROM paging LEFT JOIN steps ON steps.state = 'sending'`,
      [
        incidentId,
        teamId,
        startedAt,
        steps.map((step) => step.stepIndex),
        steps.map((step) => step.notify),
        steps.map((step) => step.userId),
        steps.map((step) => step.dueAt),
      ],
    )) as Array<RawStep & { step_index: number | null }>;
    if (rows.length === 0) return null;
    return rows.filter((row) => row.step_index !== null).map(stepOf);
  }

  /**
   * Open incidents of a paging severity of a team with a rotation that have no
   * page yet (their paging was interrupted before it was stored: the database
   * or the process went away right after the incident was declared).
   */
  async incidentsOwedAPage(declaredSince: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT i.id FROM incidents i
         JOIN team_oncall t ON t.team_id = i.team_id
         LEFT JOIN incident_paging p ON p.incident_id = i.id
        WHERE p.incident_id IS NULL AND i.resolved_at IS NULL AND i.announce AND i.created_at >= $1
          AND i.severity IN (SELECT jsonb_array_elements_text(t.config -> 'pageSeverities'))
        ORDER BY i.created_at LIMIT $2`,
      [declaredSince, limit],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async getPaging(incidentId: string): Promise<PagingRow | null> {
    const rows = (await this.dataSource.query('SELECT * FROM incident_paging WHERE incident_id = $1', [incidentId])) as Array<{
      incident_id: string;
      team_id: string;
      started_at: Date;
      acknowledged_at: Date | null;
      acknowledged_by: string | null;
    }>;
    const row = rows[0];
    return row
      ? {
          incidentId: row.incident_id,
          teamId: row.team_id,
          startedAt: row.started_at,
          acknowledgedAt: row.acknowledged_at,
          acknowledgedBy: row.acknowledged_by,
        }
      : null;
  }

  async steps(incidentId: string): Promise<PageStepRow[]> {
    const rows = (await this.dataSource.query('SELECT * FROM incident_page_steps WHERE incident_id = $1 ORDER BY step_index', [incidentId])) as RawStep[];
    return rows.map(stepOf);
  }

  /** Steps that are due at `now` (or whose claim went stale), of incidents still open and unacknowledged. */
  async dueSteps(now: Date, limit: number, incidentId?: string): Promise<Array<{ incidentId: string; stepIndex: number }>> {
    const rows = (await this.dataSource.query(
      `SELECT s.incident_id, s.step_index FROM incident_page_steps s
         JOIN incident_paging p ON p.incident_id = s.incident_id
         JOIN incidents i ON i.id = s.incident_id
        WHERE p.acknowledged_at IS NULL AND i.resolved_at IS NULL
          AND ((s.state = 'pending' AND s.due_at <= $1) OR (s.state = 'sending' AND s.claimed_at <= $1::timestamptz - make_interval(secs => $2)))
          ${incidentId ? 'AND s.incident_id = $4' : ''}
        ORDER BY s.due_at, s.step_index LIMIT $3`,
      incidentId ? [now, STALE_CLAIM_SECONDS, limit, incidentId] : [now, STALE_CLAIM_SECONDS, limit],
    )) as Array<{ incident_id: string; step_index: number }>;
    return rows.map((row) => ({ incidentId: row.incident_id, stepIndex: row.step_index }));
  }

  /**
   * Claims one due step for sending: a compare-and-set only one replica wins
   * (the losers' UPDATE re-checks the row after the winner's commit and matches nothing).
   */
  async claimStep(incidentId: string, stepIndex: number, now: Date): Promise<PageStepRow | null> {
    const rows = (await this.dataSource.query(
      `UPDATE incident_page_steps s SET state = 'sending', attempts = s.attempts + 1, claimed_at = $3
         FROM incident_paging p, incidents i
        WHERE s.incident_id = $1 AND s.step_index = $2 AND p.incident_id = s.incident_id AND i.id = s.incident_id
          AND p.acknowledged_at IS NULL AND i.resolved_at IS NULL
          AND ((s.state = 'pending' AND s.due_at <= $3) OR (s.state = 'sending' AND s.claimed_at <= $3::timestamptz - make_interval(secs => $4)))
        RETURNING s.*`,
      [incidentId, stepIndex, now, STALE_CLAIM_SECONDS],
    )) as [RawStep[], number] | RawStep[];
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as RawStep[];
    return list[0] ? stepOf(list[0]) : null;
  }

  async recordDm(incidentId: string, stepIndex: number, dmChannelId: string): Promise<void> {
    await this.dataSource.query('UPDATE incident_page_steps SET dm_channel_id = $3 WHERE incident_id = $1 AND step_index = $2', [
      incidentId,
      stepIndex,
      dmChannelId,
    ]);
  }

  async markSent(incidentId: string, stepIndex: number, messageTs: string | null, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE incident_page_steps SET state = 'sent', message_ts = $3, sent_at = $4, error = NULL WHERE incident_id = $1 AND step_index = $2`,
      [incidentId, stepIndex, messageTs, now],
    );
  }

  async markRetry(incidentId: string, stepIndex: number, retryAt: Date, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE incident_page_steps SET state = 'pending', due_at = $3, error = $4 WHERE incident_id = $1 AND step_index = $2 AND state = 'sending'`,
      [incidentId, stepIndex, retryAt, error],
    );
  }

  async markFailed(incidentId: string, stepIndex: number, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE incident_page_steps SET state = 'failed', error = $3 WHERE incident_id = $1 AND step_index = $2`, [
      incidentId,
      stepIndex,
      error,
    ]);
  }

  async markInvited(incidentId: string, stepIndex: number): Promise<void> {
    await this.dataSource.query('UPDATE incident_page_steps SET invited = true WHERE incident_id = $1 AND step_index = $2', [incidentId, stepIndex]);
  }

  /** Sent pages whose person is not yet invited to the incident channel, where that channel now exists. */
  async invitesOwed(limit: number): Promise<Array<{ incidentId: string; stepIndex: number; userId: string; channelId: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT s.incident_id, s.step_index, s.user_id, i.slack_channel_id FROM incident_page_steps s JOIN incidents i ON i.id = s.incident_id
        WHERE s.state = 'sent' AND s.invited = false AND s.user_id IS NOT NULL AND i.slack_channel_id IS NOT NULL AND i.slack_archived_at IS NULL LIMIT $1`,
      [limit],
    )) as Array<{ incident_id: string; step_index: number; user_id: string; slack_channel_id: string }>;
    return rows.map((row) => ({ incidentId: row.incident_id, stepIndex: row.step_index, userId: row.user_id, channelId: row.slack_channel_id }));
  }

  /**
   * The one acknowledgement of an incident's page (or of an incident nobody
   * was paged for: the headline's button); true for exactly one caller.
   * Pending steps are cancelled with it.
   */
  async claimAcknowledgement(incidentId: string, teamId: string, userId: string, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `INSERT INTO incident_paging AS p (incident_id, team_id, started_at, acknowledged_at, acknowledged_by) VALUES ($1, $2, $4, $4, $3)
         ON CONFLICT (incident_id) DO UPDATE SET acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by
         WHERE p.acknowledged_at IS NULL RETURNING p.incident_id`,
        [incidentId, teamId, userId, now],
      )) as unknown[];
      if (rows.length === 0) return false;
      await manager.query(`UPDATE incident_page_steps SET state = 'cancelled' WHERE incident_id = $1 AND state = 'pending'`, [incidentId]);
      return true;
    });
  }

  /** Whether the incident's timeline holds an acknowledgement by `by` (an author label such as `slack:U0AAA`). */
  async acknowledgementRecorded(incidentId: string, by: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      "SELECT 1 FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'acknowledged' AND data ->> 'by' = $2 LIMIT 1",
      [incidentId, by],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Brings the step after `fromStep` forward to now; true when it was still waiting. */
  async bringForward(incidentId: string, fromStep: number, now: Date): Promise<number | null> {
    const rows = (await this.dataSource.query(
      `UPDATE incident_page_steps s SET due_at = $3 FROM incident_paging p
        WHERE s.incident_id = $1 AND p.incident_id = s.incident_id AND p.acknowledged_at IS NULL
          AND s.step_index = (SELECT min(step_index) FROM incident_page_steps WHERE incident_id = $1 AND step_index > $2)
          AND s.state = 'pending' AND s.due_at > $3
        RETURNING s.step_index`,
      [incidentId, fromStep, now],
    )) as [Array<{ step_index: number }>, number];
    return rows[0][0]?.step_index ?? null;
  }

  /** Sent pages of an incident (to update their messages after an acknowledgement). */
  async sentMessages(incidentId: string): Promise<Array<{ stepIndex: number; channelId: string; ts: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT step_index, dm_channel_id, message_ts FROM incident_page_steps WHERE incident_id = $1 AND state = 'sent' AND dm_channel_id IS NOT NULL AND message_ts IS NOT NULL ORDER BY step_index`,
      [incidentId],
    )) as Array<{ step_index: number; dm_channel_id: string; message_ts: string }>;
    return rows.map((row) => ({ stepIndex: row.step_index, channelId: row.dm_channel_id, ts: row.message_ts }));
  }
}
