import { resolve } from 'node:path';
import { writeReport } from './report';

export default async function globalTeardown(): Promise<void> {
  writeReport(resolve(__dirname, '../../bench/RESILIENCE.md'));
}
