// Every entity of every lib, for the migration generator. Apps register theirs
// per module (TypeOrmModule.forFeature) instead.
import { CATALOG_ENTITIES } from '@app/catalog';
import { INCIDENT_ENTITIES } from '@app/incidents';
import { SLO_ENTITIES } from '@app/slo';
import { STATUS_ENTITIES } from '@app/status';
import { TeamDigestEntity } from '../apps/api/src/digest/team-digest.entity';
import { PostmortemEntity, PostmortemReminderEntity, PostmortemVersionEntity } from '../apps/api/src/postmortems/postmortem.entity';
import { FollowUpEntity } from '../apps/api/src/follow-ups/follow-up.entity';
import { DeployGateOverrideEntity } from '../apps/api/src/deploy-gate/deploy-gate-override.entity';

export const ALL_ENTITIES = [
  ...CATALOG_ENTITIES,
  ...INCIDENT_ENTITIES,
  ...STATUS_ENTITIES,
  ...SLO_ENTITIES,
  TeamDigestEntity,
  PostmortemEntity,
  PostmortemVersionEntity,
  PostmortemReminderEntity,
  FollowUpEntity,
  DeployGateOverrideEntity,
];
