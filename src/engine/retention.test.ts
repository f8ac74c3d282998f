/**
 * Retention against real SQLite and PostgreSQL and real files: the race of a removal with a new
 * prediction storing the same bytes, forced step by step with a storage whose deletes wait; what
 * keeps a prediction whole; and two processes sweeping the same database.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  backends,
  describeEachBackend,
  pgUnavailable,
  REQUIRE_BACKENDS,
  type TestDatabase,
} from "../../test/support/backends.ts";
import { prediction } from "../../test/support/prediction-fixture.ts";
import { fileRef } from "../core/output.ts";
import { outputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import { LocalStorage } from "../storage/local-storage.ts";
import { createStore, type Store } from "../store/index.ts";
import { collectOutputs, holdOutput } from "./collector.ts";
import { Retention } from "./retention.ts";
import { Uploads } from "./uploads.ts";

const logger = pino({ level: "silent" });

/** Local storage whose deletes wait until `release()`, announcing each through `deleting`. */
class GatedStorage extends LocalStorage {
  #gate: Promise<void> | undefined;
  #open = () => {};
  #announce: (key: string) => void = () => {};
  deleting: Promise<string> = Promise.resolve("");

  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
    this.deleting = new Promise((resolve) => {
      this.#announce = resolve;
    });
  }

  release(): void {
    this.#open();
    this.#gate = undefined;
  }

  override async delete(key: string): Promise<void> {
    this.#announce(key);
    await this.#gate;
    await super.delete(key);
  }
}

function retentionOf(store: Store, storage: BlobStorage, defaultMs?: number): Retention {
  const uploads = new Uploads(store, storage, logger);
  return new Retention(store, storage, uploads, logger, { defaultMs, sweepEveryMs: 60_000 });
}

/** A succeeded prediction whose output is `bytes`, stored and held as the collector does. */
async function ended(store: Store, storage: BlobStorage, bytes: string) {
  const row = prediction({ state: "succeeded", completedAt: Date.now() - 60_000 });
  const { key } = await storage.put(Buffer.from(bytes), "png");
  await store.predictions.insert({ ...row, output: [fileRef(key)] });
  await holdOutput(store, storage, row.id, key);
  return { row: { ...row, output: [fileRef(key)] }, key };
}

describeEachBackend("Retention", (open) => {
  async function setup(database?: TestDatabase) {
    const store = createStore(database ?? (await open()));
    const storage = new GatedStorage(mkdtempSync(join(tmpdir(), "gengate-retention-")));
    return { store, storage, retention: retentionOf(store, storage) };
  }

  it("makes a prediction storing the same bytes during a removal store them again", async () => {
    const { store, storage, retention } = await setup();
    const old = await ended(store, storage, "the same bytes");
    storage.hold();
    const removal = retention.removeNow(old.row);
    expect(await storage.deleting).toBe(old.key);

    // The new prediction's bytes land on the old blob's key while it is being deleted.
    const fresh = prediction({ state: "running" });
    await store.predictions.insert(fresh);
    const again = await storage.put(Buffer.from("the same bytes"), "png");
    expect(again.key).toBe(old.key);
    await expect(holdOutput(store, storage, fresh.id, again.key)).rejects.toMatchObject({ retryable: true });

    storage.release();
    expect((await removal).dataRemovedAt).toBeGreaterThan(0);
    expect(await storage.stat(old.key)).toBeNull();

    // Collected again: stored, held, and kept by later removals.
    await storage.put(Buffer.from("the same bytes"), "png");
    await holdOutput(store, storage, fresh.id, old.key);
    const other = await ended(store, storage, "the same bytes");
    await retention.removeNow(other.row);
    expect(await storage.stat(old.key)).toEqual({ size: 14 });
  });

  it("holds output bytes in hand before storing them: collected during a removal of the same bytes, they are stored once it ends", async () => {
    const { store, storage, retention } = await setup();
    const old = await ended(store, storage, "bytes in hand");
    storage.hold();
    const removal = retention.removeNow(old.row);
    expect(await storage.deleting).toBe(old.key);

    const fresh = prediction({ state: "running" });
    await store.predictions.insert(fresh);
    const output = [outputFile("image/png", "png", async () => Buffer.from("bytes in hand"))];
    await expect(collectOutputs(output, store, storage, fresh.id)).rejects.toMatchObject({ retryable: true });

    storage.release();
    await removal;
    expect(await storage.stat(old.key)).toBeNull();
    // The retried collection holds them first, so a later removal of another holder leaves them.
    expect(await collectOutputs(output, store, storage, fresh.id)).toEqual([fileRef(old.key)]);
    const other = await ended(store, storage, "bytes in hand");
    await retention.removeNow(other.row);
    expect(await storage.stat(old.key)).toEqual({ size: 13 });
  });

  it("leaves a blob that a prediction held before the removal looked", async () => {
    const { store, storage, retention } = await setup();
    const old = await ended(store, storage, "shared bytes");
    const kept = await ended(store, storage, "shared bytes");
    const removed = await retention.removeNow(old.row);
    expect(removed).toMatchObject({ output: null, input: {}, logs: "" });
    expect(await storage.stat(kept.key)).toEqual({ size: 12 });
    await retention.removeNow(kept.row);
    expect(await storage.stat(kept.key)).toBeNull();
  });

  it("finishes a removal that stopped half-way, unless a prediction holds the blob again", async () => {
    const { store, storage, retention } = await setup();
    const gone = await ended(store, storage, "bytes of a crashed removal");
    const back = await ended(store, storage, "bytes stored again meanwhile");
    // Both were marked as being deleted by a removal that died before deleting them.
    const longAgo = Date.now() - 11 * 60_000;
    for (const { row } of [gone, back])
      await store.retention.remove(row.id, { input: {}, route: null }, longAgo);
    const fresh = prediction({ state: "running" });
    await store.predictions.insert(fresh);
    expect(await store.retention.hold(fresh.id, back.key)).toBe(true);

    await retention.sweep();
    expect(await storage.stat(gone.key)).toBeNull();
    expect(await storage.stat(back.key)).not.toBeNull();
    expect(await store.retention.staleRemovals(Date.now(), 10)).toEqual([]);
    expect(await store.retention.hold(fresh.id, back.key)).toBe(false);
  });

  it("keeps a favourite whole and looks at it again a retention later", async () => {
    const database = await open();
    const store = createStore(database);
    const storage = new GatedStorage(mkdtempSync(join(tmpdir(), "gengate-retention-")));
    const retention = retentionOf(store, storage, 1_000);
    const liked = await ended(store, storage, "a favourite");
    const plain = await ended(store, storage, "not a favourite");
    await store.gallery.favorite("tok_viewer", liked.row.id, 0);
    const before = Date.now();
    expect(await retention.sweep()).toBe(1);
    expect((await store.predictions.get(plain.row.id))?.dataRemovedAt).toBeGreaterThan(0);
    expect((await store.predictions.get(liked.row.id))?.dataRemovedAt).toBeUndefined();
    expect(await storage.stat(liked.key)).not.toBeNull();
    expect(await store.retention.due(before + 999, 10)).toEqual([]);
    expect(await store.retention.due(Date.now() + 1_000, 10)).toEqual([liked.row.id]);
  });
});

// SQLite serves one process (the data folder is locked), so only PostgreSQL has others to exclude.
const postgres = backends.find((backend) => backend.name === "postgres");
describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)(
  "Retention across processes [postgres]",
  () => {
    const open = () => {
      if (!postgres) throw new Error("no PostgreSQL backend");
      return postgres.open();
    };

    it("removes each prediction once when two processes sweep the same database", async () => {
      const database = await open();
      const first = createStore(database);
      const second = createStore(await database.reopen());
      const storage = new GatedStorage(mkdtempSync(join(tmpdir(), "gengate-retention-")));
      const rows = await Promise.all(
        Array.from({ length: 12 }, (_, i) => ended(first, storage, `bytes ${i}`)),
      );
      const counts = await Promise.all([
        retentionOf(first, storage, 1_000).sweep(),
        retentionOf(second, storage, 1_000).sweep(),
      ]);
      expect(counts[0] + counts[1]).toBe(rows.length);
      for (const { row, key } of rows) {
        expect((await first.predictions.get(row.id))?.dataRemovedAt).toBeGreaterThan(0);
        expect(await storage.stat(key)).toBeNull();
      }
    });

    it("lets one process sweep at a time", async () => {
      const database = await open();
      const first = createStore(database);
      const second = createStore(await database.reopen());
      const inner = await first.retention.exclusively(async () => {
        expect(await second.retention.exclusively(async () => {})).toBe(false);
      });
      expect(inner).toBe(true);
      expect(await second.retention.exclusively(async () => {})).toBe(true);
    });
  },
);
