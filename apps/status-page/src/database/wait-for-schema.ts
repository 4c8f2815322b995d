import { Client } from 'pg';

/** The tables the status page reads (libs/status read model, LISTEN aside). The API app creates them: it runs the migrations. */
export const STATUS_PAGE_TABLES = [
  'status_component_groups',
  'status_components',
  'status_component_slos',
  'status_component_history',
  'status_maintenances',
  'status_maintenance_components',
  'incidents',
  'incident_affected_components',
  'incident_timeline_events',
] as const;

export type SchemaProbe =
  { readonly kind: 'ready' } | { readonly kind: 'missing'; readonly tables: readonly string[] } | { readonly kind: 'unreachable'; readonly message: string };

/** Which of the status page's tables are missing in the database at `url` (one short connection). */
export async function probeSchema(url: string): Promise<SchemaProbe> {
  const client = new Client({ connectionString: url, application_name: 'ballast-status-page', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return { kind: 'unreachable', message: error instanceof Error ? error.message : String(error) };
  }
  try {
    const rows = (await client.query<{ name: string }>('SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL', [STATUS_PAGE_TABLES]))
      .rows;
    return rows.length === 0 ? { kind: 'ready' } : { kind: 'missing', tables: rows.map((row) => row.name) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface WaitForSchemaOptions {
  readonly probe: () => Promise<SchemaProbe>;
  readonly log: (message: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly retryMs: number;
}

/**
 * The status page never migrates (it is read-only; the API app runs the
 * migrations): it waits, retrying, until the tables it reads exist, saying so
 * once and then every tenth attempt. Returns 'ready', or 'unreachable' when
 * PostgreSQL cannot be reached at all — the status page then starts anyway,
 * serving its persisted snapshot while its worker keeps retrying.
 */
export async function waitForSchema({ probe, log, sleep, retryMs }: WaitForSchemaOptions): Promise<'ready' | 'unreachable'> {
  for (let attempt = 0; ; attempt++) {
    const result = await probe();
    if (result.kind === 'ready') {
      if (attempt > 0) log('the database schema is ready');
      return 'ready';
    }
    if (result.kind === 'unreachable') {
      log(`cannot reach the database (${result.message}); starting from the persisted snapshot`);
      return 'unreachable';
    }
    if (attempt % 10 === 0)
      log(`waiting for the API to migrate the database (missing tables: ${result.tables.join(', ')}); retrying every ${retryMs / 1000} s`);
    await sleep(retryMs);
  }
}
