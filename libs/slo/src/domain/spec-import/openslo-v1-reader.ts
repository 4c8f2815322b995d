import { describeValue } from '../errors';
import { CALENDAR_NOMINAL_DAYS, isCalendarWindow } from '../calendar-window';
import { openSloV1CalendarWindow, SpecWindow } from './calendar-time-window';
import { IndicatorQueries } from './indicator-queries';
import { Json, JsonObject, Located } from './json';
import { OpenSloV1AlertPolicies } from './openslo-v1-alert-policies';
import { readBallastAnnotations } from './openslo-v1-annotations';
import { ReadIndicator, v1BudgetingIsTimeslices, v1ObjectiveIndicator } from './openslo-v1-timeslices';
import { SpecReadContext } from './reader-context';
import { SpecSloDefinition } from './spec-types';

export const OPENSLO_KINDS = ['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'];

/** OpenSLO `openslo/v1`: SLO documents and the SLI, DataSource and alerting documents they refer to. */
export class OpenSloV1Reader {
  private readonly queries: IndicatorQueries;
  private readonly alerts: OpenSloV1AlertPolicies;

  constructor(private readonly ctx: SpecReadContext) {
    this.queries = new IndicatorQueries(ctx);
    this.alerts = new OpenSloV1AlertPolicies(ctx);
  }

  openSloV1(object: JsonObject): SpecSloDefinition[] {
    this.ctx.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (!OPENSLO_KINDS.includes(String(object.kind))) {
      this.ctx.report('kind', `must be one of ${OPENSLO_KINDS.join(', ')}, got ${describeValue(object.kind)}`);
      return [];
    }
    const metadata = this.ctx.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.ctx.metadataName(metadata);
    switch (object.kind) {
      case 'Service': {
        const spec = object.spec === undefined ? {} : this.ctx.object(object.spec, 'spec');
        if (name !== undefined && spec !== undefined) {
          this.ctx.checkFields(spec, 'spec', ['description']);
          this.ctx.services.push({
            document: this.ctx.document,
            name,
            ...(typeof metadata?.displayName === 'string' ? { displayName: metadata.displayName } : {}),
            ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
          });
        }
        return [];
      }
      case 'DataSource': {
        const spec = this.ctx.object(object.spec, 'spec');
        if (spec !== undefined) {
          this.ctx.checkFields(spec, 'spec', ['description', 'type', 'connectionDetails']);
          this.ctx.requiredString(spec.type, 'spec.type');
        }
        return [];
      }
      case 'AlertNotificationTarget':
        this.ctx.note('', `notification target ${describeValue(name)} is not imported: Ballast notifies through the team's Slack channel and on-call`);
        return [];
      case 'AlertCondition':
      case 'AlertPolicy':
      case 'SLI':
        return []; // read when an SLO refers to them
      default:
        break;
    }
    const spec = this.ctx.object(object.spec, 'spec');
    if (spec === undefined || name === undefined) return [];
    this.ctx.checkFields(spec, 'spec', ['description', 'service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives', 'alertPolicies']);
    const service = this.ctx.requiredString(spec.service, 'spec.service');
    const description =
      this.ctx.optionalString(spec.description, 'spec.description') ?? (typeof metadata?.displayName === 'string' ? metadata.displayName : undefined);
    const window = this.openSloV1Window(spec.timeWindow);
    const timeslices = v1BudgetingIsTimeslices(this.ctx, spec.budgetingMethod, 'spec.budgetingMethod');
    const sloIndicator = spec.indicator !== undefined || spec.indicatorRef !== undefined ? this.v1Indicator(spec, 'spec') : undefined;
    const sloPaths = this.ctx.lastPaths;
    const annotated = readBallastAnnotations(this.ctx, metadata);
    const policy = annotated.policy ?? this.alerts.v1AlertPolicies(spec.alertPolicies);
    const objectives = this.ctx.objectives(spec.objectives);
    if (objectives.length === 0) return [];
    const slos: SpecSloDefinition[] = [];
    objectives.forEach((value, index) => {
      const path = `spec.objectives[${index}]`;
      const objective = this.ctx.object(value, path);
      if (objective === undefined) return;
      this.ctx.checkFields(objective, path, [
        'displayName',
        'target',
        'targetPercent',
        'indicator',
        'indicatorRef',
        'op',
        'value',
        'timeSliceTarget',
        'timeSliceWindow',
        'compositeWeight',
      ]);
      if (objective.compositeWeight !== undefined) {
        this.ctx.report(`${path}.compositeWeight`, 'composite SLOs are not supported');
      }
      const ownIndicator = objective.indicator !== undefined || objective.indicatorRef !== undefined;
      this.ctx.lastPaths = sloPaths;
      const read = ownIndicator ? this.v1Indicator(objective, path) : sloIndicator;
      const indicator =
        read === undefined ? undefined : v1ObjectiveIndicator(this.ctx, read, objective, path, timeslices, window && nominalWindow(window.window));
      const sourcePaths = { ...this.ctx.lastPaths, service: 'spec.service' };
      if (
        indicator === undefined &&
        spec.indicator === undefined &&
        spec.indicatorRef === undefined &&
        objective.indicator === undefined &&
        objective.indicatorRef === undefined
      ) {
        this.ctx.report('spec.indicator', 'is required (or spec.indicatorRef, or an indicator per objective)');
      }
      const target = this.ctx.target(objective, path);
      const objectiveName = objectives.length === 1 ? name : `${name}-${objectiveKey(objective, index)}`;
      if (service === undefined || window === undefined || indicator === undefined || target === undefined) return;
      slos.push({
        document: this.ctx.document,
        path: '',
        format: 'openslo/v1',
        name: objectiveName,
        ...(description !== undefined ? { description } : {}),
        service,
        objective: target,
        ...window,
        indicator,
        ...(policy !== undefined ? { policy } : {}),
        ...(annotated.alerting !== undefined ? { alerting: annotated.alerting } : {}),
        sourcePaths,
      });
    });
    return slos;
  }

  private v1Indicator(owner: JsonObject, path: string): ReadIndicator | undefined {
    if (owner.indicator !== undefined && owner.indicatorRef !== undefined) {
      this.ctx.report(`${path}.indicatorRef`, `set either ${path}.indicator or ${path}.indicatorRef, not both`);
      return undefined;
    }
    if (owner.indicatorRef !== undefined) {
      const reference = this.ctx.requiredString(owner.indicatorRef, `${path}.indicatorRef`);
      if (reference === undefined) return undefined;
      const sli = this.ctx.slis.get(reference);
      if (sli === undefined) {
        this.ctx.report(`${path}.indicatorRef`, `no SLI document named ${describeValue(reference)} in this file`);
        return undefined;
      }
      return this.ctx.inDocument(sli.document, () => this.v1SliSpec(sli.value, 'spec'));
    }
    const inline = this.ctx.object(owner.indicator, `${path}.indicator`);
    if (inline === undefined) return undefined;
    this.ctx.checkFields(inline, `${path}.indicator`, ['metadata', 'spec']);
    return this.v1SliSpec(inline.spec, `${path}.indicator.spec`);
  }

  private v1SliSpec(value: Json | undefined, path: string): ReadIndicator | undefined {
    const spec = this.ctx.object(value, path);
    if (spec === undefined) return undefined;
    this.ctx.checkFields(spec, path, ['description', 'ratioMetric', 'thresholdMetric']);
    if (spec.thresholdMetric !== undefined) {
      const query = this.v1MetricSource(spec.thresholdMetric, `${path}.thresholdMetric`);
      return query === undefined ? undefined : { kind: 'threshold-query', query };
    }
    const ratioPath = `${path}.ratioMetric`;
    const ratio = this.ctx.object(spec.ratioMetric, ratioPath);
    if (ratio === undefined) return undefined;
    this.ctx.checkFields(ratio, ratioPath, ['counter', 'good', 'bad', 'total', 'raw', 'rawType']);
    if (ratio.raw !== undefined || ratio.rawType !== undefined) {
      this.ctx.report(`${ratioPath}.raw`, 'raw ratio metrics are not supported; use good or bad with total');
      return undefined;
    }
    if (ratio.counter !== undefined && typeof ratio.counter !== 'boolean') {
      this.ctx.report(`${ratioPath}.counter`, `must be true or false, got ${describeValue(ratio.counter)}`);
    }
    if ((ratio.good === undefined) === (ratio.bad === undefined)) {
      this.ctx.report(ratio.good === undefined ? `${ratioPath}.good` : `${ratioPath}.bad`, 'set exactly one of good or bad besides total');
      return undefined;
    }
    const goodOrBad = ratio.good !== undefined ? 'good' : 'bad';
    const total = this.v1MetricSource(ratio.total, `${ratioPath}.total`);
    const part = this.v1MetricSource(ratio[goodOrBad], `${ratioPath}.${goodOrBad}`);
    if (total === undefined || part === undefined) return undefined;
    return this.queries.ratioIndicator(total, part, goodOrBad, ratio.counter !== false, ratioPath);
  }

  /** The Prometheus query of a v1 metric source (inline, or through metricSourceRef to a DataSource). */
  private v1MetricSource(value: Json | undefined, path: string): Located | undefined {
    const metric = this.ctx.object(value, path);
    if (metric === undefined) return undefined;
    this.ctx.checkFields(metric, path, ['metricSource']);
    const sourcePath = `${path}.metricSource`;
    const source = this.ctx.object(metric.metricSource, sourcePath);
    if (source === undefined) return undefined;
    this.ctx.checkFields(source, sourcePath, ['metricSourceRef', 'type', 'spec']);
    let type: string | undefined;
    let typeField = `${sourcePath}.type`;
    if (source.metricSourceRef !== undefined) {
      const reference = this.ctx.requiredString(source.metricSourceRef, `${sourcePath}.metricSourceRef`);
      if (reference === undefined) return undefined;
      const dataSource = this.ctx.dataSources.get(reference);
      if (dataSource === undefined) {
        this.ctx.report(`${sourcePath}.metricSourceRef`, `no DataSource document named ${describeValue(reference)} in this file`);
        return undefined;
      }
      type = typeof dataSource.value.type === 'string' ? dataSource.value.type : undefined;
      typeField = `${sourcePath}.metricSourceRef`;
      if (source.type !== undefined && typeof source.type === 'string' && type !== undefined && source.type.toLowerCase() !== type.toLowerCase()) {
        this.ctx.report(`${sourcePath}.type`, `is ${describeValue(source.type)} but DataSource ${describeValue(reference)} is ${describeValue(type)}`);
        return undefined;
      }
      if (type === undefined) return undefined; // reported on the DataSource document
    } else {
      type = this.ctx.requiredString(source.type, `${sourcePath}.type`);
      if (type === undefined) return undefined;
    }
    if (type.toLowerCase() !== 'prometheus') {
      this.ctx.report(typeField, `data source ${describeValue(type)} cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only`);
      return undefined;
    }
    const specPath = `${sourcePath}.spec`;
    const sourceSpec = this.ctx.object(source.spec, specPath);
    if (sourceSpec === undefined) return undefined;
    this.ctx.checkFields(sourceSpec, specPath, ['query', 'promql']);
    const field = sourceSpec.query !== undefined ? 'query' : 'promql';
    const query = this.ctx.requiredString(sourceSpec[field], `${specPath}.query`);
    return query === undefined ? undefined : { text: query.trim(), path: `${specPath}.${field}` };
  }

  private openSloV1Window(value: Json | undefined): SpecWindow | undefined {
    const windows = this.ctx.list(value, 'spec.timeWindow');
    if (windows === undefined) return undefined;
    if (windows.length !== 1) {
      this.ctx.report('spec.timeWindow', `needs exactly one time window, got ${windows.length}`);
      return undefined;
    }
    const path = 'spec.timeWindow[0]';
    const window = this.ctx.object(windows[0], path);
    if (window === undefined) return undefined;
    this.ctx.checkFields(window, path, ['duration', 'isRolling', 'calendar']);
    const duration = this.ctx.requiredString(window.duration, `${path}.duration`);
    if (window.isRolling === false) return openSloV1CalendarWindow(this.ctx, window, path, duration);
    if (window.calendar !== undefined) {
      this.ctx.report(`${path}.calendar`, 'applies to calendar windows only (isRolling: false)');
      return undefined;
    }
    if (window.isRolling !== undefined && window.isRolling !== true) {
      this.ctx.report(`${path}.isRolling`, `must be true or false, got ${describeValue(window.isRolling)}`);
    }
    const days = duration === undefined ? undefined : this.ctx.rollingDays(duration, `${path}.duration`);
    return days === undefined ? undefined : { window: days };
  }
}

/** `<name>-<objective>`: the objective's displayName as a slug, else its index. */
export function objectiveKey(objective: JsonObject, index: number): string {
  if (typeof objective.displayName === 'string') {
    const slug = objective.displayName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (slug !== '') return slug;
  }
  return String(index);
}

/** A calendar window's nominal rolling length (a timeslice must fit in it); a rolling window as it is. */
function nominalWindow(window: string): string {
  return isCalendarWindow(window) ? `${CALENDAR_NOMINAL_DAYS[window]}d` : window;
}
