import { WeeklyDigestService } from '../apps/api/src/digest/weekly-digest.service';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { slackEnv } from './support/slack-harness';

describe('weekly digest: postmortems and overdue follow-ups', () => {
  let api: RunningApi;
  let slack: FakeSlack;
  const clock = new FixedClock(new Date('2026-11-18T10:00:00Z'));

  beforeAll(async () => {
    slack = await FakeSlack.start();
    api = await startApi({ clock, env: { ...slackEnv(slack), DIGEST_DAY: 'monday', DIGEST_HOUR_UTC: '9' } });
  });
  afterAll(async () => {
    await api?.close();
    await slack?.close();
  });

  it("lists the team's overdue follow-ups with their incident and counts required postmortems, not another team's", async () => {
    const channels = new Map<string, string>();
    for (const slug of ['payments', 'search']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
      const channel = slack.addChannel({ name: `${slug}-team`, botIsMember: true });
      channels.set(slug, channel.id);
      await api.http.patch(`/api/v1/teams/${slug}`).set(api.admin).send({ slackChannelId: channel.id }).expect(200);
    }
    const sev1 = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Checkout down', severity: 'SEV1', team: 'payments', visibility: 'internal' })
      .expect(201);
    await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Slow receipts', severity: 'SEV4', team: 'payments', visibility: 'internal' })
      .expect(201);
    const other = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Search down', severity: 'SEV1', team: 'search', visibility: 'internal' })
      .expect(201);
    await api.http
      .post(`/api/v1/incidents/${sev1.body.id}/follow-ups`)
      .set(api.admin)
      .send({ title: 'Add <!channel> retry budget', owner: 'U01ALICE', dueDate: '2026-11-20', priority: 'P1' })
      .expect(201);
    await api.http.post(`/api/v1/incidents/${sev1.body.id}/follow-ups`).set(api.admin).send({ title: 'Not due yet', dueDate: '2026-12-20' }).expect(201);
    await api.http.post(`/api/v1/incidents/${other.body.id}/follow-ups`).set(api.admin).send({ title: 'Search follow-up', dueDate: '2026-11-19' }).expect(201);

    clock.set(new Date('2026-11-23T09:30:00Z'));
    const result = await api.app.get(WeeklyDigestService).sendDueDigests();
    expect(result.sent).toEqual(expect.arrayContaining(['payments', 'search']));
    const posted = slack
      .calls('chat.postMessage')
      .filter((call) => call.args.channel === channels.get('payments') && JSON.stringify(call.args.blocks).includes('Weekly reliability digest'));
    expect(posted).toHaveLength(1);
    const text = JSON.stringify(posted[0].args.blocks);
    expect(text).toContain('*Postmortems*: 0 of 1 required published (1 missing)');
    // Payments has two follow-ups still open (one overdue, one not due yet); search's one is not counted.
    expect(text).toContain('*Follow-ups open*: 2');
    expect(text).toContain(`Add &lt;!channel&gt; retry budget (${sev1.body.reference as string}): due 2026-11-20, U01ALICE`);
    expect(text).not.toContain('Not due yet');
    expect(text).not.toContain('Search follow-up');
  });
});
