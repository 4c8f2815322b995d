import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { isDraining } from './draining';
import { createValidationPipe } from './validation';

/**
 * What every Ballast HTTP app shares: JSON logs, body limits (413), the one
 * validation pipe and the one exception filter.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.use((_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    if (isDraining()) response.setHeader('Connection', 'close');
    next();
  });
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: config.HTTP_BODY_LIMIT, extended: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  return app;
}
