import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppConfig } from '@app/config';
import { assertPublicTarget, parseWebhookUrl } from './webhook-target';

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The one IO edge to webhook receivers: resolves the host (refusing
 * loopback/private targets unless SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE), then
 * POSTs the signed body. Redirects are not followed (a redirect could point
 * anywhere). Rejects on anything but a 2xx answer.
 */
@Injectable()
export class WebhookTransport {
  constructor(private readonly config: AppConfig) {}

  /** Throws a validation error naming `url` when the URL is unusable or its host is not public (and that is not allowed). */
  async checkTarget(rawUrl: unknown): Promise<string> {
    const { url, hostname } = parseWebhookUrl(rawUrl);
    const addresses = isIP(hostname) ? [hostname] : await resolve(hostname);
    assertPublicTarget(hostname, addresses, this.config.SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE);
    return url;
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<void> {
    await this.checkTarget(url);
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Ballast-Status-Webhook/1', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) throw new Error(`the receiver answered HTTP ${response.status}`);
  }
}

async function resolve(hostname: string): Promise<string[]> {
  try {
    return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}
