import { Client } from 'pg';
import { BallastSystem } from './system';
import { recordScenario } from './report';

describe('SIGTERM during load', () => {
  let system: BallastSystem;

  beforeAll(async () => {
    system = await BallastSystem.start({ statusPage: false });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('finishes in-flight declarations, refuses new connections, and leaves no partial incident', async () => {
    const headers = system.adminHeaders();
    await fetch(`${system.api.url}/api/v1/teams`, { method: 'POST', headers, body: JSON.stringify({ slug: 'payments', name: 'Payments' }) });
    await fetch(`${system.api.url}/api/v1/services`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ slug: 'checkout', name: 'Checkout', team: 'payments' }),
    });

    const outcomes = new Map<string, number>();
    const acknowledged: string[] = [];
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    let stop = false;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let index = 0; !stop; index++) {
        try {
          const response = await fetch(`${system.api.url}/api/v1/incidents`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ title: `Load ${worker}-${index}`, severity: 'SEV3', team: 'payments', type: 'deploy', services: ['checkout'] }),
          });
          count(String(response.status));
          if (response.status === 201) acknowledged.push(((await response.json()) as { id: string }).id);
          else await response.arrayBuffer();
        } catch {
          count('connection_refused_or_reset');
          await new Promise((done) => setTimeout(done, 20));
        }
      }
    });
    await new Promise((done) => setTimeout(done, 2000));
    const exitCode = await system.api.stop('SIGTERM');
    await new Promise((done) => setTimeout(done, 500));
    stop = true;
    await Promise.all(workers);

    const client = new Client({ connectionString: system.postgres.url });
    await client.connect();
    const stored = await client.query<{ id: string; events: number; links: number }>(
      `SELECT i.id, (SELECT count(*)::int FROM incident_timeline_events e WHERE e.incident_id = i.id AND e.kind = 'declared') AS events,
              (SELECT count(*)::int FROM incident_services s WHERE s.incident_id = i.id) AS links
         FROM incidents i`,
    );
    await client.end();
    const storedIds = new Set(stored.rows.map((row) => row.id));
    const partial = stored.rows.filter((row) => row.events !== 1 || row.links !== 1);
    const lostAcknowledged = acknowledged.filter((id) => !storedIds.has(id));
    const fiveHundreds = [...outcomes].filter(([status]) => status.startsWith('5')).reduce((sum, [, n]) => sum + n, 0);

    recordScenario({
      scenario: 'SIGTERM during load',
      injected: 'SIGTERM to the API while 8 clients declared incidents back to back',
      usersSaw: JSON.stringify(Object.fromEntries(outcomes)),
      stored: `${stored.rowCount} incidents, ${partial.length} partial (missing declared event or service link), ${lostAcknowledged.length} acknowledged but missing`,
      figures: { 'exit code': String(exitCode), 'declarations acknowledged': acknowledged.length, '5xx answers': fiveHundreds },
      passed: exitCode === 0 && partial.length === 0 && lostAcknowledged.length === 0 && fiveHundreds === 0 && stored.rowCount === acknowledged.length,
    });

    if (exitCode !== 0) process.stderr.write(system.api.logs().split('\n').slice(-30).join('\n'));
    expect(exitCode).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(partial).toEqual([]);
    expect(lostAcknowledged).toEqual([]);
    // Every stored incident was acknowledged to its client: nothing half-done behind a dropped connection.
    expect(stored.rowCount).toBe(acknowledged.length);
    expect(fiveHundreds).toBe(0);
  }, 120_000);
});
