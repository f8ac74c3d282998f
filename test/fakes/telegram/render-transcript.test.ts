import { Bot, InlineKeyboard, InputFile, InputMediaBuilder } from "grammy";
import type { Message } from "grammy/types";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";
import { renderTranscriptHtml } from "./render-transcript.ts";

let fake: FakeTelegram;
let bot: Bot;

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
});

afterAll(async () => {
  await fake.close();
});

const png = (color: string) =>
  sharp({ create: { width: 480, height: 360, channels: 3, background: color } })
    .png()
    .toBuffer();

const count = (html: string, text: string) => html.split(text).length - 1;

describe("renderTranscriptHtml", () => {
  it("draws a whole conversation as a self-contained Telegram-like page", async () => {
    const user = makeUser({ first_name: "Ann" });
    fake.sendText(user, "/imagine a fox <in> the snow");
    const status = await bot.api.sendMessage(user.id, "<b>Queued</b>, 2 ahead", {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Cancel", "cancel:1"),
    });
    await bot.api.editMessageText(user.id, status.message_id, "Running…");
    const outdated = await bot.api.sendMessage(user.id, "this one goes away");
    await bot.api.deleteMessage(user.id, outdated.message_id);
    const album: Message[] = await bot.api.sendMediaGroup(user.id, [
      InputMediaBuilder.photo(new InputFile(await png("#d9534f")), { caption: "seed 1 and 2" }),
      InputMediaBuilder.photo(new InputFile(await png("#5bc0de"))),
    ]);
    await bot.api.sendDocument(user.id, new InputFile(Buffer.alloc(2048), "fox.png"), {
      reply_markup: new InlineKeyboard()
        .text("Upscale", "up:1")
        .text("Again", "re:1")
        .row()
        .text("Share", "sh:1"),
    });
    await fake.sendPhoto(user, await png("#f0ad4e"), { caption: "now this one" });
    await bot.api.sendInvoice(user.id, "100 credits", "For more pictures", "credits:100", "XTR", [
      { label: "100 credits", amount: 50 },
    ]);
    fake.successfulPayment(user, { payload: "credits:100", totalAmount: 50 });

    const transcript = fake.transcript(user.id);
    const html = renderTranscriptHtml(transcript, fake.fileBytes, { title: "gengate" });

    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="https?:/);
    expect(html).toContain("width: 420px");
    expect(html).toContain('<span class="command">/imagine</span> a fox &lt;in&gt; the snow');
    expect(html).toContain("Running…");
    expect(html).not.toContain("this one goes away");
    expect(html).toMatch(/edited \d\d:\d\d/);
    expect(count(html, 'class="row user"')).toBe(2);
    expect(count(html, 'class="album"')).toBe(1);
    expect(count(html, "<img ")).toBe(3);
    const albumImage =
      /<div class="album"><img alt="photo 480×360" src="data:image\/jpeg;base64,([^"]+)"/.exec(html);
    const largest = album[0]?.photo?.at(-1)?.file_id ?? "";
    expect(
      Buffer.from(albumImage?.[1] ?? "", "base64").equals(fake.fileBytes(largest) ?? Buffer.alloc(1)),
    ).toBe(true);
    expect(html).toContain("seed 1 and 2");
    expect(html).toContain('<div class="name">fox.png</div><div class="size">2.0 KB</div>');
    expect(html).toContain(
      '<div class="keyboard"><div class="krow"><span class="button">Upscale</span><span class="button">Again</span></div><div class="krow"><span class="button">Share</span></div></div>',
    );
    expect(html).not.toContain(">Cancel<");
    expect(html).toContain('<div class="price">⭐ 50</div>');
    expect(html).toContain("You paid ⭐ 50 · credits:100");

    expect(fake.transcriptHtml(user.id, { title: "gengate" })).toBe(html);
    await bot.api.sendMediaGroup(user.id, [
      InputMediaBuilder.document(new InputFile(Buffer.alloc(10), "a.png")),
      InputMediaBuilder.document(new InputFile(Buffer.alloc(20), "b.png")),
    ]);
    expect(fake.transcriptHtml(user.id)).toMatch(
      /<div class="bubble"><div class="file">.*a\.png.*<div class="file">.*b\.png.*<\/div><span class="meta">/,
    );
    const withDeleted = renderTranscriptHtml(transcript, fake.fileBytes, { showDeleted: true });
    expect(withDeleted).toMatch(/class="bubble deleted">this one goes away<span class="meta">deleted/);
  });
});
