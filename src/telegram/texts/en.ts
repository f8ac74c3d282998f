/** The bot's words in English; `uk.ts` and `ru.ts` say the same in Ukrainian and Russian. */
import type { BudgetPeriod } from "../../core/limits.ts";
import { usdOf } from "./money.ts";

export const en = {
  help: (name: string) =>
    `Hi ${name}! I turn words into pictures.\n\n` +
    "• Send a description (or /generate <description>) and I draw it.\n" +
    "• /model picks the model, /settings the aspect ratio and the number of images.\n" +
    "• Send 4 or more photos of one person (one by one or as albums), then /train <name>: " +
    "I train your own model and tell you when it is ready.\n" +
    "• Send a photo with the caption /removebg, /upscale, /restore or /colorize " +
    "(or reply to a photo with that command).\n" +
    "• /status shows your running jobs, /cancel stops the latest one.",
  commands: {
    help: "What I can do",
    generate: "Draw a picture from a description",
    model: "Choose the model",
    settings: "Aspect ratio and number of images",
    train: "Train your model on the photos you sent",
    loras: "Your trained models",
    status: "Your running jobs",
    cancel: "Cancel the draft or the latest job",
    removebg: "Remove the background of a photo",
    upscale: "Upscale a photo",
    restore: "Restore faces in an old photo",
    colorize: "Colorize a black-and-white photo",
    buy: "Buy more images with Stars",
  },
  buttons: {
    again: "🔁 Again",
    vary: "🎲 Vary",
    upscale: "🔍 Upscale",
    removeBackground: "✂️ Remove background",
    train: "🧠 Train",
    tryIt: "✨ Try it",
    use: "Use",
    cancel: "Cancel",
  },
  notAllowed: "Sorry, this bot is private.",
  accessRevoked: "Your access to this bot was revoked.",
  queued: (what: string) => `⏳ Queued: ${what}`,
  running: (what: string, percent: number | undefined) =>
    percent === undefined ? `🎨 Drawing: ${what}` : `🎨 Drawing: ${what} — ${percent}%`,
  done: (what: string) => `✅ Done: ${what}`,
  failed: (why: string) => `❌ It did not work: ${why}`,
  canceled: "🚫 Canceled.",
  seedCaption: (seed: number) => `seed ${seed}`,
  emptyPrompt: "Tell me what to draw: /generate a lighthouse at dawn",
  promptTooLong: (max: number, got: number) =>
    `That description is ${got} characters long; I take at most ${max}. Please shorten it.`,
  dailyLimit: (limit: number, canBuy: boolean) =>
    `You have used your ${limit} images for today.` +
    (canBuy ? " /buy gives you more." : " Come back tomorrow!"),
  chooseModel: "Choose the model for your prompts:",
  modelChosen: (model: string) => `Your prompts now go to ${model}.`,
  unknownModel: "That model is no longer available; choose another with /model.",
  settings: (aspectRatio: string, count: number) =>
    `Aspect ratio: ${aspectRatio}, images per prompt: ${count}. Tap to change:`,
  draft: (count: number) =>
    `📸 ${count} photo${count === 1 ? "" : "s"} so far. Send more, or tap Train (or /train <name>).`,
  trainUsage: "Name your model: /train anna (letters, digits, - and _).",
  trainNeedPhotos: (have: number, min: number) =>
    `I need at least ${min} photos to train; you sent ${have}. Send ${min - have} more.`,
  trainTooManyPhotos: (have: number, max: number) =>
    `I can train on at most ${max} photos; you sent ${have}. /cancel and send fewer.`,
  trainNameTaken: (name: string) => `You already have a model named ${name}. Pick another name.`,
  trainStep: (name: string, step: string) => `🧠 Training ${name}: ${step}`,
  trainSteps: {
    uploading: "sending your photos",
    creating_model: "creating your model",
    training: "training (this takes a while)",
    sampling: "drawing sample pictures",
    ready: "ready",
    failed: "failed",
    canceled: "canceled",
  },
  trainReady: (name: string, trigger: string) =>
    `🎉 ${name} is ready! Your prompts can now include ${trigger}. Tap “Try it”, or pick it with /model.`,
  trainFailed: (name: string, why: string) => `😞 Training ${name} failed: ${why}`,
  trainPhotoUnreadable: "One of your photos could not be read from Telegram; /cancel and send them again.",
  draftCanceled: (count: number) => `Draft discarded (${count} photo${count === 1 ? "" : "s"}).`,
  nothingToCancel: "Nothing to cancel.",
  noLoras: "You have no trained models yet. Send photos, then /train <name>.",
  lorasHeader: "Your models:",
  loraLine: (name: string, status: string) => `• ${name} — ${status}`,
  toolNeedsPhoto: (command: string) =>
    `Send a photo with the caption /${command}, or reply to a photo with /${command}.`,
  photoTooBig: (maxMb: number) =>
    `That file is larger than ${maxMb} MB, which Telegram lets bots download. Send a smaller one.`,
  notAnImage: "That file is not an image I can read (JPEG, PNG or WebP).",
  unknownCommand: (command: string) => `I don't know /${command}. /help lists what I can do.`,
  noJobs: "Nothing running.",
  jobsHeader: "Running:",
  jobLine: (what: string) => `• ${what}`,
  buyChoose: "Choose a pack:",
  buyPack: (stars: number, images: number) => `${images} images — ${stars} ⭐`,
  buyUnavailable: "Buying images is not offered by this bot.",
  invoiceTitle: (images: number) => `${images} images`,
  invoiceDescription: (images: number) => `${images} extra images, on top of your daily allowance.`,
  paymentThanks: (images: number, credits: number) =>
    `Thank you! ${images} images added; you have ${credits} extra images.`,
  refundUsage: "Usage: /refund <user id> <telegram_payment_charge_id>",
  refunded: "Refunded.",
  refundUnknown: "No such payment, or it was refunded already.",
  noImage: "the model answered without an image",
  somethingWrong: "Something went wrong; please try again.",
  adminOnly: "Only the bot's admins can do that.",
  budgetSpent: (whose: "user" | "bot", period: BudgetPeriod, usd: number) =>
    `${whose === "user" ? "Your" : "The bot's"} ${{ day: "daily", week: "weekly", month: "monthly" }[period]} ` +
    `budget of ${usdOf(usd)} is spent; it resets ` +
    `${{ day: "at midnight UTC", week: "on Monday at midnight UTC", month: "on the 1st at midnight UTC" }[period]}. ` +
    "Nothing was charged.",
  tooManyRunning: "You have too many images in progress; wait for one to finish, then try again.",
  tooManyRequests: "Too many requests at once; try again in a minute.",
  modelNotAllowed: "That model is not open to you; choose another with /model.",
  usageSpan: (span: "today" | "month", usd: number, runs: number) =>
    `${span === "today" ? "Today" : "This month"}: ${usdOf(usd)} (${runs} run${runs === 1 ? "" : "s"})`,
  usageLine: (who: string, usd: number) => `  • ${who} — ${usdOf(usd)}`,
  error: (detail: string) => `❌ ${detail}`,
};

export type Texts = typeof en;
