import { Feed } from 'feed';
import type { PublicIncident, PublicMaintenance, PublicStatus } from '@app/status';
import { escapeMarkup } from './escape';
import { impactLabel, incidentStatusLabel, maintenanceLabel, utcTime } from './format';
import { historyEntries } from './html-renderer';
import type { PageInfo } from './page-info';
import { V2_LIST_LIMIT } from './statuspage-v2';

/**
 * RSS 2.0 and Atom feeds of the history — public incidents and completed
 * maintenances, newest first (the `feed` package writes
 * titles and content as CDATA, so everything is HTML-escaped first: readers
 * treat both as HTML, and escaped text cannot close a CDATA section).
 */
export function historyFeeds(model: PublicStatus, page: PageInfo): { rss: string; atom: string } {
  const feed = new Feed({
    id: `${page.url}/history`,
    title: `${page.name} status - incident history`,
    description: `Incidents reported on the ${page.name} status page`,
    link: page.url,
    language: 'en',
    updated: new Date(model.generatedAt),
    generator: 'Ballast',
    feedLinks: { rss: `${page.url}/history.rss`, atom: `${page.url}/history.atom` },
    author: { name: page.name, link: page.url },
  });
  for (const entry of historyEntries(model).slice(0, V2_LIST_LIMIT)) {
    if (entry.kind === 'incident') {
      const { incident } = entry;
      const link = `${page.url}/incidents/${incident.id}`;
      feed.addItem({ title: escapeMarkup(incident.name), id: link, link, date: new Date(incident.updatedAt), published: new Date(incident.startedAt), description: incidentHtml(incident) });
    } else {
      const { maintenance } = entry;
      const link = `${page.url}/maintenances/${maintenance.id}`;
      feed.addItem({
        title: escapeMarkup(`Maintenance: ${maintenance.name}`),
        id: link,
        link,
        date: new Date(maintenance.completedAt ?? maintenance.updatedAt),
        published: new Date(entry.at),
        description: maintenanceHtml(maintenance),
      });
    }
  }
  return { rss: feed.rss2(), atom: feed.atom1() };
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
    (update) => `<p><small>${escapeMarkup(utcTime(update.createdAt).text)}</small><br><strong>${escapeMarkup(maintenanceLabel(update.status))}</strong>${update.body ? ` - ${escapeMarkup(update.body).replace(/\r?\n/g, '<br>')}` : ''}</p>`,
  );
  return [header, body, ...updates].join('');
}
