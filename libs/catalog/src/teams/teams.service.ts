import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, isUniqueViolation, NotFoundError, Page, PageRequest } from '@app/platform';
import { TeamEntity } from './team.entity';

export interface CreateTeamInput {
  slug: string;
  name: string;
  slackChannelId?: string | null;
}

export type UpdateTeamInput = Partial<Omit<CreateTeamInput, 'slug'>> & {
  metricLabels?: Record<string, string> | null;
  /** PagerDuty Events API v2 routing key (write-only; null removes it). */
  pagerdutyRoutingKey?: string | null;
};

@Injectable()
export class TeamsService {
  constructor(@InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>) {}

  async createTeam(input: CreateTeamInput): Promise<TeamEntity> {
    try {
      return await this.teams.save(this.teams.create({ slug: input.slug, name: input.name, slackChannelId: input.slackChannelId ?? null }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('team_exists', `Team '${input.slug}' already exists`, { field: 'slug' });
      throw error;
    }
  }

  async listTeams(page: PageRequest): Promise<Page<TeamEntity>> {
    const [items, total] = await this.teams.findAndCount({ order: { slug: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async getTeam(slug: string): Promise<TeamEntity> {
    const team = await this.teams.findOne({ where: { slug } });
    if (!team) throw new NotFoundError('Team', slug);
    return team;
  }

  async getTeamById(id: string): Promise<TeamEntity> {
    const team = await this.teams.findOne({ where: { id } });
    if (!team) throw new NotFoundError('Team', id);
    return team;
  }

  async findTeams(slugs: string[]): Promise<TeamEntity[]> {
    if (slugs.length === 0) return [];
    return this.teams.createQueryBuilder('team').where('team.slug IN (:...slugs)', { slugs }).getMany();
  }

  async updateTeam(slug: string, changes: UpdateTeamInput): Promise<TeamEntity> {
    const team = await this.getTeam(slug);
    if (changes.name !== undefined) team.name = changes.name;
    if (changes.slackChannelId !== undefined) team.slackChannelId = changes.slackChannelId;
    if (changes.metricLabels !== undefined) team.metricLabels = changes.metricLabels;
    if (changes.pagerdutyRoutingKey === undefined) return this.teams.save(team);
    // The key is not mapped on the entity (it must never be read back): written on its own, then the team read again.
    const key = changes.pagerdutyRoutingKey;
    await this.teams.manager.transaction(async (manager) => {
      await manager.save(TeamEntity, team);
      await manager.query('UPDATE teams SET pagerduty_routing_key = $2, updated_at = now() WHERE id = $1', [team.id, key]);
    });
    return this.getTeamById(team.id);
  }
}
