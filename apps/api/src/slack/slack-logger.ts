import { Logger as NestLogger } from '@nestjs/common';
import { Logger as SlackLogger, LogLevel } from '@slack/bolt';

/**
 * Routes Bolt's and the Web API client's own logging into Ballast's JSON logs
 * instead of the console. Their info chatter goes to debug: what matters is
 * logged by Ballast itself with the incident at hand.
 */
export function slackLogger(context: string): SlackLogger {
  const logger = new NestLogger(context);
  const text = (parts: unknown[]): string => parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.debug(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
