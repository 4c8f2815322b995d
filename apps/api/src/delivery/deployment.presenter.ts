import { DeploymentEntity } from '@app/incidents';

export function presentDeployment(deployment: DeploymentEntity) {
  return {
    id: deployment.id,
    service: deployment.service?.slug,
    team: deployment.service?.team?.slug,
    environment: deployment.environment,
    version: deployment.version,
    status: deployment.status,
    startedAt: deployment.startedAt,
    finishedAt: deployment.finishedAt,
    commitAt: deployment.commitAt,
    url: deployment.url,
    fixesIncidentId: deployment.fixesIncidentId,
    createdAt: deployment.createdAt,
  };
}
