/**
 * `output` and `logs` webhooks of a prediction go out at most every 500 ms however many worker
 * processes see its changes: two senders on one PostgreSQL schema, told of the same prediction's
 * progress at once, queue one delivery between them.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/gateway.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { type EngineNodes, startEngineNodes } from "./support/engine-nodes.ts";
import { prediction } from "./support/prediction-fixture.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

let cluster: EngineNodes | undefined;
afterEach(() => cluster?.close());

describe.skipIf(skip)("the webhook throttle, across two workers", () => {
  it("queues one output or logs delivery every 500 ms between them, and never holds back the end", async () => {
    cluster = await startEngineNodes(2);
    const [first, second] = cluster.nodes as [Gateway, Gateway];
    const senders = [first, second].map((node) => node.engineParts.webhooks);
    const row = prediction({
      state: "running",
      webhook: "https://hooks.example.com/in",
      webhookEventsFilter: ["output", "logs", "completed"],
    });
    const deliveries = () => first.store.webhookDeliveries.listForSubject(row.id);
    const gapsOf = (times: number[]) => times.slice(1).map((at, i) => at - (times[i] as number));

    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        senders[i % 2]?.notify({ ...row, logs: `line ${i}\n` }, [i % 3 === 0 ? "output" : "logs"]),
      ),
    );
    const elapsed = Date.now() - startedAt;
    const burst = await deliveries();
    // However slow the machine, no two went within 500 ms of each other; six changes told within
    // half a second queue exactly one.
    expect(burst.length).toBeGreaterThanOrEqual(1);
    for (const gap of gapsOf(burst.map((d) => d.createdAt).sort((a, b) => a - b))) {
      expect(gap).toBeGreaterThanOrEqual(500);
    }
    if (elapsed < 500) expect(burst).toHaveLength(1);

    // Half a second after the last one, the next one goes; the end is never held back.
    const lastAt = Math.max(...burst.map((d) => d.createdAt));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastAt + 510 - Date.now())));
    await senders[1]?.notify({ ...row, logs: "later\n" }, ["logs"]);
    await senders[0]?.notify({ ...row, state: "succeeded" }, ["logs", "completed"]);
    expect((await deliveries()).slice(burst.length).map((d) => d.event)).toEqual(["logs", "completed"]);
  });
});
