import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per team and digest slot: the primary key is what makes "once per team per week" hold across replicas. */
@Entity({ name: 'team_digests' })
export class TeamDigestEntity {
  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  teamId: string;

  @PrimaryColumn({ name: 'scheduled_at', type: 'timestamptz' })
  scheduledAt: Date;

  @Column({ type: 'boolean', default: false })
  delivered: boolean;

  @Column({ type: 'text' })
  body: string;

  /** The Block Kit blocks sent with `body` as their text fallback (null: text only). */
  @Column({ type: 'jsonb', nullable: true })
  blocks: unknown[] | null;

  /** Sends tried so far (the claim is the first). */
  @Column({ type: 'integer', default: 1 })
  attempts: number;

  /** When the last send was claimed: another replica retries an undelivered digest only once this is a lease old. */
  @Column({ name: 'last_attempt_at', type: 'timestamptz', default: () => 'now()' })
  lastAttemptAt: Date;

  /** Why the last send did not deliver: `failed` (retried) or `undeliverable` (not retried); null when delivered or being sent. */
  @Column({ type: 'text', nullable: true })
  failure: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
