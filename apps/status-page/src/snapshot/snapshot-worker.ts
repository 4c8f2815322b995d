// Entry point of the snapshot worker thread (started by SnapshotWorkerClient).
// Owns the PostgreSQL pool and LISTEN connection, the disk copy and all
// rendering; answers the serving thread's requests as they come (a
// render-route request may run while a refresh waits on PostgreSQL: it renders
// from the model installed at that moment, and its reply names that model's hash).
import { parentPort, workerData } from 'node:worker_threads';
import { StatusPageDatabase } from '../database/status-page-database';
import { HtmlRenderer } from '../render/html-renderer';
import { loadViewFiles } from '../render/views';
import { SnapshotBuilder } from './snapshot-builder';
import type { Envelope, LogLevel, SnapshotWorkerData, WorkerMessage } from './snapshot-protocol';
import { SnapshotStore } from './snapshot-store';
import type { WorkerLog } from './worker-log';

const port = parentPort;
if (!port) throw new Error('snapshot-worker must run as a worker thread');
const data = workerData as SnapshotWorkerData;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function logger(context: string): WorkerLog {
  const send = (level: LogLevel, message: string, error?: unknown) => {
    const details =
      error instanceof Error
        ? { message: error.message, code: (error as { code?: string }).code, stack: error.stack }
        : error === undefined
          ? undefined
          : { message: String(error) };
    post({ type: 'log', level, context, message, ...(details ? { error: details } : {}) });
  };
  return { debug: (message) => send('debug', message), log: (message) => send('log', message), warn: (message, error) => send('warn', message, error) };
}

const database = new StatusPageDatabase(data.databaseUrl, logger('StatusPageDatabase'));
const store = new SnapshotStore(data.snapshotFile, logger('SnapshotStore'));
const builder = new SnapshotBuilder(database, store, { page: data.page, html: new HtmlRenderer(loadViewFiles(), data.page) });

/** Buffers to transfer (not copy) with a reply. */
function transferables(value: unknown): ArrayBuffer[] {
  const reply = value as { snapshot?: { arena: ArrayBuffer; modelJson: ArrayBuffer }; arena?: ArrayBuffer };
  if (reply.snapshot) return [reply.snapshot.arena, reply.snapshot.modelJson];
  if (reply.arena) return [reply.arena];
  return [];
}

async function handle({ request }: Envelope): Promise<unknown> {
  switch (request.type) {
    case 'refresh':
      return builder.refresh(new Date(request.now), request.force);
    case 'load-persisted':
      return builder.loadPersisted(new Date(request.now), request.staleAfterMs);
    case 'render':
      return builder.render(request.stale);
    case 'adopt':
      builder.adopt(request.modelJson, request.stale);
      return { kind: 'adopted' };
    case 'render-route':
      return builder.renderRoute(request.route);
    case 'close':
      await builder.close();
      return { kind: 'closed' };
  }
}

port.on('message', (envelope: Envelope) => {
  handle(envelope).then(
    (value) => post({ type: 'reply', id: envelope.id, ok: true, value }, transferables(value)),
    (error: unknown) => post({ type: 'reply', id: envelope.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});

database.listen({
  onChange: () => post({ type: 'changed' }),
  onListening: () => post({ type: 'listening', listening: true }),
  onLost: () => post({ type: 'listening', listening: false }),
});
post({ type: 'ready' });
