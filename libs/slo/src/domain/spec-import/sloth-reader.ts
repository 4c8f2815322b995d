import { describeValue } from '../errors';
import { SloIndicator } from '../slo-indicator';
import { validateObjective } from '../slo-math';
import { SloPolicySeverity } from '../slo-policy';
import { IndicatorQueries } from './indicator-queries';
import { isObject, Json, JsonObject, percentToRatio } from './json';
import { SpecReadContext } from './reader-context';
import { SloAlertingSpec, SLOTH_DEFAULT_WINDOW, SpecFormat, SpecSloDefinition } from './spec-types';

/** Sloth `prometheus/v1` files and `sloth.slok.dev/v1` PrometheusServiceLevel documents. */
export class SlothReader {
  private readonly queries: IndicatorQueries;

  constructor(private readonly ctx: SpecReadContext) {
    this.queries = new IndicatorQueries(ctx);
  }

  slothPrometheusV1(object: JsonObject): SpecSloDefinition[] {
    if (object.version !== 'prometheus/v1') {
      this.ctx.report('version', `Sloth specs must be version "prometheus/v1", got ${describeValue(object.version)}`);
      return [];
    }
    this.ctx.checkFields(object, '', ['version', 'service', 'labels', 'slos']);
    return this.slothSlos(object, '', 'sloth/prometheus/v1');
  }

  slothKubernetes(object: JsonObject): SpecSloDefinition[] {
    this.ctx.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (object.kind !== 'PrometheusServiceLevel') {
      this.ctx.report('kind', `sloth.slok.dev/v1 documents must be PrometheusServiceLevel, got ${describeValue(object.kind)}`);
      return [];
    }
    const spec = this.ctx.object(object.spec, 'spec');
    if (spec === undefined) return [];
    this.ctx.checkFields(spec, 'spec', ['service', 'labels', 'slos']);
    return this.slothSlos(spec, 'spec', 'sloth/sloth.slok.dev/v1');
  }

  private slothSlos(spec: JsonObject, base: string, format: SpecFormat): SpecSloDefinition[] {
    const at = (key: string): string => (base === '' ? key : `${base}.${key}`);
    const service = this.ctx.requiredString(spec.service, at('service'));
    const sharedLabels = this.ctx.labels(spec.labels, at('labels'));
    const entries = this.ctx.list(spec.slos, at('slos'));
    if (entries === undefined) return [];
    const slos: SpecSloDefinition[] = [];
    entries.forEach((entry, index) => {
      const path = at(`slos[${index}]`);
      const slo = this.ctx.object(entry, path);
      if (slo === undefined) return;
      this.ctx.checkFields(slo, path, ['name', 'objective', 'description', 'labels', 'sli', 'alerting']);
      const name = this.ctx.requiredString(slo.name, `${path}.name`);
      const description = this.ctx.optionalString(slo.description, `${path}.description`);
      let objective: number | undefined;
      if (slo.objective === undefined) {
        this.ctx.report(`${path}.objective`, 'is required');
      } else {
        objective = this.ctx.validated(
          () => validateObjective(typeof slo.objective === 'number' ? percentToRatio(slo.objective) : slo.objective, `${path}.objective`),
          `${path}.objective`,
        );
      }
      const labels = { ...sharedLabels, ...this.ctx.labels(slo.labels, `${path}.labels`) };
      const indicator = this.slothSli(slo.sli, `${path}.sli`);
      const sourcePaths = { ...this.ctx.lastPaths, service: at('service') };
      const alerting = this.slothAlerting(slo.alerting, `${path}.alerting`, labels);
      if (name === undefined || service === undefined || objective === undefined || indicator === undefined) return;
      slos.push({
        document: this.ctx.document,
        path,
        format,
        name,
        ...(description !== undefined ? { description } : {}),
        service,
        objective,
        window: SLOTH_DEFAULT_WINDOW,
        indicator,
        ...(alerting.policy !== undefined ? { policy: alerting.policy } : {}),
        alerting: alerting.spec,
        sourcePaths,
      });
    });
    return slos;
  }

  private slothSli(value: Json | undefined, path: string): SloIndicator | undefined {
    const sli = this.ctx.object(value, path);
    if (sli === undefined) return undefined;
    this.ctx.checkFields(sli, path, ['events', 'raw', 'plugin']);
    if (sli.raw !== undefined) {
      this.ctx.report(`${path}.raw`, 'raw error ratio queries are not supported: Ballast needs event counts (use sli.events with error_query and total_query)');
      return undefined;
    }
    if (sli.plugin !== undefined) {
      this.ctx.report(`${path}.plugin`, "Sloth SLI plugins are not supported; write the plugin's queries as sli.events error_query and total_query");
      return undefined;
    }
    const events = this.ctx.object(sli.events, `${path}.events`);
    if (events === undefined) return undefined;
    this.ctx.checkFields(events, `${path}.events`, ['error_query', 'total_query']);
    const error = this.ctx.requiredString(events.error_query, `${path}.events.error_query`);
    const total = this.ctx.requiredString(events.total_query, `${path}.events.total_query`);
    if (error === undefined || total === undefined) return undefined;
    return this.queries.ratioIndicator(
      { text: total.trim(), path: `${path}.events.total_query` },
      { text: error.trim(), path: `${path}.events.error_query` },
      'bad',
      true,
      `${path}.events`,
    );
  }

  private slothAlerting(
    value: Json | undefined,
    path: string,
    sloLabels: Readonly<Record<string, string>>,
  ): { spec: SloAlertingSpec; policy?: { openIncident: boolean; severity?: SloPolicySeverity } } {
    const base: SloAlertingSpec = Object.keys(sloLabels).length > 0 ? { labels: sloLabels } : {};
    if (value === undefined) return { spec: base };
    const alerting = this.ctx.object(value, path);
    if (alerting === undefined) return { spec: base };
    this.ctx.checkFields(alerting, path, ['name', 'labels', 'annotations', 'page_alert', 'ticket_alert', 'disable']);
    const name = this.ctx.optionalString(alerting.name, `${path}.name`);
    const labels = { ...sloLabels, ...this.ctx.labels(alerting.labels, `${path}.labels`) };
    const alertLabels = (key: 'page_alert' | 'ticket_alert'): Record<string, string> | undefined => {
      const entry = alerting[key];
      if (entry === undefined) return undefined;
      const object = this.ctx.object(entry, `${path}.${key}`);
      if (object === undefined) return undefined;
      this.ctx.checkFields(object, `${path}.${key}`, ['labels', 'annotations', 'disable']);
      return this.ctx.labels(object.labels, `${path}.${key}.labels`);
    };
    const pageLabels = alertLabels('page_alert');
    const ticketLabels = alertLabels('ticket_alert');
    if (alerting.annotations !== undefined)
      this.ctx.note(`${path}.annotations`, 'alert annotations are not imported; Ballast writes its own summary and description');
    const pageDisabled = isObject(alerting.page_alert) && alerting.page_alert.disable === true;
    const disabled = alerting.disable === true;
    return {
      spec: {
        ...(name !== undefined ? { name } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
        ...(pageLabels !== undefined ? { pageLabels } : {}),
        ...(ticketLabels !== undefined ? { ticketLabels } : {}),
      },
      ...(disabled || pageDisabled ? { policy: { openIncident: false } } : {}),
    };
  }
}
