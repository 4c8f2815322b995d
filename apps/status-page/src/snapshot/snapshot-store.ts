import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { PublicStatus } from '@app/status/core';
import type { WorkerLog } from './worker-log';

interface PersistedSnapshot {
  readonly kind: 'ballast-status-snapshot';
  readonly savedAt: string;
  readonly model: PublicStatus;
}

/**
 * Keeps the last public model on disk (STATUS_PAGE_SNAPSHOT_FILE, by default
 * under DATA_DIR), so that a status page started while PostgreSQL is down can
 * still serve what it last knew. The model holds public material only. Writes
 * are atomic (temp file + rename) and serialised. Used by the snapshot worker.
 */
/** At most one write per this interval: while an incident is updated every second the disk copy may lag by this much. */
export const SNAPSHOT_SAVE_INTERVAL_MS = 5000;

export class SnapshotStore {
  private writing: Promise<void> = Promise.resolve();
  private pending: PublicStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSaveAt = 0;

  constructor(
    private readonly file: string,
    private readonly logger: WorkerLog,
  ) {}

  /** Saves the latest model now, or once the save interval has passed (later models replace earlier ones). */
  saveSoon(model: PublicStatus): void {
    this.pending = model;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSaveAt + SNAPSHOT_SAVE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
    this.timer.unref();
  }

  /** Writes the pending model, if any. */
  flush(): Promise<void> {
    const model = this.pending;
    this.pending = null;
    if (model) {
      this.lastSaveAt = Date.now();
      return this.save(model);
    }
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  get path(): string {
    return this.file;
  }

  async load(): Promise<PublicStatus | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`cannot read the persisted snapshot ${this.file}`, error);
      return null;
    }
    try {
      const parsed = JSON.parse(text) as Partial<PersistedSnapshot>;
      if (parsed.kind !== 'ballast-status-snapshot' || !isPublicStatus(parsed.model)) throw new Error('not a Ballast status snapshot of a known format');
      return parsed.model;
    } catch (error) {
      this.logger.warn(`ignoring the unreadable persisted snapshot ${this.file}`, error);
      return null;
    }
  }

  save(model: PublicStatus): Promise<void> {
    this.writing = this.writing.then(async () => {
      const temporary = `${this.file}.${process.pid}-${threadId}.tmp`;
      try {
        await mkdir(dirname(this.file), { recursive: true });
        const document: PersistedSnapshot = { kind: 'ballast-status-snapshot', savedAt: new Date().toISOString(), model };
        await writeFile(temporary, JSON.stringify(document), { mode: 0o644 });
        await rename(temporary, this.file);
      } catch (error) {
        this.logger.warn(`cannot persist the snapshot to ${this.file}`, error);
      }
    });
    return this.writing;
  }
}

function isPublicStatus(value: unknown): value is PublicStatus {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<PublicStatus>;
  return (
    model.formatVersion === 1 &&
    typeof model.generatedAt === 'string' &&
    !Number.isNaN(Date.parse(model.generatedAt)) &&
    typeof model.overall === 'object' &&
    Array.isArray(model.components) &&
    Array.isArray(model.groups) &&
    Array.isArray(model.incidents) &&
    Array.isArray(model.maintenances)
  );
}
