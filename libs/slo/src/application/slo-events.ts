import type { SloPolicy } from '../domain/slo-policy';
import type { SloStatus } from '../domain/slo-status';

/** Emitted (EventEmitter2) after every evaluation of an SLO, good or failed, once it is stored. */
export const SLO_EVALUATED = 'slo.evaluated';

/** The SLO an event is about, with what a listener needs to act on its policy. */
export interface SloEventSubject {
  readonly id: string;
  readonly name: string;
  readonly objective: number;
  /** `Nd` */
  readonly window: string;
  readonly policy: SloPolicy;
  readonly service: { readonly id: string; readonly slug: string; readonly name: string };
  readonly team: { readonly id: string; readonly slug: string };
}

export interface SloEvaluatedEvent {
  readonly slo: SloEventSubject;
  /** The stored status before this evaluation; null for the first one. */
  readonly previousStatus: SloStatus | null;
  readonly status: SloStatus;
}
