/**
 * The closed vocabularies of the incident domain. Each is a readonly tuple (for
 * validation, ordering and iteration) plus the union type derived from it, so
 * DTOs, entities and Slack builders share one source of truth.
 */

/** SEV1 is the worst. The tuple order is from most to least severe. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lifecycle order; see incident-status.ts for which moves are allowed. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * public: may reach the status page (only its public updates do);
 * internal: visible to every authenticated user, never on the status page;
 * private: only the owning team and admins.
 */
export const VISIBILITIES = ['public', 'internal', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const INCIDENT_SOURCES = ['slack', 'api', 'slo', 'alertmanager'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

/**
 * The global list of incident types. Teams may add their own (stored in the
 * catalog); a type is therefore a free slug at runtime, and these are the ones
 * every installation starts with.
 */
export const DEFAULT_INCIDENT_TYPES = [
  { slug: 'deploy', label: 'Deploy' },
  { slug: 'dependency', label: 'Dependency' },
  { slug: 'capacity', label: 'Capacity' },
  { slug: 'config', label: 'Configuration' },
  { slug: 'security', label: 'Security' },
  { slug: 'other', label: 'Other' },
] as const satisfies readonly IncidentTypeDefinition[];

export interface IncidentTypeDefinition {
  /** lowercase slug, stored on the incident and used in insights */
  readonly slug: string;
  readonly label: string;
}

/** Same names and meaning as Atlassian Statuspage's component statuses. */
export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/**
 * Rank used to pick the worst of several statuses (higher is worse).
 * Maintenance ranks above operational (it is a known, announced disruption)
 * but below any unplanned degradation: a component that is both under
 * maintenance and in a partial outage shows the outage. This is how
 * Statuspage rolls components up into the page indicator.
 */
const COMPONENT_STATUS_RANK: Readonly<Record<ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** Negative when `a` is better than `b`, positive when worse, 0 when equal. */
export function compareComponentStatus(a: ComponentStatus, b: ComponentStatus): number {
  return COMPONENT_STATUS_RANK[a] - COMPONENT_STATUS_RANK[b];
}

/** The worst status of the list; `operational` for an empty list. */
export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const status of statuses) {
    if (compareComponentStatus(status, worst) > 0) worst = status;
  }
  return worst;
}

/** Negative when `a` is more severe than `b` (SEV1 < SEV2 in this ordering). */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

const isMember =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === 'string' && (values as readonly string[]).includes(value);

export const isSeverity = isMember(SEVERITIES);
export const isIncidentStatus = isMember(INCIDENT_STATUSES);
export const isVisibility = isMember(VISIBILITIES);
export const isIncidentSource = isMember(INCIDENT_SOURCES);
export const isComponentStatus = isMember(COMPONENT_STATUSES);

/** Open means anything but resolved: reminders, status page "unresolved", etc. */
export function isOpenStatus(status: IncidentStatus): boolean {
  return status !== 'resolved';
}

/** Human-facing label, e.g. `Investigating`. */
export function statusLabel(status: IncidentStatus): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

/**
 * Incident type slugs: lowercase letters, digits, `-` and `_`, starting with a
 * letter, at most 40 characters (they appear in insights keys and Slack selects).
 */
export function isIncidentTypeSlug(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z][a-z0-9_-]{0,39}$/.test(value);
}

/** Longest title accepted anywhere (Slack header blocks cap at 150 with the `INC-n` prefix). */
export const INCIDENT_TITLE_MAX_LENGTH = 120;
/** Longest summary or update body (a Slack text object holds 3000 characters). */
export const INCIDENT_TEXT_MAX_LENGTH = 3000;
