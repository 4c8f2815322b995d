// Status page notification fan-out: 10,000 confirmed e-mail subscribers and
// 100 webhook subscribers are told of one public incident update. The API runs
// as production runs it (plain node on its Nest build, SCHEDULER_ENABLED, in a
// process of its own, so its memory is its own), against a private embedded
// PostgreSQL; this process is the mail server (smtp-server on loopback) and
// the webhook receivers (one HTTP server, a path per subscriber, each body's
// signature checked). Measured: time from the update's commit to the last
// delivery, duplicates (deliveries beyond one per subscriber), the sending
// process's RSS before and at its peak (VmHWM), and what the outbox says.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { migrateDatabase, startEmbeddedPostgres } from '@app/database';
import { MIGRATIONS } from '../migrations';
import { freePort } from '../test/support/ports';

const ROOT = resolve(__dirname, '..');
const EMAIL_SUBSCRIBERS = Number(process.env.BENCH_EMAIL_SUBSCRIBERS ?? 10_000);
const WEBHOOK_SUBSCRIBERS = Number(process.env.BENCH_WEBHOOK_SUBSCRIBERS ?? 100);
const TARGET_SECONDS = 60;
const SECRET = 'bench-webhook-secret-0123456789';

const log = (message: string) => process.stdout.write(`${message}\n`);

/** The API's Nest build in the benchmark's own directory (the shared dist/ is left alone). */
function buildApi(workDir: string): string {
  const outDir = join(workDir, 'build');
  mkdirSync(outDir, { recursive: true });
  const tsconfig = join(workDir, 'tsconfig.build.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir, rootDir: ROOT, incremental: false, typeRoots: [join(ROOT, 'node_modules/@types')] },
      include: ['apps/api/**/*.ts', 'libs/**/*.ts', 'migrations/**/*.ts'].map((pattern) => join(ROOT, pattern)),
      exclude: [join(ROOT, 'node_modules'), join(ROOT, '**/*.spec.ts')],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'api', '-p', relative(ROOT, tsconfig)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  // The dashboards' templates are looked up beside the build.
  symlinkSync(join(ROOT, 'apps/api/views'), join(outDir, 'apps/api/views'), 'dir');
  return join(outDir, 'apps/api/src/main.js');
}

function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'ballast-bench-notifications-'));
  chmodSync(workDir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: join(workDir, 'pg'), port: 56000 + Math.floor(Math.random() * 900) });
  let api: ChildProcess | null = null;
  const servers: Array<{ close(callback: () => void): void }> = [];
  try {
    await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
    log('building the API ...');
    const mainJs = buildApi(workDir);

    // The mail server: counts deliveries per recipient.
    const mailsTo = new Map<string, number>();
    let lastDeliveryAt = 0;
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      maxClients: 100,
      onData(stream, session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          for (const rcpt of session.envelope.rcptTo) mailsTo.set(rcpt.address, (mailsTo.get(rcpt.address) ?? 0) + 1);
          lastDeliveryAt = performance.now();
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', () => done()));
    servers.push(smtp);
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    // The webhook receivers: one server, a path per subscriber; a bad signature counts as a failure.
    const hooksTo = new Map<string, number>();
    let badSignatures = 0;
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        if (request.headers['x-ballast-signature'] !== `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`) badSignatures += 1;
        hooksTo.set(request.url ?? '', (hooksTo.get(request.url ?? '') ?? 0) + 1);
        lastDeliveryAt = performance.now();
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', () => done()));
    servers.push(receiver);
    const hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    // Subscribers, a component, a public incident already announced (its own events count as sent).
    const db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query(`INSERT INTO teams (slug, name) VALUES ('payments', 'Payments')`);
    await db.query(`INSERT INTO status_components (id, name) VALUES ('benchcomp001', 'Checkout')`);
    await db.query(
      `INSERT INTO status_subscribers (type, email, confirmed_at) SELECT 'email', 'subscriber' || n || '@bench.example', now() FROM generate_series(1, $1::int) n`,
      [EMAIL_SUBSCRIBERS],
    );
    await db.query(`INSERT INTO status_subscribers (type, url, secret) SELECT 'webhook', $2 || '/hook/' || n, $3 FROM generate_series(1, $1::int) n`, [
      WEBHOOK_SUBSCRIBERS,
      hookBase,
      SECRET,
    ]);
    const [incident] = (
      await db.query(
        `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, last_update_at)
         SELECT 'Checkout errors', 'SEV2', 'investigating', 'deploy', id, 'public', 'bench', 'api', now(), now(), now() FROM teams RETURNING id`,
      )
    ).rows as Array<{ id: string }>;
    await db.query(`INSERT INTO incident_affected_components (incident_id, component_id, status) VALUES ($1, 'benchcomp001', 'partial_outage')`, [incident.id]);
    await db.query(`UPDATE status_notification_events SET fanned_out_at = now()`);

    const apiPort = await freePort();
    api = spawn(process.execPath, ['--enable-source-maps', mainJs], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        API_PORT: String(apiPort),
        HOST: '127.0.0.1',
        API_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        PROMETHEUS_URL: 'http://127.0.0.1:9',
        SCHEDULER_ENABLED: 'true',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'Acme status <status@bench.example>',
        PUBLIC_STATUS_URL: 'https://status.bench.example',
        SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE: 'true',
        SUBSCRIBER_SEND_INTERVAL_MS: '250',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const pid = api.pid!;
    await waitFor(
      async () => {
        if (api?.exitCode !== null) throw new Error(`the API exited with ${api?.exitCode}`);
        return fetch(`http://127.0.0.1:${apiPort}/health/live`)
          .then((response) => response.ok)
          .catch(() => false);
      },
      120_000,
      'the API',
    );
    await new Promise((done) => setTimeout(done, 2000)); // let the process settle before the baseline is read
    const before = memoryOf(pid);
    log(`API up (pid ${pid}), RSS ${before.rssMb} MB`);

    // The one public update: its commit is the start of the clock.
    const started = performance.now();
    await db.query(
      `INSERT INTO incident_timeline_events (incident_id, kind, author, body, public, status_at_event, occurred_at)
       VALUES ($1, 'public_update', 'bench', 'We found the cause and are rolling back.', true, 'identified', now())`,
      [incident.id],
    );
    const expected = EMAIL_SUBSCRIBERS + WEBHOOK_SUBSCRIBERS;
    const delivered = () => [...mailsTo.values()].reduce((sum, count) => sum + count, 0) + [...hooksTo.values()].reduce((sum, count) => sum + count, 0);
    let peak = memoryOf(pid);
    await waitFor(
      () => {
        peak = memoryOf(pid);
        return mailsTo.size + hooksTo.size >= expected;
      },
      300_000,
      'every subscriber to receive the update',
    );
    const seconds = (lastDeliveryAt - started) / 1000;
    // Anything still coming would be a duplicate: wait two more sender ticks and a little.
    await new Promise((done) => setTimeout(done, 3000));
    peak = memoryOf(pid);
    const duplicates = delivered() - (mailsTo.size + hooksTo.size);
    const outbox = (await db.query(`SELECT state, channel, count(*)::int AS n FROM status_notification_outbox GROUP BY state, channel ORDER BY channel, state`))
      .rows;
    await db.end();

    log(
      `subscribers: ${EMAIL_SUBSCRIBERS} e-mail (confirmed) + ${WEBHOOK_SUBSCRIBERS} webhooks; load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
    );
    log(
      `time from the update's commit to the last delivery: ${seconds.toFixed(1)} s (target <= ${TARGET_SECONDS} s) -> ${(expected / seconds).toFixed(0)} deliveries/s`,
    );
    log(`delivered: ${mailsTo.size} addresses, ${hooksTo.size} webhooks; duplicates: ${duplicates}; bad signatures: ${badSignatures}`);
    log(`sending process RSS: ${before.rssMb} MB before, ${peak.rssMb} MB after, peak (VmHWM) ${peak.peakRssMb} MB`);
    log(`outbox: ${JSON.stringify(outbox)}`);
    if (duplicates !== 0 || badSignatures !== 0 || mailsTo.size !== EMAIL_SUBSCRIBERS || hooksTo.size !== WEBHOOK_SUBSCRIBERS) process.exitCode = 1;
    if (seconds > TARGET_SECONDS) log(`SLOWER than the ${TARGET_SECONDS} s target`);
  } finally {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((done) => api!.once('exit', done));
    }
    for (const server of servers) await new Promise<void>((done) => server.close(() => done()));
    await database.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
