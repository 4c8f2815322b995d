import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ValidationFailedError } from '@app/platform';
import {
  formatIncidentReference,
  DeploymentsService,
  IncidentDomainError,
  IncidentEntity,
  IncidentsService,
  IncidentQueriesService,
  IncidentTypesService,
  TimelineAuthor,
} from '@app/incidents';
import { escapeMrkdwn, ViewStateValues } from './ui';
import { SlackGateway, SlackReplyTarget } from './slack-gateway';
import {
  type SuggestedDeployment,
  buildEditModal,
  buildPublishModal,
  buildResolveModal,
  buildUpdateModal,
  EDIT_BUTTON_ACTION_ID,
  ModalChoices,
  ModalIncident,
  readEditSubmission,
  readResolveSubmission,
  readUpdateSubmission,
  RESOLVE_BUTTON_ACTION_ID,
  UPDATE_BUTTON_ACTION_ID,
} from './ui/slack-incident-modals';
import { Clock } from '@app/platform';

export type HeadlineButton = typeof UPDATE_BUTTON_ACTION_ID | typeof RESOLVE_BUTTON_ACTION_ID | typeof EDIT_BUTTON_ACTION_ID;

export interface ModalSubmission {
  readonly incidentId: string;
  readonly userId: string;
  readonly userName: string | null;
  readonly values: ViewStateValues;
}

/** What a view_submission is answered with: close the modal, or show errors next to fields. */
export type ModalAck = undefined | { response_action: 'errors'; errors: Record<string, string> };

const USER_ERROR_KINDS = new Set(['validation', 'conflict', 'not_found', 'forbidden', 'unprocessable']);

function modalIncidentOf(incident: IncidentEntity): ModalIncident {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    visibility: incident.visibility,
    type: incident.type,
    services: (incident.services ?? []).map((link) => link.service?.slug).filter((slug): slug is string => typeof slug === 'string'),
    affectedComponents: (incident.affectedComponents ?? []).map((component) => ({ componentId: component.componentId, status: component.status })),
    startedAt: incident.startedAt,
  };
}

/**
 * The headline's Update, Resolve and Edit buttons: each opens its modal
 * (views.open with the click's trigger_id, right after the ack) and the
 * modal's submission changes the incident through the incidents service.
 */
@Injectable()
export class SlackHeadlineActions {
  private readonly logger = new Logger(SlackHeadlineActions.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly incidentTypes: IncidentTypesService,
    private readonly gateway: SlackGateway,
    private readonly clock: Clock,
    private readonly deployments: DeploymentsService,
  ) {}

  /** Production deployments of the incident's services in the 2 h before it started, as Resolve modal options. */
  private async suggestedDeployments(incidentId: string): Promise<SuggestedDeployment[]> {
    const found = await this.deployments.suggestDeploymentsForIncident(incidentId);
    return found.map((deployment) => ({
      id: deployment.id,
      label: `${deployment.service.slug} ${deployment.version} (finished ${deployment.finishedAt.toISOString().slice(11, 16)} UTC)`,
    }));
  }

  async openModal(button: HeadlineButton, incidentId: string, triggerId: string, reply: SlackReplyTarget): Promise<void> {
    let incident: IncidentEntity;
    try {
      incident = await this.incidentQueries.getIncidentById(incidentId);
    } catch {
      await this.gateway.tellUser(reply, 'That incident no longer exists; nothing was changed.');
      return;
    }
    if (incident.resolvedAt !== null && button !== EDIT_BUTTON_ACTION_ID) {
      await this.gateway.tellUser(reply, `${formatIncidentReference(incident.number)} is already resolved; nothing was changed.`);
      return;
    }
    const choices = await this.choices(incident.teamId);
    const subject = modalIncidentOf(incident);
    const view =
      button === UPDATE_BUTTON_ACTION_ID
        ? buildUpdateModal(subject, choices)
        : button === RESOLVE_BUTTON_ACTION_ID
          ? buildResolveModal(subject, choices, this.clock.now(), await this.suggestedDeployments(incident.id))
          : buildEditModal(subject, choices);
    await this.gateway.openView(triggerId, view);
  }

  /** "Publish update": the latest internal note as the draft, the exact public text and the components shown before it goes out. */
  async openPublish(incidentId: string, triggerId: string, reply: SlackReplyTarget): Promise<void> {
    let incident: IncidentEntity;
    try {
      incident = await this.incidentQueries.getIncidentById(incidentId);
    } catch {
      await this.gateway.tellUser(reply, 'That incident no longer exists; nothing was published.');
      return;
    }
    if (incident.visibility !== 'public') {
      await this.gateway.tellUser(reply, `${formatIncidentReference(incident.number)} is ${incident.visibility}: nothing of it reaches the status page.`);
      return;
    }
    const notes = (await this.incidentQueries.getTimeline(incident.id)).filter((event) => event.kind === 'internal_note');
    const draft = notes.length > 0 ? notes[notes.length - 1].body : null;
    const names = new Map((await this.choices(incident.teamId)).components.map((component) => [component.id, component.name] as const));
    await this.gateway.openView(triggerId, buildPublishModal(modalIncidentOf(incident), draft, names));
  }

  async submitPublish(submission: ModalSubmission): Promise<ModalAck> {
    return this.guarded(async (author) => {
      const body = readUpdateSubmission(submission.values).publicText;
      if (!body) throw new ValidationFailedError('Write the text customers will read.', { field: 'public_text' });
      const incident = await this.incidentQueries.getIncidentById(submission.incidentId);
      if (incident.visibility !== 'public')
        throw new ValidationFailedError(`${formatIncidentReference(incident.number)} is not public: nothing can be published.`, { field: 'public_text' });
      await this.incidents.postUpdate(incident.id, { body, public: true }, author);
      if (incident.slackChannelId) {
        const text = `:globe_with_meridians: <@${submission.userId}> published an update on *${formatIncidentReference(incident.number)}* (public: on the status page now)\n${body
          .split('\n')
          .map((line) => `> ${escapeMrkdwn(line)}`)
          .join('\n')}`;
        await this.gateway.postMessage(incident.slackChannelId, { text }).catch(() => undefined);
      }
    }, submission);
  }

  async submitUpdate(submission: ModalSubmission): Promise<ModalAck> {
    return this.guarded(async (author) => {
      const form = readUpdateSubmission(submission.values);
      const incident = await this.incidentQueries.getIncidentById(submission.incidentId);
      if (form.severity && form.severity !== incident.severity) await this.incidents.updateIncident(incident.id, { severity: form.severity }, author);
      if (form.components !== null) await this.incidents.updateIncident(incident.id, { affectedComponents: form.components }, author);
      const status = form.status && form.status !== incident.status ? form.status : undefined;
      if (form.publicText) await this.incidents.postUpdate(incident.id, { body: form.publicText, public: true, ...(status ? { status } : {}) }, author);
      if (form.internalText)
        await this.incidents.postUpdate(incident.id, { body: form.internalText, public: false, ...(status && !form.publicText ? { status } : {}) }, author);
      if (status && !form.publicText && !form.internalText) await this.incidents.updateIncident(incident.id, { status }, author);
    }, submission);
  }

  async submitResolve(submission: ModalSubmission): Promise<ModalAck> {
    return this.guarded(async (author) => {
      const form = readResolveSubmission(submission.values);
      const incident = await this.incidentQueries.getIncidentById(submission.incidentId);
      if (incident.resolvedAt !== null) return;
      if (form.causedByDeploymentId) {
        // Only a deployment the modal offered (the incident's services, the 2 h before it): nothing of another team's.
        if (!(await this.suggestedDeployments(incident.id)).some((deployment) => deployment.id === form.causedByDeploymentId)) {
          throw new ValidationFailedError('Pick one of the suggested deployments.', { field: 'caused_by_deployment' });
        }
        await this.incidents.updateIncident(incident.id, { causedByDeploymentId: form.causedByDeploymentId }, author);
      }
      if (form.type && form.type !== incident.type) await this.incidents.updateIncident(incident.id, { type: form.type }, author);
      if (form.note) await this.incidents.postUpdate(incident.id, { body: form.note, public: false, status: 'resolved' }, author);
      else await this.incidents.updateIncident(incident.id, { status: 'resolved' }, author);
    }, submission);
  }

  async submitEdit(submission: ModalSubmission): Promise<ModalAck> {
    return this.guarded(async (author) => {
      const form = readEditSubmission(submission.values);
      const incident = await this.incidentQueries.getIncidentById(submission.incidentId);
      const current = modalIncidentOf(incident);
      const components = form.components?.map((componentId) => ({
        componentId,
        status: current.affectedComponents.find((component) => component.componentId === componentId)?.status ?? ('partial_outage' as const),
      }));
      await this.incidents.updateIncident(
        incident.id,
        {
          ...(form.title && form.title !== incident.title ? { title: form.title } : {}),
          ...(form.type && form.type !== incident.type ? { type: form.type } : {}),
          ...(form.visibility && form.visibility !== incident.visibility ? { visibility: form.visibility } : {}),
          ...(components ? { affectedComponents: components } : {}),
        },
        author,
      );
      if (form.services !== null) await this.replaceServices(incident.id, form.services);
    }, submission);
  }

  /** Runs a change; a refused one becomes an error shown in the modal, nothing else changed. */
  private async guarded(change: (author: TimelineAuthor) => Promise<void>, submission: ModalSubmission): Promise<ModalAck> {
    const author: TimelineAuthor = { kind: 'slack_user', slackUserId: submission.userId, ...(submission.userName ? { name: submission.userName } : {}) };
    try {
      await change(author);
      return undefined;
    } catch (error) {
      if (error instanceof IncidentDomainError || (error instanceof DomainError && USER_ERROR_KINDS.has(error.kind))) {
        const field = (error as { field?: unknown }).field;
        const block =
          field === 'type'
            ? 'type'
            : field === 'affectedComponents'
              ? 'components'
              : field === 'title'
                ? 'title'
                : field === 'public_text'
                  ? 'public_text'
                  : field === 'caused_by_deployment'
                    ? 'caused_by_deployment'
                    : 'status';
        return { response_action: 'errors', errors: { [block]: (error as Error).message.slice(0, 150) } };
      }
      this.logger.error({ err: error }, 'a headline modal submission failed');
      return { response_action: 'errors', errors: { status: 'Ballast could not save this right now; submit again in a moment.' } };
    }
  }

  private async replaceServices(incidentId: string, slugs: string[]): Promise<void> {
    // The incidents service has no service-list edit yet: the links are replaced in one statement.
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM incident_services WHERE incident_id = $1', [incidentId]);
      if (slugs.length > 0)
        await manager.query('INSERT INTO incident_services (incident_id, service_id) SELECT $1, id FROM services WHERE slug = ANY($2)', [incidentId, slugs]);
    });
  }

  private async choices(teamId: string): Promise<ModalChoices> {
    const [types, services, components] = await Promise.all([
      this.incidentTypes.listIncidentTypes(teamId),
      this.dataSource.query('SELECT slug, name FROM services ORDER BY slug LIMIT 100') as Promise<Array<{ slug: string; name: string }>>,
      this.dataSource.query('SELECT id, name FROM status_components ORDER BY name LIMIT 100') as Promise<Array<{ id: string; name: string }>>,
    ]);
    return { types: types.map((type) => ({ slug: type.slug, label: type.label })), services, components };
  }
}
