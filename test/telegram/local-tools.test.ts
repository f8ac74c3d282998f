/**
 * An image tool that runs offline: `/removebg` on a photo with the local ISNet model, whose output
 * is an object (`image`, and `mask` when asked); the user gets the cut-out as a photo and a PNG.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "../fakes/telegram/index.ts";
import { botSays, startTelegramSetup, type TelegramSetup, wordsOf } from "../support/telegram-gateway.ts";

let setup: TelegramSetup;

beforeAll(async () => {
  setup = await startTelegramSetup({ env: { LOCAL_TOOLS: "on" } });
});

afterAll(async () => {
  await setup?.close();
});

describe("a local image tool through the bot", () => {
  it("sends the background removed by ISNet as a photo and as a transparent PNG", async () => {
    const { telegram, replicate } = setup;
    const user = makeUser({ first_name: "Lou" });
    const ball = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#2878c8" } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="320" height="240"><circle cx="160" cy="120" r="70" fill="orange"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    await telegram.sendPhoto(user, ball, { caption: "/removebg" });
    const file = await botSays(telegram, user, (m) => m.document !== undefined, "the cut-out");
    expect(file.document?.file_name).toMatch(/\.png$/);
    const png = await sharp(telegram.fileBytes(file.document?.file_id ?? "")).metadata();
    expect(png.hasAlpha).toBe(true);
    expect(telegram.transcript(user.id).some((m) => m.sender === "bot" && m.photo)).toBe(true);
    expect(wordsOf(telegram.transcript(user.id).find((m) => m.sender === "bot") as never)).toMatch(
      /^✅ Done: \/removebg/,
    );
    expect(replicate.requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });
});
