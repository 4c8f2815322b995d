import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Principal, TokensService } from '@app/catalog';
import { IS_PUBLIC, UnauthorizedError } from '@app/platform';

export type AuthenticatedRequest = Request & { principal?: Principal };

export const DASHBOARD_COOKIE = 'ballast_dashboard';

/** The HTML dashboards (and only they) also accept the token from their HttpOnly cookie. */
function dashboardCookieHeader(request: AuthenticatedRequest): string | undefined {
  if (!request.path.startsWith('/dashboard')) return undefined;
  const cookie = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${DASHBOARD_COOKIE}=`));
  if (!cookie) return undefined;
  try {
    return `Bearer ${decodeURIComponent(cookie.slice(DASHBOARD_COOKIE.length + 1))}`;
  } catch {
    // A malformed cookie (bad %-escape) is no token: the sign-in form, not a 500.
    return 'Bearer -';
  }
}

const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]{8,512})\s*$/;

/** Every route needs `Authorization: Bearer <token>` unless marked @Public(). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization ?? dashboardCookieHeader(request);
    if (!header) throw new UnauthorizedError('Missing Authorization: Bearer <token> header');
    const match = BEARER.exec(header);
    if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) throw new UnauthorizedError('Invalid or revoked token');
    request.principal = principal;
    return true;
  }
}
