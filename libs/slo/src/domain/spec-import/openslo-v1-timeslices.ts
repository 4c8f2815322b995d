import { describeValue } from '../errors';
import { SloIndicator, validateIndicator } from '../slo-indicator';
import { parseWindow } from '../slo-window';
import { checkSliceFitsWindow } from '../timeslices';
import { Json, JsonObject, Located } from './json';
import { SpecReadContext } from './reader-context';

/** An OpenSLO thresholdMetric read from an SLI: its op/value come from each objective. */
export interface ThresholdQuery {
  readonly kind: 'threshold-query';
  readonly query: Located;
}

export type ReadIndicator = SloIndicator | ThresholdQuery;

/**
 * `spec.budgetingMethod` of an openslo/v1 SLO: Occurrences, or Timeslices
 * (returns true). RatioTimeslices (the mean of the slices' ratios) is refused.
 */
export function v1BudgetingIsTimeslices(ctx: SpecReadContext, value: Json | undefined, path: string): boolean {
  if (value === 'Timeslices') return true;
  if (value === 'RatioTimeslices') {
    ctx.report(path, 'RatioTimeslices budgeting is not supported; use Timeslices (good slices / slices) or Occurrences');
  } else if (value === undefined) {
    ctx.report(path, 'is required (Occurrences or Timeslices)');
  } else if (value !== 'Occurrences') {
    ctx.report(path, `must be Occurrences, Timeslices or RatioTimeslices, got ${describeValue(value)}`);
  }
  return false;
}

/**
 * The indicator of one objective: a thresholdMetric with the objective's
 * op/value; with Timeslices the objective's timeSliceWindow/timeSliceTarget as
 * `budgeting`. Every problem is reported at the objective's field.
 */
export function v1ObjectiveIndicator(
  ctx: SpecReadContext,
  read: ReadIndicator,
  objective: JsonObject,
  path: string,
  timeslices: boolean,
  window: string | undefined,
): SloIndicator | undefined {
  const threshold = read.kind === 'threshold-query';
  if (!threshold && (objective.op !== undefined || objective.value !== undefined)) {
    ctx.report(`${path}.op`, 'op/value apply to a thresholdMetric indicator only');
    return undefined;
  }
  if (!timeslices) {
    if (objective.timeSliceTarget !== undefined || objective.timeSliceWindow !== undefined) {
      ctx.report(`${path}.timeSliceWindow`, 'timeSliceTarget/timeSliceWindow need spec.budgetingMethod: Timeslices');
      return undefined;
    }
    if (threshold) {
      ctx.report('spec.budgetingMethod', 'a thresholdMetric needs Timeslices budgeting (a slice is good when the metric meets op/value)');
      return undefined;
    }
    return read;
  }
  if (objective.timeSliceWindow === undefined) {
    ctx.report(`${path}.timeSliceWindow`, 'is required with Timeslices budgeting');
    return undefined;
  }
  if (objective.timeSliceTarget === undefined) {
    ctx.report(`${path}.timeSliceTarget`, 'is required with Timeslices budgeting');
    return undefined;
  }
  const budgeting = { method: 'timeslices', slice: objective.timeSliceWindow, sliceTarget: objective.timeSliceTarget };
  const fieldPath = (field: string): string => {
    if (field.endsWith('.slice')) return `${path}.timeSliceWindow`;
    if (field.endsWith('.sliceTarget')) return `${path}.timeSliceTarget`;
    if (field.endsWith('.op')) return `${path}.op`;
    if (field.endsWith('.value')) return `${path}.value`;
    return threshold ? read.query.path : path;
  };
  return ctx.validated(
    () => {
      const indicator = validateIndicator(
        threshold ? { kind: 'threshold', query: read.query.text, op: objective.op, value: objective.value, budgeting } : { ...read, budgeting },
        'indicator',
      );
      if (window !== undefined) checkSliceFitsWindow(indicator.budgeting, parseWindow(window).seconds, 'indicator.budgeting');
      return indicator;
    },
    path,
    fieldPath,
  );
}
