/** The bot's words in Russian. */

import type { Texts } from "./en.ts";
import { capitalized, usdOf } from "./money.ts";

/** "фото" does not change with the number. */
const photos = (count: number) => `${count} фото`;

export const ru: Texts = {
  help: (name) =>
    `Привет, ${name}! Я превращаю слова в картинки.\n\n` +
    "• Пришлите описание (или /generate <описание>), и я его нарисую.\n" +
    "• /model выбирает модель, /settings — пропорции и число картинок.\n" +
    "• Пришлите 4 или больше фото одного человека (по одному или альбомами), затем /train <имя>: " +
    "я обучу вашу собственную модель и скажу, когда она будет готова.\n" +
    "• Пришлите фото с подписью /removebg, /upscale, /restore или /colorize " +
    "(или ответьте этой командой на фото).\n" +
    "• /status показывает ваши задания, /cancel останавливает последнее.",
  commands: {
    help: "Что я умею",
    generate: "Нарисовать картинку по описанию",
    model: "Выбрать модель",
    settings: "Пропорции и число картинок",
    train: "Обучить вашу модель на присланных фото",
    loras: "Ваши обученные модели",
    status: "Ваши текущие задания",
    cancel: "Отменить черновик или последнее задание",
    removebg: "Убрать фон с фото",
    upscale: "Увеличить фото",
    restore: "Восстановить лица на старом фото",
    colorize: "Раскрасить чёрно-белое фото",
    buy: "Купить больше картинок за звёзды",
  },
  buttons: {
    again: "🔁 Ещё раз",
    vary: "🎲 Вариант",
    upscale: "🔍 Увеличить",
    removeBackground: "✂️ Убрать фон",
    train: "🧠 Обучить",
    tryIt: "✨ Попробовать",
    use: "Выбрать",
    cancel: "Отменить",
  },
  notAllowed: "Извините, это частный бот.",
  accessRevoked: "Ваш доступ к этому боту отозван.",
  queued: (what) => `⏳ В очереди: ${what}`,
  running: (what, percent) =>
    percent === undefined ? `🎨 Рисую: ${what}` : `🎨 Рисую: ${what} — ${percent}%`,
  done: (what) => `✅ Готово: ${what}`,
  failed: (why) => `❌ Не получилось: ${why}`,
  canceled: "🚫 Отменено.",
  seedCaption: (seed) => `seed ${seed}`,
  emptyPrompt: "Напишите, что нарисовать: /generate маяк на рассвете",
  promptTooLong: (max, got) =>
    `В описании ${got} символов; я принимаю не больше ${max}. Сократите его, пожалуйста.`,
  dailyLimit: (limit, canBuy) =>
    `Вы использовали свои ${limit} картинок на сегодня.` +
    (canBuy ? " /buy добавит ещё." : " Возвращайтесь завтра!"),
  chooseModel: "Выберите модель для ваших описаний:",
  modelChosen: (model) => `Теперь ваши описания идут в ${model}.`,
  unknownModel: "Эта модель больше недоступна; выберите другую через /model.",
  settings: (aspectRatio, count) =>
    `Пропорции: ${aspectRatio}, картинок за раз: ${count}. Нажмите, чтобы изменить:`,
  draft: (count) => `📸 Уже ${photos(count)}. Пришлите ещё или нажмите «Обучить» (или /train <имя>).`,
  trainUsage: "Назовите модель: /train anna (латинские буквы, цифры, - и _).",
  trainNeedPhotos: (have, min) =>
    `Для обучения нужно не меньше ${min} фото; вы прислали ${have}. Пришлите ещё ${min - have}.`,
  trainTooManyPhotos: (have, max) =>
    `Я могу обучаться не больше чем на ${max} фото; вы прислали ${have}. /cancel и пришлите меньше.`,
  trainNameTaken: (name) => `У вас уже есть модель ${name}. Выберите другое имя.`,
  trainStep: (name, step) => `🧠 Обучение ${name}: ${step}`,
  trainSteps: {
    uploading: "отправляю ваши фото",
    creating_model: "создаю вашу модель",
    training: "обучаю (это займёт время)",
    sampling: "рисую примеры",
    ready: "готово",
    failed: "не удалось",
    canceled: "отменено",
  },
  trainReady: (name, trigger) =>
    `🎉 ${name} готова! Добавляйте ${trigger} в свои описания. Нажмите «Попробовать» или выберите её через /model.`,
  trainFailed: (name, why) => `😞 Обучение ${name} не удалось: ${why}`,
  trainPhotoUnreadable: "Одно из ваших фото не удалось получить из Telegram; /cancel и пришлите их снова.",
  draftCanceled: (count) => `Черновик отменён (${photos(count)}).`,
  nothingToCancel: "Нечего отменять.",
  noLoras: "У вас ещё нет обученных моделей. Пришлите фото, затем /train <имя>.",
  lorasHeader: "Ваши модели:",
  loraLine: (name, status) => `• ${name} — ${status}`,
  toolNeedsPhoto: (command) =>
    `Пришлите фото с подписью /${command} или ответьте на фото командой /${command}.`,
  photoTooBig: (maxMb) =>
    `Файл больше ${maxMb} МБ — столько Telegram разрешает скачать ботам. Пришлите поменьше.`,
  notAnImage: "Этот файл не картинка, которую я могу прочитать (JPEG, PNG или WebP).",
  unknownCommand: (command) => `Я не знаю команды /${command}. /help покажет, что я умею.`,
  noJobs: "Ничего не выполняется.",
  jobsHeader: "Выполняется:",
  jobLine: (what) => `• ${what}`,
  buyChoose: "Выберите пакет:",
  buyPack: (stars, images) => `${images} картинок — ${stars} ⭐`,
  buyUnavailable: "Этот бот не продаёт картинки.",
  invoiceTitle: (images) => `${images} картинок`,
  invoiceDescription: (images) => `${images} дополнительных картинок сверх дневного лимита.`,
  paymentThanks: (images, credits) =>
    `Спасибо! Добавлено ${images} картинок; у вас ${credits} дополнительных.`,
  refundUsage: "Использование: /refund <id пользователя> <telegram_payment_charge_id>",
  refunded: "Средства возвращены.",
  refundUnknown: "Такого платежа нет, или он уже возвращён.",
  noImage: "модель ответила без картинки",
  somethingWrong: "Что-то пошло не так; попробуйте ещё раз.",
  adminOnly: "Это могут только администраторы бота.",
  budgetSpent: (whose, period, usd) => {
    const adjective = { day: "дневной", week: "недельный", month: "месячный" }[period];
    const budget = whose === "user" ? `Ваш ${adjective} бюджет` : `${capitalized(adjective)} бюджет бота`;
    return (
      `${budget} ${usdOf(usd)} исчерпан; он обновится ` +
      `${{ day: "в полночь UTC", week: "в понедельник в полночь UTC", month: "1-го числа в полночь UTC" }[period]}. ` +
      "Ничего не списано."
    );
  },
  tooManyRunning:
    "У вас слишком много картинок в работе; дождитесь, пока одна закончится, и попробуйте снова.",
  tooManyRequests: "Слишком много запросов сразу; попробуйте через минуту.",
  modelNotAllowed: "Эта модель вам недоступна; выберите другую через /model.",
  usageSpan: (span, usd, runs) =>
    `${span === "today" ? "Сегодня" : "В этом месяце"}: ${usdOf(usd)} (запусков: ${runs})`,
  usageLine: (who, usd) => `  • ${who} — ${usdOf(usd)}`,
  error: (detail) => `❌ ${detail}`,
};
