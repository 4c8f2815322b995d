import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Principal, ServicesService } from '@app/catalog';
import { formatIncidentReference, IncidentsService, IncidentQueriesService, IncidentTypesService, isSeverity, TimelineAuthor } from '@app/incidents';
import { Clock, ForbiddenError, ValidationFailedError } from '@app/platform';
import { alertDedupKey, mapAlertGroup } from './alert-mapping';
import type { AlertmanagerAlertDto, AlertmanagerWebhookDto } from './dto/alertmanager-webhook.dto';

const AUTHOR: TimelineAuthor = { kind: 'system', component: 'alertmanager' };

export interface IntakeResult {
  action: 'opened' | 'updated' | 'resolved_alerts' | 'ignored';
  incident: string | null;
  reference: string | null;
  eventsRecorded: number;
}

/**
 * Alertmanager groups to incidents: a firing group opens one incident per
 * groupKey (a still-open one gets timeline events instead of a twin), resolved
 * alerts add timeline events. Resolution stays a human decision.
 */
@Injectable()
export class AlertmanagerIntakeService {
  private readonly logger = new Logger(AlertmanagerIntakeService.name);

  constructor(
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly incidentTypes: IncidentTypesService,
    private readonly services: ServicesService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async receive(payload: AlertmanagerWebhookDto, principal: Principal): Promise<IntakeResult> {
    const now = this.clock.now();
    const defaultSeverity = isSeverity(this.config.ALERTMANAGER_DEFAULT_SEVERITY) ? this.config.ALERTMANAGER_DEFAULT_SEVERITY : 'SEV3';
    const mapped = mapAlertGroup(payload, { team: this.config.ALERTMANAGER_DEFAULT_TEAM ?? null, severity: defaultSeverity }, now);
    const team = mapped.team ?? (principal.kind === 'team' ? principal.teamSlug : null);
    if (!team) {
      throw new ValidationFailedError('the alert group has no `team` label and ALERTMANAGER_DEFAULT_TEAM is not set', {
        field: 'commonLabels.team',
        code: 'missing_team',
      });
    }
    if (principal.kind === 'team' && principal.teamSlug !== team) {
      throw new ForbiddenError(`this token belongs to team '${principal.teamSlug}' and may not open incidents for team '${team}'`);
    }

    const firing = payload.alerts.filter((alert) => alert.status === 'firing');
    const resolved = payload.alerts.filter((alert) => alert.status === 'resolved');
    let eventsRecorded = 0;

    if (firing.length > 0) {
      const knownServices = (await this.services.findServices(mapped.services)).map((service) => service.slug);
      const types = await this.incidentTypes.listIncidentTypes(null);
      const { incident, created } = await this.incidents.declareIncident(
        {
          title: mapped.title,
          summary: mapped.summary,
          severity: mapped.severity,
          team,
          type: types.some((type) => type.slug === mapped.type) ? mapped.type : 'other',
          services: knownServices,
          visibility: 'internal',
          detectedAt: mapped.detectedAt,
          source: 'alertmanager',
          dedupKey: alertDedupKey(team, payload.groupKey),
          principal,
        },
        AUTHOR,
      );
      for (const alert of firing) eventsRecorded += (await this.record(incident.id, 'alert_fired', alert, payload, alert.startsAt)) ? 1 : 0;
      for (const alert of resolved) eventsRecorded += (await this.record(incident.id, 'alert_resolved', alert, payload, alert.endsAt)) ? 1 : 0;
      this.logger.log(
        { incident: incident.id, groupKey: payload.groupKey, created },
        created ? 'opened incident from Alertmanager' : 'Alertmanager group updated an open incident',
      );
      return { action: created ? 'opened' : 'updated', incident: incident.id, reference: formatIncidentReference(incident.number), eventsRecorded };
    }

    const open = await this.incidentQueries.findOpenByDedupKey(alertDedupKey(team, payload.groupKey));
    if (!open) return { action: 'ignored', incident: null, reference: null, eventsRecorded: 0 };
    for (const alert of resolved) eventsRecorded += (await this.record(open.id, 'alert_resolved', alert, payload, alert.endsAt)) ? 1 : 0;
    return { action: 'resolved_alerts', incident: open.id, reference: formatIncidentReference(open.number), eventsRecorded };
  }

  private record(
    incidentId: string,
    kind: 'alert_fired' | 'alert_resolved',
    alert: AlertmanagerAlertDto,
    payload: AlertmanagerWebhookDto,
    at: string,
  ): Promise<boolean> {
    const occurredAt = new Date(Math.min(Date.parse(at) || this.clock.now().getTime(), this.clock.now().getTime()));
    return this.incidents.recordEvent(
      incidentId,
      kind,
      {
        alertname: alert.labels.alertname ?? payload.commonLabels.alertname ?? 'alert',
        fingerprint: alert.fingerprint,
        labels: alert.labels,
        summary: alert.annotations.summary ?? null,
        generatorUrl: alert.generatorURL ?? null,
      },
      AUTHOR,
      // Alertmanager re-sends the whole group every group_interval: the natural key keeps one event per alert state.
      { occurredAt, sourceRef: `alert:${alert.fingerprint}:${kind}:${alert.startsAt}`, body: alert.annotations.summary ?? '' },
    );
  }
}
