/**
 * A chat prediction as an upstream's `POST …/chat/completions` (OpenAI's shape; one choice,
 * streamed with usage), and its whole answer as gengate's output: the text, then one
 * `{ tool_calls }` item when the model called tools and one `{ logprobs }` item when they were
 * asked for. With a `strict` json_schema the answer is checked against the schema before anyone
 * sees it: one that violates it fails the prediction, whose text is never shown as if it fitted.
 */
import { z } from "zod";
import { lazyAjv } from "../../core/lazy-ajv.ts";
import type { FinishReason, StatusMetrics, StatusResult } from "../provider.ts";
import { parseAnswer } from "./answer.ts";

const ajv = lazyAjv({ strict: false });

/** The input fields passed to the upstream as they are. */
const PASSED = [
  "messages",
  "tools",
  "tool_choice",
  "response_format",
  "max_tokens",
  "temperature",
  "top_p",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
] as const;

export function chatBody(model: string, input: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { model, stream: true, stream_options: { include_usage: true } };
  for (const name of PASSED) if (input[name] !== undefined) body[name] = input[name];
  return body;
}

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const answerSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
        logprobs: z.looseObject({}).nullish(),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

const FINISH: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  content_filter: "content-filter",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
};

export function chatStatus(upstream: string, body: unknown, input: Record<string, unknown>): StatusResult {
  const answer = parseAnswer(upstream, answerSchema, body, "answering a chat completion");
  const choice = answer.choices[0] as (typeof answer.choices)[number];
  const content = choice.message.content ?? "";
  const toolCalls = choice.message.tool_calls ?? [];
  const metrics: StatusMetrics = answer.usage
    ? { input_token_count: answer.usage.prompt_tokens, output_token_count: answer.usage.completion_tokens }
    : {};
  const violation = toolCalls.length === 0 ? strictViolation(input.response_format, content) : undefined;
  if (violation) return { state: "failed", error: violation, metrics };
  const output: unknown[] = content === "" ? [] : [content];
  if (toolCalls.length > 0) output.push({ tool_calls: toolCalls });
  if (choice.logprobs) output.push({ logprobs: choice.logprobs });
  return {
    state: "succeeded",
    output,
    metrics,
    finishReason: FINISH[choice.finish_reason ?? ""] ?? "unknown",
  };
}

type Format = { type?: unknown; json_schema?: { schema?: unknown; strict?: unknown } } | undefined;

/** The output format is a json_schema the answer must fit (`strict`). */
export const isStrict = (format: unknown): boolean =>
  (format as Format)?.type === "json_schema" && (format as Format)?.json_schema?.strict === true;

/** What is wrong with `content` under a strict json_schema output format, if anything. */
function strictViolation(format: unknown, content: string): string | undefined {
  if (!isStrict(format)) return undefined;
  const schema = ((format as Format)?.json_schema?.schema ?? {}) as Record<string, unknown>;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return "the model's answer is not JSON, which response_format json_schema (strict) requires";
  }
  const validate = ajv().compile(schema);
  try {
    if (validate(value)) return undefined;
    const where = (validate.errors ?? [])
      .slice(0, 3)
      .map((error) => `${error.instancePath || "/"} ${error.message}`)
      .join("; ");
    return `the model's answer does not match response_format.json_schema.schema (strict): ${where}`;
  } finally {
    ajv().removeSchema(schema);
  }
}
