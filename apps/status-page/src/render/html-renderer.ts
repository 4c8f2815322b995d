import Handlebars from 'handlebars';
import { isMaintenanceActive, type PublicComponent, type PublicIncident, type PublicMaintenance, type PublicStatus } from '@app/status/core';
import { BoundedMemo } from './bounded-memo';
import {
  durationText,
  impactLabel,
  incidentStatusLabel,
  maintenanceLabel,
  monthOf,
  statusForIndicator,
  statusLabel,
  type TimeView,
  utcTime,
  utcTimeOrNull,
} from './format';
import { incidentDurationSeconds, maintenanceDurationSeconds } from './last-change';
import type { PageInfo } from './page-info';
import { DAY_CLASS, uptimeCaption, uptimeRuns, uptimeRunText } from './uptime-strip';
import type { ViewFiles } from './views';

export interface RenderContext {
  /** The data could not be refreshed for a while: say so on the page. */
  readonly stale: boolean;
}

/** Incidents and completed maintenances per history page. */
export const HISTORY_PAGE_SIZE = 20;
/** "Recently resolved" on the front page. */
export const RECENT_DAYS = 7;

type Template = Handlebars.TemplateDelegate;

/**
 * Server-side HTML. Every value goes through Handlebars' escaping (`{{ }}`);
 * the only unescaped output is the page body, which is itself a rendered
 * template, and multi-line text, which is escaped line by line.
 */
export class HtmlRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly layout: Template;
  private readonly pages: Record<'index' | 'history' | 'incident' | 'maintenance' | 'message', Template>;
  private readonly uptimeStrip: Template;
  /**
   * Rendered uptime strips by component and content: 90 bars per component are
   * most of the page, and they change at most once a minute, not with every
   * incident update.
   */
  private readonly strips = new BoundedMemo<string>(MAX_CACHED_STRIPS);

  constructor(
    private readonly views: ViewFiles,
    private readonly page: PageInfo,
  ) {
    const handlebars = this.handlebars;
    handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    handlebars.registerHelper('multiline', (text: unknown) => {
      const lines = String(text ?? '')
        .split(/\r?\n/)
        .map((line) => handlebars.escapeExpression(line));
      return new handlebars.SafeString(lines.join('<br>'));
    });
    for (const [name, source] of Object.entries(views.partials)) handlebars.registerPartial(name, source);
    const compile = (source: string) => handlebars.compile(source, { strict: false, noEscape: false });
    this.layout = compile(views.templates.layout);
    this.pages = {
      index: compile(views.templates.index),
      history: compile(views.templates.history),
      incident: compile(views.templates.incident),
      maintenance: compile(views.templates.maintenance),
      message: compile(views.templates.message),
    };
    this.uptimeStrip = compile(views.templates.uptimeStrip);
  }

  home(model: PublicStatus, context: RenderContext): string {
    const now = new Date(model.generatedAt).getTime();
    const componentsById = new Map(model.components.map((component) => [component.id, component]));
    const visible = (component: PublicComponent) => !component.onlyShowIfDegraded || component.status !== 'operational';
    const items: unknown[] = [];
    const topLevel = [
      ...model.groups.map((group) => ({ kind: 'group' as const, position: group.position, name: group.name, group })),
      ...model.components
        .filter((component) => !component.groupId || !model.groups.some((group) => group.id === component.groupId))
        .map((component) => ({ kind: 'component' as const, position: component.position, name: component.name, component })),
    ].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    for (const entry of topLevel) {
      if (entry.kind === 'component') {
        if (visible(entry.component)) items.push(this.componentView(entry.component, false));
        continue;
      }
      const members = entry.group.componentIds
        .map((id) => componentsById.get(id))
        .filter((component): component is PublicComponent => Boolean(component) && visible(component as PublicComponent));
      if (members.length === 0) continue;
      items.push({
        isGroup: true,
        id: entry.group.id,
        name: entry.group.name,
        description: entry.group.description,
        status: entry.group.status,
        statusLabel: statusLabel(entry.group.status),
        components: members.map((member) => this.componentView(member, true)),
      });
    }
    const active = model.incidents.filter((incident) => incident.status !== 'resolved');
    const recent = model.incidents.filter(
      (incident) => incident.status === 'resolved' && incident.resolvedAt && now - new Date(incident.resolvedAt).getTime() <= RECENT_DAYS * 86_400_000,
    );
    const content = this.pages.index({
      overall: model.overall,
      overallStatus: statusForIndicator(model.overall.indicator),
      updated: utcTime(model.generatedAt),
      activeIncidents: active.map((incident) => this.incidentView(incident, model)),
      activeMaintenances: model.maintenances
        .filter((maintenance) => isMaintenanceActive(maintenance.status))
        .map((maintenance) => this.maintenanceView(maintenance, model)),
      upcomingMaintenances: model.maintenances
        .filter((maintenance) => maintenance.status === 'scheduled')
        .map((maintenance) => this.maintenanceView(maintenance, model)),
      items,
      recentIncidents: recent.map((incident) => this.incidentView(incident, model)),
      recentDays: RECENT_DAYS,
      subscriptionsOffered: this.page.subscriptionsOffered === true,
    });
    return this.wrap(content, {
      title: `${this.page.name} status`,
      description: `${this.page.name} status: ${model.overall.description}`,
      current: { home: true },
      model,
      context,
    });
  }

  historyPageCount(model: PublicStatus): number {
    return Math.max(1, Math.ceil(historyEntries(model).length / HISTORY_PAGE_SIZE));
  }

  /** null when the page number is past the last page. */
  history(model: PublicStatus, pageNumber: number, context: RenderContext): string | null {
    const entries = historyEntries(model);
    const pages = Math.max(1, Math.ceil(entries.length / HISTORY_PAGE_SIZE));
    if (pageNumber < 1 || pageNumber > pages) return null;
    const slice = entries.slice((pageNumber - 1) * HISTORY_PAGE_SIZE, pageNumber * HISTORY_PAGE_SIZE);
    const months: Array<{ key: string; label: string; entries: unknown[] }> = [];
    for (const entry of slice) {
      const month = monthOf(entry.at);
      let group = months.find((candidate) => candidate.key === month.key);
      if (!group) months.push((group = { ...month, entries: [] }));
      group.entries.push(
        entry.kind === 'incident'
          ? this.incidentView(entry.incident, model, { latestUpdateOnly: true })
          : { isMaintenance: true, ...this.maintenanceView(entry.maintenance, model) },
      );
    }
    const pager =
      pages > 1
        ? {
            page: pageNumber,
            pages,
            newer: pageNumber > 1 ? historyHref(pageNumber - 1) : null,
            older: pageNumber < pages ? historyHref(pageNumber + 1) : null,
          }
        : null;
    const content = this.pages.history({ months, pager });
    const suffix = pageNumber > 1 ? ` (page ${pageNumber})` : '';
    return this.wrap(content, {
      title: `Incident history${suffix} · ${this.page.name} status`,
      description: `Past incidents and maintenances of ${this.page.name}`,
      current: { history: true },
      model,
      context,
    });
  }

  /** null when there is no such public maintenance. */
  maintenance(model: PublicStatus, maintenanceId: string, context: RenderContext): string | null {
    const maintenance = model.maintenances.find((candidate) => candidate.id === maintenanceId);
    if (!maintenance) return null;
    const view = {
      ...this.maintenanceView(maintenance, model),
      // The text a maintenance is announced with is also its first update's (as on Statuspage): said once, with the update.
      body: maintenance.updates.some((update) => update.body === maintenance.body) ? null : maintenance.body,
      started: utcTimeOrNull(maintenance.startedAt),
      completed: utcTimeOrNull(maintenance.completedAt),
      updates: maintenance.updates.map((update) => ({ statusLabel: maintenanceLabel(update.status), at: utcTime(update.createdAt), body: update.body })),
    };
    const content = this.pages.maintenance({ maintenance: view });
    return this.wrap(content, {
      title: `${maintenance.name} · ${this.page.name} status`,
      description: `${maintenance.name}: scheduled maintenance, ${maintenanceLabel(maintenance.status).toLowerCase()}`,
      current: {},
      model,
      context,
    });
  }

  /** null when there is no such public incident. */
  incident(model: PublicStatus, incidentId: string, context: RenderContext): string | null {
    const incident = model.incidents.find((candidate) => candidate.id === incidentId);
    if (!incident) return null;
    const view = this.incidentView(incident, model);
    const content = this.pages.incident({ incident: view });
    return this.wrap(content, {
      title: `${incident.name} · ${this.page.name} status`,
      description: `${incident.name}: ${incidentStatusLabel(incident.status)}`,
      current: {},
      model,
      context,
    });
  }

  message(heading: string, message: string, options: { model?: PublicStatus; context?: RenderContext; homeLink?: boolean } = {}): string {
    const content = this.pages.message({ heading, message, homeLink: options.homeLink ?? true });
    return this.wrap(content, {
      title: `${heading} · ${this.page.name} status`,
      description: message,
      current: {},
      model: options.model,
      context: options.context,
    });
  }

  private wrap(
    content: string,
    options: { title: string; description: string; current: Record<string, boolean>; model?: PublicStatus; context?: RenderContext },
  ): string {
    return this.layout({
      title: options.title,
      description: options.description,
      pageName: this.page.name,
      current: options.current,
      assets: { css: this.views.assets.css.path, js: this.views.assets.js.path, favicon: this.views.assets.favicon.path },
      stale: Boolean(options.model && options.context?.stale),
      updated: options.model ? utcTime(options.model.generatedAt) : null,
      content,
    });
  }

  private componentView(component: PublicComponent, nested: boolean) {
    return {
      id: component.id,
      name: component.name,
      description: component.description,
      nested,
      status: component.status,
      statusLabel: statusLabel(component.status),
      uptimeCaption: uptimeCaption(component),
      uptimeDayCount: component.uptimeDays.length,
      uptimeStrip: new this.handlebars.SafeString(this.stripHtml(component)),
    };
  }

  private stripHtml(component: PublicComponent): string {
    return this.strips.get(`${component.id}|${JSON.stringify(component.uptimeDays)}`, () =>
      this.uptimeStrip({
        id: component.id,
        days: uptimeRuns(component.uptimeDays).map((run) => ({
          css: DAY_CLASS[run.days[0].worstStatus ?? 'none'],
          span: run.days.length > 1 ? run.days.length : null,
          text: uptimeRunText(run),
        })),
      }),
    );
  }

  private incidentView(incident: PublicIncident, model: PublicStatus, options: { latestUpdateOnly?: boolean } = {}) {
    const names = new Map(model.components.map((component) => [component.id, component.name]));
    const updates = options.latestUpdateOnly ? incident.updates.slice(0, 1) : incident.updates;
    return {
      id: incident.id,
      name: incident.name,
      statusLabel: incidentStatusLabel(incident.status),
      impactLabel: impactLabel(incident.impact),
      impactStatus: statusForIndicator(incident.impact),
      started: utcTime(incident.startedAt),
      resolved: utcTimeOrNull(incident.resolvedAt),
      duration: optionalDuration(incidentDurationSeconds(incident)),
      affectedText: incident.components
        .map((component) => names.get(component.componentId))
        .filter(Boolean)
        .join(', '),
      affected: incident.components.map((component) => ({
        name: names.get(component.componentId) ?? component.componentId,
        statusLabel: statusLabel(component.status),
      })),
      updates: updates.map((update) => ({
        statusLabel: incidentStatusLabel(update.status),
        at: utcTime(update.createdAt),
        body: update.body,
        affectedText: (update.affectedComponents ?? [])
          .map((change) => `${names.get(change.componentId) ?? change.componentId}: ${statusLabel(change.oldStatus)} → ${statusLabel(change.newStatus)}`)
          .join('; '),
      })),
    };
  }

  private maintenanceView(maintenance: PublicMaintenance, model: PublicStatus) {
    const names = new Map(model.components.map((component) => [component.id, component.name]));
    return {
      id: maintenance.id,
      name: maintenance.name,
      body: maintenance.body,
      statusLabel: maintenanceLabel(maintenance.status),
      from: utcTime(maintenance.scheduledFor),
      until: utcTime(maintenance.scheduledUntil),
      duration: optionalDuration(maintenanceDurationSeconds(maintenance)),
      affectedText: maintenance.componentIds
        .map((id) => names.get(id))
        .filter(Boolean)
        .join(', '),
    };
  }
}

function optionalDuration(seconds: number | null): string | null {
  return seconds === null ? null : durationText(seconds);
}

export type HistoryEntry =
  | { readonly kind: 'incident'; readonly at: string; readonly incident: PublicIncident }
  | { readonly kind: 'maintenance'; readonly at: string; readonly maintenance: PublicMaintenance };

/**
 * What the history (page and feeds) lists, newest first: every public
 * incident, and every completed maintenance at the time it started (its
 * scheduled start when it was never marked started).
 */
export function historyEntries(model: PublicStatus): HistoryEntry[] {
  const entries: HistoryEntry[] = [
    ...model.incidents.map((incident): HistoryEntry => ({ kind: 'incident', at: incident.startedAt, incident })),
    ...model.maintenances
      .filter((maintenance) => maintenance.status === 'completed')
      .map((maintenance): HistoryEntry => ({ kind: 'maintenance', at: maintenance.startedAt ?? maintenance.scheduledFor, maintenance })),
  ];
  return entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.kind === b.kind ? 0 : a.kind === 'incident' ? -1 : 1));
}

export function historyHref(pageNumber: number): string {
  return pageNumber === 1 ? '/history' : `/history?page=${pageNumber}`;
}

const MAX_CACHED_STRIPS = 1000;

export type { TimeView };
