import type { LoggerService } from '@nestjs/common';
import { prettyTransport, WiringQuietLogger } from './wiring-quiet-logger';

function recorder(): { logger: LoggerService; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      void calls.push([level, args]);
  return {
    calls,
    logger: { log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug'), verbose: record('verbose'), fatal: record('fatal') },
  };
}

describe('WiringQuietLogger', () => {
  it("moves Nest's module wiring and route mapping to debug, and keeps everything else as it was", () => {
    const { logger, calls } = recorder();
    const quiet = new WiringQuietLogger(logger);
    quiet.log('CatalogModule dependencies initialized', 'InstanceLoader');
    quiet.log('Mapped {/health, GET} route', 'RouterExplorer');
    quiet.log('Ballast API listening on http://127.0.0.1:3000', 'api');
    quiet.warn('careful', 'SnapshotService');
    quiet.error('broken', 'stack', 'SnapshotService');
    expect(calls).toEqual([
      ['debug', ['CatalogModule dependencies initialized', 'InstanceLoader']],
      ['debug', ['Mapped {/health, GET} route', 'RouterExplorer']],
      ['log', ['Ballast API listening on http://127.0.0.1:3000', 'api']],
      ['warn', ['careful', 'SnapshotService']],
      ['error', ['broken', 'stack', 'SnapshotService']],
    ]);
  });
});

describe('prettyTransport', () => {
  it('is pino-pretty on a terminal or when asked for, JSON lines otherwise', () => {
    expect(prettyTransport('auto', true)?.target).toBe(require.resolve('pino-pretty'));
    expect(prettyTransport('auto', false)).toBeUndefined();
    expect(prettyTransport('pretty', false)?.target).toContain('pino-pretty');
    expect(prettyTransport('json', true)).toBeUndefined();
  });
});
