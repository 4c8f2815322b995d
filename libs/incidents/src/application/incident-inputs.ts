import type { Principal } from '@app/catalog';
import type { ComponentStatus, IncidentSource, IncidentStatus, Severity, Visibility } from '../domain/incident-enums';
import type { IncidentEntity } from '../persistence/incident.entity';

// The inputs and results of the incident services (lifecycle and queries).

export interface AffectedComponentInput {
  componentId: string;
  status: ComponentStatus;
}

export interface DeclareIncidentInput {
  title: string;
  summary?: string | null;
  severity: Severity;
  /** owning team slug */
  team: string;
  type: string;
  services?: string[];
  visibility?: Visibility;
  affectedComponents?: AffectedComponentInput[];
  commander?: string | null;
  startedAt?: Date | null;
  detectedAt?: Date | null;
  source: IncidentSource;
  /** one OPEN incident per key (SLO id, Alertmanager groupKey) */
  dedupKey?: string | null;
  /** one incident per key, ever (a chat form submission, the Idempotency-Key header) */
  idempotencyKey?: string | null;
  /**
   * Who asks, when a token does (API, Alertmanager): the ownership rule
   * (ReferenceOwnership) then holds for `team`, `services` and
   * `affectedComponents`. Omitted for system sources (SLO policy, chat).
   */
  principal?: Principal;
  /** initial status (history import); default investigating */
  status?: IncidentStatus;
  /** real times (DESIGN "Incidents: real times"); resolvedAt only with status resolved */
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
  /** false: not announced anywhere: no chat channel, posts, paging or notifications (imported history); default true */
  announce?: boolean;
  causedByDeploymentId?: string | null;
}

export interface DeclareIncidentResult {
  incident: IncidentEntity;
  /** false when an existing incident answered the idempotency or dedup key */
  created: boolean;
}

export interface UpdateIncidentInput {
  title?: string;
  summary?: string;
  status?: IncidentStatus;
  severity?: Severity;
  commander?: string | null;
  visibility?: Visibility;
  type?: string;
  startedAt?: Date;
  affectedComponents?: AffectedComponentInput[];
  /** Who asks, when a token does: the ownership rule then holds for `affectedComponents`. */
  principal?: Principal;
  detectedAt?: Date;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date;
  /** a deployment id (checked by the caller for the principal), or null to unlink */
  causedByDeploymentId?: string | null;
  /** id or INC-n of the original: resolves this one as its duplicate; null undoes the link */
  duplicateOf?: string | null;
}

export interface PostUpdateInput {
  body: string;
  public: boolean;
  status?: IncidentStatus;
}

export interface ListIncidentsFilter {
  team?: string;
  status?: IncidentStatus;
  open?: boolean;
  severity?: Severity;
  source?: IncidentSource;
  /** e.g. `slo:<id>`: every incident (open or not) opened under that key */
  dedupKey?: string;
}

export interface RecordEventOptions {
  occurredAt?: Date;
  /** natural key of an external event: a replay with the same key is ignored */
  sourceRef?: string;
  body?: string;
}
