// PostgreSQL stopped for 30 s under steady load, with people declaring
// incidents from Slack meanwhile: the status page keeps answering from its
// snapshot, /health/ready is 503 then 200 again without a restart, the API
// answers 503 (never 500), and every Slack declaration made during the outage
// either succeeds after it or tells its declarer clearly, never half-creating.
import { FAKE_SLACK_USERS, FakeSlack } from '../support/fake-slack';
import { errorRate, millisUntil, query, sleep, tally } from './probes';
import { recordScenario } from './report';
import {
  commandOutcome,
  declareSubmission,
  OpenedForm,
  openDeclareForm,
  postToSlackEndpoint,
  SlackAnswer,
  slackEnv,
  toldThroughResponseUrl,
} from './slack-client';
import { BallastSystem, SteadyLoad } from './system';

const OUTAGE_MS = 30_000;
const OUTAGE_DECLARATIONS = 12;
const TEAM_CHANNEL = 'C0PAYMENTS';

type DeclarationOutcome = 'stored' | 'kept open with a reason' | 'told afterwards it was not declared' | 'silently lost';

interface Declaration {
  form: OpenedForm;
  ack: SlackAnswer;
  ackReason: string | null;
}

const answers = (index: number) => ({
  title: `Database outage declaration ${index}`,
  severity: 'SEV1',
  team: 'payments',
  services: [],
  type: 'other',
  visibility: 'internal',
});

describe('PostgreSQL stopped for 30 s under steady load', () => {
  let fake: FakeSlack;
  let system: BallastSystem;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: TEAM_CHANNEL, name: 'team-payments', members: FAKE_SLACK_USERS.map((user) => user.id) });
    system = await BallastSystem.start({ env: { ...slackEnv(fake), PROMETHEUS_URL: 'http://127.0.0.1:9' } });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await fake?.close();
  });

  it('keeps the status page answering, reports not-ready, answers 503 (not 500), declares or explains, and recovers without a restart', async () => {
    const headers = system.adminHeaders();
    const created = await fetch(`${system.api.url}/api/v1/teams`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ slug: 'payments', name: 'Payments', slackChannelId: TEAM_CHANNEL }),
    });
    expect(created.status).toBe(201);
    // The forms people will submit during the outage were opened before it.
    const forms: OpenedForm[] = [];
    for (let index = 0; index < OUTAGE_DECLARATIONS; index += 1) {
      forms.push(await openDeclareForm(system.api.url, fake, `outage-${index}`, FAKE_SLACK_USERS[index % FAKE_SLACK_USERS.length].id));
    }

    const statusPage = system.statusPage;
    if (!statusPage) throw new Error('status page not started');
    const pageLoad = new SteadyLoad(() => fetch(`${statusPage.url}/`), 20).start();
    const readyLoad = new SteadyLoad(() => fetch(`${system.api.url}/health/ready`), 5).start();
    const apiLoad = new SteadyLoad(() => fetch(`${system.api.url}/api/v1/teams`, { headers }), 10).start();

    await sleep(3000);
    const atStop = { page: pageLoad.snapshot(), api: apiLoad.snapshot() };
    const outageStarted = Date.now();
    await system.stopDatabase();
    const notReadyAfterMs = await millisUntil(async () => (await fetch(`${system.api.url}/health/ready`)).status === 503, '/health/ready 503', 10_000);

    // Someone runs /incident in the middle of the outage, when the catalog Ballast read for forms is older than its 5 s cache.
    const commandDuringOutage = sleep(8000).then(() => commandOutcome(system.api.url, fake, 'command-during-outage'));

    // Declarations from Slack spread over the outage, one every two seconds.
    const declarations: Declaration[] = [];
    for (const [index, form] of forms.entries()) {
      const ack = await postToSlackEndpoint(system.api.url, declareSubmission(form, answers(index)));
      const errors = (ack.body as { response_action?: string; errors?: Record<string, string> } | null)?.errors;
      declarations.push({ form, ack, ackReason: errors ? Object.values(errors).join(' ') : null });
      await sleep(Math.max(0, Math.min(2000, OUTAGE_MS - 2000 - (Date.now() - outageStarted))));
    }
    const command = await commandDuringOutage;
    const commandSaw = command.blocks.includes('declare_unavailable')
      ? 'a form saying the teams and services cannot be loaded, to run the command again in a moment'
      : command.blocks.some((block) => block.startsWith('declare_') && block !== 'declare_loading')
        ? `the declare form (${command.blocks.join(', ')})`
        : command.told.length > 0
          ? `told: ${command.told.join(' ')}`
          : 'nothing';
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    const atRestart = { page: pageLoad.snapshot(), api: apiLoad.snapshot() };
    await system.startDatabase();
    const recoveredAfterMs = await millisUntil(async () => (await fetch(`${system.api.url}/health/ready`)).status === 200, '/health/ready 200', 30_000);
    const apiRecoveredAfterMs = await millisUntil(
      async () => (await fetch(`${system.api.url}/api/v1/teams`, { headers })).status === 200,
      'the API answering 200',
      30_000,
    );
    await sleep(2000);

    const page = await pageLoad.stop();
    const ready = await readyLoad.stop();
    const api = await apiLoad.stop();
    const pageDuringOutage = SteadyLoad.between(atStop.page, atRestart.page);
    const apiDuringOutage = SteadyLoad.between(atStop.api, atRestart.api);

    // What each declarer ended up with, before anyone acts on what they were told.
    const keyOf = (form: OpenedForm) => `slack:view:T0BALLAST:${form.viewId}`;
    const incidentsOf = async (form: OpenedForm) =>
      query<{ id: string; declared: number; slack_sync_state: string }>(
        system.postgres.url,
        `SELECT i.id, i.slack_sync_state, (SELECT count(*)::int FROM incident_timeline_events e WHERE e.incident_id = i.id AND e.kind = 'declared') AS declared
         FROM incidents i WHERE i.idempotency_key = $1`,
        [keyOf(form)],
      );
    // A declaration stored after the outage gets its Slack side; one that failed after the ack gets a message.
    await sleep(3000);
    const outcomes: DeclarationOutcome[] = [];
    const halfCreated: string[] = [];
    for (const declaration of declarations) {
      const rows = await incidentsOf(declaration.form);
      const told = toldThroughResponseUrl(fake, declaration.form);
      if (rows.length === 1 && rows[0].declared === 1) outcomes.push('stored');
      else if (rows.length === 0 && declaration.ackReason) outcomes.push('kept open with a reason');
      else if (rows.length === 0 && told.some((text) => /not (be )?(stored|declared)|Nothing was declared/i.test(text)))
        outcomes.push('told afterwards it was not declared');
      else outcomes.push('silently lost');
      if (rows.length > 1 || rows.some((row) => row.declared !== 1)) halfCreated.push(declaration.form.viewId);
    }
    // People whose form stayed open submit it again once Ballast is back: one incident each.
    const resubmitted = await Promise.all(
      declarations
        .map((declaration, index) => ({ declaration, index }))
        .filter(({ declaration }) => declaration.ackReason !== null)
        .map(({ declaration, index }) => postToSlackEndpoint(system.api.url, declareSubmission(declaration.form, answers(index)))),
    );
    await millisUntil(
      async () => (await query<{ n: number }>(system.postgres.url, `SELECT count(*)::int AS n FROM incidents WHERE slack_sync_state <> 'synced'`))[0].n === 0,
      'every stored declaration synced to Slack',
      30_000,
    );
    const finalCounts = await Promise.all(declarations.map(async (declaration) => (await incidentsOf(declaration.form)).length));
    const expectedFinal = outcomes.map((outcome) => (outcome === 'stored' || outcome === 'kept open with a reason' ? 1 : 0));
    // A 500 is logged by the request logger (res.statusCode) or the exception filter ("Unhandled error").
    const errorLines = system.api.logLines().filter((line) => Number(line.level) >= 50);
    const serverErrorLogs = errorLines.filter(
      (line) => ((line.res as { statusCode?: number } | undefined)?.statusCode ?? 0) >= 500 || String(line.msg ?? '').startsWith('Unhandled error'),
    );
    const otherErrorLines = tally(
      errorLines.filter((line) => !serverErrorLogs.includes(line)).map((line) => `${String(line.context ?? '')}: ${String(line.msg ?? '')}`),
    );

    const teams = (await (await fetch(`${system.api.url}/api/v1/teams`, { headers })).json()) as { items: { slug: string }[] };
    const migrations = await query<{ n: number }>(system.postgres.url, 'SELECT count(*)::int AS n FROM migrations');
    const reasons = [...new Set(declarations.map((declaration) => declaration.ackReason).filter((reason): reason is string => reason !== null))];
    const toldTexts = [...new Set(declarations.flatMap((declaration) => toldThroughResponseUrl(fake, declaration.form)))];

    const checks = {
      'status page always 200': Object.keys(page).every((status) => status === '200'),
      'ready 503 then 200': ready['503'] > 0 && ready['200'] > 0,
      'API 503, never 500': !('500' in api) && api['503'] > 0,
      '/incident during the outage explained': command.ackStatus === 200 && commandSaw !== 'nothing' && !command.blocks.includes('declare_loading'),
      'every Slack declaration acknowledged': declarations.every((declaration) => declaration.ack.status === 200 && declaration.ack.ms < 3000),
      'no declaration silently lost': !outcomes.includes('silently lost'),
      'nothing half-created': halfCreated.length === 0 && finalCounts.every((count, index) => count === expectedFinal[index]),
      'resubmissions accepted': resubmitted.every((answer) => answer.status === 200 && answer.body === null),
      'data intact': teams.items.map((team) => team.slug).join() === 'payments',
    };
    const passed = Object.values(checks).every(Boolean) && serverErrorLogs.length === 0 && recoveredAfterMs < 15_000;
    recordScenario({
      scenario: 'PostgreSQL down 30 s under load',
      injected: `PostgreSQL server stopped for 30 s while the status page (20 req/s), /health/ready (5/s) and GET /api/v1/teams (10/s) were loaded, and ${OUTAGE_DECLARATIONS} people submitted the Slack declare form during the outage (one every 2 s) while another ran /incident`,
      usersSaw: `status page ${JSON.stringify(page)}; ready ${JSON.stringify(ready)}; API ${JSON.stringify(api)}; /incident during the outage: ${commandSaw}; Slack declarations: ${JSON.stringify(tally(outcomes))}, form errors: ${reasons.map((reason) => `"${reason}"`).join(', ') || 'none'}; told afterwards: ${toldTexts.map((text) => `"${text}"`).join(', ') || 'nothing'}`,
      stored: `teams after recovery: ${teams.items.map((team) => team.slug).join(', ')}; migrations table intact (${migrations[0].n} rows); incidents per outage declaration after resubmitting the kept-open forms: ${JSON.stringify(tally(finalCounts.map(String)))} (${halfCreated.length} duplicated or partial), all synced to Slack`,
      figures: {
        'status page requests answered 200 during the outage': pageDuringOutage['200'] ?? 0,
        'status page error rate during the outage': errorRate(pageDuringOutage),
        'API answers during the outage': JSON.stringify(apiDuringOutage),
        'API 5xx other than 503': Object.entries(api)
          .filter(([status]) => status.startsWith('5') && status !== '503')
          .reduce((sum, [, count]) => sum + count, 0),
        'not ready after (ms)': notReadyAfterMs,
        'ready again after restart (ms)': recoveredAfterMs,
        'API answering again after (ms)': recoveredAfterMs + apiRecoveredAfterMs,
        'Slack declaration ack max (ms)': Math.round(Math.max(...declarations.map((declaration) => declaration.ack.ms))),
        '500s logged': serverErrorLogs.length,
        'other error-level log lines (one per failed declaration or job run)': JSON.stringify(otherErrorLines),
      },
      passed,
    });

    if (serverErrorLogs.length > 0) process.stderr.write(`500s logged:\n${serverErrorLogs.map((line) => JSON.stringify(line)).join('\n')}\n`);
    expect(checks).toEqual(Object.fromEntries(Object.keys(checks).map((key) => [key, true])));
    expect(serverErrorLogs).toEqual([]);
    expect(recoveredAfterMs).toBeLessThan(15_000);
  }, 240_000);
});
