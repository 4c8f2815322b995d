import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { canActOnTeam, Principal, ReferenceOwnership, ServiceEntity, TeamEntity } from '@app/catalog';
import { Clock, DomainError, ForbiddenError, isUniqueViolation, ValidationFailedError } from '@app/platform';
import type { IncidentStatus, Severity, Visibility } from '../domain/incident-enums';
import { IncidentDomainError } from '../domain/incident-errors';
import { formatIncidentReference } from '../domain/incident-reference';
import { TimelineAuthor } from '../domain/timeline-event';
import { IncidentServiceLinkEntity } from '../persistence/incident-service-link.entity';
import { IncidentTimelineEventEntity } from '../persistence/incident-timeline-event.entity';
import { IncidentTypeEntity } from '../persistence/incident-type.entity';
import { IncidentEntity } from '../persistence/incident.entity';
import { authorLabel } from './author';
import { INCIDENT_DECLARED, IncidentDeclaredEvent } from './incident-events';
import { initialClock, openingAcknowledgement } from './incident-lifecycle-rules';
import { ForbiddenReferenceError } from './reference-errors';

/** One incident of imported history (a line of POST /api/v1/incidents/import), already shape-checked. */
export interface ImportedIncident {
  /** its id in the tool it comes from; unique per team, makes re-imports change nothing */
  externalId: string;
  title: string;
  summary?: string;
  severity: Severity;
  team: string;
  type?: string;
  services?: string[];
  visibility?: Visibility;
  status?: IncidentStatus;
  commander?: string;
  startedAt?: Date;
  detectedAt?: Date;
  acknowledgedAt?: Date;
  resolvedAt?: Date;
}

export interface ImportResult {
  imported: number;
  unchanged: number;
  items: Array<{ line: number; externalId: string; id: string; reference: string; created: boolean }>;
}

/**
 * Imports incident history in one transaction: every line is stored with its
 * real times and `announce: false` (no Slack, paging or notifications), or —
 * when any line fails — nothing is, and the error names the line and field.
 * A line whose external id the team already has changes nothing.
 */
@Injectable()
export class IncidentImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly ownership: ReferenceOwnership,
  ) {}

  /** `lineNumbers[i]`: the request line of `lines[i]` (JSON lines may skip blank ones); default i + 1. */
  async importIncidents(
    principal: Principal,
    lines: readonly ImportedIncident[],
    author: TimelineAuthor,
    lineNumbers?: readonly number[],
  ): Promise<ImportResult> {
    try {
      return await this.importOnce(principal, lines, author, lineNumbers);
    } catch (error) {
      // A concurrent import of the same external ids committed first: this one rolled back; once more, they are "unchanged".
      if (isUniqueViolation(error) || isUniqueViolation((error as { cause?: unknown } | null)?.cause))
        return this.importOnce(principal, lines, author, lineNumbers);
      throw error;
    }
  }

  private async importOnce(
    principal: Principal,
    lines: readonly ImportedIncident[],
    author: TimelineAuthor,
    lineNumbers?: readonly number[],
  ): Promise<ImportResult> {
    const now = this.clock.now();
    const created: string[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      const outcome: ImportResult = { imported: 0, unchanged: 0, items: [] };
      const seen = new Set<string>();
      const teams = new Map<string, TeamEntity>();
      for (const [index, line] of lines.entries()) {
        const lineNumber = lineNumbers?.[index] ?? index + 1;
        try {
          const team = teams.get(line.team) ?? (await this.resolveTeam(manager, principal, line.team));
          teams.set(line.team, team);
          // The one ownership rule (issue 18): a team token imports history of its own services only.
          await this.ownership.assertOwnsServices(principal, line.services ?? [], 'services');
          const key = `${team.id}\u0000${line.externalId}`;
          if (seen.has(key)) throw new ValidationFailedError(`externalId '${line.externalId}' appears twice in this import`, { field: 'externalId' });
          seen.add(key);
          const existing = await manager.findOne(IncidentEntity, { where: { teamId: team.id, externalId: line.externalId } });
          if (existing) {
            outcome.unchanged += 1;
            outcome.items.push({
              line: lineNumber,
              externalId: line.externalId,
              id: existing.id,
              reference: formatIncidentReference(existing.number),
              created: false,
            });
            continue;
          }
          const incident = await this.insert(manager, line, team, author, now);
          created.push(incident.id);
          outcome.imported += 1;
          outcome.items.push({
            line: lineNumber,
            externalId: line.externalId,
            id: incident.id,
            reference: formatIncidentReference(incident.number),
            created: true,
          });
        } catch (error) {
          throw withLine(error, lineNumber);
        }
      }
      return outcome;
    });
    for (const id of created) {
      const incident = await this.dataSource
        .getRepository(IncidentEntity)
        .findOne({ where: { id }, relations: { team: true, services: { service: true }, affectedComponents: true } });
      if (incident) this.events.emit(INCIDENT_DECLARED, { incident, announce: false } satisfies IncidentDeclaredEvent);
    }
    return result;
  }

  private async insert(manager: EntityManager, line: ImportedIncident, team: TeamEntity, author: TimelineAuthor, now: Date): Promise<IncidentEntity> {
    const type = line.type ?? 'other';
    const typeCount = await manager
      .createQueryBuilder(IncidentTypeEntity, 'type')
      .where('type.slug = :type', { type })
      .andWhere(new Brackets((where) => where.where('type.teamId IS NULL').orWhere('type.teamId = :teamId', { teamId: team.id })))
      .getCount();
    if (typeCount === 0)
      throw new ValidationFailedError(`incident type '${type}' does not exist for this team`, { field: 'type', code: 'unknown_incident_type' });
    const slugs = [...new Set(line.services ?? [])];
    const services =
      slugs.length === 0 ? [] : await manager.createQueryBuilder(ServiceEntity, 'service').where('service.slug IN (:...slugs)', { slugs }).getMany();
    const missing = slugs.filter((slug) => !services.some((service) => service.slug === slug));
    if (missing.length > 0) throw new ValidationFailedError(`unknown services: ${missing.join(', ')}`, { field: 'services', code: 'unknown_service' });
    const clock = initialClock(
      {
        title: line.title,
        severity: line.severity,
        team: line.team,
        type,
        source: 'api',
        startedAt: line.startedAt ?? null,
        detectedAt: line.detectedAt ?? null,
        acknowledgedAt: line.acknowledgedAt ?? null,
        resolvedAt: line.resolvedAt ?? null,
        status: line.status,
        announce: false,
      },
      author.kind === 'system' ? 'automation' : 'human',
      now,
    );
    const saved = await manager.save(
      IncidentEntity,
      manager.create(IncidentEntity, {
        title: line.title,
        summary: line.summary ?? '',
        severity: line.severity,
        status: line.status ?? 'investigating',
        type,
        teamId: team.id,
        visibility: line.visibility ?? 'internal',
        commander: line.commander ?? null,
        declaredBy: authorLabel(author),
        source: 'api',
        dedupKey: null,
        idempotencyKey: null,
        externalId: line.externalId,
        announce: false,
        lastUpdateAt: clock.resolvedAt ?? clock.detectedAt,
        ...clock,
        ...openingAcknowledgement({ announce: false, acknowledgedAt: line.acknowledgedAt ?? null }, clock.acknowledgedAt, authorLabel(author)),
      }),
    );
    if (services.length > 0)
      await manager.insert(
        IncidentServiceLinkEntity,
        services.map((service) => ({ incidentId: saved.id, serviceId: service.id })),
      );
    await manager.save(
      IncidentTimelineEventEntity,
      manager.create(IncidentTimelineEventEntity, {
        incidentId: saved.id,
        kind: 'declared',
        author: authorLabel(author),
        body: '',
        public: false,
        statusAtEvent: saved.status,
        data: {
          title: saved.title,
          severity: saved.severity,
          visibility: saved.visibility,
          source: saved.source,
          type,
          team: team.slug,
          summary: saved.summary || null,
          importedFrom: line.externalId,
          author,
        },
        sourceRef: null,
        occurredAt: clock.detectedAt,
      }),
    );
    return saved;
  }

  private async resolveTeam(manager: EntityManager, principal: Principal, slug: string): Promise<TeamEntity> {
    const team = await manager.findOne(TeamEntity, { where: { slug } });
    if (!team) throw new ValidationFailedError(`team '${slug}' does not exist`, { field: 'team', code: 'unknown_team' });
    if (!canActOnTeam(principal, team.id)) throw new ForbiddenReferenceError('team', `team '${slug}' is another team`);
    return team;
  }
}

/** The same error, its message prefixed with the line and `details.line` set, so the caller can find it. */
function withLine(error: unknown, line: number): unknown {
  if (error instanceof ForbiddenReferenceError) return new ForbiddenReferenceError(error.field ?? 'team', `line ${line}: ${error.message}`);
  if (error instanceof ForbiddenError) return new ForbiddenError(`line ${line}: ${error.message}`, { field: error.field });
  if (error instanceof ValidationFailedError)
    return new ValidationFailedError(`line ${line}: ${error.message}`, { field: error.field, code: error.code, details: { line }, cause: error });
  if (error instanceof IncidentDomainError && error.kind === 'validation') {
    return new ValidationFailedError(`line ${line}: ${error.message}`, { field: error.field, code: error.code, details: { line }, cause: error });
  }
  if (error instanceof DomainError) return error;
  return error;
}
