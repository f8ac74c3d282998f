/**
 * Queue mode when processes die or restart, with real processes over PostgreSQL: two api nodes
 * behind a load balancer, three workers, the fake Replicate. A worker killed with -9 mid-run: the
 * others finish everything, nothing created twice upstream. An api node killed with -9 while it
 * holds `Prefer: wait` requests: the official client, pointed at the other node, gets each result.
 * A rolling restart of the three workers, one at a time: nothing lost, nothing repeated.
 */
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeReplicate } from "./fakes/replicate/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import type { LoadBalancer } from "./support/load-balancer.ts";
import { authed, type QueueCluster } from "./support/queue-cluster.ts";
import { type ReplicateCluster, startReplicateCluster } from "./support/replicate-cluster.ts";
import type { ServeProcess } from "./support/serve-process.ts";
import { until } from "./support/until.ts";
import type { WebhookReceiver } from "./support/webhook-receiver.ts";

const MODEL = "fake-official/flux-schnell";

interface Json {
  id: string;
  status: string;
  input: { prompt: string };
  output: string[] | null;
}

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;

describe.skipIf(skip)("queue mode: processes killed and restarted mid-run", () => {
  let fake: FakeReplicate;
  let balancer: LoadBalancer;
  let cluster: QueueCluster;
  let receiver: WebhookReceiver;
  let apis: ServeProcess[];
  let workers: ServeProcess[];

  let setup: ReplicateCluster;

  beforeAll(async () => {
    setup = await startReplicateCluster({ latencyMs: { min: 2_000, max: 4_000 } });
    ({ fake, balancer, receiver, cluster } = setup);
    apis = await Promise.all([cluster.spawn("api"), cluster.spawn("api")]);
    workers = await Promise.all([cluster.spawn("worker"), cluster.spawn("worker"), cluster.spawn("worker")]);
    balancer.nodes.push(...apis.map((node) => node.url));
  }, 60_000);

  afterAll(() => setup?.close());

  /** Sends `count` predictions named `<name> <i>` through both api nodes, completions to the receiver. */
  const send = async (name: string, count: number): Promise<Json[]> =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const node = apis[i % apis.length] as ServeProcess;
        const response = await fetch(`${node.url}/v1/models/${MODEL}/predictions`, {
          method: "POST",
          headers: { ...authed, "content-type": "application/json" },
          body: JSON.stringify({
            input: { prompt: `${name} ${i}` },
            webhook: receiver.url,
            webhook_events_filter: ["completed"],
          }),
        });
        expect(response.status).toBe(201);
        return (await response.json()) as Json;
      }),
    );

  const read = async (id: string): Promise<Json> =>
    (await (await fetch(`${apis[0]?.url}/v1/predictions/${id}`, { headers: authed })).json()) as Json;

  /** Each of `created` as read once its completed webhook arrived. */
  const allEnded = async (created: Json[]): Promise<Json[]> => {
    await until(() => (completions(created).every((n) => n >= 1) ? true : undefined), 150_000);
    return Promise.all(created.map((p) => read(p.id)));
  };

  /** How many times each prompt starting with `name ` was created upstream. */
  const upstreamCreates = (name: string): number[] => {
    const counts = new Map<string, number>();
    for (const p of fake.predictions()) {
      const prompt = String((p.input as { prompt?: unknown }).prompt);
      if (prompt.startsWith(`${name} `)) counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
    }
    return [...counts.values()];
  };

  /** The completed webhooks received for each of `created`. */
  const completions = (created: Json[]): number[] => {
    const counts = new Map<string, number>();
    for (const { body } of receiver.received) {
      const { id } = JSON.parse(body) as Json;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return created.map((p) => counts.get(p.id) ?? 0);
  };

  it("finishes everything, none twice, when a worker is killed with -9 mid-run", async () => {
    const created = await send("kill-worker", 60);
    await until(() => (upstreamCreates("kill-worker").length >= 20 ? true : undefined));
    const victim = workers.shift() as ServeProcess;
    victim.child.kill("SIGKILL");
    await victim.exited;
    const endedBeforeKill = completions(created).filter((n) => n > 0).length;

    const ended = await allEnded(created);
    expect(endedBeforeKill).toBeLessThan(60);
    expect(ended.map((p) => p.status)).toEqual(Array(60).fill("succeeded"));
    expect(upstreamCreates("kill-worker")).toEqual(Array(60).fill(1));
    workers.push(await cluster.spawn("worker"));
  }, 180_000);

  it("gives the official client each result on the other node when an api node holding Prefer: wait is killed", async () => {
    const [survivor, victim] = apis as [ServeProcess, ServeProcess];
    const waits = Array.from({ length: 5 }, (_, i) =>
      fetch(`${victim.url}/v1/models/${MODEL}/predictions`, {
        method: "POST",
        headers: { ...authed, "content-type": "application/json", prefer: "wait=60" },
        body: JSON.stringify({ input: { prompt: `kill-api ${i}` } }),
      }).then(
        (response) => `answered ${response.status}`,
        (error: Error) => `connection lost: ${error.message}`,
      ),
    );
    const replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${survivor.url}/v1` });
    const held = await until(async () => {
      const page = await replicate.predictions.list();
      const mine = page.results.filter((p) =>
        String((p.input as { prompt?: unknown }).prompt).startsWith("kill-api "),
      );
      return mine.length === 5 && mine.every((p) => p.status !== "succeeded") ? mine : undefined;
    });
    victim.child.kill("SIGKILL");
    await victim.exited;
    apis = [survivor];
    balancer.nodes.splice(0, balancer.nodes.length, survivor.url);
    expect(await Promise.all(waits)).toEqual(Array(5).fill(expect.stringMatching(/^connection lost/)));

    const results = await Promise.all(held.map((p) => replicate.wait(p, { interval: 200 })));
    expect(results.map((p) => p.status)).toEqual(Array(5).fill("succeeded"));
    for (const result of results) {
      const output = (result.output as string[])[0] as string;
      // Output links name PUBLIC_URL: the balancer, which now reaches the survivor only.
      expect(output.startsWith(balancer.url)).toBe(true);
      expect((await fetch(output, { headers: authed })).status).toBe(200);
    }
    expect(upstreamCreates("kill-api")).toEqual(Array(5).fill(1));
    const replacement = await cluster.spawn("api");
    apis.push(replacement);
    balancer.nodes.push(replacement.url);
  }, 120_000);

  it("loses and repeats nothing in a rolling restart of the three workers", async () => {
    const created = await send("rolling", 90);
    const endedBeforeRestart = completions(created).filter((n) => n > 0).length;
    for (let i = 0; i < 3; i++) {
      const old = workers.shift() as ServeProcess;
      old.child.kill("SIGTERM");
      expect(await old.exited).toBe(0);
      workers.push(await cluster.spawn("worker"));
    }
    const ended = await allEnded(created);
    expect(endedBeforeRestart).toBeLessThan(90);
    expect(ended.map((p) => p.status)).toEqual(Array(90).fill("succeeded"));
    expect(upstreamCreates("rolling")).toEqual(Array(90).fill(1));
    expect(completions(created)).toEqual(Array(90).fill(1));
  }, 180_000);
});
