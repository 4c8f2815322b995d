// Every entity of every lib, for the migration generator. Apps register theirs
// per module (TypeOrmModule.forFeature) instead.
import { CATALOG_ENTITIES } from '@app/catalog';
import { INCIDENT_ENTITIES } from '@app/incidents';
import { SLO_ENTITIES } from '@app/slo';
import { STATUS_ENTITIES } from '@app/status';
import { TeamDigestEntity } from '../apps/api/src/digest/team-digest.entity';

export const ALL_ENTITIES = [...CATALOG_ENTITIES, ...INCIDENT_ENTITIES, ...STATUS_ENTITIES, ...SLO_ENTITIES, TeamDigestEntity];
