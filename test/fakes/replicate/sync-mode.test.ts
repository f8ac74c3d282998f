/** `Prefer: wait` and `Cancel-After` (reference/replicate.md §4.1, §4.2). */
import { describe, expect, it } from "vitest";
import { startFakeReplicate } from "./fake-replicate.ts";
import { apiOf, settled } from "./test-support.ts";

const input = { prompt: "waiting" };

async function withFake<T>(
  options: Parameters<typeof startFakeReplicate>[0],
  test: (api: ReturnType<typeof apiOf>) => Promise<T>,
) {
  const fake = await startFakeReplicate(options);
  try {
    return await test(apiOf(fake));
  } finally {
    await fake.close();
  }
}

describe("Prefer: wait", () => {
  it("holds the request until the output is complete", () =>
    withFake({ latencyMs: { min: 100, max: 150 } }, async (api) => {
      const response = await api.post(
        "/models/fake-official/flux-schnell/predictions",
        { input },
        { prefer: "wait=5" },
      );
      expect(response.headers.get("preference-applied")).toBe("wait=5");
      const prediction = await response.json();
      expect(["processing", "succeeded"]).toContain(prediction.status);
      expect(prediction.output).toHaveLength(1);
    }));

  it('answers "starting" when the wait runs out, even though the prediction is running', () =>
    withFake({ latencyMs: { min: 2000, max: 2000 } }, async (api) => {
      const started = Date.now();
      const response = await api.post(
        "/models/fake-official/flux-schnell/predictions",
        { input },
        { prefer: "wait=1" },
      );
      const prediction = await response.json();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect([response.status, prediction.status, prediction.output]).toEqual([201, "starting", null]);
      expect((await api.json(`/predictions/${prediction.id}`)).status).toBe("processing");
    }));

  it("is not applied when malformed", () =>
    withFake({}, async (api) => {
      const response = await api.post(
        "/models/fake-official/flux-schnell/predictions",
        { input },
        { prefer: "wait=90" },
      );
      expect(response.headers.get("preference-applied")).toBeNull();
      expect((await response.json()).status).toBe("starting");
    }));
});

describe("Cancel-After", () => {
  it("aborts a prediction that has not started and cancels one that is running", async () => {
    const createWithDeadline = (api: ReturnType<typeof apiOf>) =>
      api
        .post("/models/fake-official/flux-schnell/predictions", { input }, { "cancel-after": "5s" })
        .then((response) => response.json());
    const [neverStarted, running] = await Promise.all([
      withFake({ bootMs: 8000 }, async (api) => {
        const created = await createWithDeadline(api);
        expect(Date.parse(created.deadline) - Date.parse(created.created_at)).toBe(5000);
        return settled(api, `/predictions/${created.id}`, 8000);
      }),
      withFake({ latencyMs: { min: 8000, max: 8000 } }, async (api) =>
        settled(api, `/predictions/${(await createWithDeadline(api)).id}`, 8000),
      ),
    ]);
    expect([neverStarted.status, neverStarted.started_at]).toEqual(["aborted", null]);
    expect(running.status).toBe("canceled");
    expect(running.started_at).not.toBeNull();
    expect((running.metrics as { total_time: number }).total_time).toBeGreaterThanOrEqual(4.9);
  });

  it("must be at least 5 seconds", () =>
    withFake({}, async (api) => {
      const response = await api.post(
        "/models/fake-official/flux-schnell/predictions",
        { input },
        { "cancel-after": "4s" },
      );
      expect(response.status).toBe(400);
      expect((await response.json()).detail).toMatch(/at least 5 seconds/);
    }));
});
