import { BLOCK_KIT_LIMITS, ModalView, SelectOption, SlackBlock } from './block-kit';
import { COMPONENT_STATUSES, INCIDENT_TEXT_MAX_LENGTH, INCIDENT_TITLE_MAX_LENGTH, Severity, SEVERITIES, Visibility, VISIBILITIES } from '@app/incidents';
import { truncateText } from './slack-text';

/**
 * The "declare an incident" modal (views.open) and the parser of its
 * view_submission. Field errors are keyed by block_id because that is how
 * Slack displays them (`response_action: 'errors'`).
 */
export const DECLARE_INCIDENT_CALLBACK_ID = 'declare_incident';

export const DECLARE_MODAL_FIELDS = {
  title: { blockId: 'declare_title', actionId: 'title' },
  severity: { blockId: 'declare_severity', actionId: 'severity' },
  type: { blockId: 'declare_type', actionId: 'type' },
  team: { blockId: 'declare_team', actionId: 'team' },
  services: { blockId: 'declare_services', actionId: 'services' },
  visibility: { blockId: 'declare_visibility', actionId: 'visibility' },
  summary: { blockId: 'declare_summary', actionId: 'summary' },
} as const;
export type DeclareField = keyof typeof DECLARE_MODAL_FIELDS;

/** Affected status-page components and their status: offered when the status page has components. */
export const DECLARE_COMPONENT_BLOCKS = {
  components: { blockId: 'declare_components', actionId: 'components' },
  status: { blockId: 'declare_component_status', actionId: 'component_status' },
} as const;

export const SEVERITY_DESCRIPTIONS: Readonly<Record<Severity, string>> = {
  SEV1: 'Critical: most customers cannot use a core product',
  SEV2: 'Major: a key feature is down or badly degraded',
  SEV3: 'Minor: limited impact, a workaround exists',
  SEV4: 'Low: no customer impact yet, needs attention',
};

const VISIBILITY_DESCRIPTIONS: Readonly<Record<Visibility, { label: string; description: string }>> = {
  public: { label: 'Public', description: 'Public updates appear on the status page' },
  internal: { label: 'Internal', description: 'Everyone at the company, never on the status page' },
  private: { label: 'Private', description: 'Only the owning team and admins' },
};

/** Visibility preselected in the form: nothing reaches customers until someone decides so. */
export const DEFAULT_DECLARE_VISIBILITY: Visibility = 'internal';

export interface DeclareModalChoices {
  readonly teams: ReadonlyArray<{ readonly slug: string; readonly name: string }>;
  readonly services: ReadonlyArray<{ readonly slug: string; readonly name: string }>;
  readonly types: ReadonlyArray<{ readonly slug: string; readonly label: string }>;
  /** status-page components people may mark affected (optional: no field without them) */
  readonly components?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

/** Carried through the modal in `private_metadata` and returned on submission. */
export interface DeclareModalMetadata {
  /** where /incident was run, for replies (null from a shortcut or App Home) */
  readonly channelId: string | null;
  /** optional caller-chosen id to correlate or deduplicate submissions */
  readonly requestId?: string;
  /**
   * the slash command's response_url (valid 30 min, 5 uses): how to reach the
   * person with an ephemeral message after submission, wherever /incident was run
   */
  readonly responseUrl?: string;
}

export interface DeclareModalInitialValues {
  readonly title?: string | null;
  readonly severity?: Severity | null;
  readonly type?: string | null;
  readonly team?: string | null;
  readonly services?: readonly string[];
  readonly visibility?: Visibility | null;
  readonly summary?: string | null;
}

export interface DeclareModalInput {
  readonly choices: DeclareModalChoices;
  readonly metadata: DeclareModalMetadata;
  readonly initial?: DeclareModalInitialValues;
}

export function encodeDeclareMetadata(metadata: DeclareModalMetadata): string {
  const encoded = JSON.stringify({ channelId: metadata.channelId, requestId: metadata.requestId, responseUrl: metadata.responseUrl });
  if (encoded.length > BLOCK_KIT_LIMITS.privateMetadata) {
    throw new RangeError(`private_metadata exceeds ${BLOCK_KIT_LIMITS.privateMetadata} characters`);
  }
  return encoded;
}

/** Lenient: metadata is ours, but a view from an older version or a tampered one yields empty metadata. */
export function decodeDeclareMetadata(raw: string | null | undefined): DeclareModalMetadata {
  try {
    const parsed: unknown = JSON.parse(raw ?? '');
    if (parsed && typeof parsed === 'object') {
      const { channelId, requestId, responseUrl } = parsed as Record<string, unknown>;
      return {
        channelId: typeof channelId === 'string' && channelId !== '' ? channelId : null,
        ...(typeof requestId === 'string' && requestId !== '' ? { requestId } : {}),
        ...(typeof responseUrl === 'string' && /^https?:\/\/\S+$/.test(responseUrl) ? { responseUrl } : {}),
      };
    }
  } catch {
    // fall through: unreadable metadata is treated as absent
  }
  return { channelId: null };
}

const plainText = (text: string, max: number = BLOCK_KIT_LIMITS.optionText) => ({ type: 'plain_text', text: truncateText(text, max), emoji: true }) as const;

const option = (value: string, label: string, description?: string): SelectOption => ({
  text: plainText(label),
  value,
  ...(description ? { description: plainText(description, BLOCK_KIT_LIMITS.optionDescription) } : {}),
});

/**
 * Slack allows 100 options per select; more is rejected outright, so only the
 * first 100 by label are offered.
 */
const selectOptions = (items: ReadonlyArray<{ value: string; label: string }>): SelectOption[] =>
  [...items]
    .filter((item) => item.value.length <= BLOCK_KIT_LIMITS.optionValue)
    .sort((a, b) => a.label.localeCompare(b.label, 'en'))
    .slice(0, BLOCK_KIT_LIMITS.selectOptions)
    .map((item) => option(item.value, item.label));

const initialFrom = (options: SelectOption[], value: string | null | undefined): { initial_option?: SelectOption } => {
  const found = value ? options.find((candidate) => candidate.value === value) : undefined;
  return found ? { initial_option: found } : {};
};

export function buildDeclareModal(input: DeclareModalInput): ModalView {
  const initial = input.initial ?? {};
  const f = DECLARE_MODAL_FIELDS;
  const blocks: SlackBlock[] = [];

  blocks.push({
    type: 'input',
    block_id: f.title.blockId,
    label: plainText('Title'),
    element: {
      type: 'plain_text_input',
      action_id: f.title.actionId,
      max_length: INCIDENT_TITLE_MAX_LENGTH,
      focus_on_load: true,
      placeholder: plainText('What is broken, for whom? e.g. "Checkout fails for EU customers"', BLOCK_KIT_LIMITS.placeholder),
      ...(initial.title ? { initial_value: truncateText(initial.title.trim(), INCIDENT_TITLE_MAX_LENGTH) } : {}),
    },
  });

  const severityOptions = SEVERITIES.map((severity) => option(severity, severity, SEVERITY_DESCRIPTIONS[severity]));
  blocks.push({
    type: 'input',
    block_id: f.severity.blockId,
    label: plainText('Severity'),
    element: { type: 'radio_buttons', action_id: f.severity.actionId, options: severityOptions, ...initialFrom(severityOptions, initial.severity) },
  });

  if (input.choices.teams.length > 0) {
    const teamOptions = selectOptions(input.choices.teams.map((team) => ({ value: team.slug, label: team.name })));
    blocks.push({
      type: 'input',
      block_id: f.team.blockId,
      label: plainText('Owning team'),
      element: {
        type: 'static_select',
        action_id: f.team.actionId,
        options: teamOptions,
        placeholder: plainText('Which team owns this?'),
        ...initialFrom(teamOptions, initial.team),
      },
    });
  }

  if (input.choices.services.length > 0) {
    const serviceOptions = selectOptions(input.choices.services.map((service) => ({ value: service.slug, label: service.name })));
    const initialServices = serviceOptions.filter((candidate) => initial.services?.includes(candidate.value));
    blocks.push({
      type: 'input',
      block_id: f.services.blockId,
      label: plainText('Affected services'),
      optional: true,
      element: {
        type: 'multi_static_select',
        action_id: f.services.actionId,
        options: serviceOptions,
        placeholder: plainText('Select services'),
        ...(initialServices.length > 0 ? { initial_options: initialServices } : {}),
      },
    });
  }

  if (input.choices.types.length > 0) {
    const typeOptions = selectOptions(input.choices.types.map((type) => ({ value: type.slug, label: type.label })));
    blocks.push({
      type: 'input',
      block_id: f.type.blockId,
      label: plainText('Type'),
      optional: true,
      hint: plainText('Can be set later; used in team insights.', 150),
      element: {
        type: 'static_select',
        action_id: f.type.actionId,
        options: typeOptions,
        placeholder: plainText('What kind of incident?'),
        ...initialFrom(typeOptions, initial.type),
      },
    });
  }

  const visibilityOptions = VISIBILITIES.map((visibility) =>
    option(visibility, VISIBILITY_DESCRIPTIONS[visibility].label, VISIBILITY_DESCRIPTIONS[visibility].description),
  );
  blocks.push({
    type: 'input',
    block_id: f.visibility.blockId,
    label: plainText('Visibility'),
    element: {
      type: 'radio_buttons',
      action_id: f.visibility.actionId,
      options: visibilityOptions,
      ...initialFrom(visibilityOptions, initial.visibility ?? DEFAULT_DECLARE_VISIBILITY),
    },
  });

  blocks.push({
    type: 'input',
    block_id: f.summary.blockId,
    label: plainText('Summary'),
    optional: true,
    element: {
      type: 'plain_text_input',
      action_id: f.summary.actionId,
      multiline: true,
      max_length: INCIDENT_TEXT_MAX_LENGTH,
      placeholder: plainText('What do you know so far?'),
      ...(initial.summary ? { initial_value: truncateText(initial.summary, INCIDENT_TEXT_MAX_LENGTH) } : {}),
    },
  });

  const componentOptions = selectOptions((input.choices.components ?? []).map((component) => ({ value: component.id, label: component.name })));
  if (componentOptions.length > 0) {
    blocks.push({
      type: 'input',
      block_id: DECLARE_COMPONENT_BLOCKS.components.blockId,
      optional: true,
      label: plainText('Affected components (status page)'),
      element: {
        type: 'multi_static_select',
        action_id: DECLARE_COMPONENT_BLOCKS.components.actionId,
        options: componentOptions,
        placeholder: plainText('Choose components'),
      },
    });
    const statusOptions = COMPONENT_STATUSES.filter((status) => status !== 'under_maintenance').map((status) => option(status, status.replace(/_/g, ' ')));
    blocks.push({
      type: 'input',
      block_id: DECLARE_COMPONENT_BLOCKS.status.blockId,
      optional: true,
      label: plainText('Their status'),
      element: {
        type: 'static_select',
        action_id: DECLARE_COMPONENT_BLOCKS.status.actionId,
        options: statusOptions,
        initial_option: statusOptions.find((candidate) => candidate.value === 'partial_outage') ?? statusOptions[0],
      },
    });
  }

  return {
    type: 'modal',
    callback_id: DECLARE_INCIDENT_CALLBACK_ID,
    title: plainText('Declare an incident', BLOCK_KIT_LIMITS.modalTitle),
    submit: plainText('Declare', BLOCK_KIT_LIMITS.modalButton),
    close: plainText('Cancel', BLOCK_KIT_LIMITS.modalButton),
    private_metadata: encodeDeclareMetadata(input.metadata),
    blocks,
  };
}

/**
 * Opened immediately (trigger_ids expire after 3 s) when building the form
 * needs IO; replaced by the real form with views.update. No submit button.
 */
export function buildDeclareLoadingModal(metadata: DeclareModalMetadata): ModalView {
  return {
    type: 'modal',
    callback_id: DECLARE_INCIDENT_CALLBACK_ID,
    title: plainText('Declare an incident', BLOCK_KIT_LIMITS.modalTitle),
    close: plainText('Cancel', BLOCK_KIT_LIMITS.modalButton),
    private_metadata: encodeDeclareMetadata(metadata),
    blocks: [{ type: 'section', block_id: 'declare_loading', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Loading teams and services…' } }],
  };
}
