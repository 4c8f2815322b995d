import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { canActOnTeam, Principal, TeamsService } from '@app/catalog';
import {
  DeliveryInsightsService,
  DeploymentsService,
  formatIncidentReference,
  IncidentQueriesService,
  InsightsService,
  PRODUCTION_ENVIRONMENT,
} from '@app/incidents';
import { Clock } from '@app/platform';
import { SloDefinitionsService, SloReadModel, SloState, sloWindowText } from '@app/slo';
import { formatDuration } from '../common/format-duration';
import { renderLineChart, thinSeries } from './charts/svg-chart';
import { deliveryPanelRows, deploymentMarkers } from './delivery-panel';
import { SLO_CALENDAR_PERIOD, sloChartRange } from './slo-chart-period';
import { DASHBOARD_PERIODS, DashboardPeriod, indicatorRows, sliAxis, sloVerdicts } from './slo-verdict';

const DAY_MS = 86_400_000;
const STATE_ICON: Record<string, string> = { ok: '✓', warning: '▲', critical: '✖', no_data: '○', stale: '◌', error: '!', none: '–' };
const STATE_LABEL: Record<string, string> = {
  ok: 'OK',
  warning: 'Warning (ticket tier)',
  critical: 'Critical (page tier)',
  no_data: 'No data',
  stale: 'Stale',
  error: 'Prometheus error',
  none: 'Not evaluated',
};

/** State shown with an icon and words, never colour alone. */
export function stateView(state: SloState | null | undefined) {
  const key = state ?? 'none';
  return { stateClass: key, stateIcon: STATE_ICON[key] ?? '?', stateLabel: STATE_LABEL[key] ?? key };
}

const percent = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`);
const ratio = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : value.toPrecision(3));
const rate = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : `${value.toFixed(2)}x`);
const when = (value: Date | string | null | undefined): string => (value ? new Date(value).toISOString().slice(0, 16).replace('T', ' ') : '–');

/** Gathers what the dashboards show; pages are assembled from the libs' read methods only. */
@Injectable()
export class DashboardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly teams: TeamsService,
    private readonly slos: SloReadModel,
    private readonly sloDefinitions: SloDefinitionsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly insights: InsightsService,
    private readonly clock: Clock,
    private readonly delivery: DeliveryInsightsService,
    private readonly deployments: DeploymentsService,
  ) {}

  async overview(principal: Principal) {
    const teams = (await this.teams.listTeams({ limit: 200, offset: 0 })).items;
    const openCounts: { team_id: string; n: number }[] = await this.dataSource.query(
      `SELECT team_id, count(*)::int AS n FROM incidents WHERE resolved_at IS NULL ${principal.kind === 'team' ? "AND (visibility <> 'private' OR team_id = $1)" : ''} GROUP BY team_id`,
      principal.kind === 'team' ? [principal.teamId] : [],
    );
    const rollups = await this.slos.teamRollups(teams.map((team) => team.slug));
    const rows = [];
    for (const [index, team] of teams.entries()) {
      const rollup = rollups[index];
      const lowest = rollup.slos.find((slo) => slo.errorBudgetRemaining !== null);
      rows.push({
        slug: team.slug,
        name: team.name,
        ...stateView(rollup.state),
        sloCount: rollup.slos.length,
        lowestBudget: lowest ? `${percent(lowest.errorBudgetRemaining, 1)} (${lowest.name})` : '–',
        openIncidents: openCounts.find((row) => row.team_id === team.id)?.n ?? 0,
      });
    }
    return { generatedAt: when(this.clock.now()), teams: rows };
  }

  async team(principal: Principal, slug: string) {
    const team = await this.teams.getTeam(slug);
    const rollup = await this.slos.teamRollup(team.slug);
    const to = this.clock.now();
    const from = new Date(to.getTime() - 90 * DAY_MS);
    const insights = await this.insights.incidentInsights(
      { from, to },
      { team: team.slug, viewerTeamId: principal.kind === 'team' ? principal.teamId : undefined },
    );
    const teamRow = insights.byTeam.find((row) => row.team === team.slug);
    const delivery = await this.delivery.deliveryInsights(
      { from, to },
      { team: team.slug, viewerTeamId: principal.kind === 'team' ? principal.teamId : undefined },
    );
    // Another team's deployments do not exist for a team token (as in GET /api/v1/deployments), nor do
    // the incidents they caused (which may be private): no markers, no list.
    const ownTeam = canActOnTeam(principal, team.id);
    // Production deployments as markers on the SLO charts (the charts cover up to 90 days).
    const deployed = !ownTeam
      ? []
      : (await this.deployments.deploymentsOfTeam(team.id, new Date(to.getTime() - 91 * DAY_MS), to, { environment: PRODUCTION_ENVIRONMENT, limit: 500 })).map(
          (deployment) => ({
            finishedAt: deployment.finishedAt,
            version: deployment.version,
            status: deployment.status,
            service: deployment.service.slug,
            url: deployment.url,
          }),
        );
    const linked = ownTeam ? await this.deployments.incidentsLinkedToDeployments(team.id, from, to) : [];
    const charts = [];
    for (const slo of rollup.slos.slice(0, 8)) {
      const history = await this.slos.getHistory(slo.sloId, {});
      const points = thinSeries(
        history.points.map((point) => ({ at: new Date(point.time), value: point.errorBudgetRemaining })),
        400,
      );
      const last = points.at(-1)?.value ?? null;
      charts.push({
        caption: `Error budget burn-down of ${slo.name}`,
        svg: renderLineChart({
          id: `budget-${slo.sloId}`,
          title: `Error budget remaining: ${slo.name}`,
          description: `Error budget remaining of ${slo.name} over its ${slo.window} window, from ${when(history.from)} to ${when(history.to)} UTC; now ${percent(last, 1)}.`,
          from: history.from,
          to: history.to,
          yMax: 1,
          formatValue: (value) => `${Math.round(value * 100)}%`,
          thresholds: [{ value: 0, label: 'budget exhausted' }],
          series: [{ name: 'budget remaining', className: 'series-budget', points }],
          markers: deploymentMarkers(deployed, slo.service),
          height: 160,
        }),
      });
    }
    return {
      team: { slug: team.slug, name: team.name },
      rollup: stateView(rollup.state),
      period: { from: when(from), to: when(to) },
      slos: rollup.slos.map((slo) => ({
        id: slo.sloId,
        name: slo.name,
        service: slo.service,
        ...stateView(slo.state),
        verdicts: sloVerdicts(slo),
        objective: percent(slo.objective, 3),
        sli: percent(slo.sli, 3),
        budget: percent(slo.errorBudgetRemaining, 1),
      })),
      charts,
      types: insights.byTeamAndType.map((row) => ({
        ...row,
        trend: row.count > row.previousCount ? '↑ more' : row.count < row.previousCount ? '↓ fewer' : '→ same',
      })),
      mtta: { median: formatDuration(teamRow?.mttaSeconds.median ?? null), p90: formatDuration(teamRow?.mttaSeconds.p90 ?? null) },
      mttr: { median: formatDuration(teamRow?.mttrSeconds.median ?? null), p90: formatDuration(teamRow?.mttrSeconds.p90 ?? null) },
      delivery: deliveryPanelRows(delivery.byTeam.find((row) => row.team === team.slug) ?? null),
      deployedIncidents: linked.map(({ incident, deployment }) => ({
        reference: formatIncidentReference(incident.number),
        title: principal && canActOnTeam(principal, team.id) ? incident.title : '(title visible to the team)',
        service: deployment.service.slug,
        version: deployment.version,
        deployedAt: when(deployment.finishedAt),
        startedAt: when(incident.startedAt),
      })),
    };
  }

  async slo(principal: Principal, id: string, period?: DashboardPeriod) {
    const slo = await this.sloDefinitions.getSlo(id);
    const status = slo.status;
    const now = this.clock.now();
    const chart = sloChartRange(slo, period, now);
    const history = await this.slos.getHistory(id, chart.range);
    const linked = (await this.incidentQueries.listIncidents(principal, { dedupKey: `slo:${id}` }, { limit: 50, offset: 0 })).items;
    const markers = linked.map((incident) => ({ at: incident.startedAt, label: `${formatIncidentReference(incident.number)}: ${incident.title}` }));
    const budgetPoints = thinSeries(
      history.points.map((point) => ({ at: new Date(point.time), value: point.errorBudgetRemaining })),
      400,
    );
    const sliPoints = thinSeries(
      history.points.map((point) => ({ at: new Date(point.time), value: point.sli })),
      400,
    );
    const window = sloWindowText(slo);
    return {
      slo: {
        name: slo.name,
        service: slo.service.slug,
        team: slo.service.team.slug,
        objective: percent(slo.objective, 3),
        window,
        evaluatedAt: when(status?.evaluatedAt),
        ...stateView(slo.state),
        sli: percent(status?.sli, 3),
        budget: percent(status?.errorBudgetRemaining, 1),
        description: slo.description,
        verdicts: sloVerdicts({ errorBudgetRemaining: status?.errorBudgetRemaining, sli: status?.sli, objective: slo.objective }),
        period: status?.periodEnd ? { start: when(status.periodStart), end: when(status.periodEnd), timeZone: status.timeZone } : null,
        excluded: status?.excludedEvents ? `${Math.round(status.excludedEvents.bad)} bad of ${Math.round(status.excludedEvents.total)}` : null,
      },
      indicator: indicatorRows(slo.indicator),
      periods: [
        { label: `SLO window (${window})`, href: `/dashboard/slos/${slo.id}`, current: period === undefined },
        ...DASHBOARD_PERIODS.map((key) => ({
          label: key === SLO_CALENDAR_PERIOD ? `this ${chart.calendar.window}` : key,
          href: `/dashboard/slos/${slo.id}?period=${key}`,
          current: period === key,
        })),
      ],
      budgetChart: renderLineChart({
        id: 'budget',
        title: `Error budget remaining: ${slo.name}`,
        description: `Error budget remaining over the ${chart.label} window (${when(history.from)} to ${when(history.to)} UTC) with ${markers.length} incident marker(s); now ${percent(status?.errorBudgetRemaining, 1)}.`,
        from: history.from,
        to: history.to,
        yMax: 1,
        formatValue: (value) => `${Math.round(value * 100)}%`,
        thresholds: [{ value: 0, label: 'budget exhausted' }],
        series: [{ name: 'budget remaining', className: 'series-budget', points: budgetPoints }],
        markers,
      }),
      sliChart: renderLineChart({
        id: 'sli',
        title: `SLI: ${slo.name}`,
        description: `SLI over the ${chart.label} window (${when(history.from)} to ${when(history.to)} UTC) against the objective ${percent(slo.objective, 3)}; now ${percent(status?.sli, 3)}.`,
        from: history.from,
        to: history.to,
        formatValue: (value) => `${(value * 100).toFixed(2)}%`,
        ...sliAxis(
          slo.objective,
          sliPoints.map((point) => point.value),
        ),
        thresholds: [{ value: slo.objective, label: `objective ${percent(slo.objective, 3)}` }],
        series: [{ name: 'SLI', className: 'series-sli', points: sliPoints }],
        markers,
      }),
      history: budgetPoints.map((point, index) => ({
        time: when(point.at),
        budget: percent(point.value, 1),
        sli: percent(sliPoints[index]?.value, 3),
        state: history.points.find((candidate) => new Date(candidate.time).getTime() === point.at.getTime())?.state ?? '',
      })),
      // jsonb does not keep key order: list the windows shortest first.
      windows: ['5m', '30m', '1h', '2h', '6h', '1d', '3d', window]
        .filter((key, index, all) => all.indexOf(key) === index && status?.windows[key])
        .map((key) => ({ window: key, errorRatio: ratio(status?.windows[key].errorRatio), burnRate: rate(status?.windows[key].burnRate) })),
      alerts: (status?.alerts ?? []).map((alert) => ({ ...alert, factor: alert.factor.toFixed(2), firing: alert.firing ? '✖ firing' : '✓ not firing' })),
      incidents: linked.map((incident) => ({
        id: incident.id,
        reference: formatIncidentReference(incident.number),
        title: incident.title,
        status: incident.status,
        startedAt: when(incident.startedAt),
      })),
    };
  }
}
