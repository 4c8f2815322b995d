import { Injectable } from '@nestjs/common';
import { Principal } from '@app/catalog';
import { NotFoundError, Page, PageRequest, ValidationFailedError } from '@app/platform';
import { parseIncidentReference } from '../domain/incident-reference';
import { IncidentTimelineEventEntity } from '../persistence/incident-timeline-event.entity';
import { IncidentEntity } from '../persistence/incident.entity';
import type { ListIncidentsFilter } from './incident-inputs';
import { IncidentsRepository } from './incidents.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reading incidents: by id or reference, by key, lists, timelines. Nothing here writes. */
@Injectable()
export class IncidentQueriesService {
  constructor(private readonly repository: IncidentsRepository) {}

  /** By UUID, `INC-42` or `42`: 404 when absent, 400 naming `id` for anything else. */
  async getIncident(idOrReference: string): Promise<IncidentEntity> {
    const number = parseIncidentReference(idOrReference) ?? (/^\d{1,9}$/.test(idOrReference) ? Number(idOrReference) : null);
    if (number !== null) {
      const byNumber = await this.repository.findByNumber(number);
      if (byNumber) return byNumber;
      throw new NotFoundError('Incident', idOrReference);
    }
    if (!UUID.test(idOrReference)) throw new ValidationFailedError('id must be an incident UUID or a reference such as INC-42', { field: 'id' });
    return this.getIncidentById(idOrReference);
  }

  async getIncidentById(id: string): Promise<IncidentEntity> {
    const incident = await this.repository.findById(id);
    if (!incident) throw new NotFoundError('Incident', id);
    return incident;
  }

  findOpenByDedupKey(dedupKey: string): Promise<IncidentEntity | null> {
    return this.repository.findOpenByDedupKey(dedupKey);
  }

  /** Incidents the principal may see: private ones only for their team (and admins). */
  listIncidents(principal: Principal, filter: ListIncidentsFilter, page: PageRequest): Promise<Page<IncidentEntity>> {
    return this.repository.list(principal, filter, page);
  }

  getTimeline(id: string): Promise<IncidentTimelineEventEntity[]> {
    return this.repository.timeline(id);
  }

  /** The incidents resolved as duplicates of this one (the other side of duplicateOf). */
  listDuplicates(id: string): Promise<IncidentEntity[]> {
    return this.repository.duplicatesOf(id);
  }

  openIncidents(): Promise<IncidentEntity[]> {
    return this.repository.openIncidents();
  }
}
