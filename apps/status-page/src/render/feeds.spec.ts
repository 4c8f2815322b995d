import Parser from 'rss-parser';
import { xml2js } from 'xml-js';
import type { PublicIncident, PublicMaintenance, PublicStatus } from '@app/status';
import { seededRandom } from '../../../../test/support/seeded-random';
import { historyFeeds } from './feeds';
import { historyEntries } from './html-renderer';
import type { PageInfo } from './page-info';

const PAGE: PageInfo = { id: 'abcdefabcdef', name: 'Acme & Sons <Ops>', url: 'https://status.example.com', timeZone: 'UTC' };
const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
/** Pieces of text that markup must survive: quotes, ampersands, tags, a CDATA end, entities, line breaks, non-ASCII. */
const WORDS = [
  'checkout',
  'errors',
  '<script>alert(1)</script>',
  'a & b',
  '"quoted"',
  "it's",
  ']]>',
  '&amp;',
  'line\nbreak',
  'crlf\r\nbreak',
  'Zürich',
  '日本',
  '🚀',
  '<img src=x onerror=1>',
  'x > y',
];

function randomModel(seed: number, incidentCount?: number): PublicStatus {
  const random = seededRandom(seed);
  const base = Date.parse('2026-11-01T00:00:00Z');
  const at = () => new Date(base + random(30 * 86_400) * 1000).toISOString();
  const text = () => Array.from({ length: 1 + random(6) }, () => WORDS[random(WORDS.length)]).join(' ');
  const incidents: PublicIncident[] = Array.from({ length: incidentCount ?? random(70) }, (_, index) => {
    const startedAt = at();
    return {
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      name: text(),
      status: INCIDENT_STATUSES[random(4)],
      impact: IMPACTS[random(4)],
      createdAt: startedAt,
      startedAt,
      updatedAt: at(),
      monitoringAt: null,
      resolvedAt: random(2) ? at() : null,
      components: [],
      updates: Array.from({ length: random(4) }, (__, update) => ({
        id: `u${index}-${update}`,
        status: INCIDENT_STATUSES[random(4)],
        body: text(),
        createdAt: at(),
        affectedComponents: null,
      })),
    };
  });
  const maintenances: PublicMaintenance[] = Array.from({ length: random(8) }, (_, index) => ({
    id: `m${index}`,
    name: text(),
    body: random(3) ? text() : '',
    status: MAINTENANCE_STATUSES[random(4)],
    scheduledFor: at(),
    scheduledUntil: at(),
    startedAt: random(2) ? at() : null,
    completedAt: random(2) ? at() : null,
    createdAt: at(),
    updatedAt: at(),
    componentIds: [],
    updates: Array.from({ length: random(3) }, (__, update) => ({
      id: `mu${index}-${update}`,
      status: MAINTENANCE_STATUSES[random(4)],
      body: random(2) ? text() : '',
      createdAt: at(),
    })),
  }));
  return {
    formatVersion: 1,
    generatedAt: at(),
    overall: { indicator: 'none', description: 'All Systems Operational' },
    groups: [],
    components: [],
    incidents,
    maintenances,
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const parse = (xml: string) => xml2js(xml, { compact: true }) as Json;
const asList = (value: unknown): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as Json]);

describe('historyFeeds', () => {
  it('reads back, through rss-parser, every title exactly as written (escaped once) and Atom content that starts with the status, for 60 random histories', async () => {
    const parser = new Parser();
    let items = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const model = randomModel(seed);
      const ours = historyFeeds(model, PAGE);
      const expected = historyEntries(model)
        .slice(0, 50)
        .map((entry) =>
          entry.kind === 'incident'
            ? { title: entry.incident.name, status: entry.incident.updates[0]?.status ?? entry.incident.status }
            : { title: `Maintenance: ${entry.maintenance.name}`, status: entry.maintenance.updates[0]?.status ?? entry.maintenance.status },
        );
      const strip = (value: string) => value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
      const rss = await parser.parseString(ours.rss);
      const atom = await parser.parseString(ours.atom);
      // rss-parser trims surrounding white space of text (xml2js); the text in between is byte for byte the name.
      expect([seed, rss.items.map((item) => item.title)]).toEqual([seed, expected.map((entry) => strip(entry.title).trim())]);
      expect([seed, atom.items.map((item) => item.title)]).toEqual([seed, expected.map((entry) => strip(entry.title).trim())]);
      expect(rss.title).toBe('Acme & Sons <Ops> status - incident history');
      const entries = asList(parse(ours.atom).feed.entry);
      entries.forEach((entry, index) => {
        expect(entry.title._attributes.type).toBe('text');
        expect(entry.content._attributes.type).toBe('html');
        expect(entry.summary).toBeUndefined();
        const label = expected[index].status.replace(/_/g, ' ');
        expect((entry.content._cdata as string).toLowerCase().startsWith(`<p><strong>${label}</strong>`)).toBe(true);
      });
      items += entries.length;
    }
    expect(items).toBeGreaterThan(1000);
  });

  it('keeps a title with markup readable: Checkout <!channel> errors & timeouts', async () => {
    const model = randomModel(3, 1);
    const named: PublicStatus = { ...model, incidents: [{ ...model.incidents[0], name: 'Checkout <!channel> errors & timeouts' }] };
    const { rss, atom } = historyFeeds(named, PAGE);
    expect(rss).toContain('<title>Checkout &lt;!channel&gt; errors &amp; timeouts</title>');
    const parser = new Parser();
    expect((await parser.parseString(rss)).items[0].title).toBe('Checkout <!channel> errors & timeouts');
    expect((await parser.parseString(atom)).items[0].title).toBe('Checkout <!channel> errors & timeouts');
  });

  it('shows how long a resolved incident and a completed maintenance lasted', () => {
    const model = randomModel(4, 1);
    const incident = {
      ...model.incidents[0],
      status: 'resolved' as const,
      startedAt: '2026-11-02T10:00:00.000Z',
      resolvedAt: '2026-11-02T11:05:00.000Z',
      updatedAt: '2026-11-02T11:05:00.000Z',
    };
    const maintenance = {
      ...(model.maintenances[0] ?? randomModel(1).maintenances[0]),
      status: 'completed' as const,
      scheduledFor: '2026-11-03T01:00:00.000Z',
      startedAt: '2026-11-03T01:00:00.000Z',
      completedAt: '2026-11-03T01:45:00.000Z',
    };
    const { rss } = historyFeeds({ ...model, incidents: [incident], maintenances: [maintenance] }, PAGE);
    const html = asList(parse(rss).rss.channel.item).map((item) => item.description._cdata as string);
    expect(html.some((text) => text.includes('duration 1 h 5 min'))).toBe(true);
    expect(html.some((text) => text.includes('duration 45 min'))).toBe(true);
  });

  it('keeps the 50 newest history entries, newest first, with each incident update escaped in its HTML', () => {
    const model = randomModel(5, 64);
    const { rss, atom } = historyFeeds(model, PAGE);
    const links = asList(parse(rss).rss.channel.item).map((item) => item.link._text);
    const expected = historyEntries(model)
      .slice(0, 50)
      .map((entry) =>
        entry.kind === 'incident'
          ? `https://status.example.com/incidents/${entry.incident.id}`
          : `https://status.example.com/maintenances/${entry.maintenance.id}`,
      );
    expect(links).toEqual(expected);
    expect(asList(parse(atom).feed.entry).map((entry) => entry.id._text)).toEqual(expected);
    const incident = model.incidents.find((candidate) => candidate.updates.some((update) => update.body.includes('<script>')));
    if (!incident) throw new Error('seed 5 has no update with a script tag');
    const item = asList(parse(rss).rss.channel.item).find((candidate) => candidate.link._text.endsWith(incident.id));
    if (!item) throw new Error('that incident is not among the 50 newest entries');
    expect(item.description._cdata).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(item.description._cdata).not.toContain('<script>');
    expect(parse(rss).rss.channel.title._text).toBe('Acme & Sons <Ops> status - incident history');
    expect(parse(atom).feed.author.name._text).toBe('Acme & Sons <Ops>');
  });

  it('drops the characters XML forbids, which would make the whole feed unreadable, and keeps the rest of the text', () => {
    const model = randomModel(9, 3);
    const first = model.incidents[0];
    const hostile: PublicStatus = {
      ...model,
      incidents: [
        {
          ...first,
          startedAt: '2026-12-31T00:00:00.000Z',
          name: 'bell\u0007 nul\u0000 lone\uD800 surrogate ok🚀',
          updates: [{ id: 'x', status: 'identified', body: 'form\u000Cfeed \uFFFE end', createdAt: first.startedAt, affectedComponents: null }],
        },
        ...model.incidents.slice(1),
      ],
    };
    const { rss, atom } = historyFeeds(hostile, PAGE);
    for (const document of [rss, atom]) {
      expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(document)).toBe(false);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(document)).toBe(false);
    }
    expect(asList(parse(rss).rss.channel.item)[0].title._text).toBe('bell nul lone surrogate ok🚀');
    expect(asList(parse(atom).feed.entry)[0].content._cdata).toContain('formfeed  end');
  });
});
