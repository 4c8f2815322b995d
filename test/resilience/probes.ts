// Small helpers the resilience scenarios share: JSON over fetch, SQL against
// the system's database, and polling with a bound.
import { sql } from '../support/sql';

export { eventually } from '../support/poll';

export async function getJson<T>(url: string, headers: Record<string, string>): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T };
}

export async function sendJson<T>(url: string, method: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export function query<T extends Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  return sql<T>(databaseUrl, text, params);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Milliseconds until `check` holds; fails naming `what` after `timeoutMs`. */
export async function millisUntil(check: () => Promise<boolean>, what: string, timeoutMs: number, intervalMs = 100): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
  return Date.now() - started;
}

/** How often each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Share of answers that are not 2xx, as a percentage with one decimal. */
export function errorRate(statuses: Record<string, number>): string {
  const total = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  const failed = Object.entries(statuses)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return total === 0 ? 'n/a' : `${((100 * failed) / total).toFixed(1)}%`;
}
