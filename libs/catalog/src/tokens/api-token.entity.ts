import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TeamEntity } from '../teams/team.entity';

/** A bearer token, stored only as its SHA-256. `teamId` null = admin token. */
@Entity({ name: 'api_tokens' })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'team_id' })
  team: TeamEntity | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'token_hash', type: 'char', length: 64, unique: true })
  tokenHash: string;

  /** First characters of the token, to recognise it in listings. */
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** The token that issued this one (null: the configured admin token, or generated). Revoking it revokes this one. */
  @Index()
  @Column({ name: 'issued_by_token_id', type: 'uuid', nullable: true })
  issuedByTokenId: string | null;

  /** The admin token generated at first start: retired once API_ADMIN_TOKEN is configured. */
  @Column({ type: 'boolean', default: false })
  generated: boolean;
}
