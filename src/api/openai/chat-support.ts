/**
 * The chat parameters a client relies on, against what the model can do: honoured, dropped and
 * named when the client said it wants no effect from them (`tool_choice: "none"`), or refused
 * with OpenAI's `unsupported_parameter` 400. Ignoring one of them would hand the client an answer
 * it did not ask for (prose where it waits for a tool call or JSON), so none is ever ignored.
 * A model that takes tools natively (an OpenAI-compatible upstream) gets them, and `logprobs`, as
 * they are, where the route can answer what the model then says (`answers`: tool calls in chat
 * completions and the Responses API, log probabilities in chat completions).
 */
import type { ChatModel } from "./chat-model.ts";
import type { Answers, ReliedParams } from "./chat-request.ts";
import { unsupportedParam } from "./openai-error.ts";

export interface Support {
  /** Passed to the model as they are (its input takes them natively). */
  native: Record<string, unknown>;
  /** Left out, to be named in `x-gengate-dropped-params`. */
  dropped: string[];
}

const present = (value: unknown) => value !== undefined && value !== null;

export function checkSupport(
  model: ChatModel,
  relied: ReliedParams,
  {
    toolItem,
    answers,
    paramNames = {},
  }: { toolItem?: string; answers?: Answers; paramNames?: Record<string, string> } = {},
): Support {
  const native: Record<string, unknown> = {};
  const dropped: string[] = [];
  const cannot = (name: string, what: string) => {
    const param = paramNames[name] ?? name;
    return unsupportedParam(param, `The model '${model.name}' does not support ${what} ('${param}')`);
  };

  const { tools, tool_choice: toolChoice, functions, function_call: functionCall } = relied;
  const takesTools = model.tools === true && answers?.toolCalls === true;
  if (takesTools) {
    if (tools?.length) native.tools = tools;
    if (present(toolChoice)) native.tool_choice = toolChoice;
  } else if (toolItem !== undefined) {
    throw cannot(toolItem, "tool calls or tool results in the conversation");
  } else if (tools?.length) {
    // With "none" the client wants no call.
    if (toolChoice !== "none") throw cannot("tools", "tool calls");
    dropped.push("tools", "tool_choice");
  }
  if (functions?.length) {
    if (functionCall !== "none") throw cannot("functions", "function calls");
    dropped.push("functions", "function_call");
  }

  const format = relied.response_format;
  if (format && format.type !== "text") {
    if (!model.jsonOutput) throw cannot("response_format", `JSON output (${format.type})`);
    native.response_format = format;
  }
  if (model.tools === true && answers?.logprobs === true) {
    if (present(relied.logprobs)) native.logprobs = relied.logprobs;
    if (present(relied.top_logprobs)) native.top_logprobs = relied.top_logprobs;
  } else {
    if (relied.logprobs === true) throw cannot("logprobs", "log probabilities");
    if (present(relied.top_logprobs)) throw cannot("top_logprobs", "log probabilities");
  }
  if (relied.modalities?.some((modality) => modality !== "text"))
    throw cannot("modalities", "output other than text");
  if (present(relied.audio)) throw cannot("audio", "audio output");
  if (present(relied.web_search_options)) throw cannot("web_search_options", "web search");
  if (present(relied.moderation)) throw cannot("moderation", "moderation of the conversation");
  return { native, dropped };
}
