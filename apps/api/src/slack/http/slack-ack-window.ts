/**
 * Slack waits 3 seconds for an answer. Work that usually takes milliseconds
 * (a database write) runs before the ack so its result can be shown right
 * away; when it is slower than this budget, the ack goes out without it and
 * the result follows another way. The budget is a third of Slack's: the
 * rest is for the network and for a busy process (under load a request can
 * wait a second or more before Ballast reads it, and its answer after).
 */
export const ACK_BUDGET_MS = 1000;

/** When the ack is due for a request that reached Ballast at `receivedAt` (epoch ms). */
export function ackDeadline(receivedAt: number | undefined): number {
  return (receivedAt ?? Date.now()) + ACK_BUDGET_MS;
}

export type WithinAckWindow<T> =
  | { readonly state: 'fulfilled'; readonly value: T }
  | { readonly state: 'rejected'; readonly error: unknown }
  | { readonly state: 'pending'; readonly promise: Promise<T> };

/** Waits for `work` at most `budgetMs` (what is left until the ack is due; 0 or less: not at all). */
export async function withinAckWindow<T>(work: Promise<T>, budgetMs: number = ACK_BUDGET_MS): Promise<WithinAckWindow<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, budgetMs));
  });
  try {
    const winner = await Promise.race([work.then((value) => ({ value })), timeout]);
    return winner === 'timeout' ? { state: 'pending', promise: work } : { state: 'fulfilled', value: winner.value };
  } catch (error) {
    return { state: 'rejected', error };
  } finally {
    clearTimeout(timer);
  }
}
