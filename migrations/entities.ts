// Every entity of every lib, for the migration generator. Apps register theirs
// per module (TypeOrmModule.forFeature) instead.
import { CATALOG_ENTITIES } from '@app/catalog';

export const ALL_ENTITIES = [...CATALOG_ENTITIES];
