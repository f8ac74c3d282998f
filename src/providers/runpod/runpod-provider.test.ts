/** The provider against the fake RunPod over real HTTP. */
import { buffer } from "node:stream/consumers";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunpod, startFakeRunpod } from "../../../test/fakes/runpod/index.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { GatewayError } from "../../core/errors.ts";
import type { OutputFile, Provider, ProviderContext, ProviderDeps, StatusResult } from "../provider.ts";
import { createRunpodProvider } from "./runpod-provider.ts";

let fake: FakeRunpod;
let deps: ProviderDeps;
const ctx: ProviderContext = { readInput: () => Promise.reject(new Error("no inputs")) };
const settings = {
  endpoints: {
    sdxl: { endpointId: "sd", worker: "a1111", maxRetries: 2, retryDelayMs: 100 },
    flux: { endpointId: "flux", worker: "flux" },
  },
};

beforeAll(async () => {
  deps = await providerDeps("runpod", { settings });
  fake = await startFakeRunpod({
    endpoints: {
      sd: { worker: "a1111", executionTimeoutMs: 200 },
      flux: { worker: "flux" },
    },
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

function provider(env: Record<string, string> = {}): Provider {
  const made = createRunpodProvider({ RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: fake.url, ...env }, deps);
  if (!made) throw new Error("provider is off");
  return made;
}

let predictions = 0;
const start = (p: Provider, providerModel: string, input: Record<string, unknown>) =>
  p.start(
    {
      predictionId: `p${++predictions}`,
      submitId: `s${predictions}`,
      providerModel,
      input: { prompt: "a heron", ...input },
    },
    ctx,
  );

async function until(
  p: Provider,
  operation: unknown,
  done: (s: StatusResult) => boolean,
): Promise<StatusResult> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const status = await p.status(operation, ctx);
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, Math.min(status.nextPollMs ?? 50, 50)));
  }
}
const terminal = (s: StatusResult) => ["succeeded", "failed", "canceled"].includes(s.state);

describe("RunPod provider", () => {
  it("is off without RUNPOD_API_KEY, and says so when a section is configured", () => {
    const warnings: string[] = [];
    const logger = { info() {}, warn: (_: object, m?: string) => void warnings.push(m ?? "") };
    expect(createRunpodProvider({}, { ...deps, logger })).toBeNull();
    expect(warnings).toEqual([expect.stringContaining("RUNPOD_API_KEY is not set")]);
  });

  it("starts a job with /run and follows it to files, from the stored operation alone", async () => {
    const p = provider();
    const started = await start(p, "sdxl", { width: 64, height: 72, num_outputs: 2, seed: 9 });
    expect(started.upstreamId).toBe(fake.jobs()[0]?.id);
    const first = await p.status(started.operation, ctx);
    expect(first).toMatchObject({ state: expect.stringMatching(/^(starting|processing)$/), nextPollMs: 500 });
    const done = await until(provider(), JSON.parse(JSON.stringify(started.operation)), terminal);
    expect(done).toMatchObject({ state: "succeeded", metrics: { predict_time: expect.any(Number) } });
    expect(done.logs).toMatch(/COMPLETED\nqueued \d+ ms, ran \d+ ms on worker \w+\nUsing seed: 9\n/);
    const files = done.output as OutputFile[];
    expect(files.map((f) => f.contentType)).toEqual(["image/png", "image/png"]);
    const opened = await files[0]?.open();
    const bytes = opened instanceof Uint8Array ? opened : await buffer(opened as NodeJS.ReadableStream);
    expect((await sharp(bytes).metadata()).height).toBe(72);
  });

  it("downloads URL outputs from the file origin", async () => {
    const p = provider();
    const started = await start(p, "flux", { width: 256, height: 256, output_format: "jpg" });
    const done = await until(p, started.operation, terminal);
    const [file] = done.output as OutputFile[];
    expect([file?.contentType, file?.extension]).toEqual(["image/jpeg", "jpg"]);
    expect((await sharp(await buffer((await file?.open()) as NodeJS.ReadableStream)).metadata()).format).toBe(
      "jpeg",
    );
  });

  it("retries a crashed worker with /retry after the delay, then fails with the worker's message", async () => {
    fake.faults.crash("sd", Number.POSITIVE_INFINITY, "CUDA error: out of memory");
    const p = provider();
    const started = await start(p, "sdxl", { width: 64, height: 64 });
    const seen: StatusResult[] = [];
    const done = await until(p, started.operation, (s) => {
      seen.push(s);
      return terminal(s);
    });
    expect(done).toMatchObject({ state: "failed", error: "CUDA error: out of memory" });
    expect(done.logs).toContain("retried 2 times after worker failures");
    expect(seen.some((s) => s.state === "processing" && /Retrying in \d+ ms/.test(s.logs ?? ""))).toBe(true);
    const retries = fake.requests.filter((r) => r.operation === "retry");
    expect(retries.map((r) => r.jobId)).toEqual([started.upstreamId, started.upstreamId]);
    expect(fake.requests.filter((r) => r.operation === "run")).toHaveLength(1);
  });

  it("succeeds when a retry does", async () => {
    fake.faults.crash("sd", 1);
    const p = provider();
    const started = await start(p, "sdxl", { width: 64, height: 64 });
    expect((await until(p, started.operation, terminal)).state).toBe("succeeded");
  });

  it("fails with a clear reason when RunPod no longer has the job, and never succeeds empty", async () => {
    fake.faults.expireResults("sd", 0);
    const p = provider();
    const gone = await start(p, "sdxl", { width: 64, height: 64 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await p.status(gone.operation, ctx)).toMatchObject({
      state: "failed",
      error: expect.stringContaining("result expired before gengate collected it"),
    });
    fake.faults.clear();
    const empty = await start(p, "sdxl", { width: 13 }); // A1111 answers 422: no images
    expect(await until(p, empty.operation, terminal)).toMatchObject({
      state: "failed",
      error: expect.stringMatching(/^the worker returned no images: \{"detail"/),
    });
  });

  it("reports TIMED_OUT jobs as failed, and cancels with /cancel", async () => {
    fake.faults.stuck("sd", 2);
    const p = provider();
    const late = await start(p, "sdxl", {});
    expect(await until(p, late.operation, terminal)).toMatchObject({
      state: "failed",
      error: expect.stringContaining("timed out"),
    });
    const running = await start(p, "sdxl", {});
    await p.cancel(running.operation, ctx);
    expect((await p.status(running.operation, ctx)).state).toBe("canceled");
    expect(fake.jobs().find((j) => j.id === running.upstreamId)?.status).toBe("CANCELLED");
  });

  it("translates upstream refusals into GatewayErrors without the key", async () => {
    fake.faults.rateLimit("sd");
    const limited = await start(provider(), "sdxl", {}).catch((e: unknown) => e);
    expect(limited).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 2_000 });
    const refused = await start(provider({ RUNPOD_API_KEY: "rpa_WRONG_KEY" }), "sdxl", {}).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: "provider_error", retryable: false });
    expect(String((refused as Error).message)).toMatch(/HTTP 401.*RUNPOD_API_KEY/);
    expect(String((refused as Error).message)).not.toContain("rpa_WRONG_KEY");
    const down = await start(provider({ RUNPOD_BASE_URL: "http://127.0.0.1:9/v2" }), "sdxl", {}).catch(
      (e: unknown) => e,
    );
    expect(down).toMatchObject({ code: "provider_unavailable", retryable: true });
  });

  it("adopts the job a marked webhook named, with the operation its start would have stored", async () => {
    const p = provider();
    expect(p.find).toBeUndefined();
    const request = {
      predictionId: "lost",
      submitId: "lost-s",
      providerModel: "sdxl",
      input: { prompt: "a heron" },
    };
    const started = await p.start(request, ctx);
    const adopted = await p.adopt?.(request, started.upstreamId, ctx);
    expect(adopted?.upstreamId).toBe(started.upstreamId);
    expect({ ...(adopted?.operation as object), submittedAt: 0 }).toEqual({
      ...(started.operation as object),
      submittedAt: 0,
    });
    expect((await until(p, adopted?.operation, terminal)).state).toBe("succeeded");
  });

  it("checks each endpoint's health without creating work", async () => {
    expect(await provider().check?.()).toEqual({
      reachable: true,
      authenticated: true,
      detail:
        "sdxl (sd): 0 queued, 0 in progress; workers 2 idle, 0 running; flux (flux): 0 queued, 0 in progress; workers 2 idle, 0 running",
    });
    expect(await provider({ RUNPOD_API_KEY: "rpa_WRONG" }).check?.()).toMatchObject({
      reachable: true,
      authenticated: false,
    });
    expect(await provider({ RUNPOD_BASE_URL: "http://127.0.0.1:9/v2" }).check?.()).toMatchObject({
      reachable: false,
      authenticated: null,
    });
    expect(fake.requests.every((r) => r.operation === "health")).toBe(true);
  });
});
