import { type SchemaProbe, waitForSchema } from './wait-for-schema';

function scripted(results: SchemaProbe[]): { probe: () => Promise<SchemaProbe>; calls: () => number } {
  let calls = 0;
  return { probe: async () => results[Math.min(calls++, results.length - 1)] as SchemaProbe, calls: () => calls };
}

describe('waitForSchema', () => {
  it('retries while tables are missing, says so, and returns once they exist', async () => {
    const { probe, calls } = scripted([{ kind: 'missing', tables: ['incidents'] }, { kind: 'missing', tables: ['incidents'] }, { kind: 'ready' }]);
    const logs: string[] = [];
    const slept: number[] = [];
    const result = await waitForSchema({ probe, log: (message) => logs.push(message), sleep: async (ms) => void slept.push(ms), retryMs: 2000 });
    expect(result).toBe('ready');
    expect(calls()).toBe(3);
    expect(slept).toEqual([2000, 2000]);
    expect(logs).toEqual(['waiting for the API to migrate the database (missing tables: incidents); retrying every 2 s', 'the database schema is ready']);
  });

  it('returns at once, silently, when the schema is there', async () => {
    const logs: string[] = [];
    expect(
      await waitForSchema({ probe: scripted([{ kind: 'ready' }]).probe, log: (message) => logs.push(message), sleep: async () => undefined, retryMs: 1 }),
    ).toBe('ready');
    expect(logs).toEqual([]);
  });

  it('gives up waiting when the database is unreachable (the persisted snapshot is served)', async () => {
    const logs: string[] = [];
    const result = await waitForSchema({
      probe: scripted([{ kind: 'unreachable', message: 'connect ECONNREFUSED' }]).probe,
      log: (message) => logs.push(message),
      sleep: async () => undefined,
      retryMs: 1,
    });
    expect(result).toBe('unreachable');
    expect(logs[0]).toContain('ECONNREFUSED');
  });

  it('repeats the waiting line only every tenth attempt', async () => {
    const logs: string[] = [];
    const missing: SchemaProbe = { kind: 'missing', tables: ['status_components'] };
    await waitForSchema({
      probe: scripted([...Array<SchemaProbe>(12).fill(missing), { kind: 'ready' }]).probe,
      log: (message) => logs.push(message),
      sleep: async () => undefined,
      retryMs: 1000,
    });
    expect(logs.filter((line) => line.startsWith('waiting'))).toHaveLength(2);
  });
});
