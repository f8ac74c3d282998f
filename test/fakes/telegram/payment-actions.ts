/**
 * A user paying in Telegram Stars: the pre_checkout_query Telegram sends first, the message with
 * successful_payment after the bot said yes within 10 s, or both in order with payInvoice.
 * (The other things users do are in user-actions.ts.)
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Message, Update } from "grammy/types";
import { asTelegramUser, type FakeUser } from "./bot-identity.ts";
import { PRE_CHECKOUT_WINDOW_MS } from "./payment-methods.ts";
import type { FakeState, PreCheckoutAnswer } from "./state.ts";
import { userSays } from "./user-actions.ts";

export interface Payment {
  payload: string;
  totalAmount: number;
  /** The telegram_payment_charge_id; a new one by default. */
  chargeId?: string;
}

export function paymentActions(state: FakeState) {
  const preCheckout = (user: FakeUser, invoicePayload: string, totalAmount: number): Update => {
    const id = String(randomInt(1, 2 ** 47));
    state.openPreCheckouts.set(id, Date.now());
    return state.updates.push({
      pre_checkout_query: {
        id,
        from: asTelegramUser(user),
        currency: "XTR",
        total_amount: totalAmount,
        invoice_payload: invoicePayload,
      },
    });
  };

  const successfulPayment = (user: FakeUser, payment: Payment): Update => {
    const chargeId = payment.chargeId ?? `stxFake${randomBytes(24).toString("base64url")}`;
    state.charges.set(chargeId, { userId: user.id, totalAmount: payment.totalAmount, refunded: false });
    return userSays(state, user, {
      successful_payment: {
        currency: "XTR",
        total_amount: payment.totalAmount,
        invoice_payload: payment.payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: `${user.id}_${randomInt(1, 2 ** 31)}`,
      },
    });
  };

  return {
    preCheckout,
    successfulPayment,

    /**
     * Pays an invoice the bot sent (the message or its id) as Telegram runs it: a pre_checkout_query,
     * then, once the bot answers ok, the successful_payment message. Fails when the bot does not
     * answer within Telegram's 10 seconds.
     */
    async payInvoice(
      user: FakeUser,
      invoice: Message | number,
      options: { chargeId?: string } = {},
    ): Promise<{ answer: PreCheckoutAnswer; payment?: Update }> {
      const messageId = typeof invoice === "number" ? invoice : invoice.message_id;
      const entry = state.chats.find(user.id, messageId);
      if (entry?.sender !== "bot" || !entry.message.invoice)
        throw new Error(`fake Telegram: no invoice ${messageId} from the bot in chat ${user.id}`);
      const payload = entry.invoicePayload ?? "";
      const totalAmount = entry.message.invoice.total_amount;
      const queryId = preCheckout(user, payload, totalAmount).pre_checkout_query?.id;
      const answer = await state.changes.waitFor(
        () => state.preCheckoutAnswers.find((each) => each.preCheckoutQueryId === queryId),
        PRE_CHECKOUT_WINDOW_MS,
        "the bot's answerPreCheckoutQuery",
      );
      if (!answer.ok) return { answer };
      const payment = successfulPayment(user, {
        payload,
        totalAmount,
        ...(options.chargeId && { chargeId: options.chargeId }),
      });
      return { answer, payment };
    },
  };
}
