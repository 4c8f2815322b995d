import { createHash } from 'node:crypto';
import type { AppConfig } from '@app/config';

/** The page itself, as Statuspage's `page` object describes it. */
export interface PageInfo {
  /** Stable 12-character id derived from the public URL. */
  readonly id: string;
  readonly name: string;
  /** Public base URL without a trailing slash (feeds and shortlinks are absolute). */
  readonly url: string;
  readonly timeZone: string;
  /** E-mail subscriptions are offered (SMTP_URL is set): the home page shows the subscribe form. */
  readonly subscriptionsOffered?: boolean;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function pageInfoFrom(config: AppConfig): PageInfo {
  // Never derived from a request's Host header: the snapshot is shared by every visitor.
  const url = (config.PUBLIC_STATUS_URL ?? `http://localhost:${config.STATUS_PAGE_PORT}`).replace(/\/+$/, '');
  const digest = createHash('sha256').update(url).digest();
  let id = '';
  for (let index = 0; index < 12; index++) id += ALPHABET[digest[index] % ALPHABET.length];
  return { id, name: config.STATUS_PAGE_NAME, url, timeZone: 'Etc/UTC', subscriptionsOffered: Boolean(config.SMTP_URL) };
}
