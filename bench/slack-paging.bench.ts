// Paging benchmark (`npm run bench -- slack-paging`; `npm run bench -- slack` runs it after slack.bench.ts).
//
// Starts a private PostgreSQL, the real API (apps/api/src/main.ts under
// ts-node, its own process, logs at warn) and the fake Slack Web API in this
// process. 50 teams each have a rotation of one person (50 people), paging
// SEV1. Then:
//  1. a burst of 50 SEV1 incidents created at the same moment through the API:
//     page delivered = incident POST sent → the fake received the page's
//     chat.postMessage in that person's DM (the call's time at the fake);
//  2. the 50 people press Acknowledge at the same moment (signed block_actions,
//     each press sent twice, as a double click): ack latency = the HTTP answer
//     to the press;
//  3. duplicates: DMs per incident (must be exactly 1), `paged` and
//     `acknowledged` timeline events per incident (exactly 1 each).
// Figures go to stdout and to the "Slack paging" section of bench/RESULTS.md.
import { ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { FakeSlack } from '../test/support/fake-slack';
import { startPostgresProcess } from '../test/support/pg-process';
import { freePort } from '../test/support/ports';
import { blockActionsRequest } from '../test/support/slack-payloads';

const ROOT = resolve(__dirname, '..');
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-bench-token';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const INCIDENTS = 50;
const PAGE_TARGET_P99_MS = 2000;
const ACK_TARGET_P99_MS = 100;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

async function query<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

async function startApiProcess(env: Record<string, string>, baseUrl: string): Promise<{ stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'apps/api/src/main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const stop = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
  try {
    await waitFor(
      'the API to answer /health/live',
      async () => {
        if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${output}`);
        return fetch(`${baseUrl}/health/live`).then(
          (response) => response.ok,
          () => false,
        );
      },
      300_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function timedPost(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; ms: number; sentAt: number; text: string }> {
  const sentAt = Date.now();
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, sentAt, text };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'ballast-bench-paging-'));
  const pg = await startPostgresProcess(dataDir, await freePort());
  const fake = await FakeSlack.start();
  let api: { stop: () => Promise<void> } | null = null;
  try {
    await query(pg.url, 'CREATE DATABASE ballast_bench');
    const databaseUrl = new URL(pg.url);
    databaseUrl.pathname = '/ballast_bench';
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    api = await startApiProcess(
      {
        DATABASE_URL: databaseUrl.toString(),
        API_PORT: String(port),
        HOST: '127.0.0.1',
        API_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        // As in production: the scheduler sends escalation steps and retries (every second here).
        SCHEDULER_ENABLED: 'true',
        PAGING_CHECK_INTERVAL_S: '1',
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
      },
      baseUrl,
    );
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const people = Array.from({ length: INCIDENTS }, (_unused, i) => fake.addUser({ id: `U9${String(i).padStart(4, '0')}`, name: `oncall${i}` }).id);
    for (let i = 0; i < INCIDENTS; i += 1) {
      const channel = fake.addChannel({ name: `team-${i}`, members: [people[i]] });
      await timedPost(`${baseUrl}/api/v1/teams`, JSON.stringify({ slug: `team-${i}`, name: `Team ${i}`, slackChannelId: channel.id }), admin);
      const put = await fetch(`${baseUrl}/api/v1/teams/team-${i}/oncall`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({
          members: [people[i]],
          rotationStart: '2026-01-05T09:00:00Z',
          shiftHours: 168,
          escalation: [
            { afterMinutes: 0, notify: 'oncall' },
            { afterMinutes: 10, notify: 'channel' },
          ],
          pageSeverities: ['SEV1'],
        }),
      });
      if (put.status !== 200) throw new Error(`PUT oncall answered ${put.status}: ${await put.text()}`);
    }
    // Warm-up: one incident paged and acknowledged, so V8 has compiled the paths being timed.
    const warm = await timedPost(`${baseUrl}/api/v1/incidents`, JSON.stringify({ title: 'Warm-up', severity: 'SEV1', team: 'team-0', type: 'other' }), admin);
    const warmId = (JSON.parse(warm.text) as { id: string }).id;
    await waitFor('the warm-up page', () => fake.calls('chat.postMessage').some((call) => JSON.stringify(call.args.blocks ?? '').includes(`page:${warmId}:0`)));
    const warmAck = blockActionsRequest(SIGNING_SECRET, {
      actions: [{ action_id: 'incident_acknowledge', block_id: `page:${warmId}:0`, value: `${warmId}:0` }],
      userId: people[0],
      channelId: `D${people[0].slice(1)}`,
    });
    await timedPost(`${baseUrl}/slack/events`, warmAck.body, warmAck.headers);
    await waitFor(
      'the warm-up acknowledgement',
      async () =>
        (await query(databaseUrl.toString(), "SELECT 1 FROM incident_timeline_events WHERE incident_id = $1 AND kind = 'acknowledged'", [warmId])).length === 1,
    );

    // ------------------------------------------------------------ 1. burst of 50 paging incidents
    const callsBefore = fake.calls().length;
    // Each POST carries an Idempotency-Key; one the API answers 503 (no database connection free in time) is sent again,
    // as a client would, and its page is still timed from the first send.
    let retriedPosts = 0;
    const createOne = async (i: number) => {
      const firstSentAt = Date.now();
      for (let attempt = 0; ; attempt += 1) {
        const answer = await timedPost(
          `${baseUrl}/api/v1/incidents`,
          JSON.stringify({ title: `Burst ${i}`, severity: 'SEV1', team: `team-${i}`, type: 'other' }),
          { ...admin, 'idempotency-key': `burst-${i}` },
        );
        if (answer.status !== 503 || attempt >= 5) return { ...answer, sentAt: firstSentAt };
        retriedPosts += 1;
      }
    };
    const created = await Promise.all(people.map((_person, i) => createOne(i)));
    if (created.some((response) => response.status !== 201 && response.status !== 200))
      throw new Error(`incident POST failed: ${created.find((response) => response.status !== 201 && response.status !== 200)?.text}`);
    const ids = created.map((response) => (JSON.parse(response.text) as { id: string }).id);
    const pageCall = (id: string) =>
      fake.calls('chat.postMessage').find((call) => call.response?.status === 200 && JSON.stringify(call.args.blocks ?? '').includes(`page:${id}:0`));
    try {
      await waitFor('every page', () => ids.every((id) => pageCall(id) !== undefined), 180_000);
    } catch (error) {
      const states = await query<{ state: string; error: string | null; count: string }>(
        databaseUrl.toString(),
        'SELECT state, error, count(*) FROM incident_page_steps WHERE incident_id = ANY($1) AND step_index = 0 GROUP BY state, error',
        [ids],
      );
      process.stderr.write(`pages seen: ${ids.filter((id) => pageCall(id) !== undefined).length}/${INCIDENTS}; steps: ${JSON.stringify(states)}\n`);
      throw error;
    }
    const pageLatency = ids.map((id, i) => (pageCall(id)?.at.getTime() ?? NaN) - created[i].sentAt);
    // Where the time goes: the POST's own answer, then the DM opened for that person (conversations.open), then the page.
    const postAnswered = created.map((response) => response.ms);
    const dmOpened = people.map(
      (person, i) =>
        (fake
          .calls('conversations.open')
          .find((call) => String(call.args.users ?? '') === person)
          ?.at.getTime() ?? NaN) - created[i].sentAt,
    );
    const pageCalls = fake.calls().length - callsBefore;

    // ------------------------------------------------------------ 2a. the floor at this moment: 100 signed ssl_checks at once
    // (same listener, body read and HMAC check as a press, answered before any dispatch): what an ack cannot beat on this host now.
    const floorAnswers = await Promise.all(
      Array.from({ length: 2 * INCIDENTS }, () => {
        const body = 'ssl_check=1&token=bench';
        const timestamp = String(Math.floor(Date.now() / 1000));
        const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
        return timedPost(`${baseUrl}/slack/events`, body, {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signature,
        });
      }),
    );
    if (floorAnswers.some((answer) => answer.status !== 200))
      throw new Error(`an ssl_check answered ${floorAnswers.find((answer) => answer.status !== 200)?.status}`);

    // ------------------------------------------------------------ 2. Acknowledge, everyone at once, each pressed twice
    const presses = ids.flatMap((id, i) =>
      [0, 1].map(() =>
        blockActionsRequest(SIGNING_SECRET, {
          actions: [{ action_id: 'incident_acknowledge', block_id: `page:${id}:0`, value: `${id}:0` }],
          userId: people[i],
          channelId: `D${people[i].slice(1)}`,
        }),
      ),
    );
    const answers = await Promise.all(presses.map((press) => timedPost(`${baseUrl}/slack/events`, press.body, press.headers)));
    if (answers.some((answer) => answer.status !== 200)) throw new Error(`a press answered ${answers.find((answer) => answer.status !== 200)?.status}`);
    const acknowledgedCount = async () =>
      Number(
        (
          await query<{ count: string }>(
            databaseUrl.toString(),
            'SELECT count(*) FROM incident_paging WHERE acknowledged_at IS NOT NULL AND incident_id = ANY($1)',
            [ids],
          )
        )[0].count,
      );
    // Reported, not fatal: an acknowledgement lost under load is a figure of the run.
    await waitFor('every acknowledgement', async () => (await acknowledgedCount()) === INCIDENTS, 90_000).catch(() => undefined);
    const acknowledged = await acknowledgedCount();
    // let the background work (page updates, timeline) settle before counting
    await new Promise((done) => setTimeout(done, 1000));

    // ------------------------------------------------------------ 3. duplicates
    const pagesPosted = ids.map(
      (id) => fake.calls('chat.postMessage').filter((call) => JSON.stringify(call.args.blocks ?? '').includes(`page:${id}:0`)).length,
    );
    const events = await query<{ incident_id: string; kind: string; count: string }>(
      databaseUrl.toString(),
      "SELECT incident_id, kind, count(*) FROM incident_timeline_events WHERE incident_id = ANY($1) AND kind IN ('paged', 'acknowledged') GROUP BY incident_id, kind",
      [ids],
    );
    const eventCount = (kind: string) => ids.map((id) => Number(events.find((row) => row.incident_id === id && row.kind === kind)?.count ?? 0));
    const duplicatePages = pagesPosted.filter((count) => count > 1).length + eventCount('paged').filter((count) => count > 1).length;
    const missingPages = pagesPosted.filter((count) => count === 0).length;
    const duplicateAcks = eventCount('acknowledged').filter((count) => count > 1).length;

    const results = {
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
      load: `load average before ${loadBefore.map((value) => value.toFixed(2)).join(' / ')}, after ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' / ')}`,
      pageDelivered: summary(pageLatency),
      acknowledgeAck: summary(answers.map((answer) => answer.ms)),
      floorSslCheck: summary(floorAnswers.map((answer) => answer.ms)),
      incidentPostAnswered: summary(postAnswered),
      dmOpened: summary(dmOpened),
      slackCallsDuringBurst: pageCalls,
      retriedPosts,
      acknowledged,
      duplicatePages,
      missingPages,
      duplicateAcknowledgements: duplicateAcks,
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
    writeSection(
      [
        '## Slack paging',
        '',
        `Run by \`npm run bench -- slack-paging\` on ${new Date().toISOString().slice(0, 10)}: ${results.machine}; ${results.load}. Method: the real API (\`apps/api/src/main.ts\` under ts-node, own process, logs at warn) on a private PostgreSQL, the fake Slack Web API (\`test/support/fake-slack.ts\`, answering at once) and the senders in the benchmark process, all on 127.0.0.1. 50 teams, each with a one-person rotation paging SEV1 (50 people); one warm-up incident first.`,
        '',
        '| figure | count | p50 ms | p90 ms | p99 ms | max ms | target |',
        '|---|---|---|---|---|---|---|',
        `| page delivered (incident POST sent → the page's chat.postMessage at the fake), burst of 50 | ${results.pageDelivered.count} | ${results.pageDelivered.p50} | ${results.pageDelivered.p90} | ${results.pageDelivered.p99} | ${results.pageDelivered.max} | p99 ≤ ${PAGE_TARGET_P99_MS} ms: ${verdict(results.pageDelivered.p99 <= PAGE_TARGET_P99_MS)} |`,
        `| Acknowledge answered (signed block_actions → HTTP answer), 50 people × double click at once | ${results.acknowledgeAck.count} | ${results.acknowledgeAck.p50} | ${results.acknowledgeAck.p90} | ${results.acknowledgeAck.p99} | ${results.acknowledgeAck.max} | p99 ≤ ${ACK_TARGET_P99_MS} ms: ${verdict(results.acknowledgeAck.p99 <= ACK_TARGET_P99_MS)} |`,
        `| profile: incident POST answered (its transaction and audit record), burst of 50 | ${results.incidentPostAnswered.count} | ${results.incidentPostAnswered.p50} | ${results.incidentPostAnswered.p90} | ${results.incidentPostAnswered.p99} | ${results.incidentPostAnswered.max} | |`,
        `| profile: the page's conversations.open at the fake | ${results.dmOpened.count} | ${results.dmOpened.p50} | ${results.dmOpened.p90} | ${results.dmOpened.p99} | ${results.dmOpened.max} | |`,
        `| floor: 100 signed ssl_check at once (same listener and HMAC, no dispatch), just before the presses | ${results.floorSslCheck.count} | ${results.floorSslCheck.p50} | ${results.floorSslCheck.p90} | ${results.floorSslCheck.p99} | ${results.floorSslCheck.max} | |`,
        '',
        `Duplicates: ${duplicatePages} incidents with more than one page (posts or \`paged\` events), ${missingPages} without a page, ${duplicateAcks} with more than one \`acknowledged\` event (100 presses for 50 incidents); incidents acknowledged: ${acknowledged}/${INCIDENTS}. Slack calls during the burst: ${pageCalls}. Incident POSTs answered 503 and sent again (same Idempotency-Key): ${retriedPosts}.`,
        '',
      ].join('\n'),
    );
  } finally {
    await api?.stop();
    await fake.close();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Replaces (or adds) the "## Slack paging" section of bench/RESULTS.md, leaving the other sections alone. */
function writeSection(section: string): void {
  const file = join(__dirname, 'RESULTS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = current.indexOf('\n## Slack paging\n');
  if (start === -1) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  writeFileSync(file, `${current.slice(0, start)}\n${section}${next === -1 ? '' : current.slice(next)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
