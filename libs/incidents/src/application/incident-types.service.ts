import { Injectable } from '@nestjs/common';
import { ConflictError, isUniqueViolation } from '@app/platform';
import { IncidentTypeEntity } from '../persistence/incident-type.entity';
import { IncidentsRepository } from './incidents.repository';

/** Incident types: the global list and each team's own. */
@Injectable()
export class IncidentTypesService {
  constructor(private readonly repository: IncidentsRepository) {}

  listIncidentTypes(teamId: string | null): Promise<IncidentTypeEntity[]> {
    return this.repository.listTypes(teamId);
  }

  /** A team's own incident type, next to the global list. */
  async addTeamIncidentType(teamId: string, slug: string, label: string): Promise<IncidentTypeEntity> {
    const clash = () => new ConflictError('incident_type_exists', `incident type '${slug}' already exists`, { field: 'slug' });
    if (await this.repository.typeExists(slug, teamId)) throw clash();
    try {
      return await this.repository.insertType(teamId, slug, label);
    } catch (error) {
      if (isUniqueViolation(error)) throw clash();
      throw error;
    }
  }
}
