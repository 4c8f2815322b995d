import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assertCanActOnTeam, canActOnTeam, Principal, TeamsService } from '@app/catalog';
import { IncidentEntity, IncidentQueriesService } from '@app/incidents';
import { Clock, DomainError, ForbiddenError, isUniqueViolation, NotFoundError, ValidationFailedError } from '@app/platform';
import { FollowUpFields, FollowUpInput, FollowUpStatus, validateFollowUpFields } from './domain/follow-up-rules';
import { FollowUpEntity } from './follow-up.entity';

/** 403 naming the `team` filter: a team token asked for another team's follow-ups. */
export class ForeignTeamFilterError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor() {
    super('forbidden', "team names another team: this token only reads its own team's follow-ups", { field: 'team' });
  }
}

export interface ListFollowUpsFilter {
  /** Team slug. */
  readonly team?: string;
  readonly status?: FollowUpStatus;
  readonly overdue?: boolean;
  readonly incidentId?: string;
}

/** Per-team follow-up figures for dashboards and the weekly digest. */
export interface TeamFollowUpFigures {
  readonly open: number;
  readonly overdue: number;
}

/**
 * Follow-up actions of incidents. A team token acts only on follow-ups of its
 * own team's incidents; another team's private incident does not exist for it.
 */
@Injectable()
export class FollowUpsService {
  constructor(
    @InjectRepository(FollowUpEntity) private readonly followUps: Repository<FollowUpEntity>,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly teams: TeamsService,
    private readonly clock: Clock,
  ) {}

  /** An incident the principal may see (404 otherwise) and change (403 otherwise). */
  async incidentForChange(principal: Principal, reference: string): Promise<IncidentEntity> {
    const incident = await this.incidentQueries.getIncident(reference);
    if (incident.visibility === 'private' && !canActOnTeam(principal, incident.teamId)) throw new NotFoundError('Incident', reference);
    assertCanActOnTeam(principal, incident.teamId);
    return incident;
  }

  async create(
    principal: Principal,
    reference: string,
    input: FollowUpInput,
    createdBy: string,
    sourceRef: string | null,
  ): Promise<{ followUp: FollowUpEntity; created: boolean }> {
    const fields = validateFollowUpFields(input, { partial: false });
    const incident = await this.incidentForChange(principal, reference);
    return this.createForIncident(incident, fields, createdBy, sourceRef);
  }

  /** For callers that already resolved and checked the incident (the Slack command in its channel). */
  async createForIncident(
    incident: IncidentEntity,
    fields: FollowUpFields,
    createdBy: string,
    sourceRef: string | null,
  ): Promise<{ followUp: FollowUpEntity; created: boolean }> {
    if (sourceRef) {
      const existing = await this.followUps.findOneBy({ sourceRef });
      if (existing) return { followUp: existing, created: false };
    }
    try {
      const saved = await this.followUps.save(
        this.followUps.create({
          incidentId: incident.id,
          teamId: incident.teamId,
          title: fields.title ?? '',
          owner: fields.owner ?? null,
          dueDate: fields.dueDate ?? null,
          priority: fields.priority ?? 'P2',
          url: fields.url ?? null,
          status: fields.status ?? 'open',
          completedAt: fields.status === 'done' ? this.clock.now() : null,
          createdBy,
          sourceRef,
        }),
      );
      return { followUp: saved, created: true };
    } catch (error) {
      if (sourceRef && isUniqueViolation(error)) {
        const winner = await this.followUps.findOneBy({ sourceRef });
        if (winner) return { followUp: winner, created: false };
      }
      throw error;
    }
  }

  async list(principal: Principal, filter: ListFollowUpsFilter): Promise<FollowUpEntity[]> {
    const query = this.followUps
      .createQueryBuilder('followUp')
      .orderBy('followUp.dueDate', 'ASC', 'NULLS LAST')
      .addOrderBy('followUp.priority', 'ASC')
      .addOrderBy('followUp.createdAt', 'ASC');
    if (filter.team !== undefined) {
      const [team] = await this.teams.findTeams([filter.team]);
      if (!team) throw new ValidationFailedError(`team '${filter.team}' does not exist`, { field: 'team', code: 'unknown_team' });
      if (!canActOnTeam(principal, team.id)) throw new ForeignTeamFilterError();
      query.andWhere('followUp.teamId = :teamId', { teamId: team.id });
    } else if (principal.kind === 'team') {
      query.andWhere('followUp.teamId = :teamId', { teamId: principal.teamId });
    }
    if (filter.incidentId) query.andWhere('followUp.incidentId = :incidentId', { incidentId: filter.incidentId });
    if (filter.status) query.andWhere('followUp.status = :status', { status: filter.status });
    if (filter.overdue === true) {
      query.andWhere("followUp.status = 'open'").andWhere('followUp.dueDate < :today', { today: this.today() });
    } else if (filter.overdue === false) {
      query.andWhere("NOT (followUp.status = 'open' AND followUp.dueDate IS NOT NULL AND followUp.dueDate < :today)", { today: this.today() });
    }
    return query.take(1000).getMany();
  }

  async get(principal: Principal, id: string): Promise<FollowUpEntity> {
    const followUp = await this.followUps.findOneBy({ id });
    if (!followUp) throw new NotFoundError('Follow-up', id);
    if (!canActOnTeam(principal, followUp.teamId)) {
      const incident = await this.incidentQueries.getIncidentById(followUp.incidentId);
      if (incident.visibility === 'private') throw new NotFoundError('Follow-up', id);
      throw new ForbiddenError("This follow-up belongs to another team's incident");
    }
    return followUp;
  }

  async update(principal: Principal, id: string, input: FollowUpInput): Promise<FollowUpEntity> {
    const fields = validateFollowUpFields(input, { partial: true });
    const followUp = await this.get(principal, id);
    const completedAt = fields.status === undefined ? followUp.completedAt : fields.status === 'done' ? (followUp.completedAt ?? this.clock.now()) : null;
    await this.followUps.update({ id }, { ...fields, completedAt });
    return this.followUps.findOneByOrFail({ id });
  }

  async forIncident(incidentId: string): Promise<FollowUpEntity[]> {
    return this.followUps.find({ where: { incidentId }, order: { priority: 'ASC', createdAt: 'ASC' } });
  }

  async p0Count(incidentId: string): Promise<number> {
    return this.followUps.countBy({ incidentId, priority: 'P0' });
  }

  /** Open and overdue follow-ups per team id. */
  async teamFigures(teamIds: readonly string[]): Promise<Map<string, TeamFollowUpFigures>> {
    const figures = new Map<string, TeamFollowUpFigures>(teamIds.map((teamId) => [teamId, { open: 0, overdue: 0 }]));
    if (teamIds.length === 0) return figures;
    const rows = (await this.followUps.query(
      `SELECT team_id AS "teamId", count(*)::int AS open, count(*) FILTER (WHERE due_date < $2::date)::int AS overdue
       FROM follow_ups WHERE status = 'open' AND team_id = ANY($1::uuid[]) GROUP BY team_id`,
      [teamIds, this.today()],
    )) as Array<{ teamId: string; open: number; overdue: number }>;
    for (const row of rows) figures.set(row.teamId, { open: row.open, overdue: row.overdue });
    return figures;
  }

  /** Overdue follow-ups of a team, oldest due first (dashboards, digest). */
  async overdueForTeam(teamId: string, limit = 50): Promise<FollowUpEntity[]> {
    return this.followUps
      .createQueryBuilder('followUp')
      .where('followUp.teamId = :teamId', { teamId })
      .andWhere("followUp.status = 'open'")
      .andWhere('followUp.dueDate < :today', { today: this.today() })
      .orderBy('followUp.dueDate', 'ASC')
      .take(limit)
      .getMany();
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}
