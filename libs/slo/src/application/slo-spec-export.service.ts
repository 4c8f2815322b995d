import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { renderOpenSlo } from '../domain/openslo-export';
import { sloWindowText } from '../domain/slo-window-columns';
import { renderSlothRules } from '../domain/sloth-rules';
import { SloEntity } from '../persistence/slo.entity';

export interface SloExportFilter {
  /** Team slug. */
  readonly team?: string;
  /** Service slug. */
  readonly service?: string;
}

/** SLOs written out for other tools: OpenSLO v1 documents and Sloth-compatible Prometheus rules. */
@Injectable()
export class SloSpecExportService {
  constructor(@InjectRepository(SloEntity) private readonly slos: Repository<SloEntity>) {}

  async openSlo(filter: SloExportFilter = {}): Promise<string> {
    const slos = await this.selected(filter);
    return renderOpenSlo(
      slos.map((slo) => ({
        name: slo.name,
        description: slo.description,
        service: slo.service.slug,
        serviceName: slo.service.name,
        objective: slo.objective,
        window: sloWindowText(slo),
        timeZone: slo.windowTimeZone,
        indicator: slo.indicator,
      })),
    );
  }

  async slothRules(filter: SloExportFilter = {}): Promise<string> {
    const slos = await this.selected(filter);
    return renderSlothRules(
      slos.map((slo) => ({
        id: slo.id,
        name: slo.name,
        service: slo.service.slug,
        team: slo.service.team.slug,
        objective: slo.objective,
        window: `${slo.windowDays}d`,
        indicator: slo.indicator,
        alerting: slo.alerting,
      })),
    );
  }

  private async selected(filter: SloExportFilter): Promise<SloEntity[]> {
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .orderBy('service.slug', 'ASC')
      .addOrderBy('slo.name', 'ASC');
    if (filter.team !== undefined) query.andWhere('team.slug = :team', { team: filter.team });
    if (filter.service !== undefined) query.andWhere('service.slug = :service', { service: filter.service });
    return query.getMany();
  }
}
