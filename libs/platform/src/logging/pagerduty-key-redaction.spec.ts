import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_LOG_PATHS } from './logging.module';

const KEY = 'R0utingKeyNeverLogged01';

describe('a PagerDuty routing key never reaches a log line', () => {
  it('is redacted wherever a logged object carries it (a request body, a PagerDuty event)', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'info', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink);
    logger.info({ body: { name: 'Payments', pagerdutyRoutingKey: KEY } }, 'team updated');
    logger.info({ event: { routing_key: KEY, event_action: 'trigger' } }, 'PagerDuty event');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line).toContain('[redacted]');
    }
    expect(lines[0]).toContain('Payments');
  });
});
