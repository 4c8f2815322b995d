import { Injectable } from '@nestjs/common';
import type { ComponentStatusTier, SloHealthState } from './domain/component-status';

export interface SloStateReading {
  readonly state: SloHealthState;
  /** When the SLO engine last evaluated it, if known. */
  readonly evaluatedAt?: Date | null;
  /** The tier that moves linked components (the SLO policy's componentStatusOn); `page` when absent. */
  readonly componentStatusOn?: ComponentStatusTier;
}

/**
 * Port to the SLO engine: the latest state of the given SLOs. The status job
 * calls it every tick and stores the states on the component links, where the
 * admin API and the status page read them; so an implementation must answer
 * from the engine's last evaluation (no Prometheus round trip) and simply omit
 * SLOs it does not know. Bind an implementation with
 * `StatusModule.forRoot({ sloStateSource: ..., imports: [...] })`.
 */
export abstract class SloStateSource {
  abstract getStates(sloIds: readonly string[]): Promise<ReadonlyMap<string, SloStateReading>>;
}

/** Until the SLO engine is wired in: no SLO is known, so SLOs never move a component. */
@Injectable()
export class NoSloStateSource extends SloStateSource {
  async getStates(): Promise<ReadonlyMap<string, SloStateReading>> {
    return new Map();
  }
}
