import { hostname } from "node:os";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { ConfigError } from "../../core/env-config.ts";
import type { Provider, ProviderContext } from "../provider.ts";
import { createLocalProvider } from "./local-provider.ts";

const deps = providerDeps("/nonexistent");
const provider = createLocalProvider({ LOCAL_CONCURRENCY: "1" }, deps) as Provider;
const image = await sharp({ create: { width: 16, height: 8, channels: 3, background: "#336699" } })
  .png()
  .toBuffer();
const ctx: ProviderContext = { readInput: async () => ({ data: image, contentType: "image/png" }) };

afterAll(() => provider.close?.());

describe("createLocalProvider", () => {
  it("is on unless LOCAL_TOOLS=off, and names a bad setting", () => {
    expect(provider.id).toBe("local");
    expect(provider.concurrency).toBe(2);
    expect(createLocalProvider({ LOCAL_TOOLS: "off" }, deps)).toBeNull();
    expect(() => createLocalProvider({ LOCAL_TOOLS: "maybe" }, deps)).toThrow(ConfigError);
    expect(() => createLocalProvider({ LOCAL_CONCURRENCY: "0" }, deps)).toThrow(/^LOCAL_CONCURRENCY: /);
  });

  it("lists its two tools with Cog input schemas, found by name or version", async () => {
    const models = await provider.listModels();
    expect(models.map((m) => `${m.owner}/${m.name}`)).toEqual(["local/remove-background", "local/upscale"]);
    const upscale = await provider.getModel({ kind: "model", owner: "local", name: "upscale" });
    expect(upscale?.inputSchema).toMatchObject({
      required: ["image"],
      properties: { scale: { enum: [2, 4], default: 2 }, quality: { default: "balanced" } },
    });
    const byVersion = await provider.getModel({ kind: "bare-version", version: upscale?.versionId ?? "" });
    expect(byVersion?.name).toBe("upscale");
    expect(await provider.getModel({ kind: "model", owner: "local", name: "nope" })).toBeNull();
  });

  it("finds its weights on disk", async () => {
    expect(await provider.check?.()).toMatchObject({ reachable: true, authenticated: null });
  });
});

describe("a local job", () => {
  it("is found again by its prediction while this process holds it", async () => {
    const input = { image: "data:", quality: "fast", scale: 2 };
    const started = await provider.start(
      { predictionId: "p-1", submitId: "s-1", providerModel: "upscale", input },
      ctx,
    );
    expect(await provider.find?.("p-1", ctx)).toEqual(started);
    expect(await provider.find?.("p-2", ctx)).toBeNull();
    let status = await provider.status(started.operation, ctx);
    while (status.state !== "succeeded") {
      expect(["starting", "processing"]).toContain(status.state);
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await provider.status(started.operation, ctx);
    }
    expect(status.logs).toBe("Lanczos ×2: 16×8 → 32×16\n");
  });

  it("of a process that is gone is lost; of another live one, waited for", async () => {
    const { operation } = await provider.start(
      {
        predictionId: "p-3",
        submitId: "s-3",
        providerModel: "upscale",
        input: { image: "data:", quality: "fast" },
      },
      ctx,
    );
    const op = operation as { owner: object; startedAt: number };
    const earlier = { ...op, owner: { instance: "earlier", host: hostname(), pid: process.pid } };
    expect(await provider.status(earlier, ctx)).toMatchObject({
      state: "failed",
      error: expect.stringMatching(/is lost: the gengate process that ran it has stopped/),
    });
    const remote = { ...op, owner: { instance: "remote", host: "another-host", pid: 1 } };
    expect((await provider.status(remote, ctx)).state).toBe("processing");
    const stale = { ...remote, startedAt: op.startedAt - 16 * 60_000 };
    expect((await provider.status(stale, ctx)).error).toMatch(/has not finished it in 15 minutes/);
  });
});
