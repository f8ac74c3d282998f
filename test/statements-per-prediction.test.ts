/**
 * The SQL statements a prediction costs, counted at the SQLite driver while clients create
 * predictions with `Prefer: wait`: on the sim at zero latency and on Replicate (the fake).
 * The loops' selections and counts (the dispatcher's, the reconciler's, fair share's, the
 * webhook sender's) serve every prediction a wake finds, so their number per prediction depends
 * on timing: they are told apart from the statements each prediction makes of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken, newApiToken } from "../src/core/api-tokens.ts";
import { createStore, openDatabase } from "../src/store/index.ts";
import { TOKEN_CACHE_MS } from "../src/store/token-cache.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { statementsDuring } from "./support/sql-statements.ts";
import { untilRefused } from "./support/until-refused.ts";

const PREDICTIONS = 64;
const CLIENTS = 16;

async function createWaiting(gateway: TestGateway, model: string, count: number): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      const i = next++;
      const response = await gateway.api(`/v1/models/${model}/predictions`, {
        method: "POST",
        headers: { prefer: "wait=30" },
        body: JSON.stringify({
          input: { prompt: `count ${i}`, width: 64, height: 64, output_format: "png" },
        }),
      });
      const prediction = (await response.json()) as { status: string };
      expect(prediction.status).toBe("succeeded");
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
}

const matching = (statements: string[], pattern: RegExp) => statements.filter((sql) => pattern.test(sql));

/** The loops' statements, made once per wake for all the work it finds. */
const LOOPS = [
  /^select \* from "predictions" where "state" in/,
  /^\s*with recursive queued_groups/,
  /^select \* from \(select \* from "predictions" where state = 'queued'/,
  /count\(\*\) as "count" from "predictions"/,
  /"fair_shares"/,
  /from "webhook_deliveries" where "state"/,
  /from "loras" where "status" in/,
  // the search index's batch, once every SEARCH_BATCH new predictions
  /predictions_search/,
];

/**
 * Reads of what is cached for a while (a token for TOKEN_CACHE_MS, a LoRA's destination), made once
 * per expiry whatever the number of predictions: bounded on their own below.
 */
const TOKEN_READ = /from "api_tokens"/;
const LORA_READ = /from "loras" where "destination"/;
const CACHE_REFRESHES = [TOKEN_READ, LORA_READ];
const NOT_OWN = [...LOOPS, ...CACHE_REFRESHES];

async function countFor(gateway: TestGateway, model: string) {
  await createWaiting(gateway, model, 4);
  const statements = await statementsDuring(async () => {
    await createWaiting(gateway, model, PREDICTIONS);
    // the ledger is written just after the answer
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  const own = statements.filter((sql) => !NOT_OWN.some((shared) => shared.test(sql)));
  return {
    ownPerPrediction: own.length / PREDICTIONS,
    tokenReads: matching(statements, TOKEN_READ).length,
    loraReads: matching(statements, LORA_READ).length,
    readBacks: matching(statements, /^select \* from "predictions" where "id" = \?$/).length,
    receivedWebhooks: matching(statements, /"received_webhooks"/).length,
    rowUpdatesPerPrediction: matching(own, /^update "predictions"/).length / PREDICTIONS,
  };
}

describe("statements per prediction", () => {
  let gateway: TestGateway;
  let fake: FakeReplicate;

  beforeAll(async () => {
    // An account whose budget these quick creates stay within: what is counted is a prediction's
    // own path, not the queue it waits in for the budget (a claim more).
    fake = await startFakeReplicate({ createsPerMinute: 60_000, latencyMs: { min: 0, max: 0 } });
    gateway = await startGateway({
      REPLICATE_API_TOKEN: fake.token,
      REPLICATE_BASE_URL: fake.url,
      REPLICATE_CREATES_PER_MINUTE: "60000",
    });
  });

  afterAll(async () => {
    await gateway.close();
    await fake.close();
  });

  it("on the sim: no token or LoRA read per request, no read-back of the row just stored", async () => {
    const counted = await countFor(gateway, "sim/image");
    expect(counted.readBacks).toBe(0);
    expect(counted.receivedWebhooks).toBe(0);
    expect(counted.tokenReads).toBeLessThanOrEqual(PREDICTIONS / 8);
    expect(counted.loraReads).toBeLessThanOrEqual(PREDICTIONS / 8);
    // stored claimed (nothing queued, room at the sim), then ended in the same write that records
    // its run (the start's answer is its end)
    expect(counted.rowUpdatesPerPrediction).toBe(1);
    // 18 when first measured, then 13, 7, 6, 5 since; the target of 4 is not reached yet (see BENCHMARKS.md).
    expect(counted.ownPerPrediction).toBeLessThanOrEqual(5);
  });

  it("on Replicate: no token or LoRA read per request, no read-back of the row just stored", async () => {
    const counted = await countFor(gateway, "fake-official/flux-schnell");
    expect(counted.readBacks).toBe(0);
    expect(counted.tokenReads).toBeLessThanOrEqual(PREDICTIONS / 8);
    expect(counted.loraReads).toBeLessThanOrEqual(PREDICTIONS / 8);
    // Replicate's sync answer is the end: stored claimed, then ended with its run in one write
    expect(counted.rowUpdatesPerPrediction).toBe(1);
    // 18 when first measured, then 16, 8.5, 7, 6 since; the target is 6.
    expect(counted.ownPerPrediction).toBeLessThanOrEqual(6);
  });
});

describe("the cached token lookup", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  const asToken = (secret: string) =>
    fetch(`${gateway.url}/v1/predictions`, { headers: { authorization: `Bearer ${secret}` } });

  async function newToken(): Promise<{ id: string; secret: string }> {
    const secret = newApiToken();
    const { id } = await gateway.store.tokens.create({
      name: "cached",
      tokenHash: hashApiToken(secret),
      isAdmin: false,
    });
    expect((await asToken(secret)).status).toBe(200);
    return { id, secret };
  }

  it("refuses a token revoked through the API at once", async () => {
    const { id, secret } = await newToken();
    const revoked = await gateway.api(`/v1/admin/tokens/${id}`, { method: "DELETE" });
    expect(revoked.status).toBeLessThan(300);
    expect((await asToken(secret)).status).toBe(401);
  });

  it("refuses a token revoked by another process within the cache's time", async () => {
    const { id, secret } = await newToken();
    const other = await openDatabase({ dataDir: gateway.dataDir });
    try {
      expect(await createStore(other).tokens.revoke(id)).toBe(true);
      const refused = await untilRefused(async () => (await asToken(secret)).status, TOKEN_CACHE_MS + 1_000);
      expect(refused.status).toBe(401);
      expect(refused.afterMs).toBeLessThanOrEqual(TOKEN_CACHE_MS + 250);
    } finally {
      await other.close();
    }
  });
});
