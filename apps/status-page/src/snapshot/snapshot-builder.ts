import { createHash } from 'node:crypto';
import { isDatabaseUnavailable } from '@app/platform/core';
import { buildPublicStatus, type PublicStatus } from '@app/status/core';
import { StatusPageDatabase, UPTIME_DAYS } from '../database/status-page-database';
import { ResponseArenaBuilder } from './prepared-response';
import type { SnapshotRoute } from './routes';
import { type SnapshotRenderingKit, SnapshotRendering } from './snapshot-rendering';
import type { LoadPersistedReply, RefreshReply, RenderReply, RenderRouteReply, WireSnapshot } from './snapshot-protocol';
import type { SnapshotStore } from './snapshot-store';

/**
 * The snapshot worker's state and work: the current public model, read from
 * PostgreSQL, derived, rendered (see {@link SnapshotRendering} for which
 * routes and encodings) and persisted to disk. Runs on the worker thread; what it returns is plain data
 * (plus transferable buffers) for the serving thread.
 */
export class SnapshotBuilder {
  private current: { model: PublicStatus; json: Buffer; hash: string; rendering: SnapshotRendering } | null = null;
  /**
   * The hash of the model this worker loaded from or handed to the disk copy.
   * A model adopted from a crashed worker may never have been written (its
   * save was still waiting out the interval), so it is compared with this,
   * not with the previous model.
   */
  private persistedHash: string | null = null;

  constructor(
    private readonly database: StatusPageDatabase,
    private readonly store: SnapshotStore,
    private readonly kit: SnapshotRenderingKit,
  ) {}

  async refresh(now: Date, force: boolean): Promise<RefreshReply> {
    const started = performance.now();
    let model: PublicStatus;
    let read: number;
    try {
      const source = await this.database.readStatusSource(now);
      read = performance.now();
      model = buildPublicStatus(source, { now, uptimeDays: UPTIME_DAYS });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        kind: 'failed',
        failure: {
          unreachable: isDatabaseUnavailable(error),
          message: error instanceof Error ? error.message : String(error),
          ...(typeof code === 'string' ? { code } : {}),
        },
      };
    }
    const built = performance.now();
    const json = Buffer.from(JSON.stringify(model));
    const hash = createHash('sha256').update(json).digest('base64url');
    const timings = { readMs: read - started, buildMs: built - read };
    if (hash !== this.persistedHash) {
      this.store.saveSoon(model);
      this.persistedHash = hash;
    }
    const changed = hash !== this.current?.hash;
    if (!changed && !force) return { kind: 'unchanged', timings: { ...timings, renderMs: 0 } };
    this.install(model, json, hash, false);
    const snapshot = this.wire();
    return { kind: 'changed', snapshot, timings: { ...timings, renderMs: performance.now() - built } };
  }

  /** The model persisted by an earlier process, if any, marked stale when older than `staleAfterMs`. */
  async loadPersisted(now: Date, staleAfterMs: number): Promise<LoadPersistedReply> {
    const model = await this.store.load();
    if (!model) return { kind: 'none' };
    const json = Buffer.from(JSON.stringify(model));
    const hash = createHash('sha256').update(json).digest('base64url');
    this.persistedHash = hash;
    this.install(model, json, hash, now.getTime() - Date.parse(model.generatedAt) > staleAfterMs);
    return { kind: 'loaded', snapshot: this.wire() };
  }

  /** The current model rendered again (e.g. now marked stale). */
  render(stale: boolean): RenderReply {
    if (!this.current) return { kind: 'no-model' };
    const { model, json, hash } = this.current;
    this.install(model, json, hash, stale);
    return { kind: 'rendered', snapshot: this.wire() };
  }

  /** Takes over the model a previous worker built (after a crash), without touching the disk copy. */
  adopt(modelJson: Uint8Array, stale: boolean): void {
    const json = Buffer.from(modelJson);
    this.install(JSON.parse(json.toString('utf8')) as PublicStatus, json, createHash('sha256').update(json).digest('base64url'), stale);
  }

  /** One route of the current model made on first request, in every encoding. */
  renderRoute(route: SnapshotRoute): RenderRouteReply {
    const rendering = this.current?.rendering;
    if (!rendering) throw new Error('no snapshot to render from yet');
    const arena = new ResponseArenaBuilder();
    const response = rendering.respond(route).toWire(arena);
    return { hash: this.current?.hash ?? null, stale: rendering.context.stale, arena: arena.build(), response };
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.database.close();
  }

  /** A new rendering of the model; what the last one made (ahead and on request) is reused where a body is unchanged. */
  private install(model: PublicStatus, json: Buffer, hash: string, stale: boolean): void {
    this.current = { model, json, hash, rendering: new SnapshotRendering(model, { stale }, this.kit, this.current?.rendering.responses) };
  }

  private wire(): WireSnapshot {
    const current = this.current as NonNullable<SnapshotBuilder['current']>;
    const rendered = current.rendering.renderAll();
    const arena = new ResponseArenaBuilder();
    const responses = [...rendered.responses].map(([key, response]) => [key, response.toWire(arena)] as const);
    const modelJson = new ArrayBuffer(current.json.length);
    new Uint8Array(modelJson).set(current.json);
    return {
      hash: current.hash,
      generatedAt: current.model.generatedAt,
      stale: current.rendering.context.stale,
      arena: arena.build(),
      responses,
      onDemand: rendered.onDemand,
      modelJson,
    };
  }
}
