/**
 * Follows the bot's jobs until they end, then has them delivered: a prediction through its event
 * stream (its status message shows the progress the model logs), a LoRA by reading it now and
 * then. Jobs live in the database, so after a restart every job still running is followed again.
 */
import { setTimeout as delay } from "node:timers/promises";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { Logger } from "pino";
import type { TelegramJob, TelegramJobsRepo } from "../store/index.ts";
import type { ChatSender } from "./chat-sender.ts";
import { ApiRefusal, type GengateClient, type LoraJson } from "./gengate-client.ts";
import { DELIVERY_CLAIM_MS, type JobDelivery } from "./job-delivery.ts";
import { describeJob, type TrainingRequest } from "./job-requests.ts";
import { type Texts, textsOf } from "./texts/index.ts";
import type { UserAccounts } from "./user-accounts.ts";

const TERMINAL_PREDICTION = new Set(["succeeded", "failed", "canceled"]);
const TERMINAL_LORA = new Set<LoraJson["status"]>(["ready", "failed", "canceled"]);
/** Telegram allows about one edit a second per chat; progress needs fewer. */
const PROGRESS_EDIT_MS = 1500;
const RETRY_MS = 2000;
const RESUME_EVERY_MS = 30_000;

/** The last percentage of a tqdm progress bar in the logs (` parseProgressFromLogs` reads the same). */
export function progressOf(logs: string): number | undefined {
  const matches = [...logs.matchAll(/(\d{1,3})%\|/g)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? undefined : Math.min(100, Number(last));
}

export interface JobWatcherDeps {
  jobs: TelegramJobsRepo;
  accounts: UserAccounts;
  delivery: JobDelivery;
  sender: ChatSender;
  logger: Logger;
  /** How often a training is read. */
  loraPollMs: number;
}

export class JobWatcher {
  readonly #deps: JobWatcherDeps;
  readonly #following = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  #resumeTimer: NodeJS.Timeout | undefined;

  constructor(deps: JobWatcherDeps) {
    this.#deps = deps;
  }

  /** Follows every job not delivered yet, now and every half minute (jobs another process left). */
  start(): void {
    const resume = () =>
      void this.resume().catch((error: unknown) =>
        this.#deps.logger.error({ err: error }, "could not read the bot's unfinished jobs"),
      );
    resume();
    this.#resumeTimer = setInterval(resume, RESUME_EVERY_MS).unref();
  }

  async resume(): Promise<void> {
    for (const job of await this.#deps.jobs.undelivered(Date.now() - DELIVERY_CLAIM_MS)) this.follow(job);
  }

  follow(job: TelegramJob): void {
    if (this.#following.has(job.id) || this.#stop.signal.aborted) return;
    const run = this.#run(job).finally(() => this.#following.delete(job.id));
    this.#following.set(job.id, run);
  }

  async stop(): Promise<void> {
    clearInterval(this.#resumeTimer);
    this.#stop.abort();
    await Promise.allSettled(this.#following.values());
  }

  async #run(job: TelegramJob): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        const account = await this.#deps.accounts.known(job.userId);
        if (!account) return;
        const t = textsOf(account.language);
        const done =
          job.kind === "train"
            ? await this.#followLora(job, account.client, t)
            : await this.#followPrediction(job, account.client, t);
        if (done) return;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiRefusal && error.status === 404) {
          // The prediction or LoRA was deleted: there is nothing left to deliver.
          await this.#deps.jobs.delivered(job.id, null);
          return;
        }
        this.#deps.logger.warn({ err: error, job: job.id }, "following a telegram job failed; trying again");
      }
      await pause(RETRY_MS, signal);
    }
  }

  /** True once delivered (by this process or another). */
  async #followPrediction(job: TelegramJob, client: GengateClient, t: Texts): Promise<boolean> {
    const prediction = await client.getPrediction(job.workId);
    if (TERMINAL_PREDICTION.has(prediction.status)) {
      await this.#deps.delivery.prediction(job, prediction, client, t);
      return true;
    }
    await this.#showProgress(job, client, t);
    const ended = await client.getPrediction(job.workId);
    if (!TERMINAL_PREDICTION.has(ended.status)) return false;
    await this.#deps.delivery.prediction(job, ended, client, t);
    return true;
  }

  /** Edits the status message as the model logs progress, until the stream says the prediction ended. */
  async #showProgress(job: TelegramJob, client: GengateClient, t: Texts): Promise<void> {
    const stream = await client.stream(job.workId, this.#stop.signal);
    const events = stream
      ?.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    if (!events) return;
    const what = describeJob(t, job);
    let logs = "";
    let shown = "";
    let lastEdit = 0;
    try {
      for (;;) {
        const read = await events.read();
        if (read.done || read.value.event === "done") return;
        if (read.value.event !== "logs") continue;
        logs += read.value.data;
        const text = t.running(what, progressOf(logs));
        if (text === shown || Date.now() - lastEdit < PROGRESS_EDIT_MS || job.statusMessageId === null)
          continue;
        shown = text;
        lastEdit = Date.now();
        await this.#deps.sender.edit(job.userId, job.chatId, job.statusMessageId, text);
      }
    } finally {
      await events.cancel().catch(() => undefined);
    }
  }

  async #followLora(job: TelegramJob, client: GengateClient, t: Texts): Promise<boolean> {
    const { name } = job.request as unknown as TrainingRequest;
    let shown: string | undefined;
    while (!this.#stop.signal.aborted) {
      const lora = await client.findLora(job.workId);
      if (!lora) throw new ApiRefusal(404, "the LoRA was deleted", []);
      if (TERMINAL_LORA.has(lora.status)) {
        await this.#deps.delivery.lora(job, lora, client, t);
        return true;
      }
      const text = t.trainStep(name, await stepOfLora(lora, client, t));
      if (text !== shown && job.statusMessageId !== null) {
        shown = text;
        await this.#deps.sender.edit(job.userId, job.chatId, job.statusMessageId, text);
      }
      await pause(this.#deps.loraPollMs, this.#stop.signal);
    }
    return false;
  }
}

/** The LoRA's step in words, with the training's percent once it logs one. */
async function stepOfLora(lora: LoraJson, client: GengateClient, t: Texts): Promise<string> {
  const step = t.trainSteps[lora.status];
  if (lora.status !== "training" || lora.training_id === null) return step;
  const percent = progressOf((await client.getTraining(lora.training_id)).logs ?? "");
  return percent === undefined ? step : `${step} — ${percent}%`;
}

const pause = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);
