import type { LoggerService } from '@nestjs/common';

/** Nest's contexts that narrate module wiring and route mapping at start-up (~60 lines): debug, not info. */
export const WIRING_CONTEXTS: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * The app's logger as Nest uses it, with Nest's own start-up narration
 * (modules initialised, routes mapped) moved to debug, so `npm start` shows
 * what matters (listening on, the admin token, warnings) first.
 */
export class WiringQuietLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && WIRING_CONTEXTS.has(context) && this.inner.debug) this.inner.debug(message, ...optionalParams);
    else this.inner.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug?.(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose?.(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    if (this.inner.fatal) this.inner.fatal(message, ...optionalParams);
    else this.inner.error(message, ...optionalParams);
  }
}

/** pino's transport for LOG_FORMAT: pino-pretty for `pretty`, or for `auto` on a terminal; none (JSON lines) otherwise. */
export function prettyTransport(format: string, stdoutIsTty: boolean): { target: string; options: Record<string, unknown> } | undefined {
  const pretty = format === 'pretty' || (format === 'auto' && stdoutIsTty);
  return pretty
    ? { target: require.resolve('pino-pretty'), options: { colorize: stdoutIsTty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' } }
    : undefined;
}
