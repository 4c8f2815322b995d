/**
 * The subset of Slack's Block Kit that Ballast renders, typed after Slack's
 * reference (docs.slack.dev/reference/block-kit). Structurally compatible with
 * @slack/types (`KnownBlock`, `ModalView`), without importing it, so the domain
 * stays free of SDK dependencies.
 */

export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface Mrkdwn {
  readonly type: 'mrkdwn';
  readonly text: string;
  readonly verbatim?: boolean;
}

export type TextObject = PlainText | Mrkdwn;

export interface SelectOption {
  readonly text: PlainText;
  readonly value: string;
  /** only shown by radio buttons and checkboxes */
  readonly description?: PlainText;
}

export interface PlainTextInputElement {
  readonly type: 'plain_text_input';
  readonly action_id: string;
  readonly initial_value?: string;
  readonly multiline?: boolean;
  readonly min_length?: number;
  readonly max_length?: number;
  readonly placeholder?: PlainText;
  readonly focus_on_load?: boolean;
}

export interface StaticSelectElement {
  readonly type: 'static_select';
  readonly action_id: string;
  readonly options: SelectOption[];
  readonly initial_option?: SelectOption;
  readonly placeholder?: PlainText;
}

export interface MultiStaticSelectElement {
  readonly type: 'multi_static_select';
  readonly action_id: string;
  readonly options: SelectOption[];
  readonly initial_options?: SelectOption[];
  readonly placeholder?: PlainText;
}

export interface RadioButtonsElement {
  readonly type: 'radio_buttons';
  readonly action_id: string;
  readonly options: SelectOption[];
  readonly initial_option?: SelectOption;
}

export type InputElement = PlainTextInputElement | StaticSelectElement | MultiStaticSelectElement | RadioButtonsElement;

export interface HeaderBlock {
  readonly type: 'header';
  readonly block_id?: string;
  readonly text: PlainText;
}

export interface SectionBlock {
  readonly type: 'section';
  readonly block_id?: string;
  readonly text?: TextObject;
  readonly fields?: TextObject[];
}

export interface ContextBlock {
  readonly type: 'context';
  readonly block_id?: string;
  readonly elements: TextObject[];
}

export interface DividerBlock {
  readonly type: 'divider';
  readonly block_id?: string;
}

export interface InputBlock {
  readonly type: 'input';
  readonly block_id: string;
  readonly label: PlainText;
  readonly element: InputElement;
  readonly hint?: PlainText;
  readonly optional?: boolean;
}

export interface ButtonElement {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: PlainText;
  readonly value?: string;
  readonly style?: 'primary' | 'danger';
  readonly url?: string;
}

/** Buttons in a message (block_actions carry the block and action ids back). */
export interface ActionsBlock {
  readonly type: 'actions';
  readonly block_id?: string;
  readonly elements: ButtonElement[];
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | InputBlock | ActionsBlock;

export interface ModalView {
  readonly type: 'modal';
  readonly callback_id?: string;
  readonly external_id?: string;
  readonly title: PlainText;
  readonly submit?: PlainText;
  readonly close?: PlainText;
  readonly blocks: SlackBlock[];
  readonly private_metadata?: string;
  readonly clear_on_close?: boolean;
  readonly notify_on_close?: boolean;
}

/** What chat.postMessage / chat.update / chat.postEphemeral need: fallback text plus blocks. */
export interface SlackMessage {
  /** mrkdwn fallback shown in notifications and to screen readers; already escaped */
  readonly text: string;
  readonly blocks: SlackBlock[];
}

/** Slack's documented limits (characters or items) for the objects above. */
export const BLOCK_KIT_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  modalTitle: 24,
  modalButton: 24,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  radioOptions: 10,
  placeholder: 150,
  privateMetadata: 3000,
  messageBlocks: 50,
  modalBlocks: 100,
} as const;
