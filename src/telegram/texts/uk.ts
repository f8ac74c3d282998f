/** The bot's words in Ukrainian. */

import type { Texts } from "./en.ts";
import { capitalized, usdOf } from "./money.ts";

/** "фото" does not change with the number. */
const photos = (count: number) => `${count} фото`;

export const uk: Texts = {
  help: (name) =>
    `Привіт, ${name}! Я перетворюю слова на зображення.\n\n` +
    "• Надішліть опис (або /generate <опис>), і я його намалюю.\n" +
    "• /model вибирає модель, /settings — пропорції та кількість зображень.\n" +
    "• Надішліть 4 або більше фото однієї людини (по одному чи альбомами), потім /train <ім'я>: " +
    "я навчу вашу власну модель і скажу, коли вона буде готова.\n" +
    "• Надішліть фото з підписом /removebg, /upscale, /restore або /colorize " +
    "(або відповідайте цією командою на фото).\n" +
    "• /status показує ваші завдання, /cancel зупиняє останнє.",
  commands: {
    help: "Що я вмію",
    generate: "Намалювати зображення за описом",
    model: "Вибрати модель",
    settings: "Пропорції та кількість зображень",
    train: "Навчити вашу модель на надісланих фото",
    loras: "Ваші навчені моделі",
    status: "Ваші завдання, що виконуються",
    cancel: "Скасувати чернетку або останнє завдання",
    removebg: "Прибрати фон із фото",
    upscale: "Збільшити фото",
    restore: "Відновити обличчя на старому фото",
    colorize: "Розфарбувати чорно-біле фото",
    buy: "Купити більше зображень за зірки",
  },
  buttons: {
    again: "🔁 Ще раз",
    vary: "🎲 Варіант",
    upscale: "🔍 Збільшити",
    removeBackground: "✂️ Прибрати фон",
    train: "🧠 Навчити",
    tryIt: "✨ Спробувати",
    use: "Вибрати",
    cancel: "Скасувати",
  },
  notAllowed: "Вибачте, це приватний бот.",
  accessRevoked: "Ваш доступ до цього бота відкликано.",
  queued: (what) => `⏳ У черзі: ${what}`,
  running: (what, percent) =>
    percent === undefined ? `🎨 Малюю: ${what}` : `🎨 Малюю: ${what} — ${percent}%`,
  done: (what) => `✅ Готово: ${what}`,
  failed: (why) => `❌ Не вдалося: ${why}`,
  canceled: "🚫 Скасовано.",
  seedCaption: (seed) => `seed ${seed}`,
  emptyPrompt: "Напишіть, що намалювати: /generate маяк на світанку",
  promptTooLong: (max, got) =>
    `Опис має ${got} символів; я приймаю щонайбільше ${max}. Скоротіть його, будь ласка.`,
  dailyLimit: (limit, canBuy) =>
    `Ви використали свої ${limit} зображень на сьогодні.` +
    (canBuy ? " /buy додасть ще." : " Повертайтеся завтра!"),
  chooseModel: "Виберіть модель для ваших описів:",
  modelChosen: (model) => `Тепер ваші описи йдуть до ${model}.`,
  unknownModel: "Ця модель більше недоступна; виберіть іншу через /model.",
  settings: (aspectRatio, count) =>
    `Пропорції: ${aspectRatio}, зображень за раз: ${count}. Натисніть, щоб змінити:`,
  draft: (count) => `📸 Уже ${photos(count)}. Надішліть ще або натисніть «Навчити» (чи /train <ім'я>).`,
  trainUsage: "Назвіть модель: /train anna (латинські літери, цифри, - та _).",
  trainNeedPhotos: (have, min) =>
    `Для навчання потрібно щонайменше ${min} фото; ви надіслали ${have}. Надішліть ще ${min - have}.`,
  trainTooManyPhotos: (have, max) =>
    `Я можу навчатися щонайбільше на ${max} фото; ви надіслали ${have}. /cancel і надішліть менше.`,
  trainNameTaken: (name) => `У вас уже є модель ${name}. Виберіть інше ім'я.`,
  trainStep: (name, step) => `🧠 Навчання ${name}: ${step}`,
  trainSteps: {
    uploading: "надсилаю ваші фото",
    creating_model: "створюю вашу модель",
    training: "навчаю (це займе деякий час)",
    sampling: "малюю зразки",
    ready: "готово",
    failed: "не вдалося",
    canceled: "скасовано",
  },
  trainReady: (name, trigger) =>
    `🎉 ${name} готова! Додавайте ${trigger} у свої описи. Натисніть «Спробувати» або виберіть її через /model.`,
  trainFailed: (name, why) => `😞 Навчання ${name} не вдалося: ${why}`,
  trainPhotoUnreadable: "Одне з ваших фото не вдалося отримати з Telegram; /cancel і надішліть їх знову.",
  draftCanceled: (count) => `Чернетку скасовано (${photos(count)}).`,
  nothingToCancel: "Нічого скасовувати.",
  noLoras: "У вас ще немає навчених моделей. Надішліть фото, потім /train <ім'я>.",
  lorasHeader: "Ваші моделі:",
  loraLine: (name, status) => `• ${name} — ${status}`,
  toolNeedsPhoto: (command) =>
    `Надішліть фото з підписом /${command} або відповідайте на фото командою /${command}.`,
  photoTooBig: (maxMb) =>
    `Файл більший за ${maxMb} МБ — стільки Telegram дозволяє завантажити ботам. Надішліть менший.`,
  notAnImage: "Цей файл не є зображенням, яке я можу прочитати (JPEG, PNG або WebP).",
  unknownCommand: (command) => `Я не знаю команди /${command}. /help покаже, що я вмію.`,
  noJobs: "Нічого не виконується.",
  jobsHeader: "Виконується:",
  jobLine: (what) => `• ${what}`,
  buyChoose: "Виберіть пакет:",
  buyPack: (stars, images) => `${images} зображень — ${stars} ⭐`,
  buyUnavailable: "Цей бот не продає зображення.",
  invoiceTitle: (images) => `${images} зображень`,
  invoiceDescription: (images) => `${images} додаткових зображень понад щоденний ліміт.`,
  paymentThanks: (images, credits) => `Дякуємо! Додано ${images} зображень; у вас ${credits} додаткових.`,
  refundUsage: "Використання: /refund <id користувача> <telegram_payment_charge_id>",
  refunded: "Кошти повернуто.",
  refundUnknown: "Такого платежу немає або його вже повернуто.",
  noImage: "модель відповіла без зображення",
  somethingWrong: "Щось пішло не так; спробуйте ще раз.",
  adminOnly: "Це можуть лише адміністратори бота.",
  budgetSpent: (whose, period, usd) => {
    const adjective = { day: "денний", week: "тижневий", month: "місячний" }[period];
    const budget = whose === "user" ? `Ваш ${adjective} бюджет` : `${capitalized(adjective)} бюджет бота`;
    return (
      `${budget} ${usdOf(usd)} вичерпано; він поновиться ` +
      `${{ day: "опівночі UTC", week: "у понеділок опівночі UTC", month: "1-го числа опівночі UTC" }[period]}. ` +
      "Нічого не списано."
    );
  },
  tooManyRunning: "У вас забагато зображень у роботі; дочекайтеся, поки одне завершиться, і спробуйте знову.",
  tooManyRequests: "Забагато запитів одночасно; спробуйте за хвилину.",
  modelNotAllowed: "Ця модель вам недоступна; виберіть іншу через /model.",
  usageSpan: (span, usd, runs) =>
    `${span === "today" ? "Сьогодні" : "Цього місяця"}: ${usdOf(usd)} (запусків: ${runs})`,
  usageLine: (who, usd) => `  • ${who} — ${usdOf(usd)}`,
  error: (detail) => `❌ ${detail}`,
};
