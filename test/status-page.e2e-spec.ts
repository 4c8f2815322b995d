// The public status page against real PostgreSQL: Statuspage v2 shapes, HTML,
// feeds, badges, caching, change-to-visible through LISTEN/NOTIFY, and that
// nothing private ever reaches any public output.
import { existsSync, readFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { xml2js } from 'xml-js';
import Parser from 'rss-parser';
import { FixedClock, startDraining } from '@app/platform';
import { SnapshotRequestHandler } from '../apps/status-page/src/http/snapshot-request-handler';
import { sql } from './support/sql';
import { RunningApi, startApi } from './support/api-app';
import { IncidentFixtures, SCRIPT, SECRETS, SeededScenario, seedStatusScenario } from './support/status-fixtures';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';
import { eventually } from './support/poll';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'];
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'];
const INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'];
const IMPACTS = ['none', 'minor', 'major', 'critical'];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function expectKeys(object: Json, keys: string[]): void {
  expect(Object.keys(object).sort()).toEqual([...keys].sort());
}

function expectIsoOrNull(value: unknown): void {
  if (value !== null) expect(value).toMatch(ISO);
}

function expectPage(page: Json): void {
  expectKeys(page, ['id', 'name', 'url', 'time_zone', 'updated_at']);
  expect(page.id).toMatch(/^[a-z0-9]{12}$/);
  expect(page.name).toBe('Acme');
  expect(page.url).toBe('https://status.example.com');
  expect(page.time_zone).toBe('Etc/UTC');
  expect(page.updated_at).toMatch(ISO);
}

const COMPONENT_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'position',
  'description',
  'showcase',
  'start_date',
  'group_id',
  'page_id',
  'group',
  'only_show_if_degraded',
];

function expectComponent(component: Json, pageId: string): void {
  expectKeys(component, component.group ? [...COMPONENT_KEYS, 'components'] : COMPONENT_KEYS);
  expect(component.id).toMatch(/^[a-z0-9]{12}$/);
  expect(typeof component.name).toBe('string');
  expect(COMPONENT_STATUSES).toContain(component.status);
  expect(component.created_at).toMatch(ISO);
  expect(component.updated_at).toMatch(ISO);
  expect(Number.isInteger(component.position)).toBe(true);
  expect(component.description === null || typeof component.description === 'string').toBe(true);
  expect(typeof component.showcase).toBe('boolean');
  if (component.start_date !== null) expect(component.start_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(component.group_id === null || /^[a-z0-9]{12}$/.test(component.group_id)).toBe(true);
  expect(component.page_id).toBe(pageId);
  expect(typeof component.group).toBe('boolean');
  expect(typeof component.only_show_if_degraded).toBe('boolean');
  if (component.group) {
    expect(Array.isArray(component.components)).toBe(true);
    expect(component.group_id).toBeNull();
  }
}

const UPDATE_KEYS = [
  'id',
  'status',
  'body',
  'incident_id',
  'created_at',
  'updated_at',
  'display_at',
  'affected_components',
  'deliver_notifications',
  'custom_tweet',
  'tweet_id',
];

function expectUpdate(update: Json, incidentId: string, statuses: string[]): void {
  expectKeys(update, UPDATE_KEYS);
  expect(typeof update.id).toBe('string');
  expect(statuses).toContain(update.status);
  expect(typeof update.body).toBe('string');
  expect(update.incident_id).toBe(incidentId);
  for (const field of ['created_at', 'updated_at', 'display_at']) expect(update[field]).toMatch(ISO);
  expect(typeof update.deliver_notifications).toBe('boolean');
  expect(update.custom_tweet).toBeNull();
  expect(update.tweet_id).toBeNull();
  if (update.affected_components !== null) {
    for (const affected of update.affected_components) {
      expectKeys(affected, ['code', 'name', 'old_status', 'new_status']);
      expect(COMPONENT_STATUSES).toContain(affected.old_status);
      expect(COMPONENT_STATUSES).toContain(affected.new_status);
    }
  }
}

const INCIDENT_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'monitoring_at',
  'resolved_at',
  'impact',
  'shortlink',
  'started_at',
  'page_id',
  'incident_updates',
  'components',
];

function expectIncident(incident: Json, pageId: string): void {
  expectKeys(incident, INCIDENT_KEYS);
  expect(INCIDENT_STATUSES).toContain(incident.status);
  expect(IMPACTS).toContain(incident.impact);
  for (const field of ['created_at', 'updated_at', 'started_at']) expect(incident[field]).toMatch(ISO);
  expectIsoOrNull(incident.monitoring_at);
  expectIsoOrNull(incident.resolved_at);
  expect(incident.shortlink).toBe(`https://status.example.com/incidents/${incident.id}`);
  expect(incident.page_id).toBe(pageId);
  for (const update of incident.incident_updates) expectUpdate(update, incident.id, INCIDENT_STATUSES);
  for (const component of incident.components) expectComponent(component, pageId);
}

function expectMaintenance(maintenance: Json, pageId: string): void {
  expectKeys(maintenance, [...INCIDENT_KEYS, 'scheduled_for', 'scheduled_until']);
  expect(maintenance.id).toMatch(/^[a-z0-9]{12}$/);
  expect(MAINTENANCE_STATUSES).toContain(maintenance.status);
  expect([...IMPACTS, 'maintenance']).toContain(maintenance.impact);
  expect(maintenance.scheduled_for).toMatch(ISO);
  expect(maintenance.scheduled_until).toMatch(ISO);
  expect(maintenance.monitoring_at).toBeNull();
  expectIsoOrNull(maintenance.resolved_at);
  expect(maintenance.page_id).toBe(pageId);
  for (const update of maintenance.incident_updates) expectUpdate(update, maintenance.id, MAINTENANCE_STATUSES);
  for (const component of maintenance.components) expectComponent(component, pageId);
}

function expectStatus(status: Json): void {
  expectKeys(status, ['indicator', 'description']);
  expect(INDICATORS).toContain(status.indicator);
  expect(typeof status.description).toBe('string');
}

interface RawResponse {
  head: string;
  body: string;
}

/** Sends `bytes` on one connection and reads `count` responses, framed by Content-Length (HEAD and 304 have no body). */
function exchangeRaw(baseUrl: string, bytes: string, count: number): Promise<RawResponse[]> {
  const methods = [...bytes.matchAll(/(?:^|\r\n\r\n)(GET|HEAD) /g)].map((match) => match[1]);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(baseUrl).port) });
    let received = Buffer.alloc(0);
    const responses: RawResponse[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only ${responses.length} of ${count} responses arrived`));
    }, 5000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const headEnd = received.indexOf('\r\n\r\n');
        if (headEnd === -1) return;
        const head = received.toString('latin1', 0, headEnd);
        const status = Number(head.slice(9, 12));
        const length = methods[responses.length] === 'HEAD' || status === 304 ? 0 : Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (received.length < headEnd + 4 + length) return;
        responses.push({ head, body: received.toString('latin1', headEnd + 4, headEnd + 4 + length) });
        received = received.subarray(headEnd + 4 + length);
        if (responses.length === count) {
          clearTimeout(timer);
          socket.destroy();
          resolve(responses);
          return;
        }
      }
    });
    socket.once('error', reject);
    socket.write(bytes);
  });
}

const withoutDate = (head: string): string => head.replace(/\r\nDate: [^\r]*/, '');

describe('public status page', () => {
  let api: RunningApi;
  let page: RunningStatusPage;
  let fixtures: IncidentFixtures;
  let seeded: SeededScenario;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    api = await startApi();
    fixtures = new IncidentFixtures(api.app.get(DataSource));
    seeded = await seedStatusScenario(api, fixtures, new Date());
    // Recorded history: the components have existed for three days, and checkout had a one-hour
    // major outage two days ago (10:00-11:00 UTC) before its current partial outage.
    await sql(api.database.url, `UPDATE status_components SET created_at = date_trunc('day', now()) - interval '3 days'`);
    await sql(api.database.url, `DELETE FROM status_component_history`);
    await sql(
      api.database.url,
      `INSERT INTO status_component_history (component_id, status, started_at, ended_at) VALUES
         ($1, 'operational', date_trunc('day', now()) - interval '3 days', date_trunc('day', now()) - interval '2 days' + interval '10 hours'),
         ($1, 'major_outage', date_trunc('day', now()) - interval '2 days' + interval '10 hours', date_trunc('day', now()) - interval '2 days' + interval '11 hours'),
         ($1, 'operational', date_trunc('day', now()) - interval '2 days' + interval '11 hours', now() - interval '30 minutes'),
         ($1, 'partial_outage', now() - interval '30 minutes', NULL),
         ($2, 'operational', date_trunc('day', now()) - interval '3 days', NULL),
         ($3, 'operational', date_trunc('day', now()) - interval '3 days', NULL)`,
      [seeded.checkoutId, seeded.apiComponentId, seeded.searchId],
    );
    // A long safety-net period: every change below must arrive through NOTIFY.
    // A fixed clock keeps "last updated" (minute precision) and so the ETags stable across refreshes.
    page = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' }, clock });
    await eventually(async () => {
      const summary = (await page.http.get('/api/v2/summary.json')).body;
      expect(summary.scheduled_maintenances).toHaveLength(1);
    }, 5000);
  });

  afterAll(async () => {
    await page?.close();
    await api?.close();
  });

  it('serves /api/v2/summary.json with Statuspage field names, enums and values', async () => {
    const response = await page.http.get('/api/v2/summary.json').expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const summary = response.body as Json;
    expectKeys(summary, ['page', 'components', 'incidents', 'scheduled_maintenances', 'status']);
    expectPage(summary.page);
    const pageId = summary.page.id;
    for (const component of summary.components) expectComponent(component, pageId);
    for (const incident of summary.incidents) expectIncident(incident, pageId);
    for (const maintenance of summary.scheduled_maintenances) expectMaintenance(maintenance, pageId);
    expectStatus(summary.status);

    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    const byId = new Map<string, Json>(summary.components.map((component: Json) => [component.id, component]));
    expect(byId.get(seeded.checkoutId)).toMatchObject({
      name: `Checkout ${SCRIPT}`,
      status: 'partial_outage',
      group_id: seeded.groupId,
      group: false,
      showcase: true,
    });
    expect(byId.get(seeded.groupId)).toMatchObject({ name: 'Payments', status: 'partial_outage', group: true, components: [seeded.checkoutId] });
    // A private incident's major outage and an internal incident's do not move public components.
    expect(byId.get(seeded.apiComponentId)).toMatchObject({ status: 'operational', group_id: null });
    expect(byId.get(seeded.searchId)).toMatchObject({ status: 'operational', only_show_if_degraded: true });

    expect(summary.incidents.map((incident: Json) => incident.id)).toEqual([seeded.publicIncidentId]);
    const [incident] = summary.incidents;
    expect(incident).toMatchObject({ name: `Checkout errors ${SCRIPT}`, status: 'identified', impact: 'major', resolved_at: null });
    expect(incident.incident_updates.map((update: Json) => [update.status, update.body])).toEqual([
      ['identified', 'The cause is identified;\na fix is rolling out.'],
      ['investigating', `We are investigating ${SCRIPT} errors at checkout.`],
    ]);
    expect(incident.incident_updates[1].affected_components).toEqual([
      { code: seeded.checkoutId, name: `Checkout ${SCRIPT}`, old_status: 'operational', new_status: 'partial_outage' },
    ]);
    expect(incident.incident_updates[0].affected_components).toBeNull();
    expect(incident.components.map((component: Json) => component.id)).toEqual([seeded.checkoutId]);

    expect(summary.scheduled_maintenances).toHaveLength(1);
    expect(summary.scheduled_maintenances[0]).toMatchObject({ id: seeded.maintenanceId, status: 'scheduled', impact: 'maintenance', resolved_at: null });
    expect(summary.scheduled_maintenances[0].incident_updates.map((update: Json) => update.status)).toEqual(['scheduled']);
  });

  it('serves the other v2 documents with the same shapes', async () => {
    const get = async (path: string) => (await page.http.get(`/api/v2/${path}`).expect(200)).body as Json;
    const status = await get('status.json');
    expectKeys(status, ['page', 'status']);
    expectPage(status.page);
    expectStatus(status.status);
    const pageId = status.page.id;

    const components = await get('components.json');
    expectKeys(components, ['page', 'components']);
    expect(components.components).toHaveLength(4);
    for (const component of components.components) expectComponent(component, pageId);

    const incidents = await get('incidents.json');
    expectKeys(incidents, ['page', 'incidents']);
    expect(incidents.incidents.map((incident: Json) => incident.id)).toEqual([seeded.publicIncidentId, seeded.resolvedIncidentId]);
    for (const incident of incidents.incidents) expectIncident(incident, pageId);
    expect(incidents.incidents[1]).toMatchObject({ status: 'resolved', impact: 'minor' });
    expect(incidents.incidents[1].resolved_at).toMatch(ISO);

    const unresolved = await get('incidents/unresolved.json');
    expectKeys(unresolved, ['page', 'incidents']);
    expect(unresolved.incidents.map((incident: Json) => incident.id)).toEqual([seeded.publicIncidentId]);

    for (const [path, count] of [
      ['scheduled-maintenances.json', 1],
      ['scheduled-maintenances/upcoming.json', 1],
      ['scheduled-maintenances/active.json', 0],
    ] as const) {
      const document = await get(path);
      expectKeys(document, ['page', 'scheduled_maintenances']);
      expect(document.scheduled_maintenances).toHaveLength(count);
      for (const maintenance of document.scheduled_maintenances) expectMaintenance(maintenance, pageId);
    }
  });

  it('renders the page server-side: status in words and icons, grouped components, uptime strips, UTC times, no cookies', async () => {
    const response = await page.http.get('/').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['set-cookie']).toBeUndefined();
    const html = response.text;
    expect(html).toContain('<h1 id="overall-heading">Partial System Outage</h1>');
    expect(html).toContain('<span>Partial outage</span>');
    expect(html).toMatch(/<svg class="status-icon icon-partial_outage"[^>]*aria-hidden="true"/);
    // Every icon refers to a shape the page defines, once.
    const used = new Set([...html.matchAll(/<use href="#(i-[a-z_]+)"\/>/g)].map((match) => match[1]));
    expect(used.size).toBeGreaterThan(1);
    for (const id of used) expect([id, html.split(`<symbol id="${id}"`).length - 1]).toEqual([id, 1]);
    expect(html).toContain('Checkout errors &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('The cause is identified;<br>a fix is rolling out.');
    expect(html).toContain('Scheduled maintenance');
    expect(html).toMatch(/Last updated <time datetime="[^"]+" data-localize>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/time>/);
    expect(html).toContain('Slow webhooks');
    // Components: the group and its component, the ungrouped one; Search is operational and only shown when degraded.
    expect(html).toContain('<h3 id="group-' + seeded.groupId + '">Payments</h3>');
    expect(html).toContain('Public API');
    expect(html).not.toContain('Search');
    const strips = html.match(/<ol class="uptime-strip" aria-labelledby="uptime-[a-z0-9]{12}">[\s\S]*?<\/ol>/g) ?? [];
    expect(strips).toHaveLength(2);
    for (const strip of strips) {
      // Every bar is a tab stop with its text; uneventful stretches are one bar spanning their days, 90 days in all.
      const bars = [...strip.matchAll(/<li tabindex="0" class="u-(nd|op|dp|po|mo|um)(?: n(\d+))?"><span>([^<]+)<\/span><\/li>/g)];
      expect(bars).toHaveLength(strip.match(/<li/g)?.length ?? -1);
      expect(bars.reduce((days, bar) => days + Number(bar[2] ?? 1), 0)).toBe(90);
      expect(bars.length).toBeLessThan(10);
      for (const bar of bars)
        if (bar[2]) expect(bar[3]).toMatch(new RegExp(`^\\d{1,2} \\w{3} \\d{4} to \\d{1,2} \\w{3} \\d{4}: (no data|100% uptime) \\(${bar[2]} days\\)$`));
    }
    // Uptime from the recorded history: no data before the component existed, the outage day in words.
    expect(html).toMatch(/<li tabindex="0" class="u-nd n\d+"><span>\d{1,2} \w{3} \d{4} to \d{1,2} \w{3} \d{4}: no data \(\d+ days\)<\/span><\/li>/);
    expect(html).toMatch(/<li tabindex="0" class="u-mo"><span>\d{1,2} \w{3} \d{4}: 95\.83% uptime, major outage for 1 h<\/span><\/li>/);
    // Listed 3 days ago: its uptime is over those 3 days, and says so (not "over the last 90 days").
    expect(html).toMatch(/Public API: 100% uptime since \d{1,2} \w{3} \d{4}, when it was listed/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });

  it('pages the history and shows each public incident on its own page', async () => {
    const history = await page.http.get('/history').expect(200);
    expect(history.text).toContain('Checkout errors &lt;script&gt;');
    expect(history.text).toContain('Slow webhooks');
    expect((await page.http.get('/history?page=1').expect(200)).text).toBe(history.text);
    await page.http.get('/history?page=2').expect(404);
    await page.http.get('/history?page=abc').expect(404);
    const incident = await page.http.get(`/incidents/${seeded.publicIncidentId}`).expect(200);
    expect(incident.text).toContain('<h1>Checkout errors &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(incident.text).toContain('We are investigating &lt;script&gt;alert(1)&lt;/script&gt; errors at checkout.');
    // Private and internal incidents do not exist publicly: the same 404 as an unknown id.
    const unknown = await page.http.get('/incidents/00000000-0000-4000-8000-000000000000').expect(404);
    expect((await page.http.get(`/incidents/${seeded.privateIncidentId}`).expect(404)).text).toBe(unknown.text);
    expect((await page.http.get(`/incidents/${seeded.internalIncidentId}`).expect(404)).text).toBe(unknown.text);
    await page.http.get('/incidents/not-an-id').expect(404);
  });

  it('publishes valid RSS and Atom feeds of the public incidents', async () => {
    const rss = await page.http.get('/history.rss').expect(200);
    expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const rssDocument = xml2js(rss.text, { compact: true }) as Json;
    const items = rssDocument.rss.channel.item;
    // Titles are text escaped once: a reader shows them exactly as written.
    expect(items.map((item: Json) => item.title._text)).toEqual(['Checkout errors <script>alert(1)</script>', 'Slow webhooks']);
    const parser = new Parser();
    expect((await parser.parseString(rss.text)).items.map((item) => item.title)).toEqual(['Checkout errors <script>alert(1)</script>', 'Slow webhooks']);
    expect(items[0].link._text).toBe(`https://status.example.com/incidents/${seeded.publicIncidentId}`);
    expect(items[0].description._cdata).toContain('We are investigating &lt;script&gt;alert(1)&lt;/script&gt; errors at checkout.');

    const atom = await page.http.get('/history.atom').expect(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const atomDocument = xml2js(atom.text, { compact: true }) as Json;
    expect(atomDocument.feed._attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(atomDocument.feed.author.name._text).toBe('Acme');
    const entries = atomDocument.feed.entry;
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.id._text).toMatch(/^https:\/\/status\.example\.com\/incidents\/[0-9a-f-]{36}$/);
      expect(entry.updated._text).toMatch(ISO);
      expect(entry.title._attributes.type).toBe('text');
      // Like Statuspage: the update in <content type="html">, status first.
      expect(entry.content._attributes.type).toBe('html');
      expect(entry.content._cdata).toMatch(/^<p><strong>(Investigating|Identified|Monitoring|Resolved)<\/strong> - /);
    }
    expect((await parser.parseString(atom.text)).items.map((item) => item.title)).toEqual(['Checkout errors <script>alert(1)</script>', 'Slow webhooks']);
  });

  it('serves status badges with the status in text', async () => {
    const badge = await page.http
      .get(`/badge/${seeded.checkoutId}.svg`)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(badge.status).toBe(200);
    expect(badge.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = badge.body as string;
    expect(svg).toContain('aria-label="Checkout &lt;script&gt;alert(1)&lt;/script&gt;: partial outage"');
    expect(svg).toContain('>partial outage</text>');
    await page.http.get(`/badge/${seeded.groupId}.svg`).expect(200);
    await page.http.get('/badge/zzzzzzzzzzzz.svg').expect(404);
  });

  it('caches publicly with ETags, answers 304, HEAD, compression and CORS preflight', async () => {
    for (const path of ['/', '/api/v2/summary.json', '/history.rss', `/badge/${seeded.checkoutId}.svg`]) {
      const first = await page.http.get(path).expect(200);
      expect(first.headers['cache-control']).toBe('public, max-age=15, stale-while-revalidate=30, stale-if-error=86400');
      expect(first.headers['access-control-allow-origin']).toBe('*');
      expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}(-gzip|-br)?"$/);
      const cached = await page.http.get(path).set('If-None-Match', first.headers.etag).expect(304);
      expect(cached.headers.etag).toBe(first.headers.etag);
      expect(cached.text ?? '').toBe('');
    }
    const plain = await page.http.get('/api/v2/summary.json').set('Accept-Encoding', 'identity').expect(200);
    const gzip = await page.http.get('/api/v2/summary.json').set('Accept-Encoding', 'gzip').expect(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.etag).not.toBe(plain.headers.etag);
    expect(gzip.body).toEqual(plain.body);
    await page.http.get('/api/v2/summary.json').set('If-None-Match', `W/${plain.headers.etag}, "other"`).set('Accept-Encoding', 'identity').expect(304);
    // What browsers send: brotli, the same page once decompressed, its own ETag.
    const raw = (headers: Record<string, string>) =>
      new Promise<{ encoding: string | undefined; etag: string | undefined; body: Buffer }>((resolve, reject) => {
        httpGet(`${page.baseUrl}/`, { headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], etag: response.headers.etag, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const browser = await raw({ 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    const identity = await raw({ 'Accept-Encoding': 'identity' });
    expect(browser.encoding).toBe('br');
    expect(identity.encoding).toBeUndefined();
    expect(brotliDecompressSync(browser.body).equals(identity.body)).toBe(true);
    expect(browser.body.length).toBeLessThan(identity.body.length / 4);
    expect(browser.etag).toBe(`${identity.etag?.slice(0, -1)}-br"`);
    const head = await page.http.head('/').expect(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    const preflight = await page.http
      .options('/api/v2/summary.json')
      .set('Origin', 'https://example.org')
      .set('Access-Control-Request-Method', 'GET')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    await page.http.post('/api/v2/summary.json').send({}).expect(405);
  });

  it('never shows private or internal incidents, internal notes, unpublished updates, people, Slack channels or SLO internals', async () => {
    const paths = [
      '/',
      '/history',
      `/incidents/${seeded.publicIncidentId}`,
      `/incidents/${seeded.resolvedIncidentId}`,
      `/incidents/${seeded.privateIncidentId}`,
      `/incidents/${seeded.internalIncidentId}`,
      '/api/v2/summary.json',
      '/api/v2/status.json',
      '/api/v2/components.json',
      '/api/v2/incidents.json',
      '/api/v2/incidents/unresolved.json',
      '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/upcoming.json',
      '/api/v2/scheduled-maintenances/active.json',
      '/history.rss',
      '/history.atom',
      ...[seeded.checkoutId, seeded.apiComponentId, seeded.searchId, seeded.groupId].map((id) => `/badge/${id}.svg`),
    ];
    const forbidden = [
      ...Object.values(SECRETS),
      seeded.privateIncidentId,
      seeded.internalIncidentId,
      'U0TESTUSER',
      'C0PAYMENTS1',
      'C0TESTCHAN1',
      '<script>alert(1)',
    ];
    for (const path of paths) {
      const response = await page.http
        .get(path)
        .set('Accept-Encoding', 'identity')
        .buffer(true)
        .parse((stream, done) => {
          let text = '';
          stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
          stream.on('end', () => done(null, text));
        });
      expect([200, 404]).toContain(response.status);
      expect(response.headers['set-cookie']).toBeUndefined();
      const body = response.body as string;
      for (const secret of forbidden) {
        if (path.includes(secret)) continue;
        expect({ path, leaked: body.includes(secret) ? secret : null }).toEqual({ path, leaked: null });
      }
    }
    // ...and neither does the snapshot persisted to disk.
    await eventually(async () => expect(existsSync(page.config.statusPageSnapshotFile)).toBe(true), 5000);
    const persisted = readFileSync(page.config.statusPageSnapshotFile, 'utf8');
    expect(persisted).toContain('Checkout errors');
    for (const secret of forbidden) if (secret !== '<script>alert(1)') expect(persisted).not.toContain(secret);
  });

  it('shows a change within 5 seconds through LISTEN/NOTIFY, from any writer', async () => {
    const before = (await page.http.get('/').expect(200)).headers.etag;
    const text = `Fix deployed at ${Date.now()}; monitoring ${SCRIPT}`;
    const written = Date.now();
    await fixtures.addEvent({
      incidentId: seeded.publicIncidentId,
      kind: 'public_update',
      body: text,
      public: true,
      status: 'monitoring',
      occurredAt: new Date(),
    });
    const elapsed = await eventually(
      async () => {
        const summary = (await page.http.get('/api/v2/summary.json').expect(200)).body as Json;
        expect(summary.incidents[0].incident_updates[0].body).toBe(text);
      },
      5000,
      25,
    );
    expect(Date.now() - written).toBeLessThan(5000);
    expect(elapsed).toBeLessThan(5000);
    expect((await page.http.get('/').expect(200)).headers.etag).not.toBe(before);

    // A write outside Ballast's code (a psql session) is seen too: the triggers cover every writer.
    await sql(api.database.url, `UPDATE incidents SET title = 'Renamed by SQL' WHERE id = $1`, [seeded.publicIncidentId]);
    await eventually(
      async () => {
        expect((await page.http.get('/api/v2/incidents/unresolved.json').expect(200)).body.incidents[0].name).toBe('Renamed by SQL');
      },
      5000,
      25,
    );
  });

  it('keeps the same ETag when only internal things change', async () => {
    await page.snapshots.refreshNow();
    const before = (await page.http.get('/').expect(200)).headers.etag;
    await fixtures.addEvent({ incidentId: seeded.publicIncidentId, kind: 'internal_note', body: SECRETS.internalNote, public: false, occurredAt: new Date() });
    await page.snapshots.refreshNow();
    const after = await page.http.get('/').expect(200);
    expect(after.headers.etag).toBe(before);
    expect(after.text).not.toContain(SECRETS.internalNote);
  });

  it('lists completed maintenances in the history, its pages and the feeds, and upcoming ones nowhere there', async () => {
    const day = 86_400_000;
    const created = await api.http
      .post('/api/v1/status/maintenances')
      .set(api.admin)
      .send({
        name: `Cache migration ${SCRIPT}`,
        body: `Reads were slower ${SCRIPT}.\nNo data was lost.`,
        components: [seeded.checkoutId],
        scheduledFor: new Date(Date.now() - 2 * day).toISOString(),
        scheduledUntil: new Date(Date.now() - 2 * day + 3_600_000).toISOString(),
        status: 'completed',
      })
      .expect(201);
    const maintenanceId = created.body.id as string;
    await eventually(async () => expect((await page.http.get('/history').expect(200)).text).toContain('Cache migration'), 5000, 25);

    // The history, newest first: the open incident (30 min ago, renamed above), the maintenance (2 days ago), the resolved incident (3 days ago).
    const history = (await page.http.get('/history').expect(200)).text;
    const order = ['Renamed by SQL', `href="/maintenances/${maintenanceId}"`, 'Slow webhooks'].map((needle) => history.indexOf(needle));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(history).toContain(`<a href="/maintenances/${maintenanceId}">Cache migration &lt;script&gt;alert(1)&lt;/script&gt;</a>`);
    expect(history).toContain('Reads were slower &lt;script&gt;alert(1)&lt;/script&gt;.<br>No data was lost.');
    expect(history).not.toContain('Database upgrade');

    const maintenancePage = await page.http.get(`/maintenances/${maintenanceId}`).expect(200);
    expect(maintenancePage.text).toContain('<h1>Cache migration &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(maintenancePage.text).toContain('Scheduled maintenance · Completed');
    // Its text is also its first update's (as Statuspage keeps it): the page says it once, with the update.
    const said = 'Reads were slower &lt;script&gt;alert(1)&lt;/script&gt;.<br>No data was lost.';
    expect(maintenancePage.text.split(said)).toHaveLength(2);
    expect(maintenancePage.text.indexOf(said)).toBeGreaterThan(maintenancePage.text.indexOf('<h2>Updates</h2>'));
    expect(maintenancePage.text).not.toContain('<script>alert(1)');
    // The upcoming one has its page (linked from the front page), unknown ids the usual 404.
    expect((await page.http.get('/').expect(200)).text).toContain(`href="/maintenances/${seeded.maintenanceId}"`);
    await page.http.get(`/maintenances/${seeded.maintenanceId}`).expect(200);
    await page.http.get('/maintenances/zzzzzzzzzzzz').expect(404);
    await page.http.get('/maintenances/not-an-id').expect(404);

    const rss = xml2js((await page.http.get('/history.rss').expect(200)).text, { compact: true }) as Json;
    const items = rss.rss.channel.item as Json[];
    expect(items.map((item) => item.title._text)).toEqual(['Renamed by SQL', 'Maintenance: Cache migration <script>alert(1)</script>', 'Slow webhooks']);
    expect(items[1].link._text).toBe(`https://status.example.com/maintenances/${maintenanceId}`);
    expect(items[1].description._cdata).toContain('Completed');
    expect(items[1].description._cdata).toContain('Reads were slower &lt;script&gt;alert(1)&lt;/script&gt;.<br>No data was lost.');
    const atom = xml2js((await page.http.get('/history.atom').expect(200)).text, { compact: true }) as Json;
    const entries = atom.feed.entry as Json[];
    expect(entries.map((entry) => entry.id._text)).toEqual([
      `https://status.example.com/incidents/${seeded.publicIncidentId}`,
      `https://status.example.com/maintenances/${maintenanceId}`,
      `https://status.example.com/incidents/${seeded.resolvedIncidentId}`,
    ]);
    for (const path of ['/history', '/history.rss', '/history.atom', `/maintenances/${maintenanceId}`]) {
      const body = (await page.http.get(path).set('Accept-Encoding', 'identity').expect(200)).text;
      for (const secret of Object.values(SECRETS)) expect({ path, leaked: body.includes(secret) ? secret : null }).toEqual({ path, leaked: null });
    }
  });

  it('answers public routes ahead of Express, and everything else through Nest, on one keep-alive connection', async () => {
    // One write, three pipelined requests: a public route, a Nest route, a public route.
    const [first, health, third] = await exchangeRaw(
      page.baseUrl,
      ['/api/v2/status.json', '/health', '/api/v2/status.json'].map((path) => `GET ${path} HTTP/1.1\r\nHost: status.test\r\n\r\n`).join(''),
      3,
    );
    expect(first.head).toMatch(/\r\nETag: "[^"]+"\r\n/);
    expect(first.body).toContain('"indicator"');
    // Answered by the snapshot handler, not Express: no X-Powered-By, no request id.
    expect(first.head).not.toMatch(/x-powered-by|x-request-id/i);
    expect(health.body).toContain('"snapshot"');
    expect(third.body).toBe(first.body);
    expect(withoutDate(third.head)).toBe(withoutDate(first.head));
  });

  it('makes gzip and br of every likely route with the snapshot: the first visitor asking for one gets it, no render on request', async () => {
    const renders = async () => Number(/^status_page_on_demand_renders_total (\d+)$/m.exec((await page.http.get('/metrics').expect(200)).text)?.[1]);
    const before = await renders();
    const get = async (path: string, acceptEncoding: string) => {
      const [response] = await exchangeRaw(page.baseUrl, `GET ${path} HTTP/1.1\r\nHost: status.test\r\nAccept-Encoding: ${acceptEncoding}\r\n\r\n`, 1);
      const bytes = Buffer.from(response.body, 'latin1');
      const encoding = /\r\nContent-Encoding: (\w+)/.exec(response.head)?.[1] ?? 'identity';
      return { encoding, text: (encoding === 'gzip' ? gunzipSync(bytes) : encoding === 'br' ? brotliDecompressSync(bytes) : bytes).toString('utf8') };
    };
    const identity = (await page.http.get('/').set('Accept-Encoding', 'identity').expect(200)).text;
    expect(await get('/', 'gzip, deflate, br, zstd')).toEqual({ encoding: 'br', text: identity });
    expect(await get('/', 'gzip')).toEqual({ encoding: 'gzip', text: identity });
    expect((await get('/api/v2/summary.json', 'gzip')).encoding).toBe('gzip');
    expect((await get('/history.rss', 'br')).encoding).toBe('br');
    expect(await renders()).toBe(before);
  });

  it('tells keep-alive clients to close once the app starts shutting down', async () => {
    // Its own app: the one the other tests share must not be left draining.
    const own = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' }, clock });
    const agent = new Agent({ keepAlive: true });
    const connectionHeader = () => keepAliveConnectionHeader(agent, own.baseUrl);
    try {
      expect(await connectionHeader()).toBe('keep-alive');
      own.app.get(SnapshotRequestHandler).onModuleDestroy();
      expect(await connectionHeader()).toBe('close');
    } finally {
      agent.destroy();
      await own.close();
    }
  });

  it('reports the snapshot age on /health', async () => {
    const health = await page.http.get('/health').expect(200);
    expect(health.headers['cache-control']).toBe('no-store');
    expect(health.body).toMatchObject({ status: 'ok', snapshot: { source: 'database', stale: false }, database: { status: 'up', listening: true } });
    expect(health.body.snapshot.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(health.body.snapshot.ageSeconds).toBeLessThan(60);
  });

  it('counts the responses it serves from the snapshot in status_page_responses_total', async () => {
    const served = async (code: string) => {
      const metrics = (await page.http.get('/metrics').expect(200)).text;
      return Number(new RegExp(`^status_page_responses_total\\{route="v2",code="${code}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    };
    const [ok, notModified] = [await served('200'), await served('304')];
    const first = await page.http.get('/api/v2/status.json').expect(200);
    await page.http.get('/api/v2/status.json').expect(200);
    await page.http.get('/api/v2/status.json').set('If-None-Match', first.headers.etag).expect(304);
    expect([await served('200'), await served('304')]).toEqual([ok + 2, notModified + 1]);
  });

  // Last: the shutdown signal's flag is process-wide and stays set.
  it('tells keep-alive clients to close from the shutdown signal on, from the snapshot and through Nest', async () => {
    const own = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' }, clock });
    const agent = new Agent({ keepAlive: true });
    try {
      await eventually(async () => expect(await keepAliveConnectionHeader(agent, own.baseUrl)).toBe('keep-alive'), 10_000);
      // What drainAndClose sets first on SIGTERM/SIGINT, before Nest's shutdown hooks run.
      startDraining();
      expect(await keepAliveConnectionHeader(agent, own.baseUrl)).toBe('close');
      expect(await keepAliveConnectionHeader(agent, own.baseUrl, '/health')).toBe('close');
    } finally {
      agent.destroy();
      await own.close();
    }
  });
});

/** The Connection header of a GET of status.json over `agent` (keep-alive): what the page tells the client to do with the connection. */
function keepAliveConnectionHeader(agent: Agent, baseUrl: string, path = '/api/v2/status.json'): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    httpGet(`${baseUrl}${path}`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.headers.connection));
    }).on('error', reject);
  });
}
