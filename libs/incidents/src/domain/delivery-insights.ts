import { DurationSummary, isWithinPeriod, Period, previousPeriod, summarizeDurations } from './incident-insights';

export const DEPLOYMENT_STATUSES = ['succeeded', 'failed', 'rolled_back'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export function isDeploymentStatus(value: unknown): value is DeploymentStatus {
  return typeof value === 'string' && (DEPLOYMENT_STATUSES as readonly string[]).includes(value);
}

/** The only environment delivery insights read (DORA measures what reaches users). */
export const PRODUCTION_ENVIRONMENT = 'production';

const DAY_MS = 86_400_000;

/** What delivery insights need to know about one deployment. */
export interface DeliveryDeployment {
  readonly id: string;
  readonly team: string;
  readonly service: string;
  readonly environment: string;
  readonly status: DeploymentStatus;
  readonly finishedAt: Date;
  readonly commitAt: Date | null;
  readonly fixesIncidentId: string | null;
}

/** An incident that names the deployment that caused it (duplicates are left out by the caller or here). */
export interface DeliveryIncidentLink {
  readonly causedByDeploymentId: string;
  readonly resolvedAt: Date | null;
  readonly duplicate?: boolean;
}

export interface DeliveryFigures {
  /** production deployments that finished in the period, whatever their status */
  readonly deployments: number;
  readonly deploymentsPerDay: number;
  /** failed deployments ÷ deployments; null without deployments */
  readonly changeFailureRate: number | null;
  readonly failedDeploymentRecoveryTimeSeconds: DurationSummary;
  readonly leadTimeForChangesSeconds: DurationSummary;
  /** deployments that fix an incident ÷ deployments; null without deployments */
  readonly deploymentReworkRate: number | null;
}

export interface DeliveryInsights {
  readonly from: string;
  readonly to: string;
  readonly byTeam: Array<{ readonly team: string } & DeliveryFigures & { readonly previous: DeliveryFigures }>;
  readonly byService: Array<{ readonly team: string; readonly service: string } & DeliveryFigures & { readonly previous: DeliveryFigures }>;
}

/** Per-deployment facts the figures are built from; the SQL reader computes the same ones. */
export interface DeploymentOutcome {
  readonly failed: boolean;
  /** finishedAt → recovery in seconds (≥ 0); null when not failed or not yet recovered */
  readonly recoverySeconds: number | null;
  /** commitAt → finishedAt in seconds (≥ 0), for succeeded deployments with a commit time */
  readonly leadTimeSeconds: number | null;
  readonly rework: boolean;
}

/**
 * DORA's five for one deployment, given every production deployment of its
 * service (for "the next succeeded deployment") and the incidents naming it.
 * - failed: status failed or rolled_back, or an incident names it in causedByDeploymentId;
 * - recovery: when incidents name it, the last of their resolvedAt once all are
 *   resolved; otherwise the finishedAt of the service's next succeeded production
 *   deployment; measured from its finishedAt, never negative;
 * - lead time: commitAt → finishedAt of a succeeded deployment;
 * - rework: it names an incident it fixes (fixesIncidentId).
 */
export function deploymentOutcome(
  deployment: DeliveryDeployment,
  causedIncidents: readonly DeliveryIncidentLink[],
  nextSucceededFinishedAt: Date | null,
): DeploymentOutcome {
  const incidents = causedIncidents.filter((incident) => !incident.duplicate);
  const failed = deployment.status !== 'succeeded' || incidents.length > 0;
  let recoveredAt: Date | null = null;
  if (failed) {
    if (incidents.length > 0) {
      recoveredAt = incidents.every((incident) => incident.resolvedAt !== null)
        ? new Date(Math.max(...incidents.map((incident) => (incident.resolvedAt as Date).getTime())))
        : null;
    } else {
      recoveredAt = nextSucceededFinishedAt;
    }
  }
  return {
    failed,
    recoverySeconds: recoveredAt === null ? null : secondsBetween(deployment.finishedAt, recoveredAt),
    leadTimeSeconds: deployment.status === 'succeeded' && deployment.commitAt !== null ? secondsBetween(deployment.commitAt, deployment.finishedAt) : null,
    rework: deployment.fixesIncidentId !== null,
  };
}

/** The figures of a group of deployments' outcomes over a period of `periodMs`. */
export function summarizeDelivery(outcomes: readonly DeploymentOutcome[], periodMs: number): DeliveryFigures {
  const deployments = outcomes.length;
  const failed = outcomes.filter((outcome) => outcome.failed).length;
  const rework = outcomes.filter((outcome) => outcome.rework).length;
  return {
    deployments,
    deploymentsPerDay: deployments / (periodMs / DAY_MS),
    changeFailureRate: deployments === 0 ? null : failed / deployments,
    failedDeploymentRecoveryTimeSeconds: summarizeDurations(outcomes.flatMap((outcome) => (outcome.recoverySeconds === null ? [] : [outcome.recoverySeconds]))),
    leadTimeForChangesSeconds: summarizeDurations(outcomes.flatMap((outcome) => (outcome.leadTimeSeconds === null ? [] : [outcome.leadTimeSeconds]))),
    deploymentReworkRate: deployments === 0 ? null : rework / deployments,
  };
}

/**
 * GET /api/v1/insights/delivery from deployments and incident links (the
 * oracle the SQL reader is checked against). Production deployments only; a
 * deployment counts in the period in which it finished; the previous period is
 * the one of equal length before. Teams and services with a deployment in
 * either period are listed, by team then service slug.
 */
export function buildDeliveryInsights(deployments: Iterable<DeliveryDeployment>, incidents: Iterable<DeliveryIncidentLink>, period: Period): DeliveryInsights {
  const previous = previousPeriod(period);
  const production = [...deployments].filter((deployment) => deployment.environment === PRODUCTION_ENVIRONMENT);
  const causedBy = new Map<string, DeliveryIncidentLink[]>();
  for (const incident of incidents) {
    if (incident.duplicate) continue;
    const list = causedBy.get(incident.causedByDeploymentId) ?? [];
    list.push(incident);
    causedBy.set(incident.causedByDeploymentId, list);
  }
  const succeededByService = new Map<string, number[]>();
  for (const deployment of production) {
    if (deployment.status !== 'succeeded') continue;
    const list = succeededByService.get(deployment.service) ?? [];
    list.push(deployment.finishedAt.getTime());
    succeededByService.set(deployment.service, list);
  }
  for (const list of succeededByService.values()) list.sort((a, b) => a - b);
  const nextSucceeded = (deployment: DeliveryDeployment): Date | null => {
    const after = (succeededByService.get(deployment.service) ?? []).find((time) => time > deployment.finishedAt.getTime());
    return after === undefined ? null : new Date(after);
  };

  type Group = { team: string; service?: string; current: DeploymentOutcome[]; previous: DeploymentOutcome[] };
  const teams = new Map<string, Group>();
  const services = new Map<string, Group>();
  for (const deployment of production) {
    const which = isWithinPeriod(deployment.finishedAt, period) ? 'current' : isWithinPeriod(deployment.finishedAt, previous) ? 'previous' : null;
    if (which === null) continue;
    const outcome = deploymentOutcome(deployment, causedBy.get(deployment.id) ?? [], nextSucceeded(deployment));
    const team = teams.get(deployment.team) ?? { team: deployment.team, current: [], previous: [] };
    teams.set(deployment.team, team);
    team[which].push(outcome);
    const serviceKey = `${deployment.team}\u0000${deployment.service}`;
    const service = services.get(serviceKey) ?? { team: deployment.team, service: deployment.service, current: [], previous: [] };
    services.set(serviceKey, service);
    service[which].push(outcome);
  }
  const length = period.to.getTime() - period.from.getTime();
  const figures = (group: Group) => ({ ...summarizeDelivery(group.current, length), previous: summarizeDelivery(group.previous, length) });
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    byTeam: [...teams.values()].sort((a, b) => byKey(a.team, b.team)).map((group) => ({ team: group.team, ...figures(group) })),
    byService: [...services.values()]
      .sort((a, b) => byKey(a.team, b.team) || byKey(a.service as string, b.service as string))
      .map((group) => ({ team: group.team, service: group.service as string, ...figures(group) })),
  };
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}
