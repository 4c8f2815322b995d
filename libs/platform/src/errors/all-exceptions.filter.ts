import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { isDatabaseUnavailable } from './database-unavailable';
import { asDomainError, ErrorResponseBody, STATUS_BY_KIND } from './error-response';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * The one exception filter: domain errors become 4xx `{ error, message, field? }`,
 * framework HTTP errors keep their status, and anything unknown becomes a 500
 * with an error id that is logged together with its cause.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toResponse(exception);
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number' && !response.headersSent)
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  toResponse(exception: unknown): { status: number; body: ErrorResponseBody } {
    const domain = asDomainError(exception);
    if (domain) {
      const body: ErrorResponseBody = { error: domain.code, message: domain.message };
      if (domain.field) body.field = domain.field;
      if (domain.details !== undefined) body.details = domain.details;
      return { status: STATUS_BY_KIND[domain.kind], body };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      // Our own shaped payloads (e.g. from the validation pipe) pass through;
      // Nest's default `{ statusCode, message, error }` is reshaped.
      if (
        typeof payload === 'object' &&
        payload !== null &&
        !('statusCode' in payload) &&
        typeof (payload as ErrorResponseBody).error === 'string' &&
        typeof (payload as ErrorResponseBody).message === 'string'
      ) {
        return { status, body: payload as ErrorResponseBody };
      }
      if (status === 400 && exception.cause instanceof SyntaxError) {
        return { status, body: { error: 'malformed_json', message: `Request body is not valid JSON: ${exception.cause.message}` } };
      }
      const nestMessage = typeof payload === 'object' && payload !== null ? (payload as { message?: unknown }).message : undefined;
      const message =
        typeof payload === 'string'
          ? payload
          : typeof nestMessage === 'string'
            ? nestMessage
            : Array.isArray(nestMessage)
              ? nestMessage.join('; ')
              : exception.message;
      return { status, body: { error: CODE_BY_STATUS[status] ?? 'http_error', message } };
    }
    const parserError = exception as BodyParserError;
    if (parserError instanceof Error && typeof parserError.type === 'string' && parserError.type.startsWith('entity.')) {
      const status = parserError.status ?? 400;
      if (parserError.type === 'entity.too.large') {
        return { status: 413, body: { error: 'payload_too_large', message: 'Request body exceeds the size limit' } };
      }
      if (parserError.type === 'entity.parse.failed') {
        return { status: 400, body: { error: 'malformed_json', message: 'Request body is not valid JSON' } };
      }
      return { status, body: { error: CODE_BY_STATUS[status] ?? 'bad_request', message: parserError.message } };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception }, 'database unavailable');
      return { status: 503, body: { error: 'database_unavailable', message: 'The database is unreachable; retry shortly' } };
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, `Unhandled error ${errorId}`);
    return {
      status: 500,
      body: { error: 'internal_error', message: `Internal error; quote error id ${errorId} when reporting it`, errorId },
    };
  }
}
