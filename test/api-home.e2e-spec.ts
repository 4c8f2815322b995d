// GET / on the API: links for a newcomer, without a token; the OpenAPI document describes it.
import { type RunningApi, startApi } from './support/api-app';

describe('GET / on the API', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ env: { PUBLIC_STATUS_URL: 'https://status.example.com' } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('links to the docs, dashboards, status page and health, without a token', async () => {
    const response = await api.http.get('/').expect(200);
    expect(response.body).toEqual({
      name: 'Ballast API',
      links: {
        docs: '/docs',
        openapi: '/docs/openapi.json',
        dashboard: '/dashboard',
        statusPage: 'https://status.example.com',
        health: '/health/ready',
        liveness: '/health/live',
        metrics: '/metrics',
      },
    });
    // Every link answers (the dashboard sends a browser without a token to sign in).
    for (const path of ['/docs/openapi.json', '/health/ready', '/health/live', '/metrics']) await api.http.get(path).expect(200);
    await api.http.get('/dashboard').expect(303);
  });

  it('is described in the OpenAPI document with a summary and a response schema', async () => {
    const document = (await api.http.get('/docs/openapi.json').expect(200)).body;
    const operation = document.paths['/'].get;
    expect(operation.summary).toMatch(/docs/);
    expect(operation.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/HomeDocument' });
  });

  it('gives every operation of the OpenAPI document a summary, and every authenticated one its error responses', async () => {
    const document = (await api.http.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown>; security?: unknown[] }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter(({ operation }) => !operation.summary).map(({ route }) => route)).toEqual([]);
    const unauthenticated = new Set(['GET /', 'GET /health/live', 'GET /health/ready']);
    const withoutErrors = operations.filter(
      ({ route, operation }) => !unauthenticated.has(route) && !['400', '401', '403', '404'].every((code) => code in operation.responses),
    );
    expect(withoutErrors.map(({ route }) => route)).toEqual([]);
  });
});
