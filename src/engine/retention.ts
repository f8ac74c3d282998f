/**
 * Retention, as Replicate and RunPod do it: an ended prediction's input, output, logs and files
 * are removed once it is older than its retention (the client's, or the gateway's default), and
 * it says `data_removed: true`. Files are content-addressed and shared: a blob goes only when no
 * prediction with data, no LoRA and no favourite holds it; an upload made from a data URL goes
 * when no prediction with data names it. One process sweeps at a time; a sweep stopped half-way
 * is finished by the next.
 */
import type { Logger } from "pino";
import { GatewayError } from "../core/errors.ts";
import { mapLeaves } from "../core/output.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";
import { type Uploads, uploadIdOf } from "./uploads.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const SWEEP_BATCH = 100;
/** A blob marked as being deleted this long ago belongs to a removal that stopped half-way. */
const STALE_REMOVAL_MS = 10 * 60_000;

export interface RetentionOptions {
  /** How long ended predictions keep their data by default; undefined: forever. */
  defaultMs: number | undefined;
  /** How often to look for predictions due. */
  sweepEveryMs: number;
}

export class Retention {
  private readonly store: Store;
  private readonly storage: BlobStorage;
  private readonly uploads: Uploads;
  private readonly options: RetentionOptions;
  private readonly loop: WakeableLoop;

  constructor(
    store: Store,
    storage: BlobStorage,
    uploads: Uploads,
    logger: Logger,
    options: RetentionOptions,
  ) {
    this.store = store;
    this.storage = storage;
    this.uploads = uploads;
    this.options = options;
    this.loop = new WakeableLoop(
      async () => ((await this.pass()).due === SWEEP_BATCH ? 0 : options.sweepEveryMs),
      (error) => logger.error({ err: error }, "retention sweep failed"),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * One pass: the predictions due now lose their data (unless another process is sweeping); how
   * many did.
   */
  async sweep(): Promise<number> {
    return (await this.pass()).removed;
  }

  private async pass(): Promise<{ due: number; removed: number }> {
    let due: string[] = [];
    let removed = 0;
    await this.store.retention.exclusively(async () => {
      const now = Date.now();
      await this.finishStaleRemovals(now);
      if (this.options.defaultMs !== undefined) {
        await this.store.retention.scheduleByDefault(this.options.defaultMs, now);
      }
      due = await this.store.retention.due(now, SWEEP_BATCH);
      for (const id of due) {
        const row = await this.store.predictions.get(id);
        if (!row) continue;
        if (await this.store.retention.isKept(id)) {
          // Looked at again a retention later: a favourite or a LoRA may let it go by then.
          const period = row.retentionMs ?? this.options.defaultMs ?? STALE_REMOVAL_MS;
          await this.store.retention.postpone(id, now + period);
        } else if (await this.remove(row)) {
          removed++;
        }
      }
    });
    return { due: due.length, removed };
  }

  /**
   * Removes an ended prediction's data now (`DELETE /v1/predictions/{id}/files`); the prediction as
   * it is afterwards. Removing it again changes nothing.
   */
  async removeNow(prediction: Prediction): Promise<Prediction> {
    if (!isTerminal(prediction.state)) {
      throw new GatewayError("conflict", `prediction ${prediction.id} has not ended; cancel it first`);
    }
    await this.remove(prediction);
    return (await this.store.predictions.get(prediction.id)) ?? prediction;
  }

  /** True when this call removed the data (false: it was removed already). */
  private async remove(row: Prediction): Promise<boolean> {
    if (row.dataRemovedAt) return false;
    // Uploads first: a removal that stops half-way is done again, and finds them gone.
    await this.removeInputUploads(row);
    const route = row.route ? JSON.stringify({ ...row.route, request: {} }) : null;
    const removal = await this.store.retention.remove(row.id, { input: {}, route }, Date.now());
    if (!removal) return false;
    for (const key of removal.orphanKeys) await this.deleteBlob(key);
    return true;
  }

  /** The uploads gengate made of the prediction's data URLs that no prediction with data names any more. */
  private async removeInputUploads(row: Prediction): Promise<void> {
    const ids = new Set<string>();
    const collect = (value: unknown) =>
      mapLeaves(
        value,
        (leaf): leaf is string => typeof leaf === "string",
        (leaf) => {
          const id = uploadIdOf(leaf);
          if (id !== undefined) ids.add(id);
          return leaf;
        },
      );
    await collect(row.input);
    await collect(row.route?.request);
    for (const id of ids) {
      const file = await this.store.files.get(id);
      // Uploads the client made through the files API keep their own lifetime.
      if (!file || file.metadata.prediction === undefined) continue;
      if (await this.store.retention.inputNamedElsewhere(row.id, `/v1/files/${id}`)) continue;
      await this.uploads.remove(file);
    }
  }

  private async deleteBlob(key: string): Promise<void> {
    await this.storage.delete(key);
    await this.store.retention.removed(key);
  }

  private async finishStaleRemovals(now: number): Promise<void> {
    for (const key of await this.store.retention.staleRemovals(now - STALE_REMOVAL_MS, SWEEP_BATCH)) {
      // A prediction that stored the same bytes meanwhile holds the blob, and stores it again.
      if (await this.store.retention.isOrphan(key)) await this.deleteBlob(key);
      else await this.store.retention.removed(key);
    }
  }
}
