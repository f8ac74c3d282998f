/**
 * What the OpenAI text endpoints (chat completions, Responses, legacy completions) share once a
 * request is read: the model's input planned, the prediction (one per choice) submitted like any
 * other (same queue, rate limits, fallbacks, budgets), its tokens followed, and the whole answer
 * gathered when the client does not stream.
 */
import type { Context } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { cancelUnread } from "./cancel-unread.ts";
import type { ChatFinishReason } from "./chat-finish.ts";
import { planChat } from "./chat-input.ts";
import type { ChatModel } from "./chat-model.ts";
import type { ChatRequest } from "./chat-request.ts";
import type { ChatRun } from "./chat-run.ts";
import { checkSupport } from "./chat-support.ts";
import { openTokenFeed } from "./chat-tokens.ts";
import type { ToolCall } from "./chat-tool-calls.ts";
import type { Usage } from "./chat-usage.ts";
import { choiceInput, runChoices, submitEach } from "./choices.ts";
import { reportDropped } from "./openai-error.ts";

/**
 * The request's `n` predictions of the same input (one unless asked), each submitted like any
 * other. When one cannot be submitted (a budget, a rate limit), those that were are canceled and
 * the request answers why.
 */
export async function submitTexts(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  request: ChatRequest,
  model: ChatModel,
): Promise<Choices> {
  const plan = planChat(model, request, checkSupport(model, request.relied, request));
  const tokenId = c.get("token").id;
  const runs = await submitEach(
    request.n ?? 1,
    async (index) => {
      const input = choiceInput(plan.input, index);
      const prediction = await deps.engine.submit({ model: model.ref, input, tokenId });
      return { deps, plan, prediction, feed: openTokenFeed(deps.engine, prediction.id) };
    },
    abandon,
  );
  reportDropped(
    c,
    plan.dropped.map((name) => request.paramNames?.[name] ?? name),
  );
  return runs;
}

/** A request's runs, one per choice. */
export type Choices = [ChatRun, ...ChatRun[]];

function abandon({ deps, prediction, feed }: ChatRun): void {
  feed.close();
  cancelUnread(deps, prediction.id, "a chat prediction");
}

/** One prediction, for an endpoint that has no `n`. */
export async function submitText(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  request: ChatRequest,
  model: ChatModel,
): Promise<ChatRun> {
  return (await submitTexts(c, deps, { ...request, n: 1 }, model))[0];
}

export interface WholeText {
  text: string;
  finishReason: ChatFinishReason;
  toolCalls: ToolCall[];
  logprobs: Record<string, unknown> | null;
  usage: Usage;
}

/** Each choice's whole answer; undefined when the client went away (the predictions are then canceled). */
export async function wholeTexts(c: Context<ApiEnv>, runs: ChatRun[]): Promise<WholeText[] | undefined> {
  const texts = runs.map(() => "");
  const end = await runChoices(runs, c.req.raw.signal, async (index, piece) => {
    texts[index] += piece;
  });
  if (end.ended === "aborted") return undefined;
  if (end.ended === "failed") {
    // The prediction already had its retries and fallbacks; sending it again would pay twice.
    c.header("x-should-retry", "false");
    throw failedError(end.run, end.message);
  }
  return Promise.all(
    end.ends.map(async ({ finishReason, toolCalls, logprobs, usage }, index) => ({
      text: texts[index] ?? "",
      finishReason,
      toolCalls,
      logprobs,
      usage: await usage(),
    })),
  );
}

/** The whole answer of one prediction; undefined when the client went away. */
export async function wholeText(c: Context<ApiEnv>, run: ChatRun): Promise<WholeText | undefined> {
  return (await wholeTexts(c, [run]))?.[0];
}

export const failedError = (run: ChatRun, message: string) =>
  new GatewayError("provider_error", failedMessage(run, message));

export const failedMessage = (run: ChatRun, message: string) =>
  `prediction ${run.prediction.id} failed: ${message}`;
