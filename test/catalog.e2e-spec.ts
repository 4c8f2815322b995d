import { RunningApi, startApi } from './support/api-app';

describe('catalog: teams, services and team tokens', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  async function createTeam(slug: string, extra: Record<string, unknown> = {}) {
    const response = await api.http
      .post('/api/v1/teams')
      .set(api.admin)
      .send({ slug, name: `Team ${slug}`, ...extra });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function issueToken(team: string): Promise<string> {
    const response = await api.http.post(`/api/v1/teams/${team}/tokens`).set(api.admin).send({ name: 'ci' });
    expect(response.status).toBe(201);
    expect(response.body.token).toMatch(/^blst_[A-Za-z0-9_-]{43}$/);
    return response.body.token as string;
  }

  describe('authentication', () => {
    it('rejects a missing token with 401 and writes nothing', async () => {
      const response = await api.http.post('/api/v1/teams').send({ slug: 'nobody', name: 'Nobody' });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
      expect((await api.http.get('/api/v1/teams/nobody').set(api.admin)).status).toBe(404);
    });

    it.each([
      ['an unknown token', 'Bearer blst_unknownunknownunknownunknownunknownunknownun'],
      ['a malformed header', 'Token abc'],
      ['a basic auth header', 'Basic dXNlcjpwYXNz'],
      ['an empty bearer', 'Bearer '],
    ])('rejects %s with 401', async (_label, header) => {
      const response = await api.http.get('/api/v1/teams').set('Authorization', header);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('unauthorized');
    });

    it('leaves health, metrics and docs public', async () => {
      expect((await api.http.get('/health/live')).status).toBe(200);
      expect((await api.http.get('/health/ready')).status).toBe(200);
      expect((await api.http.get('/metrics')).status).toBe(200);
      expect((await api.http.get('/docs/openapi.json')).status).toBe(200);
    });
  });

  describe('teams', () => {
    it('creates, reads, lists with pagination and updates teams', async () => {
      const created = await createTeam('payments', { slackChannelId: 'C0123456789' });
      expect(created).toMatchObject({ slug: 'payments', name: 'Team payments', slackChannelId: 'C0123456789' });
      await createTeam('search');
      await createTeam('identity');

      const page = await api.http.get('/api/v1/teams?limit=2&offset=1').set(api.admin);
      expect(page.status).toBe(200);
      expect(page.body.limit).toBe(2);
      expect(page.body.offset).toBe(1);
      expect(page.body.total).toBeGreaterThanOrEqual(3);
      expect(page.body.items).toHaveLength(2);
      const slugs = (await api.http.get('/api/v1/teams?limit=200').set(api.admin)).body.items.map((team: { slug: string }) => team.slug);
      expect(slugs).toEqual([...slugs].sort());

      const patched = await api.http.patch('/api/v1/teams/payments').set(api.admin).send({ name: 'Payments', slackChannelId: null });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ slug: 'payments', name: 'Payments', slackChannelId: null });
      expect((await api.http.get('/api/v1/teams/payments').set(api.admin)).body.name).toBe('Payments');
    });

    it('refuses a duplicate slug with 409 naming slug', async () => {
      await createTeam('dupe');
      const response = await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'dupe', name: 'Again' });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ error: 'team_exists', field: 'slug' });
    });
  });

  describe('validation', () => {
    it.each([
      [{ slug: 'Bad Slug!', name: 'X' }, 'slug'],
      [{ slug: '-leading', name: 'X' }, 'slug'],
      [{ slug: 'a'.repeat(64), name: 'X' }, 'slug'],
      [{ slug: 42, name: 'X' }, 'slug'],
      [{ slug: 'ok-slug', name: '' }, 'name'],
      [{ slug: 'ok-slug' }, 'name'],
      [{ slug: 'ok-slug', name: 'X', slackChannelId: '#general' }, 'slackChannelId'],
      [{ slug: 'ok-slug', name: 'X', isAdmin: true }, 'isAdmin'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const response = await api.http.post('/api/v1/teams').set(api.admin).send(body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      expect(response.body.details.map((problem: { field: string }) => problem.field)).toContain(field);
      expect(response.body.message).toContain(field);
      expect((await api.http.get('/api/v1/teams/ok-slug').set(api.admin)).status).toBe(404);
    });

    it('answers malformed JSON with 400, never 500', async () => {
      const response = await api.http.post('/api/v1/teams').set(api.admin).set('Content-Type', 'application/json').send('{"slug": ');
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('malformed_json');
    });

    it('answers an oversized body with 413', async () => {
      const response = await api.http
        .post('/api/v1/teams')
        .set(api.admin)
        .send({ slug: 'big', name: 'x'.repeat(400_000) });
      expect(response.status).toBe(413);
      expect(response.body.error).toBe('payload_too_large');
    });

    it('answers bad pagination with 400 naming the parameter', async () => {
      const response = await api.http.get('/api/v1/teams?limit=1000').set(api.admin);
      expect(response.status).toBe(400);
      expect(response.body.field).toBe('limit');
    });
  });

  describe('services and team tokens', () => {
    it('creates services under a team, filters by team and moves them', async () => {
      await createTeam('checkout-team');
      await createTeam('platform');
      const created = await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'checkout-team' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ slug: 'checkout', name: 'Checkout', team: 'checkout-team' });
      await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'gateway', name: 'Gateway', team: 'platform' }).expect(201);

      const filtered = await api.http.get('/api/v1/services?team=platform').set(api.admin);
      expect(filtered.body.items.map((service: { slug: string }) => service.slug)).toEqual(['gateway']);
      expect(filtered.body.total).toBe(1);

      const moved = await api.http.patch('/api/v1/services/gateway').set(api.admin).send({ team: 'checkout-team' });
      expect(moved.status).toBe(200);
      expect(moved.body.team).toBe('checkout-team');
    });

    it('rejects a service for an unknown team with 400 naming team', async () => {
      const response = await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'orphan', name: 'Orphan', team: 'ghosts' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'unknown_team', field: 'team' });
    });

    it('lets a team token act on its own team only (403 elsewhere) and stops working once revoked', async () => {
      await createTeam('alpha');
      await createTeam('beta');
      await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'beta-api', name: 'Beta API', team: 'beta' }).expect(201);
      const alphaToken = await issueToken('alpha');
      const alpha = { Authorization: `Bearer ${alphaToken}` };

      expect((await api.http.post('/api/v1/services').set(alpha).send({ slug: 'alpha-api', name: 'Alpha API', team: 'alpha' })).status).toBe(201);
      expect((await api.http.patch('/api/v1/teams/alpha').set(alpha).send({ name: 'Alpha!' })).status).toBe(200);

      const foreignService = await api.http.post('/api/v1/services').set(alpha).send({ slug: 'sneaky', name: 'Sneaky', team: 'beta' });
      expect(foreignService.status).toBe(403);
      expect(foreignService.body.error).toBe('forbidden');
      expect((await api.http.get('/api/v1/services/sneaky').set(api.admin)).status).toBe(404);
      expect((await api.http.patch('/api/v1/teams/beta').set(alpha).send({ name: 'Mine now' })).status).toBe(403);
      expect((await api.http.patch('/api/v1/services/beta-api').set(alpha).send({ name: 'Mine' })).status).toBe(403);
      expect((await api.http.patch('/api/v1/services/alpha-api').set(alpha).send({ team: 'beta' })).status).toBe(403);
      expect((await api.http.post('/api/v1/teams/beta/tokens').set(alpha).send({ name: 'steal' })).status).toBe(403);
      expect((await api.http.post('/api/v1/teams').set(alpha).send({ slug: 'gamma', name: 'Gamma' })).status).toBe(403);
      expect((await api.http.get('/api/v1/services/beta-api').set(api.admin)).body.name).toBe('Beta API');

      const listed = await api.http.get('/api/v1/teams/alpha/tokens').set(alpha);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(1);
      expect(JSON.stringify(listed.body)).not.toContain(alphaToken);

      const revoked = await api.http.delete(`/api/v1/teams/alpha/tokens/${listed.body.items[0].id}`).set(api.admin);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await api.http.get('/api/v1/teams').set(alpha)).status).toBe(401);
    });

    it('rejects a malformed token id with 400 naming tokenId', async () => {
      await createTeam('delta');
      const response = await api.http.delete('/api/v1/teams/delta/tokens/not-a-uuid').set(api.admin);
      expect(response.status).toBe(400);
      expect(response.body.field).toBe('tokenId');
    });
  });

  it('counts requests by route template and status in /metrics', async () => {
    await api.http.get('/api/v1/teams/does-not-exist').set(api.admin).expect(404);
    const metrics = await api.http.get('/metrics');
    expect(metrics.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/teams\/:slug",status_code="404"\} [1-9]/);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });
});
