// Framework-free entry of @app/status (no Nest, no TypeORM): the public status model, how it is derived and
// read, and the channel that announces changes, for code that runs outside the Nest app, such as the status
// page's snapshot worker thread (which would otherwise load, and garbage-collect around, the whole API stack).
// Listed by name.

export { componentStatusLabel } from './domain/component-status';
export { isMaintenanceActive, type MaintenanceStatus, maintenanceStatusLabel } from './domain/maintenance-status';
export { type IncidentImpact, type StatusIndicator } from './domain/overall-status';
export {
  buildPublicStatus,
  type PublicComponent,
  type PublicGroup,
  type PublicIncident,
  type PublicMaintenance,
  type PublicStatus,
} from './domain/public-status';
export { formatUptimePercent } from './domain/uptime';
export { type StatusSource } from './domain/status-source';
export { readStatusSource } from './read-model/status-source.reader';
export { STATUS_CHANGED_CHANNEL } from './status-channel';
