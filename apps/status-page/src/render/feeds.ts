import type { PublicIncident, PublicMaintenance, PublicStatus } from '@app/status/core';
import { escapeMarkup } from './escape';
import { impactLabel, incidentStatusLabel, maintenanceLabel, utcTime } from './format';
import { historyEntries } from './html-renderer';
import type { PageInfo } from './page-info';
import { V2_LIST_LIMIT } from './statuspage-v2';

/**
 * RSS 2.0 and Atom 1.0 feeds of the history — public incidents and completed
 * maintenances, newest first. Titles and content are HTML (readers treat
 * both as HTML), escaped and then written as CDATA; an escaped text has no
 * `>` and so cannot close a CDATA section.
 *
 * Written as two fixed documents rather than through the `feed` package
 * (whose output these are, element for element: the test suite parses both
 * and compares them): the feeds change with every public incident update,
 * and building them through `feed` and xml-js's object-to-XML conversion cost
 * 5.1 ms of CPU per call on the benchmark's page (12–14 ms of a 46–50 ms
 * rebuild with hashing and garbage); written directly they cost 1.2 ms.
 */
export function historyFeeds(model: PublicStatus, page: PageInfo): { rss: string; atom: string } {
  const site = url(page.url);
  const title = text(`${page.name} status - incident history`);
  const description = text(`Incidents reported on the ${page.name} status page`);
  const updated = new Date(model.generatedAt);
  const rssItems: string[] = [];
  const atomEntries: string[] = [];
  for (const entry of historyEntries(model).slice(0, V2_LIST_LIMIT)) {
    const item =
      entry.kind === 'incident'
        ? {
            title: escapeMarkup(entry.incident.name),
            link: url(`${page.url}/incidents/${entry.incident.id}`),
            date: new Date(entry.incident.updatedAt),
            published: new Date(entry.incident.startedAt),
            html: incidentHtml(entry.incident),
          }
        : {
            title: escapeMarkup(`Maintenance: ${entry.maintenance.name}`),
            link: url(`${page.url}/maintenances/${entry.maintenance.id}`),
            date: new Date(entry.maintenance.completedAt ?? entry.maintenance.updatedAt),
            published: new Date(entry.at),
            html: maintenanceHtml(entry.maintenance),
          };
    rssItems.push(
      `        <item>\n` +
        `            <title>${cdata(item.title)}</title>\n` +
        `            <link>${item.link}</link>\n` +
        `            <guid isPermaLink="false">${item.link}</guid>\n` +
        `            <pubDate>${item.published.toUTCString()}</pubDate>\n` +
        `            <description>${cdata(item.html)}</description>\n` +
        `        </item>\n`,
    );
    atomEntries.push(
      `    <entry>\n` +
        `        <title type="html">${cdata(item.title)}</title>\n` +
        `        <id>${item.link}</id>\n` +
        `        <link href="${item.link}"/>\n` +
        `        <updated>${item.date.toISOString()}</updated>\n` +
        `        <summary type="html">${cdata(item.html)}</summary>\n` +
        `        <published>${item.published.toISOString()}</published>\n` +
        `    </entry>\n`,
    );
  }
  const rss =
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n` +
    `    <channel>\n` +
    `        <title>${title}</title>\n` +
    `        <link>${site}</link>\n` +
    `        <description>${description}</description>\n` +
    `        <lastBuildDate>${updated.toUTCString()}</lastBuildDate>\n` +
    `        <docs>https://validator.w3.org/feed/docs/rss2.html</docs>\n` +
    `        <generator>Ballast</generator>\n` +
    `        <language>en</language>\n` +
    `        <atom:link href="${url(`${page.url}/history.rss`)}" rel="self" type="application/rss+xml"/>\n` +
    rssItems.join('') +
    `    </channel>\n` +
    `</rss>`;
  const atom =
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom">\n` +
    `    <id>${text(`${page.url}/history`)}</id>\n` +
    `    <title>${title}</title>\n` +
    `    <updated>${updated.toISOString()}</updated>\n` +
    `    <generator>Ballast</generator>\n` +
    `    <author>\n` +
    `        <name>${text(page.name)}</name>\n` +
    `        <uri>${site}</uri>\n` +
    `    </author>\n` +
    `    <link rel="alternate" href="${site}"/>\n` +
    `    <link rel="self" href="${url(`${page.url}/history.atom`)}"/>\n` +
    `    <subtitle>${description}</subtitle>\n` +
    atomEntries.join('') +
    `</feed>`;
  return { rss, atom };
}

/**
 * Characters XML 1.0 does not allow at all, escaped or not (C0 controls but
 * tab, newline and carriage return; U+FFFE, U+FFFF; unpaired surrogates):
 * one of them in an incident's text would make the whole feed unreadable.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text (or an attribute value) in XML: markup escaped, characters XML forbids removed. */
function text(value: string): string {
  return escapeMarkup(value.replace(NOT_XML, ''));
}

/** An absolute URL as the WHATWG parser writes it (`https://host/` for a bare origin), for text and attributes. */
function url(value: string): string {
  return text(new URL(value).toString());
}

/** Already-escaped HTML as a CDATA section (a `]]>` split across two sections, should one ever occur). */
function cdata(html: string): string {
  return `<![CDATA[${html.replace(NOT_XML, '').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function incidentHtml(incident: PublicIncident): string {
  const header = `<p><strong>${escapeMarkup(impactLabel(incident.impact))}</strong> · ${escapeMarkup(incidentStatusLabel(incident.status))} · started ${escapeMarkup(utcTime(incident.startedAt).text)}</p>`;
  const updates = incident.updates.map(
    (update) =>
      `<p><small>${escapeMarkup(utcTime(update.createdAt).text)}</small><br><strong>${escapeMarkup(incidentStatusLabel(update.status))}</strong> - ${escapeMarkup(update.body).replace(/\r?\n/g, '<br>')}</p>`,
  );
  return [header, ...updates].join('');
}

function maintenanceHtml(maintenance: PublicMaintenance): string {
  const header = `<p><strong>Scheduled maintenance</strong> · ${escapeMarkup(maintenanceLabel(maintenance.status))} · scheduled ${escapeMarkup(utcTime(maintenance.scheduledFor).text)} to ${escapeMarkup(utcTime(maintenance.scheduledUntil).text)}</p>`;
  const body = maintenance.body ? `<p>${escapeMarkup(maintenance.body).replace(/\r?\n/g, '<br>')}</p>` : '';
  const updates = maintenance.updates.map(
    (update) =>
      `<p><small>${escapeMarkup(utcTime(update.createdAt).text)}</small><br><strong>${escapeMarkup(maintenanceLabel(update.status))}</strong>${update.body ? ` - ${escapeMarkup(update.body).replace(/\r?\n/g, '<br>')}` : ''}</p>`,
  );
  return [header, body, ...updates].join('');
}
