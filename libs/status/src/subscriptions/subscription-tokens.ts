import { createHash, createHmac, randomBytes } from 'node:crypto';

/** A fresh secret token for a link (confirmation, unsubscribe): 32 random bytes, base64url. */
export function generateLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this is stored: a token that leaks from the database cannot be used. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token as it can appear in a link: anything else is forged without a database look-up. */
export function isWellFormedLinkToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** `X-Ballast-Signature`: `sha256=` + hex HMAC-SHA256 of the exact request body with the subscriber's secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
