// Every migration, in order. The apps apply these before serving; the TypeORM
// CLI (migrations/data-source.ts) uses the same list.
import { Foundation1795484075858 } from './1795484075858-Foundation';

export const MIGRATIONS: Function[] = [Foundation1795484075858];
