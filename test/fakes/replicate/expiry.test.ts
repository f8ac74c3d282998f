/** Output files and prediction data go away after outputTtlMs (one hour on Replicate). */
import { describe, expect, it } from "vitest";
import { settled, useFake } from "./test-support.ts";

const ctx = useFake({ latencyMs: { min: 10, max: 20 }, outputTtlMs: 400 });

describe("output expiry", () => {
  it("serves files until the TTL, then 404s them and removes the prediction's data", async () => {
    const created = await (
      await ctx.api.post("/models/fake-official/flux-schnell/predictions", {
        input: { prompt: "short-lived" },
      })
    ).json();
    const done = await settled(ctx.api, `/predictions/${created.id}`);
    const [url] = done.output as string[];
    const fresh = await fetch(url ?? "");
    expect([fresh.status, fresh.headers.get("content-type")]).toEqual([200, "image/webp"]);
    expect(done.data_removed).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await fetch(url ?? "")).status).toBe(404);
    const removed = await ctx.api.json(`/predictions/${created.id}`);
    expect(removed).toMatchObject({
      data_removed: true,
      output: null,
      input: {},
      logs: "",
      status: "succeeded",
    });
    expect(ctx.fake.predictions().find(({ id }) => id === created.id)?.dataRemoved).toBe(true);
    expect(ctx.fake.deliveries.map(({ status }) => status)).toEqual([200, 404]);
  });
});
