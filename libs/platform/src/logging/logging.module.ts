import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type Options as PinoHttpOptions } from 'pino-http';
import { AppConfig } from '@app/config';
import { prettyTransport } from './wiring-quiet-logger';

export interface LoggingOptions {
  /**
   * Bind each request's logger to its async context (nestjs-pino's
   * AsyncLocalStorage), so that log lines written while handling a request
   * carry its id. On Node 20 the first AsyncLocalStorage.run() turns on async
   * hooks for every async resource of the process, for good: ~8 µs more per
   * request on the status page's prepared-bytes path, about a seventh of its
   * cost (CPU profile, bench/RESULTS.md). The status page, whose Nest routes
   * only answer /health, /metrics and unknown paths, turns it off: those
   * requests are still logged, one line each, without the binding.
   */
  requestContext: boolean;
}

/**
 * Every place a token can travel through a logged request or response: the
 * Authorization header, the dashboard cookie (request `cookie`, response
 * `set-cookie`), Slack's signature, and request bodies (the sign-in form's
 * `token`, in case a body is ever logged). Exported for its spec.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'req.headers["proxy-authorization"]',
  'req.body.token',
  'req.body',
  'res.headers["set-cookie"]',
  'res.headers.authorization',
  '*.pagerdutyRoutingKey',
  '*.routing_key',
];

/** Tokens in a query string (`?token=...`) never reach the log either. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(/([?&](?:token|access_token|api_key)=)[^&#]*/gi, '$1[redacted]').replace(/blst_[A-Za-z0-9_-]{20,}/g, '[redacted]');
}

export function requestLogOptions(config: AppConfig, appName: string): PinoHttpOptions<IncomingMessage, ServerResponse> {
  return {
    level: config.LOG_LEVEL,
    base: { app: appName },
    // No pino-pretty thread for a silent logger (the tests' apps, even when run from a terminal).
    transport: config.LOG_LEVEL === 'silent' ? undefined : prettyTransport(config.LOG_FORMAT, Boolean(process.stdout.isTTY)),
    genReqId: (request: IncomingMessage) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
    },
    redact: {
      paths: REDACTED_LOG_PATHS,
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { url?: string }) => ({ ...request, url: redactUrl(request.url) }),
    },
    autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health/live' || request.url === '/metrics' },
    // 503 is a deliberate answer (database unreachable, draining): a warning, not an error.
    customLogLevel: (_request: IncomingMessage, response: { statusCode: number }, error?: Error) =>
      (error || response.statusCode >= 500) && response.statusCode !== 503 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
  };
}

/** Every route, as nestjs-pino mounts its own middleware. */
const ALL_ROUTES = [{ path: '{/*splat}', method: RequestMethod.ALL }];

/** Request logging without the async-context binding: pino-http on the application's root logger. */
@Module({})
class ContextFreeRequestLogging implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    const { level: _level, base: _base, ...options } = requestLogOptions(this.config, '');
    // Built at the first request: nestjs-pino sets the root logger (level, base fields) while the modules are configured.
    let logRequest: ReturnType<typeof pinoHttp<IncomingMessage, ServerResponse>> | undefined;
    consumer
      .apply((request: IncomingMessage, response: ServerResponse, next: () => void) =>
        (logRequest ??= pinoHttp({ ...options, logger: PinoLogger.root }))(request, response, next),
      )
      .forRoutes(...ALL_ROUTES);
  }
}

/** Structured JSON logs (pino), one line per request, secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(appName: string, options: LoggingOptions = { requestContext: true }): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          // Without request context nestjs-pino's own middleware (the one that runs the AsyncLocalStorage) is mounted on no route.
          useFactory: (config: AppConfig) => ({ pinoHttp: requestLogOptions(config, appName), ...(options.requestContext ? {} : { forRoutes: [] }) }),
        }),
        ...(options.requestContext ? [] : [ContextFreeRequestLogging]),
      ],
    };
  }
}
