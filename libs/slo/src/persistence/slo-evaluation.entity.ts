import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { SloState, SloStatus } from '../domain/slo-status';
import { SloEntity } from './slo.entity';

/**
 * One good evaluation. The figures charts need are columns (so history queries
 * downsample with plain SQL aggregates); the full status is kept beside them.
 * Failed evaluations are not recorded here: they never change the budget.
 */
@Entity({ name: 'slo_evaluations' })
@Index('IDX_slo_evaluations_slo_time', ['sloId', 'evaluatedAt'])
// Retention and thinning select by time across SLOs.
@Index('IDX_slo_evaluations_time', ['evaluatedAt'])
export class SloEvaluationEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'slo_id', type: 'uuid' })
  sloId: string;

  @Column({ name: 'evaluated_at', type: 'timestamptz' })
  evaluatedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  state: SloState;

  @Column({ type: 'double precision', nullable: true })
  sli: number | null;

  @Column({ name: 'error_budget_remaining', type: 'double precision', nullable: true })
  errorBudgetRemaining: number | null;

  @Column({ name: 'burn_rate_5m', type: 'double precision', nullable: true })
  burnRate5m: number | null;

  @Column({ name: 'burn_rate_30m', type: 'double precision', nullable: true })
  burnRate30m: number | null;

  @Column({ name: 'burn_rate_1h', type: 'double precision', nullable: true })
  burnRate1h: number | null;

  @Column({ name: 'burn_rate_2h', type: 'double precision', nullable: true })
  burnRate2h: number | null;

  @Column({ name: 'burn_rate_6h', type: 'double precision', nullable: true })
  burnRate6h: number | null;

  @Column({ name: 'burn_rate_1d', type: 'double precision', nullable: true })
  burnRate1d: number | null;

  @Column({ name: 'burn_rate_3d', type: 'double precision', nullable: true })
  burnRate3d: number | null;

  /** Burn rate over the SLO's own window. */
  @Column({ name: 'burn_rate_window', type: 'double precision', nullable: true })
  burnRateWindow: number | null;

  @Column({ name: 'window_bad_events', type: 'double precision', nullable: true })
  windowBadEvents: number | null;

  @Column({ name: 'window_total_events', type: 'double precision', nullable: true })
  windowTotalEvents: number | null;

  @Column({ type: 'jsonb' })
  status: SloStatus;

  @ManyToOne(() => SloEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'slo_id' })
  slo: SloEntity;
}
