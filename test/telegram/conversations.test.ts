/**
 * Whole conversations with the bot, against the fake Telegram and the fake Replicate: a LoRA
 * trained from photos and tried, a prompt turned into a photo and upscaled, a tool on a photo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { makeUser } from "../fakes/telegram/index.ts";
import {
  type BotMode,
  botSays,
  buttonData,
  lastMessageId,
  startTelegramSetup,
  type TelegramSetup,
  wordsOf,
} from "../support/telegram-gateway.ts";

let setup: TelegramSetup;

/** Predictions the fake Replicate was asked to create, with their input. */
const upstreamPredictions = () =>
  setup.replicate.requests
    .filter((r) => r.method === "POST" && /\/predictions$/.test(r.path))
    .map((r) => r.body as { version?: string; input: Record<string, unknown> });

describe.each<BotMode>(["long polling", "webhook"])("the Telegram bot, by %s", (mode) => {
  beforeAll(async () => {
    setup = await startTelegramSetup({ mode });
  });

  afterAll(async () => {
    await setup?.close();
  });

  it("receives its updates the way it was set up", async () => {
    const { telegram } = setup;
    if (mode === "webhook") {
      expect(telegram.calls("setWebhook")[0]?.payload).toMatchObject({
        url: expect.stringMatching(/\/hooks\/telegram$/),
      });
      expect(telegram.calls("getUpdates")).toHaveLength(0);
    } else {
      await telegram.waitFor(() => telegram.calls("getUpdates").length > 0, { what: "a long poll" });
      expect(telegram.calls("setWebhook")).toHaveLength(0);
    }
  });

  it("registers its commands in English, Ukrainian and Russian, and greets in the user's language", async () => {
    const { telegram } = setup;
    expect(telegram.commands().map((c) => c.command)).toEqual(
      expect.arrayContaining([
        "generate",
        "model",
        "settings",
        "train",
        "loras",
        "status",
        "cancel",
        "removebg",
      ]),
    );
    expect(telegram.commands("uk").find((c) => c.command === "train")?.description).toMatch(/Навчити/);
    expect(telegram.commands("ru").find((c) => c.command === "train")?.description).toMatch(/Обучить/);

    const olena = makeUser({ first_name: "Olena", language_code: "uk" });
    telegram.sendText(olena, "/start");
    expect(wordsOf(await botSays(telegram, olena, () => true, "a greeting"))).toMatch(/^Привіт, Olena!/);
    const fred = makeUser({ first_name: "Fred", language_code: "fr" });
    telegram.sendText(fred, "/help");
    expect(wordsOf(await botSays(telegram, fred, () => true, "a greeting"))).toMatch(/^Hi Fred!/);
  });

  it("trains a LoRA from photos and an album, shows its samples, and draws with it from “Try it”", async () => {
    const { telegram, replicate } = setup;
    const anna = makeUser({ first_name: "Anna", language_code: "en" });
    const photos = (await jpegFiles(5)).map((file) => file.data);
    await telegram.sendAlbum(anna, photos.slice(0, 3));
    const draft = await botSays(
      telegram,
      anna,
      (m) => /3 photos so far/.test(wordsOf(m)),
      "the album counted",
    );
    expect(botSaysCount(anna, /photos? so far/)).toBe(1);
    await telegram.sendPhoto(anna, photos[3] as Buffer);
    await telegram.sendPhoto(anna, photos[4] as Buffer);
    await botSays(
      telegram,
      anna,
      (m) => /5 photos so far/.test(wordsOf(m)),
      "five photos counted",
      draft.messageId,
    );

    const before = lastMessageId(telegram, anna);
    telegram.sendText(anna, "/train anna");
    const ready = await botSays(
      telegram,
      anna,
      (m) => /anna is ready/.test(wordsOf(m)),
      "the LoRA ready",
      before,
    );
    const status = telegram.transcript(anna.id).find((m) => /Training anna/.test(wordsOf(m)));
    expect(status?.edits).toBeGreaterThan(0);
    expect(wordsOf(status as never)).toMatch(/Training anna: ready/);
    const samples = telegram
      .transcript(anna.id)
      .filter((m) => m.sender === "bot" && m.photo && m.messageId > before && m.messageId < ready.messageId);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(new Set(samples.map((m) => m.mediaGroupId)).size).toBe(1);

    const trainings = replicate.requests.filter((r) => r.method === "POST" && /\/trainings$/.test(r.path));
    expect(trainings).toHaveLength(1);

    const beforeTry = lastMessageId(telegram, anna);
    telegram.pressButton(anna, ready.messageId, buttonData(ready, "Try it"));
    const photo = await botSays(telegram, anna, (m) => m.photo !== undefined, "the tried image", beforeTry);
    expect(buttonData(photo, "Again")).toMatch(/^again:/);
    const trigger = /include (\S+)\./.exec(wordsOf(ready))?.[1];
    expect(trigger).toBe("TOK");
    const asked = upstreamPredictions().at(-1);
    expect(String(asked?.input.prompt)).toContain(trigger);
    expect(asked?.version).toMatch(/^[a-f0-9]{64}$/);

    telegram.sendText(anna, "/model");
    const picker = await botSays(
      telegram,
      anna,
      (m) => /Choose the model/.test(wordsOf(m)),
      "the model picker",
    );
    expect(buttonData(picker, "lora:anna")).toBe("model:lora:anna");
    expect(
      picker.replyMarkup?.inline_keyboard.flat().find((b) => b.text.includes("lora:anna"))?.text,
    ).toMatch(/^✓/);

    telegram.pressButton(anna, picker.messageId, buttonData(picker, "gengate/flux-schnell"));
    await telegram.waitFor(() =>
      telegram.transcript(anna.id).find((m) => /now go to gengate\/flux-schnell/.test(wordsOf(m))),
    );
    telegram.sendText(anna, "/model");
    const again = await botSays(
      telegram,
      anna,
      (m) => /Choose the model/.test(wordsOf(m)),
      "the picker",
      picker.messageId,
    );
    telegram.pressButton(anna, again.messageId, buttonData(again, "lora:anna"));
    await telegram.waitFor(() =>
      telegram
        .transcript(anna.id)
        .find((m) => m.messageId === again.messageId && /now go to lora:anna/.test(wordsOf(m))),
    );
    const beforePrompt = lastMessageId(telegram, anna);
    telegram.sendText(anna, "on a beach");
    await botSays(telegram, anna, (m) => m.photo !== undefined, "the LoRA's image", beforePrompt);
    expect(upstreamPredictions().at(-1)).toMatchObject({
      version: asked?.version,
      input: { prompt: `${trigger} on a beach` },
    });

    for (const file of await jpegFiles(4, 10)) await telegram.sendPhoto(anna, file.data);
    await botSays(telegram, anna, (m) => /4 photos so far/.test(wordsOf(m)), "a new draft", beforePrompt);
    telegram.sendText(anna, "/train anna");
    await botSays(
      telegram,
      anna,
      (m) => wordsOf(m) === "You already have a model named anna. Pick another name.",
      "the refusal",
    );
    expect(replicate.requests.filter((r) => r.method === "POST" && /\/trainings$/.test(r.path))).toHaveLength(
      1,
    );
  });

  it("turns a plain prompt into a photo with its buttons, edits one status message, and upscales it to a file", async () => {
    const { telegram } = setup;
    const ben = makeUser({ first_name: "Ben" });
    telegram.sendText(ben, "a red fox in the snow");
    const photo = await botSays(telegram, ben, (m) => m.photo !== undefined, "the photo");
    const status = telegram.transcript(ben.id).find((m) => m.sender === "bot" && /fox/.test(wordsOf(m)));
    expect(wordsOf(status as never)).toMatch(/^✅ Done: “a red fox in the snow”/);
    expect(photo.caption).toMatch(/^seed \d+$/);
    for (const label of ["Again", "Vary", "Upscale", "Remove background"])
      expect(buttonData(photo, label)).toBeTruthy();
    const asked = upstreamPredictions().at(-1);
    expect(asked?.input).toMatchObject({ prompt: "a red fox in the snow", aspect_ratio: "1:1" });

    const before = lastMessageId(telegram, ben);
    telegram.pressButton(ben, photo.messageId, buttonData(photo, "Upscale"));
    const file = await botSays(telegram, ben, (m) => m.document !== undefined, "the upscaled file", before);
    expect(file.document?.file_name).toMatch(/\.png$/);
    expect(upstreamPredictions().at(-1)?.input.image).toBeDefined();
  });

  it("removes the background of a photo sent with the caption /removebg", async () => {
    const { telegram } = setup;
    const cleo = makeUser({ first_name: "Cleo" });
    const [photo] = await jpegFiles(1);
    await telegram.sendPhoto(cleo, photo?.data as Buffer, { caption: "/removebg" });
    const file = await botSays(telegram, cleo, (m) => m.document !== undefined, "the cut-out");
    expect(file.document?.file_name).toMatch(/\.png$/);
    expect(botSaysCount(cleo, /photos? so far/)).toBe(0);
  });
});

function botSaysCount(user: { id: number }, pattern: RegExp): number {
  return setup.telegram.transcript(user.id).filter((m) => m.sender === "bot" && pattern.test(wordsOf(m)))
    .length;
}
