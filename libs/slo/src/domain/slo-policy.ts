import { describeValue, SloValidationError } from './errors';
import { BREACH_WINDOWS, BreachWindow, isBreachWindow, MAX_BREACH_AFTER_HOURS, MIN_BREACH_AFTER_HOURS } from './sustained-breach';

/** Incident severities an SLO policy may ask for (the incidents lib's SEV1..SEV4). */
export const SLO_POLICY_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type SloPolicySeverity = (typeof SLO_POLICY_SEVERITIES)[number];

/**
 * What Ballast does when the SLO burns. The SLO engine only stores and
 * publishes it (with every `slo.evaluated` event); the api app acts on it.
 */
export interface SloPolicy {
  /** Open an incident when a page tier fires. */
  readonly openIncident: boolean;
  readonly severity: SloPolicySeverity;
  /** Status page component (12-character public id) the burn moves. */
  readonly statusComponentId?: string;
  /** Whether the opened incident is public on the status page. */
  readonly publicIncident?: boolean;
  /** Resolve the opened incident after the SLO has been healthy this long. */
  readonly autoResolveAfterMinutes?: number;
  /** Open one incident per sustained miss: every `window`-long stretch of the last `afterHours` hours missed the objective. */
  readonly breachIncident?: { readonly window: BreachWindow; readonly afterHours: number };
  /** While the budget is exhausted, the service's deploy gate says no. */
  readonly freezeDeploys?: boolean;
  /** Which burning tier moves the status component: `page` (default) or `ticket` (a ticket tier too). */
  readonly componentStatusOn?: SloComponentStatusTier;
  /**
   * Customer-facing title of a public incident the SLO opens (never the SLO's name):
   * `{component}` and `{service}` are replaced. Default "Elevated error rates on {component}".
   */
  readonly publicTitle?: string;
  /** Customer-facing first update of that incident, same placeholders. */
  readonly publicMessage?: string;
  /** 5-minute buckets overlapping a maintenance of the linked components do not count against the budget. */
  readonly excludeMaintenance?: boolean;
}

export const SLO_COMPONENT_STATUS_TIERS = ['page', 'ticket'] as const;
export type SloComponentStatusTier = (typeof SLO_COMPONENT_STATUS_TIERS)[number];

export const DEFAULT_PUBLIC_INCIDENT_TITLE = 'Elevated error rates on {component}';
export const DEFAULT_PUBLIC_INCIDENT_MESSAGE = 'We are seeing elevated error rates on {component} and are investigating.';
const MAX_PUBLIC_TITLE = 120;
const MAX_PUBLIC_MESSAGE = 2000;

/**
 * The customer-facing title and first update of a public incident an SLO
 * opens, from the policy's templates (or the defaults). `component` is the
 * status component's name (the service's name when there is none).
 */
export function publicIncidentText(policy: SloPolicy, names: { readonly component: string; readonly service: string }): { title: string; message: string } {
  const fill = (template: string) => template.replace(/\{(component|service)\}/g, (_match, key: 'component' | 'service') => names[key]);
  return {
    title: fill(policy.publicTitle ?? DEFAULT_PUBLIC_INCIDENT_TITLE).slice(0, MAX_PUBLIC_TITLE),
    message: fill(policy.publicMessage ?? DEFAULT_PUBLIC_INCIDENT_MESSAGE).slice(0, MAX_PUBLIC_MESSAGE),
  };
}

export const DEFAULT_SLO_POLICY: SloPolicy = { openIncident: false, severity: 'SEV3' };

const COMPONENT_ID = /^[a-z0-9]{12}$/;
const MAX_AUTO_RESOLVE_MINUTES = 7 * 24 * 60;
const POLICY_FIELDS = ['openIncident', 'severity', 'statusComponentId', 'publicIncident', 'autoResolveAfterMinutes'];
// The status page's fields (a line of their own: other policy fields are added beside them).
POLICY_FIELDS.push('componentStatusOn', 'publicTitle', 'publicMessage');
POLICY_FIELDS.push('breachIncident', 'freezeDeploys');
POLICY_FIELDS.push('excludeMaintenance');

/** Checks a policy object; absent optional fields stay absent. */
export function validatePolicy(input: unknown, field = 'policy'): SloPolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SloValidationError(field, `${field} must be an object, got ${describeValue(input)}`);
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !POLICY_FIELDS.includes(key));
  if (unknown !== undefined) {
    throw new SloValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a policy field (${POLICY_FIELDS.join(', ')})`);
  }
  if (typeof fields.openIncident !== 'boolean') {
    throw new SloValidationError(`${field}.openIncident`, `${field}.openIncident must be true or false, got ${describeValue(fields.openIncident)}`);
  }
  const severity = fields.severity ?? DEFAULT_SLO_POLICY.severity;
  if (!SLO_POLICY_SEVERITIES.includes(severity as SloPolicySeverity)) {
    throw new SloValidationError(`${field}.severity`, `${field}.severity must be one of ${SLO_POLICY_SEVERITIES.join(', ')}, got ${describeValue(severity)}`);
  }
  const policy: { -readonly [K in keyof SloPolicy]: SloPolicy[K] } = { openIncident: fields.openIncident, severity: severity as SloPolicySeverity };
  if (fields.statusComponentId !== undefined && fields.statusComponentId !== null) {
    if (typeof fields.statusComponentId !== 'string' || !COMPONENT_ID.test(fields.statusComponentId)) {
      throw new SloValidationError(
        `${field}.statusComponentId`,
        `${field}.statusComponentId must be a status component id (12 lowercase letters or digits), got ${describeValue(fields.statusComponentId)}`,
      );
    }
    policy.statusComponentId = fields.statusComponentId;
  }
  if (fields.publicIncident !== undefined && fields.publicIncident !== null) {
    if (typeof fields.publicIncident !== 'boolean') {
      throw new SloValidationError(`${field}.publicIncident`, `${field}.publicIncident must be true or false, got ${describeValue(fields.publicIncident)}`);
    }
    policy.publicIncident = fields.publicIncident;
  }
  if (fields.autoResolveAfterMinutes !== undefined && fields.autoResolveAfterMinutes !== null) {
    const minutes = fields.autoResolveAfterMinutes;
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_AUTO_RESOLVE_MINUTES) {
      throw new SloValidationError(
        `${field}.autoResolveAfterMinutes`,
        `${field}.autoResolveAfterMinutes must be a whole number of minutes between 1 and ${MAX_AUTO_RESOLVE_MINUTES}, got ${describeValue(minutes)}`,
      );
    }
    policy.autoResolveAfterMinutes = minutes;
  }
  if (fields.componentStatusOn !== undefined && fields.componentStatusOn !== null) {
    if (!SLO_COMPONENT_STATUS_TIERS.includes(fields.componentStatusOn as SloComponentStatusTier)) {
      throw new SloValidationError(
        `${field}.componentStatusOn`,
        `${field}.componentStatusOn must be one of ${SLO_COMPONENT_STATUS_TIERS.join(', ')}, got ${describeValue(fields.componentStatusOn)}`,
      );
    }
    policy.componentStatusOn = fields.componentStatusOn as SloComponentStatusTier;
  }
  for (const [key, max] of [
    ['publicTitle', MAX_PUBLIC_TITLE],
    ['publicMessage', MAX_PUBLIC_MESSAGE],
  ] as const) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
      throw new SloValidationError(
        `${field}.${key}`,
        `${field}.${key} must be a text of 1 to ${max} characters ({component} and {service} are filled in), got ${describeValue(value)}`,
      );
    }
    policy[key] = value;
  }
  if (fields.breachIncident !== undefined && fields.breachIncident !== null) {
    policy.breachIncident = validateBreachIncident(fields.breachIncident, `${field}.breachIncident`);
  }
  if (fields.freezeDeploys !== undefined && fields.freezeDeploys !== null) {
    if (typeof fields.freezeDeploys !== 'boolean') {
      throw new SloValidationError(`${field}.freezeDeploys`, `${field}.freezeDeploys must be true or false, got ${describeValue(fields.freezeDeploys)}`);
    }
    policy.freezeDeploys = fields.freezeDeploys;
  }
  if (fields.excludeMaintenance !== undefined && fields.excludeMaintenance !== null) {
    if (typeof fields.excludeMaintenance !== 'boolean') {
      throw new SloValidationError(
        `${field}.excludeMaintenance`,
        `${field}.excludeMaintenance must be true or false, got ${describeValue(fields.excludeMaintenance)}`,
      );
    }
    policy.excludeMaintenance = fields.excludeMaintenance;
  }
  return policy;
}

function validateBreachIncident(input: unknown, field: string): { readonly window: BreachWindow; readonly afterHours: number } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SloValidationError(field, `${field} must be an object { window, afterHours }, got ${describeValue(input)}`);
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => key !== 'window' && key !== 'afterHours');
  if (unknown !== undefined) throw new SloValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a field of ${field} (window, afterHours)`);
  if (!isBreachWindow(fields.window)) {
    throw new SloValidationError(
      `${field}.window`,
      `${field}.window must be one of ${Object.keys(BREACH_WINDOWS).join(', ')}, got ${describeValue(fields.window)}`,
    );
  }
  const hours = fields.afterHours;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < MIN_BREACH_AFTER_HOURS || hours > MAX_BREACH_AFTER_HOURS) {
    throw new SloValidationError(
      `${field}.afterHours`,
      `${field}.afterHours must be a whole number of hours between ${MIN_BREACH_AFTER_HOURS} and ${MAX_BREACH_AFTER_HOURS}, got ${describeValue(hours)}`,
    );
  }
  if (BREACH_WINDOWS[fields.window] > hours * 3600) {
    throw new SloValidationError(`${field}.window`, `${field}.window (${fields.window}) must not be longer than afterHours (${hours}h)`);
  }
  return { window: fields.window, afterHours: hours };
}
