/** Telegram Stars: sendInvoice, answerPreCheckoutQuery (within 10 s) and refundStarPayment. */
import type { LabeledPrice } from "grammy/types";
import { badRequest, queryTooOld, required } from "./api-error.ts";
import { keyboardContent, replyContent } from "./message-content.ts";
import type { MethodHandler } from "./state.ts";

/** Telegram drops a pre-checkout query the bot does not answer within 10 seconds. */
export const PRE_CHECKOUT_WINDOW_MS = 10_000;

export const paymentMethods: Record<string, MethodHandler> = {
  sendInvoice(state, params) {
    const chatId = params.requireInt("chat_id");
    state.chats.require(chatId);
    const title = params.requireString("title");
    const description = params.requireString("description");
    const payload = params.requireString("payload");
    const currency = params.requireString("currency");
    const prices = params.json<LabeledPrice[]>("prices");
    if (!Array.isArray(prices) || prices.length === 0) throw required("prices");
    if (title.length > 32) throw badRequest("TITLE_INVALID");
    if (description.length > 255) throw badRequest("DESCRIPTION_INVALID");
    if (Buffer.byteLength(payload) > 128) throw badRequest("INVOICE_PAYLOAD_INVALID");
    if (currency === "XTR" && (prices.length !== 1 || (params.string("provider_token") ?? "") !== ""))
      throw badRequest("STARS_INVOICE_INVALID");
    const totalAmount = prices.reduce((sum, price) => sum + Number(price.amount), 0);
    if (!Number.isInteger(totalAmount) || totalAmount <= 0) throw badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
    const invoice = {
      title,
      description,
      start_parameter: params.string("start_parameter") ?? "",
      currency,
      total_amount: totalAmount,
    };
    const content = { invoice, ...replyContent(state, chatId, params), ...keyboardContent(params) };
    return state.chats.append(chatId, "bot", content, payload);
  },

  answerPreCheckoutQuery(state, params) {
    const id = params.requireString("pre_checkout_query_id");
    const askedAt = state.openPreCheckouts.get(id);
    const now = Date.now();
    if (askedAt === undefined || now - askedAt > PRE_CHECKOUT_WINDOW_MS) throw queryTooOld();
    if (!params.has("ok")) throw required("ok");
    const ok = params.bool("ok");
    const errorMessage = params.string("error_message");
    if (!ok && !errorMessage) throw required("error_message");
    state.openPreCheckouts.delete(id);
    state.preCheckoutAnswers.push({
      preCheckoutQueryId: id,
      ok,
      at: now,
      afterMs: now - askedAt,
      ...(errorMessage !== undefined && { errorMessage }),
    });
    return true;
  },

  refundStarPayment(state, params) {
    const userId = params.requireInt("user_id");
    const chargeId = params.requireString("telegram_payment_charge_id");
    const charge = state.charges.get(chargeId);
    if (!charge || charge.userId !== userId) throw badRequest("CHARGE_NOT_FOUND");
    if (charge.refunded) throw badRequest("CHARGE_ALREADY_REFUNDED");
    charge.refunded = true;
    state.refunds.push({ userId, telegramPaymentChargeId: chargeId, at: Date.now() });
    return true;
  },
};
