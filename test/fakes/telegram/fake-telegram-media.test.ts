import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, InputFile, InputMediaBuilder } from "grammy";
import type { Message } from "grammy/types";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";
import { refusal } from "./refusal.ts";

let fake: FakeTelegram;
let bot: Bot;

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
});

afterAll(async () => {
  await fake.close();
});

function png(width: number, height: number, color = "#3a7bd5"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

async function download(fileId: string): Promise<Buffer> {
  const file = await bot.api.getFile(fileId);
  const response = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function chatWith() {
  const user = makeUser();
  fake.sendText(user, "/start");
  return user;
}

describe("fake Telegram files", () => {
  it("takes a multipart photo upload and answers Telegram's PhotoSize ladder, smallest first", async () => {
    const user = chatWith();
    const message = await bot.api.sendPhoto(user.id, new InputFile(await png(2000, 1000), "fox.png"), {
      caption: "seed 42",
    });
    expect(message.caption).toBe("seed 42");
    expect(message.photo?.map((size) => [size.width, size.height])).toEqual([
      [90, 45],
      [320, 160],
      [800, 400],
      [1280, 640],
    ]);
    const largest = message.photo?.at(-1);
    const bytes = await download(largest?.file_id ?? "");
    expect(bytes.length).toBe(largest?.file_size);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "jpeg", width: 1280, height: 640 });
    expect(fake.fileBytes(largest?.file_id ?? "")?.equals(bytes)).toBe(true);
    const payload = fake.calls("sendPhoto")[0]?.payload ?? {};
    const part = String(payload.photo).replace(/^attach:\/\//, "");
    expect(payload.photo).toMatch(/^attach:\/\/./);
    expect(payload.uploads).toEqual({ [part]: { filename: "fox.png", size: expect.any(Number) } });
  });

  it("never makes a size larger than the original and reuses a known file_id", async () => {
    const user = chatWith();
    const first = await bot.api.sendPhoto(user.id, new InputFile(await png(300, 200)));
    expect(first.photo?.map((size) => size.width)).toEqual([90, 300]);
    const again = await bot.api.sendPhoto(user.id, first.photo?.at(-1)?.file_id ?? "");
    expect(again.photo).toEqual(first.photo);
    await expect(bot.api.sendPhoto(user.id, "no-such-file")).rejects.toThrow(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );
  });

  it("fetches a photo given as an http URL", async () => {
    const image = await png(640, 480, "#e94e77");
    const origin = createServer((request, response) => {
      if (request.url === "/fox.png") response.writeHead(200, { "content-type": "image/png" }).end(image);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const { port } = origin.address() as AddressInfo;
    try {
      const user = chatWith();
      const message = await bot.api.sendPhoto(user.id, `http://127.0.0.1:${port}/fox.png`);
      expect(message.photo?.at(-1)).toMatchObject({ width: 640, height: 480 });
      await expect(bot.api.sendPhoto(user.id, `http://127.0.0.1:${port}/missing.png`)).rejects.toThrow(
        "Bad Request: failed to get HTTP URL content",
      );
    } finally {
      origin.closeAllConnections();
      await new Promise((resolve) => origin.close(resolve));
    }
  });

  it("sends an album with InputMediaBuilder: one message per item sharing a media_group_id", async () => {
    const user = chatWith();
    const media = [
      InputMediaBuilder.photo(new InputFile(await png(400, 400, "#111111")), { caption: "four of them" }),
      InputMediaBuilder.photo(new InputFile(await png(400, 400, "#222222"))),
      InputMediaBuilder.photo(new InputFile(await png(400, 400, "#333333"))),
    ];
    const messages: Message[] = await bot.api.sendMediaGroup(user.id, media);
    expect(messages).toHaveLength(3);
    const groups = new Set(messages.map((message) => message.media_group_id));
    expect(groups.size).toBe(1);
    expect([...groups][0]).toMatch(/^\d+$/);
    expect(messages.map((message) => message.caption)).toEqual(["four of them", undefined, undefined]);
    const media0 = JSON.parse(String(fake.calls("sendMediaGroup")[0]?.payload.media)) as Array<{
      media: string;
    }>;
    expect(media0.every((item) => item.media.startsWith("attach://"))).toBe(true);
    const [a, b] = await Promise.all(
      messages.slice(0, 2).map((m) => download(m.photo?.at(-1)?.file_id ?? "")),
    );
    expect(a?.equals(b ?? Buffer.alloc(0))).toBe(false);

    const single: Message[] = await bot.api.sendMediaGroup(user.id, [
      InputMediaBuilder.photo(messages[0]?.photo?.[0]?.file_id ?? ""),
    ]);
    expect(single[0]?.media_group_id).toBeUndefined();
    const eleven = Array.from({ length: 11 }, () =>
      InputMediaBuilder.photo(messages[0]?.photo?.[0]?.file_id ?? ""),
    );
    await expect(bot.api.sendMediaGroup(user.id, eleven)).rejects.toThrow(
      "too many messages to send as an album",
    );
  });

  it("stores documents with their name and type and serves them back", async () => {
    const user = chatWith();
    const bytes = Buffer.from('{"seed":42}');
    const message = await bot.api.sendDocument(user.id, new InputFile(bytes, "settings.json"));
    expect(message.document).toMatchObject({
      file_name: "settings.json",
      mime_type: "application/json",
      file_size: 11,
    });
    expect((await download(message.document?.file_id ?? "")).toString()).toBe('{"seed":42}');
  });

  it("enforces Telegram's size limits: photo 10 MiB, upload 50 MiB (413), download 20 MiB", async () => {
    const user = chatWith();
    const bigPhoto = await refusal(
      bot.api.sendPhoto(user.id, new InputFile(Buffer.alloc(10 * 1024 * 1024 + 1))),
    );
    expect(bigPhoto.error_code).toBe(400);
    expect(bigPhoto.description).toMatch(/too big for a photo; the maximum size is 10485760 bytes/);

    const huge = await refusal(
      bot.api.sendDocument(user.id, new InputFile(Buffer.alloc(50 * 1024 * 1024 + 1), "a.bin")),
    );
    expect([huge.error_code, huge.description]).toEqual([413, "Request Entity Too Large"]);

    const tall = await refusal(bot.api.sendPhoto(user.id, new InputFile(await png(30, 900))));
    expect(tall.description).toBe("Bad Request: PHOTO_INVALID_DIMENSIONS");
    const notImage = await refusal(bot.api.sendPhoto(user.id, new InputFile(Buffer.from("not an image"))));
    expect(notImage.description).toBe("Bad Request: IMAGE_PROCESS_FAILED");

    const sent = fake.transcript(user.id).filter((entry) => entry.sender === "bot");
    expect(sent).toEqual([]);

    const update = await fake.sendPhoto(user, await png(1600, 1200), { fileSize: 25 * 1024 * 1024 });
    const photo = update.message?.photo ?? [];
    expect(photo.at(-1)?.file_size).toBe(25 * 1024 * 1024);
    await expect(bot.api.getFile(photo.at(-1)?.file_id ?? "")).rejects.toThrow(
      "Bad Request: file is too big",
    );
    expect((await bot.api.getFile(photo[0]?.file_id ?? "")).file_path).toMatch(/^photos\/file_\d+\.jpg$/);
  });

  it("lets users send photos, albums and documents the bot can download", async () => {
    const user = makeUser();
    const [first, second] = await fake.sendAlbum(user, [await png(900, 600), await png(600, 900)], {
      caption: "make it anime",
    });
    expect(first?.message?.media_group_id).toBeDefined();
    expect(first?.message?.media_group_id).toBe(second?.message?.media_group_id);
    expect([first?.message?.caption, second?.message?.caption]).toEqual(["make it anime", undefined]);
    expect(second?.message?.photo?.at(-1)).toMatchObject({ width: 600, height: 900 });

    const doc = fake.sendDocument(user, Buffer.from("%PDF-1.4"), {
      fileName: "brief.pdf",
      mimeType: "application/pdf",
    });
    expect((await download(doc.message?.document?.file_id ?? "")).toString()).toBe("%PDF-1.4");
    const big = fake.sendDocument(user, Buffer.from("PK"), {
      fileName: "lora.zip",
      mimeType: "application/zip",
      fileSize: 21 * 1024 * 1024,
    });
    expect(big.message?.document?.file_size).toBe(21 * 1024 * 1024);
    await expect(bot.api.getFile(big.message?.document?.file_id ?? "")).rejects.toThrow(
      "Bad Request: file is too big",
    );
    expect(fake.transcript(user.id).map((entry) => entry.mediaGroupId !== undefined)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("reads a photo from a multipart part named after the field, as curl -F photo=@file sends it", async () => {
    const user = chatWith();
    const form = new FormData();
    form.set("chat_id", String(user.id));
    form.set("caption", "by curl");
    form.set("photo", new Blob([new Uint8Array(await png(200, 100))]), "cat.png");
    const response = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, {
      method: "POST",
      body: form,
    });
    const body = await response.json();
    expect(body.result).toMatchObject({
      caption: "by curl",
      photo: [{ width: 90 }, { width: 200, height: 100 }],
    });
    expect(fake.calls("sendPhoto").at(-1)?.payload.uploads).toEqual({
      photo: { filename: "cat.png", size: expect.any(Number) },
    });
  });

  it("replaces a placeholder photo with editMessageMedia and edits its caption", async () => {
    const user = chatWith();
    const placeholder = await bot.api.sendPhoto(user.id, new InputFile(await png(64, 64, "#cccccc")), {
      caption: "Generating…",
    });
    const edited = await bot.api.editMessageMedia(
      user.id,
      placeholder.message_id,
      InputMediaBuilder.photo(new InputFile(await png(1024, 768)), { caption: "Done" }),
    );
    expect(edited).toMatchObject({
      message_id: placeholder.message_id,
      caption: "Done",
      edit_date: expect.any(Number),
    });
    expect((edited as Message).photo?.at(-1)).toMatchObject({ width: 1024, height: 768 });
    await bot.api.editMessageCaption(user.id, placeholder.message_id, { caption: "Done · seed 7" });
    const [entry] = fake.transcript(user.id).filter((each) => each.sender === "bot");
    expect([entry?.caption, entry?.edits, entry?.photo?.length]).toEqual(["Done · seed 7", 2, 4]);
    const text = await bot.api.sendMessage(user.id, "no media here");
    await expect(
      bot.api.editMessageMedia(
        user.id,
        text.message_id,
        InputMediaBuilder.photo(entry?.photo?.[0]?.file_id ?? ""),
      ),
    ).rejects.toThrow("there is no media in the message to edit");
  });
});
