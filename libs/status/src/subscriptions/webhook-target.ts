import { BlockList, isIP } from 'node:net';
import { SubscriptionInputError } from './subscription-errors';

const MAX_URL_LENGTH = 2000;

/** Loopback, private, link-local, shared, unspecified, multicast and reserved ranges (IPv4 and IPv6). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is loopback/private/otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NOT_PUBLIC.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return NOT_PUBLIC.check(mapped[1], 'ipv4');
    return NOT_PUBLIC.check(address, 'ipv6');
  }
  return true;
}

/** Parses a webhook URL: http(s), a host, no credentials; throws naming `url`. Returns the normalised URL and its host name. */
export function parseWebhookUrl(value: unknown): { url: string; hostname: string } {
  if (typeof value !== 'string' || value.trim() === '') throw new SubscriptionInputError('invalid_webhook_url', 'url', 'url is required');
  if (value.length > MAX_URL_LENGTH) throw new SubscriptionInputError('invalid_webhook_url', 'url', `url must be at most ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new SubscriptionInputError('invalid_webhook_url', 'url', 'url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new SubscriptionInputError('invalid_webhook_url', 'url', `url must use http or https, not ${parsed.protocol.replace(/:$/, '')}`);
  if (parsed.username || parsed.password)
    throw new SubscriptionInputError('invalid_webhook_url', 'url', 'url must not carry credentials; the payload is signed instead');
  if (!parsed.hostname) throw new SubscriptionInputError('invalid_webhook_url', 'url', 'url must name a host');
  const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
  return { url: parsed.toString(), hostname };
}

/** Throws naming `url` when any address the host resolves to is not public (unless private targets are allowed). */
export function assertPublicTarget(hostname: string, addresses: readonly string[], allowPrivate: boolean): void {
  if (allowPrivate) return;
  if (addresses.length === 0) throw new SubscriptionInputError('private_webhook_target', 'url', `url's host ${hostname} does not resolve`);
  const blocked = addresses.filter(isNonPublicAddress);
  if (blocked.length > 0) {
    throw new SubscriptionInputError(
      'private_webhook_target',
      'url',
      `url's host ${hostname} resolves to a loopback or private address (${blocked[0]}); set SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE=true to allow it`,
    );
  }
}
