// Slack's Block Kit vocabulary, the declare modal, slash-command parsing, channel names and text escaping.

export {
  BLOCK_KIT_LIMITS,
  type ContextBlock,
  type DividerBlock,
  type HeaderBlock,
  type InputBlock,
  type InputElement,
  type ModalView,
  type Mrkdwn,
  type MultiStaticSelectElement,
  type PlainText,
  type PlainTextInputElement,
  type RadioButtonsElement,
  type SectionBlock,
  type SelectOption,
  type SlackBlock,
  type ActionsBlock,
  type ButtonElement,
  type SlackMessage,
  type StaticSelectElement,
  type TextObject,
} from './block-kit';
export {
  buildDeclareLoadingModal,
  buildDeclareModal,
  DECLARE_INCIDENT_CALLBACK_ID,
  DECLARE_MODAL_FIELDS,
  type DeclareField,
  type DeclareModalChoices,
  type DeclareModalInitialValues,
  type DeclareModalInput,
  type DeclareModalMetadata,
  decodeDeclareMetadata,
  DEFAULT_DECLARE_VISIBILITY,
  encodeDeclareMetadata,
  SEVERITY_DESCRIPTIONS,
} from './declare-modal';
export {
  type DeclareFieldError,
  type DeclareIncidentCommand,
  type DeclareSubmissionResult,
  declareErrorsResponse,
  parseDeclareSubmission,
  type ViewStateValue,
  type ViewStateValues,
} from './declare-submission';
export {
  buildIncidentHeadline,
  buildReminderMessage,
  describeSlackFailure,
  HEADLINE_BLOCK_IDS,
  type IncidentHeadlineInput,
  incidentHelpText,
  personMrkdwn,
  type ReminderMessageInput,
  SEVERITY_EMOJI,
  STATUS_EMOJI,
} from './incident-messages';
export { channelNameWithSuffix, incidentChannelName, SLACK_CHANNEL_NAME_MAX_LENGTH, slugifyForChannel } from './slack-channel-name';
export { channelMention, decodeSlackText, escapeMrkdwn, escapeMrkdwnWithin, isSlackChannelId, isSlackUserId, truncateText, userMention } from './slack-text';
export { INCIDENT_SUBCOMMANDS, type IncidentCommand, invalidCommandReply, type LeadAssignee, parseIncidentCommand } from './slash-command';
