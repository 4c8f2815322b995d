import type { ComponentStatus, IncidentStatus, Severity } from '@app/incidents';
import type { ComponentStatusTier, SloHealthState } from './component-status';
import type { MaintenanceStatus } from './maintenance-status';

/**
 * Everything status derivation and the public page are computed from, as read
 * from the database in one consistent snapshot. Only public material is ever
 * loaded for incidents (public incidents, their public updates, component
 * changes): names of people, Slack channels and internal notes are never read.
 */
export interface StatusSource {
  readonly groups: readonly GroupRecord[];
  readonly components: readonly ComponentRecord[];
  /** Public incidents: every unresolved one plus the most recent resolved ones. */
  readonly incidents: readonly PublicIncidentRecord[];
  readonly maintenances: readonly MaintenanceRecord[];
  /** Recorded derived statuses overlapping the history window. */
  readonly history: readonly HistoryRecord[];
}

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly position: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ComponentRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly position: number;
  readonly groupId: string | null;
  readonly onlyShowIfDegraded: boolean;
  readonly manualStatus: ComponentStatus | null;
  /** The manual status no longer applies from this time on; null = until cleared. */
  readonly manualStatusUntil?: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Linked SLOs with their last synced state (null = unknown). Never published. */
  readonly slos: ReadonlyArray<{ readonly sloId: string; readonly state: SloHealthState | null; readonly statusOn?: ComponentStatusTier }>;
}

export interface PublicIncidentRecord {
  readonly id: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly startedAt: Date;
  readonly createdAt: Date;
  readonly mitigatedAt: Date | null;
  readonly resolvedAt: Date | null;
  readonly affectedComponents: ReadonlyArray<{ readonly componentId: string; readonly status: ComponentStatus }>;
  /** `public_update` events with `public = true`, oldest first. */
  readonly updates: ReadonlyArray<{
    readonly id: string;
    readonly body: string;
    readonly status: IncidentStatus;
    readonly occurredAt: Date;
    readonly createdAt: Date;
  }>;
  /** `components_changed` events, oldest first (component ids and statuses only). */
  readonly componentChanges: ReadonlyArray<{
    readonly occurredAt: Date;
    readonly changes: ReadonlyArray<{ readonly componentId: string; readonly from: ComponentStatus | null; readonly to: ComponentStatus }>;
  }>;
}

export interface MaintenanceRecord {
  readonly id: string;
  readonly name: string;
  readonly body: string;
  readonly status: MaintenanceStatus;
  readonly autoStart: boolean;
  readonly autoComplete: boolean;
  readonly scheduledFor: Date;
  readonly scheduledUntil: Date;
  readonly startedAt: Date | null;
  readonly verifyingAt: Date | null;
  readonly completedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly componentIds: readonly string[];
}

export interface HistoryRecord {
  readonly componentId: string;
  readonly status: ComponentStatus;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}
