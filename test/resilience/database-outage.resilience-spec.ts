import { Client } from 'pg';
import { BallastSystem, SteadyLoad } from './system';
import { recordScenario } from './report';

const OUTAGE_MS = 30_000;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return Date.now() - started;
}

describe('PostgreSQL stopped for 30 s under steady load', () => {
  let system: BallastSystem;

  beforeAll(async () => {
    system = await BallastSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('keeps the status page answering, reports not-ready, answers 503 (not 500) and recovers without a restart', async () => {
    const headers = system.adminHeaders();
    const created = await fetch(`${system.api.url}/api/v1/teams`, { method: 'POST', headers, body: JSON.stringify({ slug: 'payments', name: 'Payments' }) });
    expect(created.status).toBe(201);

    const statusPage = system.statusPage;
    if (!statusPage) throw new Error('status page not started');
    const pageLoad = new SteadyLoad(() => fetch(`${statusPage.url}/`), 20).start();
    const readyLoad = new SteadyLoad(() => fetch(`${system.api.url}/health/ready`), 5).start();
    const apiLoad = new SteadyLoad(() => fetch(`${system.api.url}/api/v1/teams`, { headers }), 10).start();

    await new Promise((done) => setTimeout(done, 3000));
    const outageStarted = Date.now();
    await system.stopDatabase();
    const notReadyAfterMs = await waitFor(async () => (await fetch(`${system.api.url}/health/ready`)).status === 503, 10_000);
    await new Promise((done) => setTimeout(done, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    await system.startDatabase();
    const recoveredAfterMs = await waitFor(async () => (await fetch(`${system.api.url}/health/ready`)).status === 200, 30_000);
    const apiRecoveredAfterMs = await waitFor(async () => (await fetch(`${system.api.url}/api/v1/teams`, { headers })).status === 200, 30_000);
    await new Promise((done) => setTimeout(done, 2000));

    const page = await pageLoad.stop();
    const ready = await readyLoad.stop();
    const api = await apiLoad.stop();
    const serverErrorLogs = system.api.logLines().filter((line) => line.level === 50).length;

    const teams = (await (await fetch(`${system.api.url}/api/v1/teams`, { headers })).json()) as { items: { slug: string }[] };
    const client = new Client({ connectionString: system.postgres.url });
    await client.connect();
    const migrations = await client.query('SELECT count(*)::int AS n FROM migrations');
    await client.end();

    const passed =
      Object.keys(page).every((status) => status === '200') &&
      ready['503'] > 0 &&
      ready['200'] > 0 &&
      !('500' in api) &&
      api['503'] > 0 &&
      teams.items.map((team) => team.slug).join() === 'payments';
    recordScenario({
      scenario: 'PostgreSQL down 30 s under load',
      injected: 'PostgreSQL server stopped for 30 s while the status page (20 req/s), /health/ready (5/s) and GET /api/v1/teams (10/s) were loaded',
      usersSaw: `status page ${JSON.stringify(page)}; ready ${JSON.stringify(ready)}; API ${JSON.stringify(api)}`,
      stored: `teams after recovery: ${teams.items.map((team) => team.slug).join(', ')}; migrations table intact (${migrations.rows[0].n} rows)`,
      figures: {
        'status page requests served during test': page['200'] ?? 0,
        'API 5xx other than 503': Object.entries(api).filter(([status]) => status.startsWith('5') && status !== '503').reduce((sum, [, count]) => sum + count, 0),
        'not ready after (ms)': notReadyAfterMs,
        'ready again after restart (ms)': recoveredAfterMs,
        'API answering again after (ms)': recoveredAfterMs + apiRecoveredAfterMs,
        'error-level log lines (500s)': serverErrorLogs,
      },
      passed,
    });

    expect(Object.keys(page)).toEqual(['200']);
    expect(ready['503']).toBeGreaterThan(0);
    expect(ready['200']).toBeGreaterThan(0);
    expect(api['500']).toBeUndefined();
    expect(api['503']).toBeGreaterThan(0);
    expect(serverErrorLogs).toBe(0);
    expect(teams.items.map((team) => team.slug)).toEqual(['payments']);
    expect(recoveredAfterMs).toBeLessThan(15_000);
  }, 180_000);
});
