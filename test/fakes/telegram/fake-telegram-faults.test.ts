import { autoRetry } from "@grammyjs/auto-retry";
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";
import { refusal } from "./refusal.ts";

let fake: FakeTelegram;

beforeAll(async () => {
  fake = await startFakeTelegram();
});

afterAll(async () => {
  await fake.close();
});

const newBot = () => new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });

function chatWith() {
  const user = makeUser();
  fake.sendText(user, "/start");
  return user;
}

describe("fake Telegram faults", () => {
  it("answers 429 with retry_after, which @grammyjs/auto-retry waits out before the call succeeds", async () => {
    const bot = newBot();
    bot.api.config.use(autoRetry({ maxRetryAttempts: 2 }));
    const user = chatWith();
    fake.failNext("sendMessage", { status: 429, retryAfter: 1 });
    const message = await bot.api.sendMessage(user.id, "after the flood");
    expect(message.text).toBe("after the flood");
    const attempts = fake.calls("sendMessage").filter((call) => call.payload.chat_id === user.id);
    expect(attempts.map((call) => [call.status, call.error])).toEqual([
      [429, "Too Many Requests: retry after 1"],
      [200, undefined],
    ]);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("gives a plain client the 429 body with parameters.retry_after", async () => {
    const user = chatWith();
    fake.failNext("SENDMESSAGE", { status: 429, retryAfter: 7 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const error = await refusal(newBot().api.sendMessage(user.id, "x"));
      expect([error.error_code, error.parameters]).toEqual([429, { retry_after: 7 }]);
    }
    expect((await newBot().api.sendMessage(user.id, "third")).text).toBe("third");
  });

  it("answers 500 and 403 once when asked", async () => {
    const user = chatWith();
    const api = newBot().api;
    fake.failNext("sendPhoto", { status: 500 });
    fake.failNext("sendChatAction", { status: 403 });
    await expect(api.sendPhoto(user.id, "whatever")).rejects.toThrow("Internal Server Error");
    await expect(api.sendChatAction(user.id, "typing")).rejects.toThrow(
      "Forbidden: bot was blocked by the user",
    );
    expect(await api.sendChatAction(user.id, "typing")).toBe(true);
  });

  it("answers 403 to every send to a user who blocked the bot, and only to them", async () => {
    const api = newBot().api;
    const blocker = chatWith();
    const other = chatWith();
    const notice = fake.blockBy(blocker);
    expect(notice.my_chat_member).toMatchObject({
      chat: { id: blocker.id, type: "private" },
      old_chat_member: { status: "member", user: { id: fake.bot.id } },
      new_chat_member: { status: "kicked", user: { id: fake.bot.id } },
    });
    const error = await refusal(api.sendMessage(blocker.id, "are you there?"));
    expect([error.error_code, error.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);
    await expect(api.sendPhoto(blocker.id, "x")).rejects.toThrow(/blocked/);
    expect((await api.sendMessage(other.id, "still here")).text).toBe("still here");
    expect(fake.transcript(blocker.id).filter((entry) => entry.sender === "bot")).toEqual([]);
  });
});
