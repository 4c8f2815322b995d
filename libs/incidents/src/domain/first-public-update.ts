/** What a public incident says when it was declared without a summary (Statuspage's first-update wording). */
export const DEFAULT_FIRST_PUBLIC_UPDATE = 'We are currently investigating this issue.';

/**
 * The first public update of a public incident: its summary, so the status
 * page and Statuspage clients never see an incident with no update at all
 * (`incident_updates: []`); a blank summary gets the default wording.
 */
export function firstPublicUpdateBody(summary: string | null | undefined): string {
  const text = (summary ?? '').trim();
  return text.length > 0 ? text : DEFAULT_FIRST_PUBLIC_UPDATE;
}
