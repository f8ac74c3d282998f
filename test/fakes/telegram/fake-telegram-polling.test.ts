import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";
import { refusal } from "./refusal.ts";

let fake: FakeTelegram;

beforeEach(async () => {
  fake = await startFakeTelegram();
});

afterEach(async () => {
  await fake.close();
});

const newBot = () => new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });

describe("fake Telegram long polling", () => {
  it("delivers updates to bot.start() as they happen and confirms them on bot.stop()", async () => {
    const bot = newBot();
    const seen: string[] = [];
    bot.command("start", (ctx) => ctx.reply(`hello ${ctx.from?.first_name}`));
    bot.on("message:text", (ctx) => {
      seen.push(ctx.message.text);
    });
    const user = makeUser({ first_name: "Ann" });
    fake.sendText(user, "/start");
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const polling = bot.start({ timeout: 5, onStart: () => started() });
    await running;
    await fake.waitFor(() => fake.transcript(user.id).find((entry) => entry.text === "hello Ann"));
    fake.sendText(user, "a red fox");
    await fake.waitFor(() => seen.includes("a red fox"));
    await bot.stop();
    await polling;

    // deleteWebhook first, then long polls; stop() confirmed the offset, so nothing is left
    expect(fake.calls()[0]?.method).toBe("deleteWebhook");
    const polls = fake.calls("getUpdates");
    expect(polls[0]?.payload).toMatchObject({ timeout: 5 });
    expect(polls.at(-1)?.payload).toMatchObject({ limit: 1 });
    expect(fake.pendingUpdates()).toBe(0);
    expect(await newBot().api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it("keeps updates until an offset confirms them, and honours limit", async () => {
    const api = newBot().api;
    const user = makeUser();
    const ids = ["one", "two", "three"].map((text) => fake.sendText(user, text).update_id);
    expect((await api.getUpdates({ limit: 2 })).map((update) => update.message?.text)).toEqual([
      "one",
      "two",
    ]);
    expect((await api.getUpdates({ limit: 2 })).map((update) => update.update_id)).toEqual(ids.slice(0, 2));
    expect((await api.getUpdates({ offset: (ids[1] ?? 0) + 1 })).map((update) => update.update_id)).toEqual([
      ids[2],
    ]);
    expect(await api.getUpdates({ offset: (ids[2] ?? 0) + 1 })).toEqual([]);
  });

  it("holds a long poll until an update arrives, and answers [] when the timeout ends", async () => {
    const api = newBot().api;
    const held = api.getUpdates({ timeout: 10 });
    await fake.waitFor(() => fake.calls("getUpdates").length === 1);
    const update = fake.sendText(makeUser(), "wake up");
    expect((await held).map((each) => each.update_id)).toEqual([update.update_id]);

    const started = Date.now();
    expect(await api.getUpdates({ offset: update.update_id + 1, timeout: 1 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("ends the held long poll with 409 when another poller arrives, as Telegram does", async () => {
    const first = newBot();
    first.on("message", () => {});
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const polling = first.start({ timeout: 30, onStart: () => started() });
    await running;
    await fake.waitFor(() => fake.calls("getUpdates").length === 1);

    const second = newBot().api.getUpdates({ timeout: 30 });
    const error = await refusal(polling);
    expect(error.error_code).toBe(409);
    expect(error.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    const update = fake.sendText(makeUser(), "for the survivor");
    expect((await second).map((each) => each.update_id)).toEqual([update.update_id]);
  });

  it("gives a redelivered update again with the same update_id, after it was confirmed", async () => {
    const api = newBot().api;
    const update = fake.sendText(makeUser(), "pay 10 stars");
    expect((await api.getUpdates({})).map((each) => each.update_id)).toEqual([update.update_id]);
    expect(await api.getUpdates({ offset: update.update_id + 1 })).toEqual([]);
    fake.deliverAgain(update.update_id);
    expect(await api.getUpdates({ offset: update.update_id + 1 })).toEqual([update]);
    expect(await api.getUpdates({ offset: update.update_id + 1 })).toEqual([]);
  });

  it("refuses getUpdates while a webhook is set, and ends a held poll on setWebhook", async () => {
    const api = newBot().api;
    const held = api.getUpdates({ timeout: 30 });
    await fake.waitFor(() => fake.calls("getUpdates").length === 1);
    await api.setWebhook("http://127.0.0.1:9/telegram");
    await expect(held).rejects.toThrow("Conflict: terminated by setWebhook request");
    await expect(api.getUpdates({})).rejects.toThrow(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await api.deleteWebhook();
    expect(await api.getUpdates({})).toEqual([]);
  });

  it("sends only the update types named in allowed_updates, and keeps the choice", async () => {
    const api = newBot().api;
    const user = makeUser();
    fake.sendText(user, "hi");
    const message = await api.sendMessage(user.id, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    const [hello] = await api.getUpdates({ allowed_updates: ["callback_query"] });
    expect(hello?.message?.text).toBe("hi");
    fake.sendText(user, "ignored");
    const press = fake.pressButton(user, message, "a");
    expect(
      (await api.getUpdates({ offset: (hello?.update_id ?? 0) + 1 })).map((update) => update.update_id),
    ).toEqual([press.update_id]);
  });

  it("takes a negative offset as 'only the last updates', forgetting the earlier ones", async () => {
    const api = newBot().api;
    const user = makeUser();
    const ids = ["a", "b", "c"].map((text) => fake.sendText(user, text).update_id);
    expect((await api.getUpdates({ offset: -1 })).map((update) => update.update_id)).toEqual([ids[2]]);
    expect((await api.getUpdates({})).map((update) => update.update_id)).toEqual([ids[2]]);
  });
});
