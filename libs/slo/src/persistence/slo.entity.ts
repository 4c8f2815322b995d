import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ServiceEntity } from '@app/catalog';
import type { CalendarWindow } from '../domain/calendar-window';
import type { SloIndicator } from '../domain/slo-indicator';
import type { EventCounts } from '../domain/slo-math';
import type { SloPolicy } from '../domain/slo-policy';
import type { SloAlertingSpec } from '../domain/slo-spec-import';
import type { SloState, SloStatus } from '../domain/slo-status';

/**
 * An SLO of one service, with its latest evaluation: API reads are served from
 * this row and never query Prometheus.
 */
@Entity({ name: 'slos' })
@Index('UQ_slos_service_name', ['serviceId', 'name'], { unique: true })
export class SloEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId: string;

  @ManyToOne(() => ServiceEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'service_id' })
  service: ServiceEntity;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'double precision' })
  objective: number;

  /** The rolling window in days (`window` is an SQL keyword). */
  @Column({ name: 'window_days', type: 'integer' })
  windowDays: number;

  /** Calendar window (`week`, `month`, `quarter`) with its IANA time zone; null for rolling windows. */
  @Column({ name: 'window_calendar', type: 'varchar', length: 8, nullable: true })
  windowCalendar: CalendarWindow | null;

  @Column({ name: 'window_time_zone', type: 'varchar', length: 64, nullable: true })
  windowTimeZone: string | null;

  @Column({ type: 'jsonb' })
  indicator: SloIndicator;

  @Column({ type: 'jsonb' })
  policy: SloPolicy;

  /** Alert name and extra labels of the exported rules (Sloth's `alerting`); null: Ballast's defaults. */
  @Column({ type: 'jsonb', nullable: true })
  alerting: SloAlertingSpec | null;

  /** Latest state; null until the first evaluation. */
  @Index('IDX_slos_state')
  @Column({ type: 'varchar', length: 16, nullable: true })
  state: SloState | null;

  /** Latest status document (DESIGN.md shape). */
  @Column({ type: 'jsonb', nullable: true })
  status: SloStatus | null;

  /** Event counts per window of the last good evaluation: what a Prometheus failure keeps showing. */
  @Column({ name: 'last_good_counts', type: 'jsonb', nullable: true })
  lastGoodCounts: Record<string, EventCounts> | null;

  @Column({ type: 'double precision', nullable: true })
  sli: number | null;

  @Column({ name: 'error_budget_remaining', type: 'double precision', nullable: true })
  errorBudgetRemaining: number | null;

  /** Time of the latest evaluation, good or failed. */
  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** First failed evaluation of the current run of failures; null while evaluations succeed. */
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  /** When a scheduler cycle next claims this SLO. */
  @Index('IDX_slos_next_evaluation')
  @Column({ name: 'next_evaluation_at', type: 'timestamptz', default: () => 'now()' })
  nextEvaluationAt: Date;

  /** Fencing token of the current claim: only its holder may write the evaluation. */
  @Column({ name: 'claim_token', type: 'uuid', nullable: true })
  claimToken: string | null;

  /** Stored event buckets cover (bucketsFrom, bucketsUntil]; null when none are. */
  @Column({ name: 'buckets_from', type: 'timestamptz', nullable: true })
  bucketsFrom: Date | null;

  @Column({ name: 'buckets_until', type: 'timestamptz', nullable: true })
  bucketsUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
