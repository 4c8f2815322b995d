import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SloEntity } from './slo.entity';

/**
 * Events of one SLO in (bucketStart, bucketStart + 5m], as Prometheus counted
 * them (`increase()` over the bucket), with the running totals of the SLO's
 * stored buckets up to and including this one: a window's events are the
 * difference of two running totals, two index probes instead of a scan of up to
 * 25,920 rows.
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

  /** Sum of `bad` of this SLO's stored buckets up to and including this one. */
  @Column({ name: 'cum_bad', type: 'double precision' })
  cumBad: number;

  @Column({ name: 'cum_total', type: 'double precision' })
  cumTotal: number;

  @ManyToOne(() => SloEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slo_id' })
  slo: SloEntity;
}
