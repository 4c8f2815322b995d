import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Packages of the Nest app the snapshot worker thread has no use for (it reads PostgreSQL with pg and renders). */
const FRAMEWORK_PACKAGES = ['@nestjs/', 'typeorm', '@slack/', 'prom-client', 'pino', 'class-validator', 'class-transformer', 'rxjs'];

describe('snapshot worker thread', () => {
  it('loads none of the Nest app (its heap, and each garbage collection of it, holds only what a rebuild needs)', () => {
    const root = join(__dirname, '../../../..');
    // The modules the worker entry itself imports (read from it, so a new import is checked too), in a fresh Node process
    // resolving @app/* as the worker's own bootstrap does.
    const entry = readFileSync(join(__dirname, 'snapshot-worker.ts'), 'utf8');
    const modules = [...entry.matchAll(/^import (?!type )[^;]*? from '(\.\.?\/[^']+)';$/gm)].map((match) => join(__dirname, match[1]));
    expect(modules.length).toBeGreaterThanOrEqual(4);
    const script = `
      for (const module of ${JSON.stringify(modules)}) require(module);
      const loaded = Object.keys(require.cache).map((file) => file.split('/node_modules/').slice(1).join('/node_modules/')).filter(Boolean);
      process.stdout.write(JSON.stringify({ count: loaded.length, framework: loaded.filter((file) => ${JSON.stringify(FRAMEWORK_PACKAGES)}.some((name) => file.startsWith(name))) }));
    `;
    const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
    });
    const { count, framework } = JSON.parse(output) as { count: number; framework: string[] };
    // It did load its own packages (pg, handlebars): the check looked at a real module graph.
    expect(count).toBeGreaterThan(10);
    expect(framework).toEqual([]);
  });
});
