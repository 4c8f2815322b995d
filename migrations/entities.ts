// Every entity of every lib, for the migration generator. Apps register theirs
// per module (TypeOrmModule.forFeature) instead.
import { CATALOG_ENTITIES } from '@app/catalog';
import { INCIDENT_ENTITIES } from '../libs/incidents/src/persistence/entities';

export const ALL_ENTITIES = [...CATALOG_ENTITIES, ...INCIDENT_ENTITIES];
