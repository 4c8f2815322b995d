import type { types } from '@slack/bolt';
import { BLOCK_KIT_LIMITS, InputBlock, ModalView, SelectOption } from './block-kit';
import {
  buildDeclareLoadingModal,
  buildDeclareModal,
  DECLARE_INCIDENT_CALLBACK_ID,
  DECLARE_MODAL_FIELDS,
  DeclareModalChoices,
  decodeDeclareMetadata,
  encodeDeclareMetadata,
} from './declare-modal';
import { declareErrorsResponse, parseDeclareSubmission, ViewStateValues } from './declare-submission';

const choices: DeclareModalChoices = {
  teams: [
    { slug: 'payments', name: 'Payments' },
    { slug: 'identity', name: 'Identity' },
  ],
  services: [
    { slug: 'checkout', name: 'Checkout' },
    { slug: 'ledger', name: 'Ledger' },
  ],
  types: [
    { slug: 'deploy', label: 'Deploy' },
    { slug: 'other', label: 'Other' },
  ],
};

const input = (view: ModalView, blockId: string): InputBlock => {
  const block = view.blocks.find((candidate) => candidate.block_id === blockId);
  if (!block || block.type !== 'input') throw new Error(`no input block ${blockId}`);
  return block;
};

/**
 * What Slack sends back in view.state.values when a user fills the form:
 * every input block appears, keyed by block_id then action_id, with the
 * element type and its value (null when left empty).
 */
function submit(view: ModalView, answers: Record<string, string | string[] | null>): ViewStateValues {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input') continue;
    const element = block.element;
    const answer = answers[element.action_id] ?? null;
    const pick = (value: string | null): SelectOption | null => {
      if (value === null) return null;
      const found = 'options' in element ? element.options.find((candidate) => candidate.value === value) : undefined;
      return found ?? { text: { type: 'plain_text', text: value }, value };
    };
    let state: unknown;
    switch (element.type) {
      case 'plain_text_input':
        state = { type: element.type, value: answer as string | null };
        break;
      case 'static_select':
      case 'radio_buttons':
        state = { type: element.type, selected_option: pick((answer as string | null) ?? element.initial_option?.value ?? null) };
        break;
      case 'multi_static_select':
        state = { type: element.type, selected_options: ((answer as string[] | null) ?? []).map((value) => pick(value)) };
        break;
    }
    values[block.block_id] = { [element.action_id]: state };
  }
  return values as ViewStateValues;
}

describe('buildDeclareModal', () => {
  const view = buildDeclareModal({ choices, metadata: { channelId: 'C0TEAM', requestId: 'req-1' } });

  it('is a modal with the declare callback id, metadata and Slack-sized labels', () => {
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: DECLARE_INCIDENT_CALLBACK_ID,
      title: { type: 'plain_text', text: 'Declare an incident' },
      submit: { type: 'plain_text', text: 'Declare' },
      close: { type: 'plain_text', text: 'Cancel' },
    });
    expect(view.title.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.modalTitle);
    expect(decodeDeclareMetadata(view.private_metadata)).toEqual({ channelId: 'C0TEAM', requestId: 'req-1' });
    expect(DECLARE_INCIDENT_CALLBACK_ID).toBe('declare_incident');
  });

  it('has one input per field in a sensible order, with the documented block and action ids', () => {
    expect(view.blocks.map((block) => block.block_id)).toEqual([
      'declare_title',
      'declare_severity',
      'declare_team',
      'declare_services',
      'declare_type',
      'declare_visibility',
      'declare_summary',
    ]);
    for (const [, ids] of Object.entries(DECLARE_MODAL_FIELDS)) {
      expect(input(view, ids.blockId).element.action_id).toBe(ids.actionId);
    }
  });

  it('requires title, severity, team and visibility; services, type and summary are optional', () => {
    const optional = Object.fromEntries(view.blocks.map((block) => [block.block_id, block.type === 'input' && block.optional === true]));
    expect(optional).toEqual({
      declare_title: false,
      declare_severity: false,
      declare_team: false,
      declare_services: true,
      declare_type: true,
      declare_visibility: false,
      declare_summary: true,
    });
  });

  it('offers SEV1..SEV4 with descriptions and public/internal/private, internal preselected', () => {
    const severity = input(view, 'declare_severity').element;
    expect(severity.type).toBe('radio_buttons');
    expect('options' in severity && severity.options.map((o) => o.value)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
    expect(severity.type === 'radio_buttons' && severity.initial_option).toBeUndefined();
    const visibility = input(view, 'declare_visibility').element;
    expect('options' in visibility && visibility.options.map((o) => o.value)).toEqual(['public', 'internal', 'private']);
    expect('initial_option' in visibility && visibility.initial_option?.value).toBe('internal');
  });

  it('builds team, service and type options from the passed lists, sorted by label', () => {
    const team = input(view, 'declare_team').element;
    expect(team.type).toBe('static_select');
    expect('options' in team && team.options.map((o) => [o.value, o.text.text])).toEqual([
      ['identity', 'Identity'],
      ['payments', 'Payments'],
    ]);
    const services = input(view, 'declare_services').element;
    expect(services.type).toBe('multi_static_select');
    expect('options' in services && services.options.map((o) => o.value)).toEqual(['checkout', 'ledger']);
  });

  it('preselects initial values, taking the option objects Slack requires to match exactly', () => {
    const prefilled = buildDeclareModal({
      choices,
      metadata: { channelId: null },
      initial: {
        title: '  Checkout down  ',
        severity: 'SEV2',
        team: 'payments',
        services: ['ledger', 'gone'],
        type: 'deploy',
        visibility: 'public',
        summary: '5xx',
      },
    });
    const title = input(prefilled, 'declare_title').element;
    expect(title.type === 'plain_text_input' && title.initial_value).toBe('Checkout down');
    const severity = input(prefilled, 'declare_severity').element;
    expect(severity.type === 'radio_buttons' && severity.options).toContain(severity.type === 'radio_buttons' && severity.initial_option);
    expect(severity.type === 'radio_buttons' && severity.initial_option?.value).toBe('SEV2');
    const team = input(prefilled, 'declare_team').element;
    expect(team.type === 'static_select' && team.initial_option?.value).toBe('payments');
    const services = input(prefilled, 'declare_services').element;
    expect(services.type === 'multi_static_select' && services.initial_options?.map((o) => o.value)).toEqual(['ledger']);
    const visibility = input(prefilled, 'declare_visibility').element;
    expect(visibility.type === 'radio_buttons' && visibility.initial_option?.value).toBe('public');
  });

  it('ignores an initial team that is not offered', () => {
    const view2 = buildDeclareModal({ choices, metadata: { channelId: null }, initial: { team: 'ghosts' } });
    const team = input(view2, 'declare_team').element;
    expect(team.type === 'static_select' && team.initial_option).toBeUndefined();
  });

  it('omits team, services and type selects when there is nothing to choose (a fresh install)', () => {
    const bare = buildDeclareModal({ choices: { teams: [], services: [], types: [] }, metadata: { channelId: null } });
    expect(bare.blocks.map((block) => block.block_id)).toEqual(['declare_title', 'declare_severity', 'declare_visibility', 'declare_summary']);
  });

  it('caps select options at Slack limit of 100', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ slug: `team-${String(i).padStart(3, '0')}`, name: `Team ${String(i).padStart(3, '0')}` }));
    const big = buildDeclareModal({ choices: { ...choices, teams: many }, metadata: { channelId: null } });
    const team = input(big, 'declare_team').element;
    expect('options' in team && team.options).toHaveLength(100);
  });

  it('truncates long option labels to 75 characters', () => {
    const long = buildDeclareModal({ choices: { ...choices, teams: [{ slug: 't', name: 'N'.repeat(200) }] }, metadata: { channelId: null } });
    const team = input(long, 'declare_team').element;
    expect('options' in team && team.options[0].text.text.length).toBe(75);
  });

  it('uses only element types Slack accepts in inputs (and, for tsc, is assignable to @slack/types ModalView)', () => {
    const slackView: types.ModalView = view;
    const blocks: types.KnownBlock[] = view.blocks;
    expect(blocks.every((block) => block.type === 'input')).toBe(true);
    expect(slackView.blocks.map((block) => (block as InputBlock).element.type)).toEqual([
      'plain_text_input',
      'radio_buttons',
      'static_select',
      'multi_static_select',
      'static_select',
      'radio_buttons',
      'plain_text_input',
    ]);
  });
});

describe('buildDeclareLoadingModal', () => {
  it('is a placeholder without submit, carrying the same callback id and metadata', () => {
    const view = buildDeclareLoadingModal({ channelId: 'C1' });
    expect(view.callback_id).toBe(DECLARE_INCIDENT_CALLBACK_ID);
    expect(view.submit).toBeUndefined();
    expect(decodeDeclareMetadata(view.private_metadata)).toEqual({ channelId: 'C1' });
  });
});

describe('declare metadata', () => {
  it.each<[string | null | undefined, object]>([
    [encodeDeclareMetadata({ channelId: 'C1', requestId: 'r' }), { channelId: 'C1', requestId: 'r' }],
    [encodeDeclareMetadata({ channelId: null }), { channelId: null }],
    [
      encodeDeclareMetadata({ channelId: 'C1', responseUrl: 'https://hooks.slack.com/commands/T1/2/abc' }),
      { channelId: 'C1', responseUrl: 'https://hooks.slack.com/commands/T1/2/abc' },
    ],
    [JSON.stringify({ channelId: 'C1', responseUrl: 'javascript:alert(1)' }), { channelId: 'C1' }],
    ['', { channelId: null }],
    [undefined, { channelId: null }],
    ['not json', { channelId: null }],
    ['[1,2]', { channelId: null }],
    ['{"channelId":42}', { channelId: null }],
  ])('decodes %p', (raw, expected) => {
    expect(decodeDeclareMetadata(raw)).toEqual(expected);
  });

  it('refuses metadata Slack would reject', () => {
    expect(() => encodeDeclareMetadata({ channelId: 'C1', requestId: 'x'.repeat(3000) })).toThrow(RangeError);
  });
});

describe('parseDeclareSubmission', () => {
  const view = buildDeclareModal({ choices, metadata: { channelId: null } });

  it('reads a complete submission', () => {
    const values = submit(view, {
      title: '  Checkout errors ',
      severity: 'SEV2',
      team: 'payments',
      services: ['checkout', 'ledger', 'checkout'],
      type: 'deploy',
      visibility: 'public',
      summary: '5xx on /pay',
    });
    expect(parseDeclareSubmission(values, choices)).toEqual({
      ok: true,
      command: {
        title: 'Checkout errors',
        severity: 'SEV2',
        visibility: 'public',
        type: 'deploy',
        team: 'payments',
        services: ['checkout', 'ledger'],
        summary: '5xx on /pay',
      },
    });
  });

  it('reads a minimal submission, defaults visibility, leaves optional fields empty', () => {
    const values = submit(view, { title: 'DB down', severity: 'SEV1', team: 'identity' });
    expect(parseDeclareSubmission(values, choices)).toEqual({
      ok: true,
      command: { title: 'DB down', severity: 'SEV1', visibility: 'internal', type: null, team: 'identity', services: [], summary: null },
    });
  });

  it('accepts the documented payload shape for a form without team/service/type blocks', () => {
    const values: ViewStateValues = {
      declare_title: { title: { type: 'plain_text_input', value: 'Search slow' } },
      declare_severity: { severity: { type: 'radio_buttons', selected_option: { value: 'SEV3' } } },
      declare_visibility: { visibility: { type: 'radio_buttons', selected_option: { value: 'private' } } },
      declare_summary: { summary: { type: 'plain_text_input', value: null } },
    };
    expect(parseDeclareSubmission(values)).toEqual({
      ok: true,
      command: { title: 'Search slow', severity: 'SEV3', visibility: 'private', type: null, team: null, services: [], summary: null },
    });
  });

  // [name, answers, expected errors by field]
  const invalid: Array<[string, Record<string, string | string[] | null>, Record<string, string>]> = [
    ['blank title', { title: '   ', severity: 'SEV2', team: 'payments' }, { title: 'Give the incident a title.' }],
    ['missing severity', { title: 'x', team: 'payments' }, { severity: 'Choose a severity.' }],
    ['forged severity', { title: 'x', severity: 'SEV9', team: 'payments' }, { severity: 'Choose a severity.' }],
    ['forged visibility', { title: 'x', severity: 'SEV2', team: 'payments', visibility: 'everyone' }, { visibility: 'Choose public, internal or private.' }],
    ['no team although teams exist', { title: 'x', severity: 'SEV2' }, { team: 'Choose the owning team.' }],
    ['deleted team', { title: 'x', severity: 'SEV2', team: 'ghosts' }, { team: 'This team no longer exists; choose another.' }],
    ['deleted type', { title: 'x', severity: 'SEV2', team: 'payments', type: 'gone' }, { type: 'This incident type no longer exists; choose another.' }],
    ['deleted service', { title: 'x', severity: 'SEV2', team: 'payments', services: ['checkout', 'old'] }, { services: 'No longer exists: old.' }],
    ['too long title', { title: 'x'.repeat(121), severity: 'SEV2', team: 'payments' }, { title: 'Keep the title under 121 characters.' }],
    ['too long summary', { title: 'x', severity: 'SEV2', team: 'payments', summary: 's'.repeat(3001) }, { summary: 'Keep the summary under 3001 characters.' }],
    [
      'everything wrong at once',
      { title: '', severity: null, team: null },
      { title: 'Give the incident a title.', severity: 'Choose a severity.', team: 'Choose the owning team.' },
    ],
  ];

  it.each(invalid)('reports %s against its field and block', (_name, answers, expected) => {
    const result = parseDeclareSubmission(submit(view, answers), choices);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.fromEntries(result.errors.map((error) => [error.field, error.message]))).toEqual(expected);
    for (const error of result.errors) expect(error.blockId).toBe(DECLARE_MODAL_FIELDS[error.field].blockId);
  });

  it('without choices, trusts team and type values (the caller validates later)', () => {
    const result = parseDeclareSubmission(submit(view, { title: 'x', severity: 'SEV4', team: 'ghosts', type: 'gone' }));
    expect(result).toMatchObject({ ok: true, command: { team: 'ghosts', type: 'gone' } });
  });

  it('treats an empty state as missing title and severity', () => {
    const result = parseDeclareSubmission({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.field)).toEqual(['title', 'severity']);
  });
});

describe('declareErrorsResponse', () => {
  it('keys messages by block_id for response_action errors', () => {
    expect(
      declareErrorsResponse([
        { field: 'title', blockId: 'declare_title', message: 'Give the incident a title.' },
        { field: 'team', blockId: 'declare_team', message: 'Choose the owning team.' },
      ]),
    ).toEqual({
      response_action: 'errors',
      errors: { declare_title: 'Give the incident a title.', declare_team: 'Choose the owning team.' },
    });
  });
});

describe('declare modal: affected components', () => {
  const choices = { teams: [{ slug: 'payments', name: 'Payments' }], services: [], types: [{ slug: 'other', label: 'Other' }] };
  const base = {
    declare_title: { title: { type: 'plain_text_input', value: 'Checkout down' } },
    declare_severity: { severity: { type: 'static_select', selected_option: { value: 'SEV2' } } },
    declare_team: { team: { type: 'static_select', selected_option: { value: 'payments' } } },
  };

  it('offers components and their status only when the status page has components', () => {
    expect(buildDeclareModal({ choices, metadata: { channelId: null } }).blocks.map((block) => block.block_id)).not.toContain('declare_components');
    const withComponents = buildDeclareModal({
      choices: { ...choices, components: [{ id: 'k3j2h1g0f9d8', name: 'Checkout' }] },
      metadata: { channelId: null },
    });
    expect(withComponents.blocks.map((block) => block.block_id).slice(-2)).toEqual(['declare_components', 'declare_component_status']);
  });

  it('reads the chosen components with the chosen status (partial outage when none is chosen)', () => {
    const parsed = parseDeclareSubmission({
      ...base,
      declare_components: { components: { type: 'multi_static_select', selected_options: [{ value: 'k3j2h1g0f9d8' }, { value: 'a1b2c3d4e5f6' }] } },
      declare_component_status: { component_status: { type: 'static_select', selected_option: { value: 'major_outage' } } },
    });
    expect(parsed.ok && parsed.command.affectedComponents).toEqual([
      { componentId: 'k3j2h1g0f9d8', status: 'major_outage' },
      { componentId: 'a1b2c3d4e5f6', status: 'major_outage' },
    ]);
    const defaulted = parseDeclareSubmission({
      ...base,
      declare_components: { components: { type: 'multi_static_select', selected_options: [{ value: 'k3j2h1g0f9d8' }] } },
    });
    expect(defaulted.ok && defaulted.command.affectedComponents).toEqual([{ componentId: 'k3j2h1g0f9d8', status: 'partial_outage' }]);
    const none = parseDeclareSubmission(base);
    expect(none.ok && none.command.affectedComponents).toBeUndefined();
  });
});
