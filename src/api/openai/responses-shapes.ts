/**
 * OpenAI's shapes of a Responses answer: the response object (whole, or as the stream's
 * `response.*` events carry it), its output items (the message, then a `function_call` item for
 * each tool the model called), and the stream's events.
 */
import type { ChatFinishReason } from "./chat-finish.ts";
import type { ToolCall } from "./chat-tool-calls.ts";
import type { Usage } from "./chat-usage.ts";
import type { ResponseEcho } from "./responses-request.ts";

export interface ResponseMeta {
  /** `resp_<prediction id>`. */
  id: string;
  /** `msg_<prediction id>`: the output message. */
  itemId: string;
  /** `fc_<prediction id>`: the function calls' item ids are this and their number (`fc_…_0`). */
  callItemPrefix: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** As the client named it. */
  model: string;
  echo: ResponseEcho;
}

type Status = "in_progress" | "completed" | "incomplete" | "failed";
type IncompleteReason = "max_output_tokens" | "content_filter";

export interface ResponseState {
  status: Status;
  /** Why an incomplete response stopped short. */
  incompleteReason?: IncompleteReason;
  /** The output so far: none before the message starts. */
  text?: string;
  /** The tools the model called. */
  toolCalls?: ToolCall[];
  usage?: Usage;
  /** Why a failed response failed. */
  error?: string;
}

const textPart = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });

export function outputMessage(
  meta: ResponseMeta,
  text: string,
  status: "in_progress" | "completed" | "incomplete",
) {
  return {
    id: meta.itemId,
    type: "message",
    status,
    role: "assistant",
    content: status === "in_progress" ? [] : [textPart(text)],
  };
}

export function functionCallItem(
  meta: ResponseMeta,
  call: ToolCall,
  index: number,
  status: "in_progress" | "completed",
) {
  return {
    id: `${meta.callItemPrefix}_${index}`,
    type: "function_call",
    status,
    call_id: call.id,
    name: call.function.name,
    arguments: status === "completed" ? call.function.arguments : "",
  };
}

/** An answer of tool calls alone has no message; any other answer has one, first. */
export const hasMessage = (text: string, toolCalls: ToolCall[] = []) => text !== "" || toolCalls.length === 0;

/** How a text that ended for `finishReason` leaves the response. */
export function endingOf(finishReason: ChatFinishReason): {
  status: "completed" | "incomplete";
  incompleteReason?: IncompleteReason;
} {
  if (finishReason === "length") return { status: "incomplete", incompleteReason: "max_output_tokens" };
  if (finishReason === "content_filter") return { status: "incomplete", incompleteReason: "content_filter" };
  return { status: "completed" };
}

export function responseObject(meta: ResponseMeta, state: ResponseState) {
  const { status, text, toolCalls = [], usage, error, incompleteReason = "max_output_tokens" } = state;
  const ended = status !== "in_progress";
  const message =
    text !== undefined && hasMessage(text, toolCalls)
      ? [outputMessage(meta, text, status === "completed" ? "completed" : "incomplete")]
      : [];
  return {
    id: meta.id,
    object: "response",
    created_at: meta.createdAt,
    status,
    completed_at: status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: error === undefined ? null : { code: "server_error", message: error },
    incomplete_details: status === "incomplete" ? { reason: incompleteReason } : null,
    model: meta.model,
    output: [...message, ...toolCalls.map((call, index) => functionCallItem(meta, call, index, "completed"))],
    output_text: text ?? null,
    previous_response_id: null,
    reasoning: null,
    // Nothing is kept to retrieve or continue from.
    store: false,
    truncation: "disabled",
    // The document has no null for these: left out until there is one.
    ...(ended && usage && { usage: responseUsage(usage) }),
    ...meta.echo,
  };
}

function responseUsage(usage: Usage) {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens,
  };
}

/** The stream's events; each gets the next `sequence_number` from `send`. */
export function streamEvents(meta: ResponseMeta) {
  const at = { item_id: meta.itemId, output_index: 0, content_index: 0 };
  return {
    created: () => ({ type: "response.created", response: responseObject(meta, { status: "in_progress" }) }),
    inProgress: () => ({
      type: "response.in_progress",
      response: responseObject(meta, { status: "in_progress" }),
    }),
    itemAdded: () => ({
      type: "response.output_item.added",
      output_index: 0,
      item: outputMessage(meta, "", "in_progress"),
    }),
    partAdded: () => ({ type: "response.content_part.added", ...at, part: textPart("") }),
    delta: (delta: string) => ({ type: "response.output_text.delta", ...at, delta, logprobs: [] }),
    textDone: (text: string) => ({ type: "response.output_text.done", ...at, text, logprobs: [] }),
    partDone: (text: string) => ({ type: "response.content_part.done", ...at, part: textPart(text) }),
    itemDone: (text: string, status: "completed" | "incomplete") => ({
      type: "response.output_item.done",
      output_index: 0,
      item: outputMessage(meta, text, status),
    }),
    callAdded: (call: ToolCall, index: number, outputIndex: number) => ({
      type: "response.output_item.added",
      output_index: outputIndex,
      item: functionCallItem(meta, call, index, "in_progress"),
    }),
    // The model's calls come whole with its answer: their arguments are one delta.
    argumentsDelta: (call: ToolCall, index: number, outputIndex: number) => ({
      type: "response.function_call_arguments.delta",
      item_id: `${meta.callItemPrefix}_${index}`,
      output_index: outputIndex,
      delta: call.function.arguments,
    }),
    argumentsDone: (call: ToolCall, index: number, outputIndex: number) => ({
      type: "response.function_call_arguments.done",
      item_id: `${meta.callItemPrefix}_${index}`,
      output_index: outputIndex,
      name: call.function.name,
      arguments: call.function.arguments,
    }),
    callDone: (call: ToolCall, index: number, outputIndex: number) => ({
      type: "response.output_item.done",
      output_index: outputIndex,
      item: functionCallItem(meta, call, index, "completed"),
    }),
    ended: (state: ResponseState) => ({
      type: state.status === "completed" ? "response.completed" : `response.${state.status}`,
      response: responseObject(meta, state),
    }),
  };
}
