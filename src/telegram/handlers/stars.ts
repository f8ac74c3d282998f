/**
 * Telegram Stars packs (`TELEGRAM_STARS_PACKS`): `/buy` sends an invoice in XTR, the pre-checkout
 * query is answered at once, images are credited only on `successful_payment` and only once per
 * charge; `/refund <user id> <charge id>` is for the bot's admins.
 */
import { Composer } from "grammy";
import type { BotContext, BotParts } from "../bot-context.ts";
import { isAdmin } from "../bot-context.ts";
import { callbackData } from "../callback-data.ts";
import type { StarsPack } from "../telegram-config.ts";
import { settingPressed } from "./buttons.ts";

const payloadOf = (index: number, pack: StarsPack) => `pack:${index}:${pack.stars}:${pack.images}`;

/** The pack an invoice payload names, if it is still offered at that price. */
function packOf(parts: BotParts, payload: string): StarsPack | undefined {
  const [kind, index, stars, images] = payload.split(":");
  const pack = parts.config.starsPacks[Number(index)];
  if (kind !== "pack" || !pack) return undefined;
  return pack.stars === Number(stars) && pack.images === Number(images) ? pack : undefined;
}

export function starsHandlers(parts: BotParts): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const packs = parts.config.starsPacks;

  composer.on("pre_checkout_query", async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const pack = packOf(parts, query.invoice_payload);
    if (!pack || query.currency !== "XTR" || query.total_amount !== pack.stars) {
      await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t.buyUnavailable });
      return;
    }
    await ctx.answerPreCheckoutQuery(true);
  });

  composer.on("message:successful_payment", async (ctx) => {
    const payment = ctx.msg.successful_payment;
    const pack = packOf(parts, payment.invoice_payload);
    const { userId } = ctx.account.user;
    // Telegram took the stars: credit what the invoice said even if the packs changed since.
    const images = pack?.images ?? Number(payment.invoice_payload.split(":")[3] ?? 0);
    const credited = await parts.repos.payments.credit({
      chargeId: payment.telegram_payment_charge_id,
      userId,
      stars: payment.total_amount,
      images,
    });
    if (!credited) return;
    const user = await parts.repos.users.get(userId);
    await ctx.reply(ctx.t.paymentThanks(images, user?.credits ?? images));
  });

  composer.command("buy", async (ctx) => {
    if (packs.length === 0) {
      await ctx.reply(ctx.t.buyUnavailable);
      return;
    }
    const rows = packs.map((pack, index) => [
      {
        text: ctx.t.buyPack(pack.stars, pack.images),
        callback_data: callbackData({ action: "buy", pack: index }),
      },
    ]);
    await ctx.reply(ctx.t.buyChoose, { reply_markup: { inline_keyboard: rows } });
  });

  settingPressed(composer, ["buy"], async (ctx, button) => {
    const pack = button.action === "buy" ? packs[button.pack] : undefined;
    if (!pack || button.action !== "buy") return;
    await ctx.replyWithInvoice(
      ctx.t.invoiceTitle(pack.images),
      ctx.t.invoiceDescription(pack.images),
      payloadOf(button.pack, pack),
      "XTR",
      [{ label: ctx.t.invoiceTitle(pack.images), amount: pack.stars }],
    );
  });

  composer.command("refund", async (ctx) => {
    if (!isAdmin(parts, ctx)) {
      await ctx.reply(ctx.t.adminOnly);
      return;
    }
    const [userId, chargeId] = String(ctx.match ?? "")
      .trim()
      .split(/\s+/);
    if (!userId || !chargeId || !/^\d+$/.test(userId)) {
      await ctx.reply(ctx.t.refundUsage);
      return;
    }
    const payment = await parts.repos.payments.get(chargeId);
    if (!payment || payment.userId !== Number(userId) || payment.refundedAt !== null) {
      await ctx.reply(ctx.t.refundUnknown);
      return;
    }
    await ctx.api.refundStarPayment(payment.userId, chargeId);
    await parts.repos.payments.markRefunded(chargeId);
    await ctx.reply(ctx.t.refunded);
  });

  return composer;
}
