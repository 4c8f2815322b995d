import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database-unavailable';
import { DomainError, RateLimitedError } from './domain-error';
import { domainErrorBody, ErrorResponseBody, httpStatusOf, reportInternalError } from './error-response';

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
 * The one exception filter (the API's and the status page's): a DomainError
 * (recognised by class) gets the status of its kind (httpStatusOf) and
 * `{ error, message, field? }`, framework HTTP errors keep their status, and
 * anything unknown takes the one 500 path (reportInternalError: logged with its
 * cause, an error id and the request id; a generic body).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request | undefined>();
    const requestId = request?.id === undefined || request.id === null ? undefined : String(request.id);
    const { status, body } = this.toResponse(exception, requestId);
    if (exception instanceof RateLimitedError && !response.headersSent)
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  toResponse(exception: unknown, requestId?: string): { status: number; body: ErrorResponseBody } {
    if (exception instanceof DomainError) return { status: httpStatusOf(exception.kind), body: domainErrorBody(exception) };
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
    const { status, body } = reportInternalError(this.logger, exception, { requestId });
    return { status, body };
  }
}
