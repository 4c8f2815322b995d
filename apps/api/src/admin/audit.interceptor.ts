import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { AuditLog, Principal } from '@app/catalog';
import { DomainError, httpStatusOf, isDatabaseUnavailable } from '@app/platform';

const AUDITED_PREFIXES = ['/api/v1/', '/webhooks/'];
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The target of a write: the resource type after /api/v1 (or the webhook), and the id in the path or the answer. */
export function auditTarget(routePath: string, params: Record<string, string>, answer: unknown): { type: string | null; id: string | null } {
  const segments = routePath.split('/').filter(Boolean);
  const base = segments[0] === 'webhooks' ? segments.slice(0, 2) : segments.slice(2);
  const type = base[0] === 'webhooks' ? base.join('/') : (base[0] ?? null);
  const fromPath = params.id ?? params.slug ?? params.tokenId ?? null;
  const answered = answer && typeof answer === 'object' && typeof (answer as { id?: unknown }).id === 'string' ? (answer as { id: string }).id : null;
  return { type, id: fromPath ?? answered };
}

function statusOf(error: unknown): number {
  if (error instanceof DomainError) return httpStatusOf(error.kind);
  if (error instanceof HttpException) return error.getStatus();
  return 500;
}

/**
 * Every write (non-GET) through /api/v1 and /webhooks gets an audit record —
 * routes added later included, with no code of their own: actor (token id and
 * team), action (method and route pattern), target, request id, the names of
 * the fields the body set, and the answer's status. Refused writes (403, 404,
 * 400) are recorded too: they are what an audit is read for.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal; id?: unknown }>();
    if (READ_METHODS.has(request.method) || !AUDITED_PREFIXES.some((prefix) => request.path.startsWith(prefix))) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    const record = (outcome: number, answer: unknown) => {
      const routePath = typeof request.route?.path === 'string' ? request.route.path : request.path;
      const target = auditTarget(routePath, (request.params ?? {}) as Record<string, string>, answer);
      const body: unknown = request.body;
      return this.audit.recordQuietly({
        channel: routePath.startsWith('/webhooks') ? 'webhook' : 'api',
        actor: request.principal ? { kind: 'principal', principal: request.principal } : { kind: 'system', component: 'anonymous' },
        action: `${request.method} ${routePath}`,
        targetType: target.type,
        targetId: target.id,
        requestId: typeof request.id === 'string' ? request.id : null,
        changedFields: body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).slice(0, 50) : [],
        outcome,
      });
    };
    return next.handle().pipe(
      mergeMap((answer: unknown) => from(record(response.statusCode, answer).then(() => answer))),
      // With the database unreachable nothing was written and no record could be: answer at once.
      catchError((error: unknown) =>
        isDatabaseUnavailable(error) ? throwError(() => error) : from(record(statusOf(error), null).then(() => Promise.reject(error))),
      ),
    );
  }
}
