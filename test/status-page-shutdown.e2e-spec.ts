// Shutdown of the status page (the same drain as on SIGTERM, without the
// process exit): keep-alive connections between requests close at once; a
// client that stopped reading its responses and one whose request head never
// completes hold shutdown for the grace at most, then are closed, and every
// shutdown hook still runs. Real PostgreSQL (migrated), the real app, raw
// sockets as the clients.
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { drainAndClose } from '@app/platform';
import { SnapshotWorkerClient } from '../apps/status-page/src/snapshot/snapshot-worker-client';
import { createTestDatabase, type TestDatabase } from './support/database';
import { type RunningStatusPage, startStatusPage } from './support/status-page-app';
import { eventually } from './support/poll';

const GRACE_MS = 1500;

describe('status page shutdown', () => {
  let database: TestDatabase;
  let page: RunningStatusPage;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    page = await startStatusPage({ databaseUrl: database.url, env: { STATUS_PAGE_REFRESH_S: '3600' } });
    await eventually(async () => {
      await page.http.get('/').expect(200);
    }, 10_000);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await database.drop();
  });

  /** A raw connection that records when the server closed it. */
  const open = async (): Promise<{ socket: Socket; received: () => number; closedAt: Promise<number> }> => {
    const { port } = new URL(page.baseUrl);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const opened = connect({ host: '127.0.0.1', port: Number(port) }, () => resolve(opened));
      opened.once('error', reject);
    });
    sockets.push(socket);
    socket.on('error', () => undefined);
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    return { socket, received: () => bytes, closedAt };
  };

  it('closes idle connections at once, and a slow reader and an unfinished request head once the grace is over; every hook runs', async () => {
    const idle = await open();
    idle.socket.write('GET /api/v2/status.json HTTP/1.1\r\nHost: status.test\r\n\r\n');
    await eventually(async () => expect(idle.received()).toBeGreaterThan(0), 5000, 10);

    // Asks for the page many times over and reads nothing: the server's answers fill the socket buffers.
    const slowReader = await open();
    slowReader.socket.pause();
    slowReader.socket.write('GET / HTTP/1.1\r\nHost: status.test\r\nAccept-Encoding: identity\r\n\r\n'.repeat(400));
    const unfinished = await open();
    unfinished.socket.write('GET / HTTP/1.1\r\nHost: status.te');
    // Both have reached the server before shutdown begins: the server answers the slow reader (its first responses sit unread in
    // the client's buffer) and holds all three connections.
    const server = page.app.getHttpServer() as Server;
    const connections = () => new Promise<number>((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    await eventually(
      async () => {
        expect(slowReader.socket.readableLength).toBeGreaterThan(0);
        expect(await connections()).toBe(3);
      },
      5000,
      10,
    );

    const worker = page.app.get(SnapshotWorkerClient);
    expect(worker.thread).not.toBeNull();
    let afterCloseRan = false;
    const started = Date.now();
    await drainAndClose(page.app, {
      graceMs: GRACE_MS,
      afterClose: async () => {
        afterCloseRan = true;
      },
    });
    const took = Date.now() - started;

    expect((await idle.closedAt) - started).toBeLessThan(GRACE_MS);
    expect((await unfinished.closedAt) - started).toBeGreaterThanOrEqual(GRACE_MS - 50);
    // The slow reader (paused, so it cannot see the close yet) reads what reached it, then finds the connection closed.
    const answeredBefore = slowReader.received();
    slowReader.socket.resume();
    expect((await slowReader.closedAt) - started).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(slowReader.received()).toBeGreaterThan(answeredBefore);
    // Bounded by the grace (plus closing the worker and the database connections), not by the clients.
    expect(took).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(took).toBeLessThan(GRACE_MS + 5000);
    expect(afterCloseRan).toBe(true);
    // Nest's shutdown hooks ran: the snapshot worker is gone.
    expect(worker.thread).toBeNull();
  });
});
