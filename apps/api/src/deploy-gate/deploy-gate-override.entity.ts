import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A deploy let through a closed gate (`security` or `p0` fix), with who and why. */
@Entity({ name: 'deploy_gate_overrides' })
@Index('IDX_deploy_gate_overrides_service', ['serviceId', 'createdAt'])
export class DeployGateOverrideEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'security' | 'p0';

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'varchar', length: 100 })
  actor: string;

  /** The SLOs that had closed the gate. */
  @Column({ name: 'blocked_by', type: 'jsonb', default: [] })
  blockedBy: Array<{ sloId: string; name: string; errorBudgetRemaining: number | null }>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
