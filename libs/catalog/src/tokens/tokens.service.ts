import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { Clock, NotFoundError } from '@app/platform';
import { Principal } from '../access';
import { TeamEntity } from '../teams/team.entity';
import { ApiTokenEntity } from './api-token.entity';
import { digestsEqual, generateToken, hashToken } from './token-hash';

export interface IssuedToken {
  id: string;
  name: string;
  team: string;
  token: string;
  tokenPrefix: string;
  createdAt: Date;
}

const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class TokensService {
  private readonly logger = new Logger(TokensService.name);
  private readonly configuredAdminHash?: string;

  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.configuredAdminHash = config.API_ADMIN_TOKEN ? hashToken(config.API_ADMIN_TOKEN) : undefined;
  }

  /**
   * With API_ADMIN_TOKEN unset, the first start generates an admin token,
   * stores only its hash and prints it once. Returns the token when printed.
   */
  async ensureAdminToken(print: (message: string) => void): Promise<string | undefined> {
    if (this.configuredAdminHash) return undefined;
    const existing = await this.tokens.count({ where: { teamId: IsNull(), revokedAt: IsNull() } });
    if (existing > 0) return undefined;
    const token = generateToken();
    await this.tokens.save(
      this.tokens.create({ teamId: null, name: 'admin (generated at first start)', tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12) }),
    );
    print(`\n  Ballast admin token (shown once, store it now):\n\n    ${token}\n\n  Set API_ADMIN_TOKEN to use your own instead.\n`);
    return token;
  }

  async authenticate(presented: string): Promise<Principal | undefined> {
    const presentedHash = hashToken(presented);
    if (this.configuredAdminHash && digestsEqual(presentedHash, this.configuredAdminHash)) {
      return { kind: 'admin', tokenId: null };
    }
    const row = await this.tokens.findOne({ where: { tokenHash: presentedHash }, relations: { team: true } });
    if (!row || row.revokedAt || !digestsEqual(presentedHash, row.tokenHash)) return undefined;
    this.touch(row);
    if (row.teamId === null || !row.team) return { kind: 'admin', tokenId: row.id };
    return { kind: 'team', tokenId: row.id, teamId: row.teamId, teamSlug: row.team.slug };
  }

  private touch(row: ApiTokenEntity): void {
    const now = this.clock.now();
    if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    this.tokens.update({ id: row.id }, { lastUsedAt: now }).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record token use'));
  }

  async issueTeamToken(team: TeamEntity, name: string): Promise<IssuedToken> {
    const token = generateToken();
    const saved = await this.tokens.save(this.tokens.create({ teamId: team.id, name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12) }));
    return { id: saved.id, name: saved.name, team: team.slug, token, tokenPrefix: saved.tokenPrefix, createdAt: saved.createdAt };
  }

  async listTeamTokens(team: TeamEntity): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { teamId: team.id }, order: { createdAt: 'ASC' } });
  }

  async revokeTeamToken(team: TeamEntity, tokenId: string): Promise<ApiTokenEntity> {
    const row = await this.tokens.findOne({ where: { id: tokenId, teamId: team.id } });
    if (!row) throw new NotFoundError('Token', tokenId);
    if (!row.revokedAt) {
      row.revokedAt = this.clock.now();
      await this.tokens.save(row);
    }
    return row;
  }
}
