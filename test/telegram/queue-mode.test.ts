/**
 * The bot in queue mode, with real processes over PostgreSQL: two api nodes and a worker. In
 * webhook mode Telegram's updates reach either node through a load balancer and each chat's
 * conversation still goes on in order, every image sent once; with long polling one node polls
 * at a time and another takes over when it is killed with -9.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "../fakes/replicate/index.ts";
import { type FakeTelegram, type FakeUser, makeUser, startFakeTelegram } from "../fakes/telegram/index.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "../support/backends.ts";
import { type LoadBalancer, startLoadBalancer } from "../support/load-balancer.ts";
import { type QueueCluster, startQueueCluster } from "../support/queue-cluster.ts";
import { askBot, botEnv, botMessages, wordsOf } from "../support/telegram-gateway.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;
const isImage = (entry: { photo?: unknown; mediaGroupId?: unknown }) =>
  entry.photo !== undefined && entry.mediaGroupId === undefined;

describe.skipIf(skip)("the Telegram bot on two api nodes", () => {
  let telegram: FakeTelegram;
  let replicate: FakeReplicate;
  let balancer: LoadBalancer | undefined;
  let cluster: QueueCluster;

  const start = async (env: Record<string, string> = {}) => {
    telegram = await startFakeTelegram();
    replicate = await startFakeReplicate({ latencyMs: { min: 100, max: 300 } });
    cluster = await startQueueCluster({ ...botEnv(telegram, replicate), ...env });
  };

  afterEach(async () => {
    await cluster?.close();
    await Promise.all([telegram?.close(), replicate?.close(), balancer?.close()]);
    balancer = undefined;
  });

  /** Asks for `prompts` one after another; each answer is an image. */
  const converse = async (user: FakeUser, prompts: string[]) => {
    for (const prompt of prompts) {
      const image = await askBot(telegram, user, prompt, isImage);
      expect(image.photo).toBeDefined();
    }
  };

  it("answers webhooks on either node, in order, each image once", async () => {
    balancer = await startLoadBalancer();
    await start({ TELEGRAM_WEBHOOK: "1", PUBLIC_URL: balancer.url });
    const nodes = await Promise.all([cluster.spawn("api"), cluster.spawn("api"), cluster.spawn("worker")]);
    balancer.nodes.push(nodes[0].url, nodes[1].url);

    const ada = makeUser({ first_name: "Ada" });
    const bob = makeUser({ first_name: "Bob" });
    await Promise.all([
      converse(ada, ["a red fox", "a blue whale", "a green owl"]),
      converse(bob, ["a yellow cab", "a purple door"]),
    ]);
    expect(balancer.nodes.map((node) => balancer?.served.get(node) ?? 0).every((n) => n > 0)).toBe(true);
    for (const [user, count] of [
      [ada, 3],
      [bob, 2],
    ] as const) {
      expect(botMessages(telegram, user).filter(isImage)).toHaveLength(count);
    }
    const prompts = replicate.predictions().map((p) => String((p.input as { prompt?: unknown }).prompt));
    expect(prompts.sort()).toEqual([
      "a blue whale",
      "a green owl",
      "a purple door",
      "a red fox",
      "a yellow cab",
    ]);
  }, 90_000);

  it("polls from one node at a time, and from the other once that one is killed", async () => {
    await start();
    const [first, second] = await Promise.all([cluster.spawn("api"), cluster.spawn("api")]);
    await cluster.spawn("worker");
    const cyd = makeUser({ first_name: "Cyd" });
    await converse(cyd, ["a quiet harbour"]);

    // Whichever node polls, killing both in turn leaves one that has to take over.
    for (const node of [first, second]) {
      node.child.kill("SIGKILL");
      await node.exited;
      await converse(cyd, [`after ${node.url}`]);
      await cluster.spawn("api");
    }
    // Two pollers at once would have drawn Telegram's 409 Conflict.
    const refused = telegram.calls("getUpdates").filter((call) => call.error !== undefined);
    expect(refused.map((call) => call.error)).toEqual([]);
    expect(botMessages(telegram, cyd).filter(isImage).map(wordsOf)).toHaveLength(3);
  }, 120_000);
});
