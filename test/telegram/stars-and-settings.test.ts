/**
 * The daily allowance and Telegram Stars packs (invoice, pre-checkout, credit once per charge,
 * refunds by an admin), and a user's settings and /cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUser, makeUser } from "../fakes/telegram/index.ts";
import {
  botSays,
  buttonData,
  lastMessageId,
  startTelegramSetup,
  type TelegramSetup,
  wordsOf,
} from "../support/telegram-gateway.ts";

let setup: TelegramSetup;
const admin = makeUser({ first_name: "Root" });

beforeAll(async () => {
  setup = await startTelegramSetup({
    env: {
      TELEGRAM_DAILY_IMAGES: "1",
      TELEGRAM_STARS_PACKS: "100:5,500:30",
      TELEGRAM_ADMINS: String(admin.id),
    },
  });
});

afterAll(async () => {
  await setup?.close();
});

/** Sends `text` and waits for the bot's next message that `match` accepts. */
async function ask(
  user: FakeUser,
  text: string,
  match: RegExp | ((m: { photo?: unknown }) => boolean),
  what: string,
) {
  const after = lastMessageId(setup.telegram, user);
  setup.telegram.sendText(user, text);
  const test =
    typeof match === "function" ? match : (m: Parameters<typeof wordsOf>[0]) => match.test(wordsOf(m));
  return botSays(setup.telegram, user, test as never, what, after);
}

const creditsOf = async (user: FakeUser) => (await setup.gateway.store.telegram.users.get(user.id))?.credits;

describe("Stars packs and the daily allowance", () => {
  it("stops at the daily allowance, sells a pack, credits it once per charge, and lets an admin refund it", async () => {
    const { telegram } = setup;
    const kim = makeUser({ first_name: "Kim" });
    await ask(kim, "a first picture", (m) => m.photo !== undefined, "the first photo");
    const limit = await ask(kim, "a second picture", /used your 1 images/, "the daily limit");
    expect(wordsOf(limit)).toMatch(/\/buy gives you more/);

    const offer = await ask(kim, "/buy", /Choose a pack/, "the packs");
    telegram.pressButton(kim, offer.messageId, buttonData(offer, "5 images"));
    const invoice = await telegram.waitFor(() => telegram.calls("sendInvoice").at(-1), {
      what: "the invoice",
    });
    expect(invoice.payload).toMatchObject({ currency: "XTR", prices: [{ amount: 100 }] });
    const payload = String(invoice.payload.payload);

    telegram.preCheckout(kim, payload, 99);
    telegram.preCheckout(kim, payload, 100);
    const answers = await telegram.waitFor(() => {
      const all = telegram.preCheckoutAnswers();
      return all.length === 2 ? all : undefined;
    });
    expect(answers.map((a) => a.ok)).toEqual([false, true]);
    expect(Math.max(...answers.map((a) => a.afterMs))).toBeLessThan(10_000);

    telegram.successfulPayment(kim, { payload, totalAmount: 100, chargeId: "charge-kim-1" });
    await botSays(telegram, kim, (m) => /5 images added; you have 5/.test(wordsOf(m)), "the thanks");
    telegram.successfulPayment(kim, { payload, totalAmount: 100, chargeId: "charge-kim-1" });
    await ask(kim, "a third picture", (m) => m.photo !== undefined, "a paid photo");
    expect(telegram.transcript(kim.id).filter((m) => /images added/.test(wordsOf(m)))).toHaveLength(1);
    expect(await creditsOf(kim)).toBe(4);

    expect(wordsOf(await ask(kim, `/refund ${kim.id} charge-kim-1`, /.+/, "a refusal"))).toBe(
      "Only the bot's admins can do that.",
    );
    expect(wordsOf(await ask(admin, `/refund ${kim.id} charge-kim-1`, /.+/, "the refund"))).toBe("Refunded.");
    expect(telegram.refunds()).toEqual([
      expect.objectContaining({ userId: kim.id, telegramPaymentChargeId: "charge-kim-1" }),
    ]);
    expect(await creditsOf(kim)).toBe(0);
    expect(wordsOf(await ask(admin, `/refund ${kim.id} charge-kim-1`, /.+/, "a second refund"))).toMatch(
      /refunded already/,
    );
  });
});

describe("a user's settings", () => {
  it("draws in the chosen aspect ratio and number of images, as one album with its buttons", async () => {
    const { telegram, replicate } = setup;
    const settings = await ask(admin, "/settings", /Aspect ratio: 1:1, images per prompt: 1/, "the settings");
    telegram.pressButton(admin, settings.messageId, buttonData(settings, "16:9"));
    const ratioSet = await telegram.waitFor(() =>
      telegram
        .transcript(admin.id)
        .find((m) => m.messageId === settings.messageId && /16:9, images/.test(wordsOf(m))),
    );
    telegram.pressButton(admin, settings.messageId, buttonData(ratioSet, "2"));
    await telegram.waitFor(() =>
      telegram.transcript(admin.id).find((m) => /images per prompt: 2/.test(wordsOf(m))),
    );

    const buttons = await ask(
      admin,
      "two boats",
      (m) => "replyMarkup" in m && m.replyMarkup !== undefined,
      "the album's buttons",
    );
    const album = telegram.transcript(admin.id).filter((m) => m.sender === "bot" && m.mediaGroupId);
    expect(album).toHaveLength(2);
    expect(buttonData(buttons, "🔍 2")).toMatch(/^upscale:.+:1$/);
    const asked = replicate.requests
      .filter((r) => r.method === "POST" && /\/predictions$/.test(r.path))
      .at(-1);
    expect((asked?.body as { input?: unknown } | undefined)?.input).toMatchObject({
      aspect_ratio: "16:9",
      num_outputs: 2,
    });
  });
});
