/**
 * Fair turns between tenants hold across worker processes: two workers on one PostgreSQL schema,
 * taking turns at a provider that runs one prediction at a time, start two tenants' work in turns
 * as one process would, not each in its own turns.
 */
import { afterEach, describe, expect, it } from "vitest";
import { hashApiToken, newApiToken } from "../src/core/api-tokens.ts";
import type { Gateway } from "../src/gateway.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { type EngineNodes, startEngineNodes } from "./support/engine-nodes.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

let cluster: EngineNodes | undefined;
afterEach(() => cluster?.close());

async function tenant(node: Gateway, name: string): Promise<string> {
  const created = await node.store.tokens.create({
    name,
    tokenHash: hashApiToken(newApiToken()),
    isAdmin: false,
  });
  return created.id;
}

describe.skipIf(skip)("fair share between tenants, across two workers", () => {
  it("interleaves a tenant with 100 queued and one with 5, whichever worker starts them", async () => {
    cluster = await startEngineNodes(2, { GENGATE_SIM_CONCURRENCY: "1" });
    const [first, second] = cluster.nodes as [Gateway, Gateway];
    const many = await tenant(first, "many");
    const few = await tenant(first, "few");
    const submit = (tokenId: string, i: number) =>
      first.engine.submit({ model: "sim/image", input: { prompt: `${i}`, width: 64, height: 64 }, tokenId });
    for (let i = 0; i < 100; i++) await submit(many, i);
    for (let i = 0; i < 5; i++) await submit(few, i);

    // The workers take turns, each starting one prediction and following it to its end.
    const started: string[] = [];
    const seen = new Set<string>();
    for (let turn = 0; turn < 10; turn++) {
      const node = turn % 2 === 0 ? first : second;
      await node.worker?.runPass();
      const rows = await node.store.predictions.list({ limit: 200, order: "oldest" });
      for (const row of rows.filter((p) => p.startedAt !== null && !seen.has(p.id))) {
        seen.add(row.id);
        started.push(row.tokenId === few ? "few" : "many");
      }
      expect(started, `after turn ${turn}`).toHaveLength(turn + 1);
    }
    expect(started.slice(0, 10)).toEqual([
      "many",
      "few",
      "many",
      "few",
      "many",
      "few",
      "many",
      "few",
      "many",
      "few",
    ]);
  });
});
