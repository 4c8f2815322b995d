// Postmortems and follow-ups against the real API and PostgreSQL, with Slack
// as a local fake: the draft holds every timeline entry of its incident and
// nothing of another's; edits keep versions; team tokens stay in their lane;
// required postmortems are chased once per lapse across two replicas.
import { FixedClock } from '@app/platform';
import { PostmortemReminders } from '../apps/api/src/postmortems/postmortem-reminders.service';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle } from './support/slack-harness';
import { slashCommandRequest } from './support/slack-payloads';
import { sql } from './support/sql';

const T0 = new Date('2026-11-20T10:00:00Z');

describe('postmortems and follow-ups', () => {
  let fake: FakeSlack;
  let first: RunningApi;
  let second: RunningApi;
  const clock = new FixedClock(T0);
  let paymentsToken: { Authorization: string };
  let searchToken: { Authorization: string };

  const at = (minutesAfterT0: number) => clock.set(new Date(T0.getTime() + minutesAfterT0 * 60_000));

  async function issueToken(team: string) {
    const response = await first.http.post(`/api/v1/teams/${team}/tokens`).set(first.admin).send({ name: 'ci' }).expect(201);
    return { Authorization: `Bearer ${response.body.token as string}` };
  }

  /** An incident with a recognisable entry of every kind the API can write; `tag` makes its texts unique. */
  async function incidentWithHistory(tag: string, options: { team?: string; severity?: string; visibility?: string; resolve?: boolean } = {}) {
    at(0);
    const created = await first.http
      .post('/api/v1/incidents')
      .set(first.admin)
      .send({
        title: `Checkout errors ${tag}`,
        summary: `summary-${tag}`,
        severity: options.severity ?? 'SEV3',
        team: options.team ?? 'payments',
        services: ['checkout'],
        visibility: options.visibility ?? 'internal',
      })
      .expect(201);
    const id = created.body.id as string;
    at(5);
    await first.http
      .post(`/api/v1/incidents/${id}/updates`)
      .set(first.admin)
      .send({ body: `public-update-${tag}`, public: true, status: 'identified' })
      .expect(201);
    at(9);
    await first.http.patch(`/api/v1/incidents/${id}`).set(first.admin).send({ severity: 'SEV2', commander: 'Alice Example' }).expect(200);
    at(20);
    await first.http
      .post(`/api/v1/incidents/${id}/updates`)
      .set(first.admin)
      .send({ body: `internal-note-${tag}\nwith a second line`, public: false })
      .expect(201);
    at(40);
    await first.http.patch(`/api/v1/incidents/${id}`).set(first.admin).send({ status: 'monitoring' }).expect(200);
    if (options.resolve !== false) {
      at(65);
      await first.http.patch(`/api/v1/incidents/${id}`).set(first.admin).send({ status: 'resolved' }).expect(200);
    }
    await slackIdle(first);
    return id;
  }

  beforeAll(async () => {
    fake = await FakeSlack.start();
    first = await startApi({ env: { ...slackEnv(fake), POSTMORTEM_REMINDER_HOURS: '24' }, clock });
    second = await startApi({ env: { ...slackEnv(fake), POSTMORTEM_REMINDER_HOURS: '24' }, clock, database: first.database, keepDatabase: true });
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await first.http.post('/api/v1/teams').set(first.admin).send({ slug: 'search', name: 'Search' }).expect(201);
    await first.http.post('/api/v1/services').set(first.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    paymentsToken = await issueToken('payments');
    searchToken = await issueToken('search');
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await fake?.close();
  });

  describe('the draft', () => {
    let id: string;
    let otherId: string;

    beforeAll(async () => {
      id = await incidentWithHistory('alpha');
      otherId = await incidentWithHistory('beta');
    });

    it('is created once (201, then 200) and holds every timeline entry of its incident and nothing of another', async () => {
      at(90);
      const created = await first.http.post(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        incidentId: id,
        status: 'draft',
        version: 1,
        required: true,
        requiredBecause: expect.stringContaining('SEV2'),
        budgetImpact: [],
      });
      const markdown = created.body.markdown as string;

      const timeline = (await first.http.get(`/api/v1/incidents/${id}/timeline`).set(first.admin).expect(200)).body.items as Array<{
        kind: string;
        body: string;
        occurredAt: string;
      }>;
      expect(timeline.length).toBeGreaterThanOrEqual(7);
      const timelineSection = markdown.slice(markdown.indexOf('## Timeline'), markdown.indexOf('## What went well'));
      expect(timelineSection.split('\n').filter((line) => line.startsWith('- **'))).toHaveLength(timeline.length);
      for (const entry of timeline) {
        expect(timelineSection).toContain(`**${entry.occurredAt.replace('.000Z', 'Z')}**`);
        if (entry.body) expect(timelineSection).toContain(entry.body.replace('\n', ' '));
      }
      expect(markdown).toContain('Status changed by');
      expect(markdown).toContain('identified → monitoring');
      expect(markdown).toContain('SEV3 → SEV2');
      expect(markdown).toContain('- **Duration:** 1h 05m');
      expect(markdown).toContain('- **Affected services:** checkout');
      expect(markdown).not.toMatch(/beta/);

      const again = await first.http.post(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(created.body.id);
      expect(await sql(first.database.url, 'SELECT id FROM postmortems WHERE incident_id = $1', [id])).toHaveLength(1);
    });

    it('is announced in the incident channel with a link to the dashboard page', async () => {
      const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [id]);
      expect(row.slack_channel_id).toBeTruthy();
      const announcements = fake
        .calls('chat.postMessage')
        .filter((call) => call.args.channel === row.slack_channel_id && String(call.args.text).includes('postmortem draft'));
      expect(announcements).toHaveLength(1);
      expect(String(announcements[0].args.text)).toContain(`/dashboard/incidents/${id}`);
    });

    it('exports Markdown and shows on the dashboard incident page', async () => {
      const exported = await first.http.get(`/api/v1/incidents/${id}/postmortem.md`).set(paymentsToken).expect(200);
      expect(exported.headers['content-type']).toMatch(/^text\/markdown/);
      expect(exported.text).toContain('# Postmortem: INC-');
      const page = await first.http.get(`/dashboard/incidents/${id}`).set(first.admin).expect(200);
      expect(page.text).toContain('public-update-alpha');
      expect(page.text).toContain('Postmortem');
      expect((await first.http.get(`/dashboard/incidents/${id}`).set(searchToken)).status).toBe(404);
    });

    it('keeps every previous text as a version and enforces draft → in_review → published', async () => {
      const skip = await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).send({ status: 'published' });
      expect(skip.status).toBe(400);
      expect(skip.body).toMatchObject({ field: 'status' });
      const unknown = await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).send({ status: 'done' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.field).toBe('status');

      const original = (await first.http.get(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).expect(200)).body.markdown as string;
      const edited = await first.http
        .patch(`/api/v1/incidents/${id}/postmortem`)
        .set(paymentsToken)
        .send({ markdown: '# Edited\n\nRoot cause: a config push.' })
        .expect(200);
      expect(edited.body).toMatchObject({ version: 2, status: 'draft', markdown: '# Edited\n\nRoot cause: a config push.' });
      await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).send({ status: 'in_review' }).expect(200);
      const published = await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).send({ status: 'published' }).expect(200);
      expect(published.body).toMatchObject({ version: 4, status: 'published', publishedAt: expect.any(String) });
      const versions = (await first.http.get(`/api/v1/incidents/${id}/postmortem/versions`).set(paymentsToken).expect(200)).body.items;
      expect(versions.map((version: { version: number; status: string }) => [version.version, version.status])).toEqual([
        [1, 'draft'],
        [2, 'draft'],
        [3, 'in_review'],
      ]);
      expect(versions[0].markdown).toBe(original);
      const backwards = await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(paymentsToken).send({ status: 'draft' });
      expect(backwards.status).toBe(400);
    });

    it('is 409 for an open incident unless ?draft=early, and another team gets 403 (404 for a private incident)', async () => {
      const open = await incidentWithHistory('gamma', { resolve: false });
      const refused = await first.http.post(`/api/v1/incidents/${open}/postmortem`).set(paymentsToken);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'incident_still_open', field: 'id', message: expect.stringContaining('draft=early') });
      expect(await sql(first.database.url, 'SELECT id FROM postmortems WHERE incident_id = $1', [open])).toHaveLength(0);
      const early = await first.http.post(`/api/v1/incidents/${open}/postmortem?draft=early`).set(paymentsToken);
      expect(early.status).toBe(201);
      expect(early.body.markdown).toContain('still open');
      expect((await first.http.post(`/api/v1/incidents/${open}/postmortem?draft=soon`).set(paymentsToken)).status).toBe(400);

      for (const request of [
        first.http.get(`/api/v1/incidents/${otherId}/postmortem`).set(searchToken),
        first.http.post(`/api/v1/incidents/${otherId}/postmortem`).set(searchToken),
        first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(searchToken).send({ markdown: 'hijacked' }),
        first.http.get(`/api/v1/incidents/${id}/postmortem.md`).set(searchToken),
      ]) {
        expect((await request).status).toBe(403);
      }
      expect(await sql(first.database.url, 'SELECT id FROM postmortems WHERE incident_id = $1', [otherId])).toHaveLength(0);
      const privateIncident = await incidentWithHistory('delta', { visibility: 'private' });
      expect((await first.http.post(`/api/v1/incidents/${privateIncident}/postmortem`).set(searchToken)).status).toBe(404);
      expect((await first.http.get(`/api/v1/incidents/${id}/postmortem`)).status).toBe(401);
    });
  });

  describe('follow-ups', () => {
    let id: string;

    beforeAll(async () => {
      id = await incidentWithHistory('followups');
    });

    it('are created with owner, due date, priority and link, and bad input is a 400 naming the field', async () => {
      at(120);
      const created = await first.http
        .post(`/api/v1/incidents/${id}/follow-ups`)
        .set(paymentsToken)
        .send({ title: 'Add a canary stage', owner: 'U0ALICE', dueDate: '2026-11-25', priority: 'P0', url: 'https://tracker.example/OPS-1' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        incidentId: id,
        title: 'Add a canary stage',
        owner: 'U0ALICE',
        dueDate: '2026-11-25',
        priority: 'P0',
        status: 'open',
        overdue: false,
      });
      for (const [body, field] of [
        [{ owner: 'U0ALICE' }, 'title'],
        [{ title: 'x', dueDate: 'next friday' }, 'dueDate'],
        [{ title: 'x', priority: 'P7' }, 'priority'],
        [{ title: 'x', owner: '<!channel>' }, 'owner'],
        [{ title: 'x', url: 'ftp://tracker' }, 'url'],
      ] as const) {
        const response = await first.http.post(`/api/v1/incidents/${id}/follow-ups`).set(paymentsToken).send(body);
        expect(response.status).toBe(400);
        expect(response.body.field).toBe(field);
      }
      const unknownField = await first.http.post(`/api/v1/incidents/${id}/follow-ups`).set(paymentsToken).send({ title: 'x', assignee: 'bob' });
      expect(unknownField.status).toBe(400);
      expect(await sql(first.database.url, 'SELECT id FROM follow_ups WHERE incident_id = $1', [id])).toHaveLength(1);
    });

    it('an Idempotency-Key retry returns the same follow-up', async () => {
      const send = () =>
        first.http
          .post(`/api/v1/incidents/${id}/follow-ups`)
          .set(paymentsToken)
          .set('Idempotency-Key', 'fu-retry-1')
          .send({ title: 'Alert on p99', priority: 'P1' });
      const one = await send();
      const two = await send();
      expect([one.status, two.status]).toEqual([201, 200]);
      expect(two.body.id).toBe(one.body.id);
    });

    it('lists overdue ones per team, and PATCH closes them', async () => {
      at(120);
      const late = await first.http
        .post(`/api/v1/incidents/${id}/follow-ups`)
        .set(paymentsToken)
        .send({ title: 'Document the rollback', owner: 'Bob Builder', dueDate: '2026-11-21', priority: 'P2' })
        .expect(201);
      clock.set(new Date('2026-11-23T08:00:00Z'));
      const overdue = (await first.http.get('/api/v1/follow-ups?team=payments&overdue=true').set(paymentsToken).expect(200)).body.items;
      expect(overdue.map((item: { id: string }) => item.id)).toEqual([late.body.id]);
      expect(overdue[0].overdue).toBe(true);
      const teamPage = await first.http.get('/dashboard/teams/payments').set(paymentsToken).expect(200);
      const afterSection = teamPage.text.slice(teamPage.text.indexOf('After the incident'));
      expect(afterSection).toContain('Overdue follow-ups');
      expect(afterSection).toContain('Document the rollback');
      expect(afterSection).toMatch(/Postmortems required<\/th><td class="num">\d+/);
      const foreignPage = await first.http.get('/dashboard/teams/payments').set(searchToken).expect(200);
      expect(foreignPage.text).not.toContain('Document the rollback');
      const done = await first.http.patch(`/api/v1/follow-ups/${late.body.id}`).set(paymentsToken).send({ status: 'done' }).expect(200);
      expect(done.body).toMatchObject({ status: 'done', overdue: false, completedAt: expect.any(String) });
      expect((await first.http.get('/api/v1/follow-ups?team=payments&overdue=true').set(paymentsToken).expect(200)).body.items).toEqual([]);
      const bad = await first.http.patch(`/api/v1/follow-ups/${late.body.id}`).set(paymentsToken).send({ dueDate: '31/12/2026' });
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('dueDate');
      expect((await first.http.get('/api/v1/follow-ups?overdue=maybe').set(paymentsToken)).status).toBe(400);
    });

    it('stay within their team: another team token gets 403 and writes nothing', async () => {
      const [followUp] = await sql<{ id: string }>(first.database.url, 'SELECT id FROM follow_ups WHERE incident_id = $1 LIMIT 1', [id]);
      expect((await first.http.post(`/api/v1/incidents/${id}/follow-ups`).set(searchToken).send({ title: 'sneaky' })).status).toBe(403);
      expect((await first.http.patch(`/api/v1/follow-ups/${followUp.id}`).set(searchToken).send({ status: 'done' })).status).toBe(403);
      expect((await first.http.get(`/api/v1/follow-ups/${followUp.id}`).set(searchToken)).status).toBe(403);
      const listed = await first.http.get('/api/v1/follow-ups?team=payments').set(searchToken);
      expect(listed.status).toBe(403);
      expect(listed.body.field).toBe('team');
      expect((await first.http.get('/api/v1/follow-ups').set(searchToken).expect(200)).body.items).toEqual([]);
      expect(await sql(first.database.url, "SELECT id FROM follow_ups WHERE title = 'sneaky'")).toHaveLength(0);
      expect((await first.http.get('/api/v1/follow-ups/7b0f1b52-8a43-4bb8-9a3f-1f1f1f1f1f1f').set(paymentsToken)).status).toBe(404);
    });

    it('are added from Slack with /incident followup in the incident channel, once per command', async () => {
      const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [id]);
      const command = slashCommandRequest(
        SLACK_SIGNING_SECRET,
        { text: 'followup P0 Add load shedding to checkout', channelId: row.slack_channel_id, userId: 'U0BOB', triggerId: 'trigger-followup-1' },
        { now: clock.now() },
      );
      const reply = await postToSlackEndpoint(first, command).expect(200);
      expect(reply.body.response_type).toBe('in_channel');
      expect(reply.body.text).toContain('P0 follow-up');
      await postToSlackEndpoint(second, command).expect(200);
      const stored = await sql<{ title: string; priority: string; created_by: string }>(
        first.database.url,
        "SELECT title, priority, created_by FROM follow_ups WHERE title = 'Add load shedding to checkout'",
      );
      expect(stored).toEqual([{ title: 'Add load shedding to checkout', priority: 'P0', created_by: 'U0BOB' }]);
      const outside = await postToSlackEndpoint(first, slashCommandRequest(SLACK_SIGNING_SECRET, { text: 'followup Something' }, { now: clock.now() })).expect(
        200,
      );
      expect(outside.body.response_type).toBe('ephemeral');
    });
  });

  describe('reminders of required postmortems', () => {
    it('come once per lapse across two replicas until the postmortem is published with a P0 follow-up', async () => {
      clock.set(new Date('2026-12-01T10:00:00Z'));
      const created = await first.http
        .post('/api/v1/incidents')
        .set(first.admin)
        .send({ title: 'Search outage', severity: 'SEV1', team: 'search', visibility: 'internal' })
        .expect(201);
      const id = created.body.id as string;
      clock.set(new Date('2026-12-01T11:00:00Z'));
      await first.http.patch(`/api/v1/incidents/${id}`).set(first.admin).send({ status: 'resolved' }).expect(200);
      await slackIdle(first);
      const [row] = await sql<{ slack_channel_id: string }>(first.database.url, 'SELECT slack_channel_id FROM incidents WHERE id = $1', [id]);
      const reminders = () =>
        fake.calls('chat.postMessage').filter((call) => call.args.channel === row.slack_channel_id && String(call.args.text).includes('Reminder:'));
      /** Both replicas run the job at the same moment; returns how many reminders reached this incident's channel. */
      const tick = async (iso: string) => {
        clock.set(new Date(iso));
        const before = reminders().length;
        await Promise.all([first.app.get(PostmortemReminders).sendDueReminders(), second.app.get(PostmortemReminders).sendDueReminders()]);
        return reminders().length - before;
      };
      expect(await tick('2026-12-02T10:59:00Z')).toBe(0);
      expect(await tick('2026-12-02T11:00:00Z')).toBe(1);
      expect(String(reminders()[0].args.text)).toContain('SEV1');
      expect(await tick('2026-12-02T12:00:00Z')).toBe(0);
      expect(await tick('2026-12-03T11:00:00Z')).toBe(1);
      expect(reminders()).toHaveLength(2);

      // Published, but no P0 follow-up yet: still reminded.
      const token = await issueToken('search');
      await first.http.post(`/api/v1/incidents/${id}/postmortem`).set(token).expect(201);
      await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(token).send({ status: 'in_review' }).expect(200);
      await first.http.patch(`/api/v1/incidents/${id}/postmortem`).set(token).send({ status: 'published' }).expect(200);
      expect(await tick('2026-12-04T11:00:00Z')).toBe(1);
      expect(String(reminders()[2].args.text)).toContain('P0 follow-up');
      await first.http.post(`/api/v1/incidents/${id}/follow-ups`).set(token).send({ title: 'Shard the index', priority: 'P0' }).expect(201);
      expect(await tick('2026-12-05T11:00:00Z')).toBe(0);
      expect(await tick('2026-12-08T11:00:00Z')).toBe(0);
      expect(reminders()).toHaveLength(3);
    });
  });
});
