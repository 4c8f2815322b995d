import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '@app/config';

/** Structured JSON logs (pino), one line per request, secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(appName: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { app: appName },
              genReqId: (request: IncomingMessage) => {
                const header = request.headers['x-request-id'];
                return typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
              },
              redact: {
                paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-slack-signature"]'],
                censor: '[redacted]',
              },
              autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health/live' || request.url === '/metrics' },
              // 503 is a deliberate answer (database unreachable, draining): a warning, not an error.
              customLogLevel: (_request: IncomingMessage, response: { statusCode: number }, error?: Error) =>
                (error || response.statusCode >= 500) && response.statusCode !== 503 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
            },
          }),
        }),
      ],
    };
  }
}
