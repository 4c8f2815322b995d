/** Statuspage's scheduled maintenance statuses, in lifecycle order. */
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export function isMaintenanceStatus(value: unknown): value is MaintenanceStatus {
  return typeof value === 'string' && (MAINTENANCE_STATUSES as readonly string[]).includes(value);
}

/** What may follow what when set by hand: forward only, plus verifying → in_progress when a check fails. */
const ALLOWED_MOVES: Readonly<Record<MaintenanceStatus, readonly MaintenanceStatus[]>> = {
  scheduled: ['in_progress', 'verifying', 'completed'],
  in_progress: ['verifying', 'completed'],
  verifying: ['in_progress', 'completed'],
  completed: [],
};

export function canMoveMaintenance(from: MaintenanceStatus, to: MaintenanceStatus): boolean {
  return from === to || ALLOWED_MOVES[from].includes(to);
}

export interface MaintenanceSchedule {
  readonly status: MaintenanceStatus;
  readonly autoStart: boolean;
  readonly autoComplete: boolean;
  readonly scheduledFor: Date;
  readonly scheduledUntil: Date;
}

/**
 * The status a maintenance has at `now` once its automatic moves are applied:
 * `scheduled` becomes `in_progress` at `scheduledFor` (when `autoStart`), and
 * `in_progress` becomes `completed` at `scheduledUntil` (when `autoComplete`).
 * A status set by hand is never undone: `verifying` is always a person's call
 * and is not auto-completed, and a maintenance that was already moved past
 * `scheduled` is not "started" again. The scheduler persists the same moves;
 * readers apply them too so nobody waits for the job's next tick.
 */
export function effectiveMaintenanceStatus(maintenance: MaintenanceSchedule, now: Date): MaintenanceStatus {
  let status = maintenance.status;
  const time = now.getTime();
  if (status === 'scheduled' && maintenance.autoStart && time >= maintenance.scheduledFor.getTime()) status = 'in_progress';
  if (status === 'in_progress' && maintenance.autoComplete && time >= maintenance.scheduledUntil.getTime()) status = 'completed';
  return status;
}

/** In progress or verifying: its components show `under_maintenance`. */
export function isMaintenanceActive(status: MaintenanceStatus): boolean {
  return status === 'in_progress' || status === 'verifying';
}

export function maintenanceStatusLabel(status: MaintenanceStatus): string {
  switch (status) {
    case 'scheduled':
      return 'Scheduled';
    case 'in_progress':
      return 'In progress';
    case 'verifying':
      return 'Verifying';
    case 'completed':
      return 'Completed';
  }
}
