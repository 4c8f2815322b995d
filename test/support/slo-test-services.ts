import { ReferenceOwnership, ServiceEntity, TeamEntity, TeamsService } from '@app/catalog';
import { AppConfig } from '@app/config';
import { FixedClock } from '@app/platform';
import {
  SloDefinitionsService,
  SloEntity,
  SloEvaluator,
  SloHistoryRepository,
  SloMetricLabels,
  SloReadModel,
  SloRepository,
  SloSelectorCheck,
  SloSpecApplyService,
  SloSpecExportService,
  SloSpecParser,
} from '@app/slo';
import { automock } from './automock';

/**
 * The SLO services built on fakes of their repositories and collaborators
 * (immich's newTestService): unit specs without a database or Prometheus.
 */
export function newSloTestServices(now: Date, config: Partial<AppConfig> = {}) {
  const mocks = {
    slos: automock(SloRepository),
    history: automock(SloHistoryRepository),
    teams: automock(TeamsService),
    selectorCheck: automock(SloSelectorCheck),
    evaluator: automock(SloEvaluator),
    ownership: automock(ReferenceOwnership),
    parser: automock(SloSpecParser),
  };
  const clock = new FixedClock(now);
  mocks.selectorCheck.check.mockResolvedValue([]);
  mocks.evaluator.evaluateNow.mockResolvedValue('evaluated');
  const appConfig = { SLO_EVAL_INTERVAL_S: 60, ...config } as AppConfig;
  const metricLabels = new SloMetricLabels(appConfig);
  return {
    mocks,
    definitions: new SloDefinitionsService(mocks.slos, mocks.selectorCheck, mocks.evaluator, clock, metricLabels, mocks.ownership),
    reads: new SloReadModel(mocks.slos, mocks.history, mocks.teams, clock, appConfig),
    exports: new SloSpecExportService(mocks.slos),
    specs: new SloSpecApplyService(mocks.slos, mocks.teams, mocks.selectorCheck, mocks.evaluator, clock, mocks.parser, metricLabels),
  };
}

/** An SLO row as TypeORM loads it (service and team eager). */
export function sloRow(overrides: Partial<SloEntity> & { readonly team?: string; readonly teamId?: string; readonly serviceSlug?: string } = {}): SloEntity {
  const { team = 'payments', teamId = 'team-payments', serviceSlug = 'checkout', ...fields } = overrides;
  const service = {
    id: `service-${serviceSlug}`,
    slug: serviceSlug,
    name: serviceSlug,
    teamId,
    team: { id: teamId, slug: team, metricLabels: null } as TeamEntity,
  } as ServiceEntity;
  return {
    id: '11111111-1111-4111-8111-111111111111',
    name: 'availability',
    description: null,
    objective: 0.999,
    windowDays: 30,
    windowCalendar: null,
    windowTimeZone: null,
    indicator: { kind: 'ratio', total: 'http_requests_total', bad: 'http_requests_total{code=~"5.."}' },
    policy: { openIncident: true, severity: 'SEV2' },
    serviceId: service.id,
    service,
    state: null,
    status: null,
    evaluatedAt: null,
    sli: null,
    errorBudgetRemaining: null,
    ...fields,
  } as SloEntity;
}
