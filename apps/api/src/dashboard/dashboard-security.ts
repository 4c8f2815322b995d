import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const DASHBOARD_CSRF_COOKIE = 'ballast_csrf';
const CSRF_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Headers of every dashboard answer (pages, redirects, errors): no script at
 * all, styles only inline (the layout's), no framing, no MIME sniffing, no
 * referrer leaving the site.
 */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function dashboardSecurityHeaders(_request: Request, response: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) response.setHeader(name, value);
  next();
}

/** One cookie's value, or undefined when absent or not decodable (a malformed cookie is no cookie, never a 500). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  const part = header
    ?.split(';')
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate.startsWith(`${name}=`));
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part.slice(name.length + 1));
  } catch {
    return undefined;
  }
}

/** Options of the dashboard's cookies: Secure when the request came over HTTPS (directly or through a trusted proxy). */
export function dashboardCookieOptions(request: Request, maxAgeMs: number) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/dashboard', maxAge: maxAgeMs, secure: request.secure };
}

/**
 * Double-submit CSRF token for the sign-in and sign-out forms: a random value
 * in an HttpOnly SameSite=Strict cookie, repeated in a hidden form field.
 * Returns the request's token, setting a fresh cookie when it has none.
 */
export function csrfTokenFor(request: Request, response: Response): string {
  const existing = readCookie(request.headers.cookie, DASHBOARD_CSRF_COOKIE);
  if (existing && CSRF_PATTERN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  response.cookie(DASHBOARD_CSRF_COOKIE, token, dashboardCookieOptions(request, 12 * 3600 * 1000));
  return token;
}

export function csrfMatches(request: Request, submitted: unknown): boolean {
  const expected = readCookie(request.headers.cookie, DASHBOARD_CSRF_COOKIE);
  if (!expected || !CSRF_PATTERN.test(expected) || typeof submitted !== 'string' || !CSRF_PATTERN.test(submitted)) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(submitted));
}
