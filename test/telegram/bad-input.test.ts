/**
 * Each kind of bad input gets a clear reply in the user's chat, and nothing is spent: no
 * prediction or LoRA is created and nothing reaches the upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { type FakeUser, makeUser } from "../fakes/telegram/index.ts";
import { botSays, startTelegramSetup, type TelegramSetup, wordsOf } from "../support/telegram-gateway.ts";

let setup: TelegramSetup;
/** The users on the allow list, one per test so each chat starts empty. */
const [dana, fay, gus, hal, ivy] = ["Dana", "Fay", "Gus", "Hal", "Ivy"].map((name) =>
  makeUser({ first_name: name }),
) as [FakeUser, FakeUser, FakeUser, FakeUser, FakeUser];

beforeAll(async () => {
  const allowList = [dana, fay, gus, hal, ivy].map((user) => user.id).join(",");
  setup = await startTelegramSetup({ env: { TELEGRAM_ALLOWED_USERS: allowList } });
});

afterAll(async () => {
  await setup?.close();
});

let upstreamBefore = 0;
let predictionsBefore = 0;

const predictionCount = async () =>
  ((await (await setup.gateway.api("/v1/predictions")).json()) as { results: unknown[] }).results.length;

beforeEach(async () => {
  upstreamBefore = setup.replicate.requests.length;
  predictionsBefore = await predictionCount();
});

/** Sends as `user`, waits for the bot's answer and checks that nothing was spent on it. */
async function answerTo(user: FakeUser, send: () => unknown): Promise<string> {
  await send();
  const answer = await botSays(setup.telegram, user, () => true, "the bot's answer");
  expect(await predictionCount()).toBe(predictionsBefore);
  expect(setup.replicate.requests.length).toBe(upstreamBefore);
  return wordsOf(answer);
}

describe("bad input to the Telegram bot", () => {
  it("a PDF sent as a file", async () => {
    const text = await answerTo(dana, () =>
      setup.telegram.sendDocument(dana, Buffer.from("%PDF-1.7\n%…"), {
        fileName: "contract.pdf",
        mimeType: "application/pdf",
      }),
    );
    expect(text).toMatch(/not an image I can read/);
  });

  it("a 25 MB photo, over Telegram's download limit", async () => {
    const user = fay;
    const [photo] = await jpegFiles(1);
    const text = await answerTo(user, () =>
      setup.telegram.sendPhoto(user, photo?.data as Buffer, { fileSize: 25 * 1024 * 1024 }),
    );
    expect(text).toMatch(/larger than 20 MB/);
    expect(setup.telegram.calls("getFile")).toHaveLength(0);
  });

  it("/train with two photos", async () => {
    const user = gus;
    for (const file of await jpegFiles(2)) await setup.telegram.sendPhoto(user, file.data);
    await botSays(setup.telegram, user, (m) => /2 photos so far/.test(wordsOf(m)), "the draft");
    upstreamBefore = setup.replicate.requests.length;
    setup.telegram.sendText(user, "/train bob");
    const text = await botSays(setup.telegram, user, (m) => /at least/.test(wordsOf(m)), "the refusal");
    expect(wordsOf(text)).toBe("I need at least 4 photos to train; you sent 2. Send 2 more.");
    expect(setup.replicate.requests.length).toBe(upstreamBefore);
    expect(await predictionCount()).toBe(predictionsBefore);
  });

  it("an unknown command", async () => {
    const user = hal;
    expect(await answerTo(user, () => setup.telegram.sendText(user, "/frobnicate now"))).toBe(
      "I don't know /frobnicate. /help lists what I can do.",
    );
  });

  it("a prompt of 10,000 characters", async () => {
    const user = ivy;
    const text = await answerTo(user, () =>
      setup.telegram.sendText(user, "a very long prompt ".repeat(527).slice(0, 10_000)),
    );
    expect(text).toMatch(/10000 characters long; I take at most 2000/);
  });

  it("a user not on the allow list, who gets no gengate token either", async () => {
    const stranger = makeUser({ first_name: "Eve" });
    const tokensBefore = (await setup.gateway.store.tokens.list()).length;
    expect(await answerTo(stranger, () => setup.telegram.sendText(stranger, "a castle"))).toBe(
      "Sorry, this bot is private.",
    );
    expect((await setup.gateway.store.tokens.list()).length).toBe(tokensBefore);
  });
});
