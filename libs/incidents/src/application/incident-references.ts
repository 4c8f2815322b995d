import { Inject, Injectable, Optional } from '@nestjs/common';
import { Principal, ReferenceOwnership, ServiceEntity, TeamEntity } from '@app/catalog';
import { NotFoundError, ValidationFailedError } from '@app/platform';
import { IncidentEntity } from '../persistence/incident.entity';
import { ComponentDirectory } from './component-directory';
import type { AffectedComponentInput } from './incident-inputs';
import { IncidentQueriesService } from './incident-queries.service';
import { IncidentsRepository, IncidentWrites } from './incidents.repository';
import { assertMayReferenceIncident, unknownDuplicateTargetError } from './reference-errors';

/**
 * What an incident names (team, services, type, status components, the
 * original of a duplicate): each must exist (400 naming the field), and a team
 * token must own it (403 naming the field), before anything is written.
 */
@Injectable()
export class IncidentReferences {
  constructor(
    private readonly repository: IncidentsRepository,
    private readonly queries: IncidentQueriesService,
    // Explicit token: SWC (the tests' compiler) emits `Object` as the design type of `X | null`.
    @Optional() @Inject(ComponentDirectory) private readonly components: ComponentDirectory | null = null,
    @Optional() @Inject(ReferenceOwnership) private readonly ownership: ReferenceOwnership | null = null,
  ) {}

  /** The ownership rule, before anything is written: 403 naming the field. */
  async assertOwnsReferences(
    principal: Principal,
    references: { team?: string; services?: string[]; affectedComponents?: AffectedComponentInput[] },
  ): Promise<void> {
    if (principal.kind === 'admin') return;
    if (!this.ownership) throw new Error('ReferenceOwnership is not provided: import CatalogModule where IncidentsModule is used');
    if (references.team !== undefined) await this.ownership.assertOwnsTeams(principal, [references.team], 'team');
    await this.ownership.assertOwnsServices(principal, references.services ?? [], 'services');
    await this.ownership.assertOwnsComponents(
      principal,
      (references.affectedComponents ?? []).map((component) => component.componentId),
      'affectedComponents',
    );
  }

  async resolveTeam(slug: string): Promise<TeamEntity> {
    const team = await this.repository.findTeamBySlug(slug);
    if (!team) throw new ValidationFailedError(`team '${slug}' does not exist`, { field: 'team', code: 'unknown_team' });
    return team;
  }

  async resolveServices(slugs: string[]): Promise<ServiceEntity[]> {
    const unique = [...new Set(slugs)];
    if (unique.length === 0) return [];
    const found = await this.repository.findServicesBySlugs(unique);
    const missing = unique.filter((slug) => !found.some((service) => service.slug === slug));
    if (missing.length > 0) throw new ValidationFailedError(`unknown services: ${missing.join(', ')}`, { field: 'services', code: 'unknown_service' });
    return found;
  }

  async assertTypeExists(type: string, teamId: string): Promise<void> {
    if (!(await this.repository.typeExists(type, teamId)))
      throw new ValidationFailedError(`incident type '${type}' does not exist for this team`, { field: 'type', code: 'unknown_incident_type' });
  }

  async resolveComponents(components: AffectedComponentInput[]): Promise<AffectedComponentInput[]> {
    const byId = new Map(components.map((component) => [component.componentId, component]));
    if (byId.size !== components.length) throw new ValidationFailedError('affectedComponents lists a component twice', { field: 'affectedComponents' });
    if (byId.size === 0) return [];
    const existing = this.components ? await this.components.existingComponentIds([...byId.keys()]) : new Set<string>();
    const missing = [...byId.keys()].filter((componentId) => !existing.has(componentId));
    if (missing.length > 0)
      throw new ValidationFailedError(`unknown status components: ${missing.join(', ')}`, { field: 'affectedComponents', code: 'unknown_component' });
    return [...byId.values()];
  }

  async resolveDuplicateTarget(tx: IncidentWrites, incident: IncidentEntity, reference: string, principal?: Principal): Promise<IncidentEntity> {
    let original: IncidentEntity;
    try {
      original = await this.queries.getIncident(reference);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationFailedError) {
        throw unknownDuplicateTargetError(reference);
      }
      throw error;
    }
    if (principal) assertMayReferenceIncident(principal, original, reference, 'duplicateOf', () => unknownDuplicateTargetError(reference));
    if (original.id === incident.id) throw new ValidationFailedError('an incident cannot be a duplicate of itself', { field: 'duplicateOf' });
    if (original.duplicateOfId !== null) {
      throw new ValidationFailedError(`INC-${original.number} is itself a duplicate; name the original incident`, { field: 'duplicateOf' });
    }
    const duplicatesOfThis = await tx.countDuplicatesOf(incident.id);
    if (duplicatesOfThis > 0)
      throw new ValidationFailedError('other incidents are duplicates of this one; it cannot become a duplicate itself', { field: 'duplicateOf' });
    return original;
  }
}
