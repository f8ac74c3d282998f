import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";

let fake: FakeTelegram;
let bot: Bot;
let chatId: number;

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
  const user = makeUser();
  fake.sendText(user, "/start");
  chatId = user.id;
});

afterAll(async () => {
  await fake.close();
});

const send = (text: string, parse_mode: "HTML" | "MarkdownV2" | "Markdown") =>
  bot.api.sendMessage(chatId, text, { parse_mode });

describe("fake Telegram parse modes", () => {
  it("turns HTML into entities over the plain text, offsets in UTF-16 units", async () => {
    const message = await send(
      '😀 <b>fox <i>in</i></b> &lt;snow&gt; <a href="https://example.com/x">link</a>',
      "HTML",
    );
    expect(message.text).toBe("😀 fox in <snow> link");
    expect(message.entities).toEqual([
      { type: "bold", offset: 3, length: 6 },
      { type: "italic", offset: 7, length: 2 },
      { type: "text_link", offset: 17, length: 4, url: "https://example.com/x" },
    ]);
    const code = await send('<pre><code class="language-python">print(1)</code></pre>', "HTML");
    expect(code.entities).toEqual([{ type: "pre", offset: 0, length: 8, language: "python" }]);
    await expect(send("<blink>x</blink>", "HTML")).rejects.toThrow('Unsupported start tag "blink"');
  });

  it("reads MarkdownV2 entities and its escapes", async () => {
    const message = await send(
      "*Done* in 2\\.5 s, __seed__ ||42|| ~old~ [docs](https://x.y/a\\)b) `a\\`b`\n```python\nprint(1)\n```",
      "MarkdownV2",
    );
    expect(message.text).toBe("Done in 2.5 s, seed 42 old docs a`b\nprint(1)\n");
    expect(message.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "underline", offset: 15, length: 4 },
      { type: "spoiler", offset: 20, length: 2 },
      { type: "strikethrough", offset: 23, length: 3 },
      { type: "text_link", offset: 27, length: 4, url: "https://x.y/a)b" },
      { type: "code", offset: 32, length: 3 },
      { type: "pre", offset: 36, length: 9, language: "python" },
    ]);
  });

  it("refuses MarkdownV2 with an unescaped reserved character or an unclosed entity, as Telegram does", async () => {
    await expect(send("Done in 2.5 s", "MarkdownV2")).rejects.toThrow(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    await expect(send("ok *bold", "MarkdownV2")).rejects.toThrow(
      "can't parse entities: Can't find end of the entity starting at byte offset 3",
    );
  });

  it("reads legacy Markdown without MarkdownV2's escaping rule", async () => {
    const message = await send("*Done* in 2.5 s (maybe)", "Markdown");
    expect(message.text).toBe("Done in 2.5 s (maybe)");
    expect(message.entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
  });
});
