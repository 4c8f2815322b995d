import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, isUniqueViolation, NotFoundError, Page, PageRequest, ValidationFailedError } from '@app/platform';
import { TeamEntity } from '../teams/team.entity';
import { ServiceEntity } from './service.entity';

export interface CreateServiceInput {
  slug: string;
  name: string;
  team: string;
}

export interface UpdateServiceInput {
  name?: string;
  team?: string;
}

@Injectable()
export class ServicesService {
  constructor(
    @InjectRepository(ServiceEntity) private readonly services: Repository<ServiceEntity>,
    @InjectRepository(TeamEntity) private readonly teams: Repository<TeamEntity>,
  ) {}

  private async resolveTeam(slug: string): Promise<TeamEntity> {
    const team = await this.teams.findOne({ where: { slug } });
    if (!team) throw new ValidationFailedError(`team '${slug}' does not exist`, { field: 'team', code: 'unknown_team' });
    return team;
  }

  /** Resolves the owning team first, so callers can check access before writing. */
  async owningTeamForNewService(teamSlug: string): Promise<TeamEntity> {
    return this.resolveTeam(teamSlug);
  }

  async createService(input: CreateServiceInput): Promise<ServiceEntity> {
    const team = await this.resolveTeam(input.team);
    try {
      const saved = await this.services.save(this.services.create({ slug: input.slug, name: input.name, teamId: team.id }));
      return { ...saved, team };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('service_exists', `Service '${input.slug}' already exists`, { field: 'slug' });
      throw error;
    }
  }

  async listServices(page: PageRequest, filter: { team?: string } = {}): Promise<Page<ServiceEntity>> {
    const query = this.services.createQueryBuilder('service').innerJoinAndSelect('service.team', 'team').orderBy('service.slug', 'ASC');
    if (filter.team) query.andWhere('team.slug = :team', { team: filter.team });
    const [items, total] = await query.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async getService(slug: string): Promise<ServiceEntity> {
    const service = await this.services.findOne({ where: { slug } });
    if (!service) throw new NotFoundError('Service', slug);
    return service;
  }

  async findServices(slugs: string[]): Promise<ServiceEntity[]> {
    if (slugs.length === 0) return [];
    return this.services.createQueryBuilder('service').innerJoinAndSelect('service.team', 'team').where('service.slug IN (:...slugs)', { slugs }).getMany();
  }

  async updateService(slug: string, changes: UpdateServiceInput, beforeMove?: (newTeam: TeamEntity) => void): Promise<ServiceEntity> {
    const service = await this.getService(slug);
    if (changes.name !== undefined) service.name = changes.name;
    if (changes.team !== undefined) {
      const team = await this.resolveTeam(changes.team);
      beforeMove?.(team);
      service.teamId = team.id;
      service.team = team;
    }
    return this.services.save(service);
  }
}
