/**
 * Telegram misbehaving: a 429 on sendPhoto is waited out and the photo arrives once; an update
 * delivered twice makes one job; a user who blocked the bot has their job finish without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { makeUser } from "../fakes/telegram/index.ts";
import { captureLogs } from "../support/log-capture.ts";
import { botSays, startTelegramSetup, type TelegramSetup, wordsOf } from "../support/telegram-gateway.ts";
import { until } from "../support/until.ts";

let setup: TelegramSetup;
const logs = captureLogs();

beforeAll(async () => {
  setup = await startTelegramSetup({ logger: logs.logger });
});

afterAll(async () => {
  await setup?.close();
});

const upstreamPrompts = (prompt: string) =>
  setup.replicate.requests.filter(
    (r) =>
      r.method === "POST" &&
      /\/predictions$/.test(r.path) &&
      (r.body as { input?: { prompt?: string } })?.input?.prompt === prompt,
  );

describe("the Telegram bot when Telegram misbehaves", () => {
  it("waits out a 429 on sendPhoto and sends the photo once", async () => {
    const { telegram } = setup;
    const user = makeUser();
    telegram.failNext("sendPhoto", { status: 429, retryAfter: 1 });
    telegram.sendText(user, "a lighthouse at dusk");
    await botSays(telegram, user, (m) => m.photo !== undefined, "the photo");
    const attempts = telegram
      .calls("sendPhoto")
      .filter((call) => String(call.payload.chat_id) === String(user.id));
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.at ?? 0).toBeGreaterThanOrEqual((attempts[0]?.at ?? 0) + 1000);
    expect(telegram.transcript(user.id).filter((m) => m.photo && m.sender === "bot")).toHaveLength(1);
  });

  it("makes one job of an update delivered twice", async () => {
    const { telegram } = setup;
    const user = makeUser();
    const update = telegram.sendText(user, "a teapot on a hill");
    telegram.deliverAgain(update.update_id);
    // Updates of a chat are handled in order: once /status is answered, both copies were seen.
    telegram.sendText(user, "/status");
    await botSays(telegram, user, (m) => /Running:|Nothing running/.test(wordsOf(m)), "the status");
    await botSays(telegram, user, (m) => m.photo !== undefined, "the photo");
    expect(upstreamPrompts("a teapot on a hill")).toHaveLength(1);
    const statuses = telegram
      .transcript(user.id)
      .filter((m) => m.sender === "bot" && /^(⏳|🎨|✅).*teapot/.test(wordsOf(m)));
    expect(statuses).toHaveLength(1);
  });

  it("finishes the job of a user who blocked the bot, without errors, and stops writing to them", async () => {
    const { telegram, gateway } = setup;
    const user = makeUser();
    telegram.sendText(user, "a blocked request");
    await botSays(telegram, user, (m) => /Queued|Drawing/.test(wordsOf(m)), "the status message");
    telegram.blockBy(user);
    const { jobs } = gateway.store.telegram;
    const ended = async () =>
      (await jobs.imagesSince(user.id, 0)) > 0 && (await jobs.running(user.id)).length === 0;
    await until(async () => ((await ended()) ? true : undefined));
    const userRow = await gateway.store.telegram.users.get(user.id);
    expect(userRow?.blockedAt).not.toBeNull();
    // The first send after the block is refused (403); nothing is tried after it.
    const sendsAfterBlock = telegram
      .calls()
      .filter(
        (c) => String(c.payload.chat_id) === String(user.id) && c.method.toLowerCase() !== "sendmessage",
      );
    expect(sendsAfterBlock).toHaveLength(1);
    expect(telegram.transcript(user.id).filter((m) => m.sender === "bot" && m.photo)).toHaveLength(0);
    expect(logs.lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });

  it("says in plain words why a training failed, and why a generation did", async () => {
    const { telegram, replicate } = setup;
    const user = makeUser({ first_name: "Nia" });
    replicate.faults.failRuns("ostris/flux-dev-lora-trainer", 1, "no face was found in 3 of the photos");
    await telegram.sendAlbum(
      user,
      (await jpegFiles(4)).map((file) => file.data),
    );
    await botSays(telegram, user, (m) => /4 photos so far/.test(wordsOf(m)), "the draft");
    telegram.sendText(user, "/train nia");
    const failed = await botSays(
      telegram,
      user,
      (m) => /Training nia failed/.test(wordsOf(m)),
      "the failure",
    );
    expect(wordsOf(failed)).toMatch(/^😞 Training nia failed: .*no face was found in 3 of the photos/);

    replicate.faults.failRuns("black-forest-labs/flux-schnell", 1, "NSFW content detected");
    const other = makeUser({ first_name: "Oto" });
    telegram.sendText(other, "/model");
    const picker = await botSays(telegram, other, (m) => /Choose the model/.test(wordsOf(m)), "the picker");
    telegram.pressButton(other, picker.messageId, "model:gengate/flux-schnell");
    await telegram.waitFor(() =>
      telegram.transcript(other.id).find((m) => /now go to gengate\/flux-schnell/.test(wordsOf(m))),
    );
    telegram.sendText(other, "a picture that fails");
    const status = await botSays(telegram, other, (m) => /^❌/.test(wordsOf(m)), "the failure");
    expect(wordsOf(status)).toMatch(/^❌ It did not work: .*NSFW content detected/);
    expect(status.edits).toBeGreaterThan(0);
  });
});
