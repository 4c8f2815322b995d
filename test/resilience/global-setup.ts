import { rmSync } from 'node:fs';
import { markRunStart, RECORD_DIR } from './report';

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  rmSync(RECORD_DIR, { recursive: true, force: true });
  markRunStart(new Date());
}
