// Framework-free entry of @app/incidents (no Nest, no TypeORM, no Slack SDK): the incident vocabulary,
// for code that runs outside the Nest app, such as the status page's snapshot worker thread. Listed by name.

export {
  compareComponentStatus,
  type ComponentStatus,
  type IncidentStatus,
  isComponentStatus,
  isIncidentStatus,
  isSeverity,
  worstComponentStatus,
} from './domain/incident-enums';
