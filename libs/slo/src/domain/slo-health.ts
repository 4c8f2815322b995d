import { SloValidationError } from './errors';
import { PrometheusFailure, SloState } from './slo-status';

/**
 * States from "needs someone now" to "fine": a page tier firing, a ticket tier
 * firing, then the states where Ballast cannot tell (Prometheus failing, figures
 * going stale), no traffic, ok.
 */
export const SLO_STATES_WORST_FIRST: readonly SloState[] = ['critical', 'warning', 'error', 'stale', 'no_data', 'ok'];

export function isSloState(value: unknown): value is SloState {
  return typeof value === 'string' && (SLO_STATES_WORST_FIRST as readonly string[]).includes(value);
}

/** The worst of the states (null ones, never evaluated, are skipped); null for none. */
export function worstSloState(states: Iterable<SloState | null | undefined>): SloState | null {
  let worst: number | null = null;
  for (const state of states) {
    if (state === null || state === undefined) {
      continue;
    }
    const rank = SLO_STATES_WORST_FIRST.indexOf(state);
    if (worst === null || rank < worst) {
      worst = rank;
    }
  }
  return worst === null ? null : SLO_STATES_WORST_FIRST[worst];
}

/**
 * The state of an evaluation Prometheus did not answer: `error` while the last
 * good figures are younger than `staleAfterSeconds`, `stale` from then on. With
 * no good evaluation yet, the age counts from the first failed one.
 */
export function prometheusFailureState(input: {
  readonly now: Date;
  readonly lastSuccessAt: Date | null;
  /** First failed evaluation of the current run of failures (this one, if it is the first). */
  readonly failingSince: Date;
  readonly staleAfterSeconds: number;
}): PrometheusFailure {
  const since = (input.lastSuccessAt ?? input.failingSince).getTime();
  return input.now.getTime() - since >= input.staleAfterSeconds * 1000 ? 'stale' : 'error';
}

/** Steps a history chart is downsampled to. */
const HISTORY_STEPS_SECONDS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];
export const MAX_HISTORY_POINTS = 500;
export const MAX_HISTORY_SPAN_DAYS = 400;

/**
 * The step of a history series over [from, to]: the smallest listed step not
 * below `minimumStepSeconds` (no point in bins finer than evaluations) that
 * keeps the series within MAX_HISTORY_POINTS points.
 */
export function historyStepSeconds(range: { readonly from: Date; readonly to: Date }, minimumStepSeconds: number): number {
  const spanSeconds = (range.to.getTime() - range.from.getTime()) / 1000;
  if (!Number.isFinite(spanSeconds) || spanSeconds <= 0) {
    throw new SloValidationError('from', 'from must be a valid time before to');
  }
  if (spanSeconds > MAX_HISTORY_SPAN_DAYS * 86_400) {
    throw new SloValidationError('from', `The history range may span at most ${MAX_HISTORY_SPAN_DAYS} days`);
  }
  const wanted = Math.max(minimumStepSeconds, spanSeconds / MAX_HISTORY_POINTS);
  return HISTORY_STEPS_SECONDS.find((step) => step >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}
