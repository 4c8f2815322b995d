// Postmortem draft generation for an incident with 1,000 timeline events and
// a linked 28-day SLO (8,064 stored 5-minute buckets): the time of
// PostmortemsService.buildDraft (timeline, follow-ups, budget impact read from
// PostgreSQL, Markdown) and of the whole POST /api/v1/incidents/:id/postmortem
// (one fresh incident per call), against a private embedded PostgreSQL.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { loadConfig } from '@app/config';
import { migrateDatabase, startEmbeddedPostgres } from '@app/database';
import { IncidentQueriesService } from '@app/incidents';
import { createApiApp } from '../apps/api/src/bootstrap';
import { PostmortemsService } from '../apps/api/src/postmortems/postmortems.service';
import { MIGRATIONS } from '../migrations';

const EVENTS = 1000;
const RUNS = 20;
const POST_RUNS = 10;
const ADMIN = 'bench-admin-token-0123456789abcdef';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-bench-postmortem-'));
  chmodSync(dir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: dir, port: 56000 + Math.floor(Math.random() * 900) });
  await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
  const config = loadConfig({ API_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false', PROMETHEUS_URL: 'http://127.0.0.1:9' });
  const app = await createApiApp({ config, databaseUrl: database.url, printAdminToken: () => undefined });
  await app.init();
  const http = request(app.getHttpServer());
  const admin = { Authorization: `Bearer ${ADMIN}` };
  try {
    await http.post('/api/v1/teams').set(admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await http.post('/api/v1/services').set(admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    const { DataSource } = await import('typeorm');
    const dataSource = app.get(DataSource);
    const [service] = await dataSource.query(`SELECT id FROM services WHERE slug = 'checkout'`);
    const [slo] = await dataSource.query(
      `INSERT INTO slos (service_id, name, objective, window_days, indicator, policy) VALUES ($1, 'checkout-availability', 0.999, 28, '{"kind":"ratio"}', '{"openIncident":false,"severity":"SEV3"}') RETURNING id`,
      [service.id],
    );
    const now = Date.now();
    await dataSource.query(
      `INSERT INTO slo_event_buckets (slo_id, bucket_start, bad, total, cum_bad, cum_total)
       SELECT $1, to_timestamp(floor($2 / 300000.0) * 300 - g * 300), (g % 7), 1000, 0, 0 FROM generate_series(1, 8064) g`,
      [slo.id, now],
    );
    const incidents = app.get(IncidentQueriesService);
    const postmortems = app.get(PostmortemsService);

    /** An incident of 6 hours with EVENTS timeline entries (notes, public updates, pins), resolved. */
    const seedIncident = async (index: number) => {
      const created = await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({
          title: `Bench incident ${index}`,
          summary: 'Checkout errors',
          severity: 'SEV2',
          team: 'payments',
          services: ['checkout'],
          startedAt: new Date(now - 8 * 3_600_000).toISOString(),
        })
        .expect(201);
      await dataSource.query(
        `INSERT INTO incident_timeline_events (incident_id, kind, author, body, public, status_at_event, data, occurred_at)
         SELECT $1, (ARRAY['internal_note','public_update','slack_pin'])[1 + g % 3], 'U0BENCH' || (g % 5), 'Timeline entry ' || g || ': rolled back the deploy and watched p99', g % 3 = 1, 'investigating',
                CASE WHEN g % 3 = 2 THEN jsonb_build_object('text', 'pinned ' || g, 'permalink', 'https://slack.example/p' || g) ELSE '{}'::jsonb END,
                $2::timestamptz + g * interval '20 seconds'
         FROM generate_series(1, $3::int) g`,
        [created.body.id, new Date(now - 8 * 3_600_000).toISOString(), EVENTS - 1],
      );
      await http.patch(`/api/v1/incidents/${created.body.id}`).set(admin).send({ status: 'resolved' }).expect(200);
      return created.body.id as string;
    };

    const first = await seedIncident(0);
    const incident = await incidents.getIncidentById(first);
    const timelineLength = (await incidents.getTimeline(first)).length;
    for (let warm = 0; warm < 3; warm += 1) await postmortems.buildDraft(incident);
    const draftMs: number[] = [];
    let markdownLength = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const draft = await postmortems.buildDraft(incident);
      draftMs.push(performance.now() - started);
      markdownLength = draft.markdown.length;
    }
    const postMs: number[] = [];
    for (let run = 0; run < POST_RUNS; run += 1) {
      const id = await seedIncident(run + 1);
      const started = performance.now();
      await http.post(`/api/v1/incidents/${id}/postmortem`).set(admin).expect(201);
      postMs.push(performance.now() - started);
    }
    const fmt = (values: number[]) =>
      `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
    process.stdout.write(`timeline entries per incident: ${timelineLength}; Markdown ${markdownLength} characters; SLO buckets read per draft: 8,064\n`);
    process.stdout.write(`buildDraft (${RUNS} runs): ${fmt(draftMs)}\n`);
    process.stdout.write(`POST /postmortem, fresh incident each (${POST_RUNS} runs): ${fmt(postMs)}\n`);
    process.stdout.write(
      `load average: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' / ')}\n`,
    );
  } finally {
    await app.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
