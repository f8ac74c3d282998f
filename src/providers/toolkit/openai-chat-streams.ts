/**
 * The chats a provider streams from an OpenAI-compatible `POST …/chat/completions` into this
 * process, by submit id: started with the answer's status in hand, then read as they come
 * (openai-chat-job.ts). The upstream keeps nothing to look up, so a chat whose process died fails.
 */
import { GatewayError } from "../../core/errors.ts";
import type { UpstreamBudget } from "../../core/rate-limiter.ts";
import type { StatusResult, StreamPart } from "../provider.ts";
import type { UpstreamHttp } from "./http.ts";
import { chatBody } from "./openai-chat.ts";
import { ChatJob } from "./openai-chat-job.ts";

/** How long a chat waits for its answer's status (a cold worker may take minutes). */
const STATUS_TIMEOUT_MS = 300_000;

export interface ChatStart {
  /** The chat route, relative to the client's base URL. */
  path: string;
  /** The upstream's name for the model. */
  model: string;
  submitId: string;
  input: Record<string, unknown>;
  what: string;
  signal: AbortSignal | undefined;
}

export class ChatStreams {
  readonly #jobs = new Map<string, ChatJob>();
  readonly #http: UpstreamHttp;

  constructor(http: UpstreamHttp) {
    this.#http = http;
  }

  /** Sends the chat; resolves once its answer's status is in, with what it said of the rate budget. */
  async start(chat: ChatStart): Promise<UpstreamBudget | undefined> {
    const { body, budget } = await this.#http.stream(chat.path, {
      json: chatBody(chat.model, chat.input),
      what: chat.what,
      signal: chat.signal,
      timeoutMs: STATUS_TIMEOUT_MS,
    });
    this.#jobs.set(chat.submitId, new ChatJob(this.#http.upstream.name, chat.input, body));
    return budget;
  }

  status(submitId: string): StatusResult {
    const job = this.#jobs.get(submitId);
    if (!job)
      return {
        state: "failed",
        error: `${this.#http.upstream.name} answers each chat once and keeps nothing to look up; its answer was lost`,
      };
    const status = job.status();
    if (status.state !== "processing") this.#jobs.delete(submitId);
    return status;
  }

  cancel(submitId: string): void {
    this.#jobs.get(submitId)?.cancel();
    this.#jobs.delete(submitId);
  }

  parts(submitId: string): AsyncGenerator<StreamPart> {
    const job = this.#jobs.get(submitId);
    if (!job)
      throw new GatewayError(
        "provider_error",
        `${this.#http.upstream.name}'s answer is read by another process`,
        {
          retryable: false,
        },
      );
    return job.parts();
  }
}
