import { ApiTokenEntity, ServiceEntity, TeamEntity } from '@app/catalog';

export function presentTeam(team: TeamEntity) {
  return {
    slug: team.slug,
    name: team.name,
    slackChannelId: team.slackChannelId,
    pagerDutyConfigured: team.pagerDutyConfigured === true,
    metricLabels: team.metricLabels,
    createdAt: team.createdAt,
    updatedAt: team.updatedAt,
  };
}

export function presentService(service: ServiceEntity) {
  return { slug: service.slug, name: service.name, team: service.team.slug, createdAt: service.createdAt, updatedAt: service.updatedAt };
}

export function presentToken(token: ApiTokenEntity) {
  return {
    id: token.id,
    name: token.name,
    tokenPrefix: token.tokenPrefix,
    createdAt: token.createdAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
  };
}
