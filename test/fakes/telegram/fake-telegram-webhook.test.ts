import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";

let fake: FakeTelegram;
let receiver: Server | undefined;

beforeEach(async () => {
  fake = await startFakeTelegram({ webhook: { retryDelayMs: 20, maxAttempts: 3 } });
});

afterEach(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve) ?? resolve(undefined));
  receiver = undefined;
  await fake.close();
});

/** A real HTTP server for the webhook; returns its URL and the headers of every request it got. */
async function serveWebhook(
  handler: RequestListener,
): Promise<{ url: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  receiver = createServer((request, response) => {
    headers.push(request.headers);
    handler(request, response);
  });
  await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/telegram`, headers };
}

function echoBot(options: { webhookReply?: boolean } = {}) {
  const bot = new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot, ...(options.webhookReply && { canUseWebhookReply: () => true }) },
    botInfo: fake.bot,
  });
  bot.on("message:text", (ctx) => ctx.reply(`got ${ctx.message.text}`));
  return bot;
}

describe("fake Telegram webhooks", () => {
  it("POSTs updates in order with the secret header to grammY's webhookCallback", async () => {
    const bot = echoBot();
    const { url, headers } = await serveWebhook(
      webhookCallback(bot, "http", { secretToken: "s3cret_token" }),
    );
    await bot.api.setWebhook(url, { secret_token: "s3cret_token" });
    const user = makeUser();
    const first = fake.sendText(user, "one");
    const second = fake.sendText(user, "two");
    await fake.waitFor(() => fake.transcript(user.id).filter((entry) => entry.sender === "bot").length === 2);
    expect(fake.transcript(user.id).map((entry) => entry.text)).toEqual(["one", "two", "got one", "got two"]);
    expect(headers.map((each) => each["x-telegram-bot-api-secret-token"])).toEqual([
      "s3cret_token",
      "s3cret_token",
    ]);
    expect(headers[0]?.["content-type"]).toBe("application/json");
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url,
      pending_update_count: 0,
      has_custom_certificate: false,
    });

    fake.deliverAgain(first.update_id);
    await fake.waitFor(() => fake.webhookAttempts().length === 3);
    expect(fake.webhookAttempts().map((attempt) => attempt.updateId)).toEqual([
      first.update_id,
      second.update_id,
      first.update_id,
    ]);
  });

  it("retries an update grammY refuses for a wrong secret, then gives it up and reports the error", async () => {
    const bot = echoBot();
    const { url } = await serveWebhook(webhookCallback(bot, "http", { secretToken: "the_right_one" }));
    await bot.api.setWebhook(url, { secret_token: "a_wrong_one" });
    const user = makeUser();
    const update = fake.sendText(user, "hello");
    await fake.waitFor(() => fake.webhookAttempts().length === 3);
    expect(fake.webhookAttempts().map((attempt) => [attempt.updateId, attempt.status])).toEqual([
      [update.update_id, 401],
      [update.update_id, 401],
      [update.update_id, 401],
    ]);
    await fake.waitFor(() => fake.pendingUpdates() === 0);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ pending_update_count: 0, last_error_message: expect.stringMatching(/401/) });
    expect(fake.transcript(user.id).filter((entry) => entry.sender === "bot")).toEqual([]);
  });

  it("redelivers after a failure before sending the next update", async () => {
    let failuresLeft = 1;
    const bodies: number[] = [];
    const { url } = await serveWebhook((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        bodies.push((JSON.parse(body) as { update_id: number }).update_id);
        response.writeHead(failuresLeft-- > 0 ? 500 : 200).end();
      });
    });
    await echoBot().api.setWebhook(url);
    const user = makeUser();
    const first = fake.sendText(user, "a").update_id;
    const second = fake.sendText(user, "b").update_id;
    await fake.waitFor(() => bodies.length === 3);
    expect(bodies).toEqual([first, first, second]);
  });

  it("runs the API call a bot returns as its webhook answer", async () => {
    const bot = echoBot({ webhookReply: true });
    const { url } = await serveWebhook(webhookCallback(bot, "http"));
    await bot.api.setWebhook(url);
    const user = makeUser();
    fake.sendText(user, "quick");
    const reply = await fake.waitFor(() =>
      fake.transcript(user.id).find((entry) => entry.text === "got quick"),
    );
    expect(reply.sender).toBe("bot");
    expect(fake.calls("sendMessage")).toEqual([expect.objectContaining({ viaWebhookReply: true })]);
  });

  it("delivers the pending updates when a webhook is set, unless told to drop them", async () => {
    const bot = echoBot();
    const { url } = await serveWebhook(webhookCallback(bot, "http"));
    const user = makeUser();
    fake.sendText(user, "old news");
    await bot.api.setWebhook(url, { drop_pending_updates: true });
    fake.sendText(user, "fresh");
    await fake.waitFor(() => fake.transcript(user.id).find((entry) => entry.text === "got fresh"));
    expect(fake.transcript(user.id).map((entry) => entry.text)).toEqual(["old news", "fresh", "got fresh"]);
  });
});
