/**
 * The delivery origin (replicate.delivery): output files at unguessable paths, public, gone
 * after the output TTL.
 */
import { Hono } from "hono";
import type { FakeEnv, FakeState } from "./context.ts";
import { urlToken } from "./ids.ts";
import { recordRequests } from "./recorder.ts";
import type { RecordedRequest } from "./types.ts";

interface DeliveredFile {
  bytes: Uint8Array;
  contentType: string;
  expiresAt: number;
}

export class DeliveryStore {
  /** Set once the delivery server listens. */
  baseUrl = "";
  readonly #files = new Map<string, DeliveredFile>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  /** Stores a file; returns its public URL. */
  put(name: string, bytes: Uint8Array, contentType: string): string {
    this.#sweep();
    const path = `/xezq/${urlToken()}/${name}`;
    this.#files.set(path, { bytes, contentType, expiresAt: Date.now() + this.#ttlMs });
    return `${this.baseUrl}${path}`;
  }

  get(path: string): DeliveredFile | undefined {
    const file = this.#files.get(path);
    if (file && Date.now() >= file.expiresAt) {
      this.#files.delete(path);
      return undefined;
    }
    return file;
  }

  /** Files expire in insertion order: drop the expired ones at the front. */
  #sweep(): void {
    const now = Date.now();
    for (const [path, file] of this.#files) {
      if (file.expiresAt > now) return;
      this.#files.delete(path);
    }
  }
}

export function deliveryApp(
  store: DeliveryStore,
  log: RecordedRequest[],
  { faults, scheduler }: Pick<FakeState, "faults" | "scheduler">,
): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  app.use(recordRequests(log));
  app.get("*", async (c) => {
    const delayMs = faults.takeSlowDelivery();
    if (delayMs > 0) await scheduler.sleep(delayMs);
    const failure = faults.takeDeliveryError();
    if (failure !== undefined) return c.text("Service Unavailable", failure as 503);
    const file = store.get(c.req.path);
    if (!file) return c.text("Not Found", 404);
    return c.body(Buffer.from(file.bytes), 200, {
      "Content-Type": file.contentType,
      "Cache-Control": "public, max-age=3600",
    });
  });
  return app;
}
