/**
 * Sends a finished job's result to its chat, once: the delivery is claimed in the database first,
 * so after a crash, or with several processes, the result still arrives exactly one time.
 */
import { InputFile, InputMediaBuilder } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Logger } from "pino";
import type { TelegramJob, TelegramJobsRepo } from "../store/index.ts";
import type { ChatSender } from "./chat-sender.ts";
import type { GengateClient, LoraJson, PredictionJson } from "./gengate-client.ts";
import { describeJob, type TrainingRequest } from "./job-requests.ts";
import { type ResultImage, resultImage } from "./result-images.ts";
import { resultKeyboard, tryItKeyboard } from "./result-keyboards.ts";
import type { Texts } from "./texts/index.ts";

/** A claim older than this belonged to a process that died mid-delivery. */
export const DELIVERY_CLAIM_MS = 5 * 60_000;

/** The file URLs of an output, in order: one URL, a list of them, or an object of them (a tool's `image` and `mask`). */
export function outputUrls(output: unknown): string[] {
  if (typeof output === "string") return /^https?:\/\//.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (output !== null && typeof output === "object") return Object.values(output).flatMap(outputUrls);
  return [];
}

export class JobDelivery {
  readonly #jobs: TelegramJobsRepo;
  readonly #sender: ChatSender;
  readonly #logger: Logger;

  constructor(jobs: TelegramJobsRepo, sender: ChatSender, logger: Logger) {
    this.#jobs = jobs;
    this.#sender = sender;
    this.#logger = logger;
  }

  /** Delivers an ended prediction's result; false when another process has it. */
  async prediction(
    job: TelegramJob,
    prediction: PredictionJson,
    client: GengateClient,
    t: Texts,
  ): Promise<boolean> {
    return this.#once(job, async () => {
      const urls = outputUrls(prediction.output);
      if (prediction.status === "succeeded" && urls.length === 0) {
        await this.#status(job, t.failed(t.noImage));
        return null;
      }
      if (prediction.status === "succeeded") {
        const keyboard = resultKeyboard(t, job.id, urls.length, job.kind === "generate");
        const seed = prediction.gengate?.seed ?? null;
        await this.#status(job, t.done(describeJob(t, job)));
        await this.#sendImages(job, urls, client, keyboard, seed === null ? undefined : t.seedCaption(seed));
        return seed;
      }
      await this.#status(
        job,
        prediction.status === "canceled" ? t.canceled : t.failed(prediction.error ?? "unknown error"),
      );
      return null;
    });
  }

  /** Delivers an ended LoRA: its samples and a "Try it" button, or why it failed. */
  async lora(job: TelegramJob, lora: LoraJson, client: GengateClient, t: Texts): Promise<boolean> {
    const { name } = job.request as unknown as TrainingRequest;
    return this.#once(job, async () => {
      if (lora.status === "ready") {
        await this.#status(job, t.trainStep(name, t.trainSteps.ready));
        const samples = lora.samples.flatMap((sample) => outputUrls(sample.output));
        await this.#sendImages(job, samples, client, undefined, undefined);
        await this.#sender.to(job.userId, (api) =>
          api.sendMessage(job.chatId, t.trainReady(name, lora.trigger_word), {
            reply_markup: tryItKeyboard(t, job.id),
          }),
        );
      } else if (lora.status === "canceled") {
        await this.#status(job, t.trainStep(name, t.trainSteps.canceled));
      } else {
        await this.#status(job, t.trainStep(name, t.trainSteps.failed));
        await this.#sender.to(job.userId, (api) =>
          api.sendMessage(job.chatId, t.trainFailed(name, lora.error ?? "unknown error")),
        );
      }
      return null;
    });
  }

  async #once(job: TelegramJob, deliver: () => Promise<number | null>): Promise<boolean> {
    const now = Date.now();
    if (!(await this.#jobs.claimDelivery(job, now, now - DELIVERY_CLAIM_MS))) return false;
    try {
      const seed = await deliver();
      await this.#jobs.delivered(job.id, seed);
      return true;
    } catch (error) {
      await this.#jobs.release(job.id);
      throw error;
    }
  }

  async #status(job: TelegramJob, text: string): Promise<void> {
    if (job.statusMessageId === null) return;
    await this.#sender.edit(job.userId, job.chatId, job.statusMessageId, text);
  }

  /** One photo (with the keyboard), or an album followed by the keyboard; originals as files. */
  async #sendImages(
    job: TelegramJob,
    urls: readonly string[],
    client: GengateClient,
    keyboard: InlineKeyboardMarkup | undefined,
    caption: string | undefined,
  ): Promise<void> {
    const images: ResultImage[] = [];
    for (const [index, url] of urls.entries()) {
      const { data } = await client.download(url);
      images.push(await resultImage(data, `${job.id}-${index + 1}`, job.kind === "tool"));
    }
    const chatId = job.chatId;
    await this.#sender.to(job.userId, async (api) => {
      const [first] = images;
      if (images.length === 1 && first) {
        await api.sendPhoto(chatId, new InputFile(first.preview, "result.jpg"), {
          ...(caption && { caption }),
          ...(keyboard && { reply_markup: keyboard }),
        });
      } else if (images.length > 1) {
        for (let start = 0; start < images.length; start += 10) {
          const media = images.slice(start, start + 10).map((image, i) =>
            InputMediaBuilder.photo(new InputFile(image.preview, `result-${start + i + 1}.jpg`), {
              ...(start + i === 0 && caption && { caption }),
            }),
          );
          if (media.length === 1 && media[0]) await api.sendPhoto(chatId, media[0].media);
          else await api.sendMediaGroup(chatId, media);
        }
        if (keyboard) await api.sendMessage(chatId, caption ?? "⬆️", { reply_markup: keyboard });
      }
      for (const image of images) {
        if (image.original)
          await api.sendDocument(chatId, new InputFile(image.original.data, image.original.fileName));
      }
    });
    this.#logger.debug({ job: job.id, images: images.length }, "telegram result delivered");
  }
}
