import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { describeEachBackend } from "../../../test/support/backends.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { until } from "../../../test/support/until.ts";
import { ConfigError } from "../../core/env-config.ts";
import type { Database } from "../../store/index.ts";
import type { Provider, ProviderContext, ProviderDeps, StatusResult } from "../provider.ts";
import { createLocalProvider } from "./local-provider.ts";

const image = await sharp({ create: { width: 16, height: 8, channels: 3, background: "#336699" } })
  .png()
  .toBuffer();
const ctx: ProviderContext = { readInput: async () => ({ data: image, contentType: "image/png" }) };
const upscale = (predictionId: string) => ({
  predictionId,
  submitId: `${predictionId}-s`,
  providerModel: "upscale",
  input: { image: "data:", quality: "fast", scale: 2 },
});

const opened: Provider[] = [];
afterEach(async () => {
  for (const provider of opened.splice(0)) await provider.close?.();
});

/** A local provider over `database`, as a gengate process of its own would have it. */
async function local(database: Database, env: Record<string, string> = {}): Promise<Provider> {
  const provider = createLocalProvider(
    { LOCAL_CONCURRENCY: "1", ...env },
    await providerDeps("local", { database }),
  ) as Provider;
  opened.push(provider);
  return provider;
}

/** The status of `operation` at `provider` once it has ended. */
function ended(provider: Provider, operation: unknown): Promise<StatusResult> {
  return until(async () => {
    const status = await provider.status(operation, ctx);
    return ["starting", "processing"].includes(status.state) ? undefined : status;
  }, 10_000);
}

describe("createLocalProvider", () => {
  let deps: ProviderDeps;
  let provider: Provider;
  beforeAll(async () => {
    deps = await providerDeps("local");
    provider = createLocalProvider({ LOCAL_CONCURRENCY: "1" }, deps) as Provider;
  });
  afterAll(() => provider.close?.());

  it("is on unless LOCAL_TOOLS=off, and names a bad setting", () => {
    expect(provider.id).toBe("local");
    expect(provider.concurrency).toBe(2);
    expect(createLocalProvider({ LOCAL_TOOLS: "off" }, deps)).toBeNull();
    expect(() => createLocalProvider({ LOCAL_TOOLS: "maybe" }, deps)).toThrow(ConfigError);
    expect(() => createLocalProvider({ LOCAL_CONCURRENCY: "0" }, deps)).toThrow(/^LOCAL_CONCURRENCY: /);
    expect(() => createLocalProvider({ LOCAL_TAKEOVER_SECONDS: "0" }, deps)).toThrow(
      /^LOCAL_TAKEOVER_SECONDS: must be a positive number of seconds/,
    );
  });

  it("lists its two tools with Cog input schemas, found by name or version", async () => {
    const models = await provider.listModels();
    expect(models.map((m) => `${m.owner}/${m.name}`)).toEqual(["local/remove-background", "local/upscale"]);
    const model = await provider.getModel({ kind: "model", owner: "local", name: "upscale" });
    expect(model?.inputSchema).toMatchObject({
      required: ["image"],
      properties: { scale: { enum: [2, 4], default: 2 }, quality: { default: "balanced" } },
    });
    const byVersion = await provider.getModel({ kind: "bare-version", version: model?.versionId ?? "" });
    expect(byVersion?.name).toBe("upscale");
    expect(await provider.getModel({ kind: "model", owner: "local", name: "nope" })).toBeNull();
  });

  it("finds its weights on disk", async () => {
    expect(await provider.check?.()).toMatchObject({ reachable: true, authenticated: null });
  });
});

describeEachBackend("a local job", (open) => {
  it("is found again by its prediction while this process holds it", async () => {
    const provider = await local(await open());
    const started = await provider.start(upscale("p-1"), ctx);
    expect(await provider.find?.("p-1", ctx)).toEqual(started);
    expect(await provider.find?.("p-2", ctx)).toBeNull();
    const status = await ended(provider, started.operation);
    expect(status).toMatchObject({ state: "succeeded", logs: "Lanczos ×2: 16×8 → 32×16\n" });
  });

  it("is left to the live process holding it, and run again elsewhere once that one lets it go", async () => {
    const database = await open();
    const first = await local(database);
    const second = await local(await database.reopen());
    const { operation } = await first.start(upscale("p-3"), ctx);
    expect((await ended(first, operation)).state).toBe("succeeded");
    // Ended or not, the job is the first process's while it lives: the second waits for it.
    expect(await second.status(operation, ctx)).toEqual({ state: "processing", nextPollMs: 1000 });
    expect(await second.find?.("p-3", ctx)).toBeNull();

    await first.close?.();
    expect((await second.status(operation, ctx)).state).toBe("starting");
    expect(await ended(second, operation)).toMatchObject({
      state: "succeeded",
      logs: "Lanczos ×2: 16×8 → 32×16\n",
    });
  });

  it("of a process that stopped renewing its lease is run again once the lease lapses", async () => {
    const database = await open();
    // The first process loses its database as a dead one would: it renews nothing any more.
    const lost = await database.reopen();
    const first = await local(lost, { LOCAL_TAKEOVER_SECONDS: "0.3" });
    const second = await local(database, { LOCAL_TAKEOVER_SECONDS: "0.3" });
    const { operation } = await first.start(upscale("p-4"), ctx);
    await lost.close();
    const taken = await until(async () => {
      const status = await second.status(operation, ctx);
      return status.state === "processing" ? undefined : status;
    }, 5_000);
    expect(taken.state).toBe("starting");
    expect((await ended(second, operation)).state).toBe("succeeded");
  });

  it("started by an earlier gengate, which kept no request in its operation, is lost elsewhere", async () => {
    const provider = await local(await open());
    const { operation } = await provider.start(upscale("p-5"), ctx);
    const { request: _, ...older } = operation as { request: unknown };
    const elsewhere = { ...older, jobId: "gone-job", owner: { instance: "x", host: "h", pid: 7 } };
    expect(await provider.status(elsewhere, ctx)).toMatchObject({
      state: "failed",
      error: expect.stringMatching(
        /^local job gone-job is lost: it was started by an earlier gengate \(process 7 on h\), .* \(it costs nothing\)$/,
      ),
    });
  });
});
