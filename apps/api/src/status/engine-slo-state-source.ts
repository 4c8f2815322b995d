import { Injectable } from '@nestjs/common';
import { SloReadModel } from '@app/slo';
import { SloStateReading, SloStateSource } from '@app/status';

/** Binds the status page's SLO port to the SLO engine's stored latest states (no Prometheus query). */
@Injectable()
export class EngineSloStateSource extends SloStateSource {
  constructor(private readonly slos: SloReadModel) {
    super();
  }

  async getStates(sloIds: readonly string[]): Promise<ReadonlyMap<string, SloStateReading>> {
    const states = await this.slos.latestStates(sloIds);
    const readings = new Map<string, SloStateReading>();
    for (const [id, latest] of states) {
      if (latest.state) readings.set(id, { state: latest.state, evaluatedAt: latest.evaluatedAt, componentStatusOn: latest.componentStatusOn ?? 'page' });
    }
    return readings;
  }
}
