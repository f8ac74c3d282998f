/** `/cancel`: the training draft first, then the user's latest running job; nothing when there is neither. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { makeUser } from "../fakes/telegram/index.ts";
import {
  botSays,
  lastMessageId,
  startTelegramSetup,
  type TelegramSetup,
  wordsOf,
} from "../support/telegram-gateway.ts";
import { until } from "../support/until.ts";

let setup: TelegramSetup;

beforeAll(async () => {
  // Runs long enough to be canceled.
  setup = await startTelegramSetup({ replicate: { latencyMs: { min: 30_000, max: 30_000 } } });
});

afterAll(async () => {
  await setup?.close();
});

describe("/cancel", () => {
  it("discards the draft, then cancels the running generation upstream, then finds nothing", async () => {
    const { telegram, replicate } = setup;
    const max = makeUser({ first_name: "Max" });
    const reply = async (text: string) => {
      const after = lastMessageId(telegram, max);
      telegram.sendText(max, text);
      return wordsOf(await botSays(telegram, max, () => true, `the answer to ${text}`, after));
    };
    const [photo] = await jpegFiles(1);
    await telegram.sendPhoto(max, photo?.data as Buffer);
    await botSays(telegram, max, (m) => /1 photo so far/.test(wordsOf(m)), "the draft");
    expect(await reply("/cancel")).toBe("Draft discarded (1 photo).");

    expect(await reply("a slow picture")).toMatch(/^⏳ Queued/);
    await until(() => replicate.requests.find((r) => r.method === "POST" && r.path.endsWith("/predictions")));
    expect(await reply("/cancel")).toBe("🚫 Canceled.");
    await botSays(
      telegram,
      max,
      (m) => wordsOf(m) === "🚫 Canceled." && m.edits > 0,
      "the status message canceled",
    );
    expect(replicate.requests.some((r) => r.method === "POST" && r.path.endsWith("/cancel"))).toBe(true);
    expect(await reply("/cancel")).toBe("Nothing to cancel.");
  });
});
