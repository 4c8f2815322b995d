import { SloValidationError } from '../errors';
import { SloPolicy, validatePolicy } from '../slo-policy';
import { Json, JsonObject } from './json';
import { SpecReadContext } from './reader-context';
import { SloAlertingSpec } from './spec-types';

/*
 * Ballast's policy and alert naming in OpenSLO
 * --------------------------------------------
 * OpenSLO's AlertPolicy says little more than "alert on burn rate with this
 * severity", so Ballast exports an SLO's policy and alert naming as two
 * annotations of the SLO document (`metadata.annotations`, string values, JSON),
 * which the import reads back: the same SLO after a round trip. Tools that do
 * not know them keep them as annotations.
 *
 * The status-page part of a policy (statusComponentId and what depends on it)
 * is not exported: a component is a team's own, set through the API, and an
 * imported file must not attach an SLO to a component it names.
 */
export const POLICY_ANNOTATION = 'ballast.dev/policy';
export const ALERTING_ANNOTATION = 'ballast.dev/alerting';
const COMPONENT_FIELDS = ['statusComponentId', 'publicIncident', 'componentStatusOn', 'publicTitle', 'publicMessage'] as const;

/** The annotations of one SLO (none for the defaults). */
export function ballastAnnotations(policy: SloPolicy | undefined, alerting: SloAlertingSpec | null | undefined): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (policy !== undefined) {
    const exported = Object.fromEntries(Object.entries(policy).filter(([key]) => !(COMPONENT_FIELDS as readonly string[]).includes(key)));
    annotations[POLICY_ANNOTATION] = JSON.stringify(exported);
  }
  if (alerting !== null && alerting !== undefined && Object.keys(alerting).length > 0) annotations[ALERTING_ANNOTATION] = JSON.stringify(alerting);
  return annotations;
}

/** Policy and alerting from an SLO document's annotations; problems are reported at the annotation. */
export function readBallastAnnotations(
  ctx: SpecReadContext,
  metadata: JsonObject | undefined,
): { readonly policy?: SloPolicy; readonly alerting?: SloAlertingSpec } {
  const annotations = metadata?.annotations;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return {};
  const read = (key: string): unknown => {
    const value = (annotations as Record<string, Json>)[key];
    if (value === undefined) return undefined;
    const path = `metadata.annotations.${key}`;
    if (typeof value !== 'string') {
      ctx.report(path, 'must be a JSON string');
      return undefined;
    }
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.report(path, 'is not valid JSON');
      return undefined;
    }
  };
  const result: { policy?: SloPolicy; alerting?: SloAlertingSpec } = {};
  const policy = read(POLICY_ANNOTATION);
  if (policy !== undefined) {
    const path = `metadata.annotations.${POLICY_ANNOTATION}`;
    const component = typeof policy === 'object' && policy !== null ? COMPONENT_FIELDS.find((key) => key in policy) : undefined;
    if (component !== undefined) {
      ctx.report(path, `${component} cannot be imported; attach a status component through the API`);
    } else {
      const valid = ctx.validated(() => validatePolicy(policy, 'policy'), path);
      if (valid !== undefined) result.policy = valid;
    }
  }
  const alerting = read(ALERTING_ANNOTATION);
  if (alerting !== undefined) {
    const valid = ctx.validated(() => validateAlerting(alerting), `metadata.annotations.${ALERTING_ANNOTATION}`);
    if (valid !== undefined) result.alerting = valid;
  }
  return result;
}

function validateAlerting(input: unknown): SloAlertingSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SloValidationError('alerting', 'alerting must be an object');
  const fields = input as Record<string, unknown>;
  const alerting: { name?: string; labels?: Record<string, string>; pageLabels?: Record<string, string>; ticketLabels?: Record<string, string> } = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name') {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
        throw new SloValidationError('alerting.name', 'alerting.name must be a name of 1 to 200 characters');
      }
      alerting.name = value;
    } else if (key === 'labels' || key === 'pageLabels' || key === 'ticketLabels') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new SloValidationError(`alerting.${key}`, `alerting.${key} must be an object`);
      const labels = Object.entries(value as Record<string, unknown>);
      if (labels.some(([name, text]) => name === '' || name.length > 100 || typeof text !== 'string' || text.length > 500)) {
        throw new SloValidationError(`alerting.${key}`, `alerting.${key} must map label names to strings`);
      }
      alerting[key] = Object.fromEntries(labels) as Record<string, string>;
    } else {
      throw new SloValidationError(`alerting.${key}`, `alerting.${key} is not a field of alerting (name, labels, pageLabels, ticketLabels)`);
    }
  }
  return alerting;
}
