/**
 * A fake Telegram Bot API for the bot's tests (see fake-telegram.ts). Typical use:
 *
 *   const fake = await startFakeTelegram();
 *   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.bot });
 *   const ann = makeUser({ first_name: "Ann" });
 *   fake.sendText(ann, "/start");                       // an update the bot receives
 *   await fake.waitFor(() => fake.transcript(ann.id).find((m) => m.sender === "bot"));
 *   await fake.close();
 */
export { type FakeUser, makeUser } from "./bot-identity.ts";
export type { ApiCall } from "./call-log.ts";
export type { Sender, TranscriptEntry } from "./chats.ts";
export {
  type FakeTelegram,
  type FakeTelegramOptions,
  startFakeTelegram,
  type UserActions,
  type WaitOptions,
} from "./fake-telegram.ts";
export type { Fault } from "./faults.ts";
export type { Payment } from "./payment-actions.ts";
export { type RenderOptions, renderTranscriptHtml } from "./render-transcript.ts";
export type { CallbackAnswer, PreCheckoutAnswer, Refund } from "./state.ts";
export type { PhotoOptions } from "./user-actions.ts";
export type { WebhookAttempt } from "./webhook-sender.ts";
