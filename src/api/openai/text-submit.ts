/**
 * What the OpenAI text endpoints (chat completions, Responses, legacy completions) share once a
 * request is read: the model's input planned, the prediction submitted like any other (same queue,
 * rate limits, fallbacks, budgets), its tokens followed, and the whole answer gathered when the
 * client does not stream.
 */
import type { Context } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import type { ChatFinishReason } from "./chat-finish.ts";
import { planChat } from "./chat-input.ts";
import type { ChatModel } from "./chat-model.ts";
import type { ChatRequest } from "./chat-request.ts";
import { type ChatRun, runChat } from "./chat-run.ts";
import { checkSupport } from "./chat-support.ts";
import { openTokenFeed } from "./chat-tokens.ts";
import type { ToolCall } from "./chat-tool-calls.ts";
import type { Usage } from "./chat-usage.ts";
import { reportDropped } from "./openai-error.ts";

export async function submitText(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  request: ChatRequest,
  model: ChatModel,
): Promise<ChatRun> {
  const plan = planChat(model, request, checkSupport(model, request.relied, request));
  const prediction = await deps.engine.submit({
    model: model.ref,
    input: plan.input,
    tokenId: c.get("token").id,
  });
  const feed = openTokenFeed(deps.engine, prediction.id);
  reportDropped(
    c,
    plan.dropped.map((name) => request.paramNames?.[name] ?? name),
  );
  return { deps, plan, prediction, feed };
}

export interface WholeText {
  text: string;
  finishReason: ChatFinishReason;
  toolCalls: ToolCall[];
  logprobs: Record<string, unknown> | null;
  usage: Usage;
}

/** The whole answer; undefined when the client went away (the prediction is then canceled). */
export async function wholeText(c: Context<ApiEnv>, run: ChatRun): Promise<WholeText | undefined> {
  let text = "";
  const end = await runChat(run, c.req.raw.signal, async (piece) => {
    text += piece;
  });
  if (end.ended === "aborted") return undefined;
  if (end.ended === "failed") {
    // The prediction already had its retries and fallbacks; sending it again would pay twice.
    c.header("x-should-retry", "false");
    throw failedError(run, end.message);
  }
  return {
    text,
    finishReason: end.finishReason,
    toolCalls: end.toolCalls,
    logprobs: end.logprobs,
    usage: await end.usage(),
  };
}

export const failedError = (run: ChatRun, message: string) =>
  new GatewayError("provider_error", failedMessage(run, message));

export const failedMessage = (run: ChatRun, message: string) =>
  `prediction ${run.prediction.id} failed: ${message}`;
