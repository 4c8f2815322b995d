import { loadConfig } from '@app/config';
import { FixedClock, MetricsRegistry } from '@app/platform';
import type { StatusPageRenderer } from '../render/status-page-renderer';
import { PreparedResponse, ResponseArenaBuilder } from './prepared-response';
import type { SnapshotRoute } from './routes';
import type { RenderRouteReply, WireSnapshot, WorkerRequest } from './snapshot-protocol';
import type { SnapshotWorkerClient } from './snapshot-worker-client';
import { SnapshotService } from './snapshot.service';

const OLD_INCIDENT: SnapshotRoute = { kind: 'incident', id: '0b6f4a4e-5f1b-4c8e-9a55-0a7c1bd3e2f1' };
const HTML = { contentType: 'text/html; charset=utf-8', compressible: true } as const;

/** A snapshot as the worker sends it: `/`, the 404s, and one old incident page left to be made on request. */
function wireSnapshot(hash: string): WireSnapshot {
  const arena = new ResponseArenaBuilder();
  const notFound = (family: string) => PreparedResponse.of(`no such ${family}`, { status: 404, contentType: 'text/plain' }).toWire(arena);
  const responses: WireSnapshot['responses'] = [
    ['home', PreparedResponse.of(`<p>home ${hash}</p>`.repeat(100), HTML).toWire(arena)],
    ['404:html', notFound('page')],
    ['404:json', notFound('document')],
    ['404:svg', notFound('badge')],
  ];
  return {
    hash,
    generatedAt: '2026-12-01T10:00:00.000Z',
    stale: false,
    arena: arena.build(),
    responses,
    onDemand: [`incident:${(OLD_INCIDENT as { id: string }).id}`],
    modelJson: new ArrayBuffer(2),
  };
}

/** The worker as the service sees it: refreshes answered at once, each render-route held until the test answers it. */
class FakeWorker {
  readonly thread = {};
  readonly renders: Array<{ request: Extract<WorkerRequest, { type: 'render-route' }>; answer: (hash: string, body: string) => void }> = [];
  next: WireSnapshot | null = null;

  start(): Promise<void> {
    return Promise.resolve();
  }

  request(request: WorkerRequest): Promise<unknown> {
    switch (request.type) {
      case 'load-persisted':
        return Promise.resolve({ kind: 'none' });
      case 'refresh': {
        const snapshot = this.next;
        this.next = null;
        const timings = { readMs: 1, buildMs: 1, renderMs: 1 };
        return Promise.resolve(snapshot ? { kind: 'changed', snapshot, timings } : { kind: 'unchanged', timings });
      }
      case 'render-route':
        return new Promise((resolve) => {
          this.renders.push({
            request,
            answer: (hash, body) => {
              const arena = new ResponseArenaBuilder();
              const response = PreparedResponse.of(body, HTML).toWire(arena);
              const reply: RenderRouteReply = { hash, stale: false, arena: arena.build(), response };
              resolve(reply);
            },
          });
        });
      default:
        return Promise.resolve({ kind: 'closed' });
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function startService(): Promise<{ service: SnapshotService; worker: FakeWorker }> {
  const worker = new FakeWorker();
  worker.next = wireSnapshot('first');
  const config = loadConfig({ PUBLIC_STATUS_URL: 'https://status.example.com', STATUS_PAGE_SNAPSHOT_FILE: '/nonexistent/ballast-snapshot.json' });
  const renderer = { page: { id: 'abcdefabcdef', name: 'Acme', url: 'https://status.example.com', timeZone: 'UTC' } } as unknown as StatusPageRenderer;
  const service = new SnapshotService(
    config,
    new FixedClock(new Date('2026-12-01T10:00:00Z')),
    worker as unknown as SnapshotWorkerClient,
    renderer,
    'postgres://unused',
    new MetricsRegistry(),
  );
  await service.onApplicationBootstrap();
  return { service, worker };
}

describe('SnapshotService.renderOnDemand', () => {
  let running: SnapshotService | null = null;
  afterEach(async () => {
    await running?.onModuleDestroy();
    running = null;
  });

  it('asks the worker once for concurrent requests of the same route, and keeps what it made in the served snapshot', async () => {
    const { service, worker } = await startService();
    running = service;
    expect(service.current()?.lookup(OLD_INCIDENT)).toBeNull();
    const first = service.renderOnDemand(OLD_INCIDENT);
    const second = service.renderOnDemand(OLD_INCIDENT);
    expect(second).toBe(first);
    expect(worker.renders.map((render) => render.request.route)).toEqual([OLD_INCIDENT]);

    worker.renders[0].answer('first', '<p>old incident</p>'.repeat(100));
    const made = await first;
    expect(made.body.toString()).toBe('<p>old incident</p>'.repeat(100));
    // Made in every encoding at once.
    expect(made.variant('br').headers).toContain('br');
    expect(service.current()?.lookup(OLD_INCIDENT)?.body.toString()).toBe('<p>old incident</p>'.repeat(100));

    // Settled renders are forgotten: a later request asks again.
    void service.renderOnDemand(OLD_INCIDENT);
    expect(worker.renders).toHaveLength(2);
    worker.renders[1].answer('first', '<p>old incident</p>');
  });

  it('does not put a page made from an older model into the snapshot that replaced it, and renders again for the new one', async () => {
    const { service, worker } = await startService();
    running = service;
    const before = service.renderOnDemand(OLD_INCIDENT);
    worker.next = wireSnapshot('second');
    await service.refreshNow();
    expect(service.current()?.hash).toBe('second');
    // Same route, another snapshot: not the render still running for the old one.
    const after = service.renderOnDemand(OLD_INCIDENT);
    expect(after).not.toBe(before);
    expect(worker.renders).toHaveLength(2);

    worker.renders[0].answer('first', '<p>from the first model</p>');
    expect((await before).body.toString()).toBe('<p>from the first model</p>');
    expect(service.current()?.lookup(OLD_INCIDENT)).toBeNull();
    worker.renders[1].answer('second', '<p>from the second model</p>');
    await after;
    expect(service.current()?.lookup(OLD_INCIDENT)?.body.toString()).toBe('<p>from the second model</p>');
  });

  it('refuses before there is any snapshot', async () => {
    const worker = new FakeWorker();
    const config = loadConfig({ PUBLIC_STATUS_URL: 'https://status.example.com' });
    const service = new SnapshotService(
      config,
      new FixedClock(new Date()),
      worker as unknown as SnapshotWorkerClient,
      { page: {} } as unknown as StatusPageRenderer,
      'postgres://unused',
      new MetricsRegistry(),
    );
    await expect(service.renderOnDemand(OLD_INCIDENT)).rejects.toThrow('no snapshot yet');
    expect(worker.renders).toEqual([]);
  });
});
