/** Lowercase letters, digits and inner dashes; 1..63 characters (DNS-label-like). */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_MESSAGE = '$property must be 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit';
/** Slack conversation ids: C/G followed by uppercase letters and digits. */
export const SLACK_CHANNEL_PATTERN = /^[CG][A-Z0-9]{6,20}$/;
