import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SloEntity } from './slo.entity';

/**
 * Events of one SLO in (bucketStart, bucketStart + 5m], as Prometheus counted
 * them (`increase()` over the bucket). Long windows are sums of these rows.
 */
@Entity({ name: 'slo_event_buckets' })
export class SloEventBucketEntity {
  @PrimaryColumn({ name: 'slo_id', type: 'uuid' })
  sloId: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart: Date;

  /** Fractional: increase() extrapolates when samples are not on bucket bounds. */
  @Column({ type: 'double precision' })
  bad: number;

  @Column({ type: 'double precision' })
  total: number;

  @ManyToOne(() => SloEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slo_id' })
  slo: SloEntity;
}
