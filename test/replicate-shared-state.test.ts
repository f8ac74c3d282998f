/**
 * Replicate's provider state across processes: two providers over one PostgreSQL schema, each with
 * a database connection of its own as two gengate processes (on two hosts) would have. A create
 * whose answer one lost is adopted by the other, once; two lookups of identical input at once
 * never adopt the same prediction; and the two keep one budget of requests, 429s included.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../src/core/errors.ts";
import type { Provider, ProviderContext } from "../src/providers/provider.ts";
import { createReplicateProvider } from "../src/providers/replicate/index.ts";
import type { Database } from "../src/store/index.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { backends, pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { providerDeps } from "./support/provider-deps.ts";

const postgres = backends.find((backend) => backend.name === "postgres");
const ctx: ProviderContext = { readInput: () => Promise.reject(new Error("no file inputs")) };

let fake: FakeReplicate;
beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 10, max: 30 } });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

/** Two providers over one fresh schema, as two processes. */
async function twoProcesses(env: Record<string, string> = {}): Promise<[Provider, Provider]> {
  const first = await postgres?.open();
  if (!first) throw new Error("no PostgreSQL backend");
  const second = await first.reopen();
  const make = async (database: Database) => {
    const provider = createReplicateProvider(
      {
        REPLICATE_API_TOKEN: fake.token,
        REPLICATE_BASE_URL: fake.url,
        REPLICATE_WAIT_SECONDS: "0",
        ...env,
      },
      await providerDeps("replicate", { database }),
    );
    if (!provider) throw new Error("the replicate provider should be on");
    return provider;
  };
  return [await make(first), await make(second)];
}

/** Starts `predictionId` at `provider`, whose answer is lost (the fake resets after creating). */
async function lostCreate(provider: Provider, predictionId: string, prompt: string): Promise<string> {
  const model = await provider.getModel({ kind: "model", owner: "fake", name: "sdxl" });
  fake.faults.resetAfterCreate(1);
  const error = await provider
    .start(
      {
        predictionId,
        submitId: `${predictionId}-s`,
        providerModel: model?.providerModel ?? "",
        input: { prompt, width: 256, height: 256 },
      },
      ctx,
    )
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).outcomeUnknown).toBe(true);
  const made = fake.predictions().at(-1);
  expect(made?.input.prompt).toBe(prompt);
  return made?.id ?? "";
}

describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)("Replicate across processes", () => {
  it("adopts in one process the create whose answer another lost, once", async () => {
    const [a, b] = await twoProcesses();
    const made = await lostCreate(a, "p-lost", "lost in a");
    expect((await b.find?.("p-lost", ctx))?.upstreamId).toBe(made);
    expect((await a.find?.("p-lost", ctx))?.upstreamId).toBe(made);
    expect(fake.predictions().filter((p) => p.input.prompt === "lost in a")).toHaveLength(1);
    // Nothing was sent for a prediction neither process started.
    expect(await b.find?.("p-never", ctx)).toBeNull();
  });

  it("never lets two lookups of identical input at once adopt the same prediction", async () => {
    const [a, b] = await twoProcesses();
    const made = [await lostCreate(a, "p-one", "same input"), await lostCreate(b, "p-two", "same input")];
    // Each lookup's listing of recent predictions takes 300 ms.
    fake.faults.slow(300, 2);
    const found = await Promise.all([a.find?.("p-one", ctx), b.find?.("p-two", ctx)]);
    const adopted = found.map((start) => start?.upstreamId);
    expect(new Set(adopted)).toEqual(new Set(made));
    // One lookup at a time: the second process listed only once the first had adopted its work.
    const [first, second] = fake.requests.filter((r) => r.method === "GET" && r.path === "/v1/predictions");
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it("keeps one budget of requests for both: the upstream sees the rate of one", async () => {
    // 120 a minute with a burst of 6: ten requests between the two span at least 2 s.
    const [a, b] = await twoProcesses({ REPLICATE_REQUESTS_PER_MINUTE: "120" });
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).check?.()));
    const times = fake.requests.filter((r) => r.path === "/v1/account").map((r) => r.at - started);
    expect(times).toHaveLength(10);
    times.sort((x, y) => x - y);
    expect(times[9]).toBeGreaterThanOrEqual(1_900);
    expect(times.filter((time) => time < 400).length).toBeLessThanOrEqual(7);
  }, 15_000);

  it("holds back the other process's requests after a 429 one of them drew", async () => {
    const [a, b] = await twoProcesses();
    // A 429 without Retry-After: gengate waits a second.
    fake.faults.errors5xx(1, 429);
    expect(await a.check?.()).toMatchObject({ reachable: true, authenticated: null });
    expect(await b.check?.()).toMatchObject({ reachable: true, authenticated: true });
    const [limited, next] = fake.requests.filter((r) => r.path === "/v1/account");
    expect([limited?.status, next?.status]).toEqual([429, 200]);
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
