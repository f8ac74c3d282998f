import { Bot, InlineKeyboard } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";
import { refusal } from "./refusal.ts";

let fake: FakeTelegram;
let bot: Bot;

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: "gengate_api_bot" });
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
});

afterAll(async () => {
  await fake.close();
});

const raw = (path: string, init?: RequestInit) => fetch(`${fake.apiRoot}${path}`, init);

describe("fake Telegram Bot API basics", () => {
  it("answers getMe with every field grammY's UserFromGetMe requires", async () => {
    await bot.init();
    expect(bot.botInfo).toMatchObject({
      id: Number(fake.token.split(":")[0]),
      is_bot: true,
      username: "gengate_api_bot",
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    });
  });

  it("refuses a wrong token with 401 and an unknown method with 404", async () => {
    const wrong = await raw("/bot123:nope/getMe", { method: "POST" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await raw(`/bot${fake.token}/sendTelepathy`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
  });

  it("takes method names in any case and parameters as query, urlencoded or JSON", async () => {
    const user = makeUser();
    fake.sendText(user, "hello");
    const byQuery = await raw(`/bot${fake.token}/SENDMESSAGE?chat_id=${user.id}&text=one`);
    const byForm = await raw(`/bot${fake.token}/sendmessage`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: String(user.id), text: "two" }),
    });
    expect((await byQuery.json()).result.text).toBe("one");
    expect((await byForm.json()).result.text).toBe("two");
    expect(fake.calls("sendMessage").map((call) => call.payload.text)).toEqual(["one", "two"]);
  });

  it("sends, edits and deletes messages, keeping the transcript's current state", async () => {
    const user = makeUser({ first_name: "Bea", language_code: "de" });
    fake.sendText(user, "/start");
    const keyboard = new InlineKeyboard().text("Cancel", "cancel:job1");
    const sent = await bot.api.sendMessage(user.id, "<b>Queued</b> &amp; waiting", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
    expect(sent).toMatchObject({
      message_id: 2,
      chat: { id: user.id, type: "private", first_name: "Bea" },
      from: { id: bot.botInfo.id, is_bot: true, first_name: "gengate", username: "gengate_api_bot" },
      text: "Queued & waiting",
      entities: [{ type: "bold", offset: 0, length: 6 }],
      reply_markup: { inline_keyboard: [[{ text: "Cancel", callback_data: "cancel:job1" }]] },
    });
    expect(Object.keys(sent.from ?? {})).toEqual(["id", "is_bot", "first_name", "username"]);
    await bot.api.editMessageText(user.id, sent.message_id, "Running", { reply_markup: keyboard });
    await expect(
      bot.api.editMessageText(user.id, sent.message_id, "Running", { reply_markup: keyboard }),
    ).rejects.toThrow(/message is not modified/);
    await bot.api.editMessageReplyMarkup(user.id, sent.message_id, { reply_markup: new InlineKeyboard() });
    const gone = await bot.api.sendMessage(user.id, "temporary");
    await bot.api.deleteMessage(user.id, gone.message_id);
    await expect(bot.api.deleteMessage(user.id, gone.message_id)).rejects.toThrow(
      /message to delete not found/,
    );

    const transcript = fake.transcript(user.id);
    expect(transcript.map((entry) => [entry.sender, entry.text, entry.edits, entry.deleted])).toEqual([
      ["user", "/start", 0, false],
      ["bot", "Running", 2, false],
      ["bot", "temporary", 0, true],
    ]);
    expect(transcript[0]?.message.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    expect(transcript[1]?.replyMarkup).toBeUndefined();
    expect(transcript[1]?.message.reply_markup).toBeUndefined();
  });

  it("marks /cmd@botname as a command and refuses a chat nobody opened", async () => {
    const user = makeUser();
    const update = fake.sendText(user, "/imagine@gengate_api_bot a red fox");
    expect(update.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 24 }]);
    const error = await refusal(bot.api.sendMessage(424242, "hi"));
    expect([error.error_code, error.description]).toEqual([400, "Bad Request: chat not found"]);
  });

  it("refuses callback data over 64 bytes and bad HTML, as Telegram does", async () => {
    const user = makeUser();
    fake.sendText(user, "hi");
    await expect(
      bot.api.sendMessage(user.id, "x", { reply_markup: new InlineKeyboard().text("Go", "x".repeat(65)) }),
    ).rejects.toThrow("Bad Request: BUTTON_DATA_INVALID");
    await expect(bot.api.sendMessage(user.id, "<b>open", { parse_mode: "HTML" })).rejects.toThrow(
      /can't parse entities/,
    );
  });

  it("delivers a button press as a callback_query and records the answer", async () => {
    const user = makeUser();
    fake.sendText(user, "hi");
    const message = await bot.api.sendMessage(user.id, "Done", {
      reply_markup: new InlineKeyboard().text("Again", "regen:1"),
    });
    const update = fake.pressButton(user, message, "regen:1");
    expect(update.callback_query).toMatchObject({
      from: { id: user.id, is_bot: false },
      data: "regen:1",
      message: { message_id: message.message_id, text: "Done" },
    });
    expect(update.callback_query?.chat_instance).toMatch(/^-?\d+$/);
    expect(() => fake.pressButton(user, message, "nope")).toThrow(/no button/);
    const id = update.callback_query?.id ?? "";
    await bot.api.answerCallbackQuery(id, { text: "On it" });
    await expect(bot.api.answerCallbackQuery(id)).rejects.toThrow(/query is too old/);
    expect(fake.callbackAnswers()).toEqual([
      { callbackQueryId: id, text: "On it", showAlert: false, at: expect.any(Number) },
    ]);
  });

  it("keeps the command menu per language and accepts chat actions", async () => {
    await bot.api.setMyCommands([{ command: "imagine", description: "Make a picture" }]);
    await bot.api.setMyCommands([{ command: "imagine", description: "Ein Bild machen" }], {
      language_code: "de",
    });
    expect(await bot.api.getMyCommands()).toEqual([{ command: "imagine", description: "Make a picture" }]);
    expect(fake.commands("de")).toEqual([{ command: "imagine", description: "Ein Bild machen" }]);
    await expect(bot.api.setMyCommands([{ command: "Bad-Name", description: "x" }])).rejects.toThrow(
      "BOT_COMMAND_INVALID",
    );
    const user = makeUser();
    fake.sendText(user, "hi");
    expect(await bot.api.sendChatAction(user.id, "upload_photo")).toBe(true);
  });

  it("mirrors the controls over HTTP under /_fake/ for trying a bot by hand", async () => {
    const said = await raw("/_fake/users/777001/text", {
      method: "POST",
      body: JSON.stringify({ text: "/start" }),
    });
    expect((await said.json()).message).toMatchObject({ chat: { id: 777001 }, text: "/start" });
    await bot.api.sendMessage(777001, "welcome");
    const transcript = await (await raw("/_fake/chats/777001/transcript")).json();
    expect(transcript.map((entry: { text: string }) => entry.text)).toEqual(["/start", "welcome"]);
    const page = await raw("/_fake/chats/777001/transcript.html");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain(">welcome<");
    const calls = await (await raw("/_fake/calls?method=sendmessage")).json();
    expect(calls.at(-1)).toMatchObject({
      method: "sendMessage",
      payload: { chat_id: 777001, text: "welcome" },
    });
  });
});
