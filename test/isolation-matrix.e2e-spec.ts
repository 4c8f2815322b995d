import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunningApi, startApi } from './support/api-app';
import { SLACK_EVENTS_PATH } from '../apps/api/src/slack/http/slack-events.listener';

/**
 * Team isolation, route by route. Team A's token is turned against team B's
 * resources (B's private, internal and public incidents, services, SLOs,
 * status components, maintenances, tokens) on EVERY route of the API app,
 * enumerated from Nest's router: a route without a case below fails the test
 * naming it. For each case:
 * - denied: the answer is 403 or 404;
 * - read: a read the token may make (shared catalog data), 2xx/4xx but never 5xx;
 * - public: a route without a token (health, metrics, Slack's signed endpoint, sign-in);
 * and for every case: no table changed (content hashes), the public status
 * inputs are unchanged, and no answer carries B's private incident's id,
 * reference, title or summary, nor counts it.
 *
 * Adding a route: add one line to CASES, keyed "METHOD /path" as Nest
 * declares it (":param" segments), with the requests team A would try.
 */

/** unknown: answered exactly as for an id that does not exist (400 naming the field): B's private things do not exist for A */
type Expectation = 'denied' | 'read' | 'public' | 'unknown';

interface Attempt {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  body?: object;
  /** 'form' sends application/x-www-form-urlencoded */
  type?: 'json' | 'form';
  /** no Authorization header (public routes) */
  anonymous?: boolean;
  /** the field a 403 (or, for 'unknown', a 400) must name */
  field?: string;
  /** this attempt's expectation when it differs from its route's (e.g. a list that may be read, with a filter naming B that may not) */
  expect?: Expectation;
}

interface World {
  alphaToken: string;
  betaToken: string;
  betaTokenId: string;
  alphaIncidentId: string;
  betaPrivate: { id: string; number: number; title: string; summary: string };
  betaInternalId: string;
  betaPublicId: string;
  betaSloId: string;
  alphaSloId: string;
  betaComponentId: string;
  alphaComponentId: string;
  betaMaintenanceId: string;
  groupId: string;
  betaInternalFollowUpId: string;
  betaPrivateFollowUpId: string;
  betaDeploymentId: string;
  betaSubscriberId: string;
  /** B's things no answer to A may contain: follow-up titles, deployment versions, on-call members */
  betaSecrets: string[];
}

type Case = { expect: Expectation; attempts: (world: World) => Attempt[] };

const SLO_BODY = (service: string, extra: object = {}) => ({
  service,
  name: `${service}-intrusion-${Math.random().toString(36).slice(2, 8)}`,
  objective: 0.99,
  window: '28d',
  indicator: { kind: 'ratio', total: `http_requests_total{service="${service}"}`, bad: `http_requests_total{service="${service}",code=~"5.."}` },
  ...extra,
});

const ONCALL_BODY = {
  members: ['U0ALPHA01', 'U0ALPHA02'],
  rotationStart: '2026-11-30T09:00:00Z',
  shiftHours: 168,
  escalation: [{ afterMinutes: 0, notify: 'oncall' }],
  pageSeverities: ['SEV1'],
};
const FOLLOW_UP_BODY = { title: 'Planted follow-up', owner: 'U0ALPHA01', dueDate: '2026-12-31', priority: 'P2' };
const PAST = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const CASES: Record<string, Case> = {
  // catalog
  'POST /api/v1/teams': { expect: 'denied', attempts: () => [{ method: 'post', path: '/api/v1/teams', body: { slug: 'intruder', name: 'Intruder' } }] },
  'GET /api/v1/teams': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/teams' }] },
  'GET /api/v1/teams/:slug': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/teams/beta' }] },
  'PATCH /api/v1/teams/:slug': {
    expect: 'denied',
    attempts: () => [
      { method: 'patch', path: '/api/v1/teams/beta', body: { name: 'Owned' } },
      // Issue 21: team A may not point team B's pages at its own PagerDuty service.
      { method: 'patch', path: '/api/v1/teams/beta', body: { pagerdutyRoutingKey: 'StolenRoutingKey0001' } },
      { method: 'patch', path: '/api/v1/teams/beta', body: { metricLabels: { team: 'alpha' } } },
      // The metric labels bound a team's SLOs to its own series: only the admin sets them, even for the token's own team.
      { method: 'patch', path: '/api/v1/teams/alpha', body: { metricLabels: {} }, field: 'metricLabels' },
    ],
  },
  'POST /api/v1/teams/:slug/tokens': {
    expect: 'denied',
    attempts: () => [
      { method: 'post', path: '/api/v1/teams/beta/tokens', body: { name: 'stolen' } },
      // Team tokens may not mint tokens, not even for their own team.
      { method: 'post', path: '/api/v1/teams/alpha/tokens', body: { name: 'sibling' } },
    ],
  },
  'GET /api/v1/teams/:slug/tokens': { expect: 'denied', attempts: () => [{ method: 'get', path: '/api/v1/teams/beta/tokens' }] },
  'DELETE /api/v1/teams/:slug/tokens/:tokenId': {
    expect: 'denied',
    attempts: (w) => [{ method: 'delete', path: `/api/v1/teams/beta/tokens/${w.betaTokenId}` }],
  },
  'POST /api/v1/services': {
    expect: 'denied',
    attempts: () => [{ method: 'post', path: '/api/v1/services', body: { slug: 'planted', name: 'Planted', team: 'beta' } }],
  },
  'GET /api/v1/services': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/services' }] },
  'GET /api/v1/services/:slug': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/services/beta-api' }] },
  'PATCH /api/v1/services/:slug': {
    expect: 'denied',
    attempts: () => [
      { method: 'patch', path: '/api/v1/services/beta-api', body: { name: 'Owned' } },
      { method: 'patch', path: '/api/v1/services/beta-api', body: { team: 'alpha' } },
    ],
  },
  'GET /api/v1/incident-types': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/incident-types' }] },
  'POST /api/v1/teams/:slug/incident-types': {
    expect: 'denied',
    attempts: () => [{ method: 'post', path: '/api/v1/teams/beta/incident-types', body: { slug: 'planted', label: 'Planted' } }],
  },
  'GET /api/v1/teams/:slug/slos': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/teams/beta/slos' }] },
  'PUT /api/v1/teams/:slug/oncall': { expect: 'denied', attempts: () => [{ method: 'put', path: '/api/v1/teams/beta/oncall', body: ONCALL_BODY }] },
  'GET /api/v1/teams/:slug/oncall': {
    expect: 'denied',
    attempts: () => [
      { method: 'get', path: '/api/v1/teams/beta/oncall' },
      { method: 'get', path: '/api/v1/teams/beta/oncall?at=2026-12-01T00:00:00Z' },
    ],
  },
  'GET /api/v1/services/:slug/deploy-gate': {
    expect: 'denied',
    attempts: () => [
      { method: 'get', path: '/api/v1/services/beta-api/deploy-gate' },
      // an override writes a row and an audit record: not for another team's service
      { method: 'get', path: '/api/v1/services/beta-api/deploy-gate?override=security&reason=planted' },
    ],
  },

  // incidents
  'POST /api/v1/incidents': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: '/api/v1/incidents', body: { title: 'x', severity: 'SEV3', team: 'beta' } },
      { method: 'post', path: '/api/v1/incidents', body: { title: 'x', severity: 'SEV3', team: 'alpha', services: ['beta-api'] }, field: 'services' },
      {
        method: 'post',
        path: '/api/v1/incidents',
        body: {
          title: 'x',
          severity: 'SEV1',
          team: 'alpha',
          visibility: 'public',
          affectedComponents: [{ componentId: w.betaComponentId, status: 'major_outage' }],
        },
        field: 'affectedComponents',
      },
    ],
  },
  'GET /api/v1/incidents': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/incidents?limit=200' },
      { method: 'get', path: '/api/v1/incidents?team=beta' },
    ],
  },
  'GET /api/v1/incidents/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}` },
      { method: 'get', path: `/api/v1/incidents/INC-${w.betaPrivate.number}` },
    ],
  },
  'PATCH /api/v1/incidents/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'patch', path: `/api/v1/incidents/${w.betaPrivate.id}`, body: { status: 'resolved' } },
      { method: 'patch', path: `/api/v1/incidents/${w.betaInternalId}`, body: { severity: 'SEV4' } },
      { method: 'patch', path: `/api/v1/incidents/${w.betaPublicId}`, body: { affectedComponents: [] } },
      {
        method: 'patch',
        path: `/api/v1/incidents/${w.alphaIncidentId}`,
        body: { visibility: 'public', affectedComponents: [{ componentId: w.betaComponentId, status: 'major_outage' }] },
        field: 'affectedComponents',
      },
      {
        method: 'patch',
        path: `/api/v1/incidents/${w.alphaIncidentId}`,
        body: { causedByDeploymentId: w.betaDeploymentId },
        field: 'causedByDeploymentId',
        expect: 'unknown',
      },
      { method: 'patch', path: `/api/v1/incidents/${w.alphaIncidentId}`, body: { duplicateOf: w.betaInternalId }, field: 'duplicateOf' },
      { method: 'patch', path: `/api/v1/incidents/${w.alphaIncidentId}`, body: { duplicateOf: w.betaPrivate.id }, field: 'duplicateOf', expect: 'unknown' },
    ],
  },
  'POST /api/v1/incidents/:id/updates': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: `/api/v1/incidents/${w.betaPrivate.id}/updates`, body: { body: 'hi', public: false } },
      { method: 'post', path: `/api/v1/incidents/${w.betaPublicId}/updates`, body: { body: 'hacked', public: true } },
    ],
  },
  'GET /api/v1/incidents/:id/timeline': { expect: 'denied', attempts: (w) => [{ method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/timeline` }] },
  'POST /api/v1/incidents/import': {
    expect: 'denied',
    attempts: () => [
      {
        method: 'post',
        path: '/api/v1/incidents/import',
        body: [{ externalId: 'planted-1', title: 'Planted', severity: 'SEV3', team: 'beta', status: 'resolved', startedAt: PAST(120), resolvedAt: PAST(60) }],
        field: 'team',
      },
      {
        method: 'post',
        path: '/api/v1/incidents/import',
        body: [
          {
            externalId: 'planted-2',
            title: 'Planted',
            severity: 'SEV3',
            team: 'alpha',
            services: ['beta-api'],
            status: 'resolved',
            startedAt: PAST(120),
            resolvedAt: PAST(60),
          },
        ],
        field: 'services',
      },
    ],
  },

  // after the incident: postmortems and follow-ups
  'POST /api/v1/incidents/:id/postmortem': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem?draft=early` },
      { method: 'post', path: `/api/v1/incidents/INC-${w.betaPrivate.number}/postmortem?draft=early` },
      { method: 'post', path: `/api/v1/incidents/${w.betaInternalId}/postmortem?draft=early` },
    ],
  },
  'GET /api/v1/incidents/:id/postmortem': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem` },
      { method: 'get', path: `/api/v1/incidents/INC-${w.betaPrivate.number}/postmortem` },
      { method: 'get', path: `/api/v1/incidents/${w.betaInternalId}/postmortem` },
    ],
  },
  'PATCH /api/v1/incidents/:id/postmortem': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'patch', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem`, body: { markdown: '# owned' } },
      { method: 'patch', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem`, body: { status: 'in_review' } },
      { method: 'patch', path: `/api/v1/incidents/${w.betaInternalId}/postmortem`, body: { markdown: '# owned' } },
    ],
  },
  'GET /api/v1/incidents/:id/postmortem/versions': {
    expect: 'denied',
    attempts: (w) => [{ method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem/versions` }],
  },
  'GET /api/v1/incidents/:id/postmortem.md': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/postmortem.md` },
      { method: 'get', path: `/api/v1/incidents/INC-${w.betaPrivate.number}/postmortem.md` },
    ],
  },
  'POST /api/v1/incidents/:id/follow-ups': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: `/api/v1/incidents/${w.betaPrivate.id}/follow-ups`, body: FOLLOW_UP_BODY },
      { method: 'post', path: `/api/v1/incidents/${w.betaInternalId}/follow-ups`, body: FOLLOW_UP_BODY },
      { method: 'post', path: `/api/v1/incidents/${w.betaPublicId}/follow-ups`, body: FOLLOW_UP_BODY },
    ],
  },
  'GET /api/v1/incidents/:id/follow-ups': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/follow-ups` },
      { method: 'get', path: `/api/v1/incidents/${w.betaInternalId}/follow-ups` },
    ],
  },
  'GET /api/v1/follow-ups': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/follow-ups' },
      { method: 'get', path: '/api/v1/follow-ups?status=open&overdue=true' },
      { method: 'get', path: '/api/v1/follow-ups?team=beta', expect: 'denied', field: 'team' },
    ],
  },
  'GET /api/v1/follow-ups/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/follow-ups/${w.betaPrivateFollowUpId}` },
      { method: 'get', path: `/api/v1/follow-ups/${w.betaInternalFollowUpId}` },
    ],
  },
  'PATCH /api/v1/follow-ups/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'patch', path: `/api/v1/follow-ups/${w.betaPrivateFollowUpId}`, body: { status: 'done' } },
      { method: 'patch', path: `/api/v1/follow-ups/${w.betaInternalFollowUpId}`, body: { owner: 'U0ALPHA01', dueDate: '2027-01-31' } },
    ],
  },

  // deployments
  'POST /api/v1/deployments': {
    expect: 'denied',
    attempts: (w) => [
      {
        method: 'post',
        path: '/api/v1/deployments',
        body: { service: 'beta-api', environment: 'production', version: 'planted', status: 'failed', startedAt: PAST(30), finishedAt: PAST(20) },
        field: 'service',
      },
      {
        method: 'post',
        path: '/api/v1/deployments',
        body: {
          service: 'alpha-api',
          environment: 'production',
          version: 'planted',
          status: 'succeeded',
          startedAt: PAST(30),
          finishedAt: PAST(20),
          fixesIncidentId: w.betaPrivate.id,
        },
        field: 'fixesIncidentId',
        expect: 'unknown',
      },
      {
        method: 'post',
        path: '/api/v1/deployments',
        body: {
          service: 'alpha-api',
          environment: 'production',
          version: 'planted',
          status: 'succeeded',
          startedAt: PAST(30),
          finishedAt: PAST(20),
          fixesIncidentId: w.betaInternalId,
        },
        field: 'fixesIncidentId',
      },
    ],
  },
  'GET /api/v1/deployments': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/deployments' },
      { method: 'get', path: '/api/v1/deployments?service=beta-api' },
    ],
  },
  'GET /api/v1/deployments/:id': { expect: 'denied', attempts: (w) => [{ method: 'get', path: `/api/v1/deployments/${w.betaDeploymentId}` }] },
  'GET /api/v1/incidents/:id/suggested-deployments': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/api/v1/incidents/${w.betaPrivate.id}/suggested-deployments` },
      // B's internal and public incidents may be read, but never list B's deployments
      { method: 'get', path: `/api/v1/incidents/${w.betaInternalId}/suggested-deployments`, expect: 'read' },
      { method: 'get', path: `/api/v1/incidents/${w.betaPublicId}/suggested-deployments`, expect: 'read' },
    ],
  },

  // SLOs
  'POST /api/v1/slos': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: '/api/v1/slos', body: SLO_BODY('beta-api') },
      {
        method: 'post',
        path: '/api/v1/slos',
        body: SLO_BODY('alpha-api', { policy: { openIncident: false, statusComponentId: w.betaComponentId } }),
        field: 'policy.statusComponentId',
      },
    ],
  },
  'GET /api/v1/slos': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/slos' }] },
  'GET /api/v1/slos/rules': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/slos/rules' }] },
  'GET /api/v1/slos/openslo': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/slos/openslo' },
      { method: 'get', path: '/api/v1/slos/openslo?team=beta' },
    ],
  },
  'POST /api/v1/slos/import': {
    expect: 'denied',
    attempts: () => [
      {
        method: 'post',
        path: '/api/v1/slos/import',
        body: {
          yaml: 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: planted\nspec:\n  service: beta-api\n  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: 28d\n      isRolling: true\n  objectives:\n    - target: 0.99\n  indicator:\n    metadata:\n      name: x\n    spec:\n      ratioMetric:\n        counter: true\n        good:\n          metricSource:\n            type: Prometheus\n            spec:\n              query: http_requests_total{service="beta-api",code!~"5.."}\n        total:\n          metricSource:\n            type: Prometheus\n            spec:\n              query: http_requests_total{service="beta-api"}\n',
        },
      },
    ],
  },
  'GET /api/v1/slos/:id': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/slos/${w.betaSloId}` }] },
  'PATCH /api/v1/slos/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'patch', path: `/api/v1/slos/${w.betaSloId}`, body: { objective: 0.5 } },
      {
        method: 'patch',
        path: `/api/v1/slos/${w.alphaSloId}`,
        body: { policy: { openIncident: false, statusComponentId: w.betaComponentId } },
        field: 'policy.statusComponentId',
      },
    ],
  },
  'DELETE /api/v1/slos/:id': { expect: 'denied', attempts: (w) => [{ method: 'delete', path: `/api/v1/slos/${w.betaSloId}` }] },
  'GET /api/v1/slos/:id/status': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/slos/${w.betaSloId}/status` }] },
  'GET /api/v1/slos/:id/history': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/slos/${w.betaSloId}/history` }] },
  'POST /api/v1/slos/:id/evaluate': { expect: 'denied', attempts: (w) => [{ method: 'post', path: `/api/v1/slos/${w.betaSloId}/evaluate` }] },

  // insights (counts checked separately below as well)
  'GET /api/v1/insights/incidents': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/insights/incidents?team=beta' },
      { method: 'get', path: '/api/v1/insights/incidents' },
    ],
  },
  'GET /api/v1/insights/delivery': {
    expect: 'read',
    attempts: () => [
      { method: 'get', path: '/api/v1/insights/delivery?team=beta' },
      { method: 'get', path: '/api/v1/insights/delivery' },
    ],
  },

  // status page admin
  'POST /api/v1/status/components': {
    expect: 'denied',
    attempts: () => [{ method: 'post', path: '/api/v1/status/components', body: { name: 'Planted', services: ['alpha-api'] } }],
  },
  'GET /api/v1/status/components': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/status/components' }] },
  'GET /api/v1/status/components/:id': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/status/components/${w.betaComponentId}` }] },
  'PATCH /api/v1/status/components/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'patch', path: `/api/v1/status/components/${w.betaComponentId}`, body: { manualStatus: 'major_outage' } },
      { method: 'patch', path: `/api/v1/status/components/${w.alphaComponentId}`, body: { sloIds: [w.alphaSloId, w.betaSloId] }, field: 'sloIds' },
      { method: 'patch', path: `/api/v1/status/components/${w.alphaComponentId}`, body: { services: ['alpha-api', 'beta-api'] }, field: 'services' },
    ],
  },
  'DELETE /api/v1/status/components/:id': { expect: 'denied', attempts: (w) => [{ method: 'delete', path: `/api/v1/status/components/${w.betaComponentId}` }] },
  'POST /api/v1/status/component-groups': {
    expect: 'denied',
    attempts: () => [{ method: 'post', path: '/api/v1/status/component-groups', body: { name: 'Planted' } }],
  },
  'GET /api/v1/status/component-groups': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/status/component-groups' }] },
  'GET /api/v1/status/component-groups/:id': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/status/component-groups/${w.groupId}` }] },
  'PATCH /api/v1/status/component-groups/:id': {
    expect: 'denied',
    attempts: (w) => [{ method: 'patch', path: `/api/v1/status/component-groups/${w.groupId}`, body: { name: 'Owned' } }],
  },
  'DELETE /api/v1/status/component-groups/:id': {
    expect: 'denied',
    attempts: (w) => [{ method: 'delete', path: `/api/v1/status/component-groups/${w.groupId}` }],
  },
  'POST /api/v1/status/maintenances': {
    expect: 'denied',
    attempts: (w) => [
      {
        method: 'post',
        path: '/api/v1/status/maintenances',
        body: {
          name: 'Planted',
          components: [w.betaComponentId],
          scheduledFor: new Date(Date.now() - 60_000).toISOString(),
          scheduledUntil: new Date(Date.now() + 3600_000).toISOString(),
        },
        field: 'components',
      },
    ],
  },
  'GET /api/v1/status/maintenances': { expect: 'read', attempts: () => [{ method: 'get', path: '/api/v1/status/maintenances' }] },
  'GET /api/v1/status/maintenances/:id': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/api/v1/status/maintenances/${w.betaMaintenanceId}` }] },
  'PATCH /api/v1/status/maintenances/:id': {
    expect: 'denied',
    attempts: (w) => [{ method: 'patch', path: `/api/v1/status/maintenances/${w.betaMaintenanceId}`, body: { status: 'in_progress' } }],
  },
  'DELETE /api/v1/status/maintenances/:id': {
    expect: 'denied',
    attempts: (w) => [{ method: 'delete', path: `/api/v1/status/maintenances/${w.betaMaintenanceId}` }],
  },
  // subscribers are the admin's (the status page's audience, not a team's)
  'POST /api/v1/status/subscribers': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'post', path: '/api/v1/status/subscribers', body: { type: 'webhook', url: 'http://127.0.0.1:9/planted', components: [w.alphaComponentId] } },
    ],
  },
  'GET /api/v1/status/subscribers': {
    expect: 'denied',
    attempts: () => [
      { method: 'get', path: '/api/v1/status/subscribers' },
      { method: 'get', path: '/api/v1/status/subscribers?type=webhook' },
    ],
  },
  'GET /api/v1/status/subscribers/:id': { expect: 'denied', attempts: (w) => [{ method: 'get', path: `/api/v1/status/subscribers/${w.betaSubscriberId}` }] },
  'DELETE /api/v1/status/subscribers/:id': {
    expect: 'denied',
    attempts: (w) => [{ method: 'delete', path: `/api/v1/status/subscribers/${w.betaSubscriberId}` }],
  },

  // admin
  'POST /api/v1/admin/tokens': { expect: 'denied', attempts: () => [{ method: 'post', path: '/api/v1/admin/tokens', body: { name: 'escalate' } }] },
  'DELETE /api/v1/admin/tokens/:id': { expect: 'denied', attempts: (w) => [{ method: 'delete', path: `/api/v1/admin/tokens/${w.betaTokenId}` }] },
  'GET /api/v1/audit': { expect: 'denied', attempts: () => [{ method: 'get', path: '/api/v1/audit' }] },

  // webhooks
  'POST /webhooks/alertmanager': {
    expect: 'denied',
    attempts: () => [
      {
        method: 'post',
        path: '/webhooks/alertmanager',
        body: {
          version: '4',
          groupKey: 'beta-group',
          truncatedAlerts: 0,
          status: 'firing',
          receiver: 'ballast',
          groupLabels: { alertname: 'Planted' },
          commonLabels: { alertname: 'Planted', team: 'beta' },
          commonAnnotations: {},
          externalURL: 'http://am',
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'Planted', team: 'beta' },
              annotations: {},
              startsAt: new Date(Date.now() - 60_000).toISOString(),
              endsAt: '0001-01-01T00:00:00Z',
              generatorURL: '',
              fingerprint: 'f1',
            },
          ],
        },
      },
    ],
  },

  // public
  // The API's home page: static links only.
  'GET /': {
    expect: 'public',
    attempts: () => [
      { method: 'get', path: '/', anonymous: true },
      { method: 'get', path: '/' },
    ],
  },
  'GET /health/live': { expect: 'public', attempts: () => [{ method: 'get', path: '/health/live', anonymous: true }] },
  'GET /health/ready': { expect: 'public', attempts: () => [{ method: 'get', path: '/health/ready', anonymous: true }] },
  'GET /metrics': { expect: 'public', attempts: () => [{ method: 'get', path: '/metrics', anonymous: true }] },
  'POST /slack/events': {
    expect: 'public',
    attempts: () => [
      { method: 'post', path: '/slack/events', anonymous: true, type: 'form', body: { command: '/incident', text: 'note planted', channel_id: 'C1' } },
    ],
  },

  // dashboards
  'GET /dashboard/login': { expect: 'public', attempts: () => [{ method: 'get', path: '/dashboard/login', anonymous: true }] },
  'POST /dashboard/login': {
    expect: 'public',
    attempts: (w) => [{ method: 'post', path: '/dashboard/login', anonymous: true, type: 'form', body: { token: w.alphaToken } }],
  },
  'POST /dashboard/logout': { expect: 'public', attempts: () => [{ method: 'post', path: '/dashboard/logout', anonymous: true, type: 'form', body: {} }] },
  'GET /dashboard': { expect: 'read', attempts: () => [{ method: 'get', path: '/dashboard' }] },
  'GET /dashboard/teams/:slug': { expect: 'read', attempts: () => [{ method: 'get', path: '/dashboard/teams/beta' }] },
  'GET /dashboard/slos/:id': { expect: 'read', attempts: (w) => [{ method: 'get', path: `/dashboard/slos/${w.betaSloId}` }] },
  'GET /dashboard/incidents/:id': {
    expect: 'denied',
    attempts: (w) => [
      { method: 'get', path: `/dashboard/incidents/${w.betaPrivate.id}` },
      { method: 'get', path: `/dashboard/incidents/INC-${w.betaPrivate.number}` },
      { method: 'get', path: `/dashboard/incidents/${w.betaInternalId}` },
    ],
  },
};

const METHOD_NAMES: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
  [RequestMethod.ALL]: 'ALL',
  [RequestMethod.HEAD]: 'HEAD',
  [RequestMethod.OPTIONS]: 'OPTIONS',
};

/** "METHOD /path" of every route the app's controllers declare, from Nest's public metadata. */
function enumerateRoutes(api: RunningApi): string[] {
  const discovery = new DiscoveryService(api.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes = new Set<string>();
  for (const wrapper of discovery.getControllers()) {
    const metatype = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    if (!metatype || !wrapper.instance) continue;
    const controllerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as object;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (methodPath === undefined || method === undefined) continue;
      for (const base of controllerPaths) {
        for (const sub of ([] as string[]).concat(methodPath)) {
          const path = `/${[base, sub]
            .map((part) => part.replace(/^\/+|\/+$/g, ''))
            .filter(Boolean)
            .join('/')}`;
          routes.add(`${METHOD_NAMES[method] ?? String(method)} ${path}`);
        }
      }
    }
  }
  // Answered ahead of Express, not by a Nest controller: the one entry of Slack's requests.
  routes.add(`POST ${SLACK_EVENTS_PATH}`);
  return [...routes].sort();
}

describe('team isolation matrix: team A against team B on every route', () => {
  let api: RunningApi;
  let world: World;
  let dataSource: DataSource;

  async function post(path: string, body: object, headers: Record<string, string> = api.admin) {
    const response = await api.http.post(path).set(headers).send(body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** A content hash of every table but the audit trail (which records the attempts) and token bookkeeping (last use, evaluate rate windows). */
  async function snapshot(): Promise<Record<string, string>> {
    const tables = (await dataSource.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_log', 'migrations', 'api_tokens', 'evaluate_rate_windows') ORDER BY 1`,
    )) as Array<{ tablename: string }>;
    const result: Record<string, string> = {};
    for (const { tablename } of tables) {
      const [row] = (await dataSource.query(
        `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS h FROM "${tablename}" t`,
      )) as Array<{ n: number; h: string }>;
      result[tablename] = `${row.n}:${row.h}`;
    }
    const [tokens] = (await dataSource.query(`SELECT count(*)::int AS n, count(revoked_at)::int AS revoked FROM api_tokens`)) as Array<{
      n: number;
      revoked: number;
    }>;
    result.api_tokens = `${tokens.n}:${tokens.revoked}`;
    return result;
  }

  /** What the public status page is built from, as the admin API shows it. */
  async function publicStatusInputs(): Promise<string> {
    const components = (await api.http.get('/api/v1/status/components?limit=200').set(api.admin)).body;
    const maintenances = (await api.http.get('/api/v1/status/maintenances?limit=200').set(api.admin)).body;
    return JSON.stringify({ components, maintenances });
  }

  beforeAll(async () => {
    // Webhook subscribers on 127.0.0.1 (never called: nothing is published in this test).
    api = await startApi({ env: { SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE: 'true' } });
    dataSource = api.app.get(DataSource);
    await post('/api/v1/teams', { slug: 'alpha', name: 'Alpha' });
    await post('/api/v1/teams', { slug: 'beta', name: 'Beta' });
    await post('/api/v1/services', { slug: 'alpha-api', name: 'Alpha API', team: 'alpha' });
    await post('/api/v1/services', { slug: 'beta-api', name: 'Beta API', team: 'beta' });
    await post('/api/v1/teams/beta/incident-types', { slug: 'beta-secret-kind', label: 'Beta secret kind' });
    const alphaToken = (await post('/api/v1/teams/alpha/tokens', { name: 'alpha' })).token as string;
    const betaIssued = await post('/api/v1/teams/beta/tokens', { name: 'beta' });
    const alpha = { Authorization: `Bearer ${alphaToken}` };
    const beta = { Authorization: `Bearer ${betaIssued.token}` };
    const betaComponent = await post('/api/v1/status/components', { name: 'Beta checkout', services: ['beta-api'] });
    const alphaComponent = await post('/api/v1/status/components', { name: 'Alpha search', services: ['alpha-api'] });
    const group = await post('/api/v1/status/component-groups', { name: 'Beta group', components: [betaComponent.id] });
    const maintenance = await post('/api/v1/status/maintenances', {
      name: 'Beta upgrade',
      components: [betaComponent.id],
      scheduledFor: new Date(Date.now() + 24 * 3600_000).toISOString(),
      scheduledUntil: new Date(Date.now() + 25 * 3600_000).toISOString(),
    });
    const betaSlo = await post('/api/v1/slos', SLO_BODY('beta-api'), beta);
    const alphaSlo = await post('/api/v1/slos', SLO_BODY('alpha-api'), alpha);
    const secret = `Beta secret ${Math.random().toString(36).slice(2)}`;
    const privateIncident = await post(
      '/api/v1/incidents',
      { title: secret, summary: `${secret} summary`, severity: 'SEV1', team: 'beta', type: 'beta-secret-kind', visibility: 'private', services: ['beta-api'] },
      beta,
    );
    const internalIncident = await post('/api/v1/incidents', { title: 'Beta internal', severity: 'SEV3', team: 'beta', visibility: 'internal' }, beta);
    const publicIncident = await post(
      '/api/v1/incidents',
      {
        title: 'Beta public',
        severity: 'SEV3',
        team: 'beta',
        visibility: 'public',
        affectedComponents: [{ componentId: betaComponent.id, status: 'degraded_performance' }],
      },
      beta,
    );
    const alphaIncident = await post('/api/v1/incidents', { title: 'Alpha own', severity: 'SEV3', team: 'alpha', visibility: 'internal' }, alpha);
    // B's after-incident work, deployments, on-call and a subscriber.
    const secretFollowUp = `Beta private follow-up ${Math.random().toString(36).slice(2)}`;
    const secretVersion = `beta-secret-version-${Math.random().toString(36).slice(2)}`;
    const secretMember = `U0BETA${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    await post(`/api/v1/incidents/${privateIncident.id}/postmortem?draft=early`, {}, beta);
    const privateFollowUp = await post(
      `/api/v1/incidents/${privateIncident.id}/follow-ups`,
      { title: secretFollowUp, owner: secretMember, dueDate: '2026-01-15', priority: 'P1' },
      beta,
    );
    const internalFollowUp = await post(
      `/api/v1/incidents/${internalIncident.id}/follow-ups`,
      { title: 'Beta internal follow-up', owner: secretMember, dueDate: '2026-01-15', priority: 'P2' },
      beta,
    );
    const deployment = await post(
      '/api/v1/deployments',
      {
        service: 'beta-api',
        environment: 'production',
        version: secretVersion,
        status: 'succeeded',
        startedAt: PAST(240),
        finishedAt: PAST(230),
        commitAt: PAST(300),
      },
      beta,
    );
    // B's private incident names B's deployment as its cause, and a fix deployment names the private incident.
    const linked = await api.http.patch(`/api/v1/incidents/${privateIncident.id}`).set(beta).send({ causedByDeploymentId: deployment.id });
    if (linked.status !== 200) throw new Error(`linking the deployment: ${linked.status} ${linked.text}`);
    await post(
      '/api/v1/deployments',
      {
        service: 'beta-api',
        environment: 'production',
        version: `${secretVersion}-fix`,
        status: 'succeeded',
        startedAt: PAST(200),
        finishedAt: PAST(190),
        fixesIncidentId: privateIncident.id,
      },
      beta,
    );
    await api.http
      .put('/api/v1/teams/beta/oncall')
      .set(beta)
      .send({ ...ONCALL_BODY, members: [secretMember, 'U0BETA0002'] })
      .expect(200);
    const subscriber = await post('/api/v1/status/subscribers', { type: 'webhook', url: 'http://127.0.0.1:9/beta', components: [betaComponent.id] });
    world = {
      alphaToken,
      betaToken: betaIssued.token,
      betaTokenId: betaIssued.id,
      alphaIncidentId: alphaIncident.id,
      betaPrivate: { id: privateIncident.id, number: privateIncident.number, title: secret, summary: `${secret} summary` },
      betaInternalId: internalIncident.id,
      betaPublicId: publicIncident.id,
      betaSloId: betaSlo.slo?.id ?? betaSlo.id,
      alphaSloId: alphaSlo.slo?.id ?? alphaSlo.id,
      betaComponentId: betaComponent.id,
      alphaComponentId: alphaComponent.id,
      betaMaintenanceId: maintenance.id,
      groupId: group.id,
      betaPrivateFollowUpId: privateFollowUp.id,
      betaInternalFollowUpId: internalFollowUp.id,
      betaDeploymentId: deployment.id,
      betaSubscriberId: subscriber.id,
      betaSecrets: [secretFollowUp, secretVersion, secretMember, deployment.id],
    };
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  it('has a case for every route of the app (a new route without one fails here, named)', () => {
    const routes = enumerateRoutes(api);
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((route) => !(route in CASES));
    if (missing.length > 0) {
      throw new Error(`routes without an isolation case in test/isolation-matrix.e2e-spec.ts (add one line each to CASES): ${missing.join(', ')}`);
    }
    const stale = Object.keys(CASES).filter((key) => !routes.includes(key));
    expect(stale).toEqual([]);
  });

  it('refuses every cross-team attempt, changes nothing, and leaks nothing private', async () => {
    const statusBefore = await publicStatusInputs();
    const before = await snapshot();
    const privateMarks = [world.betaPrivate.id, world.betaPrivate.title, world.betaPrivate.summary, ...world.betaSecrets];
    const privateReference = new RegExp(`INC-${world.betaPrivate.number}(?!\\d)`);
    const failures: string[] = [];
    for (const [route, testCase] of Object.entries(CASES)) {
      for (const attempt of testCase.attempts(world)) {
        let pending = api.http[attempt.method](attempt.path);
        if (!attempt.anonymous) pending = pending.set('Authorization', `Bearer ${world.alphaToken}`);
        if (attempt.body !== undefined) pending = (attempt.type === 'form' ? pending.type('form') : pending).send(attempt.body);
        const response = await pending;
        const label = `${route} (${attempt.method.toUpperCase()} ${attempt.path})`;
        const text = response.text ?? '';
        if (response.status >= 500) failures.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
        const expectation = attempt.expect ?? testCase.expect;
        if (expectation === 'denied' && response.status !== 403 && response.status !== 404)
          failures.push(`${label}: expected 403/404, got ${response.status} ${text.slice(0, 200)}`);
        if (expectation === 'unknown' && (response.status !== 400 || !/^unknown_/.test(response.body?.error ?? '')))
          failures.push(`${label}: expected the answer to an unknown id (400 unknown_…), got ${response.status} ${text.slice(0, 200)}`);
        const fieldStatus = expectation === 'unknown' ? 400 : 403;
        if (attempt.field && (response.status !== fieldStatus || response.body?.field !== attempt.field))
          failures.push(`${label}: expected ${fieldStatus} naming ${attempt.field}, got ${response.status} ${text.slice(0, 200)}`);
        // A 404 may echo the id the caller sent; anything else about the private incident is a leak.
        const sent = `${attempt.path} ${JSON.stringify(attempt.body ?? {})}`;
        const leaked =
          privateMarks.filter((mark) => !sent.includes(mark)).some((mark) => text.includes(mark)) ||
          (!privateReference.test(sent) && privateReference.test(text));
        if (leaked) failures.push(`${label}: the answer reveals B's private incident`);
        if (text.includes('beta-secret-kind') && route !== 'GET /api/v1/incident-types')
          failures.push(`${label}: the answer counts B's private incident (its type)`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(await publicStatusInputs()).toBe(statusBefore);
    // The refused writes are in the audit trail, with team A as the actor.
    const audit = await api.http.get('/api/v1/audit?actor=alpha&limit=200').set(api.admin);
    expect([audit.status, audit.body.error]).toEqual([200, undefined]);
    expect(audit.body.items.some((record: { action: string; outcome: number }) => record.action === 'POST /api/v1/incidents' && record.outcome === 403)).toBe(
      true,
    );
  }, 180_000);

  it("answers a reference to B's private incident or B's deployment exactly as one to an id that does not exist", async () => {
    const alpha = { Authorization: `Bearer ${world.alphaToken}` };
    const before = await snapshot();
    const deployment = (fixesIncidentId: string) => ({
      service: 'alpha-api',
      environment: 'production',
      version: 'probe',
      status: 'succeeded',
      startedAt: PAST(30),
      finishedAt: PAST(20),
      fixesIncidentId,
    });
    const probes: Array<{ name: string; existing: string; missing: string; send: (id: string) => Promise<{ status: number; text: string; type: string }> }> = [
      {
        name: 'duplicateOf (id)',
        existing: world.betaPrivate.id,
        missing: randomUUID(),
        send: (id) => api.http.patch(`/api/v1/incidents/${world.alphaIncidentId}`).set(alpha).send({ duplicateOf: id }),
      },
      {
        name: 'duplicateOf (reference)',
        existing: `INC-${world.betaPrivate.number}`,
        missing: `INC-${world.betaPrivate.number + 100_000}`,
        send: (id) => api.http.patch(`/api/v1/incidents/${world.alphaIncidentId}`).set(alpha).send({ duplicateOf: id }),
      },
      {
        name: 'fixesIncidentId',
        existing: world.betaPrivate.id,
        missing: randomUUID(),
        send: (id) => api.http.post('/api/v1/deployments').set(alpha).send(deployment(id)),
      },
      {
        name: 'causedByDeploymentId (PATCH)',
        existing: world.betaDeploymentId,
        missing: randomUUID(),
        send: (id) => api.http.patch(`/api/v1/incidents/${world.alphaIncidentId}`).set(alpha).send({ causedByDeploymentId: id }),
      },
      {
        name: 'causedByDeploymentId (POST)',
        existing: world.betaDeploymentId,
        missing: randomUUID(),
        send: (id) =>
          api.http.post('/api/v1/incidents').set(alpha).send({ title: 'Probe', severity: 'SEV3', team: 'alpha', announce: false, causedByDeploymentId: id }),
      },
    ];
    for (const probe of probes) {
      const [existing, missing] = [await probe.send(probe.existing), await probe.send(probe.missing)];
      const shape = (answer: { status: number; text: string; type: string }, id: string) => ({
        probe: probe.name,
        status: answer.status,
        type: answer.type,
        text: answer.text.split(id).join('<id>'),
      });
      expect(shape(existing, probe.existing)).toEqual(shape(missing, probe.missing));
      expect(existing.status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("counts B's private incident only for B and the admin (insights and dashboards)", async () => {
    const asAlpha = { Authorization: `Bearer ${world.alphaToken}` };
    const asBeta = { Authorization: `Bearer ${world.betaToken}` };
    const countFor = async (headers: Record<string, string>) => {
      const body = (await api.http.get('/api/v1/insights/incidents?team=beta').set(headers).expect(200)).body;
      return {
        beta: body.byTeam.find((row: { team: string }) => row.team === 'beta')?.count ?? 0,
        sev1: body.bySeverity.find((row: { severity: string }) => row.severity === 'SEV1').count,
      };
    };
    expect(await countFor(asAlpha)).toEqual({ beta: 2, sev1: 0 });
    expect(await countFor(asBeta)).toEqual({ beta: 3, sev1: 1 });
    expect(await countFor(api.admin)).toEqual({ beta: 3, sev1: 1 });
    const dashboardFor = async (headers: Record<string, string>) => (await api.http.get('/dashboard/teams/beta').set(headers).expect(200)).text;
    expect(await dashboardFor(asAlpha)).not.toContain('beta-secret-kind');
    expect(await dashboardFor(asBeta)).toContain('beta-secret-kind');
    // Delivery insights: B's private incident neither fails B's deployment nor makes the fix rework, except for B and the admin.
    const deliveryFor = async (headers: Record<string, string>) => {
      const body = (await api.http.get('/api/v1/insights/delivery?team=beta').set(headers).expect(200)).body;
      const row = body.byTeam.find((item: { team: string }) => item.team === 'beta');
      return { deployments: row?.deployments, changeFailureRate: row?.changeFailureRate, deploymentReworkRate: row?.deploymentReworkRate };
    };
    expect(await deliveryFor(asAlpha)).toEqual({ deployments: 2, changeFailureRate: 0, deploymentReworkRate: 0 });
    expect(await deliveryFor(asBeta)).toEqual({ deployments: 2, changeFailureRate: 0.5, deploymentReworkRate: 0.5 });
    expect(await deliveryFor(api.admin)).toEqual({ deployments: 2, changeFailureRate: 0.5, deploymentReworkRate: 0.5 });
  });
});
