import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { Clock, NotFoundError } from '@app/platform';
import { assertAdmin, Principal } from '../access';
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
    if (this.configuredAdminHash) {
      // The configured token replaces the generated one: whoever holds that one loses access.
      await this.revokeCascade((await this.tokens.find({ where: { generated: true, revokedAt: IsNull() }, select: { id: true } })).map((row) => row.id));
      return undefined;
    }
    const existing = await this.tokens.count({ where: { teamId: IsNull(), revokedAt: IsNull() } });
    if (existing > 0) return undefined;
    const token = generateToken();
    await this.tokens.save(
      this.tokens.create({
        teamId: null,
        name: 'admin (generated at first start)',
        tokenHash: hashToken(token),
        tokenPrefix: token.slice(0, 12),
        generated: true,
      }),
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
    // Another replica may not have retired it yet: a configured admin token always wins.
    if (row.generated && this.configuredAdminHash) return undefined;
    this.touch(row);
    if (row.teamId === null || !row.team) return { kind: 'admin', tokenId: row.id };
    return { kind: 'team', tokenId: row.id, teamId: row.teamId, teamSlug: row.team.slug };
  }

  private touch(row: ApiTokenEntity): void {
    const now = this.clock.now();
    if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    this.tokens.update({ id: row.id }, { lastUsedAt: now }).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record token use'));
  }

  async issueTeamToken(team: TeamEntity, name: string, issuedBy?: Principal): Promise<IssuedToken> {
    if (issuedBy) assertAdmin(issuedBy);
    const token = generateToken();
    const saved = await this.tokens.save(
      this.tokens.create({ teamId: team.id, name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12), issuedByTokenId: issuedBy?.tokenId ?? null }),
    );
    return { id: saved.id, name: saved.name, team: team.slug, token, tokenPrefix: saved.tokenPrefix, createdAt: saved.createdAt };
  }

  async listTeamTokens(team: TeamEntity): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { teamId: team.id }, order: { createdAt: 'ASC' } });
  }

  async revokeTeamToken(team: TeamEntity, tokenId: string, revokedBy?: Principal): Promise<ApiTokenEntity> {
    if (revokedBy) assertAdmin(revokedBy);
    const row = await this.tokens.findOne({ where: { id: tokenId, teamId: team.id } });
    if (!row) throw new NotFoundError('Token', tokenId);
    await this.revokeCascade([row.id]);
    return this.tokens.findOneOrFail({ where: { id: row.id } });
  }

  /** POST /api/v1/admin/tokens: a new admin token, issued by (and revoked with) the calling admin token. */
  async issueAdminToken(issuedBy: Principal, name: string): Promise<Omit<IssuedToken, 'team'> & { team: null }> {
    assertAdmin(issuedBy);
    const token = generateToken();
    const saved = await this.tokens.save(
      this.tokens.create({ teamId: null, name, tokenHash: hashToken(token), tokenPrefix: token.slice(0, 12), issuedByTokenId: issuedBy.tokenId }),
    );
    return { id: saved.id, name: saved.name, team: null, token, tokenPrefix: saved.tokenPrefix, createdAt: saved.createdAt };
  }

  /** DELETE /api/v1/admin/tokens/:id: revokes any token (admin or team) and every token it issued, transitively. */
  async revokeToken(revokedBy: Principal, tokenId: string): Promise<ApiTokenEntity> {
    assertAdmin(revokedBy);
    const row = await this.tokens.findOne({ where: { id: tokenId } });
    if (!row) throw new NotFoundError('Token', tokenId);
    await this.revokeCascade([row.id]);
    return this.tokens.findOneOrFail({ where: { id: row.id } });
  }

  /** Revokes the tokens and, transitively, every token they issued. */
  private async revokeCascade(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.tokens.query(
      `WITH RECURSIVE chain(id) AS (
         SELECT id FROM api_tokens WHERE id = ANY($1::uuid[])
         UNION SELECT t.id FROM api_tokens t JOIN chain c ON t.issued_by_token_id = c.id)
       UPDATE api_tokens SET revoked_at = $2 WHERE id IN (SELECT id FROM chain) AND revoked_at IS NULL`,
      [[...ids], this.clock.now()],
    );
  }
}
