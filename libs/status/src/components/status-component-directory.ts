import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ComponentDirectory } from '@app/incidents';
import { isPublicId } from '../domain/public-id';
import { StatusComponentEntity } from '../persistence/status-component.entity';

/** The incidents lib's port "which component ids exist", answered from the status components table. */
@Injectable()
export class StatusComponentDirectory extends ComponentDirectory {
  constructor(@InjectRepository(StatusComponentEntity) private readonly components: Repository<StatusComponentEntity>) {
    super();
  }

  async existingComponentIds(ids: string[]): Promise<Set<string>> {
    const candidates = [...new Set(ids.filter(isPublicId))];
    if (candidates.length === 0) return new Set();
    const found = await this.components.find({ where: { id: In(candidates) }, select: { id: true } });
    return new Set(found.map((component) => component.id));
  }
}
