import { Logger as NestLogger } from '@nestjs/common';
import { Logger as SlackLogger, LogLevel } from '@slack/bolt';

/**
 * Routes Bolt's and the Web API client's own logging into Ballast's JSON logs
 * instead of the console. Their info chatter goes to debug: what matters is
 * logged by Ballast itself with the incident at hand. `logLevel` is Ballast's
 * LOG_LEVEL.
 */
export function slackLogger(context: string, logLevel: string): SlackLogger {
  const logger = new NestLogger(context);
  const text = (parts: unknown[]): string =>
    parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  // The Web API client logs a few debug lines per call: not even joined into text unless they would be written.
  const debug = logLevel === 'debug' || logLevel === 'trace' ? (...parts: unknown[]) => logger.debug(text(parts)) : () => undefined;
  let level = LogLevel.INFO;
  return {
    debug,
    info: debug,
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
