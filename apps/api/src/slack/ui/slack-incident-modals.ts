import { COMPONENT_STATUSES, formatIncidentReference, INCIDENT_STATUSES, SEVERITIES, VISIBILITIES } from '@app/incidents';
import { InputBlock, ModalView, SelectOption, SlackBlock, SlackMessage, ViewStateValues } from './index';
import type { ComponentStatus, IncidentStatus, Severity, Visibility } from '@app/incidents';

/** Buttons of the incident headline (besides `incident_acknowledge`). */
export const UPDATE_BUTTON_ACTION_ID = 'incident_update_open';
export const RESOLVE_BUTTON_ACTION_ID = 'incident_resolve_open';
export const EDIT_BUTTON_ACTION_ID = 'incident_edit_open';
/** Modals (view_submission callback ids). */
export const UPDATE_MODAL_CALLBACK_ID = 'incident_update';
export const RESOLVE_MODAL_CALLBACK_ID = 'incident_resolve';
export const EDIT_MODAL_CALLBACK_ID = 'incident_edit';

export interface ModalIncident {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly visibility: Visibility;
  readonly type: string;
  readonly services: readonly string[];
  readonly affectedComponents: ReadonlyArray<{ componentId: string; status: ComponentStatus }>;
  readonly startedAt: Date;
}

export interface ModalChoices {
  readonly types: ReadonlyArray<{ slug: string; label: string }>;
  readonly services: ReadonlyArray<{ slug: string; name: string }>;
  readonly components: ReadonlyArray<{ id: string; name: string }>;
}

const option = (value: string, text: string): SelectOption => ({ text: { type: 'plain_text', text: text.slice(0, 75) }, value });
const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The headline with its buttons: Acknowledge, Update, Resolve, Edit (values carry the incident id). */
export function withHeadlineButtons(headline: SlackMessage, incident: { id: string; status: IncidentStatus }): SlackMessage {
  if (incident.status === 'resolved') return headline;
  const value = `${incident.id}:0`;
  return {
    text: headline.text,
    blocks: [
      ...headline.blocks,
      {
        type: 'actions',
        block_id: `headline:${incident.id}`,
        elements: [
          { type: 'button', action_id: 'incident_acknowledge', text: plain('Acknowledge'), style: 'primary', value },
          { type: 'button', action_id: UPDATE_BUTTON_ACTION_ID, text: plain('Update'), value },
          { type: 'button', action_id: RESOLVE_BUTTON_ACTION_ID, text: plain('Resolve'), value },
          { type: 'button', action_id: EDIT_BUTTON_ACTION_ID, text: plain('Edit'), value },
        ],
      },
    ],
  };
}

function select(blockId: string, label: string, options: SelectOption[], initial: string | null, optional = false): InputBlock {
  const initialOption = options.find((candidate) => candidate.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional,
    element: { type: 'static_select', action_id: 'value', options, ...(initialOption ? { initial_option: initialOption } : {}) },
  };
}

function multi(blockId: string, label: string, options: SelectOption[], initial: readonly string[]): InputBlock | null {
  if (options.length === 0) return null;
  const initialOptions = options.filter((candidate) => initial.includes(candidate.value));
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: true,
    element: {
      type: 'multi_static_select',
      action_id: 'value',
      options: options.slice(0, 100),
      ...(initialOptions.length > 0 ? { initial_options: initialOptions } : {}),
    },
  };
}

function text(
  blockId: string,
  label: string,
  initial: string | null,
  options: { multiline?: boolean; optional?: boolean; max?: number; hint?: string } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    optional: options.optional ?? true,
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      multiline: options.multiline ?? false,
      max_length: options.max ?? 3000,
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

const componentStatusOptions = COMPONENT_STATUSES.filter((status) => status !== 'under_maintenance').map((status) => option(status, status.replace(/_/g, ' ')));

/** Update: status, public text (shown exactly as it will be published), internal note, severity, components. */
export function buildUpdateModal(incident: ModalIncident, choices: ModalChoices): ModalView {
  const reference = formatIncidentReference(incident.number);
  const blocks: Array<SlackBlock | null> = [
    select(
      'status',
      'Status',
      INCIDENT_STATUSES.filter((status) => status !== 'resolved').map((status) => option(status, status)),
      incident.status === 'resolved' ? 'monitoring' : incident.status,
    ),
    text('public_text', 'Public update (status page, customers)', null, {
      multiline: true,
      hint:
        incident.visibility === 'public'
          ? 'Published exactly as written, to the status page and its subscribers.'
          : `${reference} is ${incident.visibility}: this text stays on the timeline, it does not reach the status page.`,
    }),
    text('internal_text', 'Internal note (team only)', null, { multiline: true }),
    select(
      'severity',
      'Severity',
      SEVERITIES.map((severity) => option(severity, severity)),
      incident.severity,
    ),
    multi(
      'components',
      'Affected components',
      choices.components.map((component) => option(component.id, component.name)),
      incident.affectedComponents.map((component) => component.componentId),
    ),
    choices.components.length > 0
      ? select('component_status', 'Their status', componentStatusOptions, incident.affectedComponents[0]?.status ?? 'partial_outage', true)
      : null,
  ];
  return {
    type: 'modal',
    callback_id: UPDATE_MODAL_CALLBACK_ID,
    private_metadata: incident.id,
    title: plain(`Update ${reference}`.slice(0, 24)),
    submit: plain('Post update'),
    close: plain('Cancel'),
    blocks: blocks.filter((block): block is SlackBlock => block !== null),
  };
}

/** Resolve: type and an optional resolution note; shows how long it lasted. */
/** A deployment the Resolve modal offers as the cause (DeploymentsService.suggestDeploymentsForIncident). */
export interface SuggestedDeployment {
  readonly id: string;
  readonly label: string;
}

export function buildResolveModal(incident: ModalIncident, choices: ModalChoices, now: Date, deployments: readonly SuggestedDeployment[] = []): ModalView {
  const reference = formatIncidentReference(incident.number);
  const minutes = Math.max(0, Math.round((now.getTime() - incident.startedAt.getTime()) / 60_000));
  const duration = minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
  return {
    type: 'modal',
    callback_id: RESOLVE_MODAL_CALLBACK_ID,
    private_metadata: incident.id,
    title: plain(`Resolve ${reference}`.slice(0, 24)),
    submit: plain('Resolve'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        block_id: 'duration',
        text: { type: 'mrkdwn', text: `*${reference}* has lasted *${duration}* (since ${incident.startedAt.toISOString().replace('.000Z', 'Z')}).` },
      },
      select(
        'type',
        'Incident type',
        choices.types.map((type) => option(type.slug, type.label)),
        incident.type,
      ),
      text('resolution_note', 'Resolution note (internal, optional)', null, { multiline: true }),
      ...(deployments.length > 0
        ? [
            select(
              'caused_by_deployment',
              'Caused by deployment (optional)',
              deployments.slice(0, 100).map((deployment) => option(deployment.id, deployment.label.slice(0, 75))),
              null,
              true,
            ),
          ]
        : []),
    ],
  };
}

/** Edit: title, type, services, affected components, visibility. */
export function buildEditModal(incident: ModalIncident, choices: ModalChoices): ModalView {
  const reference = formatIncidentReference(incident.number);
  const blocks: Array<SlackBlock | null> = [
    text('title', 'Title', incident.title, { optional: false, max: 200 }),
    select(
      'type',
      'Incident type',
      choices.types.map((type) => option(type.slug, type.label)),
      incident.type,
    ),
    multi(
      'services',
      'Services',
      choices.services.map((service) => option(service.slug, service.name)),
      incident.services,
    ),
    multi(
      'components',
      'Affected components',
      choices.components.map((component) => option(component.id, component.name)),
      incident.affectedComponents.map((component) => component.componentId),
    ),
    select(
      'visibility',
      'Visibility',
      VISIBILITIES.map((visibility) => option(visibility, visibility)),
      incident.visibility,
    ),
  ];
  return {
    type: 'modal',
    callback_id: EDIT_MODAL_CALLBACK_ID,
    private_metadata: incident.id,
    title: plain(`Edit ${reference}`.slice(0, 24)),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: blocks.filter((block): block is SlackBlock => block !== null),
  };
}

function valueOf(values: ViewStateValues, blockId: string): string | null {
  const state = values[blockId]?.value;
  const raw = state?.selected_option?.value ?? state?.value ?? null;
  return raw === null || raw.trim() === '' ? null : raw.trim();
}

function valuesOf(values: ViewStateValues, blockId: string): string[] | null {
  const state = values[blockId]?.value;
  return state ? (state.selected_options ?? []).map((selected) => selected.value) : null;
}

function oneOf<T extends string>(list: readonly T[], value: string | null): T | null {
  return value !== null && (list as readonly string[]).includes(value) ? (value as T) : null;
}

export interface UpdateSubmission {
  readonly status: IncidentStatus | null;
  readonly publicText: string | null;
  readonly internalText: string | null;
  readonly severity: Severity | null;
  /** null: the form had no component field */
  readonly components: Array<{ componentId: string; status: ComponentStatus }> | null;
}

export function readUpdateSubmission(values: ViewStateValues): UpdateSubmission {
  const componentStatus = oneOf(COMPONENT_STATUSES, valueOf(values, 'component_status')) ?? 'partial_outage';
  const components = valuesOf(values, 'components');
  return {
    status: oneOf(INCIDENT_STATUSES, valueOf(values, 'status')),
    publicText: valueOf(values, 'public_text'),
    internalText: valueOf(values, 'internal_text'),
    severity: oneOf(SEVERITIES, valueOf(values, 'severity')),
    components: components === null ? null : components.map((componentId) => ({ componentId, status: componentStatus })),
  };
}

export function readResolveSubmission(values: ViewStateValues): { type: string | null; note: string | null; causedByDeploymentId: string | null } {
  return { type: valueOf(values, 'type'), note: valueOf(values, 'resolution_note'), causedByDeploymentId: valueOf(values, 'caused_by_deployment') };
}

export function readEditSubmission(values: ViewStateValues): {
  title: string | null;
  type: string | null;
  services: string[] | null;
  components: string[] | null;
  visibility: Visibility | null;
} {
  return {
    title: valueOf(values, 'title'),
    type: valueOf(values, 'type'),
    services: valuesOf(values, 'services'),
    components: valuesOf(values, 'components'),
    visibility: oneOf(VISIBILITIES, valueOf(values, 'visibility')),
  };
}

/** The "Publish update" button under an internal status note, and its modal. */
export const PUBLISH_BUTTON_ACTION_ID = 'incident_publish_open';
export const PUBLISH_MODAL_CALLBACK_ID = 'incident_publish';

export function publishButtonBlock(incidentId: string): SlackBlock {
  return {
    type: 'actions',
    block_id: `publish:${incidentId}`,
    elements: [{ type: 'button', action_id: PUBLISH_BUTTON_ACTION_ID, text: plain('Publish update'), value: `${incidentId}:0` }],
  };
}

/**
 * Shows exactly what customers will read (the text, editable) and which
 * components it touches, before anything is published.
 */
export function buildPublishModal(incident: ModalIncident, draft: string | null, componentNames: ReadonlyMap<string, string>): ModalView {
  const reference = formatIncidentReference(incident.number);
  const touched =
    incident.affectedComponents.length === 0
      ? 'No component is marked affected: the page shows the incident, every component keeps its status.'
      : `Components it touches: ${incident.affectedComponents.map((component) => `${componentNames.get(component.componentId) ?? component.componentId} (${component.status.replace(/_/g, ' ')})`).join(', ')}`;
  return {
    type: 'modal',
    callback_id: PUBLISH_MODAL_CALLBACK_ID,
    private_metadata: incident.id,
    title: plain(`Publish ${reference}`.slice(0, 24)),
    submit: plain('Publish'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        block_id: 'publish_warning',
        text: {
          type: 'mrkdwn',
          text: `:globe_with_meridians: *This text goes to the public status page* of ${reference}, and to its subscribers, exactly as written below (status: ${incident.status}).`,
        },
      },
      text('public_text', 'Public update', draft, { multiline: true, optional: false }),
      { type: 'context', block_id: 'publish_components', elements: [{ type: 'mrkdwn', text: touched }] },
    ],
  };
}
