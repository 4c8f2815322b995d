import { SloEventBucketEntity } from './slo-event-bucket.entity';
import { SloEvaluationEntity } from './slo-evaluation.entity';
import { SloEntity } from './slo.entity';

export const SLO_ENTITIES = [SloEntity, SloEventBucketEntity, SloEvaluationEntity];
