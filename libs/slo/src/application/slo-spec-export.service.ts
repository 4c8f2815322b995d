import { Injectable } from '@nestjs/common';
import { renderOpenSlo } from '../domain/openslo-export';
import { renderPrometheusRules } from '../domain/prometheus-rules';
import { sloWindowText } from '../domain/slo-window-columns';
import { renderSlothRules } from '../domain/sloth-rules';
import { SloEntity } from '../persistence/slo.entity';
import { SloRepository } from '../persistence/slo.repository';

export interface SloExportFilter {
  /** Team slug. */
  readonly team?: string;
  /** Service slug. */
  readonly service?: string;
}

/** SLOs written out for other tools: OpenSLO v1 documents, Ballast's Prometheus rules and Sloth-compatible rules. */
@Injectable()
export class SloSpecExportService {
  constructor(private readonly slos: SloRepository) {}

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
        policy: slo.policy,
        alerting: slo.alerting,
      })),
    );
  }

  async slothRules(filter: SloExportFilter = {}): Promise<string> {
    const slos = await this.selected(filter);
    return renderSlothRules(slos.map((slo) => ({ ...ruleSource(slo), alerting: slo.alerting })));
  }

  /** The Prometheus rule file (recording + multi-window burn-rate alerts) of the selected SLOs. */
  async prometheusRules(filter: SloExportFilter = {}): Promise<string> {
    const slos = await this.selected(filter);
    return renderPrometheusRules(slos.map(ruleSource));
  }

  private selected(filter: SloExportFilter): Promise<SloEntity[]> {
    return this.slos.all({ team: filter.team, service: filter.service });
  }
}

/** What both rule files need of an SLO (a calendar SLO by its nominal rolling length). */
function ruleSource(slo: SloEntity) {
  return {
    id: slo.id,
    name: slo.name,
    service: slo.service.slug,
    team: slo.service.team.slug,
    objective: slo.objective,
    window: `${slo.windowDays}d`,
    indicator: slo.indicator,
  };
}
