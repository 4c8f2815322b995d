import { submitOnce } from './slack-modal-submit-once';

/** An in-memory stand-in for the PostgreSQL claims: the same contract (first claim wins, release frees it). */
function memoryClaims() {
  const taken = new Set<string>();
  return {
    taken,
    claim: async (viewId: string, callbackId: string) => {
      const key = `${viewId}/${callbackId}`;
      if (taken.has(key)) return false;
      taken.add(key);
      return true;
    },
    release: async (viewId: string, callbackId: string) => {
      taken.delete(`${viewId}/${callbackId}`);
    },
  };
}

describe('submitOnce', () => {
  it('runs the first submission of a view and answers a duplicate with an empty ack, changing nothing', async () => {
    const claims = memoryClaims();
    const submit = jest.fn(async () => undefined);
    expect(await submitOnce(claims, 'V1', 'incident_update', submit)).toBeUndefined();
    expect(await submitOnce(claims, 'V1', 'incident_update', submit)).toBeUndefined();
    expect(submit).toHaveBeenCalledTimes(1);
    // Another callback of the same view id is its own claim.
    await submitOnce(claims, 'V1', 'incident_resolve', submit);
    expect(submit).toHaveBeenCalledTimes(2);
  });

  it('gives the claim back when the submission is refused with errors or throws, so the corrected form goes through', async () => {
    const claims = memoryClaims();
    const refused = { response_action: 'errors' as const, errors: { type: 'Unknown type' } };
    expect(await submitOnce(claims, 'V2', 'incident_edit', async () => refused)).toBe(refused);
    await expect(
      submitOnce(claims, 'V2', 'incident_edit', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const accepted = jest.fn(async () => undefined);
    await submitOnce(claims, 'V2', 'incident_edit', accepted);
    expect(accepted).toHaveBeenCalledTimes(1);
    expect(claims.taken.has('V2/incident_edit')).toBe(true);
  });

  it('shows an error in the modal when the claim cannot be taken (database unavailable), running nothing', async () => {
    const submit = jest.fn(async () => undefined);
    const answer = await submitOnce(
      {
        claim: async () => {
          throw new Error('connection refused');
        },
        release: async () => undefined,
      },
      'V3',
      'incident_update',
      submit,
    );
    expect(answer).toMatchObject({ response_action: 'errors', errors: { status: expect.stringContaining('could not save') } });
    expect(submit).not.toHaveBeenCalled();
  });
});
