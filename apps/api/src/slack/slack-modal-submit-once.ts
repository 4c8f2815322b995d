import type { SlackViewClaims } from './slack-view-claims';

/** What a refused submission shows when its claim could not even be taken (database unavailable). */
const UNAVAILABLE = {
  response_action: 'errors' as const,
  errors: { status: 'Ballast could not save this right now; submit again in a moment.' },
};

/**
 * Runs a modal's submission at most once per opened modal (view id + callback
 * id, claimed in PostgreSQL). A duplicate submission is answered with an empty
 * ack (the modal closes) and changes nothing; a submission refused with field
 * errors (`response_action: 'errors'`) gives the claim back, so the corrected
 * form can be submitted from the same modal.
 */
export async function submitOnce<A>(
  claims: Pick<SlackViewClaims, 'claim' | 'release'>,
  viewId: string,
  callbackId: string,
  submit: () => Promise<A>,
): Promise<A | typeof UNAVAILABLE | undefined> {
  let claimed: boolean;
  try {
    claimed = await claims.claim(viewId, callbackId);
  } catch {
    return UNAVAILABLE;
  }
  if (!claimed) return undefined;
  let answer: A;
  try {
    answer = await submit();
  } catch (error) {
    await claims.release(viewId, callbackId).catch(() => undefined);
    throw error;
  }
  if (answer) await claims.release(viewId, callbackId).catch(() => undefined);
  return answer;
}
