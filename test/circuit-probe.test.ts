import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";
import { until } from "./support/until.ts";

const OPEN_MS = 1_000;
const ENDINGS = ["success", "failure", "cancel", "timeout", "lost"] as const;
const sim = { provider: "sim", model: "sim/image" };
const CONFIG = {
  models: Object.fromEntries(
    ENDINGS.map((ending) => [ending, { targets: [sim, { ...sim, input: { fail: false } }] }]),
  ),
  routing: { circuitBreaker: { failures: 1, windowMs: 60_000, openMs: OPEN_MS } },
};
const SMALL = { width: 64, height: 64 };

interface Routed {
  id: string;
  status: string;
  gengate: { target: { key: string }; route: { target: string; outcome: string; reason?: string }[] };
}

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGatewayWithConfig(CONFIG);
});
afterAll(async () => {
  await gateway.close();
});

async function create(alias: string, input: Record<string, unknown>, wait = false): Promise<Routed> {
  const response = await gateway.api(`/v1/models/gengate/${alias}/predictions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(wait && { prefer: "wait" }) },
    body: JSON.stringify({ input: { prompt: "x", ...SMALL, ...input } }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Routed;
}

const routeOf = (p: Routed) => p.gengate.route.map((e) => [e.target, e.outcome, e.reason ?? ""]);
/** The circuit of the alias's first target, as the admin's provider states show it. */
const circuit = async (alias: string) =>
  (await gateway.engine.providerStates()).flatMap((p) => p.circuits).find((c) => c.target === `${alias}#0`)
    ?.state;

/** Fails a run on the alias's first target (opening its circuit), then waits out the open time. */
async function openThenHalfOpen(alias: string): Promise<void> {
  const failed = await create(alias, { fail: "GPU on fire" }, true);
  expect(routeOf(failed)).toEqual([
    [`${alias}#0`, "failed", "GPU on fire"],
    [`${alias}#1`, "ran", ""],
  ]);
  expect(await circuit(alias)).toBe("open");
  await until(async () => ((await circuit(alias)) === "half-open" ? true : undefined), 5_000);
}

/** Starts the probe: a long run on the first target, the only one the circuit lets through. */
async function startProbe(alias: string): Promise<Routed> {
  const probe = await create(alias, { latency_ms: 60_000 });
  expect(probe.gengate.target.key).toBe(`${alias}#0`);
  const bystander = await create(alias, { latency_ms: 0 }, true);
  expect(routeOf(bystander)).toEqual([
    [`${alias}#0`, "skipped", "circuit open"],
    [`${alias}#1`, "ran", ""],
  ]);
  return probe;
}

/** The next request goes to the first target again. */
async function expectFirstTargetServes(alias: string): Promise<void> {
  const next = await create(alias, { latency_ms: 0 }, true);
  expect(next.status).toBe("succeeded");
  expect(routeOf(next)).toEqual([[`${alias}#0`, "ran", ""]]);
}

describe("a circuit's probe", () => {
  it("closes the circuit when it succeeds", async () => {
    await openThenHalfOpen("success");
    await expectFirstTargetServes("success");
    expect(await circuit("success")).toBe("closed");
  });

  it("opens the circuit again for the open time when it fails", async () => {
    await openThenHalfOpen("failure");
    const probe = await create("failure", { fail: "still on fire" }, true);
    expect(routeOf(probe)).toEqual([
      ["failure#0", "failed", "still on fire"],
      ["failure#1", "ran", ""],
    ]);
    expect(await circuit("failure")).toBe("open");
    await until(async () => ((await circuit("failure")) === "half-open" ? true : undefined), 5_000);
    await expectFirstTargetServes("failure");
  });

  it("lets the next request probe when it is canceled", async () => {
    await openThenHalfOpen("cancel");
    const probe = await startProbe("cancel");
    const canceled = await gateway.api(`/v1/predictions/${probe.id}/cancel`, { method: "POST" });
    expect(((await canceled.json()) as Routed).status).toBe("canceled");
    await expectFirstTargetServes("cancel");
  });

  it("lets the next request probe when it runs past its deadline", async () => {
    await openThenHalfOpen("timeout");
    const probe = await gateway.engine.submit({
      model: "gengate/timeout",
      input: { prompt: "slow", ...SMALL, latency_ms: 60_000 },
      deadlineAt: Date.now() + 500,
    });
    expect(probe.route?.current.key).toBe("timeout#0");
    const ended = await gateway.engine.waitFor(probe.id, 10_000);
    expect(ended).toMatchObject({ state: "canceled", error: "deadline exceeded" });
    await expectFirstTargetServes("timeout");
  });

  it("lets a request probe after the open time when it is lost (its prediction was never stored)", async () => {
    await openThenHalfOpen("lost");
    // The first item becomes the probe, then the second is refused: the batch, probe included, is not stored.
    const refused = await gateway.api("/v1/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gengate/lost",
        items: [{ input: { prompt: "probe", ...SMALL } }, { input: { prompt: "bad", width: "wide" } }],
      }),
    });
    expect(refused.status).toBe(422);
    expect(await circuit("lost")).toBe("half-open");
    await until(async () => {
      const next = await create("lost", { latency_ms: 0 }, true);
      return next.gengate.target.key === "lost#0" ? next : undefined;
    }, 5_000);
  });
});
