import type { PublicIncident, PublicMaintenance, PublicStatus } from '@app/status/core';
import { escapeMarkup } from './escape';
import { durationText, impactLabel, incidentStatusLabel, maintenanceLabel, utcTime } from './format';
import { historyEntries } from './html-renderer';
import { incidentDurationSeconds, lastPublicChangeAt, maintenanceDurationSeconds } from './last-change';
import type { PageInfo } from './page-info';
import { V2_LIST_LIMIT } from './statuspage-v2';

/**
 * RSS 2.0 and Atom 1.0 feeds of the history — public incidents and completed
 * maintenances, newest first. Everything is escaped exactly once: titles are
 * plain text (XML-escaped, `<title type="text">` in Atom), so a reader shows
 * `Checkout <!channel> errors & timeouts` as written; the entry's HTML (each
 * value HTML-escaped inside it) is the one thing written as CDATA, in RSS
 * `<description>` and Atom `<content type="html">`, and like Statuspage's it
 * starts with the latest status. An escaped text has no `>` and so cannot
 * close a CDATA section.
 *
 * Written as two fixed documents rather than through the `feed` package: the
 * feeds change with every public incident update, and building them through
 * `feed` and xml-js cost 5.1 ms of CPU per call on the benchmark's page;
 * written directly they cost 1.2 ms. The tests read them with rss-parser and
 * an XML parser.
 */
export function historyFeeds(model: PublicStatus, page: PageInfo): { rss: string; atom: string } {
  const site = url(page.url);
  const title = text(`${page.name} status - incident history`);
  const description = text(`Incidents reported on the ${page.name} status page`);
  // The last public change, not the time of the snapshot: a feed that did not change says so.
  const updated = new Date(lastPublicChangeAt(model));
  const rssItems: string[] = [];
  const atomEntries: string[] = [];
  for (const entry of historyEntries(model).slice(0, V2_LIST_LIMIT)) {
    const item =
      entry.kind === 'incident'
        ? {
            title: text(entry.incident.name),
            link: url(`${page.url}/incidents/${entry.incident.id}`),
            date: new Date(entry.incident.updatedAt),
            published: new Date(entry.incident.startedAt),
            html: incidentHtml(entry.incident),
          }
        : {
            title: text(`Maintenance: ${entry.maintenance.name}`),
            link: url(`${page.url}/maintenances/${entry.maintenance.id}`),
            date: new Date(entry.maintenance.completedAt ?? entry.maintenance.updatedAt),
            published: new Date(entry.at),
            html: maintenanceHtml(entry.maintenance),
          };
    rssItems.push(
      `        <item>\n` +
        `            <title>${item.title}</title>\n` +
        `            <link>${item.link}</link>\n` +
        `            <guid isPermaLink="false">${item.link}</guid>\n` +
        `            <pubDate>${item.published.toUTCString()}</pubDate>\n` +
        `            <description>${cdata(item.html)}</description>\n` +
        `        </item>\n`,
    );
    atomEntries.push(
      `    <entry>\n` +
        `        <title type="text">${item.title}</title>\n` +
        `        <id>${item.link}</id>\n` +
        `        <link href="${item.link}"/>\n` +
        `        <updated>${item.date.toISOString()}</updated>\n` +
        `        <content type="html">${cdata(item.html)}</content>\n` +
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

/** One update as Statuspage writes it: the status first, then the text, then when. */
function updateHtml(status: string, body: string, at: string): string {
  const text = body ? ` - ${escapeMarkup(body).replace(/\r?\n/g, '<br>')}` : '';
  return `<p><strong>${escapeMarkup(status)}</strong>${text}<br><small>${escapeMarkup(utcTime(at).text)}</small></p>`;
}

function incidentHtml(incident: PublicIncident): string {
  const updates = incident.updates.map((update) => updateHtml(incidentStatusLabel(update.status), update.body, update.createdAt));
  // An incident without a public update still starts with its status.
  if (updates.length === 0) updates.push(updateHtml(incidentStatusLabel(incident.status), '', incident.startedAt));
  const duration = incidentDurationSeconds(incident);
  const footer =
    `<p>${escapeMarkup(impactLabel(incident.impact))} · started ${escapeMarkup(utcTime(incident.startedAt).text)}` +
    (incident.resolvedAt ? ` · resolved ${escapeMarkup(utcTime(incident.resolvedAt).text)}` : '') +
    (duration !== null ? ` · duration ${escapeMarkup(durationText(duration))}` : '') +
    `</p>`;
  return [...updates, footer].join('');
}

function maintenanceHtml(maintenance: PublicMaintenance): string {
  const updates = maintenance.updates.map((update) => updateHtml(maintenanceLabel(update.status), update.body, update.createdAt));
  if (updates.length === 0) updates.push(updateHtml(maintenanceLabel(maintenance.status), maintenance.body, maintenance.createdAt));
  const duration = maintenanceDurationSeconds(maintenance);
  const footer =
    `<p>Scheduled maintenance · scheduled ${escapeMarkup(utcTime(maintenance.scheduledFor).text)} to ${escapeMarkup(utcTime(maintenance.scheduledUntil).text)}` +
    (duration !== null ? ` · duration ${escapeMarkup(durationText(duration))}` : '') +
    `</p>`;
  return [...updates, footer].join('');
}
