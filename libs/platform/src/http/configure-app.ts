import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { WiringQuietLogger } from '../logging/wiring-quiet-logger';
import { isDraining } from './draining';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { createValidationPipe } from './validation';
import { findUnsafeText, unsafePathSegment } from './text-hygiene';

/**
 * What every Ballast HTTP app shares: JSON logs, body limits (413), the one
 * validation pipe and the one exception filter.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(new WiringQuietLogger(app.get(Logger)));
  app.disable('x-powered-by');
  app.use((_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    if (isDraining()) response.setHeader('Connection', 'close');
    next();
  });
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: config.HTTP_BODY_LIMIT, extended: false });
  // Deeply nested JSON would overflow the stack in validation (a 500): refuse it up front.
  app.use((request: { body?: unknown }, response: { status(code: number): { json(body: unknown): void } }, next: () => void) => {
    if (request.body && typeof request.body === 'object' && jsonDepth(request.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      response.status(400).json({ error: 'body_too_deep', message: `Request body is nested deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    next();
  });
  // NUL and lone surrogates: 400 naming the field, wherever text enters through HTTP (path, query, body).
  app.use((request: { path: string; body?: unknown; query?: unknown }, response: { status(code: number): { json(body: unknown): void } }, next: () => void) => {
    const badSegment = unsafePathSegment(request.path);
    const field = badSegment !== undefined ? 'path' : (findUnsafeText(request.query, 'query') ?? findUnsafeText(request.body));
    if (field !== undefined) {
      response.status(400).json({ error: 'invalid_text', message: `${field} contains a NUL character, a lone UTF-16 surrogate or a malformed escape`, field });
      return;
    }
    next();
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  return app;
}

/** TRUST_PROXY as Express's `trust proxy` value: a boolean, a hop count, or the address list as given. */
export function trustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
