import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { prediction as predictionFixture } from "../../test/support/prediction-fixture.ts";
import type { Limits } from "../core/limits.ts";
import type { Admission, LedgerRun } from "./budgets-repo.ts";
import { createStore, type Store } from "./index.ts";

const DAY = 86_400_000;
const NOON = Date.parse("2026-12-09T12:00:00Z");

describeEachBackend("BudgetsRepo", (open) => {
  async function setUp(limits: Limits) {
    const database = await open();
    const store = createStore(database);
    const token = await store.tokens.create({ name: "t", tokenHash: `h-${Math.random()}`, limits });
    return { database, store, token };
  }

  const admission = (
    tokenId: string,
    limits: Limits,
    amounts: number[],
    ids: string[] = amounts.map(() => crypto.randomUUID()),
  ): Admission => ({
    tokenId,
    tenantId: null,
    owners: [{ scope: "token", id: tokenId, name: "t", limits }],
    holds: amounts.map((amount, i) => ({ predictionId: ids[i] ?? "", amount })),
  });

  async function admitOne(store: Store, a: Admission, now = NOON) {
    return store.budgets.admit(
      a,
      async (db) => {
        for (const hold of a.holds)
          await store.predictions.insert(
            predictionFixture({ id: hold.predictionId, tokenId: a.tokenId }),
            db,
          );
      },
      now,
    );
  }

  const run = (predictionId: string, cost: number | null, tokenId: string): LedgerRun => ({
    prediction_id: predictionId,
    run: 0,
    kind: "prediction",
    provider: "sim",
    provider_model: "image",
    model: "sim/image",
    token_id: tokenId,
    cost,
    predict_time: 1,
    at: NOON,
  });

  it("holds up to the budget, refuses past it, and admits again in the next period", async () => {
    const limits: Limits = { budget: { usd: 0.05, period: "day" } };
    const { store, token } = await setUp(limits);
    await admitOne(store, admission(token.id, limits, [20_000, 30_000]));
    await expect(admitOne(store, admission(token.id, limits, [1]))).rejects.toMatchObject({
      code: "payment_required",
      refusedBy: { limit: "budget", scope: "token", id: token.id },
    });
    expect(await store.budgets.usage("token", token.id, NOON - (NOON % DAY))).toEqual({
      held: 50_000,
      spent: 0,
    });
    await admitOne(store, admission(token.id, limits, [50_000]), NOON + DAY);
  });

  it("settles a hold once to the real cost, a run with no price at what was held, and writes the ledger once", async () => {
    const limits: Limits = { budget: { usd: 1, period: "day" } };
    const { store, token } = await setUp(limits);
    const a: string = crypto.randomUUID();
    const b: string = crypto.randomUUID();
    await admitOne(store, admission(token.id, limits, [100_000, 100_000], [a, b]));
    await store.budgets.settle(a, token.id, [run(a, 70_000, token.id)]);
    await store.budgets.settle(a, token.id, [run(a, 70_000, token.id)]);
    await store.budgets.settle(b, token.id, [run(b, null, token.id)]);
    expect(await store.budgets.usage("token", token.id, NOON - (NOON % DAY))).toEqual({
      held: 0,
      spent: 170_000,
    });
    const ledger = await store.budgets.ledger({ groupBy: "token", from: 0, to: NOON + 1 });
    expect(ledger).toEqual([{ key: token.id, cost: 70_000, runs: 2, unpricedRuns: 1 }]);
  });

  it("counts what a period spent before its budget was set", async () => {
    const { store, token } = await setUp({});
    const id = crypto.randomUUID();
    await store.predictions.insert(predictionFixture({ id, tokenId: token.id }));
    await store.budgets.settle(id, token.id, [run(id, 40_000, token.id)]);
    await store.budgets.countSpendSoFar("token", token.id, NOON - (NOON % DAY));
    const limits: Limits = { budget: { usd: 0.05, period: "day" } };
    await expect(admitOne(store, admission(token.id, limits, [20_000]))).rejects.toMatchObject({
      code: "payment_required",
    });
    await admitOne(store, admission(token.id, limits, [10_000]));
  });

  it("counts predictions in flight until each settles, refusing past the limit", async () => {
    const limits: Limits = { predictionsInFlight: 3 };
    const { store, token } = await setUp(limits);
    const first = admission(token.id, limits, [0, 0]);
    await admitOne(store, first);
    await expect(admitOne(store, admission(token.id, limits, [0, 0]))).rejects.toMatchObject({
      code: "rate_limited",
      message: expect.stringContaining("2 are, and this adds 2"),
      refusedBy: { limit: "predictions_in_flight", scope: "token", id: token.id },
    });
    await admitOne(store, admission(token.id, limits, [0]));
    await store.budgets.settle(first.holds[0]?.predictionId ?? "", token.id, []);
    await store.budgets.settle(first.holds[0]?.predictionId ?? "", token.id, []);
    await admitOne(store, admission(token.id, limits, [0]));
    await expect(admitOne(store, admission(token.id, limits, [0]))).rejects.toMatchObject({
      code: "rate_limited",
    });
  });

  it("never lets racing admissions past an in-flight limit", async () => {
    const limits: Limits = { predictionsInFlight: 20 };
    const { database, store, token } = await setUp(limits);
    const other = database.dialect === "postgres" ? createStore(await database.reopen()) : store;
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => admitOne(i % 2 ? store : other, admission(token.id, limits, [0]))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
  });

  it("never overspends when many admissions race (from two connections on PostgreSQL)", async () => {
    const limits: Limits = { budget: { usd: 0.5, period: "day" }, predictionsInFlight: 1_000 };
    const { database, store, token } = await setUp(limits);
    // One SQLite database has one writing process (the data folder's lock).
    const other = database.dialect === "postgres" ? createStore(await database.reopen()) : store;
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        admitOne(i % 2 ? store : other, admission(token.id, limits, [25_000])),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(await store.budgets.usage("token", token.id, NOON - (NOON % DAY))).toEqual({
      held: 500_000,
      spent: 0,
    });
  });
});
