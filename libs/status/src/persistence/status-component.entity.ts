import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { ComponentStatus } from '@app/incidents';
import { StatusComponentGroupEntity } from './status-component-group.entity';
import { StatusComponentServiceEntity } from './status-component-service.entity';
import { StatusComponentSloEntity } from './status-component-slo.entity';

/** Something customers recognise (Checkout, API, Dashboard) whose status the public page shows. */
@Entity({ name: 'status_components' })
export class StatusComponentEntity {
  /** 12 characters of [a-z0-9], generated server-side; referenced by incidents' affected components. */
  @PrimaryColumn({ type: 'varchar', length: 12 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'integer', default: 0 })
  position: number;

  @Index()
  @Column({ name: 'group_id', type: 'varchar', length: 12, nullable: true })
  groupId: string | null;

  @ManyToOne(() => StatusComponentGroupEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'group_id' })
  group: Relation<StatusComponentGroupEntity> | null;

  /** Hidden on the page while operational (still listed in the JSON API, as on Statuspage). */
  @Column({ name: 'only_show_if_degraded', type: 'boolean', default: false })
  onlyShowIfDegraded: boolean;

  /** A person's status: wins over what the SLOs imply (both ways); incidents and maintenance still count. */
  @Column({ name: 'manual_status', type: 'varchar', length: 32, nullable: true })
  manualStatus: ComponentStatus | null;

  /** The manual status stops applying at this time; null = until someone clears it. */
  @Column({ name: 'manual_status_until', type: 'timestamptz', nullable: true })
  manualStatusUntil: Date | null;

  @OneToMany(() => StatusComponentServiceEntity, (link) => link.component)
  serviceLinks: StatusComponentServiceEntity[];

  @OneToMany(() => StatusComponentSloEntity, (link) => link.component)
  sloLinks: StatusComponentSloEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
