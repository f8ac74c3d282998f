import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { prediction } from "../../test/support/prediction-fixture.ts";
import type { PredictionState } from "../core/prediction.ts";
import { createStore, type Store } from "../store/index.ts";
import { Leases, leasedPredictions } from "./leases.ts";

const TIMING = { leaseMs: 600, renewEveryMs: 50 };

describeEachBackend("Leases", (open) => {
  /** A row claimed as a dispatcher claims one: submitting, its lease in nextCheckAt. */
  async function claimedRow(store: Store, leases: Leases<PredictionState>) {
    const row = prediction({ state: "queued", nextCheckAt: Date.now() });
    await store.predictions.insert(row);
    const leaseEnd = leases.end();
    await store.predictions.transition(row.id, ["queued"], { state: "submitting", nextCheckAt: leaseEnd });
    return { id: row.id, leaseEnd };
  }

  const dueSubmitting = async (store: Store) =>
    (await store.predictions.due({ states: ["submitting"], now: Date.now(), limit: 10 })).map((r) => r.id);

  it("keeps a claim for as long as the work runs, several leases long, then lets it lapse", async () => {
    const store = createStore(await open());
    const leases = new Leases(leasedPredictions(store), TIMING);
    const { id, leaseEnd } = await claimedRow(store, leases);
    const seenDue: string[][] = [];
    await leases.hold(id, "submitting", leaseEnd, async () => {
      const until = Date.now() + 3 * TIMING.leaseMs;
      while (Date.now() < until) {
        seenDue.push(await dueSubmitting(store));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    expect(seenDue.flat()).toEqual([]);
    const lapsed = Date.now() + TIMING.leaseMs + 100;
    await new Promise((resolve) => setTimeout(resolve, lapsed - Date.now()));
    expect(await dueSubmitting(store)).toEqual([id]);
  });

  it("stops renewing a row that moved on, leaving its new check time alone", async () => {
    const store = createStore(await open());
    const leases = new Leases(leasedPredictions(store), TIMING);
    const { id, leaseEnd } = await claimedRow(store, leases);
    const nextPoll = Date.now() + 60_000;
    await leases.hold(id, "submitting", leaseEnd, async () => {
      await store.predictions.transition(id, ["submitting"], { state: "running", nextCheckAt: nextPoll });
      await new Promise((resolve) => setTimeout(resolve, 3 * TIMING.renewEveryMs));
    });
    expect((await store.predictions.get(id))?.nextCheckAt).toBe(nextPoll);
  });
});
