// `npm run bench [-- <name>...]`: runs every bench/*.bench.ts (or the named
// ones) one after another, each in its own Node process so that one
// benchmark's servers and memory never skew the next one's figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const wanted = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)))
  .sort();

if (benches.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const bench of benches) {
  process.stdout.write(`\n=== ${bench} ===\n`);
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(__dirname, bench)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC', TS_NODE_PROJECT: join(root, 'tsconfig.json') },
  });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`${bench} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
