import {
  COMPONENT_STATUSES,
  ComponentStatus,
  INCIDENT_TEXT_MAX_LENGTH,
  INCIDENT_TITLE_MAX_LENGTH,
  isSeverity,
  isVisibility,
  Severity,
  Visibility,
} from '@app/incidents';
import { DECLARE_COMPONENT_BLOCKS, DECLARE_MODAL_FIELDS, DeclareField, DeclareModalChoices, DEFAULT_DECLARE_VISIBILITY } from './declare-modal';

/**
 * The parser of the "declare an incident" modal's view_submission. Field
 * errors are keyed by block_id because that is how Slack displays them
 * (`response_action: 'errors'`).
 */

/** One element's state in `view.state.values[blockId][actionId]`, as Slack sends it. */
export interface ViewStateValue {
  readonly type: string;
  readonly value?: string | null;
  readonly selected_option?: { readonly value: string } | null;
  readonly selected_options?: ReadonlyArray<{ readonly value: string }>;
}

export type ViewStateValues = Readonly<Record<string, Readonly<Record<string, ViewStateValue>>>>;

export interface DeclareIncidentCommand {
  readonly title: string;
  readonly severity: Severity;
  readonly visibility: Visibility;
  readonly type: string | null;
  readonly team: string | null;
  readonly services: string[];
  readonly summary: string | null;
  /** components named affected in the form, with the one status chosen for them */
  readonly affectedComponents?: ReadonlyArray<{ readonly componentId: string; readonly status: ComponentStatus }>;
}

export interface DeclareFieldError {
  readonly field: DeclareField;
  readonly blockId: string;
  readonly message: string;
}

export type DeclareSubmissionResult =
  { readonly ok: true; readonly command: DeclareIncidentCommand } | { readonly ok: false; readonly errors: DeclareFieldError[] };

/**
 * Reads a declare view_submission's `view.state.values` into a command.
 * With `choices`, selected team/services/type must still exist (they may have
 * been deleted while the form was open) and a team is required when teams
 * exist. Every problem is reported, each keyed to its block.
 */
export function parseDeclareSubmission(values: ViewStateValues, choices?: DeclareModalChoices): DeclareSubmissionResult {
  const errors: DeclareFieldError[] = [];
  const fail = (field: DeclareField, message: string): void => {
    errors.push({ field, blockId: DECLARE_MODAL_FIELDS[field].blockId, message });
  };
  const state = (field: DeclareField): ViewStateValue | undefined => values[DECLARE_MODAL_FIELDS[field].blockId]?.[DECLARE_MODAL_FIELDS[field].actionId];
  const text = (field: DeclareField): string | null => {
    const raw = state(field)?.value;
    const trimmed = typeof raw === 'string' ? raw.trim() : '';
    return trimmed === '' ? null : trimmed;
  };
  const selected = (field: DeclareField): string | null => state(field)?.selected_option?.value ?? null;

  const title = text('title');
  if (title === null) fail('title', 'Give the incident a title.');
  else if (title.length > INCIDENT_TITLE_MAX_LENGTH) fail('title', `Keep the title under ${INCIDENT_TITLE_MAX_LENGTH + 1} characters.`);

  const severity = selected('severity');
  if (!isSeverity(severity)) fail('severity', 'Choose a severity.');

  const visibility = selected('visibility') ?? DEFAULT_DECLARE_VISIBILITY;
  if (!isVisibility(visibility)) fail('visibility', 'Choose public, internal or private.');

  const team = selected('team');
  if (choices) {
    if (team === null && choices.teams.length > 0) fail('team', 'Choose the owning team.');
    if (team !== null && !choices.teams.some((candidate) => candidate.slug === team)) fail('team', 'This team no longer exists; choose another.');
  }

  const type = selected('type');
  if (choices && type !== null && !choices.types.some((candidate) => candidate.slug === type)) {
    fail('type', 'This incident type no longer exists; choose another.');
  }

  const services = [...new Set((state('services')?.selected_options ?? []).map((selectedOption) => selectedOption.value))];
  if (choices) {
    const unknown = services.filter((slug) => !choices.services.some((candidate) => candidate.slug === slug));
    if (unknown.length > 0) fail('services', `No longer exists: ${unknown.join(', ')}.`);
  }

  const summary = text('summary');
  if (summary !== null && summary.length > INCIDENT_TEXT_MAX_LENGTH) fail('summary', `Keep the summary under ${INCIDENT_TEXT_MAX_LENGTH + 1} characters.`);

  if (errors.length > 0 || title === null || !isSeverity(severity) || !isVisibility(visibility)) {
    return { ok: false, errors };
  }
  const componentIds = [
    ...new Set(
      (values[DECLARE_COMPONENT_BLOCKS.components.blockId]?.[DECLARE_COMPONENT_BLOCKS.components.actionId]?.selected_options ?? []).map(
        (selectedOption) => selectedOption.value,
      ),
    ),
  ];
  const componentStatus = values[DECLARE_COMPONENT_BLOCKS.status.blockId]?.[DECLARE_COMPONENT_BLOCKS.status.actionId]?.selected_option?.value;
  const status: ComponentStatus =
    componentStatus && (COMPONENT_STATUSES as readonly string[]).includes(componentStatus) ? (componentStatus as ComponentStatus) : 'partial_outage';
  const affectedComponents = componentIds.map((componentId) => ({ componentId, status }));
  return {
    ok: true,
    command: { title, severity, visibility, type, team, services, summary, ...(affectedComponents.length > 0 ? { affectedComponents } : {}) },
  };
}

/** The ack body that makes Slack show the errors under their fields. */
export function declareErrorsResponse(errors: readonly DeclareFieldError[]): {
  response_action: 'errors';
  errors: Record<string, string>;
} {
  const byBlock: Record<string, string> = {};
  for (const error of errors) byBlock[error.blockId] = byBlock[error.blockId] ? `${byBlock[error.blockId]} ${error.message}` : error.message;
  return { response_action: 'errors', errors: byBlock };
}
