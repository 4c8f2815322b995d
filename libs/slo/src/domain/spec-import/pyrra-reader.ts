import { describeValue } from '../errors';
import { formatSeriesSelector, selectorMetricName } from '../promql-selector';
import { SloIndicator, validateIndicator } from '../slo-indicator';
import { validateObjective } from '../slo-math';
import { IndicatorQueries } from './indicator-queries';
import { isObject, Json, JsonObject, Located, percentToRatio } from './json';
import { SpecReadContext } from './reader-context';
import { SpecSloDefinition } from './spec-types';

/** Pyrra `pyrra.dev/v1alpha1` ServiceLevelObjective (ratio, latency, bool_gauge). */
export class PyrraReader {
  private readonly queries: IndicatorQueries;

  constructor(private readonly ctx: SpecReadContext) {
    this.queries = new IndicatorQueries(ctx);
  }

  pyrra(object: JsonObject): SpecSloDefinition[] {
    this.ctx.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (object.kind !== 'ServiceLevelObjective') {
      this.ctx.report('kind', `pyrra.dev/v1alpha1 documents must be ServiceLevelObjective, got ${describeValue(object.kind)}`);
      return [];
    }
    const metadata = this.ctx.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.ctx.requiredString(metadata.name, 'metadata.name');
    const metadataLabels = metadata !== undefined && isObject(metadata.labels) ? metadata.labels : {};
    const labelService = metadataLabels['pyrra.dev/service'] ?? metadataLabels['service'];
    const service = typeof labelService === 'string' ? labelService : this.ctx.options.defaultService;
    if (service === undefined) {
      this.ctx.report('metadata.labels', 'a Pyrra SLO names no service: add the label pyrra.dev/service: <service slug>, or import with ?service=<slug>');
    }
    const spec = this.ctx.object(object.spec, 'spec');
    if (spec === undefined) return [];
    this.ctx.checkFields(spec, 'spec', ['target', 'window', 'description', 'indicator', 'alerting', 'serviceLevelObjectiveLabels']);
    const description = this.ctx.optionalString(spec.description, 'spec.description');
    let objective: number | undefined;
    if (spec.target === undefined) {
      this.ctx.report('spec.target', 'is required');
    } else {
      const percent = typeof spec.target === 'string' && spec.target.trim() !== '' ? Number(spec.target) : spec.target;
      objective = this.ctx.validated(() => validateObjective(typeof percent === 'number' ? percentToRatio(percent) : percent, 'spec.target'), 'spec.target');
    }
    const windowText = this.ctx.requiredString(spec.window, 'spec.window');
    const window = windowText === undefined ? undefined : this.ctx.rollingDays(windowText, 'spec.window');
    const indicator = this.pyrraIndicator(spec.indicator, 'spec.indicator');
    const sourcePaths = { ...this.ctx.lastPaths, service: 'metadata.labels' };
    let policy: SpecSloDefinition['policy'];
    if (isObject(spec.alerting)) {
      if (spec.alerting.disabled === true) policy = { openIncident: false };
      if (spec.alerting.burnrates === false) policy = { openIncident: false };
    }
    const alertName = isObject(spec.alerting) && typeof spec.alerting.name === 'string' ? spec.alerting.name : undefined;
    if (name === undefined || service === undefined || objective === undefined || window === undefined || indicator === undefined) return [];
    return [
      {
        document: this.ctx.document,
        path: '',
        format: 'pyrra/v1alpha1',
        name,
        ...(description !== undefined ? { description } : {}),
        service,
        objective,
        window,
        indicator,
        ...(policy !== undefined ? { policy } : {}),
        ...(alertName !== undefined ? { alerting: { name: alertName } } : {}),
        sourcePaths,
      },
    ];
  }

  private pyrraIndicator(value: Json | undefined, path: string): SloIndicator | undefined {
    const indicator = this.ctx.object(value, path);
    if (indicator === undefined) return undefined;
    this.ctx.checkFields(indicator, path, ['ratio', 'latency', 'bool_gauge', 'latencyNative']);
    const kinds = ['ratio', 'latency', 'bool_gauge', 'latencyNative'].filter((key) => indicator[key] !== undefined);
    if (kinds.length !== 1) {
      this.ctx.report(path, kinds.length === 0 ? 'needs one of ratio, latency or bool_gauge' : `set only one of ${kinds.join(', ')}`);
      return undefined;
    }
    const metric = (owner: JsonObject, key: string, ownerPath: string): Located | undefined => {
      const entry = this.ctx.object(owner[key], `${ownerPath}.${key}`);
      if (entry === undefined) return undefined;
      this.ctx.checkFields(entry, `${ownerPath}.${key}`, ['metric']);
      const text = this.ctx.requiredString(entry.metric, `${ownerPath}.${key}.metric`);
      return text === undefined ? undefined : { text: text.trim(), path: `${ownerPath}.${key}.metric` };
    };
    if (indicator.latencyNative !== undefined) {
      this.ctx.report(`${path}.latencyNative`, 'native histogram latency SLOs are not supported yet; use a classic histogram (latency)');
      return undefined;
    }
    if (indicator.ratio !== undefined) {
      const ratioPath = `${path}.ratio`;
      const ratio = this.ctx.object(indicator.ratio, ratioPath);
      if (ratio === undefined) return undefined;
      this.ctx.checkFields(ratio, ratioPath, ['errors', 'total', 'grouping']);
      this.grouping(ratio.grouping, `${ratioPath}.grouping`);
      const errors = metric(ratio, 'errors', ratioPath);
      const total = metric(ratio, 'total', ratioPath);
      return errors === undefined || total === undefined ? undefined : this.queries.ratioIndicator(total, errors, 'bad', true, ratioPath);
    }
    if (indicator.latency !== undefined) {
      const latencyPath = `${path}.latency`;
      const latency = this.ctx.object(indicator.latency, latencyPath);
      if (latency === undefined) return undefined;
      this.ctx.checkFields(latency, latencyPath, ['success', 'total', 'grouping']);
      this.grouping(latency.grouping, `${latencyPath}.grouping`);
      const success = metric(latency, 'success', latencyPath);
      const total = metric(latency, 'total', latencyPath);
      if (success === undefined || total === undefined) return undefined;
      return this.pyrraLatency(success, total);
    }
    const gaugePath = `${path}.bool_gauge`;
    const gauge = this.ctx.object(indicator.bool_gauge, gaugePath);
    if (gauge === undefined) return undefined;
    this.ctx.checkFields(gauge, gaugePath, ['metric', 'grouping']);
    this.grouping(gauge.grouping, `${gaugePath}.grouping`);
    const text = this.ctx.requiredString(gauge.metric, `${gaugePath}.metric`);
    if (text === undefined) return undefined;
    this.ctx.lastPaths = { totalQuery: `${gaugePath}.metric`, goodQuery: `${gaugePath}.metric` };
    const selector = this.queries.selector({ text: text.trim(), path: `${gaugePath}.metric` });
    if (selector === undefined) return undefined;
    // A 0/1 gauge: each series counts one event per second, good while it reads 1
    // (what Pyrra's bool_gauge rules compute from the samples' average).
    return this.ctx.validated(
      () =>
        validateIndicator({
          kind: 'ratio',
          totalQuery: `count(max_over_time(${selector}[{{.window}}]))`,
          goodQuery: `sum(avg_over_time(${selector}[{{.window}}]))`,
        }),
      `${gaugePath}.metric`,
    );
  }

  private pyrraLatency(success: Located, total: Located): SloIndicator | undefined {
    const parsed = this.queries.parsedSelector(success);
    if (parsed === undefined) return undefined;
    const le = parsed.matchers.find((matcher) => matcher.name === 'le');
    const metricName = selectorMetricName(parsed);
    if (le === undefined || le.operator !== '=' || metricName === undefined || !metricName.endsWith('_bucket')) {
      this.ctx.report(success.path, `must select a histogram's _bucket metric with le="<seconds>", got ${describeValue(success.text)}`);
      return undefined;
    }
    const histogram = formatSeriesSelector({ ...parsed, matchers: parsed.matchers.filter((matcher) => matcher !== le) });
    const totalParsed = this.queries.parsedSelector(total);
    if (totalParsed === undefined) return undefined;
    const totalName = selectorMetricName(totalParsed);
    const base = metricName.slice(0, -'_bucket'.length);
    if (totalName !== `${base}_count` && totalName !== metricName) {
      this.ctx.report(total.path, `must be ${base}_count (or ${metricName} with le="+Inf") of the same histogram, got ${describeValue(total.text)}`);
      return undefined;
    }
    this.ctx.lastPaths = { histogram: success.path, threshold: success.path };
    return this.ctx.validated(() => validateIndicator({ kind: 'latency', histogram, threshold: le.value }), success.path);
  }

  private grouping(value: Json | undefined, path: string): void {
    if (value !== undefined) {
      this.ctx.note(path, 'grouping is not imported: Ballast measures one SLO over all matching series (create one SLO per group to split it)');
    }
  }
}
