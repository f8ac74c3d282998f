/**
 * Which vLLM chats go to the worker's OpenAI-compatible route, `POST /{endpoint}/openai/v1/chat/
 * completions` (runpod/docs serverless/vllm/openai-compatibility; worker-vllm hands it to vLLM's
 * own OpenAI server): those asking for what the native `/run` input cannot say (tools, tool calls
 * and results, developer messages, message parts, JSON output, log probabilities, penalties). The
 * route answers once, streamed, and keeps nothing to look up, so other chats stay on `/run`, whose
 * job a later process can still follow.
 */
import { GatewayError } from "../../core/errors.ts";
import type { VllmEndpointConfig } from "./config.ts";

export const OPENAI_CHAT_PATH = "openai/v1/chat/completions";

/** Input fields only the OpenAI-compatible route takes. */
export const ROUTE_ONLY = [
  "tools",
  "tool_choice",
  "response_format",
  "logprobs",
  "top_logprobs",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
] as const;

const NATIVE_ROLES = new Set(["system", "user", "assistant"]);

/** What in the input needs the OpenAI-compatible route (as `input.<field>`), if anything. */
function routeField(input: Record<string, unknown>): string | undefined {
  const field = ROUTE_ONLY.find((name) => input[name] !== undefined && input[name] !== null);
  if (field) return field;
  const messages = Array.isArray(input.messages) ? (input.messages as Record<string, unknown>[]) : [];
  const index = messages.findIndex(
    (message) =>
      !NATIVE_ROLES.has(String(message?.role)) ||
      typeof message?.content !== "string" ||
      message?.tool_calls !== undefined,
  );
  return index === -1 ? undefined : `messages[${index}]`;
}

/**
 * True when the chat goes to the OpenAI-compatible route; refuses one that needs it on an
 * endpoint whose worker does not call tools (`tools` not set), or that has no conversation.
 */
export function takesOpenAiRoute(input: Record<string, unknown>, endpoint: VllmEndpointConfig): boolean {
  const field = routeField(input);
  if (field === undefined) return false;
  if (!endpoint.tools)
    throw new GatewayError(
      "invalid_input",
      `input.${field}: this vLLM endpoint takes plain conversations only; set "tools": true on it in providers.runpod once its worker calls tools (ENABLE_AUTO_TOOL_CHOICE)`,
    );
  if (input.messages === undefined)
    throw new GatewayError(
      "invalid_input",
      `input.${field} needs input.messages: the OpenAI route takes a conversation`,
    );
  return true;
}
