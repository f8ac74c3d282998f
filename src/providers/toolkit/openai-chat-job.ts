/**
 * A chat streamed from the upstream (`stream: true`, OpenAI's `chat.completion.chunk` events),
 * held in this process while it runs: its text parts are handed to gengate's stream as they come,
 * and once it ends it is read as one whole answer (tool calls and log probabilities assembled from
 * their deltas). With a strict json_schema the text is held until the whole answer is checked.
 */
import type { StatusResult, StreamPart } from "../provider.ts";
import { chatStatus, isStrict } from "./openai-chat.ts";

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface Chunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: ToolCallDelta[] };
    finish_reason?: string | null;
    logprobs?: { content?: unknown[] | null } | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

export class ChatJob {
  readonly #tokens: string[] = [];
  readonly #calls: { id: string; type: "function"; function: { name: string; arguments: string } }[] = [];
  readonly #logprobs: unknown[] = [];
  #sawLogprobs = false;
  #finish: string | null = null;
  #usage: Chunk["usage"] = null;
  #ended: { error?: string } | undefined;
  #wake: (() => void) | undefined;
  readonly #abort = new AbortController();
  readonly upstream: string;
  readonly input: Record<string, unknown>;

  constructor(upstream: string, input: Record<string, unknown>, body: ReadableStream<Uint8Array>) {
    this.upstream = upstream;
    this.input = input;
    this.#read(body).then(
      () => this.#end({}),
      (error: unknown) => this.#end({ error: `${upstream}'s stream broke off: ${(error as Error).message}` }),
    );
  }

  cancel(): void {
    this.#abort.abort();
  }

  /** The answer's text as it comes, then its finish; throws when the upstream's stream broke off. */
  async *parts(): AsyncGenerator<StreamPart> {
    const hold = isStrict(this.input.response_format);
    let sent = 0;
    for (;;) {
      if (!hold)
        while (sent < this.#tokens.length) yield { type: "output", data: this.#tokens[sent++] as string };
      if (this.#ended) break;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    const status = this.status();
    if (status.state !== "succeeded") return;
    while (sent < this.#tokens.length) yield { type: "output", data: this.#tokens[sent++] as string };
    const usage = this.#usage;
    yield {
      type: "finish",
      finishReason: status.finishReason ?? "unknown",
      usage: usage ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : {},
    };
  }

  status(): StatusResult {
    if (!this.#ended) return { state: "processing", output: [...this.#tokens] };
    if (this.#ended.error) return { state: "failed", error: this.#ended.error, output: [...this.#tokens] };
    const whole = {
      choices: [
        {
          message: {
            content: this.#tokens.join(""),
            tool_calls: this.#calls.length > 0 ? this.#calls : null,
          },
          finish_reason: this.#finish,
          logprobs: this.#sawLogprobs ? { content: this.#logprobs, refusal: null } : null,
        },
      ],
      usage: this.#usage,
    };
    return chatStatus(this.upstream, whole, this.input);
  }

  #end(ended: { error?: string }): void {
    this.#ended = ended;
    this.#wake?.();
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    const reader = body.getReader();
    this.#abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = events.pop() ?? "";
      for (const event of events) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trimStart())
          .join("\n");
        if (data === "" || data === "[DONE]") continue;
        this.#take(JSON.parse(data) as Chunk);
      }
      this.#wake?.();
    }
  }

  #take(chunk: Chunk): void {
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const { delta, finish_reason: finish, logprobs } = choice;
    if (delta?.content) this.#tokens.push(delta.content);
    for (const call of delta?.tool_calls ?? []) {
      const known = this.#calls[call.index];
      if (!known) {
        this.#calls[call.index] = {
          id: call.id ?? "",
          type: "function",
          function: { name: call.function?.name ?? "", arguments: call.function?.arguments ?? "" },
        };
      } else known.function.arguments += call.function?.arguments ?? "";
    }
    if (logprobs) {
      this.#sawLogprobs = true;
      this.#logprobs.push(...(logprobs.content ?? []));
    }
    if (finish) this.#finish = finish;
  }
}
