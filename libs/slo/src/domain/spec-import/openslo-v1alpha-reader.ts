import { describeValue } from '../errors';
import { SloIndicator } from '../slo-indicator';
import { openSloV1alphaCalendarWindow, SpecWindow } from './calendar-time-window';
import { IndicatorQueries } from './indicator-queries';
import { isObject, Json, JsonObject, Located } from './json';
import { objectiveKey } from './openslo-v1-reader';
import { SpecReadContext } from './reader-context';
import { SpecSloDefinition } from './spec-types';

/** OpenSLO `openslo/v1alpha`: SLO (ratioMetrics per objective) and Service documents. */
export class OpenSloV1alphaReader {
  private readonly queries: IndicatorQueries;

  constructor(private readonly ctx: SpecReadContext) {
    this.queries = new IndicatorQueries(ctx);
  }

  openSloV1alpha(object: JsonObject): SpecSloDefinition[] {
    this.ctx.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    const metadata = this.ctx.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.ctx.metadataName(metadata);
    if (object.kind === 'Service') {
      if (name !== undefined) {
        const spec = isObject(object.spec) ? object.spec : {};
        this.ctx.services.push({
          document: this.ctx.document,
          name,
          ...(typeof metadata?.displayName === 'string' ? { displayName: metadata.displayName } : {}),
          ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
        });
      }
      return [];
    }
    if (object.kind !== 'SLO') {
      this.ctx.report('kind', `openslo/v1alpha documents must be SLO or Service, got ${describeValue(object.kind)}`);
      return [];
    }
    const spec = this.ctx.object(object.spec, 'spec');
    if (spec === undefined || name === undefined) return [];
    this.ctx.checkFields(spec, 'spec', ['description', 'service', 'indicator', 'timeWindows', 'budgetingMethod', 'objectives']);
    const service = this.ctx.requiredString(spec.service, 'spec.service');
    const description =
      this.ctx.optionalString(spec.description, 'spec.description') ?? (typeof metadata?.displayName === 'string' ? metadata.displayName : undefined);
    this.ctx.budgetingMethod(spec.budgetingMethod, 'spec.budgetingMethod');
    const window = this.v1alphaWindow(spec.timeWindows);
    if (spec.indicator !== undefined) {
      this.ctx.report('spec.indicator', 'threshold metrics (with op/value and Timeslices) are not supported yet; use ratioMetrics in the objectives');
    }
    const objectives = this.ctx.objectives(spec.objectives);
    if (objectives.length === 0) return [];
    const slos: SpecSloDefinition[] = [];
    objectives.forEach((value, index) => {
      const path = `spec.objectives[${index}]`;
      const objective = this.ctx.object(value, path);
      if (objective === undefined) return;
      this.ctx.checkFields(objective, path, ['displayName', 'target', 'ratioMetrics', 'op', 'value', 'timeSliceTarget']);
      if (objective.op !== undefined || objective.value !== undefined) {
        this.ctx.report(`${path}.op`, 'threshold objectives (op/value) are not supported yet; use ratioMetrics');
      }
      if (objective.timeSliceTarget !== undefined) {
        this.ctx.report(`${path}.timeSliceTarget`, 'Timeslices budgeting is not supported yet; use Occurrences');
      }
      const target = this.ctx.target(objective, path);
      const ratioPath = `${path}.ratioMetrics`;
      const ratio = this.ctx.object(objective.ratioMetrics, ratioPath);
      let indicator: SloIndicator | undefined;
      let sourcePaths: Record<string, string> = {};
      if (ratio !== undefined) {
        this.ctx.checkFields(ratio, ratioPath, ['good', 'bad', 'total', 'incremental', 'counter']);
        if ((ratio.good === undefined) === (ratio.bad === undefined)) {
          this.ctx.report(ratio.good === undefined ? `${ratioPath}.good` : `${ratioPath}.bad`, 'set exactly one of good or bad besides total');
        } else {
          const goodOrBad = ratio.good !== undefined ? 'good' : 'bad';
          const total = this.v1alphaSource(ratio.total, `${ratioPath}.total`);
          const part = this.v1alphaSource(ratio[goodOrBad], `${ratioPath}.${goodOrBad}`);
          if (total !== undefined && part !== undefined) {
            indicator = this.queries.ratioIndicator(total, part, goodOrBad, ratio.incremental !== false && ratio.counter !== false, ratioPath);
            sourcePaths = { ...this.ctx.lastPaths, service: 'spec.service' };
          }
        }
      }
      if (service === undefined || window === undefined || indicator === undefined || target === undefined) return;
      slos.push({
        document: this.ctx.document,
        path: '',
        format: 'openslo/v1alpha',
        name: objectives.length === 1 ? name : `${name}-${objectiveKey(objective, index)}`,
        ...(description !== undefined ? { description } : {}),
        service,
        objective: target,
        ...window,
        indicator,
        sourcePaths,
      });
    });
    return slos;
  }

  private v1alphaSource(value: Json | undefined, path: string): Located | undefined {
    const source = this.ctx.object(value, path);
    if (source === undefined) return undefined;
    this.ctx.checkFields(source, path, ['source', 'queryType', 'query', 'metadata']);
    const kind = this.ctx.requiredString(source.source, `${path}.source`);
    if (kind !== undefined && kind.toLowerCase() !== 'prometheus') {
      this.ctx.report(
        `${path}.source`,
        `data source ${describeValue(kind)} cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only`,
      );
      return undefined;
    }
    if (source.queryType !== undefined && String(source.queryType).toLowerCase() !== 'promql') {
      this.ctx.report(`${path}.queryType`, `must be promql, got ${describeValue(source.queryType)}`);
      return undefined;
    }
    const query = this.ctx.requiredString(source.query, `${path}.query`);
    return kind === undefined || query === undefined ? undefined : { text: query.trim(), path: `${path}.query` };
  }

  private v1alphaWindow(value: Json | undefined): SpecWindow | undefined {
    const windows = this.ctx.list(value, 'spec.timeWindows');
    if (windows === undefined) return undefined;
    if (windows.length !== 1) {
      this.ctx.report('spec.timeWindows', `needs exactly one time window, got ${windows.length}`);
      return undefined;
    }
    const path = 'spec.timeWindows[0]';
    const window = this.ctx.object(windows[0], path);
    if (window === undefined) return undefined;
    this.ctx.checkFields(window, path, ['unit', 'count', 'isRolling', 'calendar']);
    if (window.isRolling === false) return openSloV1alphaCalendarWindow(this.ctx, window, path);
    if (window.calendar !== undefined) {
      this.ctx.report(`${path}.calendar`, 'applies to calendar windows only (isRolling: false)');
      return undefined;
    }
    const unit = this.ctx.requiredString(window.unit, `${path}.unit`);
    const count = window.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      this.ctx.report(`${path}.count`, count === undefined ? 'is required' : `must be a positive whole number, got ${describeValue(count)}`);
      return undefined;
    }
    const days: Record<string, number> = { day: 1, week: 7 };
    const perUnit = unit === undefined ? undefined : days[unit.toLowerCase()];
    if (unit === undefined) return undefined;
    if (perUnit === undefined) {
      this.ctx.report(`${path}.unit`, `rolling windows are counted in Day or Week, got ${describeValue(unit)}`);
      return undefined;
    }
    const rolling = this.ctx.rollingDays(`${count * perUnit}d`, `${path}.count`);
    return rolling === undefined ? undefined : { window: rolling };
  }
}
