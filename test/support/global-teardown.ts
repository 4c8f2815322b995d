import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__BALLAST_TEST_PG__;
  if (!running) return;
  await running.database.stop();
  if (running.dataDir) rmSync(running.dataDir, { recursive: true, force: true });
}
