import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeTelegram, makeUser, startFakeTelegram } from "./index.ts";

let fake: FakeTelegram;
let bot: Bot;

beforeAll(async () => {
  fake = await startFakeTelegram();
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
});

afterAll(async () => {
  await fake.close();
});

describe("fake Telegram Stars payments", () => {
  it("sends a Stars invoice, takes the pre-checkout answer and the payment, then refunds once", async () => {
    const user = makeUser();
    fake.sendText(user, "/buy");
    const invoice = await bot.api.sendInvoice(
      user.id,
      "100 credits",
      "Credits for gengate",
      "credits:100",
      "XTR",
      [{ label: "100 credits", amount: 50 }],
    );
    expect(invoice.invoice).toEqual({
      title: "100 credits",
      description: "Credits for gengate",
      start_parameter: "",
      currency: "XTR",
      total_amount: 50,
    });
    expect(fake.calls("sendInvoice")[0]?.payload.provider_token).toBeUndefined();
    expect(fake.transcript(user.id).at(-1)?.invoice).toMatchObject({
      payload: "credits:100",
      total_amount: 50,
    });

    const query = fake.preCheckout(user, "credits:100", 50).pre_checkout_query;
    expect(query).toMatchObject({
      currency: "XTR",
      total_amount: 50,
      invoice_payload: "credits:100",
      from: { id: user.id },
    });
    await bot.api.answerPreCheckoutQuery(query?.id ?? "", true);
    await expect(bot.api.answerPreCheckoutQuery(query?.id ?? "", true)).rejects.toThrow(/query is too old/);
    const [answer] = fake.preCheckoutAnswers();
    expect(answer).toMatchObject({ preCheckoutQueryId: query?.id, ok: true });
    expect(answer?.afterMs).toBeLessThan(10_000);

    const paid = fake.successfulPayment(user, {
      payload: "credits:100",
      totalAmount: 50,
      chargeId: "stxCharge1",
    });
    expect(paid.message?.successful_payment).toMatchObject({
      currency: "XTR",
      total_amount: 50,
      invoice_payload: "credits:100",
      telegram_payment_charge_id: "stxCharge1",
      provider_payment_charge_id: expect.any(String),
    });

    await expect(bot.api.refundStarPayment(user.id + 1, "stxCharge1")).rejects.toThrow(
      "Bad Request: CHARGE_NOT_FOUND",
    );
    expect(await bot.api.refundStarPayment(user.id, "stxCharge1")).toBe(true);
    await expect(bot.api.refundStarPayment(user.id, "stxCharge1")).rejects.toThrow(
      "Bad Request: CHARGE_ALREADY_REFUNDED",
    );
    expect(fake.refunds()).toEqual([
      { userId: user.id, telegramPaymentChargeId: "stxCharge1", at: expect.any(Number) },
    ]);
  });

  it("records a refusal with its message and refuses a Stars invoice with a provider token", async () => {
    const user = makeUser();
    fake.sendText(user, "/buy");
    const query = fake.preCheckout(user, "credits:5", 5).pre_checkout_query;
    await expect(bot.api.answerPreCheckoutQuery(query?.id ?? "", false)).rejects.toThrow(/error_message/);
    await bot.api.answerPreCheckoutQuery(query?.id ?? "", false, { error_message: "Sold out" });
    expect(fake.preCheckoutAnswers().at(-1)).toMatchObject({ ok: false, errorMessage: "Sold out" });
    await expect(
      bot.api.sendInvoice(user.id, "t", "d", "p", "XTR", [{ label: "x", amount: 1 }], {
        provider_token: "123:TEST",
      }),
    ).rejects.toThrow("STARS_INVOICE_INVALID");
  });

  it("refuses a pre-checkout answer that comes after Telegram's 10 seconds", async () => {
    const user = makeUser();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const query = fake.preCheckout(user, "credits:1", 1).pre_checkout_query;
      vi.setSystemTime(Date.now() + 10_001);
      await expect(bot.api.answerPreCheckoutQuery(query?.id ?? "", true)).rejects.toThrow(
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("runs a whole Stars checkout against a polling bot: pre-checkout, its answer, then the payment", async () => {
    const shop = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
    shop.on("pre_checkout_query", (ctx) =>
      ctx.preCheckoutQuery.invoice_payload === "credits:sold-out"
        ? ctx.answerPreCheckoutQuery(false, { error_message: "Sold out" })
        : ctx.answerPreCheckoutQuery(true),
    );
    shop.on("message:successful_payment", (ctx) =>
      ctx.reply(`thanks for ${ctx.message.successful_payment.total_amount} ⭐`),
    );
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const polling = shop.start({ timeout: 5, drop_pending_updates: true, onStart: () => started() });
    await running;
    try {
      const user = makeUser();
      fake.sendText(user, "/buy");
      const invoice = await bot.api.sendInvoice(user.id, "Credits", "100 credits", "credits:100", "XTR", [
        { label: "Credits", amount: 75 },
      ]);
      const { answer, payment } = await fake.payInvoice(user, invoice, { chargeId: "stxWhole" });
      expect(answer).toMatchObject({ ok: true });
      expect(payment?.message?.successful_payment).toMatchObject({
        total_amount: 75,
        invoice_payload: "credits:100",
      });
      await fake.waitFor(() => fake.transcript(user.id).find((entry) => entry.text === "thanks for 75 ⭐"));

      const soldOut = await bot.api.sendInvoice(user.id, "Credits", "sold out", "credits:sold-out", "XTR", [
        { label: "Credits", amount: 5 },
      ]);
      const refused = await fake.payInvoice(user, soldOut);
      expect(refused).toEqual({ answer: expect.objectContaining({ ok: false, errorMessage: "Sold out" }) });
      expect(fake.transcript(user.id).filter((entry) => entry.successfulPayment)).toHaveLength(1);
    } finally {
      await shop.stop();
      await polling;
    }
  });
});
