/** Injected faults: 5xx answers, slow answers, connections reset before or after a create, failing runs. */
import { beforeEach, describe, expect, it } from "vitest";
import { settled, useFake } from "./test-support.ts";

const ctx = useFake({ latencyMs: { min: 20, max: 40 } });
const create = () =>
  ctx.api.post("/models/fake-official/flux-schnell/predictions", { input: { prompt: "x" } });

beforeEach(() => ctx.fake.reset());

describe("faults", () => {
  it("errors5xx answers the next requests with the status, before doing anything", async () => {
    ctx.fake.faults.errors5xx(2);
    const first = await create();
    expect([first.status, first.headers.get("content-type")]).toEqual([503, "application/problem+json"]);
    expect((await ctx.api("/account")).status).toBe(503);
    expect((await create()).status).toBe(201);
    expect(ctx.fake.predictions()).toHaveLength(1);

    ctx.fake.faults.errors5xx(1, 502);
    expect((await ctx.api("/account")).status).toBe(502);
    expect(ctx.fake.requests.map(({ status }) => status)).toEqual([503, 503, 201, 502]);
  });

  it("failRuns makes the next runs of one model fail upstream, as a Cog model does", async () => {
    ctx.fake.faults.failRuns("black-forest-labs/flux-dev", 1);
    const run = async (model: string) => {
      const created = await ctx.api.post(`/models/${model}/predictions`, { input: { prompt: "x" } });
      return settled(ctx.api, `/predictions/${((await created.json()) as { id: string }).id}`);
    };
    const other = await run("black-forest-labs/flux-schnell");
    const failed = await run("black-forest-labs/flux-dev");
    const again = await run("black-forest-labs/flux-dev");
    expect([other.status, failed.status, again.status]).toEqual(["succeeded", "failed", "succeeded"]);
    expect(failed.error).toBe("CUDA out of memory");
    expect(failed.logs).toContain("RuntimeError: CUDA out of memory");
  });

  it("slow holds the next answers", async () => {
    ctx.fake.faults.slow(300, 1);
    const started = Date.now();
    await ctx.api("/account");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const again = Date.now();
    await ctx.api("/account");
    expect(Date.now() - again).toBeLessThan(200);
  });

  it("resetBeforeCreate destroys the connection and creates nothing", async () => {
    const before = ctx.fake.predictions().length;
    ctx.fake.faults.resetBeforeCreate(1);
    await expect(create()).rejects.toThrow();
    expect(ctx.fake.predictions()).toHaveLength(before);
    expect((await create()).status).toBe(201);
    expect(ctx.fake.requests.map(({ status }) => status)).toEqual([0, 201]);
  });

  it("resetAfterCreate destroys the connection after the prediction was created, and it still runs", async () => {
    const before = ctx.fake.predictions().length;
    ctx.fake.faults.resetAfterCreate(1);
    await expect(create()).rejects.toThrow();
    const created = ctx.fake.predictions().slice(before);
    expect(created).toHaveLength(1);
    expect((await settled(ctx.api, `/predictions/${created[0]?.id}`)).status).toBe("succeeded");
    expect(ctx.fake.requests[0]).toMatchObject({ status: 0, body: { input: { prompt: "x" } } });
  });

  it("reset clears faults and records but keeps models", async () => {
    ctx.fake.faults.errors5xx(5);
    ctx.fake.reset();
    expect((await ctx.api("/models/fake/sdxl")).status).toBe(200);
    expect(ctx.fake.requests).toHaveLength(1);
  });
});
