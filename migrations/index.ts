// Every migration, in order. The apps apply these before serving; the TypeORM
// CLI (migrations/data-source.ts) uses the same list.
import { Foundation1795484075858 } from './1795484075858-Foundation';
import { Incidents1795484267715 } from './1795484267715-Incidents';

export const MIGRATIONS: Function[] = [Foundation1795484075858, Incidents1795484267715];
